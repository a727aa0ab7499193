// Scale: 100,000 hosts in one simulation, every one of them pinging its gateway.
//
//   subnet 0   10.0.0.0/16                          subnet S-1   10.(S-1).0.0/16
//   h0_0 ─┐                                         ┌─ h(S-1)_0
//   ...   ├── sw0 ── r1.eth0        r1.eth(S-1) ── sw(S-1) ──┤ ...
//   h0_H-1┘          10.0.0.1   r1   10.(S-1).0.1            └─ h(S-1)_H-1
//
// S subnets (default 100) of H hosts (default 1000). Each subnet is one learning switch with H host
// ports and one port to the router r1, a single router with S interfaces (eth0 .. eth<S-1>), which is
// every host's default gateway. Every link is 1 Gb/s with 10 µs of delay. Host hs_i (address
// 10.s.x.y, i + 2 in the low 16 bits) pings its gateway 10.s.0.1 `--pings` times, one second apart
// (node::Ping: 56 data bytes, as iputils ping), the first at a time drawn uniformly from the seed in
// [0, spread). Per-packet trace recording is off.
//
// ARP is real. Each host resolves its gateway with a broadcast that the switch floods to every other
// port, so a subnet of H hosts carries H · H flooded ARP frames (H² · S in all: 10⁸ at the defaults);
// the router answers from the entry it learned from the request, so it never floods. That is what a
// flat /16 of 1,000 hosts does, and it is counted: `arp_frames` and most of `run_s` are that flood.
// The spread (default 1 s) keeps every link far below capacity: a host's link receives H flooded
// ARP frames per spread, the router's link per subnet 2·H frames each way.
//
// Phases, timed with std::chrono::steady_clock (here only: libnet never reads a clock):
//   topology  the router, the switches with their ports, the hosts with their interfaces and links
//             (no applications): RSS growth over S · H gives `bytes_per_idle_host`, which includes
//             the host's link and its switch port;
//   apps      one node::Ping per host: `bytes_per_ping_app`;
//   run       the event loop, until nothing is left (ARP entries go stale ≤ 45 s simulated).
// build_s = topology + apps. `bytes_per_switch_port` comes from a separate forked probe: a fresh
// process builds one switch with `--probe-ports` K unconnected ports (default: as many as the main
// run has host ports) and divides its RSS growth by K. A connected port also has its link, which
// the per-host figure counts. RSS is read from /proc/self/statm, the peak from getrusage ru_maxrss.
// Several sizes each run in a forked child, so that neither figure is shared between sizes.
//
//   bench_scale                                       S = 100, H = 1000 (100,000 hosts), 1 ping each
//   bench_scale --subnets 10 --hosts-per-subnet 100 --pings 3 --json
//
// Exits 1, saying why, unless every ping gets every reply (replies = pings sent = S · H · pings),
// and no frame is dropped anywhere.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "libnet/core/rng.h"
#include "libnet/link/link.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_interface_address.h"

namespace {

using namespace vpcsim;
using namespace vpcsim::bench;

constexpr std::uint32_t kBase = 0x0a000000;  // 10.0.0.0; subnet s is 10.s.0.0/16
constexpr int kPrefixLen = 16;
constexpr std::size_t kMaxSubnets = 256;
constexpr std::size_t kMaxHostsPerSubnet = 65000;  // addresses .0.2 up to below .255.255
constexpr std::size_t kPingHops = 4;               // host → switch → router, and back

struct Size {
  std::size_t subnets = 100;
  std::size_t hosts_per_subnet = 1000;
};

struct Options {
  std::vector<Size> sizes;
  std::uint32_t pings = 1;
  core::Time spread = core::kSecond;
  std::uint64_t seed = 1;
  std::size_t probe_ports = 0;  // 0: as many as the run has host ports
  bool json = false;
};

[[noreturn]] void usage(const char* argv0, const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", argv0, problem.c_str());
  std::fprintf(stderr,
               "usage: %s [--subnets S]... [--hosts-per-subnet H]... [--pings P] [--spread-ms T] [--seed N]\n"
               "          [--probe-ports K] [--json]\n"
               "  --subnets S           subnets, one switch each (default 100, at most %zu)\n"
               "  --hosts-per-subnet H  hosts per subnet (default 1000, at most %zu); give --subnets and\n"
               "                        --hosts-per-subnet the same number of times for several sizes\n"
               "  --pings P             echo requests per host, 1 s apart (default 1)\n"
               "  --spread-ms T         first requests start uniformly in [0, T ms) (default 1000)\n"
               "  --seed N              simulation seed (default 1)\n"
               "  --probe-ports K       switch ports in the per-port memory probe (default: S * H)\n"
               "  --json                one JSON object per line instead of key=value lines\n",
               argv0, kMaxSubnets, kMaxHostsPerSubnet);
  std::exit(2);
}

std::uint64_t parse_count(const char* argv0, const std::string& option, const char* text, std::uint64_t max) {
  const auto count = count_in_range(text, 1, max);
  if (!count) usage(argv0, option + " expects a count from 1 to " + std::to_string(max) + ", not '" + text + "'");
  return *count;
}

Options parse_options(int argc, char** argv) {
  Options options;
  std::vector<std::size_t> subnets, hosts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(argv[0], arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--subnets") {
      subnets.push_back(parse_count(argv[0], arg, value(), kMaxSubnets));
    } else if (arg == "--hosts-per-subnet") {
      hosts.push_back(parse_count(argv[0], arg, value(), kMaxHostsPerSubnet));
    } else if (arg == "--pings") {
      options.pings = static_cast<std::uint32_t>(parse_count(argv[0], arg, value(), 65535));
    } else if (arg == "--spread-ms") {
      options.spread = static_cast<core::Time>(parse_count(argv[0], arg, value(), 1'000'000)) * core::kMillisecond;
    } else if (arg == "--seed") {
      options.seed = parse_count(argv[0], arg, value(), UINT64_MAX >> 12);
    } else if (arg == "--probe-ports") {
      options.probe_ports = parse_count(argv[0], arg, value(), 100'000'000);
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0], "");
    } else {
      usage(argv[0], "unknown option " + arg);
    }
  }
  if (subnets.empty()) subnets.push_back(Size{}.subnets);
  if (hosts.empty()) hosts.push_back(Size{}.hosts_per_subnet);
  // One value of either applies to every size; otherwise they pair up in order.
  const std::size_t count = std::max(subnets.size(), hosts.size());
  if ((subnets.size() != 1 && subnets.size() != count) || (hosts.size() != 1 && hosts.size() != count))
    usage(argv[0], "give --subnets and --hosts-per-subnet the same number of times (or one of them once)");
  for (std::size_t i = 0; i < count; ++i)
    options.sizes.push_back(Size{subnets[subnets.size() == 1 ? 0 : i], hosts[hosts.size() == 1 ? 0 : i]});
  return options;
}

std::uint64_t growth(std::uint64_t before, std::uint64_t after) { return after > before ? after - before : 0; }

struct Result {
  Size size;
  std::uint64_t hosts = 0;
  std::uint32_t pings = 0;
  core::Time spread = 0;
  std::uint64_t sent = 0;
  std::uint64_t replies = 0;
  std::uint64_t hosts_not_replied = 0;  // Ping outcome other than reply
  double topology_s = 0;
  double apps_s = 0;
  double run_s = 0;
  double run_cpu_s = 0;
  std::uint64_t events = 0;
  std::uint64_t link_frames = 0;
  std::uint64_t link_drops = 0;
  std::uint64_t trace_drops = 0;
  std::uint64_t floods = 0;
  core::Time simulated = 0;
  std::uint64_t topology_rss = 0;
  std::uint64_t apps_rss = 0;
  std::uint64_t run_rss = 0;
  std::uint64_t peak_rss = 0;
  std::uint64_t pool_bytes = 0;
  std::size_t probe_ports = 0;
  std::uint64_t probe_rss = 0;
};

std::string host_name(std::size_t subnet, std::size_t i) {
  std::string name = "h";
  name += std::to_string(subnet);
  name += '_';
  name += std::to_string(i);
  return name;
}

Result run_once(const Size& size, const Options& options) {
  Result r;
  r.size = size;
  r.hosts = static_cast<std::uint64_t>(size.subnets) * size.hosts_per_subnet;
  r.pings = options.pings;
  r.spread = options.spread;

  // --- topology: no applications -----------------------------------------------------------------
  const std::uint64_t rss_start = resident_bytes();
  const auto topology_start = Clock::now();
  node::Network net(options.seed);
  net.trace().set_record_packets(false);
  node::Router& r1 = net.add_router("r1");
  std::vector<node::Switch*> switches;
  std::vector<node::Host*> hosts;
  switches.reserve(size.subnets);
  hosts.reserve(r.hosts);
  for (std::size_t s = 0; s < size.subnets; ++s) {
    const std::uint32_t subnet = kBase + (static_cast<std::uint32_t>(s) << 16);
    node::Switch& sw = net.add_switch("sw" + std::to_string(s));
    switches.push_back(&sw);
    link::Interface& uplink =
        r1.add_interface("eth" + std::to_string(s), wire::Ipv4InterfaceAddress(wire::Ipv4Address(subnet + 1), kPrefixLen));
    net.connect(uplink, sw.add_port());
    for (std::size_t i = 0; i < size.hosts_per_subnet; ++i) {
      node::Host& h = net.add_host(host_name(s, i));
      link::Interface& eth0 = h.add_interface(
          "eth0", wire::Ipv4InterfaceAddress(wire::Ipv4Address(subnet + static_cast<std::uint32_t>(i + 2)), kPrefixLen));
      net.connect(eth0, sw.add_port());
      h.set_default_gateway(wire::Ipv4Address(subnet + 1));
      hosts.push_back(&h);
    }
  }
  const auto topology_end = Clock::now();
  const std::uint64_t rss_topology = resident_bytes();

  // --- apps: every host pings its gateway ----------------------------------------------------------
  std::vector<node::Ping*> pings;
  pings.reserve(r.hosts);
  core::Rng start_rng = net.simulation().rng().stream(0x7374617274);  // "start"
  for (std::size_t s = 0; s < size.subnets; ++s) {
    const std::uint32_t subnet = kBase + (static_cast<std::uint32_t>(s) << 16);
    for (std::size_t i = 0; i < size.hosts_per_subnet; ++i) {
      node::PingConfig config;
      config.destination = wire::Ipv4Address(subnet + 1);
      config.count = options.pings;
      config.interval = core::kSecond;
      config.start = static_cast<core::Time>(start_rng.below(static_cast<std::uint64_t>(options.spread)));
      pings.push_back(&hosts[s * size.hosts_per_subnet + i]->add_application<node::Ping>(config));
    }
  }
  const auto apps_end = Clock::now();
  const std::uint64_t rss_apps = resident_bytes();
  r.topology_s = seconds_between(topology_start, topology_end);
  r.apps_s = seconds_between(topology_end, apps_end);
  r.topology_rss = growth(rss_start, rss_topology);
  r.apps_rss = growth(rss_topology, rss_apps);

  // --- run: nothing but the loop between the clock reads --------------------------------------------
  const double cpu_start = cpu_seconds();
  const auto run_start = Clock::now();
  r.events = net.run();
  const auto run_end = Clock::now();
  r.run_cpu_s = cpu_seconds() - cpu_start;
  r.run_s = seconds_between(run_start, run_end);

  r.simulated = net.now();
  for (const node::Ping* ping : pings) {
    r.sent += ping->sent();
    r.replies += ping->received();
    if (ping->outcome() != node::Outcome::reply) ++r.hosts_not_replied;
  }
  const LinkTotals links = link_totals(net);
  r.link_frames = links.frames;
  r.link_drops = links.drops;
  for (const node::Switch* sw : switches) r.floods += sw->counters().flooded;
  r.trace_drops = net.trace().total_drops();
  r.pool_bytes = net.pool().bytes_reserved();
  r.run_rss = growth(rss_apps, resident_bytes());
  r.peak_rss = peak_resident_bytes();
  return r;
}

/// RSS growth of a fresh process building one switch with `ports` unconnected ports (in a forked
/// child, so that nothing freed by an earlier build is reused); 0 if the probe failed.
std::uint64_t probe_switch_ports(std::size_t ports, std::uint64_t seed) {
  int fds[2];
  if (pipe(fds) != 0) return 0;
  const pid_t child = fork();
  if (child < 0) return 0;
  if (child == 0) {
    close(fds[0]);
    const std::uint64_t before = resident_bytes();
    node::Network net(seed);
    node::Switch& sw = net.add_switch("probe");
    for (std::size_t i = 0; i < ports; ++i) sw.add_port();
    const std::uint64_t bytes = growth(before, resident_bytes());
    const bool ok = write(fds[1], &bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  std::uint64_t bytes = 0;
  if (read(fds[0], &bytes, sizeof bytes) != static_cast<ssize_t>(sizeof bytes)) bytes = 0;
  close(fds[0]);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  return bytes;
}

void print(const Result& r, bool json) {
  const double mib = 1024.0 * 1024.0;
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  const double build_s = r.topology_s + r.apps_s;
  const double hosts = static_cast<double>(r.hosts);
  const std::uint64_t ping_frames = kPingHops * r.replies;
  const std::uint64_t arp_frames = r.link_frames > ping_frames ? r.link_frames - ping_frames : 0;
  const double ns_per_hop = ratio(r.run_s * 1e9, static_cast<double>(r.link_frames));
  const double cpu_ns_per_hop = ratio(r.run_cpu_s * 1e9, static_cast<double>(r.link_frames));
  const double ns_per_event = ratio(r.run_s * 1e9, static_cast<double>(r.events));
  const double bytes_per_idle_host = ratio(static_cast<double>(r.topology_rss), hosts);
  const double bytes_per_ping_app = ratio(static_cast<double>(r.apps_rss), hosts);
  const double bytes_per_switch_port = ratio(static_cast<double>(r.probe_rss), static_cast<double>(r.probe_ports));
  const double hosts_per_build_s = ratio(hosts, build_s);
  std::printf(json ? "{\"benchmark\":\"scale\",\"subnets\":%zu,\"hosts_per_subnet\":%zu,\"hosts\":%llu,"
                     "\"pings_per_host\":%u,\"spread_s\":%.3f,\"pings_sent\":%llu,\"replies\":%llu,"
                     "\"build_s\":%.6f,\"topology_s\":%.6f,\"apps_s\":%.6f,\"hosts_per_build_s\":%.0f,"
                     "\"run_s\":%.6f,\"run_cpu_s\":%.6f,\"events\":%llu,\"ns_per_event\":%.1f,"
                     "\"link_frames\":%llu,\"arp_frames\":%llu,\"floods\":%llu,\"ns_per_hop\":%.1f,"
                     "\"cpu_ns_per_hop\":%.1f,\"simulated_s\":%.6f,\"peak_rss_mib\":%.2f,\"topology_rss_mib\":%.2f,"
                     "\"bytes_per_idle_host\":%.0f,\"bytes_per_ping_app\":%.0f,\"probe_ports\":%zu,"
                     "\"bytes_per_switch_port\":%.0f,\"run_rss_growth_mib\":%.2f,\"frame_pool_mib\":%.2f}\n"
                   : "subnets=%zu hosts_per_subnet=%zu hosts=%llu pings_per_host=%u spread_s=%.3f pings_sent=%llu "
                     "replies=%llu build_s=%.4f topology_s=%.4f apps_s=%.4f hosts_per_build_s=%.0f run_s=%.4f "
                     "run_cpu_s=%.4f events=%llu ns_per_event=%.1f link_frames=%llu arp_frames=%llu floods=%llu "
                     "ns_per_hop=%.1f cpu_ns_per_hop=%.1f simulated_s=%.4f peak_rss_mib=%.1f topology_rss_mib=%.1f "
                     "bytes_per_idle_host=%.0f bytes_per_ping_app=%.0f probe_ports=%zu bytes_per_switch_port=%.0f "
                     "run_rss_growth_mib=%.1f frame_pool_mib=%.1f\n",
              r.size.subnets, r.size.hosts_per_subnet, u(r.hosts), r.pings, static_cast<double>(r.spread) / 1e9,
              u(r.sent), u(r.replies), build_s, r.topology_s, r.apps_s, hosts_per_build_s, r.run_s, r.run_cpu_s,
              u(r.events), ns_per_event, u(r.link_frames), u(arp_frames), u(r.floods), ns_per_hop, cpu_ns_per_hop,
              static_cast<double>(r.simulated) / 1e9, static_cast<double>(r.peak_rss) / mib,
              static_cast<double>(r.topology_rss) / mib, bytes_per_idle_host, bytes_per_ping_app, r.probe_ports,
              bytes_per_switch_port, static_cast<double>(r.run_rss) / mib, static_cast<double>(r.pool_bytes) / mib);
  std::fflush(stdout);
}

/// Runs one size, prints its line; returns the process exit status (0, or 1 with a reason on stderr).
int run_and_report(const Size& size, const Options& options) {
  const std::size_t probe_ports = options.probe_ports != 0 ? options.probe_ports : size.subnets * size.hosts_per_subnet;
  const std::uint64_t probe_rss = probe_switch_ports(probe_ports, options.seed);  // before: a child of a small process
  Result r = run_once(size, options);
  r.probe_ports = probe_ports;
  r.probe_rss = probe_rss;
  print(r, options.json);
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  const std::uint64_t expected = r.hosts * options.pings;
  int status = 0;
  if (r.sent != expected || r.replies != expected || r.hosts_not_replied != 0) {
    std::fprintf(stderr,
                 "bench_scale: FAILED at %zu x %zu hosts: %llu echo requests sent, %llu replies, expected %llu of "
                 "each; %llu hosts without the outcome 'reply'\n",
                 size.subnets, size.hosts_per_subnet, u(r.sent), u(r.replies), u(expected), u(r.hosts_not_replied));
    status = 1;
  }
  if (r.link_drops != 0 || r.trace_drops != 0) {
    std::fprintf(stderr, "bench_scale: FAILED at %zu x %zu hosts: %llu link queue drops, %llu drops traced\n",
                 size.subnets, size.hosts_per_subnet, u(r.link_drops), u(r.trace_drops));
    status = 1;
  }
  if (probe_rss == 0) {
    std::fprintf(stderr, "bench_scale: the switch-port memory probe failed (no /proc/self/statm, or fork)\n");
    status = 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  if (!options.json)
    std::printf("# bench_scale: S subnets x H hosts, one switch per subnet, 1 router; every host pings its gateway "
                "%u time(s), first within %.3f s; seed %llu\n",
                options.pings, static_cast<double>(options.spread) / 1e9, static_cast<unsigned long long>(options.seed));
  std::fflush(stdout);
  if (options.sizes.size() == 1) return run_and_report(options.sizes.front(), options);

  return run_each_in_child(
      "bench_scale", options.sizes, [&](const Size& size) { return run_and_report(size, options); },
      [](const Size& size) { return std::to_string(size.subnets) + " x " + std::to_string(size.hosts_per_subnet) + " hosts"; });
}
