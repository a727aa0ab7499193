// Instances: security-group tracking timeouts as AWS documents them, and the source/destination
// check (an appliance that routes must turn it off).
#include <gtest/gtest.h>

#include <array>

#include "classic_vpc.h"
#include "libnet/node/ping.h"
#include "libnet/node/udp_socket.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;
using testing::P;

TEST(Instance, TrackingTimeoutsAreAws) {
  const stack::ConnTrackTimeouts t = Instance::tracking_timeouts();
  EXPECT_EQ(t.tcp_established, 432000 * core::kSecond);
  EXPECT_EQ(t.udp_unreplied, 30 * core::kSecond);
  EXPECT_EQ(t.udp_stream, 180 * core::kSecond);
}

TEST(Instance, AReplyPassesOnlyWhileTheFlowIsTracked) {
  // db sends UDP to ext through the NAT gateway; db-sg allows no UDP in, so ext's answers pass only as
  // part of db's tracked flow: within 30 s of db's packet, not after.
  ClassicVpc c;
  node::UdpSocket& db_sock = c.db->add_application<node::UdpSocket>({41000});
  node::UdpSocket& ext_sock = c.ext->add_application<node::UdpSocket>({9000});
  const std::array<std::uint8_t, 2> hi{'h', 'i'};
  db_sock.send_to(A("203.0.113.10"), 9000, hi);
  c.net.run_for(core::kSecond);
  ASSERT_EQ(ext_sock.received().size(), 1u);
  const auto& first = ext_sock.received()[0];
  ext_sock.send_to(first.src, first.src_port, hi);
  c.net.run_for(core::kSecond);
  EXPECT_EQ(db_sock.received().size(), 1u);
  c.net.run_for(200 * core::kSecond);  // past both 30 s and 180 s: untracked at db (the NAT gateway keeps 350 s)
  ext_sock.send_to(first.src, first.src_port, hi);
  c.net.run_for(core::kSecond);
  EXPECT_EQ(db_sock.received().size(), 1u);
  EXPECT_EQ(c.net.trace().drop_count(c.db->id(), trace::DropReason::security_group_denied), 1u);
}

TEST(Instance, AnApplianceRoutesOnlyWithTheSourceDestCheckOff) {
  ClassicVpc c;
  Subnet& inspect = c.vpc.add_subnet("inspect", P("10.0.9.0/24"));
  c.vpc.default_security_group().add_ingress(testing::from_cidr(testing::traffic("all"), "10.0.0.0/16"));
  Instance& box = c.vpc.add_instance("box", inspect);
  box.set_ip_forward(true);
  c.public_routes.add_route(P("10.0.2.0/24"), {TargetKind::instance, "box"});  // web -> db via the box
  c.db_sg.add_ingress(testing::from_cidr(testing::traffic("icmp"), "10.0.0.0/16"));
  node::PingConfig to_db;
  to_db.destination = A("10.0.2.10");
  node::Ping& blocked = c.web->add_application<node::Ping>(to_db);
  c.net.run_for(2 * core::kSecond);
  EXPECT_TRUE(blocked.replies().empty());
  EXPECT_EQ(c.net.trace().drop_count(box.id(), trace::DropReason::source_dest_check), 1u);

  box.set_source_dest_check(false);
  node::Ping& passes = c.web->add_application<node::Ping>(to_db);
  c.net.run_for(2 * core::kSecond);
  EXPECT_EQ(passes.replies().size(), 1u);
  EXPECT_GE(box.ip_counters().forwarded, 1u);
}

}  // namespace
}  // namespace vpcsim::cloud
