// Two hosts on one learning switch: ARP, then ping, exactly as Linux puts it on each link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "support/frame_log.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using ::testing::ElementsAre;
using wire::Ipv4Address;

struct SameSubnet {
  node::Network net{1};
  node::Host& h1 = net.add_host("h1");
  node::Host& h2 = net.add_host("h2");
  node::Switch& sw1 = net.add_switch("sw1");
  SameSubnet() {
    h1.add_interface("eth0", "10.0.1.10/24");
    h2.add_interface("eth0", "10.0.1.20/24");
    net.connect("h1.eth0", "sw1");
    net.connect("h2.eth0", "sw1");
  }
};

TEST(OracleSameSubnet, ArpThenPingOnEveryLink) {
  SameSubnet t;
  testing::ScenarioCapture pcaps(t.net);
  testing::FrameLog h1_log(t.h1.interface("eth0"));
  testing::FrameLog h2_log(t.h2.interface("eth0"));
  auto& ping = t.h1.add_application<node::Ping>({Ipv4Address::parse("10.0.1.20"), 3, core::kSecond, 0, 56, 64});
  t.net.run_until(7 * core::kSecond);

  const std::vector<std::string> expected = {
      "ARP request bcast who-has 10.0.1.20 tell 10.0.1.10",
      "ARP reply 10.0.1.20 is-at",
      "IPv4 10.0.1.10>10.0.1.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1",
      "IPv4 10.0.1.20>10.0.1.10 ttl=64 tos=0x00 df=0 len=84 ICMP echo-reply seq=1",
      "IPv4 10.0.1.10>10.0.1.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=2",
      "IPv4 10.0.1.20>10.0.1.10 ttl=64 tos=0x00 df=0 len=84 ICMP echo-reply seq=2",
      "IPv4 10.0.1.10>10.0.1.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=3",
      "IPv4 10.0.1.20>10.0.1.10 ttl=64 tos=0x00 df=0 len=84 ICMP echo-reply seq=3",
      // h2 learnt h1 as stale from the request; the first reply moved it to delay; 5 s later,
      // unconfirmed, it probes h1 by unicast.
      "ARP request ucast who-has 10.0.1.10 tell 10.0.1.20",
      "ARP reply 10.0.1.10 is-at",
  };
  EXPECT_EQ(h1_log.lines(), expected);
  EXPECT_EQ(h2_log.lines(), expected);
  EXPECT_EQ(ping.received(), 3u);
  EXPECT_EQ(ping.outcome(), node::Outcome::reply);
  EXPECT_NEAR(static_cast<double>(h1_log.times()[8]), 5.0e9, 0.01e9);

  auto arp = t.h1.arp_table();
  ASSERT_EQ(arp.size(), 1u);
  EXPECT_EQ(arp[0].ip, Ipv4Address::parse("10.0.1.20"));
  EXPECT_EQ(arp[0].mac, t.h2.interface("eth0").mac());
  EXPECT_EQ(arp[0].state, stack::NeighbourState::reachable);
  auto macs = t.sw1.mac_table();
  ASSERT_EQ(macs.size(), 2u);
}

TEST(SameSubnetScenario, RttIsTwiceTwoLinksPlusSerialisation) {
  SameSubnet t;
  auto& ping = t.h1.add_application<node::Ping>({Ipv4Address::parse("10.0.1.20"), 2, core::kSecond, 0, 56, 64});
  t.net.run();
  ASSERT_EQ(ping.replies().size(), 2u);
  // Second ping: no ARP. 4 link traversals of 10 us plus 4 serialisations of a 98-byte frame at 1 Gb/s.
  const core::Time serialisation = (98 + 24) * 8;  // ns at 1 Gb/s
  EXPECT_EQ(ping.replies()[1].rtt, 4 * (10'000 + serialisation));
}

TEST(SameSubnetScenario, PingToAnAbsentHostFailsAfterThreeArpTries) {
  SameSubnet t;
  testing::FrameLog h1_log(t.h1.interface("eth0"));
  auto& ping = t.h1.add_application<node::Ping>({Ipv4Address::parse("10.0.1.99"), 1, core::kSecond, 0, 56, 64});
  t.net.run();
  EXPECT_THAT(h1_log.lines(), ElementsAre("ARP request bcast who-has 10.0.1.99 tell 10.0.1.10",
                                          "ARP request bcast who-has 10.0.1.99 tell 10.0.1.10",
                                          "ARP request bcast who-has 10.0.1.99 tell 10.0.1.10"));
  EXPECT_EQ(h1_log.times()[1] - h1_log.times()[0], core::kSecond);
  ASSERT_EQ(ping.errors().size(), 1u);
  EXPECT_EQ(ping.errors()[0].text, "Destination Host Unreachable");
  EXPECT_EQ(ping.errors()[0].from, Ipv4Address::parse("10.0.1.10"));
  EXPECT_EQ(ping.outcome(), node::Outcome::unreachable);
  EXPECT_EQ(t.net.trace().drop_count(t.h1.id(), trace::DropReason::arp_failed), 1u);
  ASSERT_EQ(t.h1.arp_table().size(), 1u);
  EXPECT_EQ(t.h1.arp_table()[0].state, stack::NeighbourState::failed);
}

TEST(SameSubnetScenario, SameSeedSameBytes) {
  auto run = [](std::uint64_t seed) {
    node::Network net(seed);
    auto& h1 = net.add_host("h1");
    auto& h2 = net.add_host("h2");
    net.add_switch("sw1");
    h1.add_interface("eth0", "10.0.1.10/24");
    h2.add_interface("eth0", "10.0.1.20/24");
    net.connect("h1.eth0", "sw1");
    net.connect("h2.eth0", "sw1");
    testing::FrameLog log(h1.interface("eth0"));
    h1.add_application<node::Ping>({Ipv4Address::parse("10.0.1.20"), 3, core::kSecond, 0, 56, 64});
    net.run();
    return log.frames();
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

}  // namespace
}  // namespace vpcsim
