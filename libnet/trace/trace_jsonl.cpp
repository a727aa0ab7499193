#include "libnet/trace/trace_jsonl.h"

#include <cstdio>
#include <fstream>

#include "libnet/core/error.h"

namespace vpcsim::trace {

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void write_jsonl(const TraceLog& log, std::ostream& out) {
  std::string line;
  for (const TraceEvent& e : log.events()) {
    line = "{\"at_ns\":" + std::to_string(e.at) + ",\"kind\":\"" + std::string(to_string(e.kind)) +
           "\",\"node\":" + (e.node == kNoId ? std::string("null") : json_string(log.node_name(e.node))) +
           ",\"interface\":" + (e.interface == kNoId ? std::string("null") : json_string(log.interface_name(e.interface))) +
           ",\"packet_id\":" + (e.packet_id == 0 ? std::string("null") : std::to_string(e.packet_id)) +
           ",\"reason\":" + (e.reason == DropReason::none ? std::string("null") : "\"" + std::string(to_string(e.reason)) + "\"") +
           ",\"detail\":" + (e.detail.empty() ? std::string("null") : json_string(e.detail)) + "}\n";
    out << line;
  }
}

void write_jsonl(const TraceLog& log, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw core::ConfigError(path, "trace", "cannot open for writing");
  write_jsonl(log, out);
  out.flush();
  if (!out) throw core::ConfigError(path, "trace", "write failed");
}

}  // namespace vpcsim::trace
