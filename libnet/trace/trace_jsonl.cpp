#include "libnet/trace/trace_jsonl.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include "libnet/core/error.h"
#include "libnet/core/output_file.h"

namespace vpcsim::trace {
namespace {

constexpr std::size_t kBlockLen = std::size_t{1} << 20;  // written to the file in blocks of about 1 MiB

void append_json_string(std::string& out, std::string_view text) {
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
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

const std::string& JsonlFormatter::node_json(const TraceLog& log, std::uint32_t node) {
  if (node >= nodes_.size()) nodes_.resize(std::size_t{node} + 1);
  std::string& cached = nodes_[node];
  if (cached.empty()) append_json_string(cached, log.node_name(node));
  return cached;
}

const std::string& JsonlFormatter::interface_json(const TraceLog& log, std::uint32_t interface) {
  if (interface >= interfaces_.size()) interfaces_.resize(std::size_t{interface} + 1);
  std::string& cached = interfaces_[interface];
  if (cached.empty()) append_json_string(cached, log.interface_name(interface));
  return cached;
}

void JsonlFormatter::append(const TraceLog& log, const TraceEvent& e, std::string& out) {
  out += "{\"at_ns\":";
  append_integer(out, e.at);
  out += ",\"kind\":\"";
  out += to_string(e.kind);
  out += "\",\"node\":";
  if (e.node == kNoId) {
    out += "null";
  } else {
    out += node_json(log, e.node);
  }
  out += ",\"interface\":";
  if (e.interface == kNoId) {
    out += "null";
  } else {
    out += interface_json(log, e.interface);
  }
  out += ",\"packet_id\":";
  if (e.packet_id == 0) {
    out += "null";
  } else {
    append_integer(out, e.packet_id);
  }
  out += ",\"reason\":";
  if (e.reason == DropReason::none) {
    out += "null";
  } else {
    out += '"';
    out += to_string(e.reason);
    out += '"';
  }
  out += ",\"detail\":";
  if (e.detail.empty()) {
    out += "null}\n";
  } else {
    append_json_string(out, e.detail);
    out += "}\n";
  }
}

JsonlStream::JsonlStream(const std::string& path) : path_(path), file_(core::open_output(path, "trace")) {
  buffer_.reserve(kBlockLen + 4096);
}

JsonlStream::~JsonlStream() {
  if (file_ != nullptr) {
    flush_buffer();
    std::fclose(file_);
  }
}

void JsonlStream::on_event(const TraceLog& log, const TraceEvent& event) {
  if (file_ == nullptr) return;
  formatter_.append(log, event, buffer_);
  ++lines_;
  if (buffer_.size() >= kBlockLen) flush_buffer();
}

void JsonlStream::flush_buffer() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  bytes_ += buffer_.size();
  buffer_.clear();
}

void JsonlStream::close() {
  if (file_ == nullptr) return;
  flush_buffer();
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (failed_ || !closed) throw core::ConfigError(path_, "trace", "write failed (is the disk full?)");
}

void write_jsonl(const TraceLog& log, std::ostream& out) {
  JsonlFormatter formatter;
  std::string buffer;
  buffer.reserve(kBlockLen + 4096);
  for (const TraceEvent& e : log.events()) {
    formatter.append(log, e, buffer);
    if (buffer.size() >= kBlockLen) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

void write_jsonl(const TraceLog& log, const std::string& path) {
  JsonlStream stream(path);
  for (const TraceEvent& e : log.events()) stream.on_event(log, e);
  stream.close();
}

}  // namespace vpcsim::trace
