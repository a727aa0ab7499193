#include "libnet/cloud/security_group.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "libnet/core/error.h"
#include "rule_builders.h"
#include "summaries.h"

namespace vpcsim::cloud {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using summaries::icmp;
using summaries::other;
using summaries::tcp;
using summaries::udp;
using wire::Ipv4Address;
using wire::Ipv4Prefix;

using testing::error_of;
using testing::from_cidr;
using testing::from_group;
using testing::traffic;

TEST(SecurityGroup, NewGroupHasNoIngressAndAllowsAllEgress) {
  const SecurityGroup web("web-sg", "main");
  EXPECT_TRUE(web.ingress().empty());
  ASSERT_EQ(web.egress().size(), 1u);
  EXPECT_EQ(web.egress()[0].to_string(Direction::egress), "all traffic to 0.0.0.0/0");

  EXPECT_EQ(web.match(Direction::ingress, tcp("203.0.113.5", 40000, "10.0.1.10", 443)), nullptr);
  EXPECT_EQ(web.match(Direction::egress, tcp("10.0.1.10", 40000, "203.0.113.5", 443)), &web.egress()[0]);
  EXPECT_NE(web.match(Direction::egress, udp("10.0.1.10", 40000, "10.0.0.2", 53)), nullptr);
  EXPECT_NE(web.match(Direction::egress, icmp("10.0.1.10", "8.8.8.8", 8)), nullptr);
  EXPECT_NE(web.match(Direction::egress, other(47, "10.0.1.10", "10.0.2.10")), nullptr);
}

TEST(SecurityGroup, ClearedEgressAllowsNothingOut) {
  SecurityGroup locked("locked-sg", "main");
  locked.clear_egress();
  EXPECT_EQ(locked.match(Direction::egress, tcp("10.0.1.10", 40000, "203.0.113.5", 443)), nullptr);
}

TEST(SecurityGroup, DefaultGroupAllowsIngressFromItsMembersOnly) {
  SecurityGroup group = SecurityGroup::make_default("default", "main");
  group.add_member(Ipv4Address::parse("10.0.1.10"));
  group.add_member(Ipv4Address::parse("10.0.2.20"));
  ASSERT_EQ(group.ingress().size(), 1u);
  EXPECT_EQ(group.ingress()[0].group, &group);
  EXPECT_EQ(group.ingress()[0].to_string(Direction::ingress), "all traffic from sg default");

  EXPECT_NE(group.match(Direction::ingress, tcp("10.0.2.20", 40000, "10.0.1.10", 22)), nullptr);
  EXPECT_NE(group.match(Direction::ingress, icmp("10.0.2.20", "10.0.1.10", 8)), nullptr);
  EXPECT_EQ(group.match(Direction::ingress, tcp("10.0.3.30", 40000, "10.0.1.10", 22)), nullptr);
  EXPECT_NE(group.match(Direction::egress, tcp("10.0.1.10", 40000, "203.0.113.5", 443)), nullptr);
}

TEST(SecurityGroup, CopiesAndMovesKeepTheSelfReferenceOnTheNewObject) {
  SecurityGroup original = SecurityGroup::make_default("default", "main");
  original.add_member(Ipv4Address::parse("10.0.1.10"));

  SecurityGroup copy = original;
  EXPECT_EQ(copy.ingress()[0].group, &copy);
  EXPECT_EQ(original.ingress()[0].group, &original);
  copy.add_member(Ipv4Address::parse("10.0.9.9"));  // a member of the copy only
  EXPECT_NE(copy.match(Direction::ingress, tcp("10.0.9.9", 1, "10.0.1.10", 2)), nullptr);
  EXPECT_EQ(original.match(Direction::ingress, tcp("10.0.9.9", 1, "10.0.1.10", 2)), nullptr);

  std::vector<SecurityGroup> groups;
  groups.push_back(std::move(copy));
  groups.emplace_back("other-sg", "main");  // may reallocate and move groups[0]
  EXPECT_EQ(groups[0].ingress()[0].group, &groups[0]);

  SecurityGroup assigned("x", "main");
  assigned = original;
  EXPECT_EQ(assigned.ingress()[0].group, &assigned);
  assigned = std::move(groups[0]);
  EXPECT_EQ(assigned.ingress()[0].group, &assigned);
  EXPECT_TRUE(assigned.has_member(Ipv4Address::parse("10.0.9.9")));
}

TEST(SecurityGroup, IngressPeerIsTheSourceAndPortsTheDestinationPort) {
  SecurityGroup bastion("bastion-sg", "main");
  bastion.add_ingress(from_cidr(traffic("tcp", "22"), "203.0.113.0/24"));

  EXPECT_NE(bastion.match(Direction::ingress, tcp("203.0.113.5", 40000, "10.0.0.10", 22)), nullptr);
  EXPECT_EQ(bastion.match(Direction::ingress, tcp("198.51.100.5", 40000, "10.0.0.10", 22)), nullptr);
  // The destination in the CIDR does not count: the peer of an ingress rule is the source.
  EXPECT_EQ(bastion.match(Direction::ingress, tcp("198.51.100.5", 40000, "203.0.113.9", 22)), nullptr);
  // A source port of 22 does not count: the rule's port is the destination port.
  EXPECT_EQ(bastion.match(Direction::ingress, tcp("203.0.113.5", 22, "10.0.0.10", 40000)), nullptr);
}

TEST(SecurityGroup, EgressPeerIsTheDestination) {
  SecurityGroup app("app-sg", "main");
  app.clear_egress();
  app.add_egress(from_cidr(traffic("tcp", "5432"), "10.0.2.0/24"));
  EXPECT_EQ(app.egress()[0].to_string(Direction::egress), "tcp 5432 to 10.0.2.0/24");

  EXPECT_NE(app.match(Direction::egress, tcp("10.0.1.10", 40000, "10.0.2.10", 5432)), nullptr);
  EXPECT_EQ(app.match(Direction::egress, tcp("10.0.1.10", 40000, "10.0.3.10", 5432)), nullptr);
  EXPECT_EQ(app.match(Direction::egress, tcp("10.0.2.10", 40000, "10.0.1.10", 5432)), nullptr);
  EXPECT_EQ(app.match(Direction::egress, tcp("10.0.1.10", 5432, "10.0.2.10", 40000)), nullptr);
}

TEST(SecurityGroup, AnyRuleOfTheGroupAllows) {
  SecurityGroup web("web-sg", "main");
  web.add_ingress(from_cidr(traffic("tcp", "80"), "0.0.0.0/0"));
  web.add_ingress(from_cidr(traffic("tcp", "443"), "0.0.0.0/0"));
  web.add_ingress(from_cidr(traffic("tcp", "22"), "10.0.0.0/16"));

  EXPECT_EQ(web.match(Direction::ingress, tcp("203.0.113.5", 40000, "10.0.1.10", 443)), &web.ingress()[1]);
  EXPECT_EQ(web.match(Direction::ingress, tcp("10.0.5.5", 40000, "10.0.1.10", 22)), &web.ingress()[2]);
  EXPECT_EQ(web.match(Direction::ingress, tcp("203.0.113.5", 40000, "10.0.1.10", 22)), nullptr);
  EXPECT_EQ(web.match(Direction::ingress, udp("203.0.113.5", 40000, "10.0.1.10", 443)), nullptr);
}

TEST(SecurityGroup, UnionOfAllGroupsOnAnInterface) {
  SecurityGroup web("web-sg", "main");
  web.add_ingress(from_cidr(traffic("tcp", "443"), "0.0.0.0/0"));
  SecurityGroup ssh("ssh-sg", "main");
  ssh.add_ingress(from_cidr(traffic("tcp", "22"), "10.0.0.0/16"));
  const std::array<const SecurityGroup*, 2> groups{&web, &ssh};

  const auto https = match_any(groups, Direction::ingress, tcp("203.0.113.5", 40000, "10.0.1.10", 443));
  ASSERT_TRUE(https);
  EXPECT_EQ(https.group, &web);
  const auto admin = match_any(groups, Direction::ingress, tcp("10.0.7.7", 40000, "10.0.1.10", 22));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin.group, &ssh);
  EXPECT_EQ(admin.rule, &ssh.ingress()[0]);
  EXPECT_FALSE(match_any(groups, Direction::ingress, tcp("203.0.113.5", 40000, "10.0.1.10", 22)));
  EXPECT_FALSE(match_any(groups, Direction::ingress, tcp("10.0.7.7", 40000, "10.0.1.10", 3306)));
  EXPECT_FALSE(match_any({}, Direction::egress, tcp("10.0.1.10", 40000, "10.0.7.7", 443)));
}

TEST(SecurityGroup, GroupPeerMatchesTheGroupsCurrentMembers) {
  SecurityGroup app("app-sg", "main");
  SecurityGroup db("db-sg", "main");
  db.add_ingress(from_group(traffic("tcp", "5432"), app));
  EXPECT_EQ(db.ingress()[0].to_string(Direction::ingress), "tcp 5432 from sg app-sg");
  const auto query = tcp("10.0.1.10", 40000, "10.0.2.10", 5432);

  EXPECT_EQ(db.match(Direction::ingress, query), nullptr);
  app.add_member(Ipv4Address::parse("10.0.1.10"));
  EXPECT_EQ(db.match(Direction::ingress, query), &db.ingress()[0]);
  EXPECT_EQ(db.match(Direction::ingress, tcp("10.0.1.11", 40000, "10.0.2.10", 5432)), nullptr);
  EXPECT_EQ(db.match(Direction::ingress, tcp("10.0.1.10", 40000, "10.0.2.10", 22)), nullptr);
  app.remove_member(Ipv4Address::parse("10.0.1.10"));
  EXPECT_EQ(db.match(Direction::ingress, query), nullptr);
}

TEST(SecurityGroup, MembersAreSortedAndUnique) {
  SecurityGroup g("g", "main");
  g.add_member(Ipv4Address::parse("10.0.2.1"));
  g.add_member(Ipv4Address::parse("10.0.1.9"));
  g.add_member(Ipv4Address::parse("10.0.2.1"));
  g.add_member(Ipv4Address::parse("10.0.1.10"));
  EXPECT_THAT(g.members(), ElementsAre(Ipv4Address::parse("10.0.1.9"), Ipv4Address::parse("10.0.1.10"),
                                       Ipv4Address::parse("10.0.2.1")));
  g.remove_member(Ipv4Address::parse("10.0.3.3"));  // not a member: nothing happens
  g.remove_member(Ipv4Address::parse("10.0.1.10"));
  EXPECT_FALSE(g.has_member(Ipv4Address::parse("10.0.1.10")));
  EXPECT_TRUE(g.has_member(Ipv4Address::parse("10.0.1.9")));
}

TEST(SecurityGroup, IcmpRulesMatchTypeAndCode) {
  SecurityGroup pingable("ping-sg", "main");
  pingable.add_ingress(SgRule{.traffic = {RuleProtocol{1}, RulePorts{8, -1}}, .cidr = Ipv4Prefix::parse("0.0.0.0/0")});
  pingable.add_ingress(SgRule{.traffic = {RuleProtocol{1}, RulePorts{3, 4}}, .cidr = Ipv4Prefix::parse("0.0.0.0/0")});
  EXPECT_EQ(pingable.ingress()[1].to_string(Direction::ingress), "icmp type 3 code 4 from 0.0.0.0/0");

  EXPECT_NE(pingable.match(Direction::ingress, icmp("203.0.113.5", "10.0.1.10", 8)), nullptr);
  EXPECT_NE(pingable.match(Direction::ingress, icmp("203.0.113.5", "10.0.1.10", 3, 4)), nullptr);
  EXPECT_EQ(pingable.match(Direction::ingress, icmp("203.0.113.5", "10.0.1.10", 3, 1)), nullptr);
  EXPECT_EQ(pingable.match(Direction::ingress, icmp("203.0.113.5", "10.0.1.10", 0)), nullptr);
}

TEST(SecurityGroup, ProtocolNumberRules) {
  SecurityGroup tunnel("gre-sg", "main");
  tunnel.add_ingress(from_cidr(traffic("47"), "198.51.100.0/24"));
  EXPECT_NE(tunnel.match(Direction::ingress, other(47, "198.51.100.1", "10.0.1.10")), nullptr);
  EXPECT_EQ(tunnel.match(Direction::ingress, other(50, "198.51.100.1", "10.0.1.10")), nullptr);
  EXPECT_EQ(tunnel.match(Direction::ingress, tcp("198.51.100.1", 1, "10.0.1.10", 47)), nullptr);
}

TEST(SecurityGroup, BadRulesNameTheGroupAndRule) {
  SecurityGroup web("web-sg", "main");
  EXPECT_EQ(error_of([&] { web.add_ingress(SgRule{.traffic = traffic("tcp", "80")}); }),
            "web-sg: ingress rule 1: needs exactly one peer: a cidr or a group");
  EXPECT_EQ(error_of([&] {
              web.add_ingress(SgRule{.traffic = traffic("tcp", "80"), .cidr = Ipv4Prefix{}, .group = &web});
            }),
            "web-sg: ingress rule 1: needs exactly one peer: a cidr or a group");
  EXPECT_THAT(error_of([&] { web.add_ingress(SgRule{.traffic = {RuleProtocol{}, RulePorts{80, 80}}, .cidr = Ipv4Prefix{}}); }),
              HasSubstr("web-sg: ingress rule 1: ports 80 given for protocol all"));
  // The new group's default egress rule is rule 1, so the next is rule 2.
  EXPECT_THAT(error_of([&] { web.add_egress(SgRule{.traffic = {RuleProtocol{6}, RulePorts{443, 80}}, .cidr = Ipv4Prefix{}}); }),
              HasSubstr("web-sg: egress rule 2: port range 443-80 is reversed"));
  EXPECT_THAT(error_of([&] { web.add_egress(SgRule{.traffic = {RuleProtocol{17}, RulePorts{0, 65536}}, .cidr = Ipv4Prefix{}}); }),
              HasSubstr("web-sg: egress rule 2: port range 0-65536: ports must be 0-65535"));

  const SecurityGroup elsewhere("peer-sg", "other-vpc");
  EXPECT_EQ(error_of([&] { web.add_ingress(from_group(traffic("tcp", "80"), elsewhere)); }),
            "web-sg: ingress rule 1: group peer-sg is in vpc other-vpc, not main (vpcsim does not reference groups "
            "across VPCs)");
  EXPECT_TRUE(web.ingress().empty());  // nothing half-added
  EXPECT_EQ(web.egress().size(), 1u);
}

}  // namespace
}  // namespace vpcsim::cloud
