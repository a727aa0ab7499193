// PcapWriter: frames to a nanosecond-resolution pcap file, through libpcap's pcap_dump.
//
// A frame is bytes (DESIGN.md, decision 1), so a capture is those bytes with a timestamp: the file
// holds exactly what crossed, and the same run gives the same file (decision 3). Timestamps are
// simulated time: 0 ns is the Unix epoch unless an epoch offset is given, so nothing reads a wall
// clock. The file is a classic pcap with the nanosecond magic 0xa1b23c4d, link type EN10MB and a
// snaplen of 262144 (libpcap's maximum for Ethernet), which tcpdump, tshark and libpcap all read.
//
// libpcap types stay out of this header (opaque pointers), so users of io/ need no pcap headers.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "libnet/core/time.h"

struct pcap;
struct pcap_dumper;

namespace vpcsim::io {

class PcapWriter {
 public:
  /// The snapshot length in the file header; a longer frame is cut to this many bytes (its original
  /// length is kept in the record).
  static constexpr std::uint32_t kSnapLen = 262144;

  /// Creates (or truncates) `path`. A record's timestamp is `epoch_offset_ns + at_ns` nanoseconds
  /// since the Unix epoch. Throws core::ConfigError(path, "pcap", reason) if the file cannot be opened.
  explicit PcapWriter(std::string path, core::Time epoch_offset_ns = 0);
  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  /// Closes the file; errors on this last flush are swallowed (call close() to see them).
  ~PcapWriter();

  /// Appends one record. Throws core::ConfigError if the writer is closed or the resulting timestamp
  /// is before the epoch (pcap cannot hold it).
  void write(core::Time at_ns, std::span<const std::uint8_t> frame);
  /// Pushes buffered records to the file. Throws core::ConfigError on a write error (disk full, ...).
  void flush();
  /// Flushes and closes; further writes throw. Idempotent. Throws core::ConfigError on a write error.
  void close();

  bool is_open() const { return dumper_ != nullptr; }
  const std::string& path() const { return path_; }
  core::Time epoch_offset_ns() const { return epoch_offset_ns_; }
  std::uint64_t frames_written() const { return frames_written_; }
  /// Frame bytes written (not counting pcap headers).
  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  void release() noexcept;

  std::string path_;
  core::Time epoch_offset_ns_ = 0;
  ::pcap* pcap_ = nullptr;
  ::pcap_dumper* dumper_ = nullptr;
  std::uint64_t frames_written_ = 0;
  std::uint64_t bytes_written_ = 0;
};

}  // namespace vpcsim::io
