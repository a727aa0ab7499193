// Every sample capture (MANIFEST.tsv, found by support/sample_pcaps.h) through PcapSource and the
// engine: each replays its documented number of packets, or is refused with libpcap's reason; none
// crashes or hangs. Cooked and raw-IP captures get an Ethernet header.
#include "libnet/replay/pcap_source.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libnet/core/error.h"
#include "libnet/replay/replay_engine.h"
#include "libnet/wire/cooked_link.h"
#include "libnet/wire/ethernet.h"
#include "support/sample_pcaps.h"

namespace vpcsim::replay {
namespace {

// What libpcap refuses outright, and why (the README's notes for test writers).
const std::map<std::string, std::string> kRefused = {
    {"libpcap-pcap-invalid-version-1.pcap", "archaic pcap savefile format"},
    {"libpcap-shb-option-too-long.pcapng", "block total length"},
};

TEST(PcapSource, EveryManifestCaptureReplaysItsPacketsOrIsRefused) {
  VPCSIM_REQUIRE_SAMPLE_PCAPS();
  const auto entries = testing::sample_manifest();
  ASSERT_GE(entries.size(), 29u);
  for (const testing::ManifestEntry& entry : entries) {
    SCOPED_TRACE(entry.file);
    const std::string& path = entry.path;
    if (auto refused = kRefused.find(entry.file); refused != kRefused.end()) {
      try {
        PcapSource source(path);
        ADD_FAILURE() << "expected a refusal";
      } catch (const core::ConfigError& error) {
        EXPECT_THAT(error.what(), ::testing::HasSubstr(refused->second));
      }
      continue;
    }
    node::Network net(1);
    net.add_switch("lan");
    ReplayConfig config;
    config.client.at = "lan";
    config.verbatim = true;  // every frame goes out as it is, ARP included
    auto engine = replay(net, std::make_unique<PcapSource>(path), config);
    net.run();
    const ReplayResults results = engine->results();
    EXPECT_EQ(results.summary.packets, entry.packets);
    EXPECT_EQ(results.summary.sent, entry.packets);
    EXPECT_EQ(results.summary.malformed, 0u);
    const bool cut_short = entry.file.rfind("joincap-", 0) == 0;
    EXPECT_EQ(results.summary.stopped_early, cut_short);
    if (cut_short) {
      ASSERT_FALSE(results.errors.empty());
      EXPECT_EQ(results.errors[0].file, path);
      EXPECT_GT(results.errors[0].offset, 0u);
    }
  }
}

TEST(PcapSource, CutShortFileSaysWhereReadingStopped) {
  PcapSource source(testing::sample_pcap("joincap-unexpected_eof_on_second_packet.pcap"));
  ReplayPacket packet;
  ASSERT_TRUE(source.next(packet));
  EXPECT_EQ(packet.offset, 24u);  // right after the file header
  EXPECT_FALSE(source.next(packet));
  ASSERT_EQ(source.errors().errors.size(), 1u);
  EXPECT_EQ(source.errors().errors[0].record, 1u);
  EXPECT_EQ(source.errors().errors[0].offset, 24u + 16u + packet.bytes.size());
  EXPECT_THAT(source.errors().errors[0].reason, ::testing::HasSubstr("truncated"));
}

TEST(PcapSource, CookedAndRawCapturesGetTheDocumentedEthernetHeader) {
  PcapSource sll(testing::sample_pcap("zeek-linuxsll-arp.pcap"));
  ReplayPacket packet;
  ASSERT_TRUE(sll.next(packet));
  auto eth = wire::EthernetView::parse(packet.bytes);
  ASSERT_TRUE(eth);
  EXPECT_EQ(eth->ethertype(), wire::kEthertypeArp);
  EXPECT_EQ(sll.errors().adapted, 1u);

  PcapSource raw(testing::sample_pcap("tcpdump-LINKTYPE_RAW_ipv4.pcap"));
  ASSERT_TRUE(raw.next(packet));
  eth = wire::EthernetView::parse(packet.bytes);
  ASSERT_TRUE(eth);
  EXPECT_EQ(eth->ethertype(), wire::kEthertypeIpv4);
  EXPECT_EQ(eth->src(), wire::kAdaptedSourceMac);
  EXPECT_EQ(eth->dst(), wire::kAdaptedDestinationMac);
}

TEST(PcapSource, AdapterRefusesWhatIsNotAFrame) {
  std::vector<std::uint8_t> out;
  const std::vector<std::uint8_t> short_sll(10, 0);
  EXPECT_EQ(wire::adapt_to_ethernet(wire::kLinkTypeLinuxSll, short_sll, out), wire::WireError::truncated);
  const std::vector<std::uint8_t> ipv6 = {0x60, 0, 0, 0};
  EXPECT_EQ(wire::adapt_to_ethernet(wire::kLinkTypeRaw, ipv6, out), wire::WireError::unsupported);
  std::vector<std::uint8_t> llc(wire::kLinuxSllHeaderLen, 0);
  llc[15] = 0x04;  // protocol 0x0004: 802.2, not an EtherType
  EXPECT_EQ(wire::adapt_to_ethernet(wire::kLinkTypeLinuxSll, llc, out), wire::WireError::unsupported);
}

}  // namespace
}  // namespace vpcsim::replay
