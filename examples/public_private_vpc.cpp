// The cloud layer from C++: the classic public/private VPC, a little traffic, and explain's answers to
// "can the internet reach the database?" and "can the web server?".
//
//   ./build/public_private_vpc
#include <cstdio>
#include <iostream>

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"

using namespace vpcsim;
using wire::Ipv4Address;
using wire::Ipv4Prefix;

int main() try {
  node::Network net(/*seed=*/1);
  cloud::Cloud& cloud = cloud::Cloud::attach(net);
  cloud::Vpc& vpc = cloud.add_vpc("main", Ipv4Prefix::parse("10.0.0.0/16"));
  cloud::Subnet& pub = vpc.add_subnet("public-a", Ipv4Prefix::parse("10.0.1.0/24"));
  cloud::Subnet& priv = vpc.add_subnet("private-a", Ipv4Prefix::parse("10.0.2.0/24"));
  vpc.attach_internet_gateway("igw-main");
  vpc.add_nat_gateway("nat-a", pub, Ipv4Address::parse("198.51.100.20"));
  vpc.add_route_table("public").add_route(Ipv4Prefix(), {cloud::TargetKind::internet_gateway, "igw-main"});
  vpc.add_route_table("private").add_route(Ipv4Prefix(), {cloud::TargetKind::nat_gateway, "nat-a"});
  pub.associate(vpc.route_table("public"));
  priv.associate(vpc.route_table("private"));

  const auto any = [](const char* proto, const char* ports, const char* cidr) {
    return cloud::SgRule{{cloud::RuleProtocol::parse(proto, "example", "proto"), cloud::RulePorts::parse(ports, "example", "port")},
                         Ipv4Prefix::parse(cidr), nullptr, {}};
  };
  cloud::SecurityGroup& web_sg = vpc.add_security_group("web-sg");
  web_sg.add_ingress(any("tcp", "80", "0.0.0.0/0"));
  web_sg.add_ingress(any("icmp", "", "0.0.0.0/0"));
  cloud::SecurityGroup& db_sg = vpc.add_security_group("db-sg");
  cloud::SgRule from_web{{cloud::RuleProtocol::parse("tcp", "example", "proto"), cloud::RulePorts{5432, 5432}}, std::nullopt, &web_sg, {}};
  db_sg.add_ingress(from_web);

  cloud::Instance& web = vpc.add_instance("web", pub, {.ip = Ipv4Address::parse("10.0.1.10"),
                                                       .public_ip = Ipv4Address::parse("198.51.100.10"),
                                                       .security_groups = {"web-sg"}});
  cloud::Instance& db = vpc.add_instance("db", priv, {.ip = Ipv4Address::parse("10.0.2.10"), .security_groups = {"db-sg"}});
  cloud::Endpoint& ext = cloud.add_internet_host("ext", Ipv4Address::parse("203.0.113.10"));
  web.add_application<node::TcpServer>({80, "hello"});
  db.add_application<node::TcpServer>({5432, "1 row"});

  node::PingConfig ping;
  ping.destination = ext.primary_address();
  node::Ping& out = db.add_application<node::Ping>(ping);  // through the NAT gateway
  net.run_for(2 * core::kSecond);
  std::printf("db pings the internet through nat-a: %zu of 1 replies\n\n", out.replies().size());

  std::cout << cloud.explain({"ext", "db", "tcp", 5432}).to_text() << '\n';
  std::cout << cloud.explain({"ext", "web", "tcp", 80}).to_text();
  return 0;
} catch (const core::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
