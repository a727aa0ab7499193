// libFuzzer target for the wire layer's parsers (not built by default; VPCSIM_FUZZ needs clang):
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. tests/fuzz/wire_parse_fuzz.cpp
//       libnet/wire/{checksum,ethernet,arp,ipv4,icmp,udp,tcp,mac_address,ipv4_address}.cpp  (one line)
//
// Each input is tried as a frame (Ethernet, then ARP or IPv4, then ICMP/UDP/TCP, quoted datagrams
// inside ICMP errors included) and as each protocol on its own. Every accessor of every view that
// parses is read (so ASan sees any out-of-bounds read), the mutable views' setters are exercised on
// a copy and must keep a correct checksum correct (an incorrect one may stay incorrect), and every Repr that parses is emitted and parsed
// back to the same value. A property violation traps.
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
#include "libnet/wire/udp.h"

namespace {

using namespace vpcsim::wire;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Sums the bytes of a span, so a read of each byte cannot be optimised away.
std::uint32_t touch(std::span<const std::uint8_t> s) {
  std::uint32_t acc = 0;
  for (std::uint8_t b : s) acc += b;
  return acc;
}

volatile std::uint32_t g_sink;

void fuzz_tcp(std::span<const std::uint8_t> bytes, Ipv4Address src, Ipv4Address dst) {
  auto t = TcpView::parse(bytes);
  if (!t) return;
  g_sink = t->src_port() + t->dst_port() + t->seq() + t->ack() + t->flags() + t->window() + t->checksum() +
           t->urgent_ptr() + touch(t->options()) + touch(t->payload()) + t->mss().value_or(0) +
           (t->has_flag(kTcpSyn) ? 1 : 0);
  const bool valid = t->verify_checksum(src, dst);
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

void fuzz_udp(std::span<const std::uint8_t> bytes, Ipv4Address src, Ipv4Address dst) {
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

void fuzz_ipv4(std::span<const std::uint8_t> bytes, bool quoted, int depth);

void fuzz_icmp(std::span<const std::uint8_t> bytes, int depth) {
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
  if (v->is_error() && depth < 2) fuzz_ipv4(v->invoking_packet(), true, depth + 1);
}

void fuzz_ipv4(std::span<const std::uint8_t> bytes, bool quoted, int depth) {
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
    case kIpProtoIcmp: fuzz_icmp(ip->payload(), depth); break;
    case kIpProtoUdp: fuzz_udp(ip->payload(), ip->src(), ip->dst()); break;
    case kIpProtoTcp: fuzz_tcp(ip->payload(), ip->src(), ip->dst()); break;
    default: break;
  }
}

void fuzz_arp(std::span<const std::uint8_t> bytes) {
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

void fuzz_ethernet(std::span<const std::uint8_t> bytes) {
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
    case kEthertypeArp: fuzz_arp(f->payload()); break;
    case kEthertypeIpv4: fuzz_ipv4(f->payload(), false, 0); break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exactly-sized heap copy: reads past the end are ASan errors, not reads of fuzzer internals.
  const std::vector<std::uint8_t> buf(data, data + size);
  const std::span<const std::uint8_t> bytes(buf);
  fuzz_ethernet(bytes);
  fuzz_arp(bytes);
  fuzz_ipv4(bytes, false, 0);
  fuzz_ipv4(bytes, true, 0);
  fuzz_icmp(bytes, 0);
  const Ipv4Address a = Ipv4Address::from_octets(10, 0, 0, 1);
  const Ipv4Address b = Ipv4Address::from_octets(192, 0, 2, 77);
  fuzz_udp(bytes, a, b);
  fuzz_tcp(bytes, a, b);
  g_sink = checksum_add(bytes);
  return 0;
}
