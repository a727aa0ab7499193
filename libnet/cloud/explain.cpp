// Cloud::explain and how its answer reads. The probe is an ordinary packet from the source endpoint;
// every cloud component it meets records what it decided (DecisionLog) while the explanation is
// gathered, and the trace supplies what plain nodes did (the internet router's forwarding, and drops
// that are not a rule's: ARP, TTL, MTU, a route missing on the internet).
#include "libnet/cloud/explain.h"

#include <algorithm>
#include <vector>

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/endpoint.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::cloud {
namespace {

constexpr core::Time kStep = core::kMillisecond;

std::uint8_t parse_protocol(const ExplainQuery& query) {
  if (query.protocol == "tcp") return wire::kIpProtoTcp;
  if (query.protocol == "udp") return wire::kIpProtoUdp;
  if (query.protocol == "icmp") return wire::kIpProtoIcmp;
  throw core::ConfigError(query.from, "proto", "explain sends tcp, udp or icmp probes, not '" + query.protocol + "'");
}

/// Where the probe's request and reply got to, from the decisions and trace events so far.
struct Progress {
  std::uint64_t request = 0;
  std::string delivered_to;   ///< the endpoint the request reached
  std::uint64_t reply = 0;
  bool reply_back = false;    ///< the reply reached the source
  const Decision* block = nullptr;
  const trace::TraceEvent* drop = nullptr;  ///< a drop of the request or reply outside the rules

  bool done() const { return reply_back || block != nullptr || drop != nullptr; }
};

Progress progress_of(const std::vector<Decision>& decisions, const std::vector<trace::TraceEvent>& events,
                     std::size_t first_event, std::uint64_t request, const std::string& source) {
  Progress p;
  p.request = request;
  for (const Decision& d : decisions) {
    const bool ours = d.packet_id == request || (p.reply != 0 && d.packet_id == p.reply);
    if (d.packet_id == request && d.action == DecisionAction::delivered && p.delivered_to.empty()) p.delivered_to = d.component;
    else if (p.reply == 0 && !p.delivered_to.empty() && d.action == DecisionAction::sent && d.component == p.delivered_to &&
             d.packet_id != request)
      p.reply = d.packet_id;
    if (ours && d.code != ReasonCode::none && p.block == nullptr) p.block = &d;
    if (p.reply != 0 && d.packet_id == p.reply && d.action == DecisionAction::delivered && d.component == source) p.reply_back = true;
  }
  for (std::size_t i = first_event; i < events.size() && p.block == nullptr; ++i) {
    const trace::TraceEvent& e = events[i];
    if (e.kind != trace::TraceKind::dropped) continue;
    // Once delivered, what the destination's stack does with the request (a closed port's RST) and what
    // the source's does with the reply (no socket for a probe) is not the network's answer.
    const bool request_lost = e.packet_id == request && p.delivered_to.empty();
    const bool reply_lost = p.reply != 0 && e.packet_id == p.reply && !p.reply_back;
    if (request_lost || reply_lost) {
      p.drop = &e;
      break;
    }
  }
  return p;
}

/// How explain names a node that recorded a trace event (a drop outside the rules).
ComponentKind kind_of(const node::Node* node) {
  if (const auto* endpoint = dynamic_cast<const Endpoint*>(node)) return endpoint->component_kind();
  if (dynamic_cast<const VpcRouter*>(node) != nullptr) return ComponentKind::vpc_router;
  if (dynamic_cast<const InternetGateway*>(node) != nullptr) return ComponentKind::internet_gateway;
  if (dynamic_cast<const NatGateway*>(node) != nullptr) return ComponentKind::nat_gateway;
  return ComponentKind::internet;
}

}  // namespace

ExplainAnswer Cloud::explain(const ExplainQuery& query, core::Time window) {
  ExplainAnswer answer;
  answer.query = query;
  auto* source = dynamic_cast<Endpoint*>(network_->find_node(query.from));
  if (source == nullptr)
    throw core::ConfigError(query.from, "from", "explain starts at an instance or internet host; '" + query.from + "' is not one");
  const std::uint8_t protocol = parse_protocol(query);
  if (protocol != wire::kIpProtoIcmp && query.port == 0)
    throw core::ConfigError(query.from, "port", "a " + query.protocol + " probe needs a destination port");
  const wire::Ipv4Address destination = address_of(query.to, query.from);
  answer.destination = destination.to_string();

  trace::TraceLog& trace = network_->trace();
  const bool recorded = trace.record_packets();
  const bool kept = trace.keep_packets();
  trace.set_record_packets(true);
  trace.set_keep_packets(true);  // a sink streaming the trace to a file gets them too
  const std::size_t first_event = trace.events().size();
  decisions_.start();
  const std::uint64_t request = network_->context().next_packet_id + 1;  // the probe is the next packet made
  node::SendStatus status = node::SendStatus::sent;
  const auto route = source->route_info(destination);
  if (protocol == wire::kIpProtoTcp) {
    wire::TcpRepr syn;
    syn.src_port = source->ephemeral_port(wire::kIpProtoTcp);
    syn.dst_port = query.port;
    syn.seq = static_cast<std::uint32_t>(network_->simulation().rng().below(std::uint64_t{1} << 32));
    syn.flags = wire::kTcpSyn;
    syn.window = 64240;
    status = route.status == node::SendStatus::sent ? source->send_tcp(route.source, destination, syn) : route.status;
  } else if (protocol == wire::kIpProtoUdp) {
    static constexpr std::uint8_t kPayload[] = {'v', 'p', 'c', 's', 'i', 'm', ' ', 'p', 'r', 'o', 'b', 'e'};
    status = source->send_udp(source->ephemeral_port(wire::kIpProtoUdp), destination, query.port, kPayload);
  } else {
    static constexpr std::uint8_t kData[56] = {};
    status = source->send_echo_request(destination, static_cast<std::uint16_t>(network_->simulation().rng().below(65536)),
                                       1, kData);
  }
  Progress progress;
  if (status == node::SendStatus::sent) {
    const core::Time until = network_->now() + window;
    do {
      network_->run_until(std::min(until, network_->now() + kStep));
      progress = progress_of(decisions_.decisions(), trace.events(), first_event, request, source->name());
    } while (!progress.done() && network_->now() < until);
  }
  decisions_.stop();
  trace.set_record_packets(recorded);
  trace.set_keep_packets(kept);

  // The hops: the cloud's decisions and the internet router's forwarding, in time order.
  struct Timed {
    core::Time at;
    std::size_t order;
    ExplainHop hop;
  };
  std::vector<Timed> timed;
  const auto direction_of = [&](std::uint64_t id) { return id == request ? PathDirection::request : PathDirection::reply; };
  for (const Decision& d : decisions_.decisions())
    if (d.packet_id == request || (progress.reply != 0 && d.packet_id == progress.reply))
      timed.push_back({d.at, timed.size(), ExplainHop{direction_of(d.packet_id), d.kind, d.component, d.action, d.detail}});
  const auto& events = trace.events();
  for (std::size_t i = first_event; i < events.size(); ++i) {
    const trace::TraceEvent& e = events[i];
    if (e.packet_id != request && (progress.reply == 0 || e.packet_id != progress.reply)) continue;
    const std::string node = trace.node_name(e.node);
    if (e.kind == trace::TraceKind::forwarded && internet_router_ != nullptr && node == internet_router_->name())
      timed.push_back({e.at, timed.size(), ExplainHop{direction_of(e.packet_id), ComponentKind::internet, node, DecisionAction::routed, ""}});
    else if (&e == progress.drop)
      timed.push_back({e.at, timed.size(),
                       ExplainHop{direction_of(e.packet_id), kind_of(network_->find_node(node)), node, DecisionAction::dropped, e.detail}});
  }
  std::stable_sort(timed.begin(), timed.end(), [](const Timed& a, const Timed& b) { return a.at < b.at; });
  for (Timed& t : timed) answer.hops.push_back(std::move(t.hop));

  if (status != node::SendStatus::sent) {
    answer.code = ReasonCode::no_route_to_destination;
    answer.blocked_direction = PathDirection::request;
    answer.blocked_kind = source->component_kind();
    answer.blocked_by = source->name();
    answer.reason = source->name() + " has no route to " + destination.to_string();
    answer.suggestion = "give " + source->name() + " a route (or default gateway) towards " + destination.to_string();
  } else if (progress.block != nullptr) {
    const Decision& d = *progress.block;
    answer.code = d.code;
    answer.blocked_direction = direction_of(d.packet_id);
    answer.blocked_kind = d.kind;
    answer.blocked_by = d.component;
    answer.reason = d.detail;
    answer.suggestion = d.suggestion;
  } else if (progress.drop != nullptr) {
    const trace::TraceEvent& e = *progress.drop;
    const std::string node = trace.node_name(e.node);
    answer.blocked_direction = direction_of(e.packet_id);
    answer.blocked_kind = kind_of(network_->find_node(node));
    answer.blocked_by = node;
    answer.reason = e.detail;
    answer.code = ReasonCode::packet_dropped;
    if (e.reason == trace::DropReason::no_route) {
      answer.code = ReasonCode::no_route_to_destination;
      bool private_address = false;
      for (const auto& v : vpcs_) private_address = private_address || v->cidr().contains(destination);
      if (private_address) {
        answer.reason = "the internet has no route to " + destination.to_string() + ", a private address";
        answer.suggestion = query.to + " has no public address the internet can route to: give it one in a public "
                                       "subnet, or reach it through a bastion host";
      } else {
        answer.suggestion = "add a route towards " + destination.to_string();
      }
    }
  } else if (progress.delivered_to.empty()) {
    answer.code = ReasonCode::packet_dropped;
    answer.blocked_direction = PathDirection::request;
    answer.reason = "the request did not arrive within " + core::format_duration(window);
  } else if (!progress.reply_back) {
    answer.code = ReasonCode::no_reply;
    answer.blocked_direction = PathDirection::reply;
    answer.blocked_by = progress.delivered_to;
    answer.reason = progress.reply == 0 ? progress.delivered_to + " sent nothing back"
                                        : "the reply did not arrive within " + core::format_duration(window);
  } else {
    answer.reachable = true;
  }
  return answer;
}

namespace {
std::string component_label(ComponentKind kind, const std::string& name) {
  if (kind == ComponentKind::internet) return "the internet";
  std::string label(to_string(kind));
  std::replace(label.begin(), label.end(), '_', ' ');
  return label + " " + name;
}
}  // namespace

std::string ExplainAnswer::to_text() const {
  std::string text = query.from + " -> " + query.to + " " + query.protocol;
  if (query.protocol != "icmp") text += "/" + std::to_string(query.port);
  text += " (to " + destination + "): ";
  text += reachable ? "reachable" : "NOT reachable [" + std::string(to_string(code)) + "]";
  text += '\n';
  if (!reachable) {
    text += "  blocked on the " + std::string(blocked_direction ? to_string(*blocked_direction) : "request");
    if (!blocked_by.empty()) text += " by " + component_label(blocked_kind, blocked_by);
    text += ": " + reason + '\n';
    if (!suggestion.empty()) text += "  to change it: " + suggestion + '\n';
  }
  std::size_t n = 0;
  for (const ExplainHop& hop : hops) {
    text += "  " + std::to_string(++n) + ". [" + std::string(to_string(hop.direction)) + "] " +
            component_label(hop.kind, hop.component) + ": " + std::string(to_string(hop.action));
    if (!hop.detail.empty()) text += " (" + hop.detail + ")";
    text += '\n';
  }
  return text;
}

}  // namespace vpcsim::cloud
