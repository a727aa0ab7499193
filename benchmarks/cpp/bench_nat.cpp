// A NAT box under load (issue 4): F UDP flows through one masquerading node::NatRouter.
//
//   inside LAN 10.0.0.0/16                                       outside LAN 100.64.0.0/16
//   h0 ─┐                                                         ┌─ s0   UdpResponder :9
//   h1 ─┤                                                         ├─ s1
//   ... ├── sw_in ── eth0 10.0.0.1 [nat1] eth1 100.64.0.1 ── sw_out ┤ ...
//   hH-1┘            masquerade 10.0.0.0/16 out of eth1           └─ sS-1
//
// Flow f (0 <= f < F) is inside host h = f mod H, source port 10000 + f div H, towards server
// s = (h + f div H) mod S, port 9; the server answers every datagram. Every inside host starts its
// ports at 10000, as overlapping ephemeral ranges do, so with H > S several hosts use the same source
// port towards the same server and all but one of them get a new port from the allocator: by default
// (H = 100, S = 50) half the flows keep their port and half are re-mapped, the two paths of
// stack::unique_source_tuple. Each (server, port 9, udp) destination sees F/S flows on the NAT's one
// outside address, far below its 64,512 ports (1024-65535); more than 60,000 is refused.
//
// Traffic is generated here, cheaply, but travels the real path: one pending event at a time calls
// Host::send_udp on the inside host of the next flow, so every datagram is a frame on the host's link,
// through sw_in (learning, ARP flooding), the NatRouter's PREROUTING/routing/POSTROUTING, sw_out, the
// server's stack and its UdpResponder, and the reply back through the NAT, translated back, to the
// inside host's socket, where the generator counts it against the flow its address and port name.
//
// Phases, each timed on its own (steady_clock, CPU time; libnet never reads a clock):
//   build     the network, sockets bound for every flow;
//   setup     every flow sends its first datagram (a new conntrack entry, a port chosen, ARP on both
//             LANs the first time a host is seen) and gets its reply: translations per wall second;
//   steady    P more rounds over the established flows: packets through the NAT per wall second and
//             wall ns per translated packet (the whole simulation's cost per NAT-traversing packet:
//             links, switches, both end hosts and the NAT);
//   expiry    the event loop runs dry: every entry times out (30 s simulated: UDP's unreplied timeout,
//             since the flows are younger than the 2 s after which a replied flow counts as a stream).
// Pacing: one datagram every 3 x (serialisation of a data frame + of an ARP frame) over the whole
// network, so the NAT's links, which carry every flow, stay below a third of their capacity.
// Memory: ConnTrack::memory_bytes() / entries (entries, free list, index, at their capacities), and the
// RSS growth across the setup phase per flow, which also holds each entry's expiry event in the
// scheduler's heap, ARP and MAC table entries and frame pool growth (sockets are bound at build time).
// --router plain swaps the NatRouter for a plain node::Router (servers route back to the inside LAN):
// the same traffic without NAT, to isolate what translation costs.
//
//   bench_nat                                   F = 100,000, H = 100, S = 50, P = 4
//   bench_nat --flows 1000 --inside-hosts 10 --servers 5 --rounds 2 --json
//
// Exits 1, saying why, if any flow misses a reply, a reply arrives at the wrong host, port or from the
// wrong server, a drop is traced, a link queue overflows, or the conntrack counts are not F.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "libnet/core/event.h"
#include "libnet/link/link.h"
#include "libnet/node/nat_router.h"
#include "libnet/node/network.h"
#include "libnet/node/router.h"
#include "libnet/node/sockets.h"
#include "libnet/node/udp_apps.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_interface_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace {

using namespace vpcsim;
using namespace vpcsim::bench;

constexpr std::uint32_t kInside = 0x0a000000;    // 10.0.0.0/16
constexpr std::uint32_t kOutside = 0x64400000;   // 100.64.0.0/16
constexpr int kPrefixLen = 16;
constexpr std::size_t kMaxHosts = 65000;         // addresses .0.2 up to below .255.255
constexpr std::uint16_t kFirstPort = 10000;
constexpr std::size_t kMaxPortsPerHost = 65535 - kFirstPort + 1;
constexpr std::size_t kMaxFlowsPerDestination = 60000;  // of the 64,512 ports 1024-65535
constexpr std::uint16_t kServicePort = 9;
constexpr std::size_t kPayloadLen = 16;
constexpr std::size_t kDataFrameLen = 14 + 20 + 8 + kPayloadLen;
constexpr std::size_t kArpFrameLen = 14 + 28;
constexpr core::Time kSettle = 5 * core::kMillisecond;  // after a round's last send: its reply, ARP

enum class Box { nat, plain };

struct Options {
  std::size_t flows = 100'000;
  std::size_t inside_hosts = 100;
  std::size_t servers = 50;
  std::uint32_t rounds = 4;
  std::uint64_t seed = 1;
  bool json = false;
  Box box = Box::nat;
};

[[noreturn]] void usage(const char* argv0, const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", argv0, problem.c_str());
  std::fprintf(stderr,
               "usage: %s [--flows F] [--inside-hosts H] [--servers S] [--rounds P] [--seed N] [--json]\n"
               "          [--router nat|plain]\n"
               "  --flows F         UDP flows through the NAT (default 100000)\n"
               "  --inside-hosts H  hosts on the inside LAN sharing the flows (default 100, at most %zu)\n"
               "  --servers S       outside servers, each one (address, port 9, udp) destination (default 50)\n"
               "  --rounds P        datagrams per flow in the steady phase, after the first (default 4)\n"
               "  --seed N          simulation seed (default 1)\n"
               "  --json            one JSON object per line instead of key=value\n"
               "  --router          nat: a masquerading NatRouter (default); plain: a Router, no NAT\n",
               argv0, kMaxHosts);
  std::exit(2);
}

std::uint64_t parse_count(const char* argv0, const std::string& option, const char* text, std::uint64_t min,
                          std::uint64_t max) {
  const auto count = count_in_range(text, min, max);
  if (!count)
    usage(argv0, option + " expects a count from " + std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                     text + "'");
  return *count;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(argv[0], arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--flows") {
      o.flows = parse_count(argv[0], arg, value(), 1, 100'000'000);
    } else if (arg == "--inside-hosts") {
      o.inside_hosts = parse_count(argv[0], arg, value(), 1, kMaxHosts);
    } else if (arg == "--servers") {
      o.servers = parse_count(argv[0], arg, value(), 1, kMaxHosts);
    } else if (arg == "--rounds") {
      o.rounds = static_cast<std::uint32_t>(parse_count(argv[0], arg, value(), 0, 1'000'000));
    } else if (arg == "--seed") {
      o.seed = parse_count(argv[0], arg, value(), 0, UINT64_MAX >> 12);
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--router") {
      const std::string box = value();
      if (box == "nat") {
        o.box = Box::nat;
      } else if (box == "plain") {
        o.box = Box::plain;
      } else {
        usage(argv[0], "--router is 'nat' or 'plain', not '" + box + "'");
      }
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0], "");
    } else {
      usage(argv[0], "unknown option " + arg);
    }
  }
  const std::size_t ports_per_host = (o.flows + o.inside_hosts - 1) / o.inside_hosts;
  if (ports_per_host > kMaxPortsPerHost)
    usage(argv[0], std::to_string(o.flows) + " flows over " + std::to_string(o.inside_hosts) + " inside hosts need " +
                       std::to_string(ports_per_host) + " source ports per host, more than the " +
                       std::to_string(kMaxPortsPerHost) + " from " + std::to_string(kFirstPort) +
                       " up: raise --inside-hosts");
  const std::size_t per_destination = (o.flows + o.servers - 1) / o.servers;
  if (per_destination > kMaxFlowsPerDestination)
    usage(argv[0], std::to_string(o.flows) + " flows over " + std::to_string(o.servers) + " servers put " +
                       std::to_string(per_destination) + " flows on one (server, port, udp) destination, near the " +
                       "64,512 outside ports of one address: raise --servers");
  return o;
}

std::string numbered(char prefix, std::size_t i) {
  std::string name(1, prefix);
  name += std::to_string(i);
  return name;
}

wire::Ipv4Address host_address(std::uint32_t lan, std::size_t i) {
  return wire::Ipv4Address(lan + static_cast<std::uint32_t>(i + 2));
}

/// Sends the flows' datagrams, one pending event at a time, from the inside hosts' own sockets, and
/// checks each reply against the flow its (inside address, port) names.
class FlowGenerator final : public core::EventHandler, public node::UdpHandler {
 public:
  FlowGenerator(core::Simulation& sim, std::vector<node::Host*> hosts, std::size_t flows, std::size_t servers,
                core::Time spacing)
      : sim_(sim), hosts_(std::move(hosts)), flows_(flows), servers_(servers), spacing_(spacing),
        replies_(flows, 0), payload_(kPayloadLen, 0x76) {
    for (std::size_t h = 0; h < hosts_.size(); ++h)
      for (std::size_t k = 0; h + k * hosts_.size() < flows_; ++k)
        hosts_[h]->bind_udp(static_cast<std::uint16_t>(kFirstPort + k), *this);
  }

  /// `rounds` datagrams per flow, flows interleaved, the first at `start`.
  void start(core::Time start, std::uint32_t rounds) {
    sends_left_ = static_cast<std::uint64_t>(rounds) * flows_;
    if (sends_left_ > 0) sim_.schedule_at(start, *this, 0, 0);
  }
  /// When the last send of `rounds` rounds starting at `start` happens.
  core::Time last_send(core::Time start, std::uint32_t rounds) const {
    return start + static_cast<core::Time>(static_cast<std::uint64_t>(rounds) * flows_ - 1) * spacing_;
  }

  void handle_event(const core::Event& event) override {
    const std::size_t f = event.arg;
    const std::size_t h = f % hosts_.size();
    const std::size_t k = f / hosts_.size();
    const node::SendStatus status = hosts_[h]->send_udp(static_cast<std::uint16_t>(kFirstPort + k),
                                                        server_of(h, k), kServicePort, payload_);
    if (status != node::SendStatus::sent) ++send_failures_;
    if (--sends_left_ > 0) sim_.schedule_in(spacing_, *this, 0, f + 1 == flows_ ? 0 : f + 1);
  }

  void on_datagram(node::IpNode&, const node::ReceivedDatagram& d) override {
    const std::uint32_t host_offset = d.dst.to_u32() - kInside;
    const std::size_t h = host_offset - 2;
    const std::size_t k = static_cast<std::size_t>(d.dst_port) - kFirstPort;
    const std::size_t f = k * hosts_.size() + h;
    if (host_offset < 2 || h >= hosts_.size() || d.dst_port < kFirstPort || f >= flows_ ||
        d.src != server_of(h, k) || d.src_port != kServicePort) {
      ++misdelivered_;
      return;
    }
    ++replies_[f];
  }
  void on_icmp_error(node::IpNode&, const node::IcmpErrorReport&) override { ++icmp_errors_; }

  /// Flows with fewer than `want` replies (or more).
  std::size_t flows_without(std::uint32_t want) const {
    std::size_t wrong = 0;
    for (std::uint32_t n : replies_) wrong += n != want;
    return wrong;
  }
  std::uint64_t misdelivered() const { return misdelivered_; }
  std::uint64_t icmp_errors() const { return icmp_errors_; }
  std::uint64_t send_failures() const { return send_failures_; }

 private:
  wire::Ipv4Address server_of(std::size_t h, std::size_t k) const { return host_address(kOutside, (h + k) % servers_); }

  core::Simulation& sim_;
  std::vector<node::Host*> hosts_;
  std::size_t flows_;
  std::size_t servers_;
  core::Time spacing_;
  std::vector<std::uint32_t> replies_;
  std::vector<std::uint8_t> payload_;
  std::uint64_t sends_left_ = 0;
  std::uint64_t misdelivered_ = 0;
  std::uint64_t icmp_errors_ = 0;
  std::uint64_t send_failures_ = 0;
};

struct Phase {
  double wall_s = 0;
  double cpu_s = 0;
  std::uint64_t events = 0;
  std::uint64_t link_frames = 0;
  std::uint64_t translated = 0;  ///< packets rewritten by the NAT
};

struct Result {
  Options options;
  double build_s = 0;
  Phase setup, steady, expiry;
  std::size_t entries = 0;           ///< conntrack entries after setup
  std::uint64_t created = 0;
  std::uint64_t expired = 0;
  std::size_t entries_after_expiry = 0;
  std::uint64_t flows_translated = 0;
  std::uint64_t ports_reallocated = 0;  ///< flows whose outside port differs from their own
  std::uint64_t port_exhausted = 0;
  std::size_t conntrack_bytes = 0;
  std::uint64_t topology_rss = 0;
  std::uint64_t setup_rss = 0;
  std::uint64_t peak_rss = 0;
  std::uint64_t pool_bytes = 0;
  std::size_t missing_setup = 0;
  std::size_t missing_steady = 0;
  std::uint64_t misdelivered = 0;
  std::uint64_t icmp_errors = 0;
  std::uint64_t send_failures = 0;
  std::uint64_t link_drops = 0;
  std::uint64_t trace_drops = 0;
  core::Time simulated = 0;
};

template <typename Body>
Phase timed(node::Network& net, const node::NatRouter* nat, Body body) {
  Phase p;
  const std::uint64_t frames_before = link_totals(net).frames;
  const std::uint64_t translated_before = nat ? nat->nat_counters().packets_translated : 0;
  const double cpu_start = cpu_seconds();
  const auto start = Clock::now();
  p.events = body();
  const auto end = Clock::now();
  p.cpu_s = cpu_seconds() - cpu_start;
  p.wall_s = seconds_between(start, end);
  p.link_frames = link_totals(net).frames - frames_before;
  p.translated = (nat ? nat->nat_counters().packets_translated : 0) - translated_before;
  return p;
}

Result run(const Options& o) {
  Result r;
  r.options = o;
  const std::uint64_t rss_before = resident_bytes();
  const auto build_start = Clock::now();

  node::Network net(o.seed);
  net.trace().set_record_packets(false);
  node::NatRouter* nat = nullptr;
  node::IpNode* box = nullptr;
  if (o.box == Box::nat) {
    nat = &net.add_nat("nat1");
    box = nat;
  } else {
    box = &net.add_router("r1");
  }
  node::Switch& sw_in = net.add_switch("sw_in");
  node::Switch& sw_out = net.add_switch("sw_out");
  const wire::Ipv4Address gateway_in(kInside + 1), gateway_out(kOutside + 1);
  link::Interface& eth0 = box->add_interface("eth0", wire::Ipv4InterfaceAddress(gateway_in, kPrefixLen));
  link::Link& uplink = net.connect(eth0, sw_in.add_port());
  link::Interface& eth1 = box->add_interface("eth1", wire::Ipv4InterfaceAddress(gateway_out, kPrefixLen));
  net.connect(eth1, sw_out.add_port());
  if (nat) nat->add_snat(stack::SnatRule{wire::Ipv4Prefix(wire::Ipv4Address(kInside), kPrefixLen), "eth1", {}, {}});

  const std::string reply(kPayloadLen, 'r');
  for (std::size_t s = 0; s < o.servers; ++s) {
    node::Host& server = net.add_host(numbered('s', s));
    link::Interface& if0 = server.add_interface("eth0", wire::Ipv4InterfaceAddress(host_address(kOutside, s), kPrefixLen));
    net.connect(if0, sw_out.add_port());
    server.set_default_gateway(gateway_out);  // used only without NAT: replies go to 10.0.0.0/16
    server.add_application<node::UdpResponder>({kServicePort, reply});
  }
  std::vector<node::Host*> inside;
  inside.reserve(o.inside_hosts);
  for (std::size_t h = 0; h < o.inside_hosts; ++h) {
    node::Host& host = net.add_host(numbered('h', h));
    link::Interface& if0 = host.add_interface("eth0", wire::Ipv4InterfaceAddress(host_address(kInside, h), kPrefixLen));
    net.connect(if0, sw_in.add_port());
    host.set_default_gateway(gateway_in);
    inside.push_back(&host);
  }
  const core::Time spacing =
      3 * (uplink.serialisation_time(kDataFrameLen) + uplink.serialisation_time(kArpFrameLen));
  FlowGenerator generator(net.simulation(), std::move(inside), o.flows, o.servers, spacing);

  r.build_s = seconds_between(build_start, Clock::now());
  const std::uint64_t rss_built = resident_bytes();
  r.topology_rss = rss_built > rss_before ? rss_built - rss_before : 0;

  // Setup: one datagram per flow, each a new translation.
  generator.start(0, 1);
  const core::Time setup_end = generator.last_send(0, 1) + kSettle;
  r.setup = timed(net, nat, [&] { return net.run_until(setup_end); });
  const std::uint64_t rss_setup = resident_bytes();
  r.setup_rss = rss_setup > rss_built ? rss_setup - rss_built : 0;
  r.missing_setup = generator.flows_without(1);
  if (nat) {
    const stack::ConnTrack& ct = nat->conntrack();
    r.entries = ct.size();
    r.conntrack_bytes = ct.memory_bytes();
    for (std::uint32_t index : ct.live_entries()) {
      const stack::ConnEntry& e = ct.entry(index);
      r.ports_reallocated += e.original.src_port != e.reply.dst_port;
    }
  }

  // Steady: more datagrams on the established flows.
  const core::Time steady_start = setup_end;
  generator.start(steady_start, o.rounds);
  const core::Time steady_end = o.rounds ? generator.last_send(steady_start, o.rounds) + kSettle : steady_start;
  r.steady = timed(net, nat, [&] { return net.run_until(steady_end); });
  r.missing_steady = generator.flows_without(1 + o.rounds);

  // Expiry: nothing is sent any more; every entry times out.
  r.expiry = timed(net, nat, [&] { return net.run(); });

  r.simulated = net.now();
  if (nat) {
    r.created = nat->conntrack().created_count();
    r.expired = nat->conntrack().expired_count();
    r.entries_after_expiry = nat->conntrack().size();
    r.flows_translated = nat->nat_counters().flows_translated;
    r.port_exhausted = nat->nat_counters().port_exhausted;
  }
  r.misdelivered = generator.misdelivered();
  r.icmp_errors = generator.icmp_errors();
  r.send_failures = generator.send_failures();
  r.link_drops = link_totals(net).drops;
  r.trace_drops = net.trace().total_drops();
  r.pool_bytes = net.pool().bytes_reserved();
  r.peak_rss = peak_resident_bytes();
  return r;
}

void print(const Result& r) {
  const Options& o = r.options;
  const double mib = 1024.0 * 1024.0;
  const double flows = static_cast<double>(o.flows);
  const double steady_packets = 2.0 * flows * o.rounds;  // each round trip crosses the box twice
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  const double flows_per_s = ratio(flows, r.setup.wall_s);
  const double setup_ns_per_flow = ratio(r.setup.wall_s * 1e9, flows);
  const double packets_per_s = ratio(steady_packets, r.steady.wall_s);
  const double ns_per_packet = ratio(r.steady.wall_s * 1e9, steady_packets);
  const double cpu_ns_per_packet = ratio(r.steady.cpu_s * 1e9, steady_packets);
  const double ns_per_translated = ratio(r.steady.wall_s * 1e9, static_cast<double>(r.steady.translated));
  const double ct_bytes_per_entry = ratio(static_cast<double>(r.conntrack_bytes), static_cast<double>(r.entries));
  const double rss_bytes_per_flow = ratio(static_cast<double>(r.setup_rss), flows);
  const double steady_ns_per_hop = ratio(r.steady.wall_s * 1e9, static_cast<double>(r.steady.link_frames));
  const char* box = o.box == Box::nat ? "nat" : "plain";
  if (o.json) {
    std::printf(
        "{\"benchmark\":\"nat\",\"router\":\"%s\",\"flows\":%zu,\"inside_hosts\":%zu,\"servers\":%zu,\"rounds\":%u,"
        "\"build_s\":%.6f,\"setup_s\":%.6f,\"setup_cpu_s\":%.6f,\"flows_per_s\":%.1f,\"setup_ns_per_flow\":%.1f,"
        "\"steady_s\":%.6f,\"steady_cpu_s\":%.6f,\"steady_packets\":%.0f,\"packets_per_s\":%.1f,"
        "\"ns_per_packet\":%.1f,\"cpu_ns_per_packet\":%.1f,\"steady_translated\":%llu,\"ns_per_translated_packet\":%.1f,"
        "\"steady_ns_per_hop\":%.1f,\"expiry_s\":%.6f,\"entries\":%zu,\"created\":%llu,\"expired\":%llu,"
        "\"flows_translated\":%llu,\"ports_reallocated\":%llu,\"conntrack_mib\":%.3f,\"conntrack_bytes_per_entry\":%.1f,"
        "\"setup_rss_mib\":%.2f,\"rss_bytes_per_flow\":%.1f,\"topology_rss_mib\":%.2f,\"peak_rss_mib\":%.2f,"
        "\"frame_pool_mib\":%.2f,\"events\":%llu,\"simulated_s\":%.6f}\n",
        box, o.flows, o.inside_hosts, o.servers, o.rounds, r.build_s, r.setup.wall_s, r.setup.cpu_s, flows_per_s,
        setup_ns_per_flow, r.steady.wall_s, r.steady.cpu_s, steady_packets, packets_per_s, ns_per_packet,
        cpu_ns_per_packet, u(r.steady.translated), ns_per_translated, steady_ns_per_hop, r.expiry.wall_s, r.entries,
        u(r.created), u(r.expired), u(r.flows_translated), u(r.ports_reallocated),
        static_cast<double>(r.conntrack_bytes) / mib, ct_bytes_per_entry, static_cast<double>(r.setup_rss) / mib,
        rss_bytes_per_flow, static_cast<double>(r.topology_rss) / mib, static_cast<double>(r.peak_rss) / mib,
        static_cast<double>(r.pool_bytes) / mib, u(r.setup.events + r.steady.events + r.expiry.events),
        static_cast<double>(r.simulated) / 1e9);
  } else {
    std::printf(
        "router=%s flows=%zu inside_hosts=%zu servers=%zu rounds=%u build_s=%.4f setup_s=%.4f setup_cpu_s=%.4f "
        "flows_per_s=%.0f setup_ns_per_flow=%.0f steady_s=%.4f steady_cpu_s=%.4f packets_per_s=%.0f "
        "ns_per_packet=%.1f cpu_ns_per_packet=%.1f ns_per_translated_packet=%.1f steady_ns_per_hop=%.1f "
        "expiry_s=%.4f entries=%zu created=%llu expired=%llu flows_translated=%llu ports_reallocated=%llu "
        "conntrack_mib=%.2f conntrack_bytes_per_entry=%.1f setup_rss_mib=%.1f rss_bytes_per_flow=%.0f "
        "topology_rss_mib=%.1f peak_rss_mib=%.1f frame_pool_mib=%.1f simulated_s=%.4f\n",
        box, o.flows, o.inside_hosts, o.servers, o.rounds, r.build_s, r.setup.wall_s, r.setup.cpu_s, flows_per_s,
        setup_ns_per_flow, r.steady.wall_s, r.steady.cpu_s, packets_per_s, ns_per_packet, cpu_ns_per_packet,
        ns_per_translated, steady_ns_per_hop, r.expiry.wall_s, r.entries, u(r.created), u(r.expired),
        u(r.flows_translated), u(r.ports_reallocated), static_cast<double>(r.conntrack_bytes) / mib,
        ct_bytes_per_entry, static_cast<double>(r.setup_rss) / mib, rss_bytes_per_flow,
        static_cast<double>(r.topology_rss) / mib, static_cast<double>(r.peak_rss) / mib,
        static_cast<double>(r.pool_bytes) / mib, static_cast<double>(r.simulated) / 1e9);
  }
  std::fflush(stdout);
}

/// Every check the run must pass; prints each failure; returns the exit status.
int verify(const Result& r) {
  int status = 0;
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "bench_nat: FAILED: %s\n", why.c_str());
    status = 1;
  };
  const std::uint64_t flows = r.options.flows;
  if (r.missing_setup != 0)
    fail(std::to_string(r.missing_setup) + " flows without exactly one reply after the setup phase");
  if (r.missing_steady != 0)
    fail(std::to_string(r.missing_steady) + " flows without exactly " + std::to_string(1 + r.options.rounds) +
         " replies after the steady phase");
  if (r.misdelivered != 0) fail(std::to_string(r.misdelivered) + " replies at the wrong host or port, or from the wrong server");
  if (r.icmp_errors != 0) fail(std::to_string(r.icmp_errors) + " ICMP errors reported to the inside hosts");
  if (r.send_failures != 0) fail(std::to_string(r.send_failures) + " sends refused by the inside hosts");
  if (r.link_drops != 0 || r.trace_drops != 0)
    fail(std::to_string(r.link_drops) + " link queue drops, " + std::to_string(r.trace_drops) + " drops traced");
  if (r.options.box == Box::nat) {
    if (r.entries != flows) fail(std::to_string(r.entries) + " conntrack entries after setup, expected " + std::to_string(flows));
    if (r.created != flows) fail(std::to_string(r.created) + " conntrack entries created, expected " + std::to_string(flows));
    if (r.flows_translated != flows)
      fail(std::to_string(r.flows_translated) + " flows translated, expected " + std::to_string(flows));
    if (r.steady.translated != 2 * flows * r.options.rounds)
      fail(std::to_string(r.steady.translated) + " packets translated in the steady phase, expected " +
           std::to_string(2 * flows * r.options.rounds));
    if (r.expired != flows || r.entries_after_expiry != 0)
      fail(std::to_string(r.expired) + " entries expired, " + std::to_string(r.entries_after_expiry) + " left");
    if (r.port_exhausted != 0) fail(std::to_string(r.port_exhausted) + " flows refused for want of a port");
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  if (!options.json)
    std::printf("# bench_nat: %zu UDP flows from %zu inside hosts to %zu servers through one %s, %u steady rounds, seed %llu\n",
                options.flows, options.inside_hosts, options.servers,
                options.box == Box::nat ? "masquerading NatRouter" : "plain Router (no NAT)", options.rounds,
                static_cast<unsigned long long>(options.seed));
  std::fflush(stdout);
  const Result r = run(options);
  print(r);
  return verify(r);
}
