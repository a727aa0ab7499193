#include "libnet/io/pcap_writer.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/core/output_file.h"

namespace vpcsim::io {

PcapWriter::PcapWriter(std::string path, core::Time epoch_offset_ns)
    : path_(std::move(path)), epoch_offset_ns_(epoch_offset_ns) {
  if (path_.empty()) throw core::ConfigError("<empty path>", "pcap", "no file name given");
  pcap_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, static_cast<int>(kSnapLen), PCAP_TSTAMP_PRECISION_NANO);
  if (pcap_ == nullptr) throw core::ConfigError(path_, "pcap", "libpcap could not create a capture handle");
  std::FILE* file = nullptr;
  try {
    file = core::open_output(path_, "pcap");  // never through a planted link (core/output_file.h)
  } catch (...) {
    pcap_close(pcap_);
    pcap_ = nullptr;
    throw;
  }
  dumper_ = pcap_dump_fopen(pcap_, file);
  if (dumper_ == nullptr) {
    std::string reason = std::string("cannot open for writing: ") + pcap_geterr(pcap_);
    std::fclose(file);
    pcap_close(pcap_);
    pcap_ = nullptr;
    throw core::ConfigError(path_, "pcap", reason);
  }
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : path_(std::move(other.path_)),
      epoch_offset_ns_(other.epoch_offset_ns_),
      pcap_(std::exchange(other.pcap_, nullptr)),
      dumper_(std::exchange(other.dumper_, nullptr)),
      frames_written_(other.frames_written_),
      bytes_written_(other.bytes_written_) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    epoch_offset_ns_ = other.epoch_offset_ns_;
    pcap_ = std::exchange(other.pcap_, nullptr);
    dumper_ = std::exchange(other.dumper_, nullptr);
    frames_written_ = other.frames_written_;
    bytes_written_ = other.bytes_written_;
  }
  return *this;
}

PcapWriter::~PcapWriter() { release(); }

void PcapWriter::release() noexcept {
  if (dumper_ != nullptr) pcap_dump_close(dumper_);  // flushes and fcloses
  if (pcap_ != nullptr) pcap_close(pcap_);
  dumper_ = nullptr;
  pcap_ = nullptr;
}

void PcapWriter::write(core::Time at_ns, std::span<const std::uint8_t> frame) {
  if (dumper_ == nullptr) throw core::ConfigError(path_, "pcap", "write after close");
  const core::Time ts = epoch_offset_ns_ + at_ns;
  if (ts < 0)
    throw core::ConfigError(path_, "pcap",
                            "timestamp " + std::to_string(ts) + " ns is before the epoch (time " + std::to_string(at_ns) +
                                " ns, epoch offset " + std::to_string(epoch_offset_ns_) + " ns)");
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<decltype(header.ts.tv_sec)>(ts / core::kSecond);
  // In a nanosecond-precision dump libpcap writes tv_usec as is: it holds nanoseconds.
  header.ts.tv_usec = static_cast<decltype(header.ts.tv_usec)>(ts % core::kSecond);
  header.len = static_cast<bpf_u_int32>(frame.size());
  header.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(frame.size(), kSnapLen));
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  ++frames_written_;
  bytes_written_ += header.caplen;
}

void PcapWriter::flush() {
  if (dumper_ == nullptr) return;
  if (pcap_dump_flush(dumper_) != 0)
    throw core::ConfigError(path_, "pcap", std::string("write failed: ") + std::strerror(errno));
}

void PcapWriter::close() {
  if (dumper_ == nullptr) return;
  const bool flushed = pcap_dump_flush(dumper_) == 0;
  const int saved_errno = errno;
  release();
  if (!flushed) throw core::ConfigError(path_, "pcap", std::string("write failed: ") + std::strerror(saved_errno));
}

}  // namespace vpcsim::io
