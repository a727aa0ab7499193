// IpNode's receive path (libnet/node/ip_input.cpp) against Linux (net/ipv4/ip_input.c, ip_forward.c,
// icmp.c, route.c, udp.c): what is forwarded and what is delivered, the ICMP errors a received packet
// earns (which, from where, what they quote, TOS/TTL/DF, never about an error), MTU, echo, and malformed
// input, which is dropped and traced and never crashes. Fixture and topology: ip_node_fixture.h.
#include "libnet/node/ip_node.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/ping.h"
#include "libnet/node/udp_apps.h"
#include "ip_node_fixture.h"

namespace vpcsim::node {
namespace {

using namespace ip_node_fixture;

// --- time exceeded --------------------------------------------------------------------------------------

TEST_F(IpNodeTest, TtlOneAtTheRouterGivesTimeExceededFromTheInterfaceTowardTheSender) {
  h1.send_udp(40000, ip("10.0.2.20"), 33434, pattern(32), ttl(1));
  net.run_until(kSecond);
  const auto sent = h1_tx();
  ASSERT_EQ(sent.size(), 1u);
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 1u);
  const Decoded& e = errors[0];
  EXPECT_EQ(e.src, ip("10.0.1.1")) << "not 10.0.2.1, the interface toward the destination";
  EXPECT_EQ(e.dst, ip("10.0.1.10"));
  EXPECT_EQ(e.eth_src, r1_mac("eth0"));
  EXPECT_EQ(e.eth_dst, h1.interface("eth0").mac());
  EXPECT_EQ(e.ttl, 64);
  EXPECT_EQ(e.tos, 0xc0);
  EXPECT_FALSE(e.df);
  EXPECT_TRUE(e.ip_checksum_ok);
  EXPECT_EQ(e.icmp_type(), wire::kIcmpTimeExceeded);
  EXPECT_EQ(e.icmp_code(), 0);
  EXPECT_EQ(e.icmp_word(4), 0);
  EXPECT_EQ(e.icmp_word(6), 0);
  EXPECT_TRUE(e.icmp_checksum_ok());
  EXPECT_EQ(e.icmp_body(), sent[0].ip_bytes) << "the whole offending datagram, TTL 1 as it arrived";
  EXPECT_EQ(e.total_len, 20 + 8 + sent[0].total_len);
  EXPECT_EQ(drops(r1, trace::DropReason::ttl_exceeded), 1u);
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 1u);
  EXPECT_TRUE(ipv4_frames(*h2_log, link::Direction::rx).empty());
}

TEST_F(IpNodeTest, TtlTwoIsForwardedWithTtlOneAndAValidChecksum) {
  h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(8), ttl(2));
  net.run_until(kSecond);
  const auto at_h2 = ipv4_frames(*h2_log, link::Direction::rx);
  ASSERT_GE(at_h2.size(), 1u);
  EXPECT_EQ(at_h2[0].ttl, 1);
  EXPECT_TRUE(at_h2[0].ip_checksum_ok) << "incremental checksum update after the TTL decrement";
  EXPECT_EQ(at_h2[0].eth_src, r1_mac("eth1"));
  EXPECT_EQ(r1.ip_counters().forwarded, 2u) << "the datagram, and h2's port unreachable on its way back";
}

TEST_F(IpNodeTest, TimeExceededQuotesAtMost548Bytes) {
  h1.send_udp(40000, ip("10.0.2.20"), 33434, pattern(1000), ttl(1));
  net.run_until(kSecond);
  const auto sent = h1_tx();
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].total_len, 576) << "RFC 1812 / icmp_send: the error fits in 576 bytes";
  const Bytes quote = errors[0].icmp_body();
  ASSERT_EQ(quote.size(), 548u);
  EXPECT_TRUE(std::equal(quote.begin(), quote.end(), sent[0].ip_bytes.begin()));
  EXPECT_TRUE(errors[0].icmp_checksum_ok());
}

TEST_F(IpNodeTest, ErrorTosKeepsTheTosBitsUnderInternetControlPrecedence) {
  // icmp_send: RT_TOS(tos) | IPTOS_PREC_INTERNETCONTROL, i.e. (tos & 0x1e) | 0xc0.
  h1.send_udp(40000, ip("10.0.2.20"), 33434, pattern(8), ttl(1, false, 0x10));
  h1.send_udp(40000, ip("10.0.2.20"), 33435, pattern(8), ttl(1, false, 0xb8));  // DSCP EF
  net.run_until(kSecond);
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].tos, 0xd0);
  EXPECT_EQ(errors[1].tos, 0xd8);
}

TEST_F(IpNodeTest, NonFirstFragmentGetsNoTimeExceeded) {
  inj.send(to_r1(ipv4({inj.address, ip("10.0.2.20"), wire::kIpProtoUdp, 1, 0, false, 1480}, pattern(100))));
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::ttl_exceeded), 1u);
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 0u);
  EXPECT_TRUE(inj.received_icmp().empty());
}

// --- route types --------------------------------------------------------------------------------------

TEST_F(IpNodeTest, NoRouteGivesNetUnreachable) {
  auto& client = h1.add_application<UdpClient>({ip("203.0.113.9"), 53, 0, "q", 0, 1, kSecond});
  net.run_until(kSecond);
  ASSERT_EQ(client.errors().size(), 1u);
  EXPECT_EQ(client.errors()[0].from, ip("10.0.1.1"));
  EXPECT_EQ(client.errors()[0].type, wire::kIcmpDestUnreachable);
  EXPECT_EQ(client.errors()[0].code, wire::kIcmpCodeNetUnreachable);
  EXPECT_EQ(client.errors()[0].original_dst, ip("203.0.113.9"));
  EXPECT_EQ(client.errors()[0].original_dst_port, 53);
  EXPECT_EQ(drops(r1, trace::DropReason::no_route), 1u);
}

TEST_F(IpNodeTest, NoRouteIsCheckedBeforeTtl) {
  // ip_route_input fails before ip_forward looks at the TTL: net unreachable, not time exceeded.
  h1.send_udp(40000, ip("203.0.113.9"), 53, pattern(8), ttl(1));
  net.run_until(kSecond);
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_type(), wire::kIcmpDestUnreachable);
  EXPECT_EQ(errors[0].icmp_code(), wire::kIcmpCodeNetUnreachable);
}

TEST_F(IpNodeTest, UnreachableRouteGivesHostUnreachable) {
  r1.add_special_route(Ipv4Prefix::parse("198.51.100.0/24"), stack::RouteType::unreachable);
  auto& client = h1.add_application<UdpClient>({ip("198.51.100.7"), 53, 0, "q", 0, 1, kSecond});
  net.run_until(kSecond);
  ASSERT_EQ(client.errors().size(), 1u);
  EXPECT_EQ(client.errors()[0].code, wire::kIcmpCodeHostUnreachable);
  EXPECT_EQ(client.errors()[0].from, ip("10.0.1.1"));
  EXPECT_EQ(drops(r1, trace::DropReason::unreachable_route), 1u);
}

TEST_F(IpNodeTest, ProhibitRouteGivesAdministrativelyProhibited) {
  r1.add_special_route(Ipv4Prefix::parse("198.51.100.0/24"), stack::RouteType::prohibit);
  auto& client = h1.add_application<UdpClient>({ip("198.51.100.7"), 53, 0, "q", 0, 1, kSecond});
  net.run_until(kSecond);
  ASSERT_EQ(client.errors().size(), 1u);
  EXPECT_EQ(client.errors()[0].type, wire::kIcmpDestUnreachable);
  EXPECT_EQ(client.errors()[0].code, 13);
  EXPECT_EQ(net.trace().drop_count(r1.id(), trace::DropReason::prohibit_route), 1u);
}

TEST_F(IpNodeTest, BlackholeRouteIsSilentButTraced) {
  r1.add_special_route(Ipv4Prefix::parse("198.51.100.0/24"), stack::RouteType::blackhole);
  auto& client = h1.add_application<UdpClient>({ip("198.51.100.7"), 53, 0, "q", 0, 1, kSecond});
  net.run_until(5 * kSecond);
  EXPECT_TRUE(client.errors().empty());
  EXPECT_TRUE(h1_rx_icmp().empty());
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 0u);
  EXPECT_EQ(drops(r1, trace::DropReason::blackhole_route), 1u);
  EXPECT_EQ(client.outcome(), Outcome::timeout);
}

TEST_F(IpNodeTest, MoreSpecificRouteBeatsASpecialOne) {
  r1.add_special_route(Ipv4Prefix::parse("10.0.0.0/8"), stack::RouteType::blackhole);
  auto& responder = h2.add_application<UdpResponder>({9000});
  h1.add_application<UdpClient>({ip("10.0.2.20"), 9000, 0, "hi", 0, 1, kSecond});
  net.run_until(kSecond);
  EXPECT_EQ(responder.received(), 1u);
}

TEST_F(IpNodeTest, LocalSendStatusesMirrorTheRouteTypes) {
  r1.add_special_route(Ipv4Prefix::parse("198.51.100.0/26"), stack::RouteType::unreachable);
  r1.add_special_route(Ipv4Prefix::parse("198.51.100.64/26"), stack::RouteType::prohibit);
  r1.add_special_route(Ipv4Prefix::parse("198.51.100.128/26"), stack::RouteType::blackhole);
  EXPECT_EQ(r1.send_udp(1, ip("203.0.113.1"), 1, pattern(4)), SendStatus::network_unreachable);
  EXPECT_EQ(r1.send_udp(1, ip("198.51.100.1"), 1, pattern(4)), SendStatus::host_unreachable);
  EXPECT_EQ(r1.send_udp(1, ip("198.51.100.65"), 1, pattern(4)), SendStatus::prohibited);
  EXPECT_EQ(r1.send_udp(1, ip("198.51.100.129"), 1, pattern(4)), SendStatus::blackholed);
  EXPECT_EQ(r1.ip_counters().originated, 0u);
}

// --- not forwarding ---------------------------------------------------------------------------------

TEST_F(IpNodeTest, HostDoesNotForwardAndSendsNothingBack) {
  // h2 gets a second interface and h1's packets for 10.0.9.0/24 are routed at it through r1.
  h2.add_interface("eth1", "10.0.9.1/24");
  r1.add_route(Ipv4Prefix::parse("10.0.9.0/24"), ip("10.0.2.20"));
  h1.send_udp(40000, ip("10.0.9.9"), 9, pattern(8));
  net.run_until(5 * kSecond);
  EXPECT_EQ(drops(h2, trace::DropReason::not_forwarding), 1u);
  EXPECT_TRUE(h1_rx_icmp().empty()) << "a host with ip_forward=0 sends no ICMP (ip_error)";
  EXPECT_EQ(h2.ip_counters().icmp_errors_sent, 0u);
  EXPECT_FALSE(h2.ip_forward());
  EXPECT_TRUE(r1.ip_forward());
}

TEST_F(IpNodeTest, HostWithForwardingOnActsAsARouter) {
  h2.add_interface("eth1", "10.0.9.1/24");
  r1.add_route(Ipv4Prefix::parse("10.0.9.0/24"), ip("10.0.2.20"));
  h2.set_ip_forward(true);
  h1.send_udp(40000, ip("10.0.9.9"), 9, pattern(8), ttl(2));
  net.run_until(kSecond);
  EXPECT_EQ(h2.ip_counters().forwarded, 0u) << "TTL 2 expires at h2, the second hop";
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_type(), wire::kIcmpTimeExceeded);
  EXPECT_EQ(errors[0].src, ip("10.0.2.20"));
}

// --- UDP, ports, broadcast ------------------------------------------------------------------------------

TEST_F(IpNodeTest, ClosedPortGivesPortUnreachableFromTheAddressTargeted) {
  // Weak host: 10.0.2.1 is r1's address on the far interface; the error comes from it, not 10.0.1.1.
  auto& far = h1.add_application<UdpClient>({ip("10.0.2.1"), 9, 5000, "x", 0, 1, kSecond});
  auto& near = h1.add_application<UdpClient>({ip("10.0.1.1"), 9, 5001, "x", 0, 1, kSecond});
  net.run_until(kSecond);
  ASSERT_EQ(far.errors().size(), 1u);
  EXPECT_EQ(far.errors()[0].from, ip("10.0.2.1"));
  EXPECT_EQ(far.errors()[0].code, wire::kIcmpCodePortUnreachable);
  EXPECT_EQ(far.errors()[0].original_dst_port, 9);
  ASSERT_EQ(near.errors().size(), 1u);
  EXPECT_EQ(near.errors()[0].from, ip("10.0.1.1"));
  EXPECT_EQ(drops(r1, trace::DropReason::port_unreachable), 2u);
}

TEST_F(IpNodeTest, PortUnreachableQuotesTheDatagramAsDelivered) {
  h1.send_udp(5000, ip("10.0.2.20"), 9, pattern(20));
  net.run_until(kSecond);
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 1u);
  const Decoded& e = errors[0];
  EXPECT_EQ(e.src, ip("10.0.2.20"));
  EXPECT_EQ(e.ttl, 63) << "64 from h2, minus r1";
  EXPECT_EQ(e.tos, 0xc0);
  EXPECT_FALSE(e.df);
  const Bytes body = e.icmp_body();
  const auto quoted = wire::Ipv4View::parse(body);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->ttl(), 63) << "the datagram as h2 received it";
  EXPECT_EQ(e.icmp_body().size(), 20u + 8 + 20);
}

TEST_F(IpNodeTest, OpenPortDeliversToTheSocket) {
  auto& responder = r1.add_application<UdpResponder>({7000, "pong"});
  auto& client = h1.add_application<UdpClient>({ip("10.0.2.1"), 7000, 0, "ping", 0, 1, kSecond});
  net.run_until(kSecond);
  ASSERT_EQ(responder.payloads().size(), 1u);
  EXPECT_EQ(responder.payloads()[0], "ping");
  ASSERT_EQ(client.replies().size(), 1u);
  EXPECT_EQ(client.replies()[0], "pong");
}

TEST_F(IpNodeTest, BroadcastUdpToAClosedPortGetsNoIcmp) {
  EXPECT_EQ(h1.send_udp(5000, ip("10.0.1.255"), 9, pattern(8)), SendStatus::sent);
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::port_unreachable), 1u) << "delivered to r1 as a broadcast";
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 0u);
  EXPECT_TRUE(h1_rx_icmp().empty());
  const auto sent = h1_tx();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].eth_dst.is_broadcast()) << "a subnet broadcast needs no ARP";
  EXPECT_EQ(count_arp(*h1_log), 0u);
}

TEST_F(IpNodeTest, UnicastFrameToTheSubnetBroadcastAddressGetsNoIcmpEither) {
  // Directed broadcast to r1's MAC: RTCF_BROADCAST, so no error.
  const Ipv4Address bcast = ip("10.0.3.255");
  inj.send(to_r1(ipv4({inj.address, bcast, wire::kIpProtoUdp}, udp(inj.address, bcast, 5000, 9, pattern(4)))));
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::port_unreachable), 1u);
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 0u);
}

TEST_F(IpNodeTest, UnknownIpProtocolGivesProtocolUnreachable) {
  inj.send(to_r1(ipv4({inj.address, ip("10.0.3.1"), 47}, pattern(24))));
  net.run_until(kSecond);
  const auto errors = inj.received_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_type(), wire::kIcmpDestUnreachable);
  EXPECT_EQ(errors[0].icmp_code(), wire::kIcmpCodeProtocolUnreachable);
  EXPECT_EQ(errors[0].src, ip("10.0.3.1"));
  EXPECT_EQ(drops(r1, trace::DropReason::protocol_unreachable), 1u);
}

// --- no error about an error ---------------------------------------------------------------------------

TEST_F(IpNodeTest, NoIcmpErrorAboutAnIcmpError) {
  const Bytes quoted =
      ipv4({ip("10.0.2.20"), inj.address, wire::kIpProtoUdp}, udp(ip("10.0.2.20"), inj.address, 1, 2, {}));
  for (std::uint8_t type : {wire::kIcmpDestUnreachable, wire::kIcmpTimeExceeded, wire::kIcmpParameterProblem}) {
    inj.send(to_r1(ipv4({inj.address, ip("10.0.2.20"), wire::kIpProtoIcmp, 1}, icmp(type, 1, 0, quoted))));
  }
  net.run_until(5 * kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::ttl_exceeded), 3u);
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 0u);
  EXPECT_TRUE(inj.received_icmp().empty());
}

TEST_F(IpNodeTest, EchoRequestWithTtlOneDoesGetAnError) {
  // The control for the test above: informational ICMP is answered with an error.
  const Bytes echo = icmp(wire::kIcmpEchoRequest, 0, 0x00010001, pattern(8));
  inj.send(to_r1(ipv4({inj.address, ip("10.0.2.20"), wire::kIpProtoIcmp, 1}, echo)));
  net.run_until(kSecond);
  const auto errors = inj.received_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_type(), wire::kIcmpTimeExceeded);
  EXPECT_EQ(errors[0].src, ip("10.0.3.1"));
}

TEST_F(IpNodeTest, NoIcmpErrorTowardABroadcastOrUnspecifiedSource) {
  for (const char* source : {"0.0.0.0", "10.0.3.255", "255.255.255.255", "224.0.0.9"}) {
    const Bytes datagram = udp(ip(source), ip("10.0.2.20"), 1, 2, {});
    inj.send(to_r1(ipv4({ip(source), ip("10.0.2.20"), wire::kIpProtoUdp, 1}, datagram)));
  }
  net.run_until(5 * kSecond);
  EXPECT_EQ(r1.ip_counters().icmp_errors_sent, 0u);
  EXPECT_TRUE(inj.received_icmp().empty());
}

// --- MTU ------------------------------------------------------------------------------------------------

TEST_F(IpNodeTest, TooBigWithDfGivesFragmentationNeededWithTheNextHopMtu) {
  r1.interface("eth1").set_mtu(1000);
  h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(1200), ttl(64, true));
  net.run_until(kSecond);
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_type(), wire::kIcmpDestUnreachable);
  EXPECT_EQ(errors[0].icmp_code(), wire::kIcmpCodeFragNeeded);
  EXPECT_EQ(errors[0].icmp_word(4), 0) << "unused";
  EXPECT_EQ(errors[0].icmp_word(6), 1000) << "next-hop MTU (RFC 1191)";
  EXPECT_EQ(errors[0].src, ip("10.0.1.1"));
  EXPECT_EQ(drops(r1, trace::DropReason::fragmentation_needed), 1u);
  EXPECT_TRUE(ipv4_frames(*h2_log, link::Direction::rx).empty());
}

TEST_F(IpNodeTest, ExactlyTheMtuIsForwarded) {
  r1.interface("eth1").set_mtu(1000);
  h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(1000 - 28), ttl(64, true));
  net.run_until(kSecond);
  const auto at_h2 = ipv4_frames(*h2_log, link::Direction::rx);
  ASSERT_EQ(at_h2.size(), 1u);
  EXPECT_EQ(at_h2[0].total_len, 1000);
  EXPECT_EQ(drops(r1, trace::DropReason::fragmentation_needed), 0u);
}

TEST_F(IpNodeTest, TooBigWithoutDfIsDroppedAsUnsupported) {
  r1.interface("eth1").set_mtu(1000);
  h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(1200), ttl(64, false));
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::fragmentation_unsupported), 1u);
  EXPECT_TRUE(h1_rx_icmp().empty());
}

TEST_F(IpNodeTest, OriginatingMoreThanTheMtuWithDfFailsLocally) {
  EXPECT_EQ(h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(1500 - 28 + 1), ttl(64, true)),
            SendStatus::message_too_long);
  EXPECT_EQ(h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(1500 - 28), ttl(64, true)), SendStatus::sent);
}

// vpcsim does not fragment: a datagram larger than the egress MTU is refused (EMSGSIZE), DF or not.
TEST_F(IpNodeTest, OriginatedDatagramLargerThanTheMtuNeverLeavesAsOneFrame) {
  const SendStatus status = h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(2000), ttl(64, false));
  net.run_until(kSecond);
  for (const auto& d : h1_tx()) EXPECT_LE(d.total_len, 1500) << "sent as " << to_string(status);
}

// A payload that does not fit IPv4's 65535-byte total length is refused before anything is built (EMSGSIZE).
TEST_F(IpNodeTest, UdpPayloadAboveTheIpv4MaximumIsRefused) {
  EXPECT_EQ(h1.send_udp(40000, ip("10.0.2.20"), 9, Bytes(65536 - 8 + 100, 0xab), ttl(64, false)),
            SendStatus::message_too_long);
}

// --- echo -------------------------------------------------------------------------------------------------

TEST_F(IpNodeTest, EchoReplyMirrorsIdSeqDataAndTos) {
  const Bytes data = pattern(40, 0x30);
  h1.send_echo_request(ip("10.0.2.20"), 0x1234, 7, data, ttl(64, true, 0x10));
  net.run_until(kSecond);
  const auto replies = h1_rx_icmp();
  ASSERT_EQ(replies.size(), 1u);
  const Decoded& r = replies[0];
  EXPECT_EQ(r.icmp_type(), wire::kIcmpEchoReply);
  EXPECT_EQ(r.icmp_code(), 0);
  EXPECT_EQ(r.icmp_word(4), 0x1234);
  EXPECT_EQ(r.icmp_word(6), 7);
  EXPECT_EQ(r.icmp_body(), data);
  EXPECT_TRUE(r.icmp_checksum_ok());
  EXPECT_EQ(r.tos, 0x10);
  EXPECT_FALSE(r.df) << "icmp_reply sockets use IP_PMTUDISC_DONT";
  EXPECT_EQ(r.src, ip("10.0.2.20"));
  EXPECT_EQ(r.ttl, 63);
}

TEST_F(IpNodeTest, EchoReplyComesFromTheAddressPinged) {
  auto& ping = h1.add_application<Ping>({ip("10.0.2.1"), 1, kSecond, 0, 56, 64});
  net.run_until(kSecond);
  ASSERT_EQ(ping.replies().size(), 1u);
  EXPECT_EQ(ping.replies()[0].from, ip("10.0.2.1"));
  const auto replies = h1_rx_icmp();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].src, ip("10.0.2.1"));
}

TEST_F(IpNodeTest, PingToOwnAddressLoopsBackWithoutTouchingTheWire) {
  auto& ping = h1.add_application<Ping>({ip("10.0.1.10"), 2, kSecond, 0, 56, 64});
  net.run_until(3 * kSecond);
  ASSERT_EQ(ping.replies().size(), 2u);
  EXPECT_EQ(ping.replies()[0].rtt, 0);
  EXPECT_EQ(ping.replies()[0].from, ip("10.0.1.10"));
  EXPECT_TRUE(h1_log->lines().empty());
}

TEST_F(IpNodeTest, RouterPingsItsOtherInterfaceLocally) {
  auto& ping = r1.add_application<Ping>({ip("10.0.2.1"), 1, kSecond, 0, 56, 64});
  net.run_until(kSecond);
  EXPECT_EQ(ping.received(), 1u);
  EXPECT_TRUE(h2_log->lines().empty());
}

// 127.0.0.0/8 is local (`local 127.0.0.0/8 dev lo`): a ping to 127.0.0.1 is answered by the node itself.
TEST_F(IpNodeTest, PingToLoopbackIsAnsweredLocally) {
  auto& ping = h1.add_application<Ping>({ip("127.0.0.1"), 1, kSecond, 0, 56, 64});
  net.run_until(2 * kSecond);
  EXPECT_EQ(ping.received(), 1u);
  EXPECT_TRUE(h1_log->lines().empty());
}

TEST_F(IpNodeTest, BroadcastEchoRequestIsIgnored) {
  h1.send_echo_request(ip("10.0.1.255"), 1, 1, pattern(8));
  net.run_until(kSecond);
  EXPECT_TRUE(h1_rx_icmp().empty()) << "icmp_echo_ignore_broadcasts=1";
}

// 255.255.255.255 leaves as an Ethernet broadcast out of the route's interface, never via the gateway
// (__mkroute_output makes it RTN_BROADCAST).
TEST_F(IpNodeTest, LimitedBroadcastLeavesAsAnEthernetBroadcastEvenWithAGateway) {
  EXPECT_EQ(h1.send_udp(68, ip("255.255.255.255"), 67, pattern(8)), SendStatus::sent);
  net.run_until(kSecond);
  const auto sent = h1_tx();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].eth_dst.is_broadcast());
  EXPECT_EQ(count_arp(*h1_log), 0u);
}

// --- malformed input --------------------------------------------------------------------------------------

TEST_F(IpNodeTest, TruncatedEthernetFrameIsDroppedAsMalformed) {
  inj.send(Bytes(10, 0xff));
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::malformed), 1u);
}

TEST_F(IpNodeTest, BadIpv4ChecksumIsDroppedAndTraced) {
  Bytes datagram = ipv4({inj.address, ip("10.0.3.1"), wire::kIpProtoUdp}, udp(inj.address, ip("10.0.3.1"), 1, 9, {}));
  datagram[10] ^= 0x01;
  inj.send(to_r1(datagram));
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::bad_checksum), 1u);
  EXPECT_EQ(r1.ip_counters().received, 0u);
  EXPECT_TRUE(inj.received_icmp().empty()) << "a corrupt header earns no port unreachable";
  const auto& last = net.trace().events().back();
  EXPECT_EQ(last.reason, trace::DropReason::bad_checksum);
  EXPECT_NE(last.detail.find("from 10.0.3.50"), std::string::npos) << last.detail;
}

TEST_F(IpNodeTest, HeaderLengthBelowFiveIsDroppedAsMalformed) {
  Bytes datagram = ipv4({inj.address, ip("10.0.3.1"), wire::kIpProtoUdp}, pattern(8));
  datagram[0] = 0x44;  // IHL 4
  inj.send(to_r1(datagram));
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::malformed), 1u);
}

TEST_F(IpNodeTest, OtherBrokenHeadersAreDroppedAsMalformed) {
  Bytes v6 = ipv4({inj.address, ip("10.0.3.1")}, pattern(8));
  v6[0] = 0x65;
  Bytes long_total = ipv4({inj.address, ip("10.0.3.1")}, pattern(8));
  wire::store_be16(long_total.data() + 2, 500);
  Bytes short_total = ipv4({inj.address, ip("10.0.3.1")}, pattern(8));
  wire::store_be16(short_total.data() + 2, 12);
  Bytes big_ihl = ipv4({inj.address, ip("10.0.3.1")}, pattern(8));
  big_ihl[0] = 0x4f;  // 60-byte header in a 28-byte datagram
  for (const Bytes* d : {&v6, &long_total, &short_total, &big_ihl}) inj.send(to_r1(*d));
  inj.send(ethernet(r1_mac("eth2"), inj.mac, wire::kEthertypeIpv4, pattern(10)));  // shorter than a header
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::malformed), 5u);
  EXPECT_EQ(r1.ip_counters().received, 0u);
}

TEST_F(IpNodeTest, TruncatedUdpAndBadTransportChecksumsAreDropped) {
  const Ipv4Address to = ip("10.0.3.1");
  Bytes truncated_udp = udp(inj.address, to, 1, 9, pattern(8));
  wire::store_be16(truncated_udp.data() + 4, 40);  // claims more than there is
  Bytes bad_udp = udp(inj.address, to, 1, 9, pattern(8));
  bad_udp[8] ^= 0xff;
  Bytes bad_icmp = icmp(wire::kIcmpEchoRequest, 0, 1, pattern(8));
  bad_icmp[9] ^= 0xff;
  inj.send(to_r1(ipv4({inj.address, to, wire::kIpProtoUdp}, truncated_udp)));
  inj.send(to_r1(ipv4({inj.address, to, wire::kIpProtoUdp}, bad_udp)));
  inj.send(to_r1(ipv4({inj.address, to, wire::kIpProtoIcmp}, bad_icmp)));
  inj.send(to_r1(ipv4({inj.address, to, wire::kIpProtoIcmp}, Bytes{8, 0, 0})));  // ICMP shorter than 8
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::malformed), 2u);
  EXPECT_EQ(drops(r1, trace::DropReason::bad_checksum), 2u);
  EXPECT_TRUE(inj.received_icmp().empty());
}

TEST_F(IpNodeTest, UdpWithoutChecksumIsAccepted) {
  auto& responder = r1.add_application<UdpResponder>({9000});
  Bytes datagram = udp(inj.address, ip("10.0.3.1"), 1, 9000, pattern(4));
  wire::store_be16(datagram.data() + 6, 0);
  inj.send(to_r1(ipv4({inj.address, ip("10.0.3.1")}, datagram)));
  net.run_until(kSecond);
  EXPECT_EQ(responder.received(), 1u);
}

TEST_F(IpNodeTest, EthernetPaddingIsTrimmedBeforeQuoting) {
  // A 32-byte datagram padded to a 60-byte frame: the error quotes 32 bytes, not 46.
  const Ipv4Address to = ip("10.0.3.1");
  Bytes frame = to_r1(ipv4({inj.address, to}, udp(inj.address, to, 1, 9, pattern(4))));
  frame.resize(60, 0);
  inj.send(frame);
  net.run_until(kSecond);
  const auto errors = inj.received_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_body().size(), 32u);
}

TEST_F(IpNodeTest, UnsupportedEthertypeVlanAndArpGarbageAreDroppedAndTraced) {
  inj.send(ethernet(r1_mac("eth2"), inj.mac, 0x86dd, pattern(40)));  // IPv6
  Bytes tagged = ethernet(r1_mac("eth2"), inj.mac, wire::kEthertypeVlan, {0x00, 0x05, 0x08, 0x00});
  tagged.resize(60, 0);
  inj.send(tagged);
  inj.send(ethernet(MacAddress::broadcast(), inj.mac, wire::kEthertypeArp, pattern(10)));  // truncated ARP
  net.run_until(kSecond);
  EXPECT_EQ(drops(r1, trace::DropReason::unsupported_protocol), 2u);
  EXPECT_EQ(drops(r1, trace::DropReason::malformed), 1u);
}

TEST_F(IpNodeTest, FramesForAnotherMacAreIgnoredSilently) {
  Bytes datagram = ipv4({inj.address, ip("10.0.3.1")}, udp(inj.address, ip("10.0.3.1"), 1, 9, {}));
  inj.send(ethernet(MacAddress::parse("02:00:00:00:99:99"), inj.mac, wire::kEthertypeIpv4, datagram));
  net.run_until(kSecond);
  EXPECT_EQ(net.trace().total_drops(), 0u);
  EXPECT_EQ(r1.ip_counters().received, 0u);
}

TEST_F(IpNodeTest, MulticastDestinationIsNotForwarded) {
  inj.send(ethernet(MacAddress::parse("01:00:5e:00:00:09"), inj.mac, wire::kEthertypeIpv4,
                    ipv4({inj.address, ip("224.0.0.9")}, udp(inj.address, ip("224.0.0.9"), 520, 520, {}))));
  net.run_until(kSecond);
  EXPECT_EQ(r1.ip_counters().forwarded, 0u);
  EXPECT_EQ(drops(r1, trace::DropReason::unsupported_protocol), 1u);
}

TEST_F(IpNodeTest, NothingLeaksFromThePool) {
  h1.add_application<Ping>({ip("10.0.2.20"), 3, kSecond, 0, 56, 64});
  h1.send_udp(40000, ip("10.0.2.20"), 33434, pattern(8), ttl(1));
  inj.send(Bytes(10, 0));
  net.run();
  EXPECT_EQ(net.pool().slabs_in_use(), 0u);
}

}  // namespace
}  // namespace vpcsim::node
