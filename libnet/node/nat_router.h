// A router that translates addresses, as a Linux box with iptables NAT rules does: connection tracking
// on every flow it forwards, destination NAT (port forwarding, the inbound half of 1:1) when a flow's
// first packet arrives (PREROUTING), source NAT (masquerade, SNAT, the outbound half of 1:1) when it
// leaves (POSTROUTING), and every later packet of the flow — replies, and ICMP errors about it —
// translated from its conntrack entry alone.
//
// A TCP segment of a tracked flow that the kernel's state table calls invalid (sIV: an ACK or FIN
// while the flow waits for its SYN-ACK, ...) loses its conntrack as in Linux and is not translated.
//
// Where it differs from Linux, on purpose (docs/faithfulness.md): the box's own flows (pings from it,
// packets to it) are not tracked; a TCP flow starts an entry only with a SYN (nf_conntrack_tcp_loose=1
// would pick up a flow mid-stream). Port allocation is Linux's bounded search
// (stack/nat_port_allocator.h).
//
// Inbound packets for the outside address with no mapping reach the box itself, as on Linux: it answers
// them as any host would (ICMP port unreachable, TCP RST, echo reply); the trace says that no mapping
// matched. Hairpin NAT (an inside host using the outside address and a forwarded port) is refused the
// same way: a `dnat` rule applies only to packets arriving on its `in` interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libnet/node/ip_node.h"
#include "libnet/stack/conntrack.h"
#include "libnet/stack/nat_rewrite.h"
#include "libnet/stack/nat_rules.h"

namespace vpcsim::node {

struct NatCounters {
  std::uint64_t flows_translated = 0;    ///< new flows whose source or destination was rewritten
  std::uint64_t packets_translated = 0;  ///< packets rewritten (both directions, ICMP errors included)
  std::uint64_t port_exhausted = 0;      ///< new flows dropped because no outside port was free
  std::uint64_t unmapped_inbound = 0;    ///< packets for an outside address that matched no mapping
  std::uint64_t invalid = 0;             ///< TCP segments the state table calls invalid: not translated
};

/// One conntrack entry as people read it (conntrack -L): `original` as the first packet arrived,
/// `reply` as its answers arrive, the time left before it expires.
struct Translation {
  stack::FlowTuple original;
  stack::FlowTuple reply;
  stack::ConnState state = stack::ConnState::new_flow;
  stack::TcpTrackState tcp_state = stack::TcpTrackState::none;
  bool source_translated = false;
  bool destination_translated = false;
  core::Time expires_in = 0;
};

class NatRouter : public IpNode {
 public:
  NatRouter(Network& network, std::uint32_t id, std::string name);

  /// Each throws core::ConfigError naming the rule and field (unknown interface, a duplicate or
  /// conflicting mapping, an empty port range).
  void add_snat(const stack::SnatRule& rule);
  void add_dnat(const stack::DnatRule& rule);
  void add_one_to_one(const stack::OneToOneRule& rule);
  const std::vector<stack::SnatRule>& snat_rules() const { return snat_; }
  const std::vector<stack::DnatRule>& dnat_rules() const { return dnat_; }
  const std::vector<stack::OneToOneRule>& one_to_one_rules() const { return one_to_one_; }

  stack::ConnTrack& conntrack() { return conntrack_; }
  const stack::ConnTrack& conntrack() const { return conntrack_; }
  /// Timeouts for flows seen from now on (Linux's defaults unless set).
  void set_timeouts(const stack::ConnTrackTimeouts& timeouts) { conntrack_.set_timeouts(timeouts); }
  /// The live entries, oldest first.
  std::vector<Translation> translations() const;
  const NatCounters& nat_counters() const { return nat_counters_; }

 protected:
  bool prerouting(link::Interface& in, wire::Frame& frame) override;
  bool postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) override;
  /// Whether a new flow, `tuple` after destination NAT, may get an entry leaving through `out`; a
  /// refusal drops the packet (the subclass records why). Every flow is admitted here; an AWS NAT
  /// gateway caps the connections to one destination.
  virtual bool admit_new_flow(link::Interface& out, const stack::FlowTuple& tuple, std::uint64_t packet_id) {
    (void)out, (void)tuple, (void)packet_id;
    return true;
  }
  /// A packet that belongs to no tracked flow and gets no destination NAT: one for the box itself
  /// (`local`), or one that cannot start a flow (a TCP segment without SYN, an echo reply). Linux lets
  /// both through untranslated (the first to the box's own stack); return false to drop instead,
  /// after recording why.
  virtual bool untracked(link::Interface& in, const stack::FlowTuple& tuple, const wire::Ipv4View& ip, bool local,
                         std::uint64_t packet_id);
  /// A new flow's destination (`tuple` as it arrived on `in`, `ip` its first packet), rewritten in
  /// place: the `one_to_one` and `dnat` rules here; a load balancer chooses a target instead.
  virtual bool destination_nat(const link::Interface& in, stack::FlowTuple& tuple, const wire::Ipv4View& ip);
  /// A new flow's source on the way out of `out`, rewritten in place: `one_to_one` and `snat` here.
  virtual bool source_nat(const link::Interface& out, wire::Ipv4Address next_hop, stack::FlowTuple& tuple,
                          stack::PortRange& range) const;
  /// Where to search for a free port for `tuple` (the flow after source NAT): nullptr for Linux's
  /// bounded random search; a cursor for an exhaustive one (stack/nat_port_allocator.h).
  virtual std::uint32_t* port_cursor(const stack::FlowTuple& tuple) {
    (void)tuple;
    return nullptr;
  }

 private:
  /// The flow of the packet being processed, between the two hooks (processing is synchronous).
  struct InFlight {
    bool known = false;             ///< a tracked flow: `entry` and `direction` are set
    bool pending = false;           ///< a new flow: `original` and `translated` are set
    bool error = false;             ///< an ICMP error related to the flow
    std::uint32_t entry = 0;
    stack::FlowDirection direction = stack::FlowDirection::original;
    stack::FlowTuple original;      ///< a new flow's first tuple, as it arrived
    stack::FlowTuple translated;    ///< ... after destination NAT
    std::uint8_t tcp_flags = 0;
  };

  /// The tuple a packet of `direction` must end up with: the inverse of the other direction's tuple.
  static stack::FlowTuple target_of(const stack::FlowTuple& original, const stack::FlowTuple& reply,
                                    stack::FlowDirection direction);
  /// Rewrites the packet (or the ICMP error) towards `target` for one manip, if that side differs
  /// from `current` (the tuple of the packet's direction as tracked). Returns whether it changed.
  bool apply(const wire::Ipv4ViewMut& ip, const stack::FlowTuple& current, const stack::FlowTuple& target,
             stack::Manip manip, bool error);
  void note_unmapped(const link::Interface& in, const stack::FlowTuple& tuple, std::uint64_t packet_id);
  bool finish_new_flow(link::Interface& out, wire::Ipv4Address next_hop, const wire::Ipv4ViewMut& ip,
                       std::uint64_t packet_id);
  void relate_local_error(const wire::Ipv4ViewMut& ip);

  stack::ConnTrack conntrack_;
  std::vector<stack::SnatRule> snat_;
  std::vector<std::uint32_t> snat_out_;  ///< interface index per snat_ rule
  std::vector<stack::DnatRule> dnat_;
  std::vector<std::uint32_t> dnat_in_;   ///< interface index per dnat_ rule
  std::vector<stack::OneToOneRule> one_to_one_;
  InFlight flight_;
  NatCounters nat_counters_;
};

}  // namespace vpcsim::node
