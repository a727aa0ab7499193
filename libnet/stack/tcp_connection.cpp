#include "libnet/stack/tcp_connection.h"

#include <algorithm>

namespace vpcsim::stack {
namespace {

constexpr std::uint16_t kDefaultMss = 536;       // TCP_MSS_DEFAULT: a SYN without the option
constexpr std::uint16_t kTimestampLen = 12;      // NOP NOP TS, taken from every segment's payload room
constexpr std::uint8_t kIcmpDestUnreachable = 3;
constexpr std::uint8_t kIcmpTimeExceeded = 11;
constexpr std::uint8_t kIcmpParameterProblem = 12;
constexpr std::uint8_t kIcmpCodeFragNeeded = 4;

}  // namespace

std::string_view to_string(TcpState state) {
  switch (state) {
    case TcpState::closed: return "CLOSED";
    case TcpState::syn_sent: return "SYN_SENT";
    case TcpState::syn_received: return "SYN_RECV";
    case TcpState::established: return "ESTABLISHED";
    case TcpState::fin_wait_1: return "FIN_WAIT1";
    case TcpState::fin_wait_2: return "FIN_WAIT2";
    case TcpState::close_wait: return "CLOSE_WAIT";
    case TcpState::closing: return "CLOSING";
    case TcpState::last_ack: return "LAST_ACK";
    case TcpState::time_wait: return "TIME_WAIT";
  }
  return "unknown";
}

std::string_view to_string(TcpError error) {
  switch (error) {
    case TcpError::none: return "none";
    case TcpError::connection_refused: return "connection_refused";
    case TcpError::connection_reset: return "connection_reset";
    case TcpError::timed_out: return "timed_out";
    case TcpError::host_unreachable: return "host_unreachable";
    case TcpError::network_unreachable: return "network_unreachable";
    case TcpError::protocol_unavailable: return "protocol_unavailable";
    case TcpError::host_down: return "host_down";
    case TcpError::no_network: return "no_network";
    case TcpError::not_supported: return "not_supported";
    case TcpError::protocol_error: return "protocol_error";
  }
  return "unknown";
}

std::optional<TcpIcmpError> tcp_icmp_error(std::uint8_t type, std::uint8_t code) {
  if (type == kIcmpTimeExceeded) return TcpIcmpError{TcpError::host_unreachable, false};
  if (type == kIcmpParameterProblem) return TcpIcmpError{TcpError::protocol_error, false};
  if (type != kIcmpDestUnreachable || code == kIcmpCodeFragNeeded) return std::nullopt;
  // net/ipv4/icmp.c icmp_err_convert[], indexed by code (NR_ICMP_UNREACH = 15).
  static constexpr TcpIcmpError kTable[16] = {
      {TcpError::network_unreachable, false},  // 0 net unreachable
      {TcpError::host_unreachable, false},     // 1 host unreachable
      {TcpError::protocol_unavailable, true},  // 2 protocol unreachable
      {TcpError::connection_refused, true},    // 3 port unreachable
      {TcpError::none, false},                 // 4 fragmentation needed (path MTU, handled above)
      {TcpError::not_supported, false},        // 5 source route failed
      {TcpError::network_unreachable, true},   // 6 net unknown
      {TcpError::host_down, true},             // 7 host unknown
      {TcpError::no_network, true},            // 8 host isolated
      {TcpError::network_unreachable, true},   // 9 net administratively prohibited
      {TcpError::host_unreachable, true},      // 10 host administratively prohibited
      {TcpError::network_unreachable, false},  // 11 net unreachable for TOS
      {TcpError::host_unreachable, false},     // 12 host unreachable for TOS
      {TcpError::host_unreachable, true},      // 13 communication administratively prohibited
      {TcpError::host_unreachable, true},      // 14 host precedence violation
      {TcpError::host_unreachable, true},      // 15 precedence cutoff
  };
  if (code >= 16) return std::nullopt;
  return kTable[code];
}

std::optional<wire::TcpRepr> tcp_reset_for(const wire::TcpRepr& offending) {
  if ((offending.flags & wire::kTcpRst) != 0) return std::nullopt;  // never answer a RST
  wire::TcpRepr rst;
  rst.src_port = offending.dst_port;
  rst.dst_port = offending.src_port;
  if ((offending.flags & wire::kTcpAck) != 0) {
    rst.seq = offending.ack;
    rst.flags = wire::kTcpRst;
  } else {
    rst.seq = 0;
    rst.ack = offending.seq + static_cast<std::uint32_t>(offending.payload.size()) +
              ((offending.flags & wire::kTcpSyn) != 0 ? 1U : 0U) + ((offending.flags & wire::kTcpFin) != 0 ? 1U : 0U);
    rst.flags = wire::kTcpRst | wire::kTcpAck;
  }
  return rst;
}

TcpConnection::TcpConnection(TcpConnectionOwner& owner, const TcpConfig& config, TcpEndpoints endpoints,
                             std::uint32_t iss, std::uint16_t mss, std::uint32_t ts_offset, std::uint32_t tag)
    : owner_(owner),
      config_(config),
      endpoints_(endpoints),
      tag_(tag),
      iss_(iss),
      snd_una_(iss),
      snd_nxt_(iss),
      snd_max_(iss),
      data_seq_(iss + 1),
      our_mss_(mss),
      send_mss_(std::min(mss, kDefaultMss)),
      ts_offset_(ts_offset),
      rto_(config.initial_rto),
      cwnd_(config.initial_cwnd_segments * send_mss_) {}

// ---------------------------------------------------------------------------------------------
// Opening and closing

void TcpConnection::connect() {
  state_ = TcpState::syn_sent;
  open_with_syn();
}

void TcpConnection::accept(const wire::TcpRepr& syn) {
  passive_ = true;
  state_ = TcpState::syn_received;
  irs_ = syn.seq;
  rcv_nxt_ = syn.seq + 1;
  const auto options = wire::TcpOptions::parse(syn.options);
  negotiate(options);
  snd_wnd_ = syn.window;  // never scaled in a SYN
  snd_wl1_ = syn.seq;
  if (ts_on_) ts_recent_ = options.timestamp->value;
  ++counters_.segments_received;
  open_with_syn();
}

void TcpConnection::open_with_syn() {
  send_syn();
  snd_nxt_ = snd_max_ = iss_ + 1;
  rtt_timing_ = true;  // the SYN's round trip is the first RTT sample, as in Linux
  rtt_seq_ = snd_nxt_;
  rtt_start_ = owner_.tcp_now();
  arm_retransmit();
}

void TcpConnection::negotiate(const wire::TcpOptions& options) {
  ts_on_ = config_.timestamps && options.timestamp.has_value();
  sack_ok_ = config_.sack && options.sack_permitted;
  if (config_.window_scaling && options.window_scale) {
    snd_wscale_ = *options.window_scale;
    rcv_wscale_ = config_.window_scale;
  } else {
    snd_wscale_ = rcv_wscale_ = 0;
  }
  const std::uint16_t peer_mss = options.mss.value_or(kDefaultMss);
  send_mss_ = static_cast<std::uint16_t>(std::min(our_mss_, peer_mss) - (ts_on_ ? kTimestampLen : 0));
  cwnd_ = config_.initial_cwnd_segments * send_mss_;
}

bool TcpConnection::send(std::span<const std::uint8_t> data) {
  if (fin_queued_ || state_ == TcpState::closed || state_ == TcpState::time_wait) return false;
  if (state_ != TcpState::syn_sent && state_ != TcpState::syn_received && state_ != TcpState::established &&
      state_ != TcpState::close_wait)
    return false;
  send_buffer_.insert(send_buffer_.end(), data.begin(), data.end());
  output();
  return true;
}

void TcpConnection::close() {
  switch (state_) {
    case TcpState::syn_sent:
      finish(TcpError::none);  // tcp_close_state: SYN_SENT -> CLOSE, nothing sent
      return;
    case TcpState::syn_received:
      fin_queued_ = true;  // sent once the handshake completes
      return;
    case TcpState::established:
      fin_queued_ = true;
      state_ = TcpState::fin_wait_1;
      output();
      return;
    case TcpState::close_wait:
      fin_queued_ = true;
      state_ = TcpState::last_ack;
      output();
      return;
    default: return;  // already closing or closed
  }
}

void TcpConnection::enter_time_wait() {
  state_ = TcpState::time_wait;
  arm(owner_.tcp_now() + config_.time_wait);
}

void TcpConnection::finish(TcpError error) {
  state_ = TcpState::closed;
  error_ = error;
  disarm();
  owner_.tcp_closed(*this);
}

// ---------------------------------------------------------------------------------------------
// Output

bool TcpConnection::can_send_data() const {
  switch (state_) {
    case TcpState::established:
    case TcpState::close_wait:
    case TcpState::fin_wait_1:
    case TcpState::closing:
    case TcpState::last_ack: return true;
    default: return false;
  }
}

std::uint16_t TcpConnection::advertised_window() const {
  // tcp_select_window rounds the window up to a multiple of the scale (64240 -> 502 << 7 = 64256).
  const std::uint32_t unit = 1U << rcv_wscale_;
  const std::uint32_t window = (config_.receive_window + unit - 1) / unit;
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(window, 65535));
}

void TcpConnection::emit(std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload,
                         bool syn_options) {
  wire::TcpRepr segment;
  segment.src_port = endpoints_.local_port;
  segment.dst_port = endpoints_.remote_port;
  segment.seq = seq;
  segment.flags = flags;
  if ((flags & wire::kTcpAck) != 0) segment.ack = rcv_nxt_;
  const auto ts_value = static_cast<std::uint32_t>(owner_.tcp_now() / core::kMillisecond) + ts_offset_;
  wire::TcpOptions options;
  if ((flags & wire::kTcpRst) != 0) {
    segment.window = 0;  // a RST carries no options and no window, as tcp_v4_send_reset builds it
  } else if (syn_options) {
    // A SYN offers what the configuration allows; a SYN-ACK only what the peer offered too.
    const bool active = state_ == TcpState::syn_sent;
    options.mss = our_mss_;
    options.sack_permitted = active ? config_.sack : sack_ok_;
    if (active ? config_.timestamps : ts_on_) options.timestamp = wire::TcpTimestamp{ts_value, active ? 0 : ts_recent_};
    if (active ? config_.window_scaling : rcv_wscale_ != 0) options.window_scale = config_.window_scale;
    segment.window = static_cast<std::uint16_t>(std::min<std::uint32_t>(config_.receive_window, 65535));
  } else {
    if (ts_on_) options.timestamp = wire::TcpTimestamp{ts_value, ts_recent_};
    segment.window = advertised_window();
  }
  const std::size_t options_len = options.emit(option_bytes_);
  segment.options = std::span<const std::uint8_t>(option_bytes_).first(options_len);
  segment.payload = payload;
  ++counters_.segments_sent;
  owner_.tcp_transmit(*this, segment);
}

void TcpConnection::output() {
  if (!can_send_data()) return;
  for (;;) {
    if (fin_queued_ && seq_gt(snd_nxt_, fin_seq())) return;  // the FIN has gone: nothing after it
    const std::uint32_t sent = snd_nxt_ - data_seq_;
    const std::size_t unsent = send_buffer_.size() - sent;
    const bool retransmission = seq_lt(snd_nxt_, snd_max_);
    if (unsent > 0) {
      const std::uint32_t window = std::min(snd_wnd_, cwnd_);
      const std::uint32_t in_flight = flight_size();
      const std::uint32_t room = window > in_flight ? window - in_flight : 0;
      const auto len = static_cast<std::uint32_t>(std::min<std::size_t>({unsent, send_mss_, room}));
      if (len == 0) return;
      const bool last = len == unsent;
      const bool fin = last && fin_queued_;  // the FIN rides on the last data segment
      std::uint8_t flags = wire::kTcpAck;
      if (last) flags |= wire::kTcpPsh;
      if (fin) flags |= wire::kTcpFin;
      emit(snd_nxt_, flags, std::span<const std::uint8_t>(send_buffer_).subspan(sent, len));
      if (retransmission) {
        ++counters_.retransmissions;
      } else {
        counters_.bytes_sent += len;
        if (!rtt_timing_) {
          rtt_timing_ = true;
          rtt_seq_ = snd_nxt_ + len;
          rtt_start_ = owner_.tcp_now();
        }
      }
      snd_nxt_ += len + (fin ? 1 : 0);
      if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
      if (timer_token_ == 0) arm_retransmit();
      continue;
    }
    if (fin_queued_ && snd_nxt_ == fin_seq()) {
      emit(snd_nxt_, wire::kTcpFin | wire::kTcpAck, {});
      if (retransmission) ++counters_.retransmissions;
      snd_nxt_ += 1;
      if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
      if (timer_token_ == 0) arm_retransmit();
    }
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// Timers

void TcpConnection::arm(core::Time at) {
  timer_at_ = at;
  timer_token_ = owner_.tcp_arm_timer(*this, at);
}

void TcpConnection::disarm() {
  timer_token_ = 0;
  timer_at_ = core::kTimeNever;
}

void TcpConnection::on_timer(std::uint64_t token) {
  if (token == 0 || token != timer_token_) return;  // superseded
  disarm();
  switch (state_) {
    case TcpState::closed: return;
    case TcpState::time_wait:
    case TcpState::fin_wait_2: finish(TcpError::none); return;  // FIN_WAIT2 of an orphan: tcp_fin_timeout
    case TcpState::syn_sent:
    case TcpState::syn_received: {
      const std::uint32_t limit = state_ == TcpState::syn_sent ? config_.syn_retries : config_.synack_retries;
      if (retransmits_ >= limit) {
        finish(soft_error_ != TcpError::none ? soft_error_ : TcpError::timed_out);
        return;
      }
      ++retransmits_;
      ++counters_.retransmissions;
      rto_ = std::min(rto_ * 2, config_.max_rto);
      rtt_timing_ = false;  // Karn: never time a retransmitted segment
      send_syn();
      arm_retransmit();
      return;
    }
    default:
      if (flight_size() > 0) retransmit();
      return;
  }
}

void TcpConnection::retransmit() {
  if (retransmits_ >= config_.retries2) {
    finish(soft_error_ != TcpError::none ? soft_error_ : TcpError::timed_out);
    return;
  }
  ++retransmits_;
  // RFC 5681 §3.1 on a timeout: half the flight as ssthresh, one segment of window, and go back to
  // the first unacknowledged byte.
  ssthresh_ = std::max(flight_size() / 2, 2U * send_mss_);
  cwnd_ = send_mss_;
  rtt_timing_ = false;
  rto_ = std::min(rto_ * 2, config_.max_rto);
  snd_nxt_ = snd_una_;
  output();
  if (timer_token_ == 0) arm_retransmit();
}

void TcpConnection::rtt_sample(core::Time rtt) {
  // RFC 6298 with Linux's floor on the variance term (tcp_rtt_estimator: mdev_max >= tcp_rto_min).
  if (!srtt_) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
  } else {
    const core::Time delta = *srtt_ > rtt ? *srtt_ - rtt : rtt - *srtt_;
    rttvar_ = (3 * rttvar_ + delta) / 4;
    srtt_ = (7 * *srtt_ + rtt) / 8;
  }
  rto_ = std::clamp(*srtt_ + std::max(4 * rttvar_, config_.min_rto), config_.min_rto, config_.max_rto);
}

// ---------------------------------------------------------------------------------------------
// Input

bool TcpConnection::acceptable(const wire::TcpRepr& segment, std::size_t seg_len) const {
  const std::uint32_t window = std::uint32_t{advertised_window()} << rcv_wscale_;
  const auto in_window = [&](std::uint32_t seq) { return seq_le(rcv_nxt_, seq) && seq_lt(seq, rcv_nxt_ + window); };
  if (seg_len == 0) return window == 0 ? segment.seq == rcv_nxt_ : in_window(segment.seq);
  if (window == 0) return false;
  return in_window(segment.seq) || in_window(segment.seq + static_cast<std::uint32_t>(seg_len) - 1);
}

void TcpConnection::on_icmp_error(std::uint8_t type, std::uint8_t code, std::uint32_t seq) {
  const auto converted = tcp_icmp_error(type, code);
  if (!converted || state_ == TcpState::closed || state_ == TcpState::time_wait) return;
  if (!(seq_le(snd_una_, seq) && seq_le(seq, snd_max_))) return;  // not about a segment in flight
  if (state_ == TcpState::syn_sent || (state_ == TcpState::syn_received && !passive_)) {
    finish(converted->error);  // any error fails a connect (tcp_v4_err: tcp_done in SYN_SENT)
    return;
  }
  if (state_ == TcpState::syn_received) {
    // tcp_req_err: a request is dropped only for these; others leave it to its SYN-ACK retries.
    const bool abort = type == kIcmpParameterProblem || type == kIcmpTimeExceeded ||
                       (type == kIcmpDestUnreachable && (code == 0 || code == 1));
    if (abort) finish(converted->error);
    return;
  }
  // A synchronized connection keeps trying: the error is only reported if it then times out
  // (sk_err_soft; RFC 1122 4.2.3.9, and IP_RECVERR is off by default).
  soft_error_ = converted->error;
}

void TcpConnection::on_segment(const wire::TcpRepr& segment) {
  ++counters_.segments_received;
  const std::uint8_t flags = segment.flags;
  const bool syn = (flags & wire::kTcpSyn) != 0, fin = (flags & wire::kTcpFin) != 0;
  const bool rst = (flags & wire::kTcpRst) != 0, has_ack = (flags & wire::kTcpAck) != 0;
  const std::size_t seg_len = segment.payload.size() + (syn ? 1 : 0) + (fin ? 1 : 0);

  if (state_ == TcpState::closed) return;

  if (state_ == TcpState::syn_sent) {
    // RFC 9293 §3.10.7.3.
    const bool ack_ok = has_ack && seq_gt(segment.ack, iss_) && seq_le(segment.ack, snd_max_);
    if (has_ack && !ack_ok) {
      if (!rst) emit(segment.ack, wire::kTcpRst, {});
      return;
    }
    if (rst) {
      if (ack_ok) finish(TcpError::connection_refused);
      return;
    }
    if (!syn) return;
    irs_ = segment.seq;
    rcv_nxt_ = segment.seq + 1;
    const auto options = wire::TcpOptions::parse(segment.options);
    negotiate(options);
    if (ts_on_) ts_recent_ = options.timestamp->value;
    snd_wnd_ = segment.window;
    snd_wl1_ = segment.seq;
    snd_wl2_ = segment.ack;
    if (!ack_ok) {  // simultaneous open: both sent SYN
      state_ = TcpState::syn_received;
      send_syn();
      return;
    }
    snd_una_ = segment.ack;
    confirm_pending_ = true;  // our SYN was acknowledged: forward progress (tcp_ack, FLAG_SYN_ACKED)
    if (rtt_timing_) rtt_sample(owner_.tcp_now() - rtt_start_);
    rtt_timing_ = false;
    retransmits_ = 0;
    disarm();
    state_ = TcpState::established;
    send_ack();  // the third segment of the handshake, at once
    owner_.tcp_established(*this);
    output();
    return;
  }

  // A peer that lost our SYN-ACK sends its SYN again: answer it again (tcp_check_req).
  if (state_ == TcpState::syn_received && syn && !has_ack && segment.seq == irs_) {
    ++counters_.retransmissions;
    send_syn();
    return;
  }

  // 1. Sequence number check (§3.10.7.4).
  if (!acceptable(segment, seg_len)) {
    if (!rst) {
      send_ack();
      if (state_ == TcpState::time_wait && fin) enter_time_wait();  // a retransmitted FIN restarts 2MSL
    }
    return;
  }
  // 2. RST: only an exact match resets; one elsewhere in the window gets a challenge ACK (RFC 5961 §3.2).
  if (rst) {
    if (segment.seq != rcv_nxt_) {
      send_ack();
      return;
    }
    switch (state_) {
      case TcpState::syn_received: finish(passive_ ? TcpError::none : TcpError::connection_refused); return;
      case TcpState::closing:
      case TcpState::last_ack:
      case TcpState::time_wait: finish(TcpError::none); return;
      default: finish(TcpError::connection_reset); return;
    }
  }
  // 3. A SYN on a synchronized connection: challenge ACK (RFC 5961 §4).
  if (syn) {
    send_ack();
    return;
  }
  // 4. ACK.
  if (!has_ack) return;
  const auto options = ts_on_ ? wire::TcpOptions::parse(segment.options) : wire::TcpOptions{};
  bool established_now = false;
  if (state_ == TcpState::syn_received) {
    if (!(seq_gt(segment.ack, snd_una_) && seq_le(segment.ack, snd_max_))) {
      emit(segment.ack, wire::kTcpRst, {});
      return;
    }
    established_now = true;
    state_ = TcpState::established;
  }
  if (seq_gt(segment.ack, snd_max_)) {  // acknowledges something never sent
    send_ack();
    return;
  }
  process_ack(segment);
  // A listener's child socket starts with nothing in flight (the SYN-ACK left from the request
  // sock), so the ACK that completes the handshake confirms nothing (tcp_ack: no_queue).
  if (established_now) confirm_pending_ = false;
  const bool fin_acked = fin_queued_ && seq_gt(snd_una_, fin_seq());
  if (established_now && fin_queued_) state_ = TcpState::fin_wait_1;  // closed during the handshake
  switch (state_) {
    case TcpState::fin_wait_1:
      if (fin_acked) {
        state_ = TcpState::fin_wait_2;
        arm(owner_.tcp_now() + config_.fin_timeout);
      }
      break;
    case TcpState::closing:
      if (fin_acked) enter_time_wait();
      break;
    case TcpState::last_ack:
      if (fin_acked) {
        finish(TcpError::none);
        return;
      }
      break;
    default: break;
  }
  if (ts_on_ && options.timestamp && seq_le(segment.seq, rcv_nxt_)) ts_recent_ = options.timestamp->value;

  // 5. Data, in order only: a segment beyond rcv_nxt is answered with a duplicate ACK and dropped.
  bool need_ack = false;
  std::span<const std::uint8_t> data;
  bool in_order = true;
  if (!segment.payload.empty()) {
    need_ack = true;
    const bool receiving = state_ == TcpState::established || state_ == TcpState::fin_wait_1 ||
                           state_ == TcpState::fin_wait_2;
    if (receiving && seq_le(segment.seq, rcv_nxt_)) {
      const std::uint32_t skip = rcv_nxt_ - segment.seq;  // already received
      data = segment.payload.subspan(std::min<std::size_t>(skip, segment.payload.size()));
      rcv_nxt_ += static_cast<std::uint32_t>(data.size());
      counters_.bytes_received += data.size();
    } else {
      in_order = false;
    }
  }
  // 6. FIN, once everything before it has arrived.
  bool peer_fin = false;
  if (fin && in_order && segment.seq + static_cast<std::uint32_t>(segment.payload.size()) == rcv_nxt_) {
    need_ack = true;
    switch (state_) {
      case TcpState::established:
        rcv_nxt_ += 1;
        peer_fin = true;
        state_ = TcpState::close_wait;
        break;
      case TcpState::fin_wait_1:
        rcv_nxt_ += 1;
        peer_fin = true;
        if (fin_acked) {
          enter_time_wait();
        } else {
          state_ = TcpState::closing;
        }
        break;
      case TcpState::fin_wait_2:
        rcv_nxt_ += 1;
        peer_fin = true;
        enter_time_wait();
        break;
      default: break;  // close_wait, closing, last_ack, time_wait: a repeat, just acknowledged
    }
  }
  // 7. Acknowledge at once (quick ACK), then tell the application, which may answer.
  if (need_ack) send_ack();
  if (established_now) owner_.tcp_established(*this);
  if (!data.empty() && state_ != TcpState::closed) owner_.tcp_data(*this, data);
  if (peer_fin && state_ != TcpState::closed) owner_.tcp_peer_closed(*this);
  output();
}

void TcpConnection::process_ack(const wire::TcpRepr& segment) {
  const std::uint32_t ack = segment.ack;
  if (seq_gt(ack, snd_una_)) {
    if (rtt_timing_ && seq_ge(ack, rtt_seq_)) {
      rtt_sample(owner_.tcp_now() - rtt_start_);
      rtt_timing_ = false;
    }
    const std::uint32_t acked = ack - snd_una_;
    // Bytes of data acknowledged (the SYN and FIN take a sequence number but no buffer space).
    const std::uint32_t data_acked = seq_gt(ack, data_seq_) ? std::min<std::uint32_t>(ack - data_seq_, static_cast<std::uint32_t>(send_buffer_.size())) : 0;
    send_buffer_.erase(send_buffer_.begin(), send_buffer_.begin() + data_acked);
    data_seq_ += data_acked;
    snd_una_ = ack;
    confirm_pending_ = true;  // forward progress: tcp_ack -> sk_dst_confirm
    if (seq_lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    retransmits_ = 0;
    if (srtt_) {
      rto_ = std::clamp(*srtt_ + std::max(4 * rttvar_, config_.min_rto), config_.min_rto, config_.max_rto);
    } else {
      rto_ = config_.initial_rto;
    }
    // Slow start below ssthresh, then one segment per window (RFC 5681 §3.1).
    if (cwnd_ < ssthresh_) {
      cwnd_ += std::min<std::uint32_t>(acked, send_mss_);
    } else {
      cwnd_ += std::max<std::uint32_t>(1, send_mss_ * send_mss_ / cwnd_);
    }
    if (flight_size() > 0) {
      arm_retransmit();
    } else {
      disarm();
    }
  }
  // Window update (§3.10.7.4, fifth check): only from a segment newer than the last one used.
  if (seq_lt(snd_wl1_, segment.seq) || (snd_wl1_ == segment.seq && seq_le(snd_wl2_, ack))) {
    snd_wnd_ = std::uint32_t{segment.window} << snd_wscale_;
    snd_wl1_ = segment.seq;
    snd_wl2_ = ack;
  }
}

}  // namespace vpcsim::stack
