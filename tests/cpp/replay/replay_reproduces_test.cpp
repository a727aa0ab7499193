// A capture vpcsim wrote, replayed into the same topology at the same point, reproduces every other
// link's capture byte for byte and to the nanosecond: h1's side of a ping exchange, captured at
// h1.eth0, replayed verbatim from a replay port on h1's switch with h1 gone.
#include <gtest/gtest.h>

#include "libnet/node/tcp_apps.h"
#include "libnet/node/ping.h"
#include "libnet/io/interface_capture.h"
#include "libnet/node/ping.h"
#include "libnet/replay/pcap_source.h"
#include "libnet/replay/replay_engine.h"
#include "support/frame_log.h"
#include "support/temp_file.h"

namespace vpcsim::replay {
namespace {

const wire::MacAddress kH1 = wire::MacAddress::parse("02:00:00:00:01:10");

/// h1 (10.0.1.10) -- sw1 -- r -- h2 (10.0.2.20); every MAC that shows on a wire is given, so that
/// leaving h1 out changes no other address.
void build(node::Network& net, bool with_h1) {
  auto& sw1 = net.add_switch("sw1");
  (void)sw1;
  auto& r = net.add_router("r");
  r.add_interface("eth0", wire::Ipv4InterfaceAddress::parse("10.0.1.1/24"), wire::MacAddress::parse("02:00:00:00:01:01"));
  r.add_interface("eth1", wire::Ipv4InterfaceAddress::parse("10.0.2.1/24"), wire::MacAddress::parse("02:00:00:00:02:01"));
  auto& h2 = net.add_host("h2");
  h2.add_interface("eth0", wire::Ipv4InterfaceAddress::parse("10.0.2.20/24"), wire::MacAddress::parse("02:00:00:00:02:20"));
  h2.set_default_gateway(wire::Ipv4Address::parse("10.0.2.1"));
  net.connect("r.eth0", "sw1");
  net.connect("r.eth1", "h2.eth0");
  if (with_h1) {
    auto& h1 = net.add_host("h1");
    h1.add_interface("eth0", wire::Ipv4InterfaceAddress::parse("10.0.1.10/24"), kH1);
    h1.set_default_gateway(wire::Ipv4Address::parse("10.0.1.1"));
    net.connect("h1.eth0", "sw1");
    node::PingConfig ping;
    ping.destination = wire::Ipv4Address::parse("10.0.2.20");
    ping.count = 3;
    ping.interval = 200 * core::kMillisecond;
    ping.start = 5 * core::kMillisecond;
    h1.add_application<vpcsim::node::Ping>(ping);
  }
}

struct Logs {
  explicit Logs(node::Network& net)
      : r0(net.interface("r.eth0")), r1(net.interface("r.eth1")), h2(net.interface("h2.eth0")) {}
  testing::FrameLog r0, r1, h2;
};

void expect_same(const testing::FrameLog& a, const testing::FrameLog& b, const char* where) {
  SCOPED_TRACE(where);
  ASSERT_EQ(a.frames().size(), b.frames().size());
  EXPECT_FALSE(a.frames().empty());
  for (std::size_t i = 0; i < a.frames().size(); ++i) {
    EXPECT_EQ(a.frames()[i], b.frames()[i]) << "frame " << i << ": " << a.lines()[i] << " vs " << b.lines()[i];
    EXPECT_EQ(a.times()[i], b.times()[i]) << "frame " << i;
    EXPECT_EQ(a.directions()[i], b.directions()[i]) << "frame " << i;
  }
}

TEST(ReplayReproduces, VpcsimCaptureReplayedAtTheSamePointGivesTheSameLinks) {
  testing::TempFile pcap("replay-h1.pcap");
  node::Network original(3);
  build(original, true);
  Logs before(original);
  {
    io::InterfaceCapture capture(original.interface("h1.eth0"), pcap.path());
    original.run();
  }

  node::Network replayed(3);
  build(replayed, false);
  Logs after(replayed);
  ReplayConfig config;
  config.client.at = "sw1";
  config.verbatim = true;
  config.split = SplitMode::mac;
  config.client_macs = {kH1};
  config.timing.start = 5 * core::kMillisecond;  // the capture's first frame: ping's start
  auto engine = replay(replayed, std::make_unique<PcapSource>(pcap.path()), config);
  replayed.run();

  const ReplayResults results = engine->results();
  EXPECT_EQ(results.summary.sent + results.summary.not_sent, results.summary.packets);
  EXPECT_GT(results.summary.not_sent, 0u);  // h1's received frames: the server side, not attached
  expect_same(before.r0, after.r0, "r.eth0");
  expect_same(before.r1, after.r1, "r.eth1");
  expect_same(before.h2, after.h2, "h2.eth0");
}

}  // namespace
}  // namespace vpcsim::replay
