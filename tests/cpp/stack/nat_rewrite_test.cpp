// NAT rewriting keeps every checksum right: checked against full recomputation on random TCP, UDP and
// ICMP echo packets, and on ICMP errors quoting each of them (whole or cut short, as routers quote).
#include "libnet/stack/nat_rewrite.h"

#include <gtest/gtest.h>

#include <vector>

#include "libnet/core/rng.h"
#include "libnet/stack/flow_tuple.h"
#include "libnet/wire/bytes.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"

namespace vpcsim::stack {
namespace {

using wire::Ipv4Address;
using Bytes = std::vector<std::uint8_t>;

Ipv4Address random_address(core::Rng& rng) { return Ipv4Address(static_cast<std::uint32_t>(rng.below(1ULL << 32))); }
std::uint16_t random_port(core::Rng& rng) { return static_cast<std::uint16_t>(rng.below(65536)); }

Bytes random_payload(core::Rng& rng) {
  Bytes data(rng.below(64));
  for (auto& b : data) b = static_cast<std::uint8_t>(rng.below(256));
  return data;
}

/// An IPv4 packet of `protocol` with correct checksums.
Bytes make_packet(core::Rng& rng, std::uint8_t protocol, bool udp_without_checksum = false) {
  const Ipv4Address src = random_address(rng), dst = random_address(rng);
  const Bytes data = random_payload(rng);
  Bytes l4;
  if (protocol == wire::kIpProtoUdp) {
    const wire::UdpRepr udp{random_port(rng), random_port(rng), data};
    l4.resize(udp.wire_len());
    udp.emit(l4, src, dst);
    if (udp_without_checksum) wire::store_be16(l4.data() + 6, 0);
  } else if (protocol == wire::kIpProtoTcp) {
    wire::TcpRepr tcp;
    tcp.src_port = random_port(rng);
    tcp.dst_port = random_port(rng);
    tcp.seq = static_cast<std::uint32_t>(rng.below(1ULL << 32));
    tcp.flags = wire::kTcpSyn;
    tcp.window = 64240;
    tcp.payload = data;
    l4.resize(tcp.wire_len());
    tcp.emit(l4, src, dst);
  } else {
    const auto icmp = wire::IcmpRepr::echo_request(random_port(rng), random_port(rng), data);
    l4.resize(icmp.wire_len());
    icmp.emit(l4);
  }
  const wire::Ipv4Repr ip{src, dst, protocol, 64, 0, 7, true, static_cast<std::uint16_t>(l4.size())};
  Bytes packet(ip.wire_len());
  ip.emit(packet);
  std::copy(l4.begin(), l4.end(), packet.begin() + static_cast<std::ptrdiff_t>(ip.header_len()));
  return packet;
}

/// True if the IPv4 header and transport checksums all verify.
bool checksums_ok(const Bytes& packet) {
  auto ip = wire::Ipv4View::parse(packet);
  if (!ip || !ip->verify_checksum()) return false;
  const auto l4 = ip->payload();
  switch (ip->protocol()) {
    case wire::kIpProtoUdp: return wire::UdpView::parse(l4)->verify_checksum(ip->src(), ip->dst());
    case wire::kIpProtoTcp: return wire::TcpView::parse(l4)->verify_checksum(ip->src(), ip->dst());
    default: return wire::IcmpView::parse(l4)->verify_checksum();
  }
}

FlowTuple random_target(core::Rng& rng, const FlowTuple& current) {
  FlowTuple target = current;
  target.src = random_address(rng);
  target.dst = random_address(rng);
  target.src_port = random_port(rng);
  target.dst_port = current.protocol == wire::kIpProtoIcmp ? target.src_port : random_port(rng);
  return target;
}

class RewriteOnRandomPackets : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(RewriteOnRandomPackets, ChecksumsMatchFullRecomputationAfterEachManip) {
  core::Rng rng(GetParam());
  for (int round = 0; round < 500; ++round) {
    Bytes packet = make_packet(rng, GetParam());
    ASSERT_TRUE(checksums_ok(packet));
    auto view = *wire::Ipv4ViewMut::parse(packet);
    const FlowTuple before = *flow_tuple_of(view);
    const FlowTuple target = random_target(rng, before);
    rewrite_packet(view, target, Manip::destination);
    ASSERT_TRUE(checksums_ok(packet)) << "after destination rewrite, round " << round;
    rewrite_packet(view, target, Manip::source);
    ASSERT_TRUE(checksums_ok(packet)) << "after source rewrite, round " << round;
    const FlowTuple after = *flow_tuple_of(*wire::Ipv4View::parse(packet));
    EXPECT_EQ(after, target) << after.to_string() << " vs " << target.to_string();
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, RewriteOnRandomPackets,
                         ::testing::Values(wire::kIpProtoTcp, wire::kIpProtoUdp, wire::kIpProtoIcmp));

TEST(RewritePacket, LeavesAnAbsentUdpChecksumAbsent) {
  core::Rng rng(3);
  Bytes packet = make_packet(rng, wire::kIpProtoUdp, true);
  auto view = *wire::Ipv4ViewMut::parse(packet);
  FlowTuple target = random_target(rng, *flow_tuple_of(view));
  rewrite_packet(view, target, Manip::source);
  EXPECT_EQ(wire::load_be16(packet.data() + 20 + 6), 0);
  EXPECT_TRUE(view.verify_checksum());
  EXPECT_EQ(view.src(), target.src);
}

/// An ICMP error from `router` about `offending`, quoting `quote_len` bytes of it (0: all).
Bytes icmp_error_about(const Bytes& offending, Ipv4Address router, std::size_t quote_len) {
  const std::size_t n = quote_len == 0 ? offending.size() : std::min(quote_len, offending.size());
  const auto icmp = wire::IcmpRepr::dest_unreachable(wire::kIcmpCodePortUnreachable,
                                                     std::span<const std::uint8_t>(offending).first(n));
  const auto src_of_offending = wire::Ipv4View::parse(offending)->src();
  const wire::Ipv4Repr ip{router, src_of_offending, wire::kIpProtoIcmp, 64, 0xc0, 1, false,
                          static_cast<std::uint16_t>(icmp.wire_len())};
  Bytes packet(ip.wire_len());
  ip.emit(packet);
  icmp.emit(std::span<std::uint8_t>(packet).subspan(ip.header_len()));
  return packet;
}

class RewriteIcmpErrors : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(RewriteIcmpErrors, OuterAndQuotedHeadersFollowTheFlowWithCorrectChecksums) {
  core::Rng rng(100 + GetParam());
  for (int round = 0; round < 300; ++round) {
    const Bytes offending = make_packet(rng, GetParam());
    const std::size_t quote = round % 3 == 0 ? 28 : 0;  // 8 bytes of transport header, or everything
    Bytes error = icmp_error_about(offending, random_address(rng), quote);
    auto outer = *wire::Ipv4ViewMut::parse(error);
    // The error travels against the quoted packet: its flow tuple is the quote's inverse.
    const FlowTuple quoted = *quoted_flow_tuple_of(outer);
    const FlowTuple target = random_target(rng, quoted.inverse());
    const Ipv4Address router = outer.src();
    ASSERT_TRUE(rewrite_icmp_error(outer, target, Manip::destination));
    ASSERT_TRUE(rewrite_icmp_error(outer, target, Manip::source));
    EXPECT_TRUE(outer.verify_checksum());
    EXPECT_EQ(outer.dst(), target.dst);
    EXPECT_EQ(outer.src(), target.src);
    EXPECT_NE(outer.src(), router);
    EXPECT_TRUE(wire::IcmpView::parse(outer.payload())->verify_checksum());
    const FlowTuple requoted = *quoted_flow_tuple_of(outer);
    EXPECT_EQ(requoted, target.inverse()) << requoted.to_string();
    auto inner = wire::Ipv4View::parse_quoted(outer.payload().subspan(8));
    EXPECT_TRUE(inner->verify_checksum());
    if (quote == 0) {  // the whole datagram is quoted: its transport checksum must verify too
      Bytes whole(inner->bytes().begin(), inner->bytes().end());
      EXPECT_TRUE(checksums_ok(whole)) << "round " << round;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, RewriteIcmpErrors,
                         ::testing::Values(wire::kIpProtoTcp, wire::kIpProtoUdp, wire::kIpProtoIcmp));

TEST(RewriteIcmpError, RefusesAnUnreadableQuote) {
  Bytes error(28 + 4, 0);
  const wire::Ipv4Repr ip{Ipv4Address(1), Ipv4Address(2), wire::kIpProtoIcmp, 64, 0, 1, false, 12};
  ip.emit(error);
  error[20] = wire::kIcmpDestUnreachable;
  auto view = *wire::Ipv4ViewMut::parse(error);
  const Bytes before = error;
  EXPECT_FALSE(rewrite_icmp_error(view, FlowTuple{Ipv4Address(5), Ipv4Address(6), 1, 2, 17}, Manip::destination));
  EXPECT_EQ(error, before);
}

}  // namespace
}  // namespace vpcsim::stack
