// Captures into frames for the replay engine (see pcap_source.h).
#include "libnet/replay/pcap_source.h"

#include "libnet/core/error.h"
#include "libnet/wire/cooked_link.h"
#include "libnet/wire/ethernet.h"

namespace vpcsim::replay {

PcapSource::PcapSource(std::string path) : path_(std::move(path)), reader_(path_), link_type_(reader_.link_type()) {
  if (!reader_.is_ethernet() && !wire::is_adaptable_link_type(link_type_)) {
    throw core::ConfigError(path_, "pcap",
                            "unsupported link type " + reader_.link_type_name() + " (" + std::to_string(link_type_) +
                                "): replay takes Ethernet, LINUX_SLL, LINUX_SLL2 and raw IPv4 captures");
  }
}

void PcapSource::note_stop() {
  if (!first_pass_ || !reader_.has_error()) return;
  errors_.stopped_early = true;
  if (errors_.errors.size() < ReplayErrors::kKeptErrors) {
    errors_.errors.push_back(ReplayError{path_, reader_.record_offset(), index_, "reading stopped: " + reader_.error()});
  }
}

bool PcapSource::next(ReplayPacket& packet) {
  while (reader_.next(record_)) {
    const std::uint64_t index = index_++;
    const std::uint64_t offset = reader_.record_offset();
    if (first_pass_) {
      ++errors_.records;
      if (record_.is_truncated()) ++errors_.truncated;
    }
    std::span<const std::uint8_t> frame = record_.bytes;
    std::uint32_t orig_len = record_.orig_len;
    std::string problem;
    if (reader_.is_ethernet()) {
      if (frame.size() < wire::kEthernetHeaderLen) {
        problem = "a frame of " + std::to_string(frame.size()) + " bytes is shorter than an Ethernet header (14)";
      }
    } else if (const auto error = wire::adapt_to_ethernet(link_type_, frame, adapted_)) {
      problem = "cannot give this " + reader_.link_type_name() + " record an Ethernet header: " +
                std::string(wire::to_string(*error));
    } else {
      const std::size_t payload = adapted_.size() - wire::kEthernetHeaderLen;
      orig_len = static_cast<std::uint32_t>(std::max<std::int64_t>(
          static_cast<std::int64_t>(orig_len) - static_cast<std::int64_t>(frame.size() - payload),
          0)) + static_cast<std::uint32_t>(wire::kEthernetHeaderLen);
      frame = adapted_;
      if (first_pass_) ++errors_.adapted;
    }
    if (!problem.empty()) {
      if (first_pass_) errors_.add(ReplayError{path_, offset, index, std::move(problem)});
      continue;
    }
    packet.ts = record_.ts_ns;
    packet.bytes = frame;
    packet.orig_len = std::max<std::uint32_t>(orig_len, static_cast<std::uint32_t>(frame.size()));
    packet.record = index;
    packet.offset = offset;
    packet.side_hint = Side::unknown;
    return true;
  }
  note_stop();
  return false;
}

void PcapSource::rewind() {
  first_pass_ = false;
  reader_ = io::PcapReader(path_);
  index_ = 0;
}

}  // namespace vpcsim::replay
