// ConnTrack against Linux's nf_conntrack: lookup from either direction, per-protocol timeouts (UDP
// unreplied/stream, ICMP, TCP per state), TCP state transitions, expiry as an event, and an index
// that survives heavy churn.
#include "libnet/stack/conntrack.h"

#include <gtest/gtest.h>

#include <vector>

#include "libnet/core/simulation.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::stack {
namespace {

using core::kSecond;
using wire::Ipv4Address;

FlowTuple udp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport) {
  return FlowTuple{Ipv4Address(src), Ipv4Address(dst), sport, dport, wire::kIpProtoUdp};
}
FlowTuple tcp(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport) {
  return FlowTuple{Ipv4Address(src), Ipv4Address(dst), sport, dport, wire::kIpProtoTcp};
}

struct ConnTrackTest : ::testing::Test {
  core::Simulation sim{1};
  ConnTrack ct{sim};
  /// Runs the simulation to `at` (absolute) so timers fire.
  void run_to(core::Time at) { sim.run_until(at); }
};

TEST_F(ConnTrackTest, FindsAnEntryFromEitherDirection) {
  const FlowTuple out = udp(10, 5000, 99, 53);
  const FlowTuple reply = udp(99, 53, 77, 5000);  // translated to 77
  const auto e = ct.insert(out, reply);
  ASSERT_TRUE(ct.find(out));
  EXPECT_EQ(ct.find(out)->entry, e);
  EXPECT_EQ(ct.find(out)->direction, FlowDirection::original);
  EXPECT_EQ(ct.find(reply)->direction, FlowDirection::reply);
  EXPECT_FALSE(ct.find(out.inverse()));  // the untranslated reply does not exist
  EXPECT_TRUE(ct.entry(e).source_translated());
  EXPECT_FALSE(ct.entry(e).destination_translated());
  EXPECT_EQ(ct.size(), 1u);
}

TEST_F(ConnTrackTest, UdpUnrepliedExpiresAfter30Seconds) {
  ct.insert(udp(1, 1, 2, 2), udp(2, 2, 1, 1));
  run_to(30 * kSecond - 1);
  EXPECT_EQ(ct.size(), 1u);
  run_to(30 * kSecond);
  EXPECT_EQ(ct.size(), 0u);
  EXPECT_EQ(ct.expired_count(), 1u);
}

TEST_F(ConnTrackTest, UdpReplyWithinTwoSecondsKeeps30SecondsThenAStreamGets120) {
  const auto e = ct.insert(udp(1, 1, 2, 2), udp(2, 2, 1, 1));
  run_to(1 * kSecond);
  ct.update(e, FlowDirection::reply);
  EXPECT_EQ(ct.entry(e).state(), ConnState::established);
  EXPECT_EQ(ct.entry(e).expires, 31 * kSecond);
  EXPECT_FALSE(ct.entry(e).assured);
  run_to(3 * kSecond);
  ct.update(e, FlowDirection::original);
  EXPECT_TRUE(ct.entry(e).assured);
  EXPECT_EQ(ct.entry(e).expires, 123 * kSecond);
  run_to(122 * kSecond);
  EXPECT_EQ(ct.size(), 1u);  // the first timer (31 s) fired early and re-armed
  run_to(123 * kSecond);
  EXPECT_EQ(ct.size(), 0u);
}

TEST_F(ConnTrackTest, IcmpEchoExpiresAfter30Seconds) {
  const FlowTuple ping{Ipv4Address(1), Ipv4Address(2), 7, 7, wire::kIpProtoIcmp};
  ct.insert(ping, ping.inverse());
  EXPECT_EQ(ct.entry(0).expires, 30 * kSecond);
}

TEST_F(ConnTrackTest, TcpFollowsLinuxStatesThroughHandshakeAndClose) {
  const FlowTuple c = tcp(1, 40000, 2, 80);
  const auto e = ct.insert(c, c.inverse(), wire::kTcpSyn);
  auto state = [&] { return ct.entry(e).tcp; };
  EXPECT_EQ(state(), TcpTrackState::syn_sent);
  EXPECT_EQ(ct.entry(e).expires, 120 * kSecond);
  ct.update(e, FlowDirection::reply, wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(state(), TcpTrackState::syn_recv);
  EXPECT_EQ(ct.entry(e).state(), ConnState::new_flow);
  ct.update(e, FlowDirection::original, wire::kTcpAck);
  EXPECT_EQ(state(), TcpTrackState::established);
  EXPECT_EQ(ct.entry(e).state(), ConnState::established);
  EXPECT_EQ(ct.entry(e).expires, 5 * 24 * 3600 * kSecond);
  ct.update(e, FlowDirection::reply, wire::kTcpFin | wire::kTcpAck);
  EXPECT_EQ(state(), TcpTrackState::fin_wait);
  EXPECT_EQ(ct.entry(e).state(), ConnState::closing);
  ct.update(e, FlowDirection::original, wire::kTcpAck);
  EXPECT_EQ(state(), TcpTrackState::close_wait);
  EXPECT_EQ(ct.entry(e).expires, 60 * kSecond);
  ct.update(e, FlowDirection::original, wire::kTcpFin | wire::kTcpAck);
  EXPECT_EQ(state(), TcpTrackState::last_ack);
  ct.update(e, FlowDirection::reply, wire::kTcpAck);
  EXPECT_EQ(state(), TcpTrackState::time_wait);
  EXPECT_EQ(ct.entry(e).expires, 120 * kSecond);
  run_to(120 * kSecond);
  EXPECT_EQ(ct.size(), 0u);  // the 5-day timer was replaced by an earlier one
}

TEST_F(ConnTrackTest, TcpResetClosesWithTenSeconds) {
  const FlowTuple c = tcp(1, 40000, 2, 81);
  const auto e = ct.insert(c, c.inverse(), wire::kTcpSyn);
  ct.update(e, FlowDirection::reply, wire::kTcpRst | wire::kTcpAck);
  EXPECT_EQ(ct.entry(e).tcp, TcpTrackState::close);
  run_to(10 * kSecond);
  EXPECT_EQ(ct.size(), 0u);
}

TEST_F(ConnTrackTest, InvalidTcpPacketsDoNotRefreshTheTimeout) {
  const FlowTuple c = tcp(1, 40000, 2, 82);
  const auto e = ct.insert(c, c.inverse(), wire::kTcpSyn);
  run_to(100 * kSecond);
  ct.update(e, FlowDirection::reply, wire::kTcpAck);  // a bare ACK answering a SYN: ignored
  EXPECT_EQ(ct.entry(e).tcp, TcpTrackState::syn_sent);
  EXPECT_EQ(ct.entry(e).expires, 120 * kSecond);
}

TEST_F(ConnTrackTest, ConfiguredTimeoutsApply) {
  ConnTrackTimeouts t;
  t.udp_unreplied = 5 * kSecond;
  ct.set_timeouts(t);
  ct.insert(udp(1, 1, 2, 2), udp(2, 2, 1, 1));
  run_to(5 * kSecond);
  EXPECT_EQ(ct.size(), 0u);
}

TEST_F(ConnTrackTest, RemovedEntriesFreeTheirTuplesAndStaleTimersDoNothing) {
  const auto a = ct.insert(udp(1, 1, 2, 2), udp(2, 2, 1, 1));
  ct.remove(a);
  EXPECT_FALSE(ct.in_use(udp(1, 1, 2, 2)));
  run_to(1 * kSecond);
  const auto b = ct.insert(udp(3, 3, 4, 4), udp(4, 4, 3, 3));  // reuses the slot
  EXPECT_EQ(a, b);
  run_to(30 * kSecond);  // a's old timer fires first at 30 s, b's at 31 s
  EXPECT_EQ(ct.size(), 1u);
  run_to(31 * kSecond);
  EXPECT_EQ(ct.size(), 0u);
}

TEST_F(ConnTrackTest, IndexSurvivesChurnOfManyFlows) {
  std::vector<std::uint32_t> live;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    live.push_back(ct.insert(udp(i, 1000, 7, 53), udp(7, 53, 1, static_cast<std::uint16_t>(i % 60000 + 1024))));
    if (i % 3 == 2) {  // remove one from the middle
      ct.remove(live[i / 2]);
    }
  }
  std::size_t found = 0;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    const auto m = ct.find(udp(i, 1000, 7, 53));
    if (m) {
      ++found;
      EXPECT_EQ(ct.entry(m->entry).original, udp(i, 1000, 7, 53));
    }
  }
  EXPECT_EQ(found, ct.size());
  EXPECT_GT(ct.memory_bytes(), ct.size() * sizeof(ConnEntry));
}

TEST_F(ConnTrackTest, LiveEntriesAreOldestFirst) {
  ct.insert(udp(1, 1, 2, 2), udp(2, 2, 1, 1));
  run_to(1 * kSecond);
  const auto b = ct.insert(udp(3, 3, 4, 4), udp(4, 4, 3, 3));
  ct.remove(0);
  run_to(2 * kSecond);
  const auto c = ct.insert(udp(5, 5, 6, 6), udp(6, 6, 5, 5));  // takes slot 0
  EXPECT_EQ(ct.live_entries(), (std::vector<std::uint32_t>{b, c}));
}

}  // namespace
}  // namespace vpcsim::stack
