// UdpSocket: bind (given or ephemeral port), send now, read datagrams and ICMP errors after a run,
// answer a datagram from where it came — through a NAT, so the answer needs the translation back.
#include "libnet/node/udp_socket.h"

#include <gtest/gtest.h>

#include "libnet/core/error.h"
#include "libnet/node/network.h"

namespace vpcsim::node {
namespace {

using wire::Ipv4Address;
std::span<const std::uint8_t> bytes(const char* text) {
  return {reinterpret_cast<const std::uint8_t*>(text), std::char_traits<char>::length(text)};
}

struct UdpSocketTest : ::testing::Test {
  Network net{3};
  Host& a = net.add_host("a");
  NatRouter& nat = net.add_nat("nat");
  Host& b = net.add_host("b");
  UdpSocketTest() {
    a.add_interface("eth0", "10.0.0.10/24");
    a.set_default_gateway(Ipv4Address::parse("10.0.0.1"));
    nat.add_interface("eth0", "10.0.0.1/24");
    nat.add_interface("eth1", "192.0.2.1/24");
    nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/24"), "eth1", {}, {}});
    b.add_interface("eth0", "192.0.2.20/24");
    net.connect("a.eth0", "nat.eth0");
    net.connect("nat.eth1", "b.eth0");
  }
};

TEST_F(UdpSocketTest, SendReceiveAndReplyThroughANat) {
  UdpSocket& client = a.add_application<UdpSocket>({});
  UdpSocket& server = b.add_application<UdpSocket>({7000});
  EXPECT_GE(client.port(), 32768);
  EXPECT_LE(client.port(), 60999);
  EXPECT_EQ(client.send_to(Ipv4Address::parse("192.0.2.20"), 7000, bytes("ping")), SendStatus::sent);
  net.run_for(core::kSecond);
  ASSERT_EQ(server.received().size(), 1u);
  const UdpDatagram& d = server.received()[0];
  EXPECT_EQ(d.src, Ipv4Address::parse("192.0.2.1"));  // masqueraded
  EXPECT_EQ(d.src_port, client.port());                // kept: it was free
  EXPECT_EQ(std::string(d.payload.begin(), d.payload.end()), "ping");
  EXPECT_EQ(server.send_to(d.src, d.src_port, bytes("pong")), SendStatus::sent);
  net.run_for(core::kSecond);
  ASSERT_EQ(client.received().size(), 1u);
  EXPECT_EQ(client.received()[0].src, Ipv4Address::parse("192.0.2.20"));
  EXPECT_EQ(client.outcome(), Outcome::reply);
  server.clear_received();
  EXPECT_TRUE(server.received().empty());
}

TEST_F(UdpSocketTest, ErrorsAndStatusesAreReported) {
  UdpSocket& s = a.add_application<UdpSocket>({5353});
  EXPECT_THROW(a.add_application<UdpSocket>({5353}), core::ConfigError);
  EXPECT_EQ(s.send_to(Ipv4Address::parse("192.0.2.20"), 9, bytes("x")), SendStatus::sent);
  net.run_for(core::kSecond);
  ASSERT_EQ(s.errors().size(), 1u);  // port unreachable from b, translated back by the NAT
  EXPECT_EQ(s.errors()[0].original_dst_port, 9);
  EXPECT_EQ(s.outcome(), Outcome::unreachable);
  Host& lonely = net.add_host("lonely");
  lonely.add_interface("eth0", "10.9.0.1/24");
  EXPECT_EQ(lonely.add_application<UdpSocket>({}).send_to(Ipv4Address::parse("192.0.2.20"), 9, bytes("x")),
            SendStatus::network_unreachable);
}

}  // namespace
}  // namespace vpcsim::node
