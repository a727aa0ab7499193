// explain(): a real probe through the classic VPC, and the component that decides.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "classic_vpc.h"
#include "libnet/core/error.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;
using testing::P;

/// The hops of `a` that `kind` recorded on `direction`, as "component action (detail)".
std::vector<std::string> hops_of(const ExplainAnswer& a, ComponentKind kind, PathDirection direction) {
  std::vector<std::string> out;
  for (const ExplainHop& h : a.hops)
    if (h.kind == kind && h.direction == direction)
      out.push_back(h.component + " " + std::string(to_string(h.action)) + " (" + h.detail + ")");
  return out;
}

TEST(Explain, InternetToWebIsReachableThroughTheGatewayTranslation) {
  ClassicVpc c;
  const ExplainAnswer a = c.cloud.explain({"ext", "web", "tcp", 80});
  EXPECT_TRUE(a.reachable) << a.to_text();
  EXPECT_EQ(a.destination, "198.51.100.10");
  // The gateway translates the public destination to web's private address ...
  EXPECT_EQ(hops_of(a, ComponentKind::internet_gateway, PathDirection::request),
            std::vector<std::string>{"igw-main translated (destination 198.51.100.10 -> 10.0.1.10)"})
      << a.to_text();
  // ... web's group allows port 80 from anywhere ...
  EXPECT_EQ(hops_of(a, ComponentKind::security_group, PathDirection::request),
            std::vector<std::string>{"web-sg allowed (ingress rule: tcp 80 from 0.0.0.0/0)"})
      << a.to_text();
  // ... and the reply comes back, its source translated back to the public address.
  EXPECT_EQ(hops_of(a, ComponentKind::internet_gateway, PathDirection::reply),
            std::vector<std::string>{"igw-main translated (source 10.0.1.10 -> 198.51.100.10)"})
      << a.to_text();
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
  // db-sg allows 5432 from members of web-sg, not from an address range: the hop names the group.
  EXPECT_EQ(hops_of(a, ComponentKind::security_group, PathDirection::request),
            (std::vector<std::string>{"web-sg allowed (egress rule: all traffic to 0.0.0.0/0)",
                                      "db-sg allowed (ingress rule: tcp 5432 from sg web-sg)"}))
      << a.to_text();
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
  EXPECT_EQ(a.blocked_direction, PathDirection::reply);
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

// Reaching another instance's Elastic IP from inside the VPC: the internet gateway turns the packet
// around (its DNAT is for any packet to the public address, as `-d PUBLIC -j DNAT` is in the
// kernel model of tests/oracle), rewriting the destination (public -> private) and the source
// (10.0.1.30 -> its public address), so the target's group sees the public source. Both rewrites are
// hops, each way, and the packet crosses no internet router.
TEST(Explain, ElasticIpFromInsideShowsBothRewritesEachWay) {
  ClassicVpc c;
  c.web_sg.add_ingress(testing::from_cidr(testing::traffic("tcp", "8080"), "198.51.100.30/32"));
  c.vpc.add_instance("app", c.pub, {.ip = A("10.0.1.30"), .public_ip = A("198.51.100.30"), .security_groups = {"web-sg"}});
  const ExplainAnswer a = c.cloud.explain({"app", "198.51.100.10", "tcp", 8080});
  ASSERT_TRUE(a.reachable) << a.to_text();
  std::vector<std::string> igw;
  bool internet = false;
  for (const ExplainHop& h : a.hops) {
    if (h.kind == ComponentKind::internet_gateway)
      igw.push_back(std::string(to_string(h.direction)) + " " + std::string(to_string(h.action)) + " " + h.detail);
    internet = internet || h.kind == ComponentKind::internet;
  }
  EXPECT_EQ(igw, (std::vector<std::string>{
                     "request translated destination 198.51.100.10 -> 10.0.1.10",
                     "request translated source 10.0.1.30 -> 198.51.100.30",
                     "reply translated destination 198.51.100.30 -> 10.0.1.30",
                     "reply translated source 10.0.1.10 -> 198.51.100.10",
                 }))
      << a.to_text();
  EXPECT_FALSE(internet) << a.to_text();
  // The target's group allowed it for the public source: the rule that names 198.51.100.30 matched.
  bool allowed_public = false;
  for (const ExplainHop& h : a.hops)
    allowed_public = allowed_public || (h.direction == PathDirection::request && h.kind == ComponentKind::security_group &&
                                        h.detail == "ingress rule: tcp 8080 from 198.51.100.30/32");
  EXPECT_TRUE(allowed_public) << a.to_text();
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
