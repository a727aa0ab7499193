// The VPC model's rules as AWS documents them: block sizes, subnets inside their VPC and apart,
// the five reserved addresses, the next free address, names.
#include <gtest/gtest.h>

#include "classic_vpc.h"
#include "libnet/core/error.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::P;

struct Fixture {
  node::Network net{1};
  Cloud& cloud = Cloud::attach(net);
};

TEST(Vpc, BlocksAreSlash16ToSlash28) {
  Fixture f;
  EXPECT_THROW(f.cloud.add_vpc("big", P("10.0.0.0/15")), core::ConfigError);
  EXPECT_THROW(f.cloud.add_vpc("tiny", P("10.0.0.0/29")), core::ConfigError);
  EXPECT_NO_THROW(f.cloud.add_vpc("a", P("10.0.0.0/16")));
  EXPECT_NO_THROW(f.cloud.add_vpc("b", P("10.1.0.0/28")));
  EXPECT_THROW(f.cloud.add_vpc("a", P("10.2.0.0/16")), core::ConfigError);  // name taken
}

TEST(Vpc, DnsResolverIsTheBasePlusTwo) {
  Fixture f;
  EXPECT_EQ(f.cloud.add_vpc("main", P("10.0.0.0/16")).dns_address(), A("10.0.0.2"));
}

TEST(Vpc, SubnetsLieInsideTheirVpcAndDoNotOverlap) {
  Fixture f;
  Vpc& vpc = f.cloud.add_vpc("main", P("10.0.0.0/16"));
  vpc.add_subnet("a", P("10.0.1.0/24"));
  EXPECT_THROW(vpc.add_subnet("outside", P("10.1.0.0/24")), core::ConfigError);
  EXPECT_THROW(vpc.add_subnet("overlap", P("10.0.1.128/25")), core::ConfigError);
  EXPECT_THROW(vpc.add_subnet("toosmall", P("10.0.2.0/29")), core::ConfigError);
  EXPECT_THROW(vpc.add_subnet("a", P("10.0.3.0/24")), core::ConfigError);  // the name is a node's already
  try {
    vpc.add_subnet("overlap", P("10.0.1.0/26"));
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("overlaps subnet a"), std::string::npos) << e.what();
  }
}

TEST(Subnet, FiveAddressesAreReservedSoASlash28Has11) {
  Fixture f;
  Vpc& vpc = f.cloud.add_vpc("main", P("10.0.0.0/16"));
  Subnet& s = vpc.add_subnet("small", P("10.0.5.0/28"));
  EXPECT_EQ(s.usable_addresses(), 11u);
  for (const char* reserved : {"10.0.5.0", "10.0.5.1", "10.0.5.2", "10.0.5.3", "10.0.5.15"})
    EXPECT_TRUE(s.reserved_role(A(reserved)).has_value()) << reserved;
  EXPECT_FALSE(s.reserved_role(A("10.0.5.4")).has_value());
  EXPECT_EQ(*s.reserved_role(A("10.0.5.1")), "the VPC router");
  EXPECT_THROW(vpc.add_instance("router-squatter", s, {.ip = A("10.0.5.1")}), core::ConfigError);
  EXPECT_THROW(vpc.add_instance("last", s, {.ip = A("10.0.5.15")}), core::ConfigError);
  for (int i = 0; i < 11; ++i) vpc.add_instance("i" + std::to_string(i), s);
  EXPECT_EQ(vpc.find_instance("i0")->private_ip(), A("10.0.5.4"));
  EXPECT_EQ(vpc.find_instance("i10")->private_ip(), A("10.0.5.14"));
  EXPECT_EQ(s.free_addresses(), 0u);
  try {
    vpc.add_instance("one-too-many", s);
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("full"), std::string::npos) << e.what();
  }
}

TEST(Subnet, AnAddressIsGivenOnce) {
  Fixture f;
  Vpc& vpc = f.cloud.add_vpc("main", P("10.0.0.0/16"));
  Subnet& s = vpc.add_subnet("a", P("10.0.1.0/24"));
  vpc.add_instance("one", s, {.ip = A("10.0.1.10")});
  EXPECT_THROW(vpc.add_instance("two", s, {.ip = A("10.0.1.10")}), core::ConfigError);
  EXPECT_THROW(vpc.add_instance("three", s, {.ip = A("10.0.2.10")}), core::ConfigError);  // not in the subnet
  EXPECT_EQ(f.net.find_node("two"), nullptr);  // a refused instance leaves no node behind
}

TEST(Vpc, InstancesGetTheDefaultGroupAndKnownGroupsOnly) {
  Fixture f;
  Vpc& vpc = f.cloud.add_vpc("main", P("10.0.0.0/16"));
  Subnet& s = vpc.add_subnet("a", P("10.0.1.0/24"));
  Instance& i = vpc.add_instance("one", s);
  ASSERT_EQ(i.security_groups().size(), 1u);
  EXPECT_EQ(i.security_groups()[0], &vpc.default_security_group());
  EXPECT_TRUE(vpc.default_security_group().has_member(i.private_ip()));
  EXPECT_THROW(vpc.add_instance("two", s, {.security_groups = {"nope"}}), core::ConfigError);
}

TEST(Vpc, PublicAddressesAreUniqueAndOutsideEveryVpc) {
  Fixture f;
  Vpc& vpc = f.cloud.add_vpc("main", P("10.0.0.0/16"));
  Subnet& s = vpc.add_subnet("a", P("10.0.1.0/24"));
  vpc.add_instance("one", s, {.public_ip = A("198.51.100.10")});
  EXPECT_THROW(vpc.add_instance("two", s, {.public_ip = A("198.51.100.10")}), core::ConfigError);
  EXPECT_THROW(vpc.add_instance("three", s, {.public_ip = A("10.0.9.9")}), core::ConfigError);
  Instance& auto_ip = vpc.add_instance("four", s, {.auto_public_ip = true});
  ASSERT_TRUE(auto_ip.public_ip().has_value());
  EXPECT_EQ(*auto_ip.public_ip(), A("198.51.100.100"));
  EXPECT_THROW(f.cloud.add_internet_host("inside", A("10.0.3.3")), core::ConfigError);
  EXPECT_THROW(f.cloud.add_internet_host("squatter", A("198.51.100.10")), core::ConfigError);
}

TEST(Vpc, OneInternetGatewayPerVpc) {
  Fixture f;
  Vpc& vpc = f.cloud.add_vpc("main", P("10.0.0.0/16"));
  vpc.attach_internet_gateway("igw-1");
  EXPECT_THROW(vpc.attach_internet_gateway("igw-2"), core::ConfigError);
}

TEST(Vpc, BuildsTheDocumentedNodesAndInterfaces) {
  testing::ClassicVpc c;
  for (const char* name : {"main-router", "public-a", "private-a", "igw-main", "nat-a", "web", "db", "ext", "internet",
                           "internet-203-0-113"})
    EXPECT_NE(c.net.find_node(name), nullptr) << name;
  EXPECT_NO_THROW(c.net.interface("main-router.public-a"));
  EXPECT_NO_THROW(c.net.interface("main-router.igw"));
  EXPECT_NO_THROW(c.net.interface("igw-main.vpc"));
  EXPECT_NO_THROW(c.net.interface("igw-main.internet"));
  EXPECT_EQ(c.net.interface("web.eth0").mtu(), 9001u);
  EXPECT_EQ(c.net.interface("igw-main.internet").mtu(), 1500u);
  EXPECT_EQ(c.nat.private_ip(), A("10.0.1.4"));
}

}  // namespace
}  // namespace vpcsim::cloud

namespace vpcsim::cloud {
namespace {

TEST(Vpc, ATerminatedInstanceLeavesItsGroupsAndItsRoutesBecomeBlackholes) {
  testing::ClassicVpc c;
  c.public_routes.add_route(testing::P("10.0.2.0/24"), {TargetKind::instance, "web"});
  EXPECT_TRUE(c.web_sg.has_member(testing::A("10.0.1.10")));
  c.vpc.terminate_instance("web");
  EXPECT_FALSE(c.web->alive());
  EXPECT_FALSE(c.web_sg.has_member(testing::A("10.0.1.10")));
  EXPECT_EQ(c.public_routes.state_of(c.public_routes.extra_routes()[1]), "blackhole");
  EXPECT_THROW(c.vpc.terminate_instance("nobody"), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::cloud
