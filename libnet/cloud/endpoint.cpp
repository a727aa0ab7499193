#include "libnet/cloud/endpoint.h"

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/packet_summary.h"
#include "libnet/node/network.h"
#include "libnet/wire/node_frame.h"

namespace vpcsim::cloud {

Endpoint::Endpoint(node::Network& network, std::uint32_t id, std::string name, Cloud& cloud)
    : IpNode(network, id, std::move(name), node::NodeKind::host, false), cloud_(&cloud) {
  enable_hooks();
}

bool Endpoint::prerouting(link::Interface& in, wire::Frame& frame) {
  (void)in;
  if (!filters() && !cloud_->decisions().active()) return true;  // an internet host, not explaining
  const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
  const auto packet = PacketSummary::of(ip);
  if (!packet) return true;  // a fragment or a truncated header: nothing for rules to read
  const bool local = is_local_address(ip.dst());
  const std::uint64_t id = frame.meta().packet_id;
  if (!admit_inbound(ip, *packet, local, id)) return false;
  if (local && cloud_->decisions().active())
    record(id, component_kind(), name(), DecisionAction::delivered, packet->to_string());
  return true;
}

bool Endpoint::postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) {
  (void)out, (void)next_hop;
  if (!filters() && !cloud_->decisions().active()) return true;
  const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
  const auto packet = PacketSummary::of(ip);
  if (!packet) return true;
  const std::uint64_t id = frame.meta().packet_id;
  if (cloud_->decisions().active())
    record(id, component_kind(), name(), forwarded ? DecisionAction::forwarded : DecisionAction::sent, packet->to_string());
  return admit_outbound(ip, *packet, forwarded, id);
}

bool Endpoint::admit_inbound(const wire::Ipv4View&, const PacketSummary&, bool, std::uint64_t) { return true; }
bool Endpoint::admit_outbound(const wire::Ipv4View&, const PacketSummary&, bool, std::uint64_t) { return true; }

void Endpoint::record(std::uint64_t packet_id, ComponentKind kind, std::string component, DecisionAction action,
                      std::string detail, ReasonCode code, std::string suggestion) {
  cloud_->decisions().record(Decision{packet_id, network().now(), kind, std::move(component), action,
                                      std::move(detail), code, std::move(suggestion)});
}

}  // namespace vpcsim::cloud
