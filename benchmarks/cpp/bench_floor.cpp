// The floor under a simulated hop: the least work any forwarding step must do, in a bare loop.
//
// One iteration is what a hop cannot avoid: pop the earliest event from a heap held about `--depth`
// deep (core::Scheduler, as the simulation uses), take that event's frame, parse its Ethernet header
// and look its destination MAC up in a hash table (as a learning switch does), parse and check its IPv4
// header (version, lengths, header checksum), look the destination up in a routing table (LPM, as a
// router does), decrement the TTL with the RFC 1624 checksum update, and push the next event back at a
// later time. Nothing else: no link, no queue, no node object, no ARP, no trace, no frame copy.
//
// Issue 5 asks vpcsim's per-hop cost to stay within 3x of this floor; `bench_forwarding` measures the
// real hop. The frames are `--frames` distinct IPv4/UDP frames to as many destinations (spread over
// the MAC table and the routes), visited in the heap's pseudo-random order, so the loop is not served
// from one cache line; their bytes, the MAC table and the routing table are the only state.
//
//   bench_floor                         depth 1000, 1000 frames, 2e7 iterations
//   bench_floor --depth 1000 --frames 20000 --iterations 5e7 --json
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/rng.h"
#include "libnet/core/scheduler.h"
#include "libnet/stack/routing_table.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"
#include "libnet/wire/mac_address.h"
#include "libnet/wire/udp.h"

namespace {

using namespace vpcsim;
using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t depth = 1'000;
  std::uint64_t frames = 1'000;
  std::uint64_t iterations = 20'000'000;
  std::uint64_t seed = 1;
  bool json = false;
};

[[noreturn]] void usage(const char* argv0, const char* problem) {
  if (problem != nullptr) std::fprintf(stderr, "%s: %s\n", argv0, problem);
  std::fprintf(stderr,
               "usage: %s [--depth N] [--frames N] [--iterations N] [--seed N] [--json]\n"
               "  --depth N       events held in the heap (default 1000)\n"
               "  --frames N      distinct frames and destinations (default 1000)\n"
               "  --iterations N  hops to time (default 2e7)\n",
               argv0);
  std::exit(2);
}

std::uint64_t parse_count(const char* argv0, const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);  // accepts 2e7
  if (end == text || *end != '\0' || !(value >= 1) || value > 1e12) usage(argv0, "expected a positive count");
  return static_cast<std::uint64_t>(value);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(argv[0], ("missing value after " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--depth") options.depth = parse_count(argv[0], value());
    else if (arg == "--frames") options.frames = parse_count(argv[0], value());
    else if (arg == "--iterations") options.iterations = parse_count(argv[0], value());
    else if (arg == "--seed") options.seed = parse_count(argv[0], value());
    else if (arg == "--json") options.json = true;
    else usage(argv[0], ("unknown option " + arg).c_str());
  }
  if (options.frames > 0xffffff) usage(argv[0], "--frames must be below 16777216 (addresses are 10.x.y.z)");
  return options;
}

constexpr std::size_t kFrameLen = wire::kEthernetHeaderLen + 20 + 8 + 64;  // 64 B of UDP payload
constexpr std::uint8_t kTtl = 64;

wire::MacAddress mac_of(std::uint64_t i) { return wire::MacAddress::from_u64(0x020000000000ULL | i); }
wire::Ipv4Address address_of(std::uint64_t i) {
  return wire::Ipv4Address(static_cast<std::uint32_t>((10u << 24) | static_cast<std::uint32_t>(i + 1)));
}

/// Frame i: a 64-byte UDP datagram to address_of(i), Ethernet-addressed to mac_of(i).
std::vector<std::uint8_t> build_frames(std::uint64_t count) {
  std::vector<std::uint8_t> bytes(count * kFrameLen);
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint8_t* f = bytes.data() + i * kFrameLen;
    wire::EthernetRepr eth{mac_of(i), mac_of(0xffffff), wire::kEthertypeIpv4, std::nullopt};
    eth.emit(std::span<std::uint8_t>(f, wire::kEthernetHeaderLen));
    wire::Ipv4Repr ip;
    ip.src = wire::Ipv4Address(0xc0a80001);
    ip.dst = address_of(i);
    ip.protocol = wire::kIpProtoUdp;
    ip.payload_len = 8 + 64;
    ip.ttl = kTtl;
    ip.emit(std::span<std::uint8_t>(f + wire::kEthernetHeaderLen, 20));
    const std::vector<std::uint8_t> payload(64, 'v');
    wire::UdpRepr udp{40000, 40001, payload};
    udp.emit(std::span<std::uint8_t>(f + wire::kEthernetHeaderLen + 20, 8 + 64), ip.src, ip.dst);
  }
  return bytes;
}

struct Result {
  double seconds = 0;
  double ns_per_hop = 0;
  std::uint64_t checksum_of_work = 0;  // keeps the compiler from dropping the loop
};

Result run(const Options& options) {
  std::vector<std::uint8_t> frames = build_frames(options.frames);

  std::unordered_map<std::uint64_t, std::uint32_t> mac_table;  // as node::Switch keeps it
  mac_table.reserve(options.frames);
  for (std::uint64_t i = 0; i < options.frames; ++i) mac_table.emplace(mac_of(i).to_u64(), static_cast<std::uint32_t>(i % 48));

  // A router's table: a connected route per /16 the frames fall in, plus a default route.
  stack::RoutingTable routes;
  for (std::uint32_t net = 0; net <= ((options.frames + 1) >> 16); ++net) {
    stack::Route route;
    route.destination = wire::Ipv4Prefix(wire::Ipv4Address((10u << 24) | (net << 16)), 16);
    route.interface = net % 4;
    route.interface_name = "eth" + std::to_string(net % 4);
    route.origin = stack::RouteOrigin::connected;
    routes.add(route, "floor");
  }
  stack::Route default_route;
  default_route.destination = wire::Ipv4Prefix(wire::Ipv4Address(0), 0);
  default_route.gateway = wire::Ipv4Address(0xc0a800fe);
  default_route.interface = 0;
  default_route.interface_name = "eth0";
  routes.add(default_route, "floor");

  core::Scheduler heap;
  heap.reserve(options.depth + 1);
  core::Rng rng(options.seed);
  for (std::uint64_t i = 0; i < options.depth; ++i) {
    core::Event e;
    e.at = static_cast<core::Time>(rng.below(1'000'000));
    e.aux = static_cast<std::uint32_t>(rng.below(options.frames));
    heap.push(e);
  }

  std::uint64_t work = 0;
  std::uint32_t next_frame = 0;
  const auto start = Clock::now();
  for (std::uint64_t n = 0; n < options.iterations; ++n) {
    core::Event e = heap.pop();
    std::uint8_t* f = frames.data() + std::size_t{e.aux} * kFrameLen;
    auto eth = wire::EthernetViewMut::parse(std::span<std::uint8_t>(f, kFrameLen));
    if (!eth) std::abort();
    auto port = mac_table.find(eth->dst().to_u64());
    work += port == mac_table.end() ? 0 : port->second;
    auto ip = wire::Ipv4ViewMut::parse(eth->payload());
    if (!ip || !ip->verify_checksum()) std::abort();
    const stack::Route* route = routes.lookup(ip->dst());
    work += route->interface;
    if (ip->ttl() <= 1) ip->set_ttl(kTtl);  // keep the frames forwardable; rare (1 hop in 63)
    work += ip->decrement_ttl();
    // The next hop of some frame, 1-16 µs later: the heap keeps its depth and its disorder.
    e.at += 1'000 + static_cast<core::Time>((e.aux * 2654435761u) >> 18);
    e.aux = next_frame;
    next_frame = next_frame + 1 == options.frames ? 0 : next_frame + 1;
    heap.push(e);
  }
  const auto end = Clock::now();

  Result r;
  r.seconds = std::chrono::duration<double>(end - start).count();
  r.ns_per_hop = r.seconds * 1e9 / static_cast<double>(options.iterations);
  r.checksum_of_work = work;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  const Result r = run(options);
  if (options.json) {
    std::printf(
        "{\"benchmark\":\"floor\",\"depth\":%llu,\"frames\":%llu,\"iterations\":%llu,\"seconds\":%.6f,"
        "\"ns_per_hop\":%.2f,\"work\":%llu}\n",
        static_cast<unsigned long long>(options.depth), static_cast<unsigned long long>(options.frames),
        static_cast<unsigned long long>(options.iterations), r.seconds, r.ns_per_hop,
        static_cast<unsigned long long>(r.checksum_of_work));
  } else {
    std::printf("# floor loop: pop, Ethernet parse + MAC lookup, IPv4 parse + checksum check, route lookup,\n"
                "# TTL decrement with incremental checksum, push\n");
    std::printf("depth=%llu frames=%llu iterations=%llu seconds=%.4f ns_per_hop=%.1f work=%llu\n",
                static_cast<unsigned long long>(options.depth), static_cast<unsigned long long>(options.frames),
                static_cast<unsigned long long>(options.iterations), r.seconds, r.ns_per_hop,
                static_cast<unsigned long long>(r.checksum_of_work));
  }
  return 0;
}
