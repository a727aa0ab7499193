#include "libnet/node/ping.h"

#include <cstdio>

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/icmp.h"

namespace vpcsim::node {

std::string icmp_error_text(std::uint8_t type, std::uint8_t code) {
  if (type == wire::kIcmpTimeExceeded) return code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded";
  if (type != wire::kIcmpDestUnreachable) return "ICMP type " + std::to_string(type) + " code " + std::to_string(code);
  switch (code) {
    case 0: return "Destination Net Unreachable";
    case 1: return "Destination Host Unreachable";
    case 2: return "Destination Protocol Unreachable";
    case 3: return "Destination Port Unreachable";
    case 4: return "Frag needed and DF set";
    case 13: return "Packet filtered";
  }
  return "Dest Unreachable, Bad Code: " + std::to_string(code);
}

namespace {

/// ping(8) refuses these too ("invalid argument"); before, count 0 reported a timeout and a negative
/// interval or start was scheduled in the past.
const PingConfig& checked(const PingConfig& c, const IpNode& node) {
  if (c.count == 0) throw core::ConfigError(node.name(), "count", "0 is outside 1..4294967295");
  if (c.interval < 0) throw core::ConfigError(node.name(), "interval", "must not be negative");
  if (c.start < 0) throw core::ConfigError(node.name(), "start", "must not be negative");
  return c;
}

}  // namespace

Ping::Ping(IpNode& node, PingConfig config)
    : node_(node), config_(checked(config, node)), id_(node.register_echo(*this)) {
  if (config_.count > 0) node_.network().simulation().schedule_at(config_.start, *this, 0);
}

Ping::~Ping() = default;

void Ping::handle_event(const core::Event&) {
  core::Simulation& sim = node_.network().simulation();
  const auto seq = static_cast<std::uint16_t>(sent_ + 1);
  // iputils: a struct timeval (16 bytes on 64-bit Linux) then the pattern 0x10, 0x11, ...
  std::vector<std::uint8_t> data(config_.data_len);
  const core::Time now = sim.now();
  const std::uint64_t tv[2] = {static_cast<std::uint64_t>(now / core::kSecond),
                               static_cast<std::uint64_t>((now % core::kSecond) / core::kMicrosecond)};
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = i < 16 ? static_cast<std::uint8_t>(tv[i / 8] >> (8 * (i % 8))) : static_cast<std::uint8_t>(i);
  SendOptions options;
  options.ttl = config_.ttl;
  ++sent_;
  sent_at_.push_back(now);
  SendStatus status = node_.send_echo_request(config_.destination, id_, seq, data, options);
  if (status != SendStatus::sent) send_failures_.emplace_back(seq, status);
  if (sent_ < config_.count) sim.schedule_in(config_.interval, *this, 0);
}

void Ping::on_echo_reply(IpNode& node, const ReceivedEchoReply& reply) {
  // Sequence numbers are 16 bits and wrap (as in iputils): a reply answers the latest request that
  // carried its number, request k (from 1) having carried k mod 65536.
  const std::uint64_t sent = sent_at_.size();
  const std::uint64_t back = (sent - reply.seq) & 0xffff;
  if (back >= sent) return;
  const std::uint64_t request = sent - back;
  replies_.push_back(PingReply{reply.seq, node.network().now() - sent_at_[request - 1], reply.ttl, reply.from});
}

void Ping::on_icmp_error(IpNode&, const IcmpErrorReport& error) {
  errors_.push_back(PingError{error.echo_seq, error.from, error.type, error.code, icmp_error_text(error.type, error.code)});
}

Outcome Ping::outcome() const {
  if (!replies_.empty()) return Outcome::reply;
  if (!errors_.empty() || !send_failures_.empty()) return Outcome::unreachable;
  return sent_ < config_.count ? Outcome::pending : Outcome::timeout;
}

std::string Ping::summary() const {
  std::string text = "ping " + config_.destination.to_string() + ": " + std::to_string(sent_) + " sent, " +
                     std::to_string(received()) + " received";
  if (!errors_.empty()) text += ", " + std::to_string(errors_.size()) + " errors (" + errors_.front().text + " from " +
                                errors_.front().from.to_string() + ")";
  if (!send_failures_.empty()) text += ", send failed: " + std::string(to_string(send_failures_.front().second));
  if (!replies_.empty()) {
    text += ", rtt";
    char buf[32];
    for (const auto& r : replies_) {
      std::snprintf(buf, sizeof buf, " %.3f", static_cast<double>(r.rtt) / 1e6);
      text += buf;
    }
    text += " ms";
  }
  return text;
}

}  // namespace vpcsim::node
