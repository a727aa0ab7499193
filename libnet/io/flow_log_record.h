// One AWS VPC Flow Logs record in the default (version 2) format, and the text of one line.
//
// AWS documents the default format as 14 space-separated fields
//   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html#flow-logs-default): one
// record per 5-tuple, per network interface, per aggregation interval, with the packets and bytes of
// that direction of the flow, the interval's first and last packet times (Unix seconds), ACCEPT or
// REJECT, and a log status. A NODATA record (no traffic in the interval) or SKIPDATA record (records
// were skipped) carries `-` in every flow field and in action
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html#flow-log-example-no-data).
//
// parse_flow_log_line never throws: a line that is not a record gives a sentence naming the field and
// the text, which the reader reports with the file and line. vpcsim models IPv4 only, so a record with
// IPv6 addresses is refused with that reason rather than misread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "libnet/wire/ipv4_address.h"

namespace vpcsim::io {

enum class FlowLogAction : std::uint8_t { none, accept, reject };  ///< none: `-` (NODATA, SKIPDATA)
enum class FlowLogStatus : std::uint8_t { ok, nodata, skipdata };
std::string_view to_string(FlowLogAction action);  ///< "ACCEPT", "REJECT", "-"
std::string_view to_string(FlowLogStatus status);  ///< "OK", "NODATA", "SKIPDATA"

/// The default format's field names, in order (the header line of a file delivered to S3).
inline constexpr std::string_view kFlowLogDefaultHeader =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

struct FlowLogRecord {
  std::uint32_t version = 2;
  std::string account_id;
  std::string interface_id;   ///< "eni-..."
  wire::Ipv4Address srcaddr;  ///< flow fields: meaningful only when has_flow()
  wire::Ipv4Address dstaddr;
  std::uint16_t srcport = 0;
  std::uint16_t dstport = 0;
  std::uint8_t protocol = 0;  ///< IANA protocol number
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::int64_t start = 0;     ///< Unix seconds: the interval's first packet
  std::int64_t end = 0;       ///< Unix seconds: the interval's last packet
  FlowLogAction action = FlowLogAction::accept;
  FlowLogStatus log_status = FlowLogStatus::ok;

  /// OK records describe a flow; NODATA and SKIPDATA records only an interval.
  bool has_flow() const { return log_status == FlowLogStatus::ok; }
  /// The record as one line of the default format (no newline).
  std::string to_line() const;
  bool operator==(const FlowLogRecord&) const = default;
};

/// Parses one line of the default format. Returns nullopt and sets `error` to why (naming the field
/// and quoting the text) when the line is not a record.
std::optional<FlowLogRecord> parse_flow_log_line(std::string_view line, std::string& error);

/// Whether `line` is the default format's header (the field names; extra spaces allowed).
bool is_flow_log_header(std::string_view line);

}  // namespace vpcsim::io
