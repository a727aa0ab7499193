#include "libnet/trace/trace_log.h"

namespace vpcsim::trace {
namespace {
const std::string kUnknown = "?";
}

std::uint32_t TraceLog::register_node(std::string name) {
  node_names_.push_back(std::move(name));
  return static_cast<std::uint32_t>(node_names_.size() - 1);
}

std::uint32_t TraceLog::register_interface(std::uint32_t node, std::string name) {
  interface_names_.push_back(node_name(node) + "." + name);
  interface_nodes_.push_back(node);
  return static_cast<std::uint32_t>(interface_names_.size() - 1);
}

const std::string& TraceLog::node_name(std::uint32_t node) const {
  return node < node_names_.size() ? node_names_[node] : kUnknown;
}

const std::string& TraceLog::interface_name(std::uint32_t interface) const {
  return interface < interface_names_.size() ? interface_names_[interface] : kUnknown;
}

void TraceLog::drop(core::Time at, DropReason reason, std::uint32_t node, std::uint32_t interface,
                    std::uint64_t packet_id, std::string detail) {
  ++drop_counts_[(std::uint64_t{node} << 8) | static_cast<std::uint64_t>(reason)];
  ++total_drops_;
  events_.push_back(TraceEvent{at, TraceKind::dropped, reason, node, interface, packet_id, std::move(detail)});
}

void TraceLog::note(core::Time at, TraceKind kind, std::uint32_t node, std::uint32_t interface,
                    std::uint64_t packet_id, std::string detail) {
  events_.push_back(TraceEvent{at, kind, DropReason::none, node, interface, packet_id, std::move(detail)});
}

std::vector<TraceEvent> TraceLog::path_of(std::uint64_t packet_id) const {
  std::vector<TraceEvent> path;
  for (const TraceEvent& e : events_)
    if (e.packet_id == packet_id) path.push_back(e);
  return path;
}

std::uint64_t TraceLog::drop_count(std::uint32_t node, DropReason reason) const {
  const std::uint64_t* count = drop_counts_.find((std::uint64_t{node} << 8) | static_cast<std::uint64_t>(reason));
  return count == nullptr ? 0 : *count;
}

std::string TraceLog::to_string(const TraceEvent& e) const {
  std::string text = core::format_duration(e.at) + " " + node_name(e.node);
  if (e.interface != kNoId) text += " (" + interface_name(e.interface) + ")";
  text += " ";
  text += trace::to_string(e.kind);
  if (e.kind == TraceKind::dropped) {
    text += " ";
    text += trace::to_string(e.reason);
  }
  if (!e.detail.empty()) text += ": " + e.detail;
  if (e.packet_id != 0) text += " (packet " + std::to_string(e.packet_id) + ")";
  return text;
}

}  // namespace vpcsim::trace
