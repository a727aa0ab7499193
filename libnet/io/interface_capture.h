// InterfaceCapture: tcpdump on a simulated interface, into a pcap file.
//
// It is a link::CaptureTap, so it sees what an AF_PACKET socket on a Linux interface would: every frame
// handed to the link (tx) and every frame that arrives (rx), at the simulated time it crossed, as the
// exact bytes (DESIGN.md, decision 1). It writes them straight into a PcapWriter: no decoding, no copy
// beyond libpcap's stdio buffer.
//
// It registers with the interface in its constructor and unregisters in its destructor, so it must not
// outlive the interface (declare it after the network that owns the interface).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "libnet/core/time.h"
#include "libnet/io/pcap_writer.h"
#include "libnet/link/capture_tap.h"
#include "libnet/link/interface.h"

namespace vpcsim::io {

class InterfaceCapture final : public link::CaptureTap {
 public:
  /// Opens `path` (throws core::ConfigError as PcapWriter does) and starts capturing. Timestamps are
  /// `epoch_offset_ns` + simulated time.
  InterfaceCapture(link::Interface& interface, std::string path, core::Time epoch_offset_ns = 0);
  InterfaceCapture(const InterfaceCapture&) = delete;
  InterfaceCapture& operator=(const InterfaceCapture&) = delete;
  /// Stops capturing and closes the file.
  ~InterfaceCapture();

  void capture(const link::Interface& interface, link::Direction direction, core::Time at,
               std::span<const std::uint8_t> frame) override;

  const link::Interface& interface() const { return interface_; }
  const std::string& path() const { return writer_.path(); }
  std::uint64_t frames() const { return rx_frames_ + tx_frames_; }
  std::uint64_t rx_frames() const { return rx_frames_; }
  std::uint64_t tx_frames() const { return tx_frames_; }
  /// Frame bytes written.
  std::uint64_t bytes() const { return writer_.bytes_written(); }

  /// Pushes what was captured so far to the file (to read it while the simulation goes on).
  void flush() { writer_.flush(); }

 private:
  link::Interface& interface_;
  PcapWriter writer_;
  std::uint64_t rx_frames_ = 0;
  std::uint64_t tx_frames_ = 0;
};

}  // namespace vpcsim::io
