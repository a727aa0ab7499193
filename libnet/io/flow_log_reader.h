// FlowLogReader: AWS VPC Flow Logs records from a file, plain text or gzip (as AWS delivers them to
// S3: `.log.gz`), through zlib, which reads an uncompressed file unchanged, so one path serves both.
//
// A file is lines of the default format (flow_log_record.h), optionally with the header line AWS
// writes at the top of each S3 object (accepted anywhere, so concatenated objects read too); blank
// lines are skipped. Bad input is reported, never crashed on (DESIGN.md, decision 6):
// - a file that cannot be opened throws core::ConfigError(path, "flow log", reason);
// - a line that is not a record is counted, and (the first kMaxIssues of them) kept as an issue
//   "<path>:<line>: <why>"; reading goes on with the next line;
// - a gzip stream that is corrupt or cut short ends the reading with one issue naming the line
//   reached; the records before it stand.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/io/flow_log_record.h"

namespace vpcsim::io {

struct FlowLogIssue {
  std::uint64_t line = 0;  ///< 1-based; the line reached for a stream error
  std::string message;
};

class FlowLogReader {
 public:
  static constexpr std::size_t kMaxIssues = 100;
  static constexpr std::size_t kMaxLineLen = 64 * 1024;

  /// Opens a plain or gzip file. Throws core::ConfigError(path, "flow log", reason) if it cannot.
  explicit FlowLogReader(std::string path);
  /// Reads records from text in memory; `name` stands for the path in issues.
  static FlowLogReader from_text(std::string text, std::string name = "<text>");
  FlowLogReader(FlowLogReader&&) noexcept;
  FlowLogReader& operator=(FlowLogReader&&) noexcept;
  ~FlowLogReader();

  /// The next record, skipping headers, blank lines and bad lines (counted); false at the end.
  bool next(FlowLogRecord& record);
  std::optional<FlowLogRecord> next();
  std::vector<FlowLogRecord> read_all();

  const std::string& path() const { return path_; }
  std::uint64_t lines() const { return line_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t bad_records() const { return bad_; }
  /// The first kMaxIssues problems, in file order.
  const std::vector<FlowLogIssue>& issues() const { return issues_; }
  /// "<path>:<line>: <message>" for one issue.
  std::string describe(const FlowLogIssue& issue) const;

 private:
  struct Source;
  FlowLogReader(std::string path, std::unique_ptr<Source> source);
  /// The next line into `line_buf_` (without its newline); false at the end or at a stream error.
  bool next_line();
  void add_issue(std::uint64_t line, std::string message);

  std::string path_;
  std::unique_ptr<Source> source_;
  std::string line_buf_;
  std::string error_;
  std::uint64_t line_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t bad_ = 0;
  std::vector<FlowLogIssue> issues_;
};

}  // namespace vpcsim::io
