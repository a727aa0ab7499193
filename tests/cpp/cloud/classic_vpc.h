// The classic AWS layout the cloud tests share: VPC 10.0.0.0/16 with a public subnet (web, a NAT
// gateway; routed to the internet gateway) and a private one (db; routed to the NAT gateway), and
// one internet host. Tests change one thing and look at what happens.
#pragma once

#include <string_view>

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/node/network.h"
#include "rule_builders.h"

namespace vpcsim::cloud::testing {

inline wire::Ipv4Prefix P(std::string_view text) { return wire::Ipv4Prefix::parse(text); }
inline wire::Ipv4Address A(std::string_view text) { return wire::Ipv4Address::parse(text); }

struct ClassicVpc {
  node::Network net{1};
  Cloud& cloud = Cloud::attach(net);
  Vpc& vpc = cloud.add_vpc("main", P("10.0.0.0/16"));
  Subnet& pub = vpc.add_subnet("public-a", P("10.0.1.0/24"));
  Subnet& priv = vpc.add_subnet("private-a", P("10.0.2.0/24"));
  InternetGateway& igw = vpc.attach_internet_gateway("igw-main");
  NatGateway& nat = vpc.add_nat_gateway("nat-a", pub, A("198.51.100.20"));
  RouteTable& public_routes = vpc.add_route_table("public");
  RouteTable& private_routes = vpc.add_route_table("private");
  SecurityGroup& web_sg = vpc.add_security_group("web-sg");
  SecurityGroup& db_sg = vpc.add_security_group("db-sg");
  Instance* web = nullptr;
  Instance* db = nullptr;
  Endpoint* ext = nullptr;

  ClassicVpc() {
    public_routes.add_route(P("0.0.0.0/0"), {TargetKind::internet_gateway, "igw-main"});
    pub.associate(public_routes);
    private_routes.add_route(P("0.0.0.0/0"), {TargetKind::nat_gateway, "nat-a"});
    priv.associate(private_routes);
    web_sg.add_ingress(from_cidr(traffic("tcp", "80"), "0.0.0.0/0"));
    web_sg.add_ingress(from_cidr(traffic("icmp"), "0.0.0.0/0"));
    db_sg.add_ingress(from_group(traffic("tcp", "5432"), web_sg));
    web = &vpc.add_instance("web", pub, {.ip = A("10.0.1.10"), .public_ip = A("198.51.100.10"), .security_groups = {"web-sg"}});
    db = &vpc.add_instance("db", priv, {.ip = A("10.0.2.10"), .security_groups = {"db-sg"}});
    ext = &cloud.add_internet_host("ext", A("203.0.113.10"));
  }
};

}  // namespace vpcsim::cloud::testing
