// Property checks of the wire layer's views and reprs, shared by the per-parser libFuzzer targets
// (tests/fuzz/<protocol>_fuzz.cpp). Each check_<protocol>(bytes) parses the bytes as that protocol
// and, when they parse:
// - reads every accessor of the view (so ASan sees any out-of-bounds read);
// - exercises the mutable view's setters on a copy, which must keep a correct checksum correct (an
//   incorrect one may stay incorrect);
// - emits every Repr that parses and parses it back to the same value.
// A frame descends as a node would read it: Ethernet, then ARP or IPv4, then ICMP/UDP/TCP, and an
// ICMP error's quoted datagram. A property violation traps, which libFuzzer reports as a crash.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "libnet/wire/arp.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/tcp_options.h"
#include "libnet/wire/udp.h"

namespace vpcsim::fuzz {

using namespace vpcsim::wire;

inline void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Sums the bytes of a span, so a read of each byte cannot be optimised away.
inline std::uint32_t touch(std::span<const std::uint8_t> s) {
  std::uint32_t acc = 0;
  for (std::uint8_t b : s) acc += b;
  return acc;
}

inline volatile std::uint32_t g_sink;

/// A TCP option list: what parses is emitted in Linux's layout and parses back to the same options.
inline void check_tcp_options(std::span<const std::uint8_t> bytes) {
  const TcpOptions options = TcpOptions::parse(bytes);
  const std::size_t len = options.wire_len();
  check(len % 4 == 0 && len <= 40);
  std::vector<std::uint8_t> out(len);
  check(options.emit(out) == len);
  check(TcpOptions::parse(out) == options);
}

inline void check_tcp(std::span<const std::uint8_t> bytes, Ipv4Address src, Ipv4Address dst) {
  auto t = TcpView::parse(bytes);
  if (!t) return;
  g_sink = t->src_port() + t->dst_port() + t->seq() + t->ack() + t->flags() + t->window() + t->checksum() +
           t->urgent_ptr() + touch(t->options()) + touch(t->payload()) + t->mss().value_or(0) +
           (t->has_flag(kTcpSyn) ? 1 : 0);
  const bool valid = t->verify_checksum(src, dst);
  check_tcp_options(t->options());
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  auto m = TcpViewMut::parse(copy).value();
  m.set_src_port(static_cast<std::uint16_t>(m.dst_port() ^ 0x5a5a));
  m.set_seq(m.seq() + 1);
  m.update_checksum_for_address(src, Ipv4Address(src.to_u32() ^ 0x01010101));
  if (valid) check(m.verify_checksum(Ipv4Address(src.to_u32() ^ 0x01010101), dst));
  auto repr = TcpRepr::parse(*t, src, dst);
  check(repr.ok() == valid);
  if (repr && repr->options.size() <= 40) {
    std::vector<std::uint8_t> out(repr->wire_len());
    repr->emit(out, src, dst);
    auto back = TcpRepr::parse(TcpView::parse(out).value(), src, dst);
    check(back.ok() && *back == *repr);
  }
}

inline void check_udp(std::span<const std::uint8_t> bytes, Ipv4Address src, Ipv4Address dst) {
  auto u = UdpView::parse(bytes);
  if (!u) return;
  check(u->bytes().size() == u->len() && u->len() <= bytes.size());
  g_sink = u->src_port() + u->dst_port() + u->checksum() + touch(u->payload());
  const bool valid = u->verify_checksum(src, dst);
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  auto m = UdpViewMut::parse(copy).value();
  m.set_dst_port(static_cast<std::uint16_t>(m.src_port() + 7));
  if (valid) check(m.verify_checksum(src, dst));
  auto repr = UdpRepr::parse(*u, src, dst);
  check(repr.ok() == valid);
  if (repr) {
    std::vector<std::uint8_t> out(repr->wire_len());
    repr->emit(out, src, dst);
    auto back = UdpRepr::parse(UdpView::parse(out).value(), src, dst);
    check(back.ok() && *back == *repr);
  }
}

inline void check_ipv4(std::span<const std::uint8_t> bytes, bool quoted, int depth);

inline void check_icmp(std::span<const std::uint8_t> bytes, int depth) {
  auto v = IcmpView::parse(bytes);
  if (!v) return;
  g_sink = v->type() + v->code() + v->checksum() + v->rest_of_header() + v->echo_id() + v->echo_seq() +
           v->next_hop_mtu() + touch(v->data()) + (v->is_error() ? 1 : 0);
  const bool valid = v->verify_checksum();
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  auto m = IcmpViewMut::parse(copy).value();
  m.set_echo_id(static_cast<std::uint16_t>(m.echo_seq() * 3));
  m.set_code(static_cast<std::uint8_t>(m.type()));
  if (valid) check(m.verify_checksum());
  auto repr = IcmpRepr::parse(*v);
  if (repr) {
    std::vector<std::uint8_t> out(repr->wire_len());
    repr->emit(out);
    auto back = IcmpRepr::parse(IcmpView::parse(out).value());
    check(back.ok() && *back == *repr);
  }
  if (v->is_error() && depth < 2) check_ipv4(v->invoking_packet(), true, depth + 1);
}

inline void check_ipv4(std::span<const std::uint8_t> bytes, bool quoted, int depth) {
  auto ip = quoted ? Ipv4View::parse_quoted(bytes) : Ipv4View::parse(bytes);
  if (!ip) return;
  check(ip->header_len() >= 20 && ip->header_len() <= ip->bytes().size() && ip->bytes().size() <= bytes.size());
  if (!quoted) check(ip->bytes().size() == ip->total_len());
  g_sink = ip->version() + ip->tos() + ip->dscp() + ip->ecn() + ip->id() + ip->frag_offset() + ip->ttl() +
           ip->protocol() + ip->checksum() + ip->src().to_u32() + ip->dst().to_u32() + touch(ip->options()) +
           touch(ip->payload()) + (ip->dont_fragment() ? 1 : 0) + (ip->more_fragments() ? 2 : 0) +
           (ip->is_fragment() ? 4 : 0);
  const bool valid = ip->verify_checksum();
  std::vector<std::uint8_t> copy(ip->bytes().begin(), ip->bytes().end());
  auto m = (quoted ? Ipv4ViewMut::parse_quoted(copy) : Ipv4ViewMut::parse(copy)).value();
  m.decrement_ttl();
  m.set_src(Ipv4Address(m.dst().to_u32() + 1));
  m.set_dont_fragment(!m.dont_fragment());
  if (valid) check(m.verify_checksum());
  auto repr = Ipv4Repr::parse(*ip);
  if (repr) {
    std::vector<std::uint8_t> out(repr->wire_len());
    repr->emit(out);
    auto back = Ipv4Repr::parse(Ipv4View::parse(out).value());
    check(back.ok() && *back == *repr);
  }
  switch (ip->protocol()) {
    case kIpProtoIcmp: check_icmp(ip->payload(), depth); break;
    case kIpProtoUdp: check_udp(ip->payload(), ip->src(), ip->dst()); break;
    case kIpProtoTcp: check_tcp(ip->payload(), ip->src(), ip->dst()); break;
    default: break;
  }
}

inline void check_arp(std::span<const std::uint8_t> bytes) {
  auto a = ArpView::parse(bytes);
  if (!a) return;
  check(a->bytes().size() == kArpLen);
  g_sink = static_cast<std::uint32_t>(a->operation()) + a->sender_ip().to_u32() + a->target_ip().to_u32() +
           static_cast<std::uint32_t>(a->sender_mac().to_u64() + a->target_mac().to_u64());
  auto repr = ArpRepr::parse(*a);
  if (repr) {
    std::vector<std::uint8_t> out(kArpLen);
    repr->emit(out);
    check(std::ranges::equal(out, a->bytes()));
  }
}

inline void check_ethernet(std::span<const std::uint8_t> bytes) {
  auto f = EthernetView::parse(bytes);
  if (!f) return;
  check(f->header_len() + f->payload().size() == bytes.size());
  g_sink = f->ethertype() + f->vlan_id() + f->vlan_pcp() + (f->vlan_dei() ? 1 : 0) +
           static_cast<std::uint32_t>(f->dst().to_u64() + f->src().to_u64());
  auto repr = EthernetRepr::parse(*f);
  if (repr) {
    std::vector<std::uint8_t> out(repr->header_len());
    repr->emit(out);
    check(std::ranges::equal(out, bytes.first(f->header_len())));
  }
  switch (f->ethertype()) {
    case kEthertypeArp: check_arp(f->payload()); break;
    case kEthertypeIpv4: check_ipv4(f->payload(), false, 0); break;
    default: break;
  }
}

/// An exactly-sized heap copy of a fuzzer input: reads past its end are ASan errors, not reads of
/// the fuzzer's own buffers.
inline std::vector<std::uint8_t> exact_copy(const std::uint8_t* data, std::size_t size) {
  return std::vector<std::uint8_t>(data, data + size);
}

/// Addresses for the pseudo-header of a UDP or TCP segment tried on its own.
inline const Ipv4Address kSrc = Ipv4Address::from_octets(10, 0, 0, 1);
inline const Ipv4Address kDst = Ipv4Address::from_octets(192, 0, 2, 77);

}  // namespace vpcsim::fuzz
