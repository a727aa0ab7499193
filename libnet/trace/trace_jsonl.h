// The trace as JSON lines: one object per event, in order, with names resolved:
//   {"at_ns":21344,"kind":"dropped","node":"r1","interface":"r1.eth0","packet_id":7,
//    "reason":"no_route","detail":"no route to 203.0.113.9 at r1"}
// Absent values (no interface, no packet, no reason, no detail) are null. Strings are escaped as
// JSON requires and otherwise written as UTF-8, so the output equals Python's
// json.dumps(record, separators=(",", ":"), ensure_ascii=False) for each event.
#pragma once

#include <ostream>
#include <string>

#include "libnet/trace/trace_log.h"

namespace vpcsim::trace {

void write_jsonl(const TraceLog& log, std::ostream& out);
/// Throws core::ConfigError(path, "trace", ...) if the file cannot be written.
void write_jsonl(const TraceLog& log, const std::string& path);
/// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace vpcsim::trace
