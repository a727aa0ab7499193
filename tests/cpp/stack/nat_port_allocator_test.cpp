// Source port choice as Linux's get_unique_tuple: keep the port when free, otherwise a free port of the
// range (Linux's default ranges by port class), and nothing when every port is taken.
#include "libnet/stack/nat_port_allocator.h"

#include <gtest/gtest.h>

#include <set>

#include "libnet/core/simulation.h"

namespace vpcsim::stack {
namespace {

using wire::Ipv4Address;

const Ipv4Address kOutside = Ipv4Address::parse("203.0.113.1");
const Ipv4Address kServer = Ipv4Address::parse("198.51.100.5");

FlowTuple outgoing(std::uint16_t sport, std::uint8_t protocol = wire::kIpProtoUdp) {
  return FlowTuple{kOutside, kServer, sport, protocol == wire::kIpProtoIcmp ? sport : std::uint16_t{53}, protocol};
}

struct PortAllocatorTest : ::testing::Test {
  core::Simulation sim{1};
  ConnTrack ct{sim};
  void take(const FlowTuple& translated) {
    FlowTuple original = translated;
    original.src = Ipv4Address(static_cast<std::uint32_t>(ct.size() + 1));  // some inside host
    ct.insert(original, translated.inverse());
  }
};

TEST_F(PortAllocatorTest, KeepsTheSourcePortWhenFree) {
  const auto chosen = unique_source_tuple(ct, outgoing(5000), {}, sim.rng());
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->src_port, 5000);
}

TEST_F(PortAllocatorTest, SecondFlowWithTheSamePortGetsAnotherFromTheSameClass) {
  take(outgoing(5000));
  const auto chosen = unique_source_tuple(ct, outgoing(5000), {}, sim.rng());
  ASSERT_TRUE(chosen);
  EXPECT_NE(chosen->src_port, 5000);
  EXPECT_GE(chosen->src_port, 1024);
  take(outgoing(700));
  const auto privileged = unique_source_tuple(ct, outgoing(700), {}, sim.rng());
  EXPECT_GE(privileged->src_port, 600);
  EXPECT_LE(privileged->src_port, 1023);
  take(outgoing(100));
  const auto low = unique_source_tuple(ct, outgoing(100), {}, sim.rng());
  EXPECT_GE(low->src_port, 1);
  EXPECT_LE(low->src_port, 511);
}

TEST_F(PortAllocatorTest, AGivenRangeIsRespectedAndExhausted) {
  const PortRange range{2000, 2009};
  std::set<std::uint16_t> ports;
  for (int i = 0; i < 10; ++i) {
    const auto chosen = unique_source_tuple(ct, outgoing(5000), range, sim.rng());
    ASSERT_TRUE(chosen) << i;
    EXPECT_TRUE(range.contains(chosen->src_port));
    ports.insert(chosen->src_port);
    take(*chosen);
  }
  EXPECT_EQ(ports.size(), 10u);
  EXPECT_FALSE(unique_source_tuple(ct, outgoing(5000), range, sim.rng()));
  // Another destination is another tuple: the same ports are free again.
  FlowTuple elsewhere = outgoing(5000);
  elsewhere.dst = Ipv4Address::parse("198.51.100.6");
  EXPECT_TRUE(unique_source_tuple(ct, elsewhere, range, sim.rng()));
}

TEST_F(PortAllocatorTest, IcmpIdentifiersAreBothPorts) {
  take(outgoing(7, wire::kIpProtoIcmp));
  const auto chosen = unique_source_tuple(ct, outgoing(7, wire::kIpProtoIcmp), {}, sim.rng());
  ASSERT_TRUE(chosen);
  EXPECT_NE(chosen->src_port, 7);
  EXPECT_EQ(chosen->src_port, chosen->dst_port);
}

TEST_F(PortAllocatorTest, SameSeedSameChoice) {
  take(outgoing(5000));
  core::Simulation other{1};
  ConnTrack ct2{other};
  FlowTuple original = outgoing(5000);
  original.src = Ipv4Address(1);
  ct2.insert(original, outgoing(5000).inverse());
  EXPECT_EQ(unique_source_tuple(ct, outgoing(5000), {}, sim.rng())->src_port,
            unique_source_tuple(ct2, outgoing(5000), {}, other.rng())->src_port);
}

TEST_F(PortAllocatorTest, LinuxSearchIsBoundedSoANearlyFullRangeCanRefuse) {
  // 1000 ports, all taken but the last: Linux's search (at most 248 ports from random offsets) finds
  // it only when a window happens to cover it; asked many times, it does both.
  const PortRange range{2000, 2999};
  for (std::uint16_t port = 2000; port < 2999; ++port) {
    FlowTuple taken = outgoing(5000);
    taken.src_port = port;
    take(taken);
  }
  int found = 0, refused = 0;
  for (int i = 0; i < 200; ++i) {
    const auto chosen = unique_source_tuple(ct, outgoing(5000), range, sim.rng());
    if (chosen) {
      EXPECT_EQ(chosen->src_port, 2999);
      ++found;
    } else {
      ++refused;
    }
  }
  EXPECT_GT(found, 0);
  EXPECT_GT(refused, 0);
}

TEST_F(PortAllocatorTest, ACursorSearchesTheWholeRangeAndMovesOn) {
  const PortRange range{2000, 2999};
  for (std::uint16_t port = 2000; port < 2999; ++port) {
    FlowTuple taken = outgoing(5000);
    taken.src_port = port;
    take(taken);
  }
  std::uint32_t cursor = 0;
  const auto chosen = unique_source_tuple(ct, outgoing(5000), range, sim.rng(), &cursor);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->src_port, 2999);
  EXPECT_EQ(cursor, 0u);  // past the last port: back to the start
  take(*chosen);
  EXPECT_FALSE(unique_source_tuple(ct, outgoing(5000), range, sim.rng(), &cursor));
}

}  // namespace
}  // namespace vpcsim::stack
