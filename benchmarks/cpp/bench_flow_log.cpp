// The flow-log what-if under load (issue 13): a VPC Flow Log of F flows to web, replayed into the
// classic VPC before and after a security-group change, flow by flow, with web's flow log written
// in both runs.
//
//   F flows from the internet: client 203.0.113.(f mod 248 + 2), port 1024 + f / 248, to web
//   (10.0.1.10, public 198.51.100.10); nine in ten are HTTP (tcp 80: 3 packets, 180 bytes, ACCEPT),
//   one in ten HTTPS (tcp 443: 2 SYNs, 120 bytes, REJECT). Before: web-sg admits tcp 80; after: tcp
//   443 instead. Each run: the log is read from a file and parsed (io::FlowLogReader), turned into
//   packets (replay::FlowLogSource), replayed back to back (--topspeed) from the internet segment,
//   through the internet router, the internet gateway's 1:1 NAT, the VPC router, web-sg's tracking
//   and web's TCP (which answers: SYN-ACK, RSTs), with web's flow log on; then the two runs' flow
//   tables are compared.
//
// Measured: flows per wall second and per CPU second of the whole what-if (both runs and the diff,
// from the file on disk to the list of changed flows), and of one replay.
//
//   bench_flow_log                      F = 200,000
//   bench_flow_log --flows 1e6 --json
//
// Exits 1, saying why, unless every flow changed as the security-group change says it must (every
// HTTP flow delivered -> blocked, every HTTPS flow blocked -> delivered).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_map>
#include <unistd.h>

#include "bench_common.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/ping.h"
#include "libnet/cloud/cloud.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/security_group.h"
#include "libnet/cloud/traffic_selector.h"
#include "libnet/node/network.h"
#include "libnet/replay/flow_log_source.h"
#include "libnet/replay/replay_engine.h"

using namespace vpcsim;

namespace {

struct Options {
  std::uint64_t flows = 200'000;
  bool json = false;
};

std::string write_log(std::uint64_t flows) {
  const std::string path = "/tmp/bench_flow_log-" + std::to_string(::getpid()) + ".log";
  std::ofstream out(path);
  out << io::kFlowLogDefaultHeader << '\n';
  const std::int64_t t0 = 1700000040;
  for (std::uint64_t f = 0; f < flows; ++f) {
    const std::string client = "203.0.113." + std::to_string(f % 248 + 2);  // .1 is the internet router
    const std::string port = std::to_string(1024 + f / 248);
    const std::int64_t start = t0 + static_cast<std::int64_t>(f % 3000) / 50;  // a minute of traffic
    const bool https = f % 10 == 9;
    out << "2 123456789012 eni-0f10a11b00c0ffee1 " << client << " 10.0.1.10 " << port << (https ? " 443 6 2 120 " : " 80 6 3 180 ")
        << start << ' ' << start + 1 << (https ? " REJECT OK\n" : " ACCEPT OK\n");
  }
  return path;
}

cloud::TrafficSelector tcp_port(std::uint16_t port) {
  return cloud::TrafficSelector{cloud::RuleProtocol::parse("tcp", "bench", "protocol"),
                                cloud::RulePorts::parse(std::to_string(port), "bench", "ports")};
}

/// One replay of the log into the classic VPC whose web-sg admits tcp `port`; the flow table.
std::vector<replay::FlowRecord> replay_once(const std::string& log, std::uint16_t port, std::uint64_t& packets) {
  node::Network net(1);
  net.trace().set_record_packets(false);  // drops (the blocked flows' answers) are still recorded
  cloud::Cloud& c = cloud::Cloud::attach(net);
  cloud::Vpc& vpc = c.add_vpc("main", wire::Ipv4Prefix::parse("10.0.0.0/16"));
  cloud::Subnet& pub = vpc.add_subnet("public-a", wire::Ipv4Prefix::parse("10.0.1.0/24"));
  vpc.attach_internet_gateway("igw-main");
  cloud::RouteTable& routes = vpc.add_route_table("public");
  routes.add_route(wire::Ipv4Prefix(), {cloud::TargetKind::internet_gateway, "igw-main"});
  pub.associate(routes);
  cloud::SecurityGroup& sg = vpc.add_security_group("web-sg");
  sg.add_ingress(cloud::SgRule{.traffic = tcp_port(port), .cidr = wire::Ipv4Prefix()});
  cloud::Instance& web = vpc.add_instance("web", pub, {.ip = wire::Ipv4Address::parse("10.0.1.10"),
                                                        .public_ip = wire::Ipv4Address::parse("198.51.100.10"),
                                                        .security_groups = {"web-sg"}});
  web.add_application<vpcsim::node::TcpServer>({80, "ok"});
  web.add_application<vpcsim::node::TcpServer>({443, "ok"});
  c.add_internet_host("probe", wire::Ipv4Address::parse("203.0.113.250"));
  auto source = std::make_unique<replay::FlowLogSource>(log);
  c.enable_flow_logs({.epoch = source->epoch()}).watch(web, "eni-0f10a11b00c0ffee1");
  replay::ReplayConfig config;
  config.client.at = "internet-203-0-113";
  config.rewrite.addresses.push_back({wire::Ipv4Prefix::parse("10.0.1.10/32"), wire::Ipv4Prefix::parse("198.51.100.10/32")});
  config.timing.mode = replay::TimingMode::topspeed;
  config.record_packets = false;
  auto engine = replay::replay(net, std::move(source), config);
  net.run();
  replay::ReplayResults results = engine->results();
  packets = results.summary.sent;
  return std::move(results.flows);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--flows" && i + 1 < argc) {
      const auto n = bench::count_in_range(argv[++i], 10, 16'000'000);
      if (!n) return std::fprintf(stderr, "bench_flow_log: --flows: a whole number from 10 to 16e6\n"), 2;
      o.flows = *n;
    } else if (arg == "--json") {
      o.json = true;
    } else {
      std::fprintf(stderr, "usage: %s [--flows N] [--json]\n", argv[0]);
      return 2;
    }
  }
  const std::string log = write_log(o.flows);
  const auto wall0 = bench::Clock::now();
  const double cpu0 = bench::cpu_seconds();
  std::uint64_t sent_before = 0, sent_after = 0;
  const auto before = replay_once(log, 80, sent_before);
  const double one_wall = bench::seconds_between(wall0, bench::Clock::now());
  const double one_cpu = bench::cpu_seconds() - cpu0;
  const auto after = replay_once(log, 443, sent_after);
  // The diff: every flow of the first run against the same flow of the second.
  std::unordered_map<replay::FlowKey, const replay::FlowRecord*, replay::FlowKeyHash> was;
  was.reserve(before.size());
  for (const auto& f : before) was.emplace(f.key, &f);
  std::uint64_t broken = 0, fixed = 0, unchanged = 0, missing = 0;
  for (const auto& f : after) {
    const auto it = was.find(f.key);
    if (it == was.end()) { ++missing; continue; }
    const bool ok_before = it->second->outcome == replay::FlowOutcome::delivered;
    const bool ok_after = f.outcome == replay::FlowOutcome::delivered;
    if (ok_before && !ok_after) ++broken;
    else if (!ok_before && ok_after) ++fixed;
    else ++unchanged;
  }
  const double cpu = bench::cpu_seconds() - cpu0;
  const double wall = bench::seconds_between(wall0, bench::Clock::now());
  std::remove(log.c_str());
  const std::uint64_t https = o.flows / 10;
  if (before.size() != o.flows || after.size() != o.flows || broken != o.flows - https || fixed != https || missing != 0) {
    std::fprintf(stderr, "bench_flow_log: FAILED: flows %zu/%zu of %llu, broken %llu (want %llu), fixed %llu (want %llu), missing %llu\n",
                 before.size(), after.size(), static_cast<unsigned long long>(o.flows), static_cast<unsigned long long>(broken),
                 static_cast<unsigned long long>(o.flows - https), static_cast<unsigned long long>(fixed),
                 static_cast<unsigned long long>(https), static_cast<unsigned long long>(missing));
    int shown = 0;
    for (const auto& f : before)
      if (f.key.server_port == 80 && f.outcome != replay::FlowOutcome::delivered && shown++ < 5)
        std::fprintf(stderr, "  before: %s %s %s %s\n", replay::to_string(f.key).c_str(), std::string(replay::to_string(f.outcome)).c_str(),
                     f.code.c_str(), f.rule.c_str());
    return 1;
  }
  const double n = static_cast<double>(o.flows);
  if (o.json) {
    std::printf("{\"flows\": %llu, \"packets_replayed\": %llu, \"wall_seconds\": %.4f, \"cpu_seconds\": %.4f, "
                "\"whatif_flows_per_second\": %.0f, \"whatif_flows_per_cpu_second\": %.0f, "
                "\"replay_flows_per_second\": %.0f, \"replay_flows_per_cpu_second\": %.0f}\n",
                static_cast<unsigned long long>(o.flows), static_cast<unsigned long long>(sent_before + sent_after), wall, cpu,
                bench::ratio(n, wall), bench::ratio(n, cpu), bench::ratio(n, one_wall), bench::ratio(n, one_cpu));
  } else {
    std::printf("# flow-log what-if: F flows replayed into the VPC before and after a security-group change, diffed\n");
    std::printf("flows=%llu packets_replayed=%llu wall_seconds=%.4f cpu_seconds=%.4f whatif_flows_per_second=%.0f "
                "whatif_flows_per_cpu_second=%.0f replay_flows_per_second=%.0f replay_flows_per_cpu_second=%.0f "
                "broken=%llu fixed=%llu\n",
                static_cast<unsigned long long>(o.flows), static_cast<unsigned long long>(sent_before + sent_after), wall, cpu,
                bench::ratio(n, wall), bench::ratio(n, cpu), bench::ratio(n, one_wall), bench::ratio(n, one_cpu),
                static_cast<unsigned long long>(broken), static_cast<unsigned long long>(fixed));
  }
  return 0;
}
