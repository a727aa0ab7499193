// Test support: a capture tap that keeps a one-line summary of every frame an interface sends or
// receives, in the spirit of gVisor's checkers — a line names what matters (ARP op and addresses,
// IPv4 addresses, TTL, DF, ICMP type/code/seq, UDP ports) and flags any bad checksum, so a test can
// assert the exact packet sequence on a link.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "libnet/link/capture_tap.h"
#include "libnet/link/interface.h"
#include "libnet/wire/arp.h"
#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::testing {

inline std::string summarize_ipv4(std::span<const std::uint8_t> bytes, bool quoted = false) {
  auto ip = quoted ? wire::Ipv4View::parse_quoted(bytes) : wire::Ipv4View::parse(bytes);
  if (!ip) return "IPv4 malformed";
  char buf[160];
  std::snprintf(buf, sizeof buf, "IPv4 %s>%s ttl=%u tos=0x%02x df=%d len=%u", ip->src().to_string().c_str(),
                ip->dst().to_string().c_str(), ip->ttl(), ip->tos(), ip->dont_fragment() ? 1 : 0, ip->total_len());
  std::string text = buf;
  if (!quoted && !ip->verify_checksum()) text += " BADSUM";
  auto l4 = ip->payload();
  if (ip->protocol() == wire::kIpProtoIcmp && l4.size() >= 8) {
    const std::uint8_t type = l4[0], code = l4[1];
    if (type == wire::kIcmpEchoRequest || type == wire::kIcmpEchoReply) {
      std::snprintf(buf, sizeof buf, " ICMP %s seq=%u", type == 8 ? "echo-request" : "echo-reply", wire::load_be16(l4.data() + 6));
      text += buf;
    } else {
      std::snprintf(buf, sizeof buf, " ICMP %s code=%u", type == 3 ? "dest-unreachable" : type == 11 ? "time-exceeded" : "other",
                    code);
      text += buf;
      if (!quoted && l4.size() > 8) text += " quoting[" + summarize_ipv4(l4.subspan(8), true) + " (" + std::to_string(l4.size() - 8) + " bytes)]";
    }
    if (!quoted && wire::checksum_fold(wire::checksum_add(l4)) != 0xffff) text += " BADSUM";
  } else if (ip->protocol() == wire::kIpProtoUdp && l4.size() >= 8) {
    std::snprintf(buf, sizeof buf, " UDP %u>%u len=%u", wire::load_be16(l4.data()), wire::load_be16(l4.data() + 2),
                  wire::load_be16(l4.data() + 4));
    text += buf;
    if (!quoted && wire::checksum_fold(wire::checksum_add(
                       l4, wire::pseudo_header_sum(ip->src(), ip->dst(), wire::kIpProtoUdp,
                                                   static_cast<std::uint16_t>(l4.size())))) != 0xffff)
      text += " BADSUM";
  } else if (ip->protocol() == wire::kIpProtoTcp && l4.size() >= 20) {
    // tcpdump's flags: S SYN, F FIN, R RST, P PSH, . ACK.
    const std::uint8_t flags = l4[13];
    std::string f;
    if (flags & 0x02) f += 'S';
    if (flags & 0x01) f += 'F';
    if (flags & 0x04) f += 'R';
    if (flags & 0x08) f += 'P';
    if (flags & 0x10) f += '.';
    const std::size_t header_len = (l4[12] >> 4) * 4u;
    std::snprintf(buf, sizeof buf, " TCP %u>%u [%s] seq=%u ack=%u win=%u len=%zu", wire::load_be16(l4.data()),
                  wire::load_be16(l4.data() + 2), f.c_str(), wire::load_be32(l4.data() + 4),
                  wire::load_be32(l4.data() + 8), wire::load_be16(l4.data() + 14),
                  header_len <= l4.size() ? l4.size() - header_len : 0);
    text += buf;
    if (!quoted && wire::checksum_fold(wire::checksum_add(
                       l4, wire::pseudo_header_sum(ip->src(), ip->dst(), wire::kIpProtoTcp,
                                                   static_cast<std::uint16_t>(l4.size())))) != 0xffff)
      text += " BADSUM";
  }
  return text;
}

inline std::string summarize_frame(std::span<const std::uint8_t> frame) {
  auto eth = wire::EthernetView::parse(frame);
  if (!eth) return "malformed";
  if (eth->ethertype() == wire::kEthertypeArp) {
    auto arp = wire::ArpView::parse(eth->payload());
    if (!arp) return "ARP malformed";
    const bool bcast = eth->dst().is_broadcast();
    if (arp->operation() == wire::ArpOperation::request)
      return std::string("ARP request ") + (bcast ? "bcast" : "ucast") + " who-has " + arp->target_ip().to_string() +
             " tell " + arp->sender_ip().to_string();
    return "ARP reply " + arp->sender_ip().to_string() + " is-at";
  }
  if (eth->ethertype() == wire::kEthertypeIpv4) return summarize_ipv4(eth->payload());
  return "ethertype " + std::to_string(eth->ethertype());
}

/// Records what crosses one interface, as tcpdump on it would see it.
class FrameLog final : public link::CaptureTap {
 public:
  explicit FrameLog(link::Interface& interface) : interface_(interface) { interface_.add_tap(*this); }
  ~FrameLog() { interface_.remove_tap(*this); }
  void capture(const link::Interface&, link::Direction direction, core::Time at,
               std::span<const std::uint8_t> frame) override {
    lines_.push_back(summarize_frame(frame));
    directions_.push_back(direction);
    times_.push_back(at);
    frames_.emplace_back(frame.begin(), frame.end());
  }
  const std::vector<std::string>& lines() const { return lines_; }
  const std::vector<core::Time>& times() const { return times_; }
  const std::vector<link::Direction>& directions() const { return directions_; }
  const std::vector<std::vector<std::uint8_t>>& frames() const { return frames_; }

 private:
  link::Interface& interface_;
  std::vector<std::string> lines_;
  std::vector<link::Direction> directions_;
  std::vector<core::Time> times_;
  std::vector<std::vector<std::uint8_t>> frames_;
};

}  // namespace vpcsim::testing
