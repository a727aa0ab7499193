#include "libnet/node/udp_flows.h"

#include <gtest/gtest.h>

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/udp_apps.h"

namespace vpcsim::node {
namespace {

struct Pair {
  Network net{1};
  Host& a = net.add_host("a");
  Host& b = net.add_host("b");
  Pair() {
    a.add_interface("eth0", "10.0.0.1/24");
    b.add_interface("eth0", "10.0.0.2/24");
    net.connect("a.eth0", "b.eth0");
  }
};

TEST(UdpFlows, EachFlowLeavesFromItsOwnPortAndIsAnswered) {
  Pair p;
  p.b.add_application<UdpResponder>({9000, "pong"});
  UdpFlowsConfig config;
  config.destination = wire::Ipv4Address::parse("10.0.0.2");
  config.dst_port = 9000;
  config.flows = 300;
  config.data = "ping";
  UdpFlows& flows = p.a.add_application<UdpFlows>(config);
  p.net.run();
  EXPECT_EQ(flows.sent(), 300u);
  EXPECT_EQ(flows.answered(), 300u);
  EXPECT_EQ(flows.outcome(), Outcome::reply);
}

TEST(UdpFlows, UnansweredFlowsMakeATimeoutOrUnreachable) {
  Pair p;
  UdpFlowsConfig config;
  config.destination = wire::Ipv4Address::parse("10.0.0.2");
  config.dst_port = 9000;  // closed: ICMP port unreachable, rate-limited
  config.flows = 10;
  UdpFlows& flows = p.a.add_application<UdpFlows>(config);
  p.net.run();
  EXPECT_EQ(flows.answered(), 0u);
  EXPECT_GT(flows.errors(), 0u);
  EXPECT_EQ(flows.outcome(), Outcome::unreachable);
}

TEST(UdpFlows, NoMoreFlowsThanEphemeralPorts) {
  Pair p;
  UdpFlowsConfig config;
  config.destination = wire::Ipv4Address::parse("10.0.0.2");
  config.dst_port = 9000;
  config.flows = 30000;
  EXPECT_THROW(p.a.add_application<UdpFlows>(config), core::ConfigError);
  config.flows = 0;
  EXPECT_THROW(p.a.add_application<UdpFlows>(config), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::node
