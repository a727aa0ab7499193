// A full-duplex point-to-point link: each direction has a bounded drop-tail transmit queue, a
// serialisation delay from the bandwidth, and a propagation delay.
//
// Because a direction is FIFO at a constant rate, each frame's departure time is known when it is
// queued (max(now, busy_until) + serialisation), so the link schedules one event per frame, at its
// arrival, and keeps frames in flight in a ring in arrival order: the event carries no frame. The
// queue's occupancy is the number of accepted frames whose transmission has not started yet; a frame
// that would make it exceed the limit is dropped (like a pfifo qdisc with txqueuelen 1000). A frame that
// must wait gets a second event at its start, when capture taps see it, as tcpdump sees a frame when
// the driver takes it; an idle link shows it at once, so the common case costs one event.
//
// Serialisation counts the bytes Ethernet puts on the wire around a frame: padding to 60 bytes, the
// 4-byte FCS, 8 bytes of preamble and 12 of inter-frame gap, so 1 Gb/s carries at most 1,488,095
// minimum-size frames per second, as real Ethernet does.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "libnet/core/event.h"
#include "libnet/core/ring_buffer.h"
#include "libnet/link/context.h"
#include "libnet/link/interface.h"

namespace vpcsim::link {

/// What carries the frames. Only one thing differs: a veth pair hands the skb itself to the far end,
/// so its neighbour-confirmation mark (wire::FrameMeta::confirm_neighbour) survives, and a box that
/// forwards it confirms its own next hop too; Ethernet carries bytes and loses the mark.
enum class LinkMedium : std::uint8_t { ethernet, veth };
std::string_view to_string(LinkMedium medium);
/// "ethernet" or "veth"; throws core::ConfigError naming `who` otherwise.
LinkMedium parse_link_medium(std::string_view text, const std::string& who = "link");

struct LinkConfig {
  core::Time delay = 10 * core::kMicrosecond;    ///< propagation delay, each direction
  std::int64_t bandwidth_bps = 1'000'000'000;    ///< 0 means infinitely fast
  std::uint32_t queue_packets = 1000;            ///< frames waiting to start transmission, each direction
  LinkMedium medium = LinkMedium::ethernet;
};

struct LinkDirectionStats {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t drops = 0;
};

class Link final : public core::EventHandler {
 public:
  /// Throws core::ConfigError if an interface is already linked, both ends are one interface, or the
  /// configuration is out of range (negative delay or bandwidth, zero queue).
  Link(Context& context, Interface& a, Interface& b, LinkConfig config);
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  Interface& end(std::uint8_t side) const { return *ends_[side]; }
  Interface& peer_of(const Interface& interface) const { return interface.link_side_ == 0 ? *ends_[1] : *ends_[0]; }
  const LinkConfig& config() const { return config_; }
  /// Stats of the direction leaving `side` (0: a→b, 1: b→a).
  const LinkDirectionStats& stats(std::uint8_t side) const { return lanes_[side].stats; }
  /// Frames queued or in flight from `side`.
  std::size_t in_flight(std::uint8_t side) const { return lanes_[side].in_flight.size(); }
  /// Time a frame of `len` bytes occupies the wire.
  core::Time serialisation_time(std::size_t frame_len) const;

  /// Queues a frame leaving `side`. Returns false (frame dropped and traced) if the queue is full.
  bool transmit(std::uint8_t side, wire::Frame frame);

  void handle_event(const core::Event& event) override;
  /// For an arrival: the frame's slot, the far interface (stage 0); the frame's bytes and the
  /// receiving node (1); then what the node's FrameReceiver::prefetch_receive asks for (2, 3).
  void prefetch(const core::Event& event, unsigned stage) const override;
  /// For a flood sending through one port after another: the lane leaving `side`.
  void prefetch_transmit(std::uint8_t side) const;

 private:
  static constexpr std::uint32_t kTransmissionStart = 2;  ///< event kinds 0, 1: arrival; 2, 3: start
  struct PendingStart {
    core::Time at;
    bool shown;  ///< an event will show it to taps (and pop it) at `at`
  };
  struct Lane {
    core::RingBuffer<wire::Frame, true> in_flight;  ///< in the context's arena: every frame touches it
    /// Frames not yet on the wire, in order; only a queue that builds up needs it, so it stays on
    /// the heap and 8 bytes smaller.
    core::RingBuffer<PendingStart> pending_starts;
    core::Time busy_until = 0;
    LinkDirectionStats stats;
  };

  /// Forgets the waiting frames that have started and need no event; a shown one stops the walk.
  static void prune_started(Lane& lane, core::Time now);

  // The network's context, through an end: one reference less in every link.
  Context& context() const { return ends_[0]->context_; }

  std::array<Interface*, 2> ends_;
  LinkConfig config_;
  std::array<Lane, 2> lanes_;
};

inline void Interface::prefetch_transmit() const { link_->prefetch_transmit(link_side_); }

}  // namespace vpcsim::link
