// explain(): a real probe through the classic VPC, and the component that decides.
#include <gtest/gtest.h>

#include "classic_vpc.h"
#include "libnet/core/error.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;
using testing::P;

TEST(Explain, InternetToWebIsReachableThroughTheGatewayTranslation) {
  ClassicVpc c;
  const ExplainAnswer a = c.cloud.explain({"ext", "web", "tcp", 80});
  EXPECT_TRUE(a.reachable) << a.to_text();
  EXPECT_EQ(a.destination, "198.51.100.10");
  bool translated = false, sg = false, reply = false;
  for (const ExplainHop& h : a.hops) {
    translated = translated || (h.kind == ComponentKind::internet_gateway && h.action == "translated");
    sg = sg || (h.kind == ComponentKind::security_group && h.component == "web-sg" && h.action == "allowed");
    reply = reply || h.direction == "reply";
  }
  EXPECT_TRUE(translated && sg && reply) << a.to_text();
}

TEST(Explain, InternetToPrivateDbHasNoRoute) {
  ClassicVpc c;
  const ExplainAnswer a = c.cloud.explain({"ext", "db", "tcp", 5432});
  EXPECT_FALSE(a.reachable);
  EXPECT_EQ(a.code, ReasonCode::no_route_to_destination) << a.to_text();
  EXPECT_EQ(a.blocked_by, "internet");
  EXPECT_NE(a.suggestion.find("public address"), std::string::npos) << a.to_text();
}

TEST(Explain, SecurityGroupMismatchNamesTheGroupAndTheRuleToAdd) {
  ClassicVpc c;
  const ExplainAnswer a = c.cloud.explain({"db", "web", "tcp", 22});
  EXPECT_FALSE(a.reachable);
  EXPECT_EQ(a.code, ReasonCode::eni_sg_rules_mismatch) << a.to_text();
  EXPECT_EQ(a.blocked_kind, ComponentKind::security_group);
  EXPECT_EQ(a.blocked_by, "web-sg");
  EXPECT_NE(a.suggestion.find("tcp 22 from 10.0.2.10/32"), std::string::npos) << a.suggestion;
}

TEST(Explain, WebToDbIsAllowedByTheGroupReference) {
  ClassicVpc c;
  const ExplainAnswer a = c.cloud.explain({"web", "db", "tcp", 5432});
  EXPECT_TRUE(a.reachable) << a.to_text();
}

TEST(Explain, AnAclWithoutEphemeralPortsBlocksTheReply) {
  ClassicVpc c;
  NetworkAcl& acl = c.vpc.add_network_acl("acl-private");
  AclRule in;
  in.number = 100;
  in.traffic = testing::traffic("tcp", "5432");
  in.cidr = P("10.0.0.0/16");
  acl.add_rule(AclDirection::inbound, in);
  AclRule out = in;
  acl.add_rule(AclDirection::outbound, out);  // forgets the ephemeral ports: replies go to 1024-65535
  c.priv.set_network_acl(acl);
  const ExplainAnswer a = c.cloud.explain({"web", "db", "tcp", 5432});
  EXPECT_FALSE(a.reachable);
  EXPECT_EQ(a.code, ReasonCode::subnet_acl_restriction) << a.to_text();
  EXPECT_EQ(a.blocked_direction, "reply");
  EXPECT_EQ(a.blocked_by, "acl-private");
  EXPECT_NE(a.suggestion.find("1024-65535"), std::string::npos) << a.suggestion;
}

TEST(Explain, PrivateSubnetWithoutNatGatewayHasNoRouteOut) {
  ClassicVpc c;
  c.private_routes.remove_route(P("0.0.0.0/0"));
  const ExplainAnswer a = c.cloud.explain({"db", "ext", "icmp", 0});
  EXPECT_FALSE(a.reachable);
  EXPECT_EQ(a.code, ReasonCode::no_route_to_destination) << a.to_text();
  EXPECT_EQ(a.blocked_kind, ComponentKind::route_table);
  EXPECT_EQ(a.blocked_by, "private");
}

TEST(Explain, DeletedNatGatewayLeavesABlackholeRoute) {
  ClassicVpc c;
  c.vpc.delete_nat_gateway("nat-a");
  EXPECT_EQ(c.private_routes.state_of(c.private_routes.extra_routes()[0]), "blackhole");
  const ExplainAnswer a = c.cloud.explain({"db", "ext", "udp", 9000});
  EXPECT_EQ(a.code, ReasonCode::route_blackhole) << a.to_text();
}

TEST(Explain, NatGatewayRefusesInbound) {
  ClassicVpc c;
  const ExplainAnswer a = c.cloud.explain({"ext", "nat-a", "tcp", 22});
  EXPECT_EQ(a.code, ReasonCode::nat_gateway_no_inbound) << a.to_text();
  EXPECT_EQ(a.destination, "198.51.100.20");
}

TEST(Explain, InstanceWithoutPublicIpIsStoppedAtTheInternetGateway) {
  ClassicVpc c;
  c.vpc.add_instance("lonely", c.pub, {.security_groups = {"web-sg"}});
  const ExplainAnswer a = c.cloud.explain({"lonely", "ext", "icmp", 0});
  EXPECT_EQ(a.code, ReasonCode::igw_no_public_ip) << a.to_text();
}

TEST(Explain, SourceDestCheckStopsTrafficRoutedThroughAnInstance) {
  ClassicVpc c;
  Instance& appliance = c.vpc.add_instance("appliance", c.pub, {.security_groups = {"web-sg"}});
  c.private_routes.remove_route(P("0.0.0.0/0"));
  c.private_routes.add_route(P("0.0.0.0/0"), {TargetKind::instance, "appliance"});
  ExplainAnswer a = c.cloud.explain({"db", "ext", "icmp", 0});
  EXPECT_EQ(a.code, ReasonCode::eni_source_dest_check_restriction) << a.to_text();
  EXPECT_EQ(a.blocked_by, "appliance");
  (void)appliance;
}

TEST(Explain, BadQueriesNameTheField) {
  ClassicVpc c;
  EXPECT_THROW(c.cloud.explain({"nobody", "web", "tcp", 80}), core::ConfigError);
  EXPECT_THROW(c.cloud.explain({"ext", "web", "sctp", 80}), core::ConfigError);
  EXPECT_THROW(c.cloud.explain({"ext", "web", "tcp", 0}), core::ConfigError);
  EXPECT_THROW(c.cloud.explain({"ext", "nothing", "tcp", 80}), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::cloud
