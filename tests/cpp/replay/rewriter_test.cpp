// Rewriter: tcprewrite's address, port, endpoint and TTL rewrites on real bytes (the whois SYN),
// checksums verified after each; and the engine's timing in simulated time.
#include "libnet/replay/rewriter.h"

#include <gtest/gtest.h>

#include "libnet/core/error.h"
#include "libnet/io/pcap_reader.h"
#include "libnet/replay/pcap_source.h"
#include "libnet/replay/replay_engine.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "support/sample_pcaps.h"

namespace vpcsim::replay {
namespace {

std::vector<std::uint8_t> whois_syn() {
  io::PcapReader reader(testing::sample_pcap("tcpdump-whois.pcap"));
  return reader.next()->bytes;
}

std::span<std::uint8_t> ip_of(std::vector<std::uint8_t>& frame) {
  return std::span<std::uint8_t>(frame).subspan(wire::kEthernetHeaderLen);
}

/// The IPv4 header and TCP checksums both verify.
void expect_checksums_right(std::vector<std::uint8_t>& frame) {
  const auto ip = wire::Ipv4View::parse(std::span<const std::uint8_t>(ip_of(frame)));
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->verify_checksum());
  const auto tcp = wire::TcpView::parse(ip->payload());
  ASSERT_TRUE(tcp);
  EXPECT_EQ(wire::checksum_finish(wire::checksum_add(
                ip->payload(), wire::pseudo_header_sum(ip->src(), ip->dst(), wire::kIpProtoTcp,
                                                       static_cast<std::uint16_t>(ip->payload().size())))),
            0) << "TCP checksum";
}

TEST(Rewriter, FixesTheOffloadedChecksumThenMapsCidrAndPortKeepingChecksumsRight) {
  auto frame = whois_syn();
  RewriteConfig config;
  config.addresses.push_back({wire::Ipv4Prefix::parse("10.0.2.0/24"), wire::Ipv4Prefix::parse("192.168.7.0/24")});
  config.ports.push_back({43, 4343});
  config.ttl_decrement = 2;
  Rewriter rewriter(config);
  ASSERT_TRUE(rewriter.apply(ip_of(frame), Side::client));
  const auto ip = wire::Ipv4View::parse(std::span<const std::uint8_t>(ip_of(frame)));
  EXPECT_EQ(ip->src(), wire::Ipv4Address::parse("192.168.7.15"));  // host bits kept
  EXPECT_EQ(ip->dst(), wire::Ipv4Address::parse("192.0.47.59"));
  EXPECT_EQ(ip->ttl(), 62);
  EXPECT_EQ(wire::TcpView::parse(ip->payload())->dst_port(), 4343);
  expect_checksums_right(frame);
}

TEST(Rewriter, EndpointsMakeEveryPacketTwoAddressesBySide) {
  RewriteConfig config;
  config.client_endpoint = wire::Ipv4Address::parse("10.1.0.5");
  config.server_endpoint = wire::Ipv4Address::parse("10.2.0.9");
  config.ttl_set = 17;
  Rewriter rewriter(config);
  auto frame = whois_syn();
  ASSERT_TRUE(rewriter.apply(ip_of(frame), Side::server));
  const auto ip = wire::Ipv4View::parse(std::span<const std::uint8_t>(ip_of(frame)));
  EXPECT_EQ(ip->src(), wire::Ipv4Address::parse("10.2.0.9"));
  EXPECT_EQ(ip->dst(), wire::Ipv4Address::parse("10.1.0.5"));
  EXPECT_EQ(ip->ttl(), 17);
  expect_checksums_right(frame);
}

TEST(Rewriter, MtuRefusesLongerPacketsAndBadMapsAreConfigErrors) {
  RewriteConfig config;
  config.mtu = 59;  // the SYN is 60 bytes of IPv4
  auto frame = whois_syn();
  EXPECT_FALSE(Rewriter(config).apply(ip_of(frame), Side::client));
  config.mtu = 60;
  EXPECT_TRUE(Rewriter(config).apply(ip_of(frame), Side::client));
  RewriteConfig bad;
  bad.addresses.push_back({wire::Ipv4Prefix::parse("10.0.0.0/8"), wire::Ipv4Prefix::parse("192.168.0.0/16")});
  EXPECT_THROW(Rewriter{bad}, core::ConfigError);
  RewriteConfig half;
  half.client_endpoint = wire::Ipv4Address::parse("10.1.0.5");
  EXPECT_THROW(Rewriter{half}, core::ConfigError);
}

/// The simulated send times of the whois capture replayed with `timing` (one side, into a free
/// interface of a router that drops nothing we look at).
std::vector<core::Time> send_times(TimingConfig timing) {
  node::Network net(1);
  auto& r = net.add_router("r");
  r.add_interface("eth0", "10.0.2.2/24");
  ReplayConfig config;
  config.client.at = "r.eth0";
  config.timing = timing;
  auto engine = replay(net, std::make_unique<PcapSource>(testing::sample_pcap("tcpdump-whois.pcap")), config);
  net.run();
  std::vector<core::Time> times;
  for (const PacketFate& fate : engine->results().packets) times.push_back(fate.sent_at);
  return times;
}

TEST(ReplayTiming, OriginalSpeedPpsMbpsLoopLimitAndWindowAreExact) {
  TimingConfig original;
  auto times = send_times(original);
  ASSERT_EQ(times.size(), 11u);
  EXPECT_EQ(times[1], 116'805'000);  // the SYN-ACK, 0.116805 s after the SYN
  EXPECT_EQ(times[10], 303'065'000);

  TimingConfig fast;
  fast.speed = 2.0;
  EXPECT_EQ(send_times(fast)[10], 151'532'500);

  TimingConfig pps;
  pps.mode = TimingMode::pps;
  pps.rate = 100;
  EXPECT_EQ(send_times(pps)[10], 100'000'000);

  TimingConfig mbps;
  mbps.mode = TimingMode::mbps;
  mbps.rate = 8;  // 1 byte per microsecond: packet 1 goes after the SYN's 74 bytes
  EXPECT_EQ(send_times(mbps)[1], 74'000);

  TimingConfig loop;
  loop.loop = 2;
  loop.limit = 15;
  times = send_times(loop);
  ASSERT_EQ(times.size(), 15u);
  EXPECT_EQ(times[11], 303'065'000 + core::kMicrosecond);  // the second pass starts 1 us after the first ends
  EXPECT_EQ(times[14], times[11] + (117'502'000 - 0));

  TimingConfig window;
  window.window_start = 117 * core::kMillisecond;
  window.window_end = 240 * core::kMillisecond;
  times = send_times(window);
  ASSERT_EQ(times.size(), 6u);  // records 2 to 7: 0.117039 .. 0.238548 s, sent at their own offsets
  EXPECT_EQ(times[0], 117'039'000);
}

}  // namespace
}  // namespace vpcsim::replay
