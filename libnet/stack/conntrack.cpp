#include "libnet/stack/conntrack.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "libnet/wire/tcp.h"

namespace vpcsim::stack {
namespace {

using S = TcpTrackState;
// Linux's sIV ("invalid": the packet loses its conntrack, so NAT leaves it alone) and sIG ("ignore":
// it keeps its conntrack and is translated, but changes nothing). Neither refreshes the timeout.
constexpr S kInvalid = static_cast<S>(0xff);
constexpr S kIgnore = static_cast<S>(0xfe);
constexpr std::size_t kStates = 10;

// Linux's tcp_conntracks[direction][flag class][state] (nf_conntrack_proto_tcp.c), states in the order
// none, syn_sent, syn_recv, established, fin_wait, close_wait, last_ack, time_wait, close, syn_sent2.
enum FlagClass { kSyn, kSynAck, kFin, kAck, kRst, kFlagClasses };
constexpr std::array<std::array<std::array<S, kStates>, kFlagClasses>, 2> kTcpTransitions{{
    {{  // original direction
        {S::syn_sent, S::syn_sent, kIgnore, kIgnore, kIgnore, kIgnore, kIgnore, S::syn_sent, S::syn_sent, S::syn_sent2},
        {kInvalid, kInvalid, S::syn_recv, kInvalid, kInvalid, kInvalid, kInvalid, kInvalid, kInvalid, S::syn_recv},
        {kInvalid, kInvalid, S::fin_wait, S::fin_wait, S::last_ack, S::last_ack, S::last_ack, S::time_wait, S::close, kInvalid},
        {S::established, kInvalid, S::established, S::established, S::close_wait, S::close_wait, S::time_wait, S::time_wait, S::close, kInvalid},
        {kInvalid, S::close, S::close, S::close, S::close, S::close, S::close, S::close, S::close, S::close},
    }},
    {{  // reply direction
        {kInvalid, S::syn_sent2, kInvalid, kInvalid, kInvalid, kInvalid, kInvalid, S::syn_sent, kInvalid, S::syn_sent2},
        {kInvalid, S::syn_recv, kIgnore, kIgnore, kIgnore, kIgnore, kIgnore, kIgnore, kIgnore, S::syn_recv},
        {kInvalid, kInvalid, S::fin_wait, S::fin_wait, S::last_ack, S::last_ack, S::last_ack, S::time_wait, S::close, kInvalid},
        {kInvalid, kIgnore, S::syn_recv, S::established, S::close_wait, S::close_wait, S::time_wait, S::time_wait, S::close, kIgnore},
        {kInvalid, S::close, S::close, S::close, S::close, S::close, S::close, S::close, S::close, S::close},
    }},
}};

FlagClass flag_class(std::uint8_t flags) {  // get_conntrack_index()
  if (flags & wire::kTcpRst) return kRst;
  if (flags & wire::kTcpSyn) return (flags & wire::kTcpAck) ? kSynAck : kSyn;
  if (flags & wire::kTcpFin) return kFin;
  return kAck;
}

constexpr core::Time kUdpStreamAfter = 2 * core::kSecond;  // ct->proto.udp.stream_ts = jiffies + 2 * HZ
constexpr std::size_t kInitialSlots = 16;

}  // namespace

std::string_view to_string(TcpTrackState state) {
  switch (state) {
    case S::none: return "none";
    case S::syn_sent: return "syn_sent";
    case S::syn_recv: return "syn_recv";
    case S::established: return "established";
    case S::fin_wait: return "fin_wait";
    case S::close_wait: return "close_wait";
    case S::last_ack: return "last_ack";
    case S::time_wait: return "time_wait";
    case S::close: return "close";
    case S::syn_sent2: return "syn_sent2";
  }
  return "unknown";
}

std::string_view to_string(ConnState state) {
  switch (state) {
    case ConnState::new_flow: return "new";
    case ConnState::established: return "established";
    case ConnState::closing: return "closing";
  }
  return "unknown";
}

core::Time ConnTrackTimeouts::for_tcp(TcpTrackState state) const {
  switch (state) {
    case S::none:
    case S::syn_sent:
    case S::syn_sent2: return tcp_syn_sent;
    case S::syn_recv: return tcp_syn_recv;
    case S::established: return tcp_established;
    case S::fin_wait: return tcp_fin_wait;
    case S::close_wait: return tcp_close_wait;
    case S::last_ack: return tcp_last_ack;
    case S::time_wait: return tcp_time_wait;
    case S::close: return tcp_close;
  }
  return tcp_close;
}

ConnState ConnEntry::state() const {
  if (original.protocol == wire::kIpProtoTcp) {
    switch (tcp) {
      case S::established: return ConnState::established;
      case S::fin_wait:
      case S::close_wait:
      case S::last_ack:
      case S::time_wait:
      case S::close: return ConnState::closing;
      default: return ConnState::new_flow;
    }
  }
  return seen_reply ? ConnState::established : ConnState::new_flow;
}

ConnTrack::ConnTrack(core::Simulation& sim, ConnTrackTimeouts timeouts) : sim_(sim), timeouts_(timeouts) {}

std::optional<ConnTrack::Match> ConnTrack::find(const FlowTuple& tuple) const {
  if (used_slots_ == 0) return std::nullopt;
  for (std::size_t i = home(tuple);; i = (i + 1) & mask()) {
    const std::uint32_t value = slots_[i];
    if (value == kEmpty) return std::nullopt;
    if (slot_tuple(value) == tuple) {
      const std::uint32_t v = value - 1;
      return Match{v >> 1, static_cast<FlowDirection>(v & 1)};
    }
  }
}

std::uint32_t ConnTrack::insert(const FlowTuple& original, const FlowTuple& reply, std::uint8_t tcp_flags) {
  assert(!in_use(original) && !in_use(reply));
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  ConnEntry& e = entries_[index];
  const std::uint32_t generation = e.generation + 1;  // stale timers of a previous tenant stay stale
  e = ConnEntry{};
  e.original = original;
  e.reply = reply;
  e.created = sim_.now();
  e.generation = generation;
  e.live = true;
  if ((used_slots_ + 2) * 2 > slots_.size()) grow();
  index_insert(slot_value(index, FlowDirection::original));
  index_insert(slot_value(index, FlowDirection::reply));
  ++live_;
  ++created_;
  e.timer_at = core::kTimeNever;
  advance(e, FlowDirection::original, tcp_flags);
  if (e.timer_at == core::kTimeNever) set_expiry(index, e.created + timeouts_.tcp_close);  // a non-SYN first packet
  return index;
}

bool ConnTrack::update(std::uint32_t index, FlowDirection direction, std::uint8_t tcp_flags) {
  return advance(entries_[index], direction, tcp_flags);
}

bool ConnTrack::advance(ConnEntry& e, FlowDirection direction, std::uint8_t tcp_flags) {
  const core::Time now = sim_.now();
  if (direction == FlowDirection::reply) e.seen_reply = true;
  core::Time timeout = 0;
  switch (e.original.protocol) {
    case wire::kIpProtoUdp:
      // udp_packet(): replied and still active two seconds after it began → a stream.
      if (e.seen_reply && now > e.created + kUdpStreamAfter) {
        e.assured = true;
        timeout = timeouts_.udp_stream;
      } else {
        timeout = timeouts_.udp_unreplied;
      }
      break;
    case wire::kIpProtoTcp: {
      const S next = kTcpTransitions[static_cast<std::size_t>(direction)][flag_class(tcp_flags)]
                                    [static_cast<std::size_t>(e.tcp)];
      if (next == kInvalid) return false;  // Linux: the timeout is not refreshed, the packet is untracked
      if (next == kIgnore) return true;    // ... not refreshed, but the packet stays tracked
      if (e.tcp == S::syn_recv && next == S::established) e.assured = true;
      e.tcp = next;
      timeout = timeouts_.for_tcp(next);
      break;
    }
    default: timeout = timeouts_.icmp; break;
  }
  set_expiry(static_cast<std::uint32_t>(&e - entries_.data()), now + timeout);
  return true;
}

void ConnTrack::set_expiry(std::uint32_t index, core::Time expires) {
  ConnEntry& e = entries_[index];
  e.expires = expires;
  if (expires >= e.timer_at) return;  // the pending timer fires first and re-arms itself
  ++e.generation;
  e.timer_at = expires;
  sim_.schedule_at(expires, *this, 0, index, e.generation);
}

void ConnTrack::handle_event(const core::Event& event) {
  const auto index = static_cast<std::uint32_t>(event.arg);
  ConnEntry& e = entries_[index];
  if (!e.live || e.generation != event.aux) return;
  if (e.expires > sim_.now()) {
    e.timer_at = e.expires;
    sim_.schedule_at(e.expires, *this, 0, index, e.generation);
    return;
  }
  remove(index);
  ++expired_;
}

void ConnTrack::remove(std::uint32_t index) {
  ConnEntry& e = entries_[index];
  if (!e.live) return;
  if (on_remove_) on_remove_(e);
  index_erase(e.original);
  index_erase(e.reply);
  e.live = false;
  ++e.generation;
  --live_;
  free_.push_back(index);
}

std::vector<std::uint32_t> ConnTrack::live_entries() const {
  std::vector<std::uint32_t> out;
  out.reserve(live_);
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].live) out.push_back(i);
  std::stable_sort(out.begin(), out.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return entries_[a].created < entries_[b].created; });
  return out;
}

std::size_t ConnTrack::memory_bytes() const {
  return entries_.capacity() * sizeof(ConnEntry) + free_.capacity() * sizeof(std::uint32_t) +
         slots_.capacity() * sizeof(std::uint32_t);
}

void ConnTrack::index_insert(std::uint32_t value) {
  std::size_t i = home(slot_tuple(value));
  while (slots_[i] != kEmpty) i = (i + 1) & mask();
  slots_[i] = value;
  ++used_slots_;
}

void ConnTrack::index_erase(const FlowTuple& tuple) {
  std::size_t hole = home(tuple);
  while (slots_[hole] == kEmpty || !(slot_tuple(slots_[hole]) == tuple)) {
    assert(slots_[hole] != kEmpty);
    hole = (hole + 1) & mask();
  }
  // Backward-shift deletion, as in core::FlatHashMap: no tombstones, so churn does not degrade lookups.
  for (std::size_t i = (hole + 1) & mask(); slots_[i] != kEmpty; i = (i + 1) & mask()) {
    const std::size_t want = home(slot_tuple(slots_[i]));
    if (((i - want) & mask()) >= ((i - hole) & mask())) {
      slots_[hole] = slots_[i];
      hole = i;
    }
  }
  slots_[hole] = kEmpty;
  --used_slots_;
}

void ConnTrack::grow() {
  std::vector<std::uint32_t> old = std::move(slots_);
  const std::size_t capacity = old.empty() ? kInitialSlots : old.size() * 2;
  slots_.assign(capacity, kEmpty);
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
  used_slots_ = 0;
  for (std::uint32_t value : old)
    if (value != kEmpty) index_insert(value);
}

}  // namespace vpcsim::stack
