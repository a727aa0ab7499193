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
  std::string out;
  for (std::size_t i = 0; i < name.size() && i < kShown; ++i) {
    const auto u = static_cast<unsigned char>(name[i]);
    if (u < 0x20 || u == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    } else {
      out += name[i];
    }
  }
  if (name.size() > kShown) out += "... (" + std::to_string(name.size()) + " characters)";
  return out;
}

}  // namespace vpcsim::core
