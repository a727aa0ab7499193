// Route tables as AWS has them: the undeletable local route, longest prefix, targets that must
// exist, routes more specific than local only for middleboxes, blackholes, associations.
#include <gtest/gtest.h>

#include "classic_vpc.h"
#include "libnet/core/error.h"
#include "libnet/cloud/vpc_router.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;
using testing::P;

TEST(RouteTable, LocalRouteIsImplicitAndCannotBeRemovedOrAdded) {
  ClassicVpc c;
  const auto routes = c.public_routes.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].to_string(), "10.0.0.0/16 -> local");
  EXPECT_THROW(c.public_routes.remove_route(P("10.0.0.0/16")), core::ConfigError);
  EXPECT_THROW(c.public_routes.add_route(P("10.0.0.0/16"), {TargetKind::internet_gateway, "igw-main"}), core::ConfigError);
  EXPECT_THROW(c.public_routes.add_route(P("10.1.0.0/16"), {TargetKind::local, ""}), core::ConfigError);
}

TEST(RouteTable, LongestPrefixWins) {
  ClassicVpc c;
  c.public_routes.add_route(P("203.0.113.0/24"), {TargetKind::nat_gateway, "nat-a"});
  EXPECT_EQ(c.public_routes.lookup(A("203.0.113.9"))->target.name, "nat-a");
  EXPECT_EQ(c.public_routes.lookup(A("8.8.8.8"))->target.name, "igw-main");
  EXPECT_EQ(c.public_routes.lookup(A("10.0.2.10"))->target.kind, TargetKind::local);
  // The compiled table the router forwards by agrees.
  const stack::Route* r = c.vpc.router().compiled(c.public_routes).lookup(A("203.0.113.9"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->gateway, c.nat.private_ip());
}

TEST(RouteTable, TargetsMustExist) {
  ClassicVpc c;
  EXPECT_THROW(c.public_routes.add_route(P("0.0.0.0/1"), {TargetKind::internet_gateway, "igw-other"}), core::ConfigError);
  EXPECT_THROW(c.public_routes.add_route(P("0.0.0.0/1"), {TargetKind::nat_gateway, "nat-z"}), core::ConfigError);
  EXPECT_THROW(c.public_routes.add_route(P("0.0.0.0/1"), {TargetKind::instance, "nobody"}), core::ConfigError);
  EXPECT_THROW(c.public_routes.add_route(P("0.0.0.0/1"), {TargetKind::peering_connection, "pcx-1"}), core::ConfigError);
  EXPECT_THROW(c.public_routes.add_route(P("0.0.0.0/0"), {TargetKind::nat_gateway, "nat-a"}), core::ConfigError);  // duplicate
}

TEST(RouteTable, MoreSpecificThanLocalOnlyForAWholeSubnetToAMiddlebox) {
  ClassicVpc c;
  // to a part of a subnet: refused
  EXPECT_THROW(c.public_routes.add_route(P("10.0.2.0/25"), {TargetKind::nat_gateway, "nat-a"}), core::ConfigError);
  // a whole subnet to an internet gateway: refused
  EXPECT_THROW(c.public_routes.add_route(P("10.0.2.0/24"), {TargetKind::internet_gateway, "igw-main"}), core::ConfigError);
  // a whole subnet to an instance (an inspection appliance): accepted
  EXPECT_NO_THROW(c.public_routes.add_route(P("10.0.2.0/24"), {TargetKind::instance, "web"}));
  const stack::Route* r = c.vpc.router().compiled(c.public_routes).lookup(A("10.0.2.10"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->gateway, A("10.0.1.10"));
}

TEST(RouteTable, SubnetsUseTheMainTableUnlessAssociated) {
  ClassicVpc c;
  Subnet& other = c.vpc.add_subnet("other", P("10.0.3.0/24"));
  EXPECT_TRUE(other.route_table().is_main());
  EXPECT_EQ(&c.pub.route_table(), &c.public_routes);
  node::Network other_net;
  Cloud& other_cloud = Cloud::attach(other_net);
  Vpc& elsewhere = other_cloud.add_vpc("elsewhere", P("10.9.0.0/16"));
  EXPECT_THROW(other.associate(elsewhere.main_route_table()), core::ConfigError);
}

TEST(RouteTable, RoutesToAGoneTargetBecomeBlackholes) {
  ClassicVpc c;
  EXPECT_EQ(c.private_routes.state_of(c.private_routes.extra_routes()[0]), "active");
  c.vpc.delete_nat_gateway("nat-a");
  EXPECT_EQ(c.private_routes.state_of(c.private_routes.extra_routes()[0]), "blackhole");
  const stack::Route* r = c.vpc.router().compiled(c.private_routes).lookup(A("8.8.8.8"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->type, stack::RouteType::blackhole);
}

}  // namespace
}  // namespace vpcsim::cloud
