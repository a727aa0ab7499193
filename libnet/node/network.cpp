#include "libnet/node/network.h"

#include "libnet/core/error.h"
#include "libnet/core/names.h"
#include "libnet/node/bridge_loop.h"

#include <algorithm>

namespace vpcsim::node {
namespace {
constexpr std::uint64_t kMacStream = 0x6d6163;  // "mac"
}

Network::Network(std::uint64_t seed) : sim_(seed), mac_rng_(sim_.rng().stream(kMacStream)) {}

Network::~Network() {
  // Links hold frames in flight and nodes hold queued frames: both go before the pool.
  links_.clear();
  nodes_.clear();
  kept_.clear();
}

std::uint32_t Network::register_node(const std::string& name) {
  if (name.empty()) throw core::ConfigError("network", "nodes", "a node needs a name");
  if (name.find_first_of(". /\\") != std::string::npos || core::has_control_characters(name) ||
      name.size() > core::kMaxNameLength)
    throw core::ConfigError(core::printable(name), "name",
                            "node names have 1-" + std::to_string(core::kMaxNameLength) +
                                " characters, none of '.', '/', '\\', spaces or control characters");
  if (const Node* existing = find_node(name))
    throw core::ConfigError(name, "name", "a " + std::string(to_string(existing->kind())) + " named '" + name +
                                              "' already exists");
  return trace_.register_node(name);
}

void Network::adopt(core::Arena::Ptr<Node> node) {
  const Node& ref = *node;
  nodes_.push_back(std::move(node));
  by_name_.insert(ref.name(), static_cast<std::uint32_t>(nodes_.size() - 1));
}

Host& Network::add_host(std::string name) { return add_node<Host>(std::move(name)); }
Router& Network::add_router(std::string name) { return add_node<Router>(std::move(name)); }
Switch& Network::add_switch(std::string name) { return add_node<Switch>(std::move(name)); }
NatRouter& Network::add_nat(std::string name) { return add_node<NatRouter>(std::move(name)); }

Node* Network::find_node(std::string_view name) const {
  const std::uint32_t at = by_name_.find(name, [this](std::uint32_t i) { return nodes_[i]->name(); });
  return at == core::NameIndex::kAbsent ? nullptr : nodes_[at].get();
}

Node& Network::node(std::string_view name) const {
  if (Node* found = find_node(name)) return *found;
  // Listed in name order (an error path: sorting here keeps the index small).
  std::vector<std::string> names;
  names.reserve(nodes_.size());
  for (const auto& node : nodes_) names.push_back(node->name());
  std::sort(names.begin(), names.end());
  std::string known;
  std::size_t listed = 0;
  for (const std::string& existing : names) {
    if (++listed > 12) {
      known += ", ...";
      break;
    }
    if (!known.empty()) known += ", ";
    known += existing;
  }
  throw core::ConfigError("network", "nodes",
                          "no node named '" + std::string(name) + "'" +
                              (known.empty() ? " (the network has no nodes)" : " (nodes: " + known + ")"));
}

link::Interface& Network::interface(std::string_view endpoint) const {
  const auto dot = endpoint.find('.');
  if (dot == std::string_view::npos)
    throw core::ConfigError(std::string(endpoint), "endpoint", "expected 'node.interface'");
  return node(endpoint.substr(0, dot)).interface(endpoint.substr(dot + 1));
}

link::Link& Network::connect(link::Interface& a, link::Interface& b, link::LinkConfig config) {
  links_.push_back(arena_.make<link::Link>(context(), a, b, config));
  return *links_.back();
}

link::Link& Network::connect(std::string_view a, std::string_view b, link::LinkConfig config) {
  // Both endpoints are checked before a switch gets a new port, so a failed connect leaves nothing behind.
  auto check = [this](std::string_view endpoint) -> Switch* {
    if (endpoint.find('.') != std::string_view::npos) {
      link::Interface& existing = interface(endpoint);
      if (existing.is_connected())
        throw core::ConfigError(std::string(endpoint), "link", existing.full_name() + " is already linked");
      return nullptr;
    }
    Node& found = node(endpoint);
    if (found.kind() != NodeKind::switch_)
      throw core::ConfigError(std::string(endpoint), "endpoint",
                              "'" + std::string(endpoint) + "' is a " + std::string(to_string(found.kind())) +
                                  ": name one of its interfaces ('" + std::string(endpoint) + ".eth0')");
    return static_cast<Switch*>(&found);
  };
  Switch* switch_a = check(a);
  Switch* switch_b = check(b);
  if (switch_a != nullptr && switch_a == switch_b)
    throw core::ConfigError(std::string(a), "endpoint", "cannot link a switch to itself");
  link::Interface& first = switch_a != nullptr ? switch_a->add_port() : interface(a);
  link::Interface& second = switch_b != nullptr ? switch_b->add_port() : interface(b);
  return connect(first, second, config);
}

wire::MacAddress Network::allocate_mac() {
  for (;;) {
    // 02:xx:xx:xx:xx:xx: locally administered, unicast.
    std::uint64_t bits = (mac_rng_.next_u64() & 0x00ffffffffffULL) | 0x020000000000ULL;
    if (macs_.insert(bits)) return wire::MacAddress::from_u64(bits);
  }
}

void Network::claim_mac(wire::MacAddress mac, const std::string& owner) {
  if (!macs_.insert(mac.to_u64()))
    throw core::ConfigError(owner, "mac", mac.to_string() + " is already used by another interface");
}

}  // namespace vpcsim::node

namespace vpcsim::node {

void Network::keep_one(std::shared_ptr<void> object, const void* kind, const char* what) {
  if (kept_one(kind) != nullptr)
    throw core::ConfigError("Network", what, std::string("this network has a ") + what + " already (one per network)");
  kept_by_kind_.emplace_back(kind, object.get());
  keep(std::move(object));
}

void* Network::kept_one(const void* kind) const {
  for (const auto& [k, object] : kept_by_kind_)
    if (k == kind) return object;
  return nullptr;
}

}  // namespace vpcsim::node

namespace vpcsim::node {
namespace {

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

/// Whether an event is pending at or before `t`.
bool due_by(const core::Simulation& sim, core::Time t) { return sim.pending_events() != 0 && sim.next_event_time() <= t; }

}  // namespace

std::uint64_t Network::run_until(core::Time until) {
  stopped_by_.reset();
  const core::Time end = std::min(until, limits_.max_time);
  std::uint64_t total = 0;
  for (;;) {
    std::uint64_t slice = kLimitCheckEvents;
    if (limits_.max_events != 0 && sim_.events_handled() >= limits_.max_events) {
      if (due_by(sim_, end))
        stop_for({"events", "stopped after " + std::to_string(sim_.events_handled()) + " events (max_events " +
                                std::to_string(limits_.max_events) + ") at " + core::format_duration(now()) +
                                ", with events still due"});
      break;
    }
    if (limits_.max_events != 0) slice = std::min(slice, limits_.max_events - sim_.events_handled());
    const std::uint64_t handled = sim_.run_until(end, slice);
    total += handled;
    if (sim_.stopped() || handled < slice) break;  // stopped (a limit, or the caller), or done
    const std::uint64_t frames = pool_.bytes_in_use();
    if (limits_.max_frame_bytes != 0 && frames > limits_.max_frame_bytes) {
      stop_for({"frame_bytes", "frames in queues and on links hold " + mib(frames) + " (max_frame_bytes " +
                                   mib(limits_.max_frame_bytes) + ") at " + core::format_duration(now()) +
                                   ": something sends faster than the network drains"});
      break;
    }
    const std::uint64_t trace = trace_.bytes();
    if (limits_.max_trace_bytes != 0 && trace > limits_.max_trace_bytes) {
      stop_for({"trace_bytes", "the trace reached " + mib(trace) + " (max_trace_bytes " +
                                   mib(limits_.max_trace_bytes) + ") at " + core::format_duration(now()) +
                                   "; trace 'drops' records far less"});
      break;
    }
  }
  // Stopped by max_time with events due before `until`: say so, the clock stays at max_time.
  if (!stopped_by_ && end < until && due_by(sim_, until) && !sim_.stopped())
    stop_for({"time", "reached max_time " + core::format_duration(end) + " with events still due"});
  return total;
}

void Network::stop_for(RunStop stop) {
  if (!stopped_by_) stopped_by_ = std::move(stop);
  sim_.stop();
}

void Network::report_bridge_loop(const Switch& at) {
  if (stopped_by_) return;
  std::string loop;
  for (const std::string& name : find_bridge_loop(*this, at)) loop += (loop.empty() ? "" : " -> ") + name;
  stop_for({"bridge_hops", "a frame crossed " + std::to_string(limits_.max_bridge_hops) +
                               " switches (max_bridge_hops) at " + core::format_duration(now()) +
                               ": the switches loop (" + loop +
                               ") and nothing blocks a port: a broadcast storm. Remove a link of the loop (vpcsim's "
                               "switches do not run spanning tree)"});
}

}  // namespace vpcsim::node
