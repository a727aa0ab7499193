#include "libnet/link/link.h"

#include <algorithm>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/core/prefetch.h"

namespace vpcsim::link {
namespace {
constexpr std::size_t kEthernetMinFrame = 60;  // without FCS
constexpr std::size_t kEthernetWireOverhead = 4 + 8 + 12;  // FCS, preamble+SFD, inter-frame gap
}  // namespace

std::string_view to_string(LinkMedium medium) { return medium == LinkMedium::veth ? "veth" : "ethernet"; }

LinkMedium parse_link_medium(std::string_view text, const std::string& who) {
  if (text == "ethernet") return LinkMedium::ethernet;
  if (text == "veth") return LinkMedium::veth;
  throw core::ConfigError(who, "medium", "must be ethernet or veth, not '" + std::string(text) + "'");
}

Link::Link(Context& context, Interface& a, Interface& b, LinkConfig config) : ends_{&a, &b}, config_(config) {
  std::string name = a.full_name() + " <-> " + b.full_name();
  if (&a == &b) throw core::ConfigError("link " + name, "ends", "cannot link an interface to itself");
  for (Interface* end : ends_)
    if (end->is_connected())
      throw core::ConfigError("link " + name, "ends", end->full_name() + " is already linked");
  if (config.delay < 0) throw core::ConfigError("link " + name, "delay", "must not be negative");
  if (config.bandwidth_bps < 0) throw core::ConfigError("link " + name, "bandwidth", "must not be negative");
  if (config.queue_packets == 0) throw core::ConfigError("link " + name, "queue", "must hold at least one frame");
  for (Lane& lane : lanes_) lane.in_flight.set_arena(context.arena);
  a.attach(*this, 0);
  b.attach(*this, 1);
}

void Link::prune_started(Lane& lane, core::Time now) {
  while (!lane.pending_starts.empty() && !lane.pending_starts.front().shown && lane.pending_starts.front().at <= now)
    lane.pending_starts.pop_front();
}

core::Time Link::serialisation_time(std::size_t frame_len) const {
  if (config_.bandwidth_bps == 0) return 0;
  const std::uint64_t bits = (std::max(frame_len, kEthernetMinFrame) + kEthernetWireOverhead) * 8;
  const auto bps = static_cast<std::uint64_t>(config_.bandwidth_bps);
  // Every transmit asks: in 64 bits when bits * 1e9 + bps cannot overflow (any real frame and link),
  // since a 128-bit division is a libgcc call; the same rounded-up result either way.
  if (bits < (std::uint64_t{1} << 33) && bps <= (std::uint64_t{1} << 62))
    return static_cast<core::Time>((bits * core::kSecond + bps - 1) / bps);
  const auto wide_bits = static_cast<unsigned __int128>(bits);
  return static_cast<core::Time>((wide_bits * core::kSecond + bps - 1) / bps);
}

bool Link::transmit(std::uint8_t side, wire::Frame frame) {
  Lane& d = lanes_[side];
  const core::Time now = context().now();
  if (config_.medium != LinkMedium::veth) frame.meta().confirm_neighbour = false;
  prune_started(d, now);
  if (d.pending_starts.size() >= config_.queue_packets) {
    ++d.stats.drops;
    context().trace.drop(now, trace::DropReason::link_queue_full, ends_[side]->node_id(), ends_[side]->id(),
                        frame.meta().packet_id,
                        "transmit queue of " + ends_[side]->full_name() + " full (" +
                            std::to_string(config_.queue_packets) + " frames)");
    return false;
  }
  const core::Time start = std::max(now, d.busy_until);
  if (start > now) {
    // It waits in the queue. With taps, an event shows it to them when its transmission starts
    // (dev_hard_start_xmit); without, its start is only counted for the queue's occupancy.
    const bool shown = ends_[side]->has_taps();
    d.pending_starts.push_back(PendingStart{start, shown});
    if (shown) context().sim.schedule_at(start, *this, kTransmissionStart + side);
  } else {
    ends_[side]->show_taps(Direction::tx, std::as_const(frame).bytes());  // const: no copy of a shared frame
  }
  d.busy_until = start + serialisation_time(frame.size());
  ++d.stats.frames;
  d.stats.bytes += frame.size();
  d.in_flight.push_back(std::move(frame));
  context().sim.schedule_at(d.busy_until + config_.delay, *this, side);
  return true;
}

void Link::prefetch(const core::Event& event, unsigned stage) const {
  if (event.kind >= kTransmissionStart) return;  // a transmission start touches only this lane
  const Lane& d = lanes_[event.kind];
  if (d.in_flight.empty()) return;
  const Interface& receiver = *ends_[event.kind ^ 1];
  switch (stage) {
    case 0:
      core::prefetch(&d.in_flight.front());
      core::prefetch_bytes(&receiver, sizeof(Interface));
      return;
    case 1:
      core::prefetch(d.in_flight.front().data());
      core::prefetch_bytes(&receiver.owner(), FrameReceiver::kPrefetchedBytes);
      return;
    default:
      receiver.owner().prefetch_receive(receiver, d.in_flight.front(), stage - 2);
  }
}

void Link::prefetch_transmit(std::uint8_t side) const { core::prefetch_bytes(&lanes_[side], sizeof(Lane)); }

void Link::handle_event(const core::Event& event) {
  if (event.kind >= kTransmissionStart) {
    // The oldest waiting frame starts onto the wire; frames before it in the ring have started already.
    const std::uint8_t side = static_cast<std::uint8_t>(event.kind - kTransmissionStart);
    Lane& d = lanes_[side];
    prune_started(d, context().now());  // earlier unshown starts; then ours is at the front
    const wire::Frame& frame = d.in_flight[d.in_flight.size() - d.pending_starts.size()];
    d.pending_starts.pop_front();
    ends_[side]->show_taps(Direction::tx, frame.bytes());
    return;
  }
  const std::uint8_t side = static_cast<std::uint8_t>(event.kind);
  ends_[side ^ 1]->deliver(lanes_[side].in_flight.pop_front());
}

}  // namespace vpcsim::link
