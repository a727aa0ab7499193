// The replay engine under load (issue 13): a synthetic capture of P packets from F UDP flows replayed
// back to back (--topspeed, 10 Gb/s links) through a masquerading node::NatRouter, both directions, captures off.
//
//   replay-client ══ eth0 10.0.0.1 [nat] eth1 203.0.113.1 ── replay-server
//   10.0.0.0/16 clients                     masquerade out of eth1; 198.51.100.0/24 servers beyond
//
// Flow f is client c = f mod 63,500 (10.0.1 + c / 250.c mod 250 + 1), port 10000 + f / 63,500, to server 198.51.100.(f % 200 + 1):9;
// the capture holds P / F rounds, each a request and a reply per flow, round-robin over the flows, as
// a capture of many concurrent conversations interleaves them. Every packet goes the whole way: the
// engine reads it from the source, finds its flow, splits it (auto: the opener is the client), fixes
// its checksums, sends it from its side's port (ARP resolved once per next hop), across a link, the
// NAT's PREROUTING/routing/POSTROUTING (a conntrack entry and a port per flow), a second link, and is
// absorbed by the other port, which matches it to its flow; each reply is sent to the translation the
// NAT chose, observed when the flow's first request came out (replies due earlier are held until then).
//
// Measured: replayed packets per wall second and per CPU second over the whole run (everything after
// the frames were synthesised into memory), and wall ns per packet.
//
//   bench_replay                         P = 1,000,000, F = 10,000
//   bench_replay --packets 2e6 --flows 1e5 --json
//
// Exits 1, saying why, unless every packet was sent and delivered, none dropped or held, and the NAT
// has one conntrack entry per flow.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "libnet/node/nat_router.h"
#include "libnet/node/network.h"
#include "libnet/replay/replay_engine.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/udp.h"

using namespace vpcsim;

namespace {

struct Options {
  std::uint64_t packets = 1'000'000;
  std::uint64_t flows = 10'000;
  bool json = false;
};

/// Frames in memory, one after the other: a capture already read.
class MemorySource final : public replay::ReplaySource {
 public:
  explicit MemorySource(std::vector<std::vector<std::uint8_t>> frames) : frames_(std::move(frames)) {
    errors_.records = frames_.size();
  }
  bool next(replay::ReplayPacket& packet) override {
    if (next_ >= frames_.size()) return false;
    const auto& frame = frames_[next_];
    packet.ts = static_cast<core::Time>(next_) * core::kMicrosecond;
    packet.bytes = frame;
    packet.orig_len = static_cast<std::uint32_t>(frame.size());
    packet.record = next_++;
    return true;
  }
  void rewind() override { next_ = 0; }
  const replay::ReplayErrors& errors() const override { return errors_; }
  std::string name() const override { return "synthetic"; }

 private:
  std::vector<std::vector<std::uint8_t>> frames_;
  std::size_t next_ = 0;
  replay::ReplayErrors errors_;
};

std::vector<std::uint8_t> udp_frame(wire::Ipv4Address src, std::uint16_t sport, wire::Ipv4Address dst,
                                    std::uint16_t dport) {
  constexpr std::size_t kPayload = 64;
  std::vector<std::uint8_t> frame(wire::kEthernetHeaderLen + wire::kIpv4MinHeaderLen + wire::kUdpHeaderLen + kPayload);
  std::span<std::uint8_t> bytes(frame);
  wire::EthernetRepr{wire::MacAddress::from_u64(0x02'00'00'00'00'02ULL), wire::MacAddress::from_u64(0x02'00'00'00'00'01ULL),
                     wire::kEthertypeIpv4, std::nullopt}
      .emit(bytes);
  auto l3 = bytes.subspan(wire::kEthernetHeaderLen);
  wire::Ipv4Repr ip;
  ip.src = src;
  ip.dst = dst;
  ip.protocol = wire::kIpProtoUdp;
  ip.ttl = 64;
  ip.payload_len = static_cast<std::uint16_t>(wire::kUdpHeaderLen + kPayload);
  ip.emit(l3);
  static const std::uint8_t payload[kPayload] = {};
  wire::UdpRepr udp{sport, dport, std::span<const std::uint8_t>(payload, kPayload)};
  udp.emit(l3.subspan(wire::kIpv4MinHeaderLen), src, dst);
  return frame;
}

/// Client addresses 10.0.1.1 to 10.0.254.250 (not the NAT's own 10.0.0.1).
constexpr std::uint64_t kClients = 254 * 250;

std::vector<std::vector<std::uint8_t>> synthesise(const Options& o) {
  std::vector<std::vector<std::uint8_t>> frames;
  frames.reserve(o.packets);
  const std::uint64_t rounds = (o.packets + 2 * o.flows - 1) / (2 * o.flows);
  for (std::uint64_t r = 0; r < rounds && frames.size() < o.packets; ++r) {
    for (std::uint64_t f = 0; f < o.flows && frames.size() < o.packets; ++f) {
      const std::uint64_t c = f % kClients;
      const auto client = wire::Ipv4Address::from_octets(10, 0, static_cast<std::uint8_t>(1 + c / 250),
                                                         static_cast<std::uint8_t>(c % 250 + 1));
      const auto port = static_cast<std::uint16_t>(10000 + f / kClients);
      const auto server = wire::Ipv4Address::from_octets(198, 51, 100, static_cast<std::uint8_t>(f % 200 + 1));
      frames.push_back(udp_frame(client, port, server, 9));
      if (frames.size() < o.packets) frames.push_back(udp_frame(server, 9, client, port));
    }
  }
  return frames;
}

int usage(const char* argv0, const char* problem) {
  if (problem != nullptr) std::fprintf(stderr, "%s: %s\n", argv0, problem);
  std::fprintf(stderr, "usage: %s [--packets N] [--flows N] [--json]\n", argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--packets" || arg == "--flows") && i + 1 < argc) {
      const auto value = bench::count_in_range(argv[++i], 1, 100'000'000);
      if (!value) return usage(argv[0], ("bad value for " + arg).c_str());
      (arg == "--packets" ? o.packets : o.flows) = *value;
    } else if (arg == "--json") {
      o.json = true;
    } else {
      return usage(argv[0], ("unknown option " + arg).c_str());
    }
  }
  if (o.flows > kClients * 50'000) return usage(argv[0], "too many flows");

  auto frames = synthesise(o);
  const std::uint64_t total = frames.size();

  node::Network net(1);
  net.trace().set_record_packets(false);
  auto& nat = net.add_nat("nat");
  nat.add_interface("eth0", "10.0.0.1/16");
  nat.add_interface("eth1", "203.0.113.1/24");
  nat.set_default_gateway(wire::Ipv4Address::parse("203.0.113.254"));
  nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/16"), "eth1", {}, {}});
  replay::ReplayConfig config;
  config.client.at = "nat.eth0";
  config.server = replay::Attachment{"nat.eth1", std::nullopt};
  config.timing.mode = replay::TimingMode::topspeed;
  config.record_packets = false;
  // Back to back at 10 Gb/s: ~90 ns per frame. (On an infinitely fast link back to back is 1 ns apart,
  // and the NAT's queue behind its first ARP resolution overflows Linux's unres_qlen_bytes, as it would.)
  config.link.bandwidth_bps = 10'000'000'000;

  const auto wall0 = bench::Clock::now();
  const double cpu0 = bench::cpu_seconds();
  auto engine = replay::replay(net, std::make_unique<MemorySource>(std::move(frames)), config);
  net.run();
  const double cpu = bench::cpu_seconds() - cpu0;
  const double wall = bench::seconds_between(wall0, bench::Clock::now());

  const replay::ReplayResults results = engine->results();
  const auto& s = results.summary;
  const char* problem = nullptr;
  if (s.sent != total) problem = "not every packet was sent";
  else if (s.delivered != total) problem = "not every packet was delivered";
  else if (s.dropped != 0 || net.trace().total_drops() != 0) problem = "packets were dropped";
  else if (s.held != 0) problem = "replies are still held";
  else if (results.flows.size() != o.flows) problem = "the flow table does not hold one row per flow";
  if (problem != nullptr) {
    std::fprintf(stderr, "bench_replay: FAILED: %s (sent %llu, delivered %llu, dropped %llu, held %llu, flows %zu)\n",
                 problem, static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(s.delivered),
                 static_cast<unsigned long long>(s.dropped), static_cast<unsigned long long>(s.held),
                 results.flows.size());
    std::size_t shown = 0;
    for (const auto& event : net.trace().events()) {
      if (event.kind != trace::TraceKind::dropped || shown++ >= 3) continue;
      std::fprintf(stderr, "  %s\n", net.trace().to_string(event).c_str());
    }
    return 1;
  }
  const double pps = bench::ratio(static_cast<double>(total), wall);
  const double pps_cpu = bench::ratio(static_cast<double>(total), cpu);
  if (o.json) {
    std::printf("{\"packets\": %llu, \"flows\": %llu, \"wall_seconds\": %.4f, \"cpu_seconds\": %.4f, "
                "\"packets_per_second\": %.0f, \"packets_per_cpu_second\": %.0f, \"ns_per_packet\": %.1f}\n",
                static_cast<unsigned long long>(total), static_cast<unsigned long long>(o.flows), wall, cpu, pps,
                pps_cpu, 1e9 * bench::ratio(wall, static_cast<double>(total)));
  } else {
    std::printf("# replay --topspeed through a masquerading NAT, both sides, captures off\n");
    std::printf("packets=%llu flows=%llu wall_seconds=%.4f cpu_seconds=%.4f packets_per_second=%.0f "
                "packets_per_cpu_second=%.0f ns_per_packet=%.1f\n",
                static_cast<unsigned long long>(total), static_cast<unsigned long long>(o.flows), wall, cpu, pps,
                pps_cpu, 1e9 * bench::ratio(wall, static_cast<double>(total)));
  }
  return 0;
}
