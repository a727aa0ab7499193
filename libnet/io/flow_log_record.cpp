#include "libnet/io/flow_log_record.h"

#include <array>
#include <charconv>
#include <limits>

namespace vpcsim::io {
namespace {

constexpr std::size_t kFields = 14;
constexpr std::array<std::string_view, kFields> kFieldNames = {
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets",   "bytes",        "start",   "end",     "action",  "log-status"};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Splits on runs of blanks; returns how many fields there were (at most `out.size()` are kept).
std::size_t split(std::string_view line, std::array<std::string_view, kFields>& out) {
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    std::size_t j = i;
    while (j < line.size() && !is_blank(line[j])) ++j;
    if (n < out.size()) out[n] = line.substr(i, j - i);
    ++n;
    i = j;
  }
  return n;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;  // a field of a corrupt line can be the rest of the file
  return "'" + std::string(text.substr(0, kMax)) + (text.size() > kMax ? "...'" : "'");
}

/// An unsigned decimal no greater than `max`; false with `error` naming the field otherwise.
template <typename T>
bool parse_number(std::string_view text, std::size_t field, std::uint64_t max, T& out, std::string& error) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && end == text.data() + text.size() && value > max)) {
    error = std::string(kFieldNames[field]) + " " + quoted(text) + " is out of range (at most " + std::to_string(max) + ")";
    return false;
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    error = std::string(kFieldNames[field]) + " " + quoted(text) + " is not a number";
    return false;
  }
  out = static_cast<T>(value);
  return true;
}

bool parse_address(std::string_view text, std::size_t field, wire::Ipv4Address& out, std::string& error) {
  std::string reason;
  if (auto a = wire::Ipv4Address::try_parse(text, &reason)) {
    out = *a;
    return true;
  }
  if (text.find(':') != std::string_view::npos)
    error = std::string(kFieldNames[field]) + " " + quoted(text) + " is an IPv6 address; vpcsim models IPv4 only";
  else
    error = std::string(kFieldNames[field]) + " " + quoted(text) + " is not an IPv4 address: " + reason;
  return false;
}

}  // namespace

std::string_view to_string(FlowLogAction action) {
  switch (action) {
    case FlowLogAction::accept: return "ACCEPT";
    case FlowLogAction::reject: return "REJECT";
    case FlowLogAction::none: break;
  }
  return "-";
}

std::string_view to_string(FlowLogStatus status) {
  switch (status) {
    case FlowLogStatus::nodata: return "NODATA";
    case FlowLogStatus::skipdata: return "SKIPDATA";
    case FlowLogStatus::ok: break;
  }
  return "OK";
}

std::string FlowLogRecord::to_line() const {
  std::string s = std::to_string(version) + ' ' + account_id + ' ' + interface_id + ' ';
  if (has_flow()) {
    s += srcaddr.to_string() + ' ' + dstaddr.to_string() + ' ' + std::to_string(srcport) + ' ' +
         std::to_string(dstport) + ' ' + std::to_string(protocol) + ' ' + std::to_string(packets) + ' ' +
         std::to_string(bytes) + ' ';
  } else {
    s += "- - - - - - - ";
  }
  s += std::to_string(start) + ' ' + std::to_string(end) + ' ';
  s += has_flow() ? to_string(action) : "-";
  s += ' ';
  s += to_string(log_status);
  return s;
}

bool is_flow_log_header(std::string_view line) {
  std::array<std::string_view, kFields> f;
  if (split(line, f) != kFields) return false;
  for (std::size_t i = 0; i < kFields; ++i)
    if (f[i] != kFieldNames[i]) return false;
  return true;
}

std::optional<FlowLogRecord> parse_flow_log_line(std::string_view line, std::string& error) {
  std::array<std::string_view, kFields> f;
  const std::size_t n = split(line, f);
  if (n != kFields) {
    error = "expected the 14 fields of the default format (" + std::string(kFlowLogDefaultHeader) + "), found " +
            std::to_string(n);
    return std::nullopt;
  }
  FlowLogRecord r;
  if (!parse_number(f[0], 0, std::numeric_limits<std::uint32_t>::max(), r.version, error)) return std::nullopt;
  if (r.version != 2) {
    error = "version " + std::to_string(r.version) +
            ": only the default format (version 2) is read; a custom format needs its own field list";
    return std::nullopt;
  }
  r.account_id = f[1];
  r.interface_id = f[2];
  if (f[13] == "OK") r.log_status = FlowLogStatus::ok;
  else if (f[13] == "NODATA") r.log_status = FlowLogStatus::nodata;
  else if (f[13] == "SKIPDATA") r.log_status = FlowLogStatus::skipdata;
  else {
    error = "log-status " + quoted(f[13]) + " is not OK, NODATA or SKIPDATA";
    return std::nullopt;
  }
  constexpr std::uint64_t kMaxTime = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;  // fits in ns
  if (!parse_number(f[10], 10, kMaxTime, r.start, error) || !parse_number(f[11], 11, kMaxTime, r.end, error))
    return std::nullopt;
  if (r.end < r.start) {
    error = "end " + std::to_string(r.end) + " is before start " + std::to_string(r.start);
    return std::nullopt;
  }
  if (!r.has_flow()) {
    for (std::size_t i = 3; i <= 9; ++i) {
      if (f[i] != "-") {
        error = std::string(kFieldNames[i]) + " " + quoted(f[i]) + " in a " + std::string(f[13]) + " record (expected '-')";
        return std::nullopt;
      }
    }
    r.action = FlowLogAction::none;
    return r;
  }
  if (!parse_address(f[3], 3, r.srcaddr, error) || !parse_address(f[4], 4, r.dstaddr, error)) return std::nullopt;
  if (!parse_number(f[5], 5, 65535, r.srcport, error) || !parse_number(f[6], 6, 65535, r.dstport, error) ||
      !parse_number(f[7], 7, 255, r.protocol, error) ||
      !parse_number(f[8], 8, std::numeric_limits<std::uint64_t>::max(), r.packets, error) ||
      !parse_number(f[9], 9, std::numeric_limits<std::uint64_t>::max(), r.bytes, error))
    return std::nullopt;
  if (f[12] == "ACCEPT") r.action = FlowLogAction::accept;
  else if (f[12] == "REJECT") r.action = FlowLogAction::reject;
  else {
    error = "action " + quoted(f[12]) + " is not ACCEPT or REJECT";
    return std::nullopt;
  }
  return r;
}

}  // namespace vpcsim::io
