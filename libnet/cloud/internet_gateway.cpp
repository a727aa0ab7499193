#include "libnet/cloud/internet_gateway.h"

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/vpc.h"
#include "libnet/node/network.h"
#include "libnet/wire/node_frame.h"

namespace vpcsim::cloud {
namespace {

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
  mapped_.insert(private_address.to_u32());
}

wire::Ipv4Address InternetGateway::vpc_side_address() const { return first_address(*this, "vpc"); }
wire::Ipv4Address InternetGateway::internet_side_address() const { return first_address(*this, "internet"); }

bool InternetGateway::prerouting(link::Interface& in, wire::Frame& frame) {
  const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
  before_src_ = ip.src();
  before_dst_ = ip.dst();
  return NatRouter::prerouting(in, frame);
}

bool InternetGateway::postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) {
  if (!forwarded) return NatRouter::postrouting(out, next_hop, frame, forwarded);
  const std::uint64_t id = frame.meta().packet_id;
  DecisionLog& log = vpc_->cloud().decisions();
  const wire::Ipv4Address src = wire::Ipv4View(*wire::ipv4_of_frame(frame)).src();
  if (out.name() == "internet" && vpc_->cidr().contains(src)) {
    if (!mapped_.contains(src.to_u32())) {
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
  if (!NatRouter::postrouting(out, next_hop, frame, forwarded)) return false;
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
