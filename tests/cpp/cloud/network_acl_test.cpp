#include "libnet/cloud/network_acl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "rule_builders.h"
#include "summaries.h"

namespace vpcsim::cloud {
namespace {

using ::testing::HasSubstr;
using summaries::icmp;
using summaries::tcp;
using summaries::udp;
using wire::Ipv4Prefix;

constexpr auto kIn = AclDirection::inbound;
constexpr auto kOut = AclDirection::outbound;

AclRule rule(int number, bool allow, std::string_view protocol, std::string_view ports = "",
             std::string_view cidr = "0.0.0.0/0") {
  return AclRule{.number = number,
                 .traffic = {RuleProtocol::parse(protocol, "test", "protocol"), RulePorts::parse(ports, "test", "ports")},
                 .cidr = Ipv4Prefix::parse(cidr),
                 .allow = allow};
}
constexpr bool kAllow = true;
constexpr bool kDeny = false;

std::vector<int> numbers(const NetworkAcl& acl, AclDirection d) {
  std::vector<int> out;
  for (const auto& r : acl.rules(d)) out.push_back(r.number);
  return out;
}

using testing::error_of;

TEST(NetworkAcl, NewAclDeniesEverythingWithTheStarRule) {
  const NetworkAcl acl("acl-private", "main");
  EXPECT_TRUE(acl.rules(kIn).empty());
  EXPECT_TRUE(acl.rules(kOut).empty());
  for (const auto d : {kIn, kOut}) {
    const auto v = acl.evaluate(d, tcp("10.0.1.10", 40000, "10.0.2.10", 443));
    EXPECT_FALSE(v.allowed);
    EXPECT_EQ(v.rule, std::nullopt);
    EXPECT_EQ(v.description, "rule * (deny all traffic)");
  }
}

TEST(NetworkAcl, DefaultAclAllowsAllBothWaysWithRule100) {
  const NetworkAcl acl = NetworkAcl::make_default("acl-default", "main");
  EXPECT_EQ(numbers(acl, kIn), std::vector<int>{100});
  EXPECT_EQ(numbers(acl, kOut), std::vector<int>{100});
  const auto in = acl.evaluate(kIn, udp("203.0.113.5", 5000, "10.0.1.10", 9));
  EXPECT_TRUE(in.allowed);
  EXPECT_EQ(in.rule, 100);
  EXPECT_EQ(in.description, "rule 100 (allow all traffic from 0.0.0.0/0)");
  const auto out = acl.evaluate(kOut, icmp("10.0.1.10", "8.8.8.8", 8));
  EXPECT_TRUE(out.allowed);
  EXPECT_EQ(out.description, "rule 100 (allow all traffic to 0.0.0.0/0)");
}

TEST(NetworkAcl, LowerNumberedDenyWinsOverLaterAllow) {
  NetworkAcl acl("acl-public", "main");
  acl.add_rule(kIn, rule(100, kAllow, "all"));
  acl.add_rule(kIn, rule(90, kDeny, "tcp", "22"));  // added second, evaluated first
  EXPECT_EQ(numbers(acl, kIn), (std::vector<int>{90, 100}));

  const auto ssh = acl.evaluate(kIn, tcp("203.0.113.5", 40000, "10.0.0.10", 22));
  EXPECT_FALSE(ssh.allowed);
  EXPECT_EQ(ssh.rule, 90);
  EXPECT_EQ(ssh.description, "rule 90 (deny tcp 22 from 0.0.0.0/0)");
  const auto http = acl.evaluate(kIn, tcp("203.0.113.5", 40000, "10.0.0.10", 80));
  EXPECT_TRUE(http.allowed);
  EXPECT_EQ(http.rule, 100);
}

TEST(NetworkAcl, LowerNumberedAllowWinsOverLaterDeny) {
  NetworkAcl acl("acl-public", "main");
  acl.add_rule(kIn, rule(200, kDeny, "all"));
  acl.add_rule(kIn, rule(100, kAllow, "tcp", "443"));
  const auto https = acl.evaluate(kIn, tcp("203.0.113.5", 40000, "10.0.0.10", 443));
  EXPECT_TRUE(https.allowed);
  EXPECT_EQ(https.rule, 100);
  const auto http = acl.evaluate(kIn, tcp("203.0.113.5", 40000, "10.0.0.10", 80));
  EXPECT_FALSE(http.allowed);
  EXPECT_EQ(http.rule, 200);
  EXPECT_EQ(http.description, "rule 200 (deny all traffic from 0.0.0.0/0)");
}

TEST(NetworkAcl, UnmatchedTrafficFallsToTheStarRule) {
  NetworkAcl acl("acl-public", "main");
  acl.add_rule(kIn, rule(100, kAllow, "tcp", "443"));
  acl.add_rule(kIn, rule(110, kAllow, "udp", "53", "10.0.0.0/16"));
  const auto v = acl.evaluate(kIn, udp("203.0.113.5", 5353, "10.0.0.10", 53));  // outside 10.0.0.0/16
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.rule, std::nullopt);
  EXPECT_EQ(acl.evaluate(kIn, udp("10.0.9.9", 5353, "10.0.0.10", 53)).rule, 110);
  // Rules of one direction say nothing about the other.
  EXPECT_EQ(acl.evaluate(kOut, tcp("10.0.0.10", 40000, "203.0.113.5", 443)).rule, std::nullopt);
}

TEST(NetworkAcl, InboundPeerIsTheSourceOutboundTheDestination) {
  NetworkAcl acl("acl-db", "main");
  acl.add_rule(kIn, rule(100, kAllow, "tcp", "5432", "10.0.1.0/24"));
  acl.add_rule(kOut, rule(100, kAllow, "tcp", "5432", "10.0.1.0/24"));
  EXPECT_TRUE(acl.evaluate(kIn, tcp("10.0.1.10", 40000, "10.0.2.10", 5432)).allowed);
  EXPECT_FALSE(acl.evaluate(kIn, tcp("10.0.2.10", 40000, "10.0.1.10", 5432)).allowed);
  EXPECT_TRUE(acl.evaluate(kOut, tcp("10.0.2.10", 40000, "10.0.1.10", 5432)).allowed);
  EXPECT_FALSE(acl.evaluate(kOut, tcp("10.0.1.10", 40000, "10.0.2.10", 5432)).allowed);
}

// A client in the subnet fetches https://93.184.216.34 from ephemeral port 50000. NACLs are stateless,
// so the reply (source port 443, destination port 50000) must be allowed inbound by its own rule.
TEST(NetworkAcl, RepliesNeedAnInboundRuleForEphemeralPorts) {
  NetworkAcl acl("acl-private", "main");
  acl.add_rule(kOut, rule(100, kAllow, "tcp", "443"));
  acl.add_rule(kIn, rule(100, kAllow, "tcp", "443"));  // the mistake: mirrors the outbound rule
  const auto request = tcp("10.0.1.10", 50000, "93.184.216.34", 443);
  const auto reply = tcp("93.184.216.34", 443, "10.0.1.10", 50000);

  EXPECT_TRUE(acl.evaluate(kOut, request).allowed);
  const auto dropped = acl.evaluate(kIn, reply);
  EXPECT_FALSE(dropped.allowed);
  EXPECT_EQ(dropped.description, "rule * (deny all traffic)");

  acl.add_rule(kIn, rule(110, kAllow, "tcp", "1024-65535"));
  const auto passed = acl.evaluate(kIn, reply);
  EXPECT_TRUE(passed.allowed);
  EXPECT_EQ(passed.rule, 110);
  EXPECT_EQ(passed.description, "rule 110 (allow tcp 1024-65535 from 0.0.0.0/0)");
}

TEST(NetworkAcl, IcmpRulesMatchTypeAndCode) {
  NetworkAcl acl("acl-public", "main");
  acl.add_rule(kIn, AclRule{.number = 100, .traffic = {RuleProtocol{1}, RulePorts{8, -1}}, .cidr = {}, .allow = true});
  EXPECT_EQ(acl.rules(kIn)[0].to_string(kIn), "rule 100: allow icmp type 8 from 0.0.0.0/0");
  EXPECT_TRUE(acl.evaluate(kIn, icmp("203.0.113.5", "10.0.0.10", 8)).allowed);
  EXPECT_FALSE(acl.evaluate(kIn, icmp("203.0.113.5", "10.0.0.10", 0)).allowed);
  EXPECT_FALSE(acl.evaluate(kIn, icmp("203.0.113.5", "10.0.0.10", 3, 4)).allowed);
}

TEST(NetworkAcl, ProtocolNumberRules) {
  NetworkAcl acl("acl-public", "main");
  acl.add_rule(kIn, rule(100, kDeny, "17"));
  acl.add_rule(kIn, rule(200, kAllow, "all"));
  EXPECT_EQ(acl.evaluate(kIn, udp("203.0.113.5", 1, "10.0.0.10", 2)).rule, 100);
  EXPECT_EQ(acl.evaluate(kIn, tcp("203.0.113.5", 1, "10.0.0.10", 2)).rule, 200);
}

TEST(NetworkAcl, NumbersMustBeInRange) {
  NetworkAcl acl("acl-private", "main");
  EXPECT_EQ(error_of([&] { acl.add_rule(kIn, rule(40000, kAllow, "all")); }),
            "acl-private: inbound rule 40000: number must be 1-32766");
  EXPECT_EQ(error_of([&] { acl.add_rule(kOut, rule(0, kAllow, "all")); }),
            "acl-private: outbound rule 0: number must be 1-32766");
  EXPECT_EQ(error_of([&] { acl.add_rule(kIn, rule(32767, kAllow, "all")); }),
            "acl-private: inbound rule 32767: number must be 1-32766");
  acl.add_rule(kIn, rule(1, kAllow, "all"));
  acl.add_rule(kIn, rule(32766, kDeny, "all"));
  EXPECT_EQ(numbers(acl, kIn), (std::vector<int>{1, 32766}));
}

TEST(NetworkAcl, DuplicateNumbersInOneDirectionAreAnError) {
  NetworkAcl acl("acl-private", "main");
  acl.add_rule(kIn, rule(100, kAllow, "tcp", "443"));
  EXPECT_EQ(error_of([&] { acl.add_rule(kIn, rule(100, kDeny, "all")); }),
            "acl-private: inbound rule 100: number already used by rule 100: allow tcp 443 from 0.0.0.0/0");
  acl.add_rule(kOut, rule(100, kDeny, "all"));  // the other direction has its own numbers
  EXPECT_EQ(acl.rules(kIn).size(), 1u);
  EXPECT_TRUE(acl.rules(kIn)[0].allow);
}

TEST(NetworkAcl, BadTrafficNamesTheAclAndRule) {
  NetworkAcl acl("acl-private", "main");
  EXPECT_THAT(error_of([&] {
                acl.add_rule(kOut, AclRule{.number = 120, .traffic = {RuleProtocol{}, RulePorts{80, 80}}});
              }),
              HasSubstr("acl-private: outbound rule 120: ports 80 given for protocol all"));
  EXPECT_THAT(error_of([&] {
                acl.add_rule(kIn, AclRule{.number = 130, .traffic = {RuleProtocol{6}, RulePorts{2000, 1024}}});
              }),
              HasSubstr("acl-private: inbound rule 130: port range 2000-1024 is reversed"));
  EXPECT_TRUE(acl.rules(kIn).empty());
  EXPECT_TRUE(acl.rules(kOut).empty());
}

TEST(NetworkAcl, RemovingARuleChangesTheVerdict) {
  NetworkAcl acl = NetworkAcl::make_default("acl-default", "main");
  acl.add_rule(kIn, rule(50, kDeny, "tcp", "23"));
  const auto telnet = tcp("203.0.113.5", 40000, "10.0.0.10", 23);
  EXPECT_FALSE(acl.evaluate(kIn, telnet).allowed);
  EXPECT_TRUE(acl.remove_rule(kIn, 50));
  EXPECT_FALSE(acl.remove_rule(kIn, 50));
  EXPECT_FALSE(acl.remove_rule(kOut, 7));
  EXPECT_TRUE(acl.evaluate(kIn, telnet).allowed);
  EXPECT_TRUE(acl.remove_rule(kIn, 100));
  EXPECT_FALSE(acl.evaluate(kIn, telnet).allowed);
  EXPECT_TRUE(acl.evaluate(kOut, telnet).allowed);  // outbound rule 100 untouched
}

}  // namespace
}  // namespace vpcsim::cloud
