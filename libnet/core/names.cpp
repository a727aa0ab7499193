#include "libnet/core/names.h"

#include <algorithm>
#include <cstdio>

namespace vpcsim::core {

bool has_control_characters(std::string_view name) {
  return std::any_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string printable(std::string_view name) {
  constexpr std::size_t kShown = 64;
  // Cut at a character boundary: a UTF-8 sequence split in two would make the message undecodable
  // (Python's str of the error failed; found by tests/fuzz/scenario_fuzz.py).
  std::size_t shown = std::min(name.size(), kShown);
  while (shown > 0 && shown < name.size() && (static_cast<unsigned char>(name[shown]) & 0xC0) == 0x80) --shown;
  std::string out;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto u = static_cast<unsigned char>(name[i]);
    if (u < 0x20 || u == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    } else {
      out += name[i];
    }
  }
  if (shown < name.size()) out += "... (" + std::to_string(name.size()) + " bytes)";
  return out;
}

}  // namespace vpcsim::core
