// Forwarding throughput of the node layer: hosts, learning switches, a router, real ARP.
//
//   LAN A 10.1.0.0/16                                      LAN B 10.2.0.0/16
//   a0 ─┐                                                  ┌─ b0
//   a1 ─┤                                                  ├─ b1
//   ... ├── sa (switch) ── r1.eth0  r1  r1.eth1 ── sb (switch) ─┤ ...
//   aN-1┘   10.1.0.1                        10.2.0.1       └─ bN-1
//
// Every host has its own 1 Gb/s link (10 µs delay) to its LAN's learning switch, and its default
// gateway is the router. Host ai sends M datagrams of 64 bytes of UDP payload to bi, which counts them
// with a receive-only node::UdpResponder. ARP runs for real on both sides: each ai resolves the router
// (a broadcast flooded to the N ports of sa) and the router resolves each bi (flooded to the N ports of
// sb), so a flat LAN of N hosts costs about N² flooded ARP frames on each side: that is what a /16
// with 10,000 hosts does, and it is counted.
//
// Pacing: the busiest links are the two router links, which carry every flow. In the first round a
// flow puts one data frame and one ARP frame on each of them, so a flow sends one datagram per
// interval = 3 · N · (serialisation of a data frame + of an ARP frame); no link runs above a third of
// its capacity (about a fifth once ARP is done). Start times are drawn uniformly in [0, interval)
// from the simulation's seed, so the flows interleave irregularly, as they would.
//
// Timing (std::chrono::steady_clock, here only: libnet never reads a clock): build = constructing the
// network; run = the event loop only, split at "warm-up end" (interval + 500 µs, after which every ARP
// exchange is done) so the steady-state cost of unicast forwarding is reported on its own. A "hop" is
// one frame delivered over one link direction, counted from the links' stats; a datagram takes 4.
// Memory: peak RSS (getrusage ru_maxrss) and the RSS growth across building the network
// (/proc/self/statm), divided by the 2N hosts for a per-host figure that includes its switch port,
// link and applications. With several sizes, each runs in a forked child, so that neither RSS figure
// is shared between sizes.
//
//   bench_forwarding                         N = 10, 100, 1000, 10000; M = 100
//   bench_forwarding --hosts 1000 --datagrams 100 --json
//
// Exits 1, saying why, if a datagram is lost or any drop is traced.
#include <sys/wait.h>
#include <unistd.h>

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
#include "libnet/node/sockets.h"
#include "libnet/node/udp_apps.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_interface_address.h"

namespace {

using namespace vpcsim;
using namespace vpcsim::bench;

constexpr std::uint16_t kPort = 9;  // discard
constexpr std::size_t kPayloadLen = 64;
constexpr std::size_t kDataFrameLen = 14 + 20 + 8 + kPayloadLen;  // Ethernet + IPv4 + UDP + payload
constexpr std::size_t kArpFrameLen = 14 + 28;
constexpr std::uint32_t kLanA = 0x0a010000;  // 10.1.0.0/16
constexpr std::uint32_t kLanB = 0x0a020000;  // 10.2.0.0/16
constexpr int kPrefixLen = 16;
constexpr std::size_t kMaxHosts = 65000;  // host addresses .0.2 up to below .255.255
constexpr core::Time kArpSettle = 500 * core::kMicrosecond;

enum class Sink { responder, counter };

struct Options {
  std::vector<std::size_t> hosts{10, 100, 1000, 10000};
  std::uint32_t datagrams = 100;
  std::uint64_t seed = 1;
  bool json = false;
  Sink sink = Sink::responder;
};

[[noreturn]] void usage(const char* argv0, const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", argv0, problem.c_str());
  std::fprintf(stderr,
               "usage: %s [--hosts N]... [--datagrams M] [--seed S] [--json] [--sink responder|counter]\n"
               "  --hosts N      hosts per LAN (repeatable; default 10, 100, 1000, 10000; at most %zu)\n"
               "  --datagrams M  datagrams each host of LAN A sends (default 100)\n"
               "  --seed S       simulation seed (default 1)\n"
               "  --json         one JSON object per line instead of key=value lines\n"
               "  --sink         responder: node::UdpResponder with an empty reply (default);\n"
               "                 counter: a UdpHandler that only counts (no per-datagram storage)\n",
               argv0, kMaxHosts);
  std::exit(2);
}

std::uint64_t parse_count(const char* argv0, const std::string& option, const char* text, std::uint64_t max) {
  const auto count = count_in_range(text, 1, max);
  if (!count) usage(argv0, option + " expects a count from 1 to " + std::to_string(max) + ", not '" + text + "'");
  return *count;
}

Options parse_options(int argc, char** argv) {
  Options options;
  bool hosts_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(argv[0], arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--hosts") {
      if (!hosts_given) options.hosts.clear();
      hosts_given = true;
      options.hosts.push_back(parse_count(argv[0], arg, value(), kMaxHosts));
    } else if (arg == "--datagrams") {
      options.datagrams = static_cast<std::uint32_t>(parse_count(argv[0], arg, value(), 1'000'000'000));
    } else if (arg == "--seed") {
      options.seed = parse_count(argv[0], arg, value(), UINT64_MAX >> 12);
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--sink") {
      const std::string sink = value();
      if (sink == "responder") {
        options.sink = Sink::responder;
      } else if (sink == "counter") {
        options.sink = Sink::counter;
      } else {
        usage(argv[0], "--sink is 'responder' or 'counter', not '" + sink + "'");
      }
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0], "");
    } else {
      usage(argv[0], "unknown option " + arg);
    }
  }
  return options;
}

std::string numbered(char prefix, std::size_t i) {
  std::string name(1, prefix);
  name += std::to_string(i);
  return name;
}

/// Counts datagrams and keeps nothing: the cheapest possible receiver, for comparison.
class CountingSink final : public node::UdpHandler {
 public:
  void on_datagram(node::IpNode&, const node::ReceivedDatagram&) override { ++received_; }
  void on_icmp_error(node::IpNode&, const node::IcmpErrorReport&) override {}
  std::uint64_t received() const { return received_; }

 private:
  std::uint64_t received_ = 0;
};

struct Result {
  std::size_t hosts = 0;
  std::uint32_t datagrams = 0;
  std::uint64_t expected = 0;
  std::uint64_t delivered = 0;
  double build_s = 0;
  double run_s = 0;
  double warmup_s = 0;
  double steady_s = 0;
  double run_cpu_s = 0;
  double steady_cpu_s = 0;
  std::uint64_t link_frames = 0;
  std::uint64_t steady_frames = 0;
  std::uint64_t steady_floods = 0;
  std::uint64_t steady_delivered = 0;
  std::uint64_t link_drops = 0;
  std::uint64_t trace_drops = 0;
  std::uint64_t events = 0;
  core::Time interval = 0;
  core::Time simulated = 0;
  std::uint64_t peak_rss = 0;
  std::uint64_t topology_rss = 0;
  std::uint64_t run_rss = 0;
  std::uint64_t pool_bytes = 0;
};

Result run_once(std::size_t hosts, std::uint32_t datagrams, std::uint64_t seed, Sink sink_kind) {
  Result r;
  r.hosts = hosts;
  r.datagrams = datagrams;
  r.expected = static_cast<std::uint64_t>(hosts) * datagrams;

  CountingSink counting_sink;  // outlives the network that holds a pointer to it
  std::vector<node::UdpResponder*> responders;
  responders.reserve(hosts);

  const std::uint64_t rss_before = resident_bytes();
  const auto build_start = Clock::now();

  node::Network net(seed);
  net.trace().set_record_packets(false);
  node::Router& r1 = net.add_router("r1");
  node::Switch& sa = net.add_switch("sa");
  node::Switch& sb = net.add_switch("sb");
  const wire::Ipv4Address gateway_a(kLanA + 1), gateway_b(kLanB + 1);
  // (Separate statements: the order of creation fixes the MACs drawn from the seed.)
  link::Interface& r1_eth0 = r1.add_interface("eth0", wire::Ipv4InterfaceAddress(gateway_a, kPrefixLen));
  link::Link& uplink_a = net.connect(r1_eth0, sa.add_port());
  link::Interface& r1_eth1 = r1.add_interface("eth1", wire::Ipv4InterfaceAddress(gateway_b, kPrefixLen));
  net.connect(r1_eth1, sb.add_port());

  const core::Time per_flow = uplink_a.serialisation_time(kDataFrameLen) + uplink_a.serialisation_time(kArpFrameLen);
  r.interval = 3 * static_cast<core::Time>(hosts) * per_flow;
  core::Rng start_rng = net.simulation().rng().stream(0x7374617274);  // "start"

  const std::string payload(kPayloadLen, 'v');
  for (std::size_t i = 0; i < hosts; ++i) {
    const auto offset = static_cast<std::uint32_t>(i + 2);
    node::Host& b = net.add_host(numbered('b', i));
    link::Interface& b_eth0 =
        b.add_interface("eth0", wire::Ipv4InterfaceAddress(wire::Ipv4Address(kLanB + offset), kPrefixLen));
    net.connect(b_eth0, sb.add_port());
    b.set_default_gateway(gateway_b);
    if (sink_kind == Sink::responder) {
      responders.push_back(&b.add_application<node::UdpResponder>({kPort}));
    } else {
      b.bind_udp(kPort, counting_sink);
    }

    node::Host& a = net.add_host(numbered('a', i));
    link::Interface& a_eth0 =
        a.add_interface("eth0", wire::Ipv4InterfaceAddress(wire::Ipv4Address(kLanA + offset), kPrefixLen));
    net.connect(a_eth0, sa.add_port());
    a.set_default_gateway(gateway_a);
    node::UdpClientConfig flow;
    flow.destination = wire::Ipv4Address(kLanB + offset);
    flow.dst_port = kPort;
    flow.data = payload;
    flow.start = static_cast<core::Time>(start_rng.below(static_cast<std::uint64_t>(r.interval)));
    flow.count = datagrams;
    flow.interval = r.interval;
    a.add_application<node::UdpClient>(flow);
  }

  const auto build_end = Clock::now();
  r.build_s = seconds_between(build_start, build_end);
  const std::uint64_t rss_built = resident_bytes();
  r.topology_rss = rss_built > rss_before ? rss_built - rss_before : 0;

  auto delivered_now = [&] {
    if (sink_kind == Sink::counter) return counting_sink.received();
    std::uint64_t total = 0;
    for (const node::UdpResponder* responder : responders) total += responder->received();
    return total;
  };

  // The event loop, in two timed parts; nothing but the loop runs between the clock reads.
  const double cpu_start = cpu_seconds();
  const auto run_start = Clock::now();
  r.events = net.run_until(r.interval + kArpSettle);
  const auto warm_end = Clock::now();
  const double cpu_warm_end = cpu_seconds();
  const LinkTotals warm_links = link_totals(net);
  const std::uint64_t warm_floods = sa.counters().flooded + sb.counters().flooded;
  const std::uint64_t warm_delivered = delivered_now();
  const double cpu_steady_start = cpu_seconds();
  const auto steady_start = Clock::now();
  r.events += net.run();
  const auto run_end = Clock::now();
  const double cpu_end = cpu_seconds();
  r.steady_cpu_s = cpu_end - cpu_steady_start;
  r.run_cpu_s = (cpu_warm_end - cpu_start) + r.steady_cpu_s;

  r.warmup_s = seconds_between(run_start, warm_end);
  r.steady_s = seconds_between(steady_start, run_end);
  r.run_s = r.warmup_s + r.steady_s;
  r.simulated = net.now();
  r.delivered = delivered_now();
  r.steady_delivered = r.delivered - warm_delivered;
  const LinkTotals links = link_totals(net);
  r.link_frames = links.frames;
  r.link_drops = links.drops;
  r.steady_frames = links.frames - warm_links.frames;
  r.steady_floods = sa.counters().flooded + sb.counters().flooded - warm_floods;
  r.trace_drops = net.trace().total_drops();
  r.pool_bytes = net.pool().bytes_reserved();
  const std::uint64_t rss_run = resident_bytes();
  r.run_rss = rss_run > rss_built ? rss_run - rss_built : 0;
  r.peak_rss = peak_resident_bytes();
  return r;
}

void print(const Result& r, bool json) {
  const double mib = 1024.0 * 1024.0;
  const double hops_per_packet = ratio(static_cast<double>(r.link_frames), static_cast<double>(r.delivered));
  const double ns_per_hop = ratio(r.run_s * 1e9, static_cast<double>(r.link_frames));
  const double steady_ns_per_hop = ratio(r.steady_s * 1e9, static_cast<double>(r.steady_frames));
  const double delivered_per_s = ratio(static_cast<double>(r.delivered), r.run_s);
  const double ns_per_event = ratio(r.run_s * 1e9, static_cast<double>(r.events));
  const double cpu_ns_per_hop = ratio(r.run_cpu_s * 1e9, static_cast<double>(r.link_frames));
  const double steady_cpu_ns_per_hop = ratio(r.steady_cpu_s * 1e9, static_cast<double>(r.steady_frames));
  const double bytes_per_host = ratio(static_cast<double>(r.topology_rss), 2.0 * static_cast<double>(r.hosts));
  const std::uint64_t arp_frames = r.link_frames - 4 * r.delivered;
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  if (json) {
    std::printf(
        "{\"benchmark\":\"forwarding\",\"hosts\":%zu,\"datagrams_per_host\":%u,\"delivered\":%llu,"
        "\"build_s\":%.6f,\"run_s\":%.6f,\"delivered_per_s\":%.1f,\"link_frames\":%llu,\"arp_frames\":%llu,"
        "\"hops_per_packet\":%.3f,\"ns_per_hop\":%.1f,\"run_cpu_s\":%.6f,\"cpu_ns_per_hop\":%.1f,"
        "\"steady_cpu_ns_per_hop\":%.1f,\"warmup_s\":%.6f,\"steady_s\":%.6f,\"steady_frames\":%llu,"
        "\"steady_delivered\":%llu,\"steady_ns_per_hop\":%.1f,\"steady_floods\":%llu,\"events\":%llu,"
        "\"ns_per_event\":%.1f,\"simulated_s\":%.6f,\"interval_ns\":%lld,\"peak_rss_mib\":%.2f,"
        "\"topology_rss_mib\":%.2f,\"bytes_per_host\":%.0f,\"run_rss_growth_mib\":%.2f,\"frame_pool_mib\":%.2f}\n",
        r.hosts, r.datagrams, u(r.delivered), r.build_s, r.run_s, delivered_per_s, u(r.link_frames), u(arp_frames),
        hops_per_packet, ns_per_hop, r.run_cpu_s, cpu_ns_per_hop, steady_cpu_ns_per_hop, r.warmup_s, r.steady_s, u(r.steady_frames), u(r.steady_delivered),
        steady_ns_per_hop, u(r.steady_floods), u(r.events), ns_per_event, static_cast<double>(r.simulated) / 1e9,
        static_cast<long long>(r.interval), static_cast<double>(r.peak_rss) / mib,
        static_cast<double>(r.topology_rss) / mib, bytes_per_host, static_cast<double>(r.run_rss) / mib,
        static_cast<double>(r.pool_bytes) / mib);
  } else {
    std::printf(
        "hosts=%zu datagrams_per_host=%u delivered=%llu build_s=%.4f run_s=%.4f delivered_per_s=%.0f "
        "link_frames=%llu arp_frames=%llu hops_per_packet=%.2f ns_per_hop=%.1f steady_ns_per_hop=%.1f "
        "run_cpu_s=%.4f cpu_ns_per_hop=%.1f steady_cpu_ns_per_hop=%.1f "
        "steady_floods=%llu events=%llu ns_per_event=%.1f simulated_s=%.4f peak_rss_mib=%.1f "
        "topology_rss_mib=%.1f bytes_per_host=%.0f run_rss_growth_mib=%.1f frame_pool_mib=%.1f\n",
        r.hosts, r.datagrams, u(r.delivered), r.build_s, r.run_s, delivered_per_s, u(r.link_frames), u(arp_frames),
        hops_per_packet, ns_per_hop, steady_ns_per_hop, r.run_cpu_s, cpu_ns_per_hop, steady_cpu_ns_per_hop,
        u(r.steady_floods), u(r.events), ns_per_event,
        static_cast<double>(r.simulated) / 1e9, static_cast<double>(r.peak_rss) / mib,
        static_cast<double>(r.topology_rss) / mib, bytes_per_host, static_cast<double>(r.run_rss) / mib,
        static_cast<double>(r.pool_bytes) / mib);
  }
  std::fflush(stdout);
}

/// Runs one size, prints its line; returns the process exit status (0, or 1 with a reason on stderr).
int run_and_report(std::size_t hosts, const Options& options) {
  const Result r = run_once(hosts, options.datagrams, options.seed, options.sink);
  print(r, options.json);
  int status = 0;
  if (r.delivered != r.expected) {
    std::fprintf(stderr, "bench_forwarding: FAILED at %zu hosts: %llu datagrams delivered, expected %llu\n", hosts,
                 static_cast<unsigned long long>(r.delivered), static_cast<unsigned long long>(r.expected));
    status = 1;
  }
  if (r.link_drops != 0 || r.trace_drops != 0) {
    std::fprintf(stderr, "bench_forwarding: FAILED at %zu hosts: %llu link queue drops, %llu drops traced\n", hosts,
                 static_cast<unsigned long long>(r.link_drops), static_cast<unsigned long long>(r.trace_drops));
    status = 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  if (!options.json)
    std::printf("# bench_forwarding: 2 LANs x N hosts, 1 router, %u datagrams of %zu B per host, seed %llu, sink %s\n",
                options.datagrams, kPayloadLen, static_cast<unsigned long long>(options.seed),
                options.sink == Sink::responder ? "responder" : "counter");
  std::fflush(stdout);
  if (options.hosts.size() == 1) return run_and_report(options.hosts.front(), options);

  return run_each_in_child(
      "bench_forwarding", options.hosts, [&](std::size_t hosts) { return run_and_report(hosts, options); },
      [](std::size_t hosts) { return std::to_string(hosts) + " hosts"; });
}
