// The NAT gateway's documented behaviour: source NAT only, its port range, the 350 s idle timeout and
// the RST after it, no answer to ping, and 55,000 connections per destination.
#include <gtest/gtest.h>

#include <array>

#include "classic_vpc.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/node/udp_apps.h"
#include "libnet/node/udp_socket.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;

/// A client that opens a connection, says nothing, and remembers how it ended.
struct QuietClient final : node::TcpHandler {
  node::TcpSocketId id = 0;
  bool established = false;
  std::optional<stack::TcpError> closed;
  void on_tcp_established(node::IpNode&, node::TcpSocketId s) override {
    id = s;
    established = true;
  }
  void on_tcp_data(node::IpNode&, node::TcpSocketId, std::span<const std::uint8_t>) override {}
  void on_tcp_peer_closed(node::IpNode&, node::TcpSocketId) override {}
  void on_tcp_closed(node::IpNode&, node::TcpSocketId, stack::TcpError error) override { closed = error; }
};

TEST(NatGateway, TranslatesToItsPrivateAddressFromPorts1024Up) {
  ClassicVpc c;
  node::UdpSocket& sock = c.db->add_application<node::UdpSocket>({53000});
  const std::array<std::uint8_t, 2> hi{'h', 'i'};
  sock.send_to(A("203.0.113.10"), 9000, hi);
  node::UdpSocket& low = c.db->add_application<node::UdpSocket>({123});  // a port below 1024 is moved into 1024-65535
  low.send_to(A("203.0.113.10"), 9000, hi);
  c.net.run_for(core::kSecond);
  const auto t = c.nat.translations();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].reply.dst, c.nat.private_ip());
  EXPECT_EQ(t[0].reply.dst_port, 53000);  // kept: it is free and in range
  EXPECT_GE(t[1].reply.dst_port, 1024);
  EXPECT_EQ(c.nat.connections_to(A("203.0.113.10"), 9000, wire::kIpProtoUdp), 2u);
}

TEST(NatGateway, DoesNotAnswerPingToItself) {
  ClassicVpc c;
  node::PingConfig to_nat;
  to_nat.destination = c.nat.private_ip();
  node::Ping& ping = c.db->add_application<node::Ping>(to_nat);
  c.net.run_for(2 * core::kSecond);
  EXPECT_TRUE(ping.replies().empty());
  EXPECT_EQ(c.net.trace().drop_count(c.nat.id(), trace::DropReason::nat_gateway_refused), 1u);
}

TEST(NatGateway, TranslatesAnIcmpErrorAboutATrackedFlowBackInside) {
  // ext's port unreachable reaches the NAT gateway addressed to its private address (the internet
  // gateway translated it first); it belongs to db's flow, so it goes on to db, quote translated back,
  // rather than being refused as an inbound connection. (Found by the netns oracle, vpc_public_private.)
  ClassicVpc c;
  node::UdpClient& udp = c.db->add_application<node::UdpClient>({A("203.0.113.10"), 9999, 5001, "hi", 0, 1, core::kSecond});
  c.net.run_for(core::kSecond);
  ASSERT_EQ(udp.errors().size(), 1u);
  EXPECT_EQ(udp.errors()[0].from, A("203.0.113.10"));
  EXPECT_EQ(c.net.trace().drop_count(c.nat.id(), trace::DropReason::nat_gateway_refused), 0u);
}

TEST(NatGateway, IdleConnectionTimesOutAfter350sAndTheNextPacketGetsARst) {
  ClassicVpc c;
  c.ext->add_application<node::TcpServer>({80});
  QuietClient client;
  c.db->tcp().connect(A("203.0.113.10"), 80, 0, client);
  c.net.run_for(core::kSecond);
  ASSERT_TRUE(client.established);
  ASSERT_EQ(c.nat.translations().size(), 1u);
  // Established: 350 s from the last packet (the handshake's ACK, just under a second ago), not 5 days.
  EXPECT_GT(c.nat.translations()[0].expires_in, NatGateway::kIdleTimeout - core::kSecond);
  EXPECT_LE(c.nat.translations()[0].expires_in, NatGateway::kIdleTimeout);

  c.net.run_for(348 * core::kSecond);
  EXPECT_EQ(c.nat.translations().size(), 1u);  // not yet
  c.net.run_for(2 * core::kSecond);
  EXPECT_TRUE(c.nat.translations().empty());

  const std::array<std::uint8_t, 5> late{'l', 'a', 't', 'e', '!'};
  ASSERT_TRUE(c.db->tcp().send(client.id, late));
  c.net.run_for(core::kSecond);
  ASSERT_TRUE(client.closed.has_value());
  EXPECT_EQ(*client.closed, stack::TcpError::connection_reset);
  EXPECT_EQ(c.net.trace().drop_count(c.nat.id(), trace::DropReason::nat_gateway_refused), 1u);
}

TEST(NatGateway, CapsConnectionsToOneDestinationAt55000) {
  ClassicVpc c;
  // Many sources (ports) to one destination: the 55,001st new flow is refused, another destination
  // is not affected.
  node::UdpSocket& sock = c.db->add_application<node::UdpSocket>({40000});
  const std::array<std::uint8_t, 1> x{'x'};
  // Distinct flows need distinct source ports: raw sends from many ports, a few hundred per millisecond
  // so that neither the link queue nor ARP's queue drops any.
  sock.send_to(A("203.0.113.10"), 9001, x);
  c.net.run_for(10 * core::kMillisecond);
  for (std::uint32_t i = 0; i < NatGateway::kMaxConnectionsPerDestination + 10; ++i) {
    c.db->send_udp(static_cast<std::uint16_t>(1024 + i), A("203.0.113.10"), 9000, x);
    if (i % 200 == 199) c.net.run_for(core::kMillisecond);
  }
  c.net.run_for(core::kSecond);
  EXPECT_EQ(c.nat.connections_to(A("203.0.113.10"), 9000, wire::kIpProtoUdp), NatGateway::kMaxConnectionsPerDestination);
  EXPECT_EQ(c.nat.connections_to(A("203.0.113.10"), 9001, wire::kIpProtoUdp), 1u);
  EXPECT_EQ(c.net.trace().drop_count(c.nat.id(), trace::DropReason::nat_port_exhausted), 10u);
}

TEST(NatGateway, DeletedGatewayForwardsNothing) {
  ClassicVpc c;
  c.vpc.delete_nat_gateway("nat-a");
  node::PingConfig out;
  out.destination = A("203.0.113.10");
  node::Ping& ping = c.db->add_application<node::Ping>(out);
  c.net.run_for(2 * core::kSecond);
  EXPECT_TRUE(ping.replies().empty());
  EXPECT_GT(c.net.trace().drop_count(c.vpc.router().id(), trace::DropReason::blackhole_route), 0u);
}

}  // namespace
}  // namespace vpcsim::cloud
