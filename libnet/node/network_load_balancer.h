// A layer-4 load balancer with AWS Network Load Balancer semantics, as a plain node: a NatRouter whose
// destination NAT is a choice of target instead of a fixed rule.
//
// - Listeners (TCP or UDP, a port on any of the node's addresses) forward to a target group.
// - A new flow's target is chosen by a flow hash, as AWS describes it: protocol, source and
//   destination address and port, and for TCP the SYN's sequence number (so each connection hashes
//   anew and a UDP flow stays on one target); the hash is salted from the simulation's seed. The
//   choice is kept in conntrack, so every later packet of the flow goes to the same target.
// - Client IP preservation as AWS's defaults: on for instance targets and for UDP, off for IP targets
//   behind a TCP listener (then the source becomes the balancer's own address, by source NAT).
// - Idle timeout: an established TCP flow idle for 350 s (UDP: 120 s) is forgotten; the client's next
//   segment reaches the balancer itself, which answers it with a RST.
// - Health checks: a TCP connect to each target every `interval`, failing after `timeout`;
//   `healthy_threshold` consecutive successes make a target healthy, `unhealthy_threshold` failures
//   unhealthy. Only healthy targets get new flows; when none is healthy the balancer fails open and
//   uses every registered target (AWS: "fail open"), which is also how new targets (`initial`) get
//   traffic before their first checks complete.
// - Deregistration: the target gets no new flow at once (`draining`); its flows continue for the
//   deregistration delay (300 s), after which it is gone (`unused`) and, with connection termination
//   on, its remaining flows are forgotten (their next segment gets a RST).
// Everything observable: per-target flow counts, the chosen target of each flow, health changes.
// References are in docs/cloud.md ("Load balancers").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/node/nat_router.h"

namespace vpcsim::node {

struct LbTarget {
  wire::Ipv4Address address;
  std::uint16_t port = 0;
  bool operator==(const LbTarget&) const = default;
};

enum class LbTargetType : std::uint8_t { instance, ip };
std::string_view to_string(LbTargetType type);

/// AWS's target health states.
enum class TargetHealth : std::uint8_t { initial, healthy, unhealthy, draining, unused };
std::string_view to_string(TargetHealth health);

struct LbHealthCheck {
  bool enabled = true;
  core::Time interval = 30 * core::kSecond;
  core::Time timeout = 10 * core::kSecond;
  std::uint32_t healthy_threshold = 5;
  std::uint32_t unhealthy_threshold = 2;
  std::uint16_t port = 0;  ///< 0: the target's traffic port
};

struct LbTargetGroupConfig {
  std::string name;
  std::uint8_t protocol = 6;  ///< wire::kIpProtoTcp or kIpProtoUdp
  LbTargetType type = LbTargetType::instance;
  std::vector<LbTarget> targets;
  LbHealthCheck health;
  core::Time deregistration_delay = 300 * core::kSecond;
  bool connection_termination = false;  ///< close (forget) remaining flows when the delay ends
  std::optional<bool> preserve_client_ip;  ///< unset: AWS's default for the type and protocol
};

struct LbListenerConfig {
  std::uint8_t protocol = 6;
  std::uint16_t port = 0;
  std::string target_group;
};

/// A target as people read it (`aws elbv2 describe-target-health`, plus counters).
struct LbTargetStatus {
  std::string group;
  LbTarget target;
  TargetHealth health = TargetHealth::initial;
  std::string reason;           ///< why it is in that state ("health checks failed", ...)
  std::uint64_t flows = 0;      ///< new flows sent to it
  std::uint64_t checks_passed = 0;
  std::uint64_t checks_failed = 0;
};

/// Which target a new flow went to.
struct LbFlowChoice {
  core::Time at = 0;
  stack::FlowTuple flow;        ///< as it arrived from the client
  std::string group;
  LbTarget target;
  bool source_translated = false;  ///< the client's address was replaced by the balancer's
};

struct LbHealthChange {
  core::Time at = 0;
  std::string group;
  LbTarget target;
  TargetHealth from = TargetHealth::initial;
  TargetHealth to = TargetHealth::initial;
  std::string reason;
};

class NetworkLoadBalancer final : public NatRouter {
 public:
  NetworkLoadBalancer(Network& network, std::uint32_t id, std::string name);
  ~NetworkLoadBalancer() override;

  /// Each throws core::ConfigError naming the field: a duplicate name, a protocol that is not TCP
  /// or UDP, a target without a port or given twice, a threshold outside 2..10, a timeout not below
  /// the interval.
  void add_target_group(LbTargetGroupConfig config);
  /// Throws for an unknown group, a protocol unlike the group's, a port already listened on.
  void add_listener(const LbListenerConfig& listener);
  void register_target(const std::string& group, LbTarget target);
  /// Starts draining the target (no new flows) for the group's deregistration delay.
  void deregister_target(const std::string& group, LbTarget target);
  /// Deregisters at simulated time `at` (at once if it has passed). Throws now as deregister_target
  /// would for an unknown group or target.
  void deregister_target_at(const std::string& group, LbTarget target, core::Time at);
  /// TCP idle timeout (AWS: 350 s, 60..6000 s); applies to flows from now on.
  void set_tcp_idle_timeout(core::Time timeout);
  core::Time tcp_idle_timeout() const { return conntrack().timeouts().tcp_established; }

  const std::vector<LbListenerConfig>& listeners() const { return listeners_; }
  std::vector<LbTargetStatus> target_health() const;
  static constexpr std::size_t kKeptChoices = 100000;
  /// The first kKeptChoices flows and the target each went to.
  const std::vector<LbFlowChoice>& flow_choices() const { return choices_; }
  const std::vector<LbHealthChange>& health_changes() const { return changes_; }
  /// New flows that found no target at all (an empty group): refused.
  std::uint64_t flows_without_target() const { return no_target_; }

 protected:
  bool destination_nat(const link::Interface& in, stack::FlowTuple& tuple, const wire::Ipv4View& ip) override;
  bool source_nat(const link::Interface& out, wire::Ipv4Address next_hop, stack::FlowTuple& tuple,
                  stack::PortRange& range) const override;

 private:
  struct Member;
  struct Group;
  class HealthChecker;
  Group& group(const std::string& name, const char* field);
  void set_health(Group& g, Member& m, TargetHealth to, std::string reason);
  void check_result(std::uint32_t group, std::uint32_t member, bool passed, const char* why);
  void drain_done(std::uint32_t group, std::uint32_t member);
  void run_scheduled(std::size_t index);
  friend class HealthChecker;

  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<LbListenerConfig> listeners_;
  std::unique_ptr<HealthChecker> checker_;
  std::vector<LbFlowChoice> choices_;
  std::vector<LbHealthChange> changes_;
  std::vector<std::pair<std::string, LbTarget>> scheduled_;  ///< deregistrations to come
  std::uint64_t salt_ = 0;
  std::uint64_t no_target_ = 0;
  bool pending_snat_ = false;  ///< the flow between the two hooks goes to an IP target without preservation
};

}  // namespace vpcsim::node
