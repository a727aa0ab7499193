// VPC peering: no overlapping blocks, routes on both sides, and no transit through a peer.
#include <gtest/gtest.h>

#include "classic_vpc.h"
#include "libnet/core/error.h"
#include "libnet/node/ping.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::P;

/// a <-> b <-> c, with a and c not peered; every instance allows ICMP from anywhere.
struct ThreeVpcs {
  node::Network net{1};
  Cloud& cloud = Cloud::attach(net);
  Vpc& a = cloud.add_vpc("a", P("10.1.0.0/16"));
  Vpc& b = cloud.add_vpc("b", P("10.2.0.0/16"));
  Vpc& c = cloud.add_vpc("c", P("10.3.0.0/16"));
  Instance* ha = nullptr;
  Instance* hb = nullptr;
  Instance* hc = nullptr;

  Instance& instance(Vpc& vpc, const std::string& name) {
    // x.y.1.0/24 of the VPC's block
    Subnet& s = vpc.add_subnet(vpc.name() + "-subnet", wire::Ipv4Prefix(wire::Ipv4Address(vpc.cidr().network().to_u32() + 256), 24));
    vpc.default_security_group().add_ingress(testing::from_cidr(testing::traffic("icmp"), "0.0.0.0/0"));
    return vpc.add_instance(name, s);
  }

  ThreeVpcs() {
    ha = &instance(a, "ha");
    hb = &instance(b, "hb");
    hc = &instance(c, "hc");
    cloud.add_peering("pcx-ab", a, b);
    cloud.add_peering("pcx-bc", b, c);
  }

  std::size_t ping(Instance& from, Instance& to) {
    node::PingConfig config;
    config.destination = to.private_ip();
    node::Ping& p = from.add_application<node::Ping>(config);
    net.run_for(2 * core::kSecond);
    return p.replies().size();
  }
};

TEST(Peering, NeedsRoutesOnBothSides) {
  ThreeVpcs t;
  EXPECT_EQ(t.ping(*t.ha, *t.hb), 0u);  // no routes yet
  t.a.main_route_table().add_route(P("10.2.0.0/16"), {TargetKind::peering_connection, "pcx-ab"});
  EXPECT_EQ(t.ping(*t.ha, *t.hb), 0u);  // the reply has no way back
  t.b.main_route_table().add_route(P("10.1.0.0/16"), {TargetKind::peering_connection, "pcx-ab"});
  EXPECT_EQ(t.ping(*t.ha, *t.hb), 1u);
}

TEST(Peering, IsNotTransitive) {
  ThreeVpcs t;
  t.a.main_route_table().add_route(P("10.2.0.0/16"), {TargetKind::peering_connection, "pcx-ab"});
  t.a.main_route_table().add_route(P("10.3.0.0/16"), {TargetKind::peering_connection, "pcx-ab"});  // a hopes b forwards
  t.b.main_route_table().add_route(P("10.1.0.0/16"), {TargetKind::peering_connection, "pcx-ab"});
  t.b.main_route_table().add_route(P("10.3.0.0/16"), {TargetKind::peering_connection, "pcx-bc"});
  t.c.main_route_table().add_route(P("10.2.0.0/16"), {TargetKind::peering_connection, "pcx-bc"});
  t.c.main_route_table().add_route(P("10.1.0.0/16"), {TargetKind::peering_connection, "pcx-bc"});
  EXPECT_EQ(t.ping(*t.hb, *t.hc), 1u);
  EXPECT_EQ(t.ping(*t.ha, *t.hc), 0u);
  const ExplainAnswer answer = t.cloud.explain({"ha", "hc", "icmp", 0});
  EXPECT_EQ(answer.code, ReasonCode::pcx_requires_address_in_vpc_cidr) << answer.to_text();
  EXPECT_EQ(answer.blocked_by, "pcx-ab");
  EXPECT_NE(answer.reason.find("not transitive"), std::string::npos) << answer.to_text();
}

TEST(Peering, RefusesOverlapsSelfAndDuplicates) {
  ThreeVpcs t;
  Vpc& overlapping = t.cloud.add_vpc("d", P("10.1.0.0/20"));
  EXPECT_THROW(t.cloud.add_peering("pcx-ad", t.a, overlapping), core::ConfigError);
  EXPECT_THROW(t.cloud.add_peering("pcx-aa", t.a, t.a), core::ConfigError);
  EXPECT_THROW(t.cloud.add_peering("pcx-ab2", t.b, t.a), core::ConfigError);
  EXPECT_THROW(t.a.main_route_table().add_route(P("10.3.0.0/16"), {TargetKind::peering_connection, "pcx-bc"}),
               core::ConfigError);  // pcx-bc does not join a
}

}  // namespace
}  // namespace vpcsim::cloud
