// PcapSource: a capture file as a ReplaySource. Whatever libpcap reads (pcap or pcapng, µs or ns,
// either byte order, snaplen-cut records; io::PcapReader) is handed to the engine as Ethernet frames:
// Ethernet captures as they are, Linux cooked (LINUX_SLL, LINUX_SLL2) and raw-IPv4 captures with an
// Ethernet header written for them (wire/cooked_link.h says which addresses).
//
// A record that is not a frame (shorter than an Ethernet header, a cooked header that does not
// carry an EtherType) is skipped and reported with the file and its byte offset; a file cut short or
// with a corrupt later block replays every record before it and says where reading stopped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libnet/io/pcap_reader.h"
#include "libnet/replay/replay_source.h"

namespace vpcsim::replay {

class PcapSource final : public ReplaySource {
 public:
  /// Throws core::ConfigError(path, "pcap", reason) for a file libpcap cannot open, and for a link
  /// type that is neither Ethernet nor adaptable ("unsupported link type IEEE802_11 (105)").
  explicit PcapSource(std::string path);

  bool next(ReplayPacket& packet) override;
  void rewind() override;
  const ReplayErrors& errors() const override { return errors_; }
  std::string name() const override { return path_; }

  /// The file's link type (LINKTYPE_ value) and libpcap's name for it.
  int link_type() const { return link_type_; }
  std::string link_type_name() const { return reader_.link_type_name(); }

 private:
  void note_stop();

  std::string path_;
  io::PcapReader reader_;
  int link_type_ = 0;
  bool first_pass_ = true;
  std::uint64_t index_ = 0;  ///< position of the next record in the file
  io::PcapRecord record_;
  std::vector<std::uint8_t> adapted_;
  ReplayErrors errors_;
};

}  // namespace vpcsim::replay
