// The trace as JSON lines: one object per event, in order, with names resolved:
//   {"at_ns":21344,"kind":"dropped","node":"r1","interface":"r1.eth0","packet_id":7,
//    "reason":"no_route","detail":"no route to 203.0.113.9 at r1"}
// Absent values (no interface, no packet, no reason, no detail) are null. Strings are escaped as
// JSON requires and otherwise written as UTF-8, so the output equals Python's
// json.dumps(record, separators=(",", ":"), ensure_ascii=False) for each event.
//
// Two ways to write it, with the same bytes: write_jsonl() at the end, from the events a TraceLog
// kept, or a JsonlStream set as the log's sink, which writes each event as it is recorded and lets
// the log drop per-packet events (a run of millions of hops in constant memory). Both format into
// one buffer with cached, pre-escaped names and std::to_chars, and write it in large blocks: a
// line costs about as much as the hop that produced it, not the several allocations of building
// it from std::strings.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/trace/trace_log.h"

namespace vpcsim::trace {

/// Appends events as JSON lines to a string; remembers each name's JSON form once made.
class JsonlFormatter {
 public:
  void append(const TraceLog& log, const TraceEvent& event, std::string& out);

 private:
  const std::string& node_json(const TraceLog& log, std::uint32_t node);
  const std::string& interface_json(const TraceLog& log, std::uint32_t interface);

  std::vector<std::string> nodes_;       ///< by node id: "\"r1\"", or empty until first used
  std::vector<std::string> interfaces_;  ///< by interface id: "\"r1.eth0\""
};

/// A TraceSink that writes each event to a file as a JSON line, as it is recorded.
class JsonlStream final : public TraceSink {
 public:
  /// Opens (truncates) `path`. Throws core::ConfigError(path, "trace", ...) if it cannot.
  explicit JsonlStream(const std::string& path);
  ~JsonlStream() override;
  JsonlStream(const JsonlStream&) = delete;
  JsonlStream& operator=(const JsonlStream&) = delete;

  void on_event(const TraceLog& log, const TraceEvent& event) override;
  /// Writes what is buffered and closes the file; throws core::ConfigError on a write error (a full
  /// disk). Later events are ignored. The destructor closes without throwing.
  void close();
  bool is_open() const { return file_ != nullptr; }
  std::uint64_t lines() const { return lines_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t bytes_written() const override { return bytes_; }

 private:
  void flush_buffer();

  std::string path_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  JsonlFormatter formatter_;
  std::string buffer_;
  std::uint64_t lines_ = 0;
  std::uint64_t bytes_ = 0;
};

void write_jsonl(const TraceLog& log, std::ostream& out);
/// Throws core::ConfigError(path, "trace", ...) if the file cannot be written.
void write_jsonl(const TraceLog& log, const std::string& path);
/// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace vpcsim::trace
