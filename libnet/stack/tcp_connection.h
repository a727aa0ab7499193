// One TCP connection's state machine (RFC 9293 §3.3.2 and §3.10), with the Linux behaviour the
// simulator copies: the SYN options and window a Linux host sends, quick ACKs (every segment that
// carries data or a FIN is acknowledged at once), Linux's RTO rules (1 s initial, doubled per
// retransmission up to 120 s, from an RTT sample SRTT + max(4·RTTVAR, 200 ms)), tcp_syn_retries,
// tcp_synack_retries and tcp_retries2 as retransmission limits, TIME_WAIT of 60 s
// (TCP_TIMEWAIT_LEN), RFC 5961 challenge ACKs, and tcp_v4_err's soft/hard ICMP errors.
//
//                        connect                        passive SYN (the owner's listener)
//                           │                                       │
//                           ▼          SYN  ⇄  SYN (simultaneous)   ▼
//                      syn_sent ───────────────────────────▶ syn_received
//                           │ SYN+ACK                               │ ACK
//                           ▼                                       ▼
//      close ┌──────── established ────────┐ FIN             ...established
//            ▼                             ▼
//       fin_wait_1 ──FIN──▶ closing     close_wait ──close──▶ last_ack ──ACK──▶ closed
//            │ ACK            │ ACK
//            ▼                ▼
//       fin_wait_2 ──FIN──▶ time_wait ──60 s──▶ closed
//
// The connection knows nothing of nodes, frames or the scheduler: it talks to a small owner
// interface that sends its segments, arms its one timer (a token makes a superseded timer a no-op,
// as ArpCache's generations do) and hears about data and state changes. Events are records, never
// closures. What is simplified on purpose (no out-of-order queue, no SACK blocks, no fast
// retransmit, no delayed ACKs, no persist timer, no PMTU discovery) is listed in docs/faithfulness.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "libnet/core/time.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/tcp_options.h"

namespace vpcsim::stack {

/// Sequence-number comparison modulo 2^32 (RFC 9293 §3.4): a is before b.
constexpr bool seq_lt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
constexpr bool seq_le(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) <= 0; }
constexpr bool seq_gt(std::uint32_t a, std::uint32_t b) { return seq_lt(b, a); }
constexpr bool seq_ge(std::uint32_t a, std::uint32_t b) { return seq_le(b, a); }

enum class TcpState : std::uint8_t {
  closed,
  syn_sent,
  syn_received,
  established,
  fin_wait_1,
  fin_wait_2,
  close_wait,
  closing,
  last_ack,
  time_wait,
};
/// "ESTABLISHED", "TIME_WAIT", ... as `ss` prints them.
std::string_view to_string(TcpState state);

/// Why a connection ended badly: the errno a Linux socket would report.
enum class TcpError : std::uint8_t {
  none,
  connection_refused,    ///< ECONNREFUSED: RST in answer to our SYN, or ICMP port unreachable
  connection_reset,      ///< ECONNRESET: RST on a synchronized connection
  timed_out,             ///< ETIMEDOUT: retransmissions exhausted, no ICMP error seen
  host_unreachable,      ///< EHOSTUNREACH
  network_unreachable,   ///< ENETUNREACH
  protocol_unavailable,  ///< ENOPROTOOPT: ICMP protocol unreachable
  host_down,             ///< EHOSTDOWN
  no_network,            ///< ENONET
  not_supported,         ///< EOPNOTSUPP: source route failed
  protocol_error,        ///< EPROTO: ICMP parameter problem
};
std::string_view to_string(TcpError error);

/// tcp_v4_err's view of an ICMP error: the errno, and whether it is hard (fatal on a synchronized
/// connection; Linux reports only soft errors there unless IP_RECVERR is set, so they never abort
/// one). nullopt for what TCP ignores (fragmentation needed: path MTU; unknown types and codes).
struct TcpIcmpError {
  TcpError error;
  bool fatal;
};
std::optional<TcpIcmpError> tcp_icmp_error(std::uint8_t type, std::uint8_t code);

/// /proc/sys/net/ipv4/tcp_* and the kernel constants behind them, as Linux ships them.
struct TcpConfig {
  std::uint32_t syn_retries = 6;     ///< tcp_syn_retries: SYNs retransmitted before connect fails
  std::uint32_t synack_retries = 5;  ///< tcp_synack_retries
  std::uint32_t retries2 = 15;       ///< tcp_retries2 (counted; Linux turns it into a time budget)
  core::Time initial_rto = core::kSecond;              ///< TCP_TIMEOUT_INIT
  core::Time min_rto = 200 * core::kMillisecond;       ///< TCP_RTO_MIN
  core::Time max_rto = 120 * core::kSecond;            ///< TCP_RTO_MAX
  core::Time time_wait = 60 * core::kSecond;           ///< TCP_TIMEWAIT_LEN
  core::Time fin_timeout = 60 * core::kSecond;         ///< tcp_fin_timeout (FIN_WAIT_2 after close)
  std::uint32_t receive_window = 64240;  ///< the SYN's window: tcp_rmem's default, rounded to MSS multiples
  std::uint8_t window_scale = 7;         ///< what a 6 MiB tcp_rmem max gives (tcp_select_initial_window)
  bool timestamps = true;                ///< tcp_timestamps
  bool sack = true;                      ///< tcp_sack (permitted is offered; no SACK blocks are sent)
  bool window_scaling = true;            ///< tcp_window_scaling
  std::uint32_t initial_cwnd_segments = 10;  ///< TCP_INIT_CWND
};

/// A connection's addresses and ports, from its own side.
struct TcpEndpoints {
  wire::Ipv4Address local;
  std::uint16_t local_port = 0;
  wire::Ipv4Address remote;
  std::uint16_t remote_port = 0;
  friend auto operator<=>(const TcpEndpoints&, const TcpEndpoints&) = default;
};

class TcpConnection;

/// What a connection needs from whoever owns it (node::TcpSockets, or a test).
class TcpConnectionOwner {
 public:
  virtual core::Time tcp_now() const = 0;
  /// Sends a segment (the owner adds IPv4 and fills the checksum). Its spans are valid during the call.
  virtual void tcp_transmit(TcpConnection& connection, const wire::TcpRepr& segment) = 0;
  /// Arms the connection's timer for `at` and returns a token unique over the owner's lifetime;
  /// when it fires the owner calls on_timer(token). An older token is simply ignored.
  virtual std::uint64_t tcp_arm_timer(TcpConnection& connection, core::Time at) = 0;
  /// In-order data from the peer.
  virtual void tcp_data(TcpConnection& connection, std::span<const std::uint8_t> data) = 0;
  /// The handshake completed.
  virtual void tcp_established(TcpConnection& connection) = 0;
  /// The peer sent FIN: no more data will come.
  virtual void tcp_peer_closed(TcpConnection& connection) = 0;
  /// The connection reached CLOSED (error() says why if it was not an orderly close). The owner may
  /// free it once the call that led here has returned, never during it.
  virtual void tcp_closed(TcpConnection& connection) = 0;

 protected:
  ~TcpConnectionOwner() = default;
};

struct TcpCounters {
  std::uint64_t segments_sent = 0;
  std::uint64_t segments_received = 0;
  std::uint64_t bytes_sent = 0;       ///< payload bytes, first transmissions only
  std::uint64_t bytes_received = 0;   ///< in-order payload bytes delivered
  std::uint64_t retransmissions = 0;  ///< segments sent again after a timeout
};

class TcpConnection {
 public:
  /// `iss`: the initial send sequence number (drawn by the owner from the RNG). `mss`: what our
  /// interface allows (MTU - 40). `ts_offset`: added to the millisecond clock for TSval, per
  /// connection as Linux randomises it. `tag`: the owner's handle, returned by tag().
  TcpConnection(TcpConnectionOwner& owner, const TcpConfig& config, TcpEndpoints endpoints, std::uint32_t iss,
                std::uint16_t mss, std::uint32_t ts_offset, std::uint32_t tag);
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  /// Active open: sends the SYN (syn_sent).
  void connect();
  /// Passive open: `syn` arrived for a listening port; answers it with SYN-ACK (syn_received).
  void accept(const wire::TcpRepr& syn);
  /// Queues data (sent when the handshake is done and the windows allow). False once closing.
  bool send(std::span<const std::uint8_t> data);
  /// close(): FIN after the queued data (or nothing in syn_sent: the connection just ends).
  void close();

  /// A segment for this connection arrived (its checksum already verified).
  void on_segment(const wire::TcpRepr& segment);
  /// An ICMP error quoted one of our segments with sequence number `seq` (tcp_v4_err).
  void on_icmp_error(std::uint8_t type, std::uint8_t code, std::uint32_t seq);
  /// The owner's timer fired with `token`.
  void on_timer(std::uint64_t token);

  TcpState state() const { return state_; }
  TcpError error() const { return error_; }
  /// The last ICMP error seen that did not end the connection (sk_err_soft).
  TcpError soft_error() const { return soft_error_; }
  const TcpEndpoints& endpoints() const { return endpoints_; }
  std::uint32_t tag() const { return tag_; }
  const TcpCounters& counters() const { return counters_; }
  std::uint32_t iss() const { return iss_; }
  std::uint32_t snd_una() const { return snd_una_; }
  std::uint32_t snd_nxt() const { return snd_nxt_; }
  std::uint32_t rcv_nxt() const { return rcv_nxt_; }
  /// The peer's window in bytes (scaled).
  std::uint32_t snd_wnd() const { return snd_wnd_; }
  /// The payload per segment: the smaller MSS, less 12 bytes when timestamps are on (as Linux).
  std::uint16_t send_mss() const { return send_mss_; }
  core::Time rto() const { return rto_; }
  std::optional<core::Time> srtt() const { return srtt_; }
  std::uint32_t retransmits() const { return retransmits_; }
  bool timestamps_on() const { return ts_on_; }
  /// True for a connection made by accept() (a listener's), false for connect().
  bool passive() const { return passive_; }
  /// When the pending timer fires, or kTimeNever.
  core::Time timer_at() const { return timer_at_; }
  /// Bytes queued and not yet acknowledged.
  std::size_t send_queue_len() const { return send_buffer_.size(); }
  /// Whether an ACK made forward progress since the last segment sent (Linux's
  /// sk_dst_pending_confirm, set by tcp_ack -> sk_dst_confirm).
  bool neighbour_confirm_pending() const { return confirm_pending_; }
  /// The owner sends the segment tcp_transmit is handing it with the mark, and so takes it:
  /// true once after forward progress, as sock_confirm_neigh clears the socket's flag.
  bool take_neighbour_confirm() { return std::exchange(confirm_pending_, false); }

 private:
  bool synchronized() const { return state_ != TcpState::syn_sent && state_ != TcpState::syn_received; }
  bool can_send_data() const;
  /// Sends our SYN (or SYN-ACK), times its round trip and arms the retransmission timer.
  void open_with_syn();
  void negotiate(const wire::TcpOptions& options);
  /// Sends what the windows allow: data, then the FIN once every byte has gone.
  void output();
  /// Emits one segment; `syn_options` for SYN and SYN-ACK.
  void emit(std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload, bool syn_options = false);
  void send_ack() { emit(snd_nxt_, wire::kTcpAck, {}); }
  void send_syn() { emit(iss_, state_ == TcpState::syn_sent ? wire::kTcpSyn : wire::kTcpSyn | wire::kTcpAck, {}, true); }
  void retransmit();
  bool acceptable(const wire::TcpRepr& segment, std::size_t seg_len) const;
  void process_ack(const wire::TcpRepr& segment);
  void rtt_sample(core::Time rtt);
  void arm(core::Time at);
  void arm_retransmit() { arm(owner_.tcp_now() + rto_); }
  void disarm();
  void enter_time_wait();
  void finish(TcpError error);
  std::uint16_t advertised_window() const;
  std::uint32_t flight_size() const { return snd_nxt_ - snd_una_; }
  std::uint32_t fin_seq() const { return data_seq_ + static_cast<std::uint32_t>(send_buffer_.size()); }

  TcpConnectionOwner& owner_;
  const TcpConfig config_;  // a copy: a later set_config() applies to new connections only
  TcpEndpoints endpoints_;
  std::uint32_t tag_;
  TcpState state_ = TcpState::closed;
  TcpError error_ = TcpError::none;
  TcpError soft_error_ = TcpError::none;

  // Send side (RFC 9293 §3.3.1 names). send_buffer_ holds the unacknowledged and unsent bytes,
  // the first of which has sequence number data_seq_.
  std::uint32_t iss_;
  std::uint32_t snd_una_;
  std::uint32_t snd_nxt_;
  std::uint32_t snd_max_;  ///< highest sequence number sent, + 1 (snd_nxt_ goes back on a timeout)
  std::uint32_t snd_wnd_ = 0;
  std::uint32_t snd_wl1_ = 0;
  std::uint32_t snd_wl2_ = 0;
  std::uint32_t data_seq_;
  std::vector<std::uint8_t> send_buffer_;
  bool fin_queued_ = false;
  bool passive_ = false;
  bool confirm_pending_ = false;

  // Receive side.
  std::uint32_t irs_ = 0;
  std::uint32_t rcv_nxt_ = 0;

  // Negotiated options.
  std::uint16_t our_mss_;
  std::uint16_t send_mss_;
  std::uint8_t snd_wscale_ = 0;  ///< the peer's shift, applied to windows it sends
  std::uint8_t rcv_wscale_ = 0;  ///< our shift, applied to windows we send
  bool ts_on_ = false;
  bool sack_ok_ = false;
  std::uint32_t ts_offset_;
  std::uint32_t ts_recent_ = 0;

  // Retransmission and congestion (Reno without fast retransmit).
  core::Time rto_;
  std::optional<core::Time> srtt_;
  core::Time rttvar_ = 0;
  std::uint32_t retransmits_ = 0;
  bool rtt_timing_ = false;
  std::uint32_t rtt_seq_ = 0;
  core::Time rtt_start_ = 0;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_ = 0xffffffff;

  std::uint64_t timer_token_ = 0;  ///< 0: no timer armed
  core::Time timer_at_ = core::kTimeNever;

  std::array<std::uint8_t, 40> option_bytes_{};
  TcpCounters counters_;
};

/// The RST a Linux host answers `offending` with when no socket wants it (tcp_v4_send_reset), from
/// the offending segment's receiver: none for a RST; RST with seq = its ack if it had ACK; else
/// RST+ACK with seq 0 and ack = its seq + payload + SYN + FIN. Ports swapped, window 0, no options.
std::optional<wire::TcpRepr> tcp_reset_for(const wire::TcpRepr& offending);

}  // namespace vpcsim::stack
