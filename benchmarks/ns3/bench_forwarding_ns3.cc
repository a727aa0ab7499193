// The ns-3 twin of benchmarks/cpp/bench_forwarding.cpp: the same topology and traffic, in ns-3 3.37
// (Debian bookworm's libns3-dev), so the two simulators can be compared on the same work.
//
//   LAN A 10.1.0.0/16                                      LAN B 10.2.0.0/16
//   a0 ─┐                                                  ┌─ b0
//   a1 ─┤                                                  ├─ b1
//   ... ├── sa (bridge) ── r1 dev 0  r1  r1 dev 1 ── sb (bridge) ─┤ ...
//   aN-1┘   10.1.0.1                        10.2.0.1       └─ bN-1
//
// Every host has its own link to its LAN's learning switch: a CsmaChannel with exactly two devices
// (1 Gb/s, 10 µs delay). ns-3's point-to-point devices cannot be bridged (no SendFrom), so CSMA is the
// ns-3 way to build a switched Ethernet; a two-device CSMA channel is half duplex (see pacing
// below), and a frame waiting for a busy channel backs off (csma_backoffs). Each switch is a node with a BridgeNetDevice over its ports (a
// learning bridge). The router r1 has one CSMA link to each switch and forwards (ns-3's default
// IpForward). Routing is static (Ipv4StaticRoutingHelper only, no global routing): connected /16
// routes come with the addresses, and every host's default route points at r1. IPv4 only (no IPv6
// stack: vpcsim has none). Addresses are set directly with Ipv4::AddInterface/AddAddress, as
// Ipv4AddressHelper does but without its global collision table and without the pfifo_fast queue disc
// it would install on every device (vpcsim has no queue discipline either).
//
// Traffic: host ai runs an ns-3 UdpClient sending M datagrams of 64 bytes of UDP payload (the client's
// 12-byte SeqTs header is part of the 64) to bi:9; bi counts them in a socket receive callback. Each
// flow sends one datagram per interval, starting at a time uniform in [0, interval) drawn from a
// std::mt19937_64 seeded with --seed (the draws differ from vpcsim's, the distribution is the same).
// ARP is ns-3's, for real on both sides. The interval (--pacing):
//   wire: bench_forwarding's, 3 · N · (serialisation of a 106-byte data frame + a 42-byte ARP frame,
//         padded to 60 and counted with FCS, preamble and gap, at 1 Gb/s) = 3 · N · 1,712 ns. A third
//         of a full-duplex link, but a CSMA channel stays busy for the 10 µs propagation delay after
//         every frame, so this loads ns-3's two router links to about twice what they can carry
//         (queues grow, CSMA backoffs by the hundred thousand).
//   bus (default): 3 · N · (10,880 + 10,512 ns), the CSMA busy time of the same two frames: no ns-3
//         link runs above a third of what it can carry, which is bench_forwarding's rule. Same frames,
//         same events per frame apart from backoffs; only simulated time is 12.5 times longer.
//
// ns-3 settings (all deliberate; see benchmarks/README.md):
//   ns3::ArpL3Protocol::RequestJitter  = 0 (default: uniform 0–10 ms before each ARP request; vpcsim
//                                        sends at once, and 10 ms of jitter would hold hundreds of
//                                        datagrams per host in the pending queue at small N)
//   ns3::ArpCache::PendingQueueSize    = M (default 3: the rest would be dropped)
//   device queues (DropTailQueue)      = 1,000,000 packets (default 100; it never fills here, but
//                                        nothing may be dropped)
//   scheduler                          = --scheduler (default ns3::MapScheduler, ns-3's default)
// Checksums stay off (ns-3's default: ChecksumEnabled=false), no pcap/ascii tracing, no logging
// enabled at run time (Debian compiles logging in; nothing turns a component on).
//
// Timing (std::chrono::steady_clock): build = creating nodes, channels, devices, bridges, stacks,
// addresses, routes, sockets and applications, and then ns-3's deferred object initialisation (the
// Node::Initialize events NodeList schedules at time 0, run with Simulator::Stop(0); reported alone as
// init_s). run = Simulator::Run only, split at interval + 500 µs like bench_forwarding. The run ends
// when the event queue is empty (no Simulator::Stop at the end): nothing in this set-up schedules
// periodic events, so that is right after the last datagram arrives, or at ~1 s when the ARP caches'
// wait-reply timers last fire (bench_forwarding also runs until no event is left). A hop is one frame received over one link direction, counted with a
// PhyRxEnd trace sink on every CSMA device (one counter increment per frame; --no-frame-count drops
// the sinks: they cost about 2%). Memory as bench_forwarding: peak RSS (getrusage)
// and the RSS growth across the build over 2N hosts. Drop trace sinks (ARP, IPv4, device queues and
// PHY) are connected after the build is measured.
//
//   bench_forwarding_ns3                           N = 10, 100, 1000, 10000; M = 100
//   bench_forwarding_ns3 --hosts 1000 --datagrams 100 --json
//
// Exits 1, saying why, if a datagram is lost or any drop is traced.
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ns3/bridge-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/udp-client.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint16_t kPort = 9;  // discard
constexpr std::uint32_t kPayloadLen = 64;
// bench_forwarding's serialisation: max(frame, 60) + FCS 4 + preamble 8 + gap 12 bytes at 1 Gb/s.
constexpr std::int64_t kDataWireNs = (14 + 20 + 8 + kPayloadLen + 24) * 8;  // 1,040 ns
constexpr std::int64_t kArpWireNs = (60 + 24) * 8;                         // 672 ns (42 B padded to 60)
// What ns-3's CSMA channel is busy for per frame: the CsmaNetDevice frame (Ethernet header, payload
// padded to 46, FCS; no preamble, InterframeGap 0) at 1 Gb/s, then the propagation delay, during which
// the channel stays busy (state PROPAGATING) for both of its devices.
constexpr std::int64_t kLinkDelayNs = 10'000;
constexpr std::int64_t kDataBusNs = (14 + 20 + 8 + kPayloadLen + 4) * 8 + kLinkDelayNs;  // 10,880 ns
constexpr std::int64_t kArpBusNs = (14 + 46 + 4) * 8 + kLinkDelayNs;                     // 10,512 ns
constexpr std::uint32_t kLanA = 0x0a010000;                                 // 10.1.0.0/16
constexpr std::uint32_t kLanB = 0x0a020000;                                 // 10.2.0.0/16
constexpr std::size_t kMaxHosts = 65000;
constexpr std::int64_t kArpSettleNs = 500'000;
constexpr std::uint32_t kDeviceQueuePackets = 1'000'000;

struct Options {
  std::vector<std::size_t> hosts{10, 100, 1000, 10000};
  std::uint32_t datagrams = 100;
  std::uint64_t seed = 1;
  bool json = false;
  bool count_frames = true;
  std::string scheduler = "map";
  bool bus_pacing = true;
};

[[noreturn]] void usage(const char* argv0, const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", argv0, problem.c_str());
  std::fprintf(stderr,
               "usage: %s [--hosts N]... [--datagrams M] [--seed S] [--json] [--pacing bus|wire] [--scheduler KIND]\n"
               "          [--no-frame-count]\n"
               "  --hosts N          hosts per LAN (repeatable; default 10, 100, 1000, 10000; at most %zu)\n"
               "  --datagrams M      datagrams each host of LAN A sends (default 100)\n"
               "  --seed S           seed of the start times and of ns-3's RNG (default 1)\n"
               "  --json             one JSON object per line instead of key=value lines\n"
               "  --pacing bus       interval = 3 N (CSMA channel busy time of a data frame + of an ARP frame,\n"
               "                     transmission + 10 us propagation): a third of what ns-3's links carry (default)\n"
               "  --pacing wire      bench_forwarding's interval, 3 N (1,040 + 672 ns): a third of a full-duplex\n"
               "                     1 Gb/s link, but twice what ns-3's half-duplex 10 us CSMA router links carry\n"
               "  --scheduler KIND   ns-3 event scheduler: map (ns-3's default), heap, calendar, list, priority\n"
               "  --no-frame-count   no PhyRxEnd trace sinks (link_frames and the per-hop figures become 0)\n",
               argv0, kMaxHosts);
  std::exit(2);
}

std::uint64_t parse_count(const char* argv0, const std::string& option, const char* text, std::uint64_t max) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);  // accepts 1e4
  if (end == text || *end != '\0' || !(value >= 1) || value > static_cast<double>(max))
    usage(argv0, option + " expects a count from 1 to " + std::to_string(max) + ", not '" + text + "'");
  return static_cast<std::uint64_t>(value);
}

std::string scheduler_type(const std::string& kind) {
  if (kind == "map") return "ns3::MapScheduler";
  if (kind == "heap") return "ns3::HeapScheduler";
  if (kind == "calendar") return "ns3::CalendarScheduler";
  if (kind == "list") return "ns3::ListScheduler";
  if (kind == "priority") return "ns3::PriorityQueueScheduler";
  return "";
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
      options.seed = parse_count(argv[0], arg, value(), UINT32_MAX);  // ns-3 seeds are 32-bit, nonzero
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--pacing") {
      const std::string pacing = value();
      if (pacing == "bus") {
        options.bus_pacing = true;
      } else if (pacing == "wire") {
        options.bus_pacing = false;
      } else {
        usage(argv[0], "--pacing is 'bus' or 'wire', not '" + pacing + "'");
      }
    } else if (arg == "--no-frame-count") {
      options.count_frames = false;
    } else if (arg == "--scheduler") {
      options.scheduler = value();
      if (scheduler_type(options.scheduler).empty())
        usage(argv[0], "--scheduler is map, heap, calendar, list or priority, not '" + options.scheduler + "'");
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0], "");
    } else {
      usage(argv[0], "unknown option " + arg);
    }
  }
  return options;
}

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::uint64_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Counters bumped by trace sinks and the receive callback (plain functions: the cheapest callbacks).
std::uint64_t g_delivered = 0;
std::uint64_t g_frames = 0;
std::uint64_t g_device_drops = 0;
std::uint64_t g_arp_drops = 0;
std::uint64_t g_ip_drops = 0;
std::uint64_t g_backoffs = 0;

void on_receive(ns3::Ptr<ns3::Socket> socket) {
  while (ns3::Ptr<ns3::Packet> packet = socket->Recv()) ++g_delivered;
}
void on_frame(ns3::Ptr<const ns3::Packet>) { ++g_frames; }
void on_device_drop(ns3::Ptr<const ns3::Packet>) { ++g_device_drops; }
void on_backoff(ns3::Ptr<const ns3::Packet>) { ++g_backoffs; }
void on_arp_drop(ns3::Ptr<const ns3::Packet>) { ++g_arp_drops; }
void on_ip_drop(const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet>, ns3::Ipv4L3Protocol::DropReason,
                ns3::Ptr<ns3::Ipv4>, std::uint32_t) {
  ++g_ip_drops;
}

/// Adds `device` to the node's IPv4 stack with `address`/16 and brings it up.
void add_address(ns3::Ptr<ns3::Node> node, ns3::Ptr<ns3::NetDevice> device, std::uint32_t address) {
  ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
  const std::int32_t index = ipv4->AddInterface(device);
  ipv4->AddAddress(index, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(address), ns3::Ipv4Mask(0xffff0000u)));
  ipv4->SetMetric(index, 1);
  ipv4->SetUp(index);
}

struct Result {
  std::size_t hosts = 0;
  std::uint32_t datagrams = 0;
  std::uint64_t expected = 0;
  std::uint64_t delivered = 0;
  double build_s = 0;
  double init_s = 0;
  double run_s = 0;
  double warmup_s = 0;
  double steady_s = 0;
  double run_cpu_s = 0;
  double steady_cpu_s = 0;
  std::uint64_t link_frames = 0;
  std::uint64_t steady_frames = 0;
  std::uint64_t steady_delivered = 0;
  std::uint64_t drops = 0;
  std::uint64_t backoffs = 0;
  std::uint64_t events = 0;
  std::int64_t interval_ns = 0;
  double simulated_s = 0;
  std::uint64_t peak_rss = 0;
  std::uint64_t topology_rss = 0;
  std::uint64_t run_rss = 0;
};

Result run_once(std::size_t hosts, const Options& options) {
  using namespace ns3;
  Result r;
  r.hosts = hosts;
  r.datagrams = options.datagrams;
  r.expected = static_cast<std::uint64_t>(hosts) * options.datagrams;
  r.interval_ns = 3 * static_cast<std::int64_t>(hosts) *
                  (options.bus_pacing ? kDataBusNs + kArpBusNs : kDataWireNs + kArpWireNs);

  // Settings, before anything is created (not timed: they configure, they build nothing).
  GlobalValue::Bind("SchedulerType", StringValue(scheduler_type(options.scheduler)));
  RngSeedManager::SetSeed(static_cast<std::uint32_t>(options.seed));
  Config::SetDefault("ns3::ArpL3Protocol::RequestJitter", StringValue("ns3::ConstantRandomVariable[Constant=0.0]"));
  Config::SetDefault("ns3::ArpCache::PendingQueueSize", UintegerValue(std::max<std::uint32_t>(options.datagrams, 3)));
  std::mt19937_64 start_rng(options.seed);
  std::uniform_int_distribution<std::int64_t> start_draw(0, r.interval_ns - 1);

  const std::uint64_t rss_before = resident_bytes();
  const auto build_start = Clock::now();

  CsmaHelper csma;
  csma.SetChannelAttribute("DataRate", DataRateValue(DataRate(1'000'000'000)));
  csma.SetChannelAttribute("Delay", TimeValue(NanoSeconds(kLinkDelayNs)));
  csma.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, kDeviceQueuePackets)));

  InternetStackHelper stack;
  Ipv4StaticRoutingHelper static_routing;
  stack.SetRoutingHelper(static_routing);  // static only: no Ipv4ListRouting with global routing
  stack.SetIpv6StackInstall(false);

  Ptr<Node> r1 = CreateObject<Node>();
  Ptr<Node> sa = CreateObject<Node>();
  Ptr<Node> sb = CreateObject<Node>();
  stack.Install(r1);
  NetDeviceContainer ports_a, ports_b;
  NetDeviceContainer all_devices;  // for the trace sinks, connected after the build

  // Router links (one CSMA channel of two devices each) and addresses.
  NetDeviceContainer uplink_a = csma.Install(NodeContainer(r1, sa));
  NetDeviceContainer uplink_b = csma.Install(NodeContainer(r1, sb));
  ports_a.Add(uplink_a.Get(1));
  ports_b.Add(uplink_b.Get(1));
  all_devices.Add(uplink_a);
  all_devices.Add(uplink_b);
  add_address(r1, uplink_a.Get(0), kLanA + 1);
  add_address(r1, uplink_b.Get(0), kLanB + 1);
  const Ipv4Address gateway_a(kLanA + 1), gateway_b(kLanB + 1);

  std::vector<Ptr<Socket>> sinks;
  sinks.reserve(hosts);
  for (std::size_t i = 0; i < hosts; ++i) {
    const auto offset = static_cast<std::uint32_t>(i + 2);

    Ptr<Node> b = CreateObject<Node>();
    stack.Install(b);
    NetDeviceContainer link_b = csma.Install(NodeContainer(b, sb));
    ports_b.Add(link_b.Get(1));
    all_devices.Add(link_b);
    add_address(b, link_b.Get(0), kLanB + offset);
    static_routing.GetStaticRouting(b->GetObject<Ipv4>())->SetDefaultRoute(gateway_b, 1);
    Ptr<Socket> sink = Socket::CreateSocket(b, UdpSocketFactory::GetTypeId());
    sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), kPort));
    sink->SetRecvCallback(MakeCallback(&on_receive));
    sinks.push_back(sink);

    Ptr<Node> a = CreateObject<Node>();
    stack.Install(a);
    NetDeviceContainer link_a = csma.Install(NodeContainer(a, sa));
    ports_a.Add(link_a.Get(1));
    all_devices.Add(link_a);
    add_address(a, link_a.Get(0), kLanA + offset);
    static_routing.GetStaticRouting(a->GetObject<Ipv4>())->SetDefaultRoute(gateway_a, 1);
    Ptr<UdpClient> client = CreateObject<UdpClient>();
    client->SetAttribute("RemoteAddress", AddressValue(Ipv4Address(kLanB + offset)));
    client->SetAttribute("RemotePort", UintegerValue(kPort));
    client->SetAttribute("MaxPackets", UintegerValue(options.datagrams));
    client->SetAttribute("Interval", TimeValue(NanoSeconds(r.interval_ns)));
    client->SetAttribute("PacketSize", UintegerValue(kPayloadLen));
    client->SetStartTime(NanoSeconds(start_draw(start_rng)));
    a->AddApplication(client);
  }

  BridgeHelper bridge;
  bridge.Install(sa, ports_a);
  bridge.Install(sb, ports_b);

  // ns-3 initialises every node (its devices, stack and applications) in events at time 0; run just
  // those (the stop event is queued after them, before anything they schedule).
  const auto init_start = Clock::now();
  Simulator::Stop(Seconds(0));
  Simulator::Run();
  const auto build_end = Clock::now();
  r.init_s = seconds_between(init_start, build_end);
  r.build_s = seconds_between(build_start, build_end);
  const std::uint64_t rss_built = resident_bytes();
  r.topology_rss = rss_built > rss_before ? rss_built - rss_before : 0;

  // Trace sinks (not part of the build figures).
  for (std::uint32_t d = 0; d < all_devices.GetN(); ++d) {
    Ptr<NetDevice> device = all_devices.Get(d);
    if (options.count_frames) device->TraceConnectWithoutContext("PhyRxEnd", MakeCallback(&on_frame));
    device->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&on_device_drop));
    device->TraceConnectWithoutContext("PhyTxDrop", MakeCallback(&on_device_drop));
    device->TraceConnectWithoutContext("PhyRxDrop", MakeCallback(&on_device_drop));
    device->TraceConnectWithoutContext("MacTxBackoff", MakeCallback(&on_backoff));
  }
  for (NodeList::Iterator node = NodeList::Begin(); node != NodeList::End(); ++node) {
    if (Ptr<ArpL3Protocol> arp = (*node)->GetObject<ArpL3Protocol>())
      arp->TraceConnectWithoutContext("Drop", MakeCallback(&on_arp_drop));
    if (Ptr<Ipv4L3Protocol> ip = (*node)->GetObject<Ipv4L3Protocol>())
      ip->TraceConnectWithoutContext("Drop", MakeCallback(&on_ip_drop));
  }

  // The event loop, in two timed parts; nothing but Simulator::Run runs between the clock reads.
  const std::uint64_t events_start = Simulator::GetEventCount();
  Simulator::Stop(NanoSeconds(r.interval_ns + kArpSettleNs));
  const double cpu_start = cpu_seconds();
  const auto run_start = Clock::now();
  Simulator::Run();
  const auto warm_end = Clock::now();
  const double cpu_warm_end = cpu_seconds();
  const std::uint64_t warm_frames = g_frames;
  const std::uint64_t warm_delivered = g_delivered;
  const double cpu_steady_start = cpu_seconds();
  const auto steady_start = Clock::now();
  Simulator::Run();  // until no event is left
  const auto run_end = Clock::now();
  const double cpu_end = cpu_seconds();

  // ns-3 counts the warm-up's Stop event as an event: not in the figure (nor is initialisation).
  r.events = Simulator::GetEventCount() - events_start - 1;
  r.steady_cpu_s = cpu_end - cpu_steady_start;
  r.run_cpu_s = (cpu_warm_end - cpu_start) + r.steady_cpu_s;
  r.warmup_s = seconds_between(run_start, warm_end);
  r.steady_s = seconds_between(steady_start, run_end);
  r.run_s = r.warmup_s + r.steady_s;
  r.simulated_s = Simulator::Now().GetSeconds();
  r.delivered = g_delivered;
  r.steady_delivered = g_delivered - warm_delivered;
  r.link_frames = g_frames;
  r.steady_frames = g_frames - warm_frames;
  r.drops = g_device_drops + g_arp_drops + g_ip_drops;
  r.backoffs = g_backoffs;
  const std::uint64_t rss_run = resident_bytes();
  r.run_rss = rss_run > rss_built ? rss_run - rss_built : 0;
  r.peak_rss = peak_resident_bytes();
  return r;
}

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

void print(const Result& r, const Options& options) {
  const double mib = 1024.0 * 1024.0;
  const double hops_per_packet = ratio(static_cast<double>(r.link_frames), static_cast<double>(r.delivered));
  const double ns_per_hop = ratio(r.run_s * 1e9, static_cast<double>(r.link_frames));
  const double steady_ns_per_hop = ratio(r.steady_s * 1e9, static_cast<double>(r.steady_frames));
  const double delivered_per_s = ratio(static_cast<double>(r.delivered), r.run_s);
  const double ns_per_event = ratio(r.run_s * 1e9, static_cast<double>(r.events));
  const double cpu_ns_per_hop = ratio(r.run_cpu_s * 1e9, static_cast<double>(r.link_frames));
  const double steady_cpu_ns_per_hop = ratio(r.steady_cpu_s * 1e9, static_cast<double>(r.steady_frames));
  const double bytes_per_host = ratio(static_cast<double>(r.topology_rss), 2.0 * static_cast<double>(r.hosts));
  const std::uint64_t arp_frames = r.link_frames >= 4 * r.delivered ? r.link_frames - 4 * r.delivered : 0;
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  const char* scheduler = options.scheduler.c_str();
  const char* pacing = options.bus_pacing ? "bus" : "wire";
  if (options.json) {
    std::printf(
        "{\"benchmark\":\"forwarding_ns3\",\"simulator\":\"ns-3.37\",\"scheduler\":\"%s\",\"pacing\":\"%s\",\"hosts\":%zu,"
        "\"datagrams_per_host\":%u,\"delivered\":%llu,\"build_s\":%.6f,\"init_s\":%.6f,\"run_s\":%.6f,"
        "\"delivered_per_s\":%.1f,\"link_frames\":%llu,\"arp_frames\":%llu,\"hops_per_packet\":%.3f,"
        "\"ns_per_hop\":%.1f,\"run_cpu_s\":%.6f,\"cpu_ns_per_hop\":%.1f,\"steady_cpu_ns_per_hop\":%.1f,"
        "\"warmup_s\":%.6f,\"steady_s\":%.6f,\"steady_frames\":%llu,\"steady_delivered\":%llu,"
        "\"steady_ns_per_hop\":%.1f,\"events\":%llu,\"ns_per_event\":%.1f,\"simulated_s\":%.6f,"
        "\"interval_ns\":%lld,\"peak_rss_mib\":%.2f,\"topology_rss_mib\":%.2f,\"bytes_per_host\":%.0f,"
        "\"run_rss_growth_mib\":%.2f,\"drops\":%llu,\"csma_backoffs\":%llu}\n",
        scheduler, pacing, r.hosts, r.datagrams, u(r.delivered), r.build_s, r.init_s, r.run_s, delivered_per_s,
        u(r.link_frames), u(arp_frames), hops_per_packet, ns_per_hop, r.run_cpu_s, cpu_ns_per_hop,
        steady_cpu_ns_per_hop, r.warmup_s, r.steady_s, u(r.steady_frames), u(r.steady_delivered), steady_ns_per_hop,
        u(r.events), ns_per_event, r.simulated_s, static_cast<long long>(r.interval_ns),
        static_cast<double>(r.peak_rss) / mib, static_cast<double>(r.topology_rss) / mib, bytes_per_host,
        static_cast<double>(r.run_rss) / mib, u(r.drops), u(r.backoffs));
  } else {
    std::printf(
        "hosts=%zu datagrams_per_host=%u delivered=%llu build_s=%.4f init_s=%.4f run_s=%.4f delivered_per_s=%.0f "
        "link_frames=%llu arp_frames=%llu hops_per_packet=%.2f ns_per_hop=%.1f steady_ns_per_hop=%.1f "
        "run_cpu_s=%.4f cpu_ns_per_hop=%.1f steady_cpu_ns_per_hop=%.1f events=%llu ns_per_event=%.1f "
        "simulated_s=%.4f peak_rss_mib=%.1f topology_rss_mib=%.1f bytes_per_host=%.0f run_rss_growth_mib=%.1f "
        "drops=%llu csma_backoffs=%llu\n",
        r.hosts, r.datagrams, u(r.delivered), r.build_s, r.init_s, r.run_s, delivered_per_s, u(r.link_frames),
        u(arp_frames), hops_per_packet, ns_per_hop, steady_ns_per_hop, r.run_cpu_s, cpu_ns_per_hop,
        steady_cpu_ns_per_hop, u(r.events), ns_per_event, r.simulated_s, static_cast<double>(r.peak_rss) / mib,
        static_cast<double>(r.topology_rss) / mib, bytes_per_host, static_cast<double>(r.run_rss) / mib, u(r.drops),
        u(r.backoffs));
  }
  std::fflush(stdout);
}

int run_and_report(std::size_t hosts, const Options& options) {
  const Result r = run_once(hosts, options);
  print(r, options);
  int status = 0;
  if (r.delivered != r.expected) {
    std::fprintf(stderr, "bench_forwarding_ns3: FAILED at %zu hosts: %llu datagrams delivered, expected %llu\n",
                 hosts, static_cast<unsigned long long>(r.delivered), static_cast<unsigned long long>(r.expected));
    status = 1;
  }
  if (r.drops != 0) {
    std::fprintf(stderr,
                 "bench_forwarding_ns3: FAILED at %zu hosts: drops traced: %llu by devices, %llu by ARP, %llu by IPv4\n",
                 hosts, static_cast<unsigned long long>(g_device_drops), static_cast<unsigned long long>(g_arp_drops),
                 static_cast<unsigned long long>(g_ip_drops));
    status = 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  if (!options.json)
    std::printf("# bench_forwarding_ns3: ns-3.37, 2 LANs x N hosts, 1 router, %u datagrams of %u B per host, seed %llu, "
                "scheduler %s, pacing %s\n",
                options.datagrams, kPayloadLen, static_cast<unsigned long long>(options.seed),
                scheduler_type(options.scheduler).c_str(), options.bus_pacing ? "bus" : "wire");
  std::fflush(stdout);
  // The process leaves with _exit: tearing down ns-3's objects (Simulator::Destroy) is not measured and
  // not needed. With several sizes, each runs in a forked child, as in bench_forwarding.
  if (options.hosts.size() == 1) {
    const int code = run_and_report(options.hosts.front(), options);
    std::fflush(nullptr);
    _exit(code);
  }
  int status = 0;
  for (std::size_t hosts : options.hosts) {
    const pid_t child = fork();
    if (child < 0) {
      std::perror("bench_forwarding_ns3: fork");
      return 1;
    }
    if (child == 0) {
      const int code = run_and_report(hosts, options);
      std::fflush(nullptr);
      _exit(code);
    }
    int wstatus = 0;
    if (waitpid(child, &wstatus, 0) < 0) {
      std::perror("bench_forwarding_ns3: waitpid");
      return 1;
    }
    if (WIFSIGNALED(wstatus)) {
      std::fprintf(stderr, "bench_forwarding_ns3: FAILED at %zu hosts: killed by signal %d\n", hosts,
                   WTERMSIG(wstatus));
      status = 1;
    } else if (WEXITSTATUS(wstatus) != 0) {
      status = 1;
    }
  }
  return status;
}
