// The replay engine end to end: a real TCP conversation (tcpdump-whois.pcap) replayed through a
// masquerading NAT box with the client side inside and the server side outside.
#include "libnet/replay/replay_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libnet/core/error.h"
#include "libnet/replay/pcap_source.h"
#include "support/sample_pcaps.h"
#include "support/frame_log.h"

namespace vpcsim::replay {
namespace {

const std::string kPcaps = testing::sample_pcaps_dir();

/// nat: eth0 10.0.2.2/24 inside (the VirtualBox NAT the whois client sat behind), eth1 203.0.113.2/24
/// outside, default route via 203.0.113.1, masquerade out of eth1.
struct NatTopology {
  node::Network net{7};
  node::NatRouter& nat = net.add_nat("nat");
  NatTopology() {
    nat.add_interface("eth0", "10.0.2.2/24");
    nat.add_interface("eth1", "203.0.113.2/24");
    nat.set_default_gateway(wire::Ipv4Address::parse("203.0.113.1"));
    nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.2.0/24"), "eth1", {}, {}});
  }
};

ReplayConfig two_sided(std::string client_at, std::string server_at) {
  ReplayConfig config;
  config.client.at = std::move(client_at);
  config.server = Attachment{std::move(server_at), std::nullopt};
  return config;
}

TEST(ReplayEngine, WhoisThroughMasqueradeArrivesConsistentOnBothSides) {
  NatTopology t;
  testing::FrameLog outside(t.net.interface("nat.eth1"));
  auto engine = replay(t.net, std::make_unique<PcapSource>(kPcaps + "tcpdump-whois.pcap"),
                       two_sided("nat.eth0", "nat.eth1"));
  t.net.run();
  const ReplayResults results = engine->results();
  EXPECT_EQ(results.summary.packets, 11u);
  EXPECT_EQ(results.summary.sent, 11u);
  EXPECT_EQ(results.summary.delivered, 11u);
  EXPECT_EQ(results.summary.held, 0u);
  ASSERT_EQ(results.flows.size(), 1u);
  const FlowRecord& flow = results.flows[0];
  EXPECT_EQ(to_string(flow.key), "tcp 10.0.2.15:44188 -> 192.0.47.59:43");
  EXPECT_EQ(to_string(flow.translated), "tcp 203.0.113.2:44188 -> 192.0.47.59:43");
  EXPECT_EQ(flow.packets_to_server, 6u);
  EXPECT_EQ(flow.packets_to_client, 5u);
  EXPECT_EQ(flow.delivered_to_server, 6u);
  EXPECT_EQ(flow.delivered_to_client, 5u);
  EXPECT_EQ(flow.outcome, FlowOutcome::delivered);
  for (const PacketFate& fate : results.packets) {
    EXPECT_EQ(fate.outcome, PacketOutcome::delivered) << fate.index;
    EXPECT_EQ(fate.where, fate.side == Side::client ? "replay-server.eth0" : "replay-client.eth0");
    // Translated on the way out, translated back on the way in.
    EXPECT_EQ(fate.arrived_as, fate.side == Side::client ? "tcp 203.0.113.2:44188 -> 192.0.47.59:43"
                                                         : "tcp 192.0.47.59:43 -> 10.0.2.15:44188");
  }
  // Outside, every IPv4 packet is between the NAT's address and the server, checksums right.
  int ipv4 = 0;
  for (const std::string& line : outside.lines()) {
    if (line.find("IPv4") == std::string::npos) continue;
    ++ipv4;
    EXPECT_THAT(line, ::testing::AnyOf(::testing::HasSubstr("203.0.113.2>192.0.47.59"),
                                       ::testing::HasSubstr("192.0.47.59>203.0.113.2")));
    EXPECT_THAT(line, ::testing::Not(::testing::HasSubstr("BADSUM")));
  }
  EXPECT_EQ(ipv4, 11);
}

TEST(ReplayEngine, ClientOnlyReplayWithoutServerAttachmentSendsEverythingAtOnePoint) {
  NatTopology t;
  ReplayConfig config;
  config.client.at = "nat.eth0";
  auto engine = replay(t.net, std::make_unique<PcapSource>(kPcaps + "tcpdump-whois.pcap"), config);
  t.net.run();
  const ReplayResults results = engine->results();
  EXPECT_EQ(results.summary.sent, 11u);  // split none: tcpreplay's one interface
}

TEST(ReplayEngine, AttachmentErrorsNameTheField) {
  NatTopology t;
  auto source = [] { return std::make_unique<PcapSource>(kPcaps + "tcpdump-whois.pcap"); };
  EXPECT_THROW(ReplayEngine(t.net, source(), two_sided("nat.eth9", "nat.eth1")), core::ConfigError);
  EXPECT_THROW(ReplayEngine(t.net, source(), two_sided("nat", "nat.eth1")), core::ConfigError);
  EXPECT_THROW(ReplayEngine(t.net, source(), two_sided("nowhere", "nat.eth1")), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::replay
