// What a name of a node or interface may be (issue 20: names with NUL or 100,000 characters were
// accepted, and a '/' in an interface name made a capture's file name a path into a subfolder).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vpcsim::core {

/// Longer names are refused (Linux allows 15 for an interface, 64 for a host name; vpcsim is looser).
inline constexpr std::size_t kMaxNameLength = 255;

/// Whether `name` has a control character (NUL, newline, ESC, DEL, ...).
bool has_control_characters(std::string_view name);

/// `name` fit for a message: control characters as \xNN, cut to 64 characters with "...".
std::string printable(std::string_view name);

}  // namespace vpcsim::core
