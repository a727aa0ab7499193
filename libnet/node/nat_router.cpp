#include "libnet/node/nat_router.h"

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/stack/nat_rewrite.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/node_frame.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::node {
namespace {

using stack::FlowDirection;
using stack::FlowTuple;
using stack::Manip;

wire::Ipv4ViewMut ipv4_of(wire::Frame& frame) { return *wire::ipv4_of_frame(frame); }

bool is_icmp_error_packet(const wire::Ipv4ViewMut& ip) {
  if (ip.protocol() != wire::kIpProtoIcmp || ip.frag_offset() != 0) return false;
  const auto icmp = wire::IcmpView::parse(ip.payload());
  return icmp && icmp->is_error();
}

std::uint8_t tcp_flags_of(const wire::Ipv4ViewMut& ip) {
  if (ip.protocol() != wire::kIpProtoTcp) return 0;
  const auto tcp = wire::TcpView::parse(ip.payload());
  return tcp ? tcp->flags() : 0;
}

bool is_echo_request(const wire::Ipv4ViewMut& ip) {
  const auto icmp = wire::IcmpView::parse(ip.payload());
  return icmp && icmp->type() == wire::kIcmpEchoRequest;
}

/// Whether a flow's first packet may create a conntrack entry (Linux: tcp_new() wants a SYN without
/// ACK here, icmp_new() an echo request; any UDP datagram starts a flow).
bool starts_flow(const wire::Ipv4ViewMut& ip) {
  switch (ip.protocol()) {
    case wire::kIpProtoTcp: return (tcp_flags_of(ip) & (wire::kTcpSyn | wire::kTcpAck | wire::kTcpRst)) == wire::kTcpSyn;
    case wire::kIpProtoIcmp: return is_echo_request(ip);
    default: return true;
  }
}

std::string endpoint(wire::Ipv4Address address, std::uint16_t port, std::uint8_t protocol) {
  std::string text = address.to_string();
  if (protocol != wire::kIpProtoIcmp) {
    text += ':';
    text += std::to_string(port);
  }
  return text;
}

}  // namespace

NatRouter::NatRouter(Network& network, std::uint32_t id, std::string name)
    : IpNode(network, id, std::move(name), NodeKind::nat, true), conntrack_(network.simulation()) {
  enable_hooks();
}

// ---------------------------------------------------------------------------------------------
// Rules

void NatRouter::add_snat(const stack::SnatRule& rule) {
  const std::string field = "snat[" + std::to_string(snat_.size()) + "]";
  const link::Interface* out = find_interface(rule.out);
  if (out == nullptr) interface(rule.out);  // throws, naming the interfaces there are
  if (rule.ports.specified() && (rule.ports.min == 0 || rule.ports.min > rule.ports.max))
    throw core::ConfigError(name(), field + ".ports",
                            "port range " + std::to_string(rule.ports.min) + "-" + std::to_string(rule.ports.max) +
                                " is empty or starts at 0");
  snat_.push_back(rule);
  snat_out_.push_back(index_of(*out));
}

void NatRouter::add_dnat(const stack::DnatRule& rule) {
  const std::string field = "dnat[" + std::to_string(dnat_.size()) + "]";
  if (rule.protocol != wire::kIpProtoTcp && rule.protocol != wire::kIpProtoUdp)
    throw core::ConfigError(name(), field + ".proto", "port forwarding is for tcp or udp, not " +
                                                          stack::protocol_name(rule.protocol));
  if (rule.port == 0) throw core::ConfigError(name(), field + ".port", "port 0 cannot be forwarded");
  if (rule.to.is_unspecified()) throw core::ConfigError(name(), field + ".to", "needs an inside address");
  const link::Interface* in = find_interface(rule.in);
  if (in == nullptr) interface(rule.in);
  for (std::size_t i = 0; i < dnat_.size(); ++i)
    if (dnat_[i].protocol == rule.protocol && dnat_[i].port == rule.port && dnat_in_[i] == index_of(*in))
      throw core::ConfigError(name(), field, stack::protocol_name(rule.protocol) + " port " + std::to_string(rule.port) +
                                                 " on " + rule.in + " is already forwarded by dnat[" +
                                                 std::to_string(i) + "]");
  dnat_.push_back(rule);
  dnat_in_.push_back(index_of(*in));
}

void NatRouter::add_one_to_one(const stack::OneToOneRule& rule) {
  const std::string field = "one_to_one[" + std::to_string(one_to_one_.size()) + "]";
  if (rule.private_address.is_unspecified() || rule.public_address.is_unspecified())
    throw core::ConfigError(name(), field, "needs both a private and a public address");
  if (rule.private_address == rule.public_address)
    throw core::ConfigError(name(), field, "private and public address are both " + rule.public_address.to_string());
  if (is_local_address(rule.public_address))
    throw core::ConfigError(name(), field + ".public", rule.public_address.to_string() + " is already an address of " + name());
  for (std::size_t i = 0; i < one_to_one_.size(); ++i) {
    const auto& other = one_to_one_[i];
    if (other.public_address == rule.public_address || other.private_address == rule.private_address)
      throw core::ConfigError(name(), field, "maps an address one_to_one[" + std::to_string(i) + "] maps already");
  }
  one_to_one_.push_back(rule);
  // Like `ip addr add PUBLIC dev ethX` on Linux: the box answers ARP for a public address that lies
  // on one of its connected subnets. Elsewhere, the upstream router needs a route to it.
  for (const auto& iface : interfaces())
    for (const auto& address : iface->addresses())
      if (address.subnet().contains(rule.public_address)) {
        add_address(iface->name(), wire::Ipv4InterfaceAddress(rule.public_address, address.prefix_length()));
        return;
      }
}

// ---------------------------------------------------------------------------------------------
// Inspection

std::vector<Translation> NatRouter::translations() const {
  std::vector<Translation> out;
  const core::Time now = network().now();
  for (std::uint32_t index : conntrack_.live_entries()) {
    const stack::ConnEntry& e = conntrack_.entry(index);
    out.push_back(Translation{e.original, e.reply, e.state(), e.tcp, e.source_translated(),
                              e.destination_translated(), e.expires - now});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Translation

FlowTuple NatRouter::target_of(const FlowTuple& original, const FlowTuple& reply, FlowDirection direction) {
  return (direction == FlowDirection::original ? reply : original).inverse();
}

bool NatRouter::apply(const wire::Ipv4ViewMut& ip, const FlowTuple& current, const FlowTuple& target, Manip manip,
                      bool error) {
  const bool source = manip == Manip::source;
  const bool differs = source ? (target.src != current.src || target.src_port != current.src_port)
                              : (target.dst != current.dst || target.dst_port != current.dst_port);
  if (!differs) return false;
  if (error) {
    if (!stack::rewrite_icmp_error(ip, target, manip)) return false;
  } else {
    stack::rewrite_packet(ip, target, manip);
  }
  ++nat_counters_.packets_translated;
  return true;
}

bool NatRouter::destination_nat(const link::Interface& in, FlowTuple& tuple, const wire::Ipv4View&) {
  for (const auto& rule : one_to_one_)
    if (tuple.dst == rule.public_address) {
      tuple.dst = rule.private_address;
      return true;
    }
  if (tuple.protocol == wire::kIpProtoIcmp || !is_local_address(tuple.dst)) return false;
  const std::uint32_t in_index = index_of(in);
  for (std::size_t i = 0; i < dnat_.size(); ++i) {
    const auto& rule = dnat_[i];
    if (rule.protocol == tuple.protocol && rule.port == tuple.dst_port && dnat_in_[i] == in_index) {
      tuple.dst = rule.to;
      tuple.dst_port = rule.to_port != 0 ? rule.to_port : rule.port;
      return true;
    }
  }
  return false;
}

bool NatRouter::source_nat(const link::Interface& out, wire::Ipv4Address next_hop, FlowTuple& tuple,
                           stack::PortRange& range) const {
  for (const auto& rule : one_to_one_)
    if (tuple.src == rule.private_address) {
      tuple.src = rule.public_address;
      range = {};
      return true;
    }
  const std::uint32_t out_index = index_of(out);
  for (std::size_t i = 0; i < snat_.size(); ++i) {
    const auto& rule = snat_[i];
    if (snat_out_[i] != out_index || !rule.from.contains(tuple.src)) continue;
    // MASQUERADE: the address the egress interface would use towards the next hop (inet_select_addr).
    const wire::Ipv4Address to = rule.to.is_unspecified() ? out.source_address_for(next_hop) : rule.to;
    if (to.is_unspecified()) continue;
    tuple.src = to;
    range = rule.ports;
    return true;
  }
  return false;
}

void NatRouter::note_unmapped(const link::Interface& in, const FlowTuple& tuple, std::uint64_t packet_id) {
  if (tuple.protocol == wire::kIpProtoIcmp) return;  // a ping to the box is just that
  const std::uint32_t in_index = index_of(in);
  std::string why;
  for (std::size_t i = 0; i < dnat_.size() && why.empty(); ++i)
    if (dnat_[i].protocol == tuple.protocol && dnat_[i].port == tuple.dst_port)
      why = "hairpin NAT is not supported: " + stack::protocol_name(tuple.protocol) + " port " +
            std::to_string(tuple.dst_port) + " is forwarded only for packets arriving on " + dnat_[i].in;
  for (std::size_t i = 0; i < snat_.size() && why.empty(); ++i)
    if (snat_out_[i] == in_index) why = "no NAT mapping for " + tuple.to_string();
  if (why.empty()) return;
  ++nat_counters_.unmapped_inbound;
  why += "; " + name() + " handles it itself, as Linux does";
  context().trace.note(context().now(), trace::TraceKind::nat_unmapped, id(), in.id(), packet_id, std::move(why));
}

bool NatRouter::prerouting(link::Interface& in, wire::Frame& frame) {
  flight_ = InFlight{};
  const wire::Ipv4ViewMut ip = ipv4_of(frame);
  if (is_icmp_error_packet(ip)) {
    // RELATED: an error about a tracked flow travels in the direction opposite to the packet it quotes.
    const auto quoted = stack::quoted_flow_tuple_of(ip);
    if (!quoted) return true;
    const auto match = conntrack_.find(quoted->inverse());
    if (!match) return true;
    const stack::ConnEntry& e = conntrack_.entry(match->entry);
    flight_ = InFlight{true, false, true, match->entry, match->direction, {}, {}, 0};
    apply(ip, e.tuple(match->direction), target_of(e.original, e.reply, match->direction), Manip::destination, true);
    return true;
  }
  const auto tuple = stack::flow_tuple_of(ip);
  if (!tuple) return true;
  const std::uint8_t flags = tcp_flags_of(ip);
  if (const auto match = conntrack_.find(*tuple)) {
    if (!conntrack_.update(match->entry, match->direction, flags)) {
      // Invalid for the state table (an ACK after an unanswered SYN, ...): Linux takes the packet's
      // conntrack away, so NAT leaves it as it is and it goes on untranslated (or to the box).
      ++nat_counters_.invalid;
      return untracked(in, *tuple, ip, is_local_address(tuple->dst), frame.meta().packet_id);
    }
    const stack::ConnEntry& e = conntrack_.entry(match->entry);
    flight_ = InFlight{true, false, false, match->entry, match->direction, {}, {}, flags};
    apply(ip, *tuple, target_of(e.original, e.reply, match->direction), Manip::destination, false);
    return true;
  }
  FlowTuple translated = *tuple;
  const bool creates = starts_flow(ip);
  if (creates && destination_nat(in, translated, ip)) {
    stack::rewrite_packet(ip, translated, Manip::destination);
    ++nat_counters_.packets_translated;
  } else if (const bool local = is_local_address(tuple->dst); local || !creates) {
    return untracked(in, *tuple, ip, local, frame.meta().packet_id);
  }
  if (creates) flight_ = InFlight{false, true, false, 0, FlowDirection::original, *tuple, translated, flags};
  return true;
}

bool NatRouter::untracked(link::Interface& in, const FlowTuple& tuple, const wire::Ipv4View&, bool local,
                          std::uint64_t packet_id) {
  if (local) note_unmapped(in, tuple, packet_id);  // the box's own flows are not tracked
  return true;
}

bool NatRouter::postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) {
  const wire::Ipv4ViewMut ip = ipv4_of(frame);
  if (!forwarded) {
    relate_local_error(ip);
    return true;
  }
  const InFlight flight = flight_;
  flight_ = InFlight{};
  if (flight.known) {
    const stack::ConnEntry& e = conntrack_.entry(flight.entry);
    apply(ip, e.tuple(flight.direction), target_of(e.original, e.reply, flight.direction), Manip::source, flight.error);
    return true;
  }
  if (!flight.pending) return true;
  flight_ = flight;  // finish_new_flow reads it
  const bool kept = finish_new_flow(out, next_hop, ip, frame.meta().packet_id);
  flight_ = InFlight{};
  return kept;
}

bool NatRouter::finish_new_flow(link::Interface& out, wire::Ipv4Address next_hop, const wire::Ipv4ViewMut& ip,
                                std::uint64_t packet_id) {
  const FlowTuple& before = flight_.translated;
  if (!admit_new_flow(out, before, packet_id)) return false;
  FlowTuple wanted = before;
  stack::PortRange range;
  const bool snat = source_nat(out, next_hop, wanted, range);
  std::optional<FlowTuple> chosen = wanted;
  // Even without a rule, a reply tuple already in use forces a new source port (Linux's null binding).
  if (snat || conntrack_.in_use(wanted.inverse()))
    chosen = stack::unique_source_tuple(conntrack_, wanted, range, context().sim.rng(), port_cursor(wanted));
  // (flight_.original needs no lookup: PREROUTING found no entry for it, and nothing runs between
  // the two hooks. ConnTrack::insert asserts it.)
  if (!chosen) {
    ++nat_counters_.port_exhausted;
    std::string detail = "no free ";
    detail += before.protocol == wire::kIpProtoIcmp ? "ICMP identifier" : "port";
    detail += " on " + wanted.src.to_string() + " towards " + endpoint(wanted.dst, wanted.dst_port, wanted.protocol) +
              " for " + flight_.original.to_string() + " at " + name();
    drop(&out, trace::DropReason::nat_port_exhausted, packet_id, std::move(detail));
    return false;
  }
  conntrack_.insert(flight_.original, chosen->inverse(), flight_.tcp_flags);
  const bool source_changed = chosen->src != before.src || chosen->src_port != before.src_port;
  if (source_changed) {
    stack::rewrite_packet(ip, *chosen, Manip::source);
    ++nat_counters_.packets_translated;
  }
  if (source_changed || !(before == flight_.original)) {
    ++nat_counters_.flows_translated;
    if (context().trace.record_translations())
      context().trace.note(context().now(), trace::TraceKind::translated, id(), out.id(), packet_id,
                           flight_.original.to_string() + " as " + chosen->to_string());
  }
  return true;
}

void NatRouter::relate_local_error(const wire::Ipv4ViewMut& ip) {
  // An error this box sends about a packet of a tracked flow (or of the new flow in flight, which
  // died before POSTROUTING: TTL, MTU, no route) is translated as the flow's packets are (Linux
  // attaches the flow's conntrack to the error, nf_ct_attach in icmp_send).
  if (!is_icmp_error_packet(ip)) return;
  const auto quoted = stack::quoted_flow_tuple_of(ip);
  if (!quoted) return;
  FlowTuple original;
  FlowTuple reply;
  FlowDirection direction;
  if (flight_.pending && *quoted == flight_.translated) {
    original = flight_.original;
    reply = flight_.translated.inverse();
    direction = FlowDirection::reply;
  } else if (const auto match = conntrack_.find(quoted->inverse())) {
    const stack::ConnEntry& e = conntrack_.entry(match->entry);
    original = e.original;
    reply = e.reply;
    direction = match->direction;
  } else {
    return;
  }
  const FlowTuple& current = direction == FlowDirection::original ? original : reply;
  const FlowTuple target = target_of(original, reply, direction);
  apply(ip, current, target, Manip::destination, true);
  apply(ip, current, target, Manip::source, true);
}

}  // namespace vpcsim::node
