// The IpNode tests' fixture (ip_node_test.cpp, ip_input_test.cpp): three nodes and an injector that
// crafts frames, and the helpers that decode what crossed a wire.
//
//   h1 10.0.1.10 ── eth0 10.0.1.1 [r1] eth1 10.0.2.1 ── 10.0.2.20 h2
//                                   eth2 10.0.3.1 ── 10.0.3.50 inj (a bare interface that crafts frames)
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/arp.h"
#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "support/frame_log.h"

namespace vpcsim::node::ip_node_fixture {

using core::kSecond;
using core::Time;
using wire::Ipv4Address;
using wire::Ipv4Prefix;
using wire::MacAddress;
using Bytes = std::vector<std::uint8_t>;

inline Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

// --- decoding what crossed a wire ---------------------------------------------------------------------

struct Decoded {
  MacAddress eth_dst;
  MacAddress eth_src;
  std::uint16_t ethertype = 0;
  Ipv4Address src, dst;
  std::uint8_t ttl = 0, tos = 0, protocol = 0;
  bool df = false;
  std::uint16_t total_len = 0;
  bool ip_checksum_ok = false;
  Bytes ip_bytes;  ///< the whole IPv4 datagram
  Bytes l4;        ///< its payload

  bool is_icmp() const { return protocol == wire::kIpProtoIcmp && l4.size() >= 8; }
  std::uint8_t icmp_type() const { return l4[0]; }
  std::uint8_t icmp_code() const { return l4[1]; }
  std::uint16_t icmp_word(std::size_t offset) const { return wire::load_be16(l4.data() + offset); }
  Bytes icmp_body() const { return Bytes(l4.begin() + 8, l4.end()); }
  bool icmp_checksum_ok() const { return wire::checksum_fold(wire::checksum_add(l4)) == 0xffff; }
};

inline std::optional<Decoded> decode(const Bytes& frame) {
  auto eth = wire::EthernetView::parse(frame);
  if (!eth || eth->ethertype() != wire::kEthertypeIpv4) return std::nullopt;
  auto v = wire::Ipv4View::parse(eth->payload());
  if (!v) return std::nullopt;
  Decoded d;
  d.eth_dst = eth->dst();
  d.eth_src = eth->src();
  d.ethertype = eth->ethertype();
  d.src = v->src();
  d.dst = v->dst();
  d.ttl = v->ttl();
  d.tos = v->tos();
  d.protocol = v->protocol();
  d.df = v->dont_fragment();
  d.total_len = v->total_len();
  d.ip_checksum_ok = v->verify_checksum();
  const auto datagram = v->bytes().first(v->total_len());
  d.ip_bytes.assign(datagram.begin(), datagram.end());
  d.l4.assign(datagram.begin() + static_cast<std::ptrdiff_t>(v->header_len()), datagram.end());
  return d;
}

/// The IPv4 frames a FrameLog saw in one direction, decoded.
inline std::vector<Decoded> ipv4_frames(const testing::FrameLog& log, link::Direction direction) {
  std::vector<Decoded> out;
  for (std::size_t i = 0; i < log.frames().size(); ++i)
    if (log.directions()[i] == direction)
      if (auto d = decode(log.frames()[i])) out.push_back(*d);
  return out;
}
inline std::vector<Decoded> icmp_only(const std::vector<Decoded>& frames) {
  std::vector<Decoded> out;
  for (const auto& d : frames)
    if (d.is_icmp()) out.push_back(d);
  return out;
}
inline std::size_t count_arp(const testing::FrameLog& log) {
  return static_cast<std::size_t>(std::count_if(log.lines().begin(), log.lines().end(),
                                                [](const std::string& l) { return l.rfind("ARP", 0) == 0; }));
}

// --- crafting ---------------------------------------------------------------------------------------------

inline Bytes pattern(std::size_t n, std::uint8_t start = 0) {
  Bytes b(n);
  std::iota(b.begin(), b.end(), start);
  return b;
}

struct IpFields {
  Ipv4Address src, dst;
  std::uint8_t protocol = wire::kIpProtoUdp;
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  bool df = false;
  std::uint16_t frag_offset = 0;  ///< bytes
};

inline Bytes ipv4(const IpFields& f, const Bytes& payload) {
  Bytes out(20 + payload.size());
  const auto len = static_cast<std::uint16_t>(payload.size());
  wire::Ipv4Repr{f.src, f.dst, f.protocol, f.ttl, f.tos, 0x4242, f.df, len}.emit(out);
  if (f.frag_offset != 0) wire::Ipv4ViewMut::parse(std::span<std::uint8_t>(out))->set_frag_offset(f.frag_offset);
  std::copy(payload.begin(), payload.end(), out.begin() + 20);
  return out;
}

inline Bytes udp(Ipv4Address src, Ipv4Address dst, std::uint16_t sport, std::uint16_t dport, const Bytes& data) {
  Bytes out(8 + data.size());
  wire::store_be16(out.data(), sport);
  wire::store_be16(out.data() + 2, dport);
  wire::store_be16(out.data() + 4, static_cast<std::uint16_t>(out.size()));
  std::copy(data.begin(), data.end(), out.begin() + 8);
  const auto len = static_cast<std::uint16_t>(out.size());
  std::uint16_t sum =
      wire::checksum_finish(wire::checksum_add(out, wire::pseudo_header_sum(src, dst, wire::kIpProtoUdp, len)));
  wire::store_be16(out.data() + 6, sum == 0 ? 0xffff : sum);
  return out;
}

inline Bytes icmp(std::uint8_t type, std::uint8_t code, std::uint32_t rest, const Bytes& body) {
  Bytes out(8 + body.size());
  out[0] = type;
  out[1] = code;
  wire::store_be32(out.data() + 4, rest);
  std::copy(body.begin(), body.end(), out.begin() + 8);
  wire::store_be16(out.data() + 2, wire::internet_checksum(out));
  return out;
}

inline Bytes ethernet(MacAddress dst, MacAddress src, std::uint16_t type, const Bytes& payload) {
  Bytes out(14 + payload.size());
  wire::EthernetRepr{dst, src, type, std::nullopt}.emit(out);
  std::copy(payload.begin(), payload.end(), out.begin() + 14);
  return out;
}

/// A bare interface that answers ARP for its address, records every IPv4 frame it receives and
/// sends whatever bytes a test gives it.
class Injector final : public link::FrameReceiver {
 public:
  Injector(Network& net, MacAddress own_mac, Ipv4Address own_address)
      : net_(net),
        node_(net.trace().register_node("inj")),
        mac(own_mac),
        address(own_address),
        interface(net.context(), *this, net.trace().register_interface(node_, "eth0"), node_, "eth0", own_mac) {}

  void receive_frame(link::Interface&, wire::Frame frame) override {
    auto eth = wire::EthernetView::parse(frame.bytes());
    if (eth && eth->ethertype() == wire::kEthertypeArp) {
      auto view = wire::ArpView::parse(eth->payload());
      if (!view) return;
      auto arp = wire::ArpRepr::parse(*view);
      if (arp && arp->operation == wire::ArpOperation::request && arp->target_ip == address) {
        Bytes reply(42);
        wire::EthernetRepr{arp->sender_mac, mac, wire::kEthertypeArp, std::nullopt}.emit(reply);
        wire::ArpRepr{wire::ArpOperation::reply, mac, address, arp->sender_mac, arp->sender_ip}.emit(
            std::span<std::uint8_t>(reply).subspan(14));
        send(reply);
      }
      return;
    }
    frames.emplace_back(frame.bytes().begin(), frame.bytes().end());
  }
  void send(const Bytes& bytes) { interface.send(net_.pool().copy_of(bytes)); }
  std::vector<Decoded> received_icmp() const {
    std::vector<Decoded> out;
    for (const auto& f : frames)
      if (auto d = decode(f); d && d->is_icmp()) out.push_back(*d);
    return out;
  }

 private:
  Network& net_;
  std::uint32_t node_;

 public:
  MacAddress mac;
  Ipv4Address address;
  link::Interface interface;
  std::vector<Bytes> frames;
};

class IpNodeTest : public ::testing::Test {
 protected:
  Network net{1};
  Host& h1 = net.add_host("h1");
  Router& r1 = net.add_router("r1");
  Host& h2 = net.add_host("h2");
  Injector inj{net, MacAddress::parse("02:00:00:00:00:50"), ip("10.0.3.50")};
  std::optional<testing::FrameLog> h1_log, h2_log;

  IpNodeTest() {
    h1.add_interface("eth0", "10.0.1.10/24");
    h1.set_default_gateway(ip("10.0.1.1"));
    r1.add_interface("eth0", "10.0.1.1/24");
    r1.add_interface("eth1", "10.0.2.1/24");
    r1.add_interface("eth2", "10.0.3.1/24");
    h2.add_interface("eth0", "10.0.2.20/24");
    h2.set_default_gateway(ip("10.0.2.1"));
    net.connect("h1.eth0", "r1.eth0");
    net.connect("r1.eth1", "h2.eth0");
    net.connect(inj.interface, r1.interface("eth2"));
    h1_log.emplace(h1.interface("eth0"));
    h2_log.emplace(h2.interface("eth0"));
  }
  MacAddress r1_mac(const char* interface) const { return r1.interface(interface).mac(); }
  /// A frame from the injector to r1.eth2 carrying `datagram`.
  Bytes to_r1(const Bytes& datagram) { return ethernet(r1_mac("eth2"), inj.mac, wire::kEthertypeIpv4, datagram); }
  SendOptions ttl(std::uint8_t t, bool df = false, std::uint8_t tos = 0) {
    SendOptions o;
    o.ttl = t;
    o.dont_fragment = df;
    o.tos = tos;
    return o;
  }
  std::uint64_t drops(const IpNode& n, trace::DropReason reason) const {
    return net.trace().drop_count(n.id(), reason);
  }
  std::vector<Decoded> h1_rx_icmp() const { return icmp_only(ipv4_frames(*h1_log, link::Direction::rx)); }
  std::vector<Decoded> h1_tx() const { return ipv4_frames(*h1_log, link::Direction::tx); }
};

}  // namespace vpcsim::node::ip_node_fixture
