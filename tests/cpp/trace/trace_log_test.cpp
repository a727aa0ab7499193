#include "libnet/trace/trace_log.h"

#include <gtest/gtest.h>

namespace vpcsim::trace {
namespace {

TEST(TraceLog, NamesNodesAndInterfaces) {
  TraceLog log;
  auto r1 = log.register_node("r1");
  auto eth0 = log.register_interface(r1, "eth0");
  EXPECT_EQ(log.node_name(r1), "r1");
  EXPECT_EQ(log.interface_name(eth0), "r1.eth0");
  EXPECT_EQ(log.interface_node(eth0), r1);
  EXPECT_EQ(log.node_name(99), "?");
}

TEST(TraceLog, DropsAreAlwaysRecordedAndCounted) {
  TraceLog log;
  auto r1 = log.register_node("r1");
  log.set_record_packets(false);
  log.packet(1, TraceKind::forwarded, r1, kNoId, 5);
  log.drop(1'000'250'000, DropReason::no_route, r1, kNoId, 5, "no route to 203.0.113.9");
  ASSERT_EQ(log.events().size(), 1u);
  EXPECT_EQ(log.drop_count(r1, DropReason::no_route), 1u);
  EXPECT_EQ(log.drop_count(r1, DropReason::ttl_exceeded), 0u);
  EXPECT_EQ(log.to_string(log.events()[0]), "1.00025s r1 dropped no_route: no route to 203.0.113.9 (packet 5)");
  log.clear_events();
  EXPECT_EQ(log.drop_count(r1, DropReason::no_route), 1u);
  EXPECT_EQ(log.total_drops(), 1u);
}

TEST(TraceLog, PathOfFollowsOnePacket) {
  TraceLog log;
  auto h1 = log.register_node("h1");
  auto r1 = log.register_node("r1");
  log.packet(0, TraceKind::sent, h1, kNoId, 1);
  log.packet(1, TraceKind::sent, h1, kNoId, 2);
  log.packet(2, TraceKind::forwarded, r1, kNoId, 1);
  auto path = log.path_of(1);
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[1].node, r1);
}

}  // namespace
}  // namespace vpcsim::trace
