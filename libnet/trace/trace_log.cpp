#include "libnet/trace/trace_log.h"

namespace vpcsim::trace {
TraceLog::Name TraceLog::store(std::string_view name) {
  const Name stored{static_cast<std::uint32_t>(names_.size()), static_cast<std::uint32_t>(name.size())};
  names_ += name;
  return stored;
}

std::uint32_t TraceLog::register_node(std::string_view name) {
  nodes_.push_back(store(name));
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t TraceLog::register_interface(std::uint32_t node, std::string_view name) {
  interfaces_.push_back(InterfaceEntry{node, store(name)});
  return static_cast<std::uint32_t>(interfaces_.size() - 1);
}

std::string TraceLog::node_name(std::uint32_t node) const {
  return node < nodes_.size() ? std::string(view(nodes_[node])) : std::string("?");
}

std::string TraceLog::interface_name(std::uint32_t interface) const {
  if (interface >= interfaces_.size()) return "?";
  const InterfaceEntry& entry = interfaces_[interface];
  std::string full = node_name(entry.node);
  full += '.';
  full += view(entry.name);
  return full;
}

void TraceLog::drop(core::Time at, DropReason reason, std::uint32_t node, std::uint32_t interface,
                    std::uint64_t packet_id, std::string detail) {
  ++drop_counts_[(std::uint64_t{node} << 8) | static_cast<std::uint64_t>(reason)];
  ++total_drops_;
  keep(TraceEvent{at, TraceKind::dropped, reason, node, interface, packet_id, std::move(detail)});
}

void TraceLog::note(core::Time at, TraceKind kind, std::uint32_t node, std::uint32_t interface,
                    std::uint64_t packet_id, std::string detail) {
  keep(TraceEvent{at, kind, DropReason::none, node, interface, packet_id, std::move(detail)});
}

void TraceLog::set_sink(std::unique_ptr<TraceSink> sink) {
  sink_ = std::move(sink);
  if (sink_ == nullptr) return;
  for (const TraceEvent& e : events_) sink_->on_event(*this, e);
}

std::vector<TraceEvent> TraceLog::drops() const {
  std::vector<TraceEvent> drops;
  for (const TraceEvent& e : events_)
    if (e.kind == TraceKind::dropped) drops.push_back(e);
  return drops;
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
