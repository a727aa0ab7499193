#include "libnet/core/time.h"

#include <charconv>
#include <cstdio>

#include "libnet/core/error.h"

namespace vpcsim::core {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t scale;
};

// Splits "12.5ms" into an exact integer count of the smallest unit; rejects overflow and junk.
std::int64_t parse_scaled(std::string_view kind, std::string_view text, std::initializer_list<Unit> units) {
  std::size_t digits_end = 0;
  while (digits_end < text.size() && ((text[digits_end] >= '0' && text[digits_end] <= '9') || text[digits_end] == '.'))
    ++digits_end;
  std::string_view number = text.substr(0, digits_end);
  std::string_view suffix = text.substr(digits_end);
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  if (number.empty()) throw ParseError(kind, text, "expected a number followed by a unit");
  const Unit* unit = nullptr;
  for (const Unit& u : units)
    if (u.suffix == suffix) unit = &u;
  if (unit == nullptr) {
    std::string known;
    for (const Unit& u : units) known += (known.empty() ? "" : ", ") + std::string(u.suffix);
    throw ParseError(kind, text, suffix.empty() ? "missing unit (one of " + known + ")"
                                               : "unknown unit '" + std::string(suffix) + "' (one of " + known + ")");
  }
  std::size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if (frac.find('.') != std::string_view::npos || (whole.empty() && frac.empty()))
    throw ParseError(kind, text, "malformed number");
  __int128 value = 0;
  for (char c : whole) {
    value = value * 10 + (c - '0');
    if (value > INT64_MAX) throw ParseError(kind, text, "out of range");
  }
  value *= unit->scale;
  __int128 place = unit->scale;
  for (char c : frac) {
    if (place % 10 != 0) {
      if (c != '0') throw ParseError(kind, text, "more precision than the unit allows");
      continue;
    }
    place /= 10;
    value += place * (c - '0');
  }
  if (value > INT64_MAX) throw ParseError(kind, text, "out of range");
  return static_cast<std::int64_t>(value);
}

}  // namespace

Time parse_duration(std::string_view text) {
  return parse_scaled("duration", text, {{"ns", 1}, {"us", kMicrosecond}, {"ms", kMillisecond}, {"s", kSecond}});
}

std::int64_t parse_bandwidth(std::string_view text) {
  return parse_scaled("bandwidth", text,
                      {{"bps", 1}, {"Kbps", 1'000}, {"Mbps", 1'000'000}, {"Gbps", 1'000'000'000}, {"Tbps", 1'000'000'000'000}});
}

std::string format_duration(Time t) {
  struct Step {
    Time scale;
    const char* suffix;
  };
  static constexpr Step steps[] = {{kSecond, "s"}, {kMillisecond, "ms"}, {kMicrosecond, "us"}, {1, "ns"}};
  std::string sign = t < 0 ? "-" : "";
  std::uint64_t magnitude = t < 0 ? 0 - static_cast<std::uint64_t>(t) : static_cast<std::uint64_t>(t);
  if (magnitude == 0) return "0s";
  for (const Step& step : steps) {
    std::uint64_t scale = static_cast<std::uint64_t>(step.scale);
    if (magnitude < scale) continue;
    std::string text = std::to_string(magnitude / scale);
    std::uint64_t rest = magnitude % scale;
    if (rest != 0) {
      std::string frac = std::to_string(rest + scale).substr(1);  // zero-padded digits
      while (frac.back() == '0') frac.pop_back();
      text += "." + frac;
    }
    return sign + text + step.suffix;
  }
  return sign + std::to_string(magnitude) + "ns";
}

}  // namespace vpcsim::core
