// Connection tracking, after Linux's nf_conntrack: one entry per flow, found from a packet of either
// direction, with a state per protocol and a timeout that each packet refreshes.
//
// An entry holds two tuples: `original`, the first packet's tuple as it arrived, and `reply`, the
// tuple its replies will carry (the inverse of the original *after* any translation). A NAT is
// therefore nothing but the difference between `original` and `reply.inverse()`; a reply tuple that
// is already taken is what "port in use" means. Both tuples are indexed in one open-addressing table
// of entry numbers (load <= 1/2, backward-shift erase), so a lookup is one hash and, almost always,
// one cache line.
//
// Timeouts are Linux's defaults (net/netfilter/nf_conntrack_proto_{tcp,udp,icmp}.c, unchanged from 5.x
// through 6.18): UDP 30 s until a reply is seen, and 120 s once the flow has lasted 2 s with replies
// (a "stream", IPS_ASSURED); ICMP 30 s; TCP per state (SYN_SENT 120 s, SYN_RECV 60 s, ESTABLISHED
// 5 days, FIN_WAIT 120 s, CLOSE_WAIT 60 s, LAST_ACK 30 s, TIME_WAIT 120 s, CLOSE 10 s).
// Expiry is an event, not a scan: each entry has at most one pending timer event; a packet that
// extends the timeout only moves `expires`, and the timer, when it fires early, re-arms itself.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/simulation.h"
#include "libnet/core/time.h"
#include "libnet/stack/flow_tuple.h"

namespace vpcsim::stack {

/// Linux's TCP conntrack states (enum tcp_conntrack).
enum class TcpTrackState : std::uint8_t {
  none, syn_sent, syn_recv, established, fin_wait, close_wait, last_ack, time_wait, close, syn_sent2
};
std::string_view to_string(TcpTrackState state);

/// What `conntrack -L` users think in: a flow not answered yet, answered, or being torn down (TCP).
enum class ConnState : std::uint8_t { new_flow, established, closing };
std::string_view to_string(ConnState state);

enum class FlowDirection : std::uint8_t { original, reply };
inline FlowDirection opposite(FlowDirection d) {
  return d == FlowDirection::original ? FlowDirection::reply : FlowDirection::original;
}

struct ConnTrackTimeouts {
  core::Time udp_unreplied = 30 * core::kSecond;   ///< nf_conntrack_udp_timeout
  core::Time udp_stream = 120 * core::kSecond;     ///< nf_conntrack_udp_timeout_stream
  core::Time icmp = 30 * core::kSecond;            ///< nf_conntrack_icmp_timeout
  core::Time tcp_syn_sent = 120 * core::kSecond;
  core::Time tcp_syn_recv = 60 * core::kSecond;
  core::Time tcp_established = 5 * 24 * 3600 * core::kSecond;
  core::Time tcp_fin_wait = 120 * core::kSecond;
  core::Time tcp_close_wait = 60 * core::kSecond;
  core::Time tcp_last_ack = 30 * core::kSecond;
  core::Time tcp_time_wait = 120 * core::kSecond;
  core::Time tcp_close = 10 * core::kSecond;

  /// The timeout Linux applies to a TCP entry in `state`.
  core::Time for_tcp(TcpTrackState state) const;
};

/// One cache line: a packet's lookup compares a tuple and then updates the timeout and state, and a
/// table of 100,000 flows does not fit in cache, so each line touched is a miss (bench_nat). The
/// flags are bit-fields to keep the entry at 64 bytes.
struct alignas(64) ConnEntry {
  FlowTuple original;
  FlowTuple reply;
  core::Time created = 0;
  core::Time expires = 0;
  core::Time timer_at = 0;       ///< when the pending timer event fires
  std::uint32_t generation = 0;  ///< a timer event with another generation is stale
  TcpTrackState tcp = TcpTrackState::none;
  bool live : 1 = false;
  bool seen_reply : 1 = false;
  bool assured : 1 = false;

  const FlowTuple& tuple(FlowDirection d) const { return d == FlowDirection::original ? original : reply; }
  ConnState state() const;
  /// The source was rewritten on the way out (SNAT, masquerade, 1:1 outbound, or a port clash).
  bool source_translated() const { return original.src != reply.dst || original.src_port != reply.dst_port; }
  /// The destination was rewritten on the way in (DNAT, port forwarding, 1:1 inbound).
  bool destination_translated() const { return original.dst != reply.src || original.dst_port != reply.src_port; }
};

static_assert(sizeof(ConnEntry) == 64);

class ConnTrack final : public core::EventHandler {
 public:
  explicit ConnTrack(core::Simulation& sim, ConnTrackTimeouts timeouts = {});
  ConnTrack(const ConnTrack&) = delete;
  ConnTrack& operator=(const ConnTrack&) = delete;

  struct Match {
    std::uint32_t entry = 0;
    FlowDirection direction = FlowDirection::original;
  };
  /// The entry whose original or reply tuple is `tuple`.
  std::optional<Match> find(const FlowTuple& tuple) const;
  bool in_use(const FlowTuple& tuple) const { return find(tuple).has_value(); }

  /// A new entry for a flow first seen as `original`, whose replies will look like `reply`. Neither
  /// tuple may be in use (the NAT chooses `reply` so). The entry's first packet is accounted with
  /// `tcp_flags` (TCP) as update() would.
  std::uint32_t insert(const FlowTuple& original, const FlowTuple& reply, std::uint8_t tcp_flags = 0);
  /// A packet of `entry` travelling in `direction`: advances the state and refreshes the timeout.
  /// Returns false for a TCP segment Linux's state table calls invalid (sIV: an ACK or FIN before
  /// the SYN-ACK, a SYN-ACK from the client, ...): it changes nothing and, as in Linux, loses its
  /// conntrack, so NAT does not translate it.
  bool update(std::uint32_t entry, FlowDirection direction, std::uint8_t tcp_flags = 0);
  /// Removes an entry now (conntrack -D).
  void remove(std::uint32_t entry);
  /// Called with each entry as it goes (expiry or remove), for owners that count entries by some key.
  void set_on_remove(std::function<void(const ConnEntry&)> callback) { on_remove_ = std::move(callback); }

  const ConnEntry& entry(std::uint32_t index) const { return entries_[index]; }
  std::size_t size() const { return live_; }
  /// Live entries, oldest first (ties in creation order), for tables and results.
  std::vector<std::uint32_t> live_entries() const;

  const ConnTrackTimeouts& timeouts() const { return timeouts_; }
  /// Applies to packets seen afterwards.
  void set_timeouts(const ConnTrackTimeouts& timeouts) { timeouts_ = timeouts; }

  std::uint64_t created_count() const { return created_; }
  std::uint64_t expired_count() const { return expired_; }
  /// Bytes held by the entries and the index (for the memory-per-translation benchmark).
  std::size_t memory_bytes() const;

  void handle_event(const core::Event& event) override;

 private:
  static constexpr std::uint32_t kEmpty = 0;
  /// Index slot value: (entry << 1 | direction) + 1, so 0 is empty.
  static std::uint32_t slot_value(std::uint32_t entry, FlowDirection d) {
    return ((entry << 1) | static_cast<std::uint32_t>(d)) + 1;
  }
  const FlowTuple& slot_tuple(std::uint32_t value) const {
    const std::uint32_t v = value - 1;
    return entries_[v >> 1].tuple(static_cast<FlowDirection>(v & 1));
  }
  std::size_t home(const FlowTuple& tuple) const { return tuple.hash() >> shift_; }
  std::size_t mask() const { return slots_.size() - 1; }
  void index_insert(std::uint32_t value);
  void index_erase(const FlowTuple& tuple);
  void grow();
  bool advance(ConnEntry& e, FlowDirection direction, std::uint8_t tcp_flags);
  void set_expiry(std::uint32_t index, core::Time expires);

  core::Simulation& sim_;
  ConnTrackTimeouts timeouts_;
  std::vector<ConnEntry> entries_;
  std::vector<std::uint32_t> free_;
  std::vector<std::uint32_t> slots_;
  unsigned shift_ = 64;
  std::size_t used_slots_ = 0;
  std::size_t live_ = 0;
  std::uint64_t created_ = 0;
  std::uint64_t expired_ = 0;
  std::function<void(const ConnEntry&)> on_remove_;
};

}  // namespace vpcsim::stack
