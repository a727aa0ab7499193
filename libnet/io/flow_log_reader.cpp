#include "libnet/io/flow_log_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "libnet/core/error.h"

namespace vpcsim::io {

/// Bytes in chunks: from zlib (plain or gzip file) or from a string in memory.
struct FlowLogReader::Source {
  gzFile file = nullptr;
  std::string text;         ///< the in-memory source, when there is no file
  std::size_t text_pos = 0;
  std::vector<char> buf = std::vector<char>(64 * 1024);
  std::size_t pos = 0, len = 0;
  bool eof = false;

  ~Source() {
    if (file != nullptr) gzclose(file);
  }
  /// Refills `buf`; false at the end. A stream error sets `error`.
  bool fill(std::string& error) {
    pos = len = 0;
    if (eof) return false;
    if (file == nullptr) {
      len = std::min(buf.size(), text.size() - text_pos);
      std::memcpy(buf.data(), text.data() + text_pos, len);
      text_pos += len;
    } else {
      const int n = gzread(file, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0) {
        int code = 0;
        const char* message = gzerror(file, &code);
        error = std::string("gzip stream error: ") + (message != nullptr ? message : "unknown");
        eof = true;
        return false;
      }
      len = static_cast<std::size_t>(n);
    }
    if (len == 0) {
      eof = true;
      // zlib reports a gzip member cut short only as the end of the data; ask it.
      if (file != nullptr) {
        int code = 0;
        const char* message = gzerror(file, &code);
        if (code != Z_OK && code != Z_STREAM_END) error = std::string("gzip stream error: ") + message;
      }
      return false;
    }
    return true;
  }
};

FlowLogReader::FlowLogReader(std::string path) : path_(std::move(path)), source_(std::make_unique<Source>()) {
  errno = 0;
  source_->file = gzopen(path_.c_str(), "rb");
  if (source_->file == nullptr)
    throw core::ConfigError(path_, "flow log", errno != 0 ? std::strerror(errno) : "cannot be opened");
}

FlowLogReader::FlowLogReader(std::string path, std::unique_ptr<Source> source)
    : path_(std::move(path)), source_(std::move(source)) {}

FlowLogReader FlowLogReader::from_text(std::string text, std::string name) {
  auto source = std::make_unique<Source>();
  source->text = std::move(text);
  return FlowLogReader(std::move(name), std::move(source));
}

FlowLogReader::FlowLogReader(FlowLogReader&&) noexcept = default;
FlowLogReader& FlowLogReader::operator=(FlowLogReader&&) noexcept = default;
FlowLogReader::~FlowLogReader() = default;

void FlowLogReader::add_issue(std::uint64_t line, std::string message) {
  if (issues_.size() < kMaxIssues) issues_.push_back({line, std::move(message)});
}

std::string FlowLogReader::describe(const FlowLogIssue& issue) const {
  return path_ + ":" + std::to_string(issue.line) + ": " + issue.message;
}

bool FlowLogReader::next_line() {
  line_buf_.clear();
  bool any = false;
  bool too_long = false;
  Source& s = *source_;
  for (;;) {
    if (s.pos == s.len && !s.fill(error_)) break;
    any = true;
    const char* start = s.buf.data() + s.pos;
    const void* nl = std::memchr(start, '\n', s.len - s.pos);
    const std::size_t take = nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : s.len - s.pos;
    if (line_buf_.size() + take <= kMaxLineLen) line_buf_.append(start, take);
    else too_long = true;
    s.pos += take;
    if (nl != nullptr) {
      ++s.pos;
      break;
    }
  }
  if (!any) {
    if (!error_.empty()) {
      add_issue(line_ + 1, error_);
      ++bad_;
      error_.clear();
    }
    return false;
  }
  ++line_;
  if (too_long) {
    ++bad_;
    add_issue(line_, "line longer than " + std::to_string(kMaxLineLen) + " bytes");
    line_buf_.clear();
  }
  return true;
}

bool FlowLogReader::next(FlowLogRecord& record) {
  std::string error;
  while (next_line()) {
    const std::string_view line = line_buf_;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos || is_flow_log_header(line)) continue;
    if (auto r = parse_flow_log_line(line, error)) {
      record = std::move(*r);
      ++records_;
      return true;
    }
    ++bad_;
    add_issue(line_, std::move(error));
    error.clear();
  }
  return false;
}

std::optional<FlowLogRecord> FlowLogReader::next() {
  FlowLogRecord r;
  if (next(r)) return r;
  return std::nullopt;
}

std::vector<FlowLogRecord> FlowLogReader::read_all() {
  std::vector<FlowLogRecord> out;
  FlowLogRecord r;
  while (next(r)) out.push_back(r);
  return out;
}

}  // namespace vpcsim::io
