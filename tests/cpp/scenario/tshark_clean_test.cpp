// Every capture the simulator writes decodes in tshark without a malformed packet or a bad checksum:
// one network that exercises every kind of frame we originate or rewrite (ARP requests, replies and
// unicast probes; echo requests and replies; UDP both ways; ICMP port/net/host unreachable and time
// exceeded with their quotes; frames forwarded with TTL and checksum patched in place).
// UDP source ports avoid 5000: tshark hands it to the TAPA dissector, which calls any payload malformed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/udp_apps.h"
#include <unistd.h>
#include "support/scenario_capture.h"
#include "support/tshark.h"

namespace vpcsim {
namespace {

using wire::Ipv4Address;

TEST(TsharkClean, EveryFrameKindDecodesWithoutProblems) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark is not installed";
  const auto dir = std::filesystem::temp_directory_path() / ("vpcsim-tshark-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    node::Network net(3);
    auto& h1 = net.add_host("h1");
    auto& h3 = net.add_host("h3");
    auto& r1 = net.add_router("r1");
    auto& r2 = net.add_router("r2");
    auto& h2 = net.add_host("h2");
    net.add_switch("sw1");
    h1.add_interface("eth0", "10.0.1.10/24");
    h1.set_default_gateway(Ipv4Address::parse("10.0.1.1"));
    h3.add_interface("eth0", "10.0.1.30/24");
    r1.add_interface("eth0", "10.0.1.1/24");
    r1.add_interface("eth1", "10.0.12.1/24");
    r1.set_default_gateway(Ipv4Address::parse("10.0.12.2"));
    r1.add_special_route(wire::Ipv4Prefix::parse("198.51.100.0/24"), stack::RouteType::unreachable);
    r2.add_interface("eth0", "10.0.12.2/24");
    r2.add_interface("eth1", "10.0.2.1/24");
    r2.add_route(wire::Ipv4Prefix::parse("10.0.1.0/24"), Ipv4Address::parse("10.0.12.1"));
    h2.add_interface("eth0", "10.0.2.20/24");
    h2.set_default_gateway(Ipv4Address::parse("10.0.2.1"));
    net.connect("h1.eth0", "sw1");
    net.connect("h3.eth0", "sw1");
    net.connect("r1.eth0", "sw1");
    net.connect("r1.eth1", "r2.eth0");
    net.connect("r2.eth1", "h2.eth0");
    testing::ScenarioCapture pcaps(net, dir);
    h2.add_application<node::UdpResponder>({9000, "pong"});
    h1.add_application<node::Ping>({Ipv4Address::parse("10.0.2.20"), 3, core::kSecond, 0, 56, 64});
    h1.add_application<node::Ping>({Ipv4Address::parse("10.0.1.30"), 2, core::kSecond, 0, 1000, 64});
    h1.add_application<node::Ping>({Ipv4Address::parse("198.51.100.1"), 1, core::kSecond, 0, 56, 64});
    h1.add_application<node::Ping>({Ipv4Address::parse("10.0.2.99"), 1, core::kSecond, 0, 56, 64});  // ARP fails at r2
    h1.add_application<node::UdpClient>({Ipv4Address::parse("10.0.2.20"), 9000, 40000, "hello", core::kSecond, 2, core::kSecond});
    h1.add_application<node::UdpClient>({Ipv4Address::parse("10.0.2.20"), 9999, 40001, "closed", core::kSecond, 1, core::kSecond});
    node::TracerouteConfig tr;
    tr.destination = Ipv4Address::parse("10.0.2.20");
    tr.start = 2 * core::kSecond;
    tr.wait = core::kSecond;
    h1.add_application<node::Traceroute>(tr);
    net.run_until(12 * core::kSecond);
    pcaps.flush();
    for (const auto& path : pcaps.paths()) {
      EXPECT_THAT(testing::tshark_problems(path), ::testing::IsEmpty()) << path;
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vpcsim
