// What the cloud layer costs per packet (issue 6): cross-subnet UDP through a VPC router that picks a
// route table per subnet and checks network ACLs on both boundaries, between instances that check
// their security groups statefully, against the same hosts, switches and traffic through a plain
// node::Router with no rules. And how long one `explain` takes.
//
//   subnet a 10.0.1.0/24                         subnet b 10.0.2.0/24
//   a0 ─┐                                          ┌─ b0   UdpResponder :9000
//   ... ├── switch a ── [main-router] ── switch b ─┤ ...
//   aH-1┘   (plain: a Router with the same addresses) └─ bH-1
//
// Instance a<i> sends R datagrams to b<i> (one every max(100 us, 5 us x H), the H senders staggered
// across it, so no link runs above a third of its capacity)
// and b<i> answers each. In the VPC, acl-a and acl-b hold `--acl-rules` rules each (AWS's default
// limit is 20 per direction) of which only the last allows the traffic, so every packet walks the
// whole list twice; b's security group admits udp 9000 from a's group, a third rule after two that do
// not match; replies pass as tracked flows.
//
//   bench_vpc                            H = 200, R = 50, 20 ACL rules; both variants, then explain
//   bench_vpc --hosts 50 --rounds 5 --json
//
// Exits 1 if any datagram is not answered, or anything is dropped.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"
#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/node/network.h"
#include "libnet/node/udp_apps.h"

using namespace vpcsim;
using vpcsim::bench::Clock;

namespace {

struct Options {
  std::uint64_t hosts = 200;
  std::uint64_t rounds = 50;
  std::uint64_t acl_rules = 20;
  bool json = false;
};

struct Result {
  const char* variant = "";
  double wall = 0;
  double cpu = 0;
  std::uint64_t packets = 0;   ///< IPv4 packets the router forwarded
  std::uint64_t replies = 0;
  std::uint64_t expected = 0;
  std::uint64_t drops = 0;
  std::string first_drop;  ///< the trace's first drop, to say why
};

// One datagram per sender every interval(H): the router's links carry 2H frames of about 80 bytes
// per interval each way, kept under a third of 1 Gbps (3 x 0.8 us per frame).
core::Time interval_for(std::uint64_t hosts) {
  return std::max<core::Time>(100 * core::kMicrosecond, static_cast<core::Time>(hosts) * 5 * core::kMicrosecond);
}

cloud::TrafficSelector udp_port(int port) {
  return {cloud::RuleProtocol{17}, cloud::RulePorts{port, port}};
}

void add_acl(cloud::NetworkAcl& acl, std::uint64_t rules) {
  // rules-1 rules that never match this traffic, then the one that does; the same both ways.
  for (cloud::AclDirection d : {cloud::AclDirection::inbound, cloud::AclDirection::outbound}) {
    for (std::uint64_t i = 1; i < rules; ++i)
      acl.add_rule(d, cloud::AclRule{static_cast<int>(i), udp_port(static_cast<int>(20000 + i)),
                                     wire::Ipv4Prefix::parse("10.0.0.0/16"), true});
    acl.add_rule(d, cloud::AclRule{static_cast<int>(rules), {}, wire::Ipv4Prefix::parse("10.0.0.0/16"), true});
  }
}

std::vector<node::UdpClient*> start_traffic(const std::vector<node::IpNode*>& senders,
                                            const std::vector<wire::Ipv4Address>& targets, std::uint64_t rounds) {
  const core::Time kInterval = interval_for(senders.size());
  std::vector<node::UdpClient*> clients;
  for (std::size_t i = 0; i < senders.size(); ++i) {
    node::UdpClientConfig config;
    config.destination = targets[i];
    config.dst_port = 9000;
    config.data = "0123456789abcdef";
    config.count = static_cast<std::uint32_t>(rounds);
    config.interval = kInterval;
    config.start = static_cast<core::Time>(i) * kInterval / static_cast<core::Time>(senders.size());
    clients.push_back(&senders[i]->add_application<node::UdpClient>(config));
  }
  return clients;
}

Result measure(const char* variant, node::Network& net, node::IpNode& router, const std::vector<node::UdpClient*>& clients,
               std::uint64_t rounds) {
  net.trace().set_record_packets(false);
  Result r;
  r.variant = variant;
  const auto start = Clock::now();
  const double cpu0 = bench::cpu_seconds();
  net.run_for(static_cast<core::Time>(rounds + 2) * interval_for(clients.size()) + core::kSecond);
  r.cpu = bench::cpu_seconds() - cpu0;
  r.wall = bench::seconds_between(start, Clock::now());
  r.packets = router.ip_counters().forwarded;
  for (const node::UdpClient* c : clients) r.replies += c->replies().size();
  r.expected = clients.size() * rounds;
  r.drops = net.trace().total_drops();
  for (const trace::TraceEvent& e : net.trace().events())
    if (e.kind == trace::TraceKind::dropped) {
      r.first_drop = net.trace().to_string(e);
      break;
    }
  return r;
}

Result run_vpc(const Options& o) {
  node::Network net(1);
  cloud::Cloud& cloud = cloud::Cloud::attach(net);
  cloud::Vpc& vpc = cloud.add_vpc("main", wire::Ipv4Prefix::parse("10.0.0.0/16"));
  cloud::Subnet& a = vpc.add_subnet("a", wire::Ipv4Prefix::parse("10.0.1.0/24"));
  cloud::Subnet& b = vpc.add_subnet("b", wire::Ipv4Prefix::parse("10.0.2.0/24"));
  a.associate(vpc.add_route_table("ra"));
  b.associate(vpc.add_route_table("rb"));
  add_acl(vpc.add_network_acl("acl-a"), o.acl_rules);
  add_acl(vpc.add_network_acl("acl-b"), o.acl_rules);
  a.set_network_acl(vpc.network_acl("acl-a"));
  b.set_network_acl(vpc.network_acl("acl-b"));
  cloud::SecurityGroup& clients_sg = vpc.add_security_group("clients");
  cloud::SecurityGroup& servers_sg = vpc.add_security_group("servers");
  servers_sg.add_ingress(cloud::SgRule{{cloud::RuleProtocol{6}, cloud::RulePorts{22, 22}}, wire::Ipv4Prefix::parse("0.0.0.0/0"), nullptr, {}});
  servers_sg.add_ingress(cloud::SgRule{udp_port(53), wire::Ipv4Prefix::parse("10.0.0.0/16"), nullptr, {}});
  servers_sg.add_ingress(cloud::SgRule{udp_port(9000), std::nullopt, &clients_sg, {}});
  std::vector<node::IpNode*> senders;
  std::vector<wire::Ipv4Address> targets;
  for (std::uint64_t i = 0; i < o.hosts; ++i) {
    senders.push_back(&vpc.add_instance("a" + std::to_string(i), a, {.security_groups = {"clients"}}));
    cloud::Instance& server = vpc.add_instance("b" + std::to_string(i), b, {.security_groups = {"servers"}});
    server.add_application<node::UdpResponder>({9000, "ok"});
    targets.push_back(server.private_ip());
  }
  return measure("vpc", net, vpc.router(), start_traffic(senders, targets, o.rounds), o.rounds);
}

Result run_plain(const Options& o) {
  node::Network net(1);
  node::Router& router = net.add_router("router");
  router.add_interface("a", "10.0.1.1/24");
  router.add_interface("b", "10.0.2.1/24");
  net.add_switch("a");
  net.add_switch("b");
  net.connect("router.a", "a");
  net.connect("router.b", "b");
  std::vector<node::IpNode*> senders;
  std::vector<wire::Ipv4Address> targets;
  for (std::uint64_t i = 0; i < o.hosts; ++i) {
    const auto at = [&](int subnet) { return wire::Ipv4Address((10u << 24) | (subnet << 8) | static_cast<std::uint32_t>(4 + i)); };
    node::Host& client = net.add_host("a" + std::to_string(i));
    client.add_interface("eth0", wire::Ipv4InterfaceAddress(at(1), 24));
    client.set_default_gateway(wire::Ipv4Address::parse("10.0.1.1"));
    net.connect(client.name() + ".eth0", "a");
    node::Host& server = net.add_host("b" + std::to_string(i));
    server.add_interface("eth0", wire::Ipv4InterfaceAddress(at(2), 24));
    server.set_default_gateway(wire::Ipv4Address::parse("10.0.2.1"));
    net.connect(server.name() + ".eth0", "b");
    server.add_application<node::UdpResponder>({9000, "ok"});
    senders.push_back(&client);
    targets.push_back(at(2));
  }
  return measure("plain", net, router, start_traffic(senders, targets, o.rounds), o.rounds);
}

/// Median wall microseconds of `runs` explain calls on a fresh classic VPC each time.
double explain_micros(int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    node::Network net(1);
    cloud::Cloud& cloud = cloud::Cloud::attach(net);
    cloud::Vpc& vpc = cloud.add_vpc("main", wire::Ipv4Prefix::parse("10.0.0.0/16"));
    cloud::Subnet& pub = vpc.add_subnet("public-a", wire::Ipv4Prefix::parse("10.0.1.0/24"));
    vpc.attach_internet_gateway("igw");
    vpc.add_route_table("public").add_route(wire::Ipv4Prefix(), {cloud::TargetKind::internet_gateway, "igw"});
    pub.associate(vpc.route_table("public"));
    cloud::SecurityGroup& web = vpc.add_security_group("web");
    web.add_ingress(cloud::SgRule{{cloud::RuleProtocol{6}, cloud::RulePorts{80, 80}}, wire::Ipv4Prefix::parse("0.0.0.0/0"), nullptr, {}});
    vpc.add_instance("web", pub, {.public_ip = wire::Ipv4Address::parse("198.51.100.10"), .security_groups = {"web"}});
    cloud.add_internet_host("ext", wire::Ipv4Address::parse("203.0.113.10"));
    const auto start = Clock::now();
    const cloud::ExplainAnswer answer = cloud.explain({"ext", "web", "tcp", 80});
    times.push_back(bench::seconds_between(start, Clock::now()) * 1e6);
    if (!answer.reachable) {
      std::fprintf(stderr, "bench_vpc: explain says unreachable:\n%s", answer.to_text().c_str());
      std::exit(1);
    }
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void print(const Result& r, const Options& o) {
  const auto packets = static_cast<double>(r.packets);  // a count, for the rates below
  const double pps = packets / r.wall;
  if (o.json)
    std::printf("{\"variant\": \"%s\", \"hosts\": %llu, \"rounds\": %llu, \"acl_rules\": %llu, \"wall_s\": %.6f, "
                "\"cpu_s\": %.6f, \"forwarded\": %llu, \"forwarded_per_s\": %.0f, \"ns_per_forwarded\": %.1f, "
                "\"replies\": %llu, \"expected\": %llu, \"drops\": %llu}\n",
                r.variant, (unsigned long long)o.hosts, (unsigned long long)o.rounds, (unsigned long long)o.acl_rules,
                r.wall, r.cpu, (unsigned long long)r.packets, pps, 1e9 * r.wall / packets,
                (unsigned long long)r.replies, (unsigned long long)r.expected, (unsigned long long)r.drops);
  else
    std::printf("%-6s %8.3f s wall %8.3f s cpu  %10llu forwarded  %10.0f forwarded/s  %7.1f ns per forwarded packet\n",
                r.variant, r.wall, r.cpu, (unsigned long long)r.packets, pps, 1e9 * r.wall / packets);
}

bool check(const Result& r) {
  if (r.replies == r.expected && r.drops == 0) return true;
  std::fprintf(stderr, "bench_vpc: %s: %llu of %llu replies, %llu drops; the first: %s\n", r.variant,
               (unsigned long long)r.replies, (unsigned long long)r.expected, (unsigned long long)r.drops,
               r.first_drop.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto count = [&](std::uint64_t min, std::uint64_t max) {
      const auto value = i + 1 < argc ? bench::count_in_range(argv[++i], min, max) : std::nullopt;
      if (!value) {
        std::fprintf(stderr, "bench_vpc: %s needs a count in %llu..%llu\n", arg.c_str(), (unsigned long long)min,
                     (unsigned long long)max);
        std::exit(2);
      }
      return *value;
    };
    if (arg == "--hosts") o.hosts = count(1, 250);
    else if (arg == "--rounds") o.rounds = count(1, 1000000);
    else if (arg == "--acl-rules") o.acl_rules = count(1, 40);
    else if (arg == "--json") o.json = true;
    else {
      std::fprintf(stderr, "usage: bench_vpc [--hosts H<=250] [--rounds R] [--acl-rules N<=40] [--json]\n");
      return 2;
    }
  }
  if (!o.json)
    std::printf("# bench_vpc: %llu senders, %llu datagrams each (paced: each link under a third of its capacity), %llu ACL rules per direction\n",
                (unsigned long long)o.hosts, (unsigned long long)o.rounds, (unsigned long long)o.acl_rules);
  const Result vpc = run_vpc(o);
  print(vpc, o);
  const Result plain = run_plain(o);
  print(plain, o);
  const double explain = explain_micros(21);
  if (o.json)
    std::printf("{\"explain_median_us\": %.1f}\n", explain);
  else
    std::printf("vpc/plain wall per forwarded packet: %.2fx; explain (ext -> web tcp 80, fresh VPC): median %.1f us wall\n",
                bench::ratio(vpc.wall / static_cast<double>(vpc.packets), plain.wall / static_cast<double>(plain.packets)), explain);
  return check(vpc) && check(plain) ? 0 : 1;
}
