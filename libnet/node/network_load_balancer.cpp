#include "libnet/node/network_load_balancer.h"

#include <algorithm>
#include <map>

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::node {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string target_text(const LbTarget& t) { return t.address.to_string() + ":" + std::to_string(t.port); }

enum EventKind : std::uint32_t { kCheckTick = 0, kCheckTimeout = 1, kDrainDone = 2, kDeregister = 3 };

std::uint64_t pack(std::uint32_t group, std::uint32_t member) { return (std::uint64_t{group} << 32) | member; }

}  // namespace

std::string_view to_string(LbTargetType type) { return type == LbTargetType::instance ? "instance" : "ip"; }

std::string_view to_string(TargetHealth health) {
  switch (health) {
    case TargetHealth::initial: return "initial";
    case TargetHealth::healthy: return "healthy";
    case TargetHealth::unhealthy: return "unhealthy";
    case TargetHealth::draining: return "draining";
    case TargetHealth::unused: return "unused";
  }
  return "unknown";
}

struct NetworkLoadBalancer::Member {
  LbTarget target;
  TargetHealth health = TargetHealth::initial;
  std::string reason = "registering: initial health checks";
  std::uint64_t flows = 0;
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::uint32_t run_ok = 0;    ///< consecutive checks passed
  std::uint32_t run_fail = 0;  ///< consecutive checks failed
  std::uint32_t generation = 0;  ///< bumped on (re)registration: older timers are ignored
};

struct NetworkLoadBalancer::Group {
  LbTargetGroupConfig config;
  bool preserve_client_ip = true;
  std::vector<Member> members;
};

// Health checks: a TCP connect from the balancer to each target, with a timeout.
class NetworkLoadBalancer::HealthChecker final : public TcpHandler, public core::EventHandler {
 public:
  explicit HealthChecker(NetworkLoadBalancer& lb) : lb_(lb) {}

  void schedule(std::uint32_t group, std::uint32_t member, core::Time in) {
    const Member& m = lb_.groups_[group]->members[member];
    lb_.network().simulation().schedule_in(in, *this, kCheckTick, pack(group, member), m.generation);
  }

  void handle_event(const core::Event& event) override {
    const auto group = static_cast<std::uint32_t>(event.arg >> 32);
    const auto member = static_cast<std::uint32_t>(event.arg);
    if (event.kind == kDeregister) {
      lb_.run_scheduled(static_cast<std::size_t>(event.arg));
      return;
    }
    if (event.kind == kDrainDone) {
      if (lb_.groups_[group]->members[member].generation == event.aux) lb_.drain_done(group, member);
      return;
    }
    if (event.kind == kCheckTimeout) {
      auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Check& c) { return c.serial == event.arg; });
      if (it == pending_.end()) return;
      const Check check = *it;
      pending_.erase(it);
      lb_.tcp().close(check.id);
      lb_.check_result(check.group, check.member, false, "health check timed out");
      return;
    }
    Group& g = *lb_.groups_[group];
    Member& m = g.members[member];
    if (m.generation != event.aux || m.health == TargetHealth::unused) return;  // deregistered since
    schedule(group, member, g.config.health.interval);
    const std::uint16_t port = g.config.health.port != 0 ? g.config.health.port : m.target.port;
    const TcpConnectResult r = lb_.tcp().connect(m.target.address, port, 0, *this);
    if (r.status != SendStatus::sent) {
      lb_.check_result(group, member, false, "health check could not be sent (no route)");
      return;
    }
    const std::uint64_t serial = ++serial_;
    pending_.push_back({serial, r.id, group, member});
    lb_.network().simulation().schedule_in(g.config.health.timeout, *this, kCheckTimeout, serial);
  }

  void on_tcp_established(IpNode& node, TcpSocketId id) override { finish(node, id, true, ""); }
  void on_tcp_data(IpNode&, TcpSocketId, std::span<const std::uint8_t>) override {}
  void on_tcp_peer_closed(IpNode& node, TcpSocketId id) override { node.tcp().close(id); }
  void on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) override {
    if (error != stack::TcpError::none) finish(node, id, false, "health check connection failed");
  }

 private:
  struct Check {
    std::uint64_t serial;
    TcpSocketId id;
    std::uint32_t group;
    std::uint32_t member;
  };
  void finish(IpNode& node, TcpSocketId id, bool passed, const char* why) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Check& c) { return c.id == id; });
    if (it == pending_.end()) return;
    const Check check = *it;
    pending_.erase(it);
    if (passed) node.tcp().close(id);
    lb_.check_result(check.group, check.member, passed, why);
  }

  NetworkLoadBalancer& lb_;
  std::vector<Check> pending_;
  std::uint64_t serial_ = 0;
};

NetworkLoadBalancer::NetworkLoadBalancer(Network& network, std::uint32_t id, std::string name)
    : NatRouter(network, id, std::move(name)), checker_(std::make_unique<HealthChecker>(*this)) {
  salt_ = network.simulation().rng().next_u64();
  stack::ConnTrackTimeouts timeouts = conntrack().timeouts();
  timeouts.tcp_established = 350 * core::kSecond;  // the NLB's TCP idle timeout
  timeouts.udp_stream = 120 * core::kSecond;       // ... and its UDP one
  set_timeouts(timeouts);
}

NetworkLoadBalancer::~NetworkLoadBalancer() = default;

NetworkLoadBalancer::Group& NetworkLoadBalancer::group(const std::string& name, const char* field) {
  for (auto& g : groups_)
    if (g->config.name == name) return *g;
  throw core::ConfigError(this->name(), field, "no target group named '" + name + "'");
}

void NetworkLoadBalancer::add_target_group(LbTargetGroupConfig config) {
  const std::string field = "target group " + config.name;
  if (config.name.empty()) throw core::ConfigError(name(), "target group", "a target group needs a name");
  for (const auto& g : groups_)
    if (g->config.name == config.name) throw core::ConfigError(name(), field, "the name is taken");
  if (config.protocol != wire::kIpProtoTcp && config.protocol != wire::kIpProtoUdp)
    throw core::ConfigError(name(), field, "protocol must be TCP or UDP");
  const LbHealthCheck& h = config.health;
  for (std::uint32_t t : {h.healthy_threshold, h.unhealthy_threshold})
    if (t < 2 || t > 10) throw core::ConfigError(name(), field + ": health", "thresholds are 2..10 (AWS's range)");
  if (h.interval <= 0 || h.timeout <= 0 || h.timeout >= h.interval)
    throw core::ConfigError(name(), field + ": health", "the timeout must be positive and below the interval");
  if (config.deregistration_delay < 0) throw core::ConfigError(name(), field, "deregistration delay is negative");
  for (std::size_t i = 0; i < config.targets.size(); ++i) {  // checked before anything is kept
    const LbTarget& t = config.targets[i];
    if (t.port == 0 || t.address.is_unspecified())
      throw core::ConfigError(name(), "target " + target_text(t), "a target needs an address and a port");
    for (std::size_t j = 0; j < i; ++j)
      if (config.targets[j] == t) throw core::ConfigError(name(), "target " + target_text(t), "given twice in " + config.name);
  }
  auto g = std::make_unique<Group>();
  // AWS's default: preserved for instance targets and UDP, not for IP targets behind TCP.
  g->preserve_client_ip = config.preserve_client_ip.value_or(config.type == LbTargetType::instance ||
                                                             config.protocol == wire::kIpProtoUdp);
  std::vector<LbTarget> targets = std::move(config.targets);
  config.targets.clear();
  g->config = std::move(config);
  groups_.push_back(std::move(g));
  for (const LbTarget& t : targets) register_target(groups_.back()->config.name, t);
}

void NetworkLoadBalancer::add_listener(const LbListenerConfig& listener) {
  const std::string field = "listener " + std::to_string(listener.port);
  Group& g = group(listener.target_group, "listener");
  if (listener.port == 0) throw core::ConfigError(name(), field, "a listener needs a port");
  if (g.config.protocol != listener.protocol)
    throw core::ConfigError(name(), field, "its protocol differs from target group " + g.config.name + "'s");
  for (const auto& l : listeners_)
    if (l.port == listener.port && l.protocol == listener.protocol)
      throw core::ConfigError(name(), field, "a listener on this port and protocol exists");
  listeners_.push_back(listener);
}

void NetworkLoadBalancer::register_target(const std::string& name_of_group, LbTarget target) {
  Group& g = group(name_of_group, "target");
  const std::string field = "target " + target_text(target);
  if (target.port == 0) throw core::ConfigError(name(), field, "a target needs a port");
  if (target.address.is_unspecified()) throw core::ConfigError(name(), field, "a target needs an address");
  const auto group_index = static_cast<std::uint32_t>(
      std::find_if(groups_.begin(), groups_.end(), [&](const auto& p) { return p.get() == &g; }) - groups_.begin());
  auto it = std::find_if(g.members.begin(), g.members.end(), [&](const Member& m) { return m.target == target; });
  if (it != g.members.end() && it->health != TargetHealth::unused)
    throw core::ConfigError(name(), field, "already registered in " + g.config.name);
  if (it == g.members.end()) {
    g.members.push_back(Member{target});
    it = g.members.end() - 1;
  } else {
    const std::uint32_t generation = it->generation + 1;
    *it = Member{target};
    it->generation = generation;
  }
  const auto member = static_cast<std::uint32_t>(it - g.members.begin());
  if (g.config.health.enabled) checker_->schedule(group_index, member, 0);
}

void NetworkLoadBalancer::deregister_target(const std::string& name_of_group, LbTarget target) {
  Group& g = group(name_of_group, "target");
  auto it = std::find_if(g.members.begin(), g.members.end(), [&](const Member& m) {
    return m.target == target && m.health != TargetHealth::unused && m.health != TargetHealth::draining;
  });
  if (it == g.members.end())
    throw core::ConfigError(name(), "target " + target_text(target), "not registered in " + g.config.name);
  ++it->generation;  // stops its health checks
  set_health(g, *it, TargetHealth::draining, "deregistration in progress");
  const auto group_index = static_cast<std::uint32_t>(
      std::find_if(groups_.begin(), groups_.end(), [&](const auto& p) { return p.get() == &g; }) - groups_.begin());
  network().simulation().schedule_in(g.config.deregistration_delay, *checker_, kDrainDone,
                                     pack(group_index, static_cast<std::uint32_t>(it - g.members.begin())),
                                     it->generation);
}

void NetworkLoadBalancer::deregister_target_at(const std::string& name_of_group, LbTarget target, core::Time at) {
  Group& g = group(name_of_group, "target");
  if (std::none_of(g.members.begin(), g.members.end(), [&](const Member& m) { return m.target == target; }))
    throw core::ConfigError(name(), "target " + target_text(target), "not registered in " + g.config.name);
  scheduled_.emplace_back(name_of_group, target);
  network().simulation().schedule_at(at, *checker_, kDeregister, scheduled_.size() - 1);
}

void NetworkLoadBalancer::run_scheduled(std::size_t index) {
  // Named copies, not a structured binding: clang 14 cannot capture a binding in the lambda below.
  const auto& scheduled = scheduled_[index];
  const auto& name_of_group = scheduled.first;
  const auto& target = scheduled.second;
  Group& g = group(name_of_group, "target");
  auto it = std::find_if(g.members.begin(), g.members.end(), [&](const Member& m) { return m.target == target; });
  if (it != g.members.end() && it->health != TargetHealth::draining && it->health != TargetHealth::unused)
    deregister_target(name_of_group, target);
}

void NetworkLoadBalancer::drain_done(std::uint32_t group_index, std::uint32_t member) {
  Group& g = *groups_[group_index];
  Member& m = g.members[member];
  set_health(g, m, TargetHealth::unused, "target deregistered");
  if (!g.config.connection_termination) return;
  for (std::uint32_t entry : conntrack().live_entries()) {
    const stack::ConnEntry& e = conntrack().entry(entry);
    if (e.reply.src == m.target.address && e.reply.src_port == m.target.port && e.reply.protocol == g.config.protocol)
      conntrack().remove(entry);
  }
}

void NetworkLoadBalancer::set_tcp_idle_timeout(core::Time timeout) {
  if (timeout < 60 * core::kSecond || timeout > 6000 * core::kSecond)
    throw core::ConfigError(name(), "tcp idle timeout", "must be 60..6000 s (AWS's range)");
  stack::ConnTrackTimeouts timeouts = conntrack().timeouts();
  timeouts.tcp_established = timeout;
  set_timeouts(timeouts);
}

void NetworkLoadBalancer::set_health(Group& g, Member& m, TargetHealth to, std::string reason) {
  if (m.health == to) return;
  changes_.push_back({network().now(), g.config.name, m.target, m.health, to, reason});
  m.health = to;
  m.reason = std::move(reason);
}

void NetworkLoadBalancer::check_result(std::uint32_t group_index, std::uint32_t member, bool passed, const char* why) {
  Group& g = *groups_[group_index];
  Member& m = g.members[member];
  if (m.health == TargetHealth::draining || m.health == TargetHealth::unused) return;
  if (passed) {
    ++m.passed;
    ++m.run_ok;
    m.run_fail = 0;
    if (m.run_ok >= g.config.health.healthy_threshold) set_health(g, m, TargetHealth::healthy, "");
  } else {
    ++m.failed;
    ++m.run_fail;
    m.run_ok = 0;
    if (m.run_fail >= g.config.health.unhealthy_threshold) set_health(g, m, TargetHealth::unhealthy, why);
  }
}

bool NetworkLoadBalancer::destination_nat(const link::Interface& in, stack::FlowTuple& tuple, const wire::Ipv4View& ip) {
  pending_snat_ = false;
  if (!is_local_address(tuple.dst)) return NatRouter::destination_nat(in, tuple, ip);
  const auto listener = std::find_if(listeners_.begin(), listeners_.end(), [&](const LbListenerConfig& l) {
    return l.protocol == tuple.protocol && l.port == tuple.dst_port;
  });
  if (listener == listeners_.end()) return NatRouter::destination_nat(in, tuple, ip);
  Group& g = group(listener->target_group, "listener");
  // Healthy targets; none healthy: fail open to every registered one (initial, unhealthy).
  std::vector<Member*> eligible;
  for (Member& m : g.members)
    if (m.health == TargetHealth::healthy) eligible.push_back(&m);
  if (eligible.empty())
    for (Member& m : g.members)
      if (m.health != TargetHealth::draining && m.health != TargetHealth::unused) eligible.push_back(&m);
  if (eligible.empty()) {
    ++no_target_;
    return false;  // the balancer itself answers: RST (TCP) or port unreachable (UDP)
  }
  std::uint64_t h = mix(salt_ ^ tuple.protocol);
  h = mix(h ^ ((std::uint64_t{tuple.src.to_u32()} << 32) | tuple.dst.to_u32()));
  h = mix(h ^ ((std::uint64_t{tuple.src_port} << 16) | tuple.dst_port));
  if (tuple.protocol == wire::kIpProtoTcp)
    if (auto tcp = wire::TcpView::parse(ip.payload())) h = mix(h ^ tcp->seq());
  Member& chosen = *eligible[h % eligible.size()];
  ++chosen.flows;
  pending_snat_ = !g.preserve_client_ip;
  if (choices_.size() < kKeptChoices)
    choices_.push_back({network().now(), tuple, g.config.name, chosen.target, pending_snat_});
  tuple.dst = chosen.target.address;
  tuple.dst_port = chosen.target.port;
  return true;
}

bool NetworkLoadBalancer::source_nat(const link::Interface& out, wire::Ipv4Address next_hop, stack::FlowTuple& tuple,
                                     stack::PortRange& range) const {
  if (!pending_snat_) return NatRouter::source_nat(out, next_hop, tuple, range);
  const wire::Ipv4Address self = out.source_address_for(next_hop);
  if (self.is_unspecified()) return false;
  tuple.src = self;
  range = {};
  return true;
}

std::vector<LbTargetStatus> NetworkLoadBalancer::target_health() const {
  std::vector<LbTargetStatus> out;
  for (const auto& g : groups_)
    for (const Member& m : g->members)
      out.push_back({g->config.name, m.target, m.health, m.reason, m.flows, m.passed, m.failed});
  return out;
}

}  // namespace vpcsim::node
