// Simulated time: a signed 64-bit count of nanoseconds since the simulation started.
//
// Nanoseconds give 292 years of range and exact pcap timestamps (we write nanosecond pcaps), and an
// integer keeps runs bit-for-bit reproducible where floating point would not. Time is passed in to
// whatever needs it; nothing reads a wall clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vpcsim::core {

using Time = std::int64_t;

inline constexpr Time kNanosecond = 1;
inline constexpr Time kMicrosecond = 1'000;
inline constexpr Time kMillisecond = 1'000'000;
inline constexpr Time kSecond = 1'000'000'000;
inline constexpr Time kTimeNever = INT64_MAX;

constexpr Time nanoseconds(std::int64_t n) { return n; }
constexpr Time microseconds(std::int64_t n) { return n * kMicrosecond; }
constexpr Time milliseconds(std::int64_t n) { return n * kMillisecond; }
constexpr Time seconds(std::int64_t n) { return n * kSecond; }

/// Parses "10us", "1.5s", "250ms", "100ns" (a bare number is rejected: units are required).
/// Throws ParseError naming the text.
Time parse_duration(std::string_view text);

/// Formats as the shortest exact unit: "1s", "1.5ms", "250us", "7ns".
std::string format_duration(Time t);

/// Parses "1Gbps", "100Mbps", "56Kbps", "9600bps" into bits per second. Throws ParseError.
std::int64_t parse_bandwidth(std::string_view text);

}  // namespace vpcsim::core
