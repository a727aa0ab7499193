#include "libnet/cloud/internet_gateway.h"

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/vpc.h"
#include "libnet/node/network.h"
#include "libnet/stack/nat_rewrite.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/node_frame.h"

namespace vpcsim::cloud {
namespace {

bool is_icmp_error(const wire::Ipv4ViewMut& ip) {
  if (ip.protocol() != wire::kIpProtoIcmp || ip.frag_offset() != 0) return false;
  const auto icmp = wire::IcmpView::parse(ip.payload());
  return icmp && icmp->is_error();
}

/// Sets the packet's source (or destination) address to `to`, ports and identifiers unchanged, every
/// checksum kept right; an ICMP error's quote follows (its destination, or its source). Packets
/// without a readable tuple (fragments after the first, other protocols) get the address only.
void rewrite_address(const wire::Ipv4ViewMut& ip, wire::Ipv4Address to, stack::Manip manip) {
  const bool source = manip == stack::Manip::source;
  if (is_icmp_error(ip)) {
    if (const auto quoted = stack::quoted_flow_tuple_of(ip)) {
      // The quote went the other way: our source is its destination and keeps its port.
      stack::FlowTuple target = quoted->inverse();
      (source ? target.src : target.dst) = to;
      if (stack::rewrite_icmp_error(ip, target, manip)) return;
    }
  } else if (auto tuple = stack::flow_tuple_of(ip)) {
    (source ? tuple->src : tuple->dst) = to;
    stack::rewrite_packet(ip, *tuple, manip);
    return;
  }
  source ? ip.set_src(to) : ip.set_dst(to);
}

wire::Ipv4Address first_address(const node::Node& node, std::string_view interface) {
  const link::Interface* iface = node.find_interface(interface);
  return iface != nullptr && !iface->addresses().empty() ? iface->addresses().front().address() : wire::Ipv4Address();
}

}  // namespace

InternetGateway::InternetGateway(node::Network& network, std::uint32_t id, std::string name, Vpc& vpc)
    : NatRouter(network, id, std::move(name)), vpc_(&vpc) {}

void InternetGateway::map(wire::Ipv4Address private_address, wire::Ipv4Address public_address) {
  for (const auto& rule : one_to_one_rules())
    if (rule.private_address == private_address && rule.public_address == public_address) return;
  add_one_to_one(stack::OneToOneRule{private_address, public_address});
  to_public_[private_address.to_u32()] = public_address.to_u32();
  to_private_[public_address.to_u32()] = private_address.to_u32();
}

wire::Ipv4Address InternetGateway::vpc_side_address() const { return first_address(*this, "vpc"); }
wire::Ipv4Address InternetGateway::internet_side_address() const { return first_address(*this, "internet"); }

bool InternetGateway::prerouting(link::Interface& in, wire::Frame& frame) {
  const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
  before_src_ = ip.src();
  before_dst_ = ip.dst();
  // Stateless (see the header): NatRouter's connection tracking is not used.
  (void)in;
  translate_inbound(*wire::ipv4_of_frame(frame));
  return true;
}

bool InternetGateway::translate_inbound(const wire::Ipv4ViewMut& ip) {
  const std::uint32_t* to = to_private_.find(ip.dst().to_u32());
  if (to == nullptr) return false;
  rewrite_address(ip, wire::Ipv4Address(*to), stack::Manip::destination);
  return true;
}

bool InternetGateway::translate_outbound(const wire::Ipv4ViewMut& ip) {
  const std::uint32_t* to = to_public_.find(ip.src().to_u32());
  if (to == nullptr) return false;
  rewrite_address(ip, wire::Ipv4Address(*to), stack::Manip::source);
  return true;
}

bool InternetGateway::postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) {
  (void)next_hop;
  if (!forwarded) {
    // An error the gateway sends itself about an inbound packet it already translated (TTL, MTU):
    // the sender must see the public address it used in the quote.
    const wire::Ipv4ViewMut ip = *wire::ipv4_of_frame(frame);
    if (out.name() == "internet" && is_icmp_error(ip)) {
      if (const auto quoted = stack::quoted_flow_tuple_of(ip)) {
        if (const std::uint32_t* to = to_public_.find(quoted->dst.to_u32())) {
          const auto icmp = wire::IcmpViewMut::parse(ip.payload());
          const auto inner = wire::Ipv4ViewMut::parse_quoted(icmp->invoking_packet());
          stack::FlowTuple target = *quoted;
          target.dst = wire::Ipv4Address(*to);
          stack::rewrite_packet(*inner, target, stack::Manip::destination);
          icmp->fill_checksum();
        }
      }
    }
    return true;
  }
  const std::uint64_t id = frame.meta().packet_id;
  DecisionLog& log = vpc_->cloud().decisions();
  const wire::Ipv4Address src = wire::Ipv4View(*wire::ipv4_of_frame(frame)).src();
  if (out.name() == "internet" && vpc_->cidr().contains(src)) {
    if (!to_public_.contains(src.to_u32())) {
      std::string who = src.to_string();
      for (const Instance* i : vpc_->instances())
        if (i->private_ip() == src) who = "instance " + i->name() + " (" + who + ")";
      drop(&out, trace::DropReason::no_public_address, id, who + " has no public IPv4 address for " + name() + " to map");
      log.record(Decision{id, network().now(), ComponentKind::internet_gateway, name(), DecisionAction::dropped,
                          who + " has no public IPv4 address: the internet gateway cannot translate it",
                          ReasonCode::igw_no_public_ip,
                          "give it a public or Elastic IP, or route its subnet's internet traffic through a NAT gateway"});
      return false;
    }
  }
  translate_outbound(*wire::ipv4_of_frame(frame));
  if (log.active()) {
    // One hop per rewrite, in the order they happened (destination at PREROUTING, source at
    // POSTROUTING): an instance reaching another's public address from inside the VPC is turned
    // around here with both rewritten, and the target's group sees the public source.
    const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
    const auto translated = [&](const char* what, wire::Ipv4Address before, wire::Ipv4Address after) {
      log.record(Decision{id, network().now(), ComponentKind::internet_gateway, name(), DecisionAction::translated,
                          std::string(what) + " " + before.to_string() + " -> " + after.to_string(), ReasonCode::none, {}});
    };
    if (ip.dst() != before_dst_) translated("destination", before_dst_, ip.dst());
    if (ip.src() != before_src_) translated("source", before_src_, ip.src());
    if (ip.src() == before_src_ && ip.dst() == before_dst_)
      log.record(Decision{id, network().now(), ComponentKind::internet_gateway, name(), DecisionAction::forwarded, "no translation",
                          ReasonCode::none, {}});
  }
  return true;
}

}  // namespace vpcsim::cloud
