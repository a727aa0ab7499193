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
      log.record(Decision{id, network().now(), ComponentKind::internet_gateway, name(), "dropped",
                          who + " has no public IPv4 address: the internet gateway cannot translate it",
                          ReasonCode::igw_no_public_ip,
                          "give it a public or Elastic IP, or route its subnet's internet traffic through a NAT gateway"});
      return false;
    }
  }
  if (!NatRouter::postrouting(out, next_hop, frame, forwarded)) return false;
  if (log.active()) {
    const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
    std::string detail;
    if (ip.src() != before_src_) detail = "source " + before_src_.to_string() + " -> " + ip.src().to_string();
    if (ip.dst() != before_dst_) detail = "destination " + before_dst_.to_string() + " -> " + ip.dst().to_string();
    log.record(Decision{id, network().now(), ComponentKind::internet_gateway, name(),
                        detail.empty() ? "forwarded" : "translated", detail.empty() ? "no translation" : detail,
                        ReasonCode::none, {}});
  }
  return true;
}

}  // namespace vpcsim::cloud
