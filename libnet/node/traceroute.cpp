#include "libnet/node/traceroute.h"

#include <cstdio>

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/icmp.h"

namespace vpcsim::node {
namespace {
constexpr std::uint32_t kSendProbe = 0;
constexpr std::uint32_t kProbeTimeout = 1;
constexpr std::size_t kIpUdpHeaders = 28;
}  // namespace

namespace {

/// traceroute(8)'s own checks ("first hop out of range", "max hops cannot be more than 255", ...);
/// before, 0 hops or 0 queries reported `reply`.
const TracerouteConfig& checked(const TracerouteConfig& c, const IpNode& node) {
  if (c.max_hops == 0) throw core::ConfigError(node.name(), "max_hops", "0 is outside 1..255");
  if (c.first_ttl == 0 || c.first_ttl > c.max_hops)
    throw core::ConfigError(node.name(), "first_ttl",
                            std::to_string(c.first_ttl) + " is outside 1..max_hops (" + std::to_string(c.max_hops) + ")");
  if (c.queries == 0) throw core::ConfigError(node.name(), "queries", "0 is outside 1..10");
  if (c.queries > 10) throw core::ConfigError(node.name(), "queries", std::to_string(c.queries) + " is outside 1..10");
  if (c.wait <= 0) throw core::ConfigError(node.name(), "wait", "must be positive");
  if (c.start < 0) throw core::ConfigError(node.name(), "start", "must not be negative");
  return c;
}

}  // namespace

Traceroute::Traceroute(IpNode& node, TracerouteConfig config)
    : node_(node), config_(checked(config, node)), ttl_(config.first_ttl) {
  node_.network().simulation().schedule_at(config_.start, *this, kSendProbe);
}

Traceroute::~Traceroute() = default;

void Traceroute::send_probe() {
  if (query_ == 0) hops_.push_back(TracerouteHop{ttl_, {}});
  const auto port = static_cast<std::uint16_t>(config_.base_port + probes_sent_);
  ++probes_sent_;
  hops_.back().probes.push_back(TracerouteProbe{port, false, {}, 0, 0, 0});
  // traceroute 2.1's default UDP method opens a new socket per probe, so each probe leaves from its
  // own ephemeral port (seen through a NAT oracle, where every probe is a flow of its own).
  // The new port is chosen while the previous one is still bound, so two probes in a row never share one.
  const std::uint16_t previous = src_port_;
  src_port_ = node_.ephemeral_port(wire::kIpProtoUdp);
  node_.bind_udp(src_port_, *this);
  if (previous != 0) node_.unbind_udp(previous);
  std::vector<std::uint8_t> data(config_.packet_len > kIpUdpHeaders ? config_.packet_len - kIpUdpHeaders : 0);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(0x40 + i);
  SendOptions options;
  options.ttl = ttl_;
  options.dont_fragment = false;
  core::Simulation& sim = node_.network().simulation();
  sent_at_ = sim.now();
  waiting_ = true;
  ++generation_;
  sim.schedule_in(config_.wait, *this, kProbeTimeout, generation_);
  if (node_.send_udp(src_port_, config_.destination, port, data, options) != SendStatus::sent) {
    // No route from here at all: like traceroute's "connect: Network is unreachable", stop.
    waiting_ = false;
    finished_ = true;
    send_failed_ = true;
    release_port();
  }
}

void Traceroute::on_icmp_error(IpNode& node, const IcmpErrorReport& error) {
  if (!waiting_ || hops_.empty() || error.original_dst_port != hops_.back().probes.back().port) return;
  TracerouteProbe& probe = hops_.back().probes.back();
  probe.answered = true;
  probe.from = error.from;
  probe.rtt = node.network().now() - sent_at_;
  probe.type = error.type;
  probe.code = error.code;
  if (error.type == wire::kIcmpDestUnreachable) {
    stop_after_hop_ = true;  // the destination (port unreachable) or a !H/!N/!X: no point going further
    if (error.from == config_.destination) reached_ = true;
  }
  waiting_ = false;
  advance();
}

void Traceroute::handle_event(const core::Event& event) {
  if (finished_) return;
  if (event.kind == kSendProbe) {
    send_probe();
    return;
  }
  if (event.arg != generation_ || !waiting_) return;
  waiting_ = false;  // this probe timed out: "*"
  advance();
}

void Traceroute::advance() {
  if (++query_ < config_.queries) {
    send_probe();
    return;
  }
  query_ = 0;
  if (stop_after_hop_ || ttl_ >= config_.max_hops) {
    finished_ = true;
    release_port();
    return;
  }
  ++ttl_;
  send_probe();
}

void Traceroute::release_port() {
  if (src_port_ == 0) return;
  node_.unbind_udp(src_port_);
  src_port_ = 0;
}

Outcome Traceroute::outcome() const {
  if (!finished_) return Outcome::pending;
  if (reached_) return Outcome::reply;
  return stop_after_hop_ || send_failed_ ? Outcome::unreachable : Outcome::timeout;
}

std::string Traceroute::summary() const {
  std::string text = "traceroute to " + config_.destination.to_string() + "\n";
  char buf[64];
  for (const auto& hop : hops_) {
    std::snprintf(buf, sizeof buf, "%2u ", hop.ttl);
    text += buf;
    wire::Ipv4Address last;
    for (const auto& p : hop.probes) {
      if (!p.answered) {
        text += " *";
        continue;
      }
      if (p.from != last) {
        text += ' ';
        text += p.from.to_string();
      }
      last = p.from;
      std::snprintf(buf, sizeof buf, "  %.3f ms", static_cast<double>(p.rtt) / 1e6);
      text += buf;
    }
    text += "\n";
  }
  return text;
}

}  // namespace vpcsim::node
