// stack::TcpConnection against RFC 9293 and Linux, through a fake owner that records the segments,
// timers and notifications: handshakes (active, passive, simultaneous), data with sequence and ACK
// numbers across the 2^32 wrap, retransmission with exponential backoff and an RTT-based RTO,
// every close (active, passive, simultaneous, TIME_WAIT), RSTs (tcp_v4_send_reset rules, RFC 5961
// challenge ACKs) and ICMP errors (tcp_v4_err: hard in SYN_SENT, soft afterwards).
#include "libnet/stack/tcp_connection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vpcsim::stack {
namespace {

using core::kMillisecond;
using core::kSecond;
using core::Time;

struct Sent {
  std::uint32_t seq, ack;
  std::uint8_t flags;
  std::uint16_t window;
  wire::TcpOptions options;
  std::string payload;
  Time at;
  bool confirm = false;  ///< the segment carried the socket's neighbour confirmation
};

class FakeOwner final : public TcpConnectionOwner {
 public:
  Time now = 0;
  std::vector<Sent> sent;
  std::uint64_t tokens = 0;
  std::uint64_t last_token = 0;
  Time timer_at = core::kTimeNever;
  std::string data;
  int established = 0, peer_closed = 0, closed = 0;

  Time tcp_now() const override { return now; }
  void tcp_transmit(TcpConnection& c, const wire::TcpRepr& s) override {
    sent.push_back(Sent{s.seq, s.ack, s.flags, s.window, wire::TcpOptions::parse(s.options),
                        std::string(s.payload.begin(), s.payload.end()), now, c.take_neighbour_confirm()});
  }
  std::uint64_t tcp_arm_timer(TcpConnection&, Time at) override {
    timer_at = at;
    return last_token = ++tokens;
  }
  void tcp_data(TcpConnection&, std::span<const std::uint8_t> d) override { data.append(d.begin(), d.end()); }
  void tcp_established(TcpConnection&) override { ++established; }
  void tcp_peer_closed(TcpConnection&) override { ++peer_closed; }
  void tcp_closed(TcpConnection&) override { ++closed; }
};

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

constexpr std::uint32_t kIss = 1000;
constexpr std::uint32_t kPeerIss = 5000;

class TcpConnectionTest : public ::testing::Test {
 protected:
  FakeOwner owner;
  TcpConfig config;
  TcpEndpoints endpoints{wire::Ipv4Address::parse("10.0.0.1"), 40000, wire::Ipv4Address::parse("10.0.0.2"), 80};
  std::unique_ptr<TcpConnection> conn;
  std::vector<std::uint8_t> option_buffer = std::vector<std::uint8_t>(40);
  std::string payload_store;

  void make(std::uint32_t iss = kIss) {
    conn = std::make_unique<TcpConnection>(owner, config, endpoints, iss, 1460, 77, 0);
  }
  /// A segment from the peer, with the peer's options (timestamps when `ts`).
  wire::TcpRepr from_peer(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, const std::string& payload = "",
                          std::uint16_t window = 502, bool syn_options = false) {
    wire::TcpOptions o;
    if (syn_options) {
      o.mss = 1460;
      o.sack_permitted = true;
      o.window_scale = 7;
      o.timestamp = wire::TcpTimestamp{900, 0};
    } else if (conn && conn->timestamps_on()) {
      o.timestamp = wire::TcpTimestamp{901, 0};
    }
    const std::size_t n = o.emit(option_buffer);
    payload_store = payload;
    return wire::TcpRepr{80, 40000, seq, ack, flags, window, 0,
                         std::span<const std::uint8_t>(option_buffer).first(n), bytes(payload_store)};
  }
  /// Active open up to ESTABLISHED: our SYN, the peer's SYN-ACK, our ACK.
  void establish(std::uint32_t iss = kIss, Time rtt = 10 * kMillisecond) {
    make(iss);
    conn->connect();
    owner.now += rtt;
    conn->on_segment(from_peer(kPeerIss, iss + 1, wire::kTcpSyn | wire::kTcpAck, "", 64240, true));
    ASSERT_EQ(conn->state(), TcpState::established);
    owner.sent.clear();
  }
  void fire() {
    owner.now = owner.timer_at;
    conn->on_timer(owner.last_token);
  }
};

TEST(TcpSeq, ComparisonsWrapAround) {
  EXPECT_TRUE(seq_lt(0xfffffff0u, 0x10u));
  EXPECT_TRUE(seq_gt(0x10u, 0xfffffff0u));
  EXPECT_TRUE(seq_le(5u, 5u));
  EXPECT_FALSE(seq_lt(5u, 5u));
  EXPECT_TRUE(seq_lt(0x7fffffffu, 0x80000000u));
  EXPECT_TRUE(seq_ge(0u, 0xffffffffu));
}

TEST(TcpReset, NoAckGivesRstAckWithSeqZeroAndAckCoveringSynAndFinAndData) {
  std::vector<std::uint8_t> data(10);
  auto rst = tcp_reset_for(wire::TcpRepr{1234, 80, 0xfffffffe, 0, wire::kTcpSyn | wire::kTcpFin, 100, 0, {}, data});
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->flags, wire::kTcpRst | wire::kTcpAck);
  EXPECT_EQ(rst->seq, 0u);
  EXPECT_EQ(rst->ack, 10u);  // 0xfffffffe + 10 + SYN + FIN, wrapped
  EXPECT_EQ(rst->src_port, 80);
  EXPECT_EQ(rst->dst_port, 1234);
  EXPECT_EQ(rst->window, 0);
}

TEST(TcpReset, AckGivesRstWithItsAckAsSequenceAndNoAck) {
  auto rst = tcp_reset_for(wire::TcpRepr{1234, 80, 7, 99, wire::kTcpAck | wire::kTcpPsh, 100, 0, {}, {}});
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->flags, wire::kTcpRst);
  EXPECT_EQ(rst->seq, 99u);
  EXPECT_EQ(rst->ack, 0u);
}

TEST(TcpReset, ARstIsNeverAnswered) {
  EXPECT_FALSE(tcp_reset_for(wire::TcpRepr{1, 2, 3, 4, wire::kTcpRst | wire::kTcpAck, 0, 0, {}, {}}));
  EXPECT_FALSE(tcp_reset_for(wire::TcpRepr{1, 2, 3, 4, wire::kTcpRst, 0, 0, {}, {}}));
}

TEST(TcpIcmp, LinuxHardAndSoftErrors) {
  EXPECT_EQ(tcp_icmp_error(3, 3)->error, TcpError::connection_refused);
  EXPECT_TRUE(tcp_icmp_error(3, 3)->fatal);
  EXPECT_EQ(tcp_icmp_error(3, 1)->error, TcpError::host_unreachable);
  EXPECT_FALSE(tcp_icmp_error(3, 1)->fatal);
  EXPECT_EQ(tcp_icmp_error(3, 0)->error, TcpError::network_unreachable);
  EXPECT_EQ(tcp_icmp_error(3, 13)->error, TcpError::host_unreachable);
  EXPECT_EQ(tcp_icmp_error(11, 0)->error, TcpError::host_unreachable);
  EXPECT_EQ(tcp_icmp_error(12, 0)->error, TcpError::protocol_error);
  EXPECT_FALSE(tcp_icmp_error(3, 4));   // fragmentation needed: path MTU, not an error
  EXPECT_FALSE(tcp_icmp_error(3, 16));  // beyond NR_ICMP_UNREACH
  EXPECT_FALSE(tcp_icmp_error(4, 0));   // source quench
}

TEST_F(TcpConnectionTest, ActiveOpenSendsSynWithLinuxOptionsThenAcksTheSynAck) {
  make();
  conn->connect();
  EXPECT_EQ(conn->state(), TcpState::syn_sent);
  ASSERT_EQ(owner.sent.size(), 1u);
  const Sent& syn = owner.sent[0];
  EXPECT_EQ(syn.flags, wire::kTcpSyn);
  EXPECT_EQ(syn.seq, kIss);
  EXPECT_EQ(syn.window, 64240);
  EXPECT_EQ(syn.options.mss, 1460);
  EXPECT_TRUE(syn.options.sack_permitted);
  EXPECT_EQ(syn.options.window_scale, 7);
  ASSERT_TRUE(syn.options.timestamp);
  EXPECT_EQ(syn.options.timestamp->value, 77u);  // 0 ms + the connection's offset
  EXPECT_EQ(owner.timer_at, kSecond);            // initial RTO

  owner.now = 10 * kMillisecond;
  conn->on_segment(from_peer(kPeerIss, kIss + 1, wire::kTcpSyn | wire::kTcpAck, "", 64240, true));
  EXPECT_EQ(conn->state(), TcpState::established);
  EXPECT_EQ(owner.established, 1);
  ASSERT_EQ(owner.sent.size(), 2u);
  EXPECT_EQ(owner.sent[1].flags, wire::kTcpAck);
  EXPECT_EQ(owner.sent[1].seq, kIss + 1);
  EXPECT_EQ(owner.sent[1].ack, kPeerIss + 1);
  EXPECT_EQ(owner.sent[1].window, 502);
  EXPECT_EQ(owner.sent[1].options.timestamp->echo, 900u);
  EXPECT_EQ(conn->send_mss(), 1448);  // 1460 - 12 bytes of timestamps
  EXPECT_EQ(conn->snd_wnd(), 64240u);  // the SYN-ACK's window is not scaled
  // RTT 10 ms: RTO = 10 ms + max(4 * 5 ms, 200 ms).
  EXPECT_EQ(conn->rto(), 210 * kMillisecond);
  EXPECT_EQ(conn->timer_at(), core::kTimeNever);
}

TEST_F(TcpConnectionTest, WithoutPeerOptionsMssIs536AndNoTimestamps) {
  make();
  conn->connect();
  conn->on_segment(from_peer(kPeerIss, kIss + 1, wire::kTcpSyn | wire::kTcpAck, "", 8192, false));
  EXPECT_EQ(conn->state(), TcpState::established);
  EXPECT_FALSE(conn->timestamps_on());
  EXPECT_EQ(conn->send_mss(), 536);
  EXPECT_FALSE(owner.sent.back().options.timestamp);
  EXPECT_EQ(owner.sent.back().window, 64240);  // no scaling agreed
}

TEST_F(TcpConnectionTest, PassiveOpenAnswersWithSynAckAndEstablishesOnTheAck) {
  make();
  conn->accept(from_peer(kPeerIss, 0, wire::kTcpSyn, "", 64240, true));
  EXPECT_EQ(conn->state(), TcpState::syn_received);
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].flags, wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(owner.sent[0].ack, kPeerIss + 1);
  EXPECT_EQ(owner.sent[0].options.timestamp->echo, 900u);
  EXPECT_EQ(owner.established, 0);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::established);
  EXPECT_EQ(owner.established, 1);
  EXPECT_EQ(conn->snd_wnd(), 502u << 7);
}

TEST_F(TcpConnectionTest, PassiveOpenResendsSynAckForARetransmittedSyn) {
  make();
  conn->accept(from_peer(kPeerIss, 0, wire::kTcpSyn, "", 64240, true));
  conn->on_segment(from_peer(kPeerIss, 0, wire::kTcpSyn, "", 64240, true));
  ASSERT_EQ(owner.sent.size(), 2u);
  EXPECT_EQ(owner.sent[1].flags, wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(owner.sent[1].seq, kIss);
}

TEST_F(TcpConnectionTest, SynAckRetriesThenTheRequestIsDropped) {
  make();
  conn->accept(from_peer(kPeerIss, 0, wire::kTcpSyn, "", 64240, true));
  for (int i = 0; i < 5; ++i) fire();
  EXPECT_EQ(owner.sent.size(), 6u);
  fire();
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::timed_out);
}

TEST_F(TcpConnectionTest, SimultaneousOpen) {
  make();
  conn->connect();
  conn->on_segment(from_peer(kPeerIss, 0, wire::kTcpSyn, "", 64240, true));
  EXPECT_EQ(conn->state(), TcpState::syn_received);
  EXPECT_EQ(owner.sent.back().flags, wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(owner.sent.back().seq, kIss);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::established);
}

TEST_F(TcpConnectionTest, SynRetransmissionsBackOffExponentiallyThenTimeOut) {
  make();
  conn->connect();
  std::vector<Time> times;
  while (conn->state() == TcpState::syn_sent) {
    fire();
    times.push_back(owner.now);
  }
  EXPECT_EQ(times, (std::vector<Time>{1 * kSecond, 3 * kSecond, 7 * kSecond, 15 * kSecond, 31 * kSecond,
                                      63 * kSecond, 127 * kSecond}));
  EXPECT_EQ(owner.sent.size(), 7u);
  for (const auto& s : owner.sent) EXPECT_EQ(s.seq, kIss);
  EXPECT_EQ(conn->error(), TcpError::timed_out);
  EXPECT_EQ(owner.closed, 1);
  EXPECT_EQ(conn->counters().retransmissions, 6u);
}

TEST_F(TcpConnectionTest, RstWithAcceptableAckRefusesTheConnect) {
  make();
  conn->connect();
  conn->on_segment(from_peer(0, kIss + 1, wire::kTcpRst | wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::connection_refused);
}

TEST_F(TcpConnectionTest, RstWithABadAckInSynSentIsIgnoredAndABadAckIsReset) {
  make();
  conn->connect();
  conn->on_segment(from_peer(0, kIss + 7, wire::kTcpRst | wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::syn_sent);
  EXPECT_EQ(owner.sent.size(), 1u);
  conn->on_segment(from_peer(kPeerIss, kIss + 7, wire::kTcpSyn | wire::kTcpAck, "", 64240, true));
  EXPECT_EQ(conn->state(), TcpState::syn_sent);
  ASSERT_EQ(owner.sent.size(), 2u);
  EXPECT_EQ(owner.sent[1].flags, wire::kTcpRst);
  EXPECT_EQ(owner.sent[1].seq, kIss + 7);
}

TEST_F(TcpConnectionTest, IcmpErrorInSynSentFailsTheConnectButOnlyForASegmentInFlight) {
  make();
  conn->connect();
  conn->on_icmp_error(3, 1, kIss + 100);  // quotes a sequence number we never sent
  EXPECT_EQ(conn->state(), TcpState::syn_sent);
  conn->on_icmp_error(3, 4, kIss);  // fragmentation needed: ignored
  EXPECT_EQ(conn->state(), TcpState::syn_sent);
  conn->on_icmp_error(3, 1, kIss);
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::host_unreachable);
}

TEST_F(TcpConnectionTest, DataIsSegmentedByMssWithPshOnTheLastAndFreedWhenAcked) {
  establish();
  const std::string data(3000, 'x');
  EXPECT_TRUE(conn->send(bytes(data)));
  ASSERT_EQ(owner.sent.size(), 3u);
  EXPECT_EQ(owner.sent[0].seq, kIss + 1);
  EXPECT_EQ(owner.sent[0].payload.size(), 1448u);
  EXPECT_EQ(owner.sent[0].flags, wire::kTcpAck);
  EXPECT_EQ(owner.sent[1].seq, kIss + 1 + 1448);
  EXPECT_EQ(owner.sent[2].payload.size(), 3000u - 2 * 1448);
  EXPECT_EQ(owner.sent[2].flags, wire::kTcpAck | wire::kTcpPsh);
  EXPECT_EQ(conn->snd_nxt(), kIss + 1 + 3000);
  EXPECT_EQ(owner.timer_at, owner.now + conn->rto());
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1 + 1448, wire::kTcpAck));
  EXPECT_EQ(conn->send_queue_len(), 3000u - 1448);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1 + 3000, wire::kTcpAck));
  EXPECT_EQ(conn->send_queue_len(), 0u);
  EXPECT_EQ(conn->timer_at(), core::kTimeNever);
  EXPECT_EQ(conn->counters().bytes_sent, 3000u);
}

// tcp_ack -> sk_dst_confirm: an ACK of something in flight marks the socket, and its next segment
// (only that one) carries the neighbour confirmation. Receiving data, or an ACK of nothing new,
// confirms nothing; a listener's handshake-completing ACK neither (its child had nothing in flight).
TEST_F(TcpConnectionTest, AnAckOfNewDataMarksTheNextSegmentToConfirmTheNeighbour) {
  make();
  conn->connect();
  EXPECT_FALSE(owner.sent[0].confirm) << "a SYN confirms nothing";
  conn->on_segment(from_peer(kPeerIss, kIss + 1, wire::kTcpSyn | wire::kTcpAck, "", 64240, true));
  ASSERT_EQ(owner.sent.size(), 2u);
  EXPECT_TRUE(owner.sent[1].confirm) << "the SYN-ACK acknowledged our SYN: the handshake's ACK confirms";
  owner.sent.clear();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck | wire::kTcpPsh, "hi"));
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_FALSE(owner.sent[0].confirm) << "data from the peer acknowledges nothing of ours";
  EXPECT_TRUE(conn->send(bytes("hello")));
  conn->on_segment(from_peer(kPeerIss + 3, kIss + 1 + 5, wire::kTcpAck));
  EXPECT_TRUE(conn->neighbour_confirm_pending());
  EXPECT_TRUE(conn->send(bytes("more")));
  EXPECT_TRUE(owner.sent.back().confirm);
  EXPECT_FALSE(conn->neighbour_confirm_pending()) << "taken by the segment that carried it";
  EXPECT_TRUE(conn->send(bytes("again")));
  EXPECT_FALSE(owner.sent.back().confirm);
}

TEST_F(TcpConnectionTest, APassiveHandshakeConfirmsNothingUntilDataIsAcked) {
  make();
  conn->accept(from_peer(kPeerIss, 0, wire::kTcpSyn, "", 64240, true));
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck));
  ASSERT_EQ(conn->state(), TcpState::established);
  EXPECT_FALSE(conn->neighbour_confirm_pending());
  EXPECT_TRUE(conn->send(bytes("pong")));
  EXPECT_FALSE(owner.sent.back().confirm);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1 + 4, wire::kTcpAck));
  EXPECT_TRUE(conn->neighbour_confirm_pending());
  conn->close();
  EXPECT_TRUE(owner.sent.back().flags & wire::kTcpFin);
  EXPECT_TRUE(owner.sent.back().confirm) << "the FIN after the acknowledged reply confirms, as the kernel's does";
}

TEST_F(TcpConnectionTest, InOrderDataIsDeliveredAndAckedAtOnce) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck | wire::kTcpPsh, "hello"));
  EXPECT_EQ(owner.data, "hello");
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].flags, wire::kTcpAck);
  EXPECT_EQ(owner.sent[0].ack, kPeerIss + 1 + 5);
  // A duplicate is acknowledged again but not delivered twice; a partial overlap delivers the new part.
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck | wire::kTcpPsh, "hello"));
  EXPECT_EQ(owner.data, "hello");
  EXPECT_EQ(owner.sent.back().ack, kPeerIss + 6);
  conn->on_segment(from_peer(kPeerIss + 4, kIss + 1, wire::kTcpAck | wire::kTcpPsh, "lo world"));
  EXPECT_EQ(owner.data, "hello world");
}

TEST_F(TcpConnectionTest, OutOfOrderDataGetsADuplicateAckAndIsNotDelivered) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 1 + 100, kIss + 1, wire::kTcpAck, "later"));
  EXPECT_EQ(owner.data, "");
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].ack, kPeerIss + 1);
}

TEST_F(TcpConnectionTest, SequenceNumbersWrapAround) {
  establish(0xfffffff0u);
  const std::string data(100, 'y');
  conn->send(bytes(data));
  EXPECT_EQ(owner.sent[0].seq, 0xfffffff1u);
  EXPECT_EQ(conn->snd_nxt(), 0xfffffff1u + 100);  // = 0x55
  EXPECT_EQ(conn->snd_nxt(), 0x55u);
  conn->on_segment(from_peer(kPeerIss + 1, 0x55u, wire::kTcpAck));
  EXPECT_EQ(conn->snd_una(), 0x55u);
  EXPECT_EQ(conn->send_queue_len(), 0u);
  // A stale ACK from before the wrap changes nothing.
  conn->on_segment(from_peer(kPeerIss + 1, 0xfffffff1u, wire::kTcpAck));
  EXPECT_EQ(conn->snd_una(), 0x55u);
}

TEST_F(TcpConnectionTest, ReceiveSideWrapsAround) {
  make();
  conn->connect();
  conn->on_segment(from_peer(0xfffffffdu, kIss + 1, wire::kTcpSyn | wire::kTcpAck, "", 64240, true));
  conn->on_segment(from_peer(0xfffffffeu, kIss + 1, wire::kTcpAck, "abcdef"));
  EXPECT_EQ(owner.data, "abcdef");
  EXPECT_EQ(conn->rcv_nxt(), 4u);
}

TEST_F(TcpConnectionTest, UnackedDataIsRetransmittedWithBackoffUntilRetries2) {
  config.retries2 = 3;
  establish();
  conn->send(bytes("abc"));
  ASSERT_EQ(owner.sent.size(), 1u);
  const Time rto = conn->rto();
  EXPECT_EQ(rto, 210 * kMillisecond);
  std::vector<Time> gaps;
  Time last = owner.now;
  for (int i = 0; i < 3; ++i) {
    fire();
    gaps.push_back(owner.now - last);
    last = owner.now;
  }
  EXPECT_EQ(gaps, (std::vector<Time>{rto, 2 * rto, 4 * rto}));
  ASSERT_EQ(owner.sent.size(), 4u);
  for (const auto& s : owner.sent) {
    EXPECT_EQ(s.seq, kIss + 1);
    EXPECT_EQ(s.payload, "abc");
  }
  EXPECT_EQ(conn->counters().retransmissions, 3u);
  EXPECT_EQ(conn->state(), TcpState::established);
  fire();
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::timed_out);
}

TEST_F(TcpConnectionTest, AnAckAfterARetransmissionResetsTheBackoff) {
  establish();
  conn->send(bytes("abc"));
  fire();
  fire();
  EXPECT_EQ(conn->rto(), 4 * 210 * kMillisecond);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 4, wire::kTcpAck));
  EXPECT_EQ(conn->retransmits(), 0u);
  EXPECT_EQ(conn->rto(), 210 * kMillisecond);  // no new sample (Karn), the estimate stands
}

TEST_F(TcpConnectionTest, ASoftIcmpErrorIsReportedOnlyWhenTheConnectionTimesOut) {
  config.retries2 = 1;
  establish();
  conn->send(bytes("abc"));
  conn->on_icmp_error(3, 1, kIss + 1);
  EXPECT_EQ(conn->state(), TcpState::established);
  EXPECT_EQ(conn->soft_error(), TcpError::host_unreachable);
  fire();
  fire();
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::host_unreachable);
}

TEST_F(TcpConnectionTest, ActiveCloseGoesThroughFinWait2AndTimeWait) {
  establish();
  conn->close();
  EXPECT_EQ(conn->state(), TcpState::fin_wait_1);
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].flags, wire::kTcpFin | wire::kTcpAck);
  EXPECT_EQ(owner.sent[0].seq, kIss + 1);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 2, wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::fin_wait_2);
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 2, wire::kTcpFin | wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::time_wait);
  EXPECT_EQ(owner.peer_closed, 1);
  EXPECT_EQ(owner.sent.back().ack, kPeerIss + 2);
  EXPECT_EQ(conn->timer_at(), owner.now + 60 * kSecond);
  // A retransmitted FIN is acknowledged again and restarts the 60 s.
  owner.now += 10 * kSecond;
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 2, wire::kTcpFin | wire::kTcpAck));
  EXPECT_EQ(owner.sent.back().ack, kPeerIss + 2);
  EXPECT_EQ(conn->timer_at(), owner.now + 60 * kSecond);
  fire();
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::none);
}

TEST_F(TcpConnectionTest, FinWait2TimesOutAfterTcpFinTimeout) {
  establish();
  conn->close();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 2, wire::kTcpAck));
  EXPECT_EQ(conn->timer_at(), owner.now + 60 * kSecond);
  fire();
  EXPECT_EQ(conn->state(), TcpState::closed);
}

TEST_F(TcpConnectionTest, PassiveCloseGoesThroughCloseWaitAndLastAck) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpFin | wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::close_wait);
  EXPECT_EQ(owner.peer_closed, 1);
  EXPECT_EQ(owner.sent.back().ack, kPeerIss + 2);
  EXPECT_TRUE(conn->send(bytes("bye")));  // still allowed in CLOSE_WAIT
  conn->close();
  EXPECT_EQ(conn->state(), TcpState::last_ack);
  // "bye" went out alone; the FIN after it.
  EXPECT_EQ(owner.sent[owner.sent.size() - 2].payload, "bye");
  EXPECT_EQ(owner.sent.back().flags, wire::kTcpFin | wire::kTcpAck);
  EXPECT_EQ(owner.sent.back().seq, kIss + 1 + 3);
  conn->on_segment(from_peer(kPeerIss + 2, kIss + 5, wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(owner.closed, 1);
}

TEST_F(TcpConnectionTest, DataQueuedBeforeCloseCarriesTheFin) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck, "", 0));  // a zero window holds the data
  conn->send(bytes("abc"));
  conn->close();
  EXPECT_TRUE(owner.sent.empty());
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpAck, "", 502));
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].flags, wire::kTcpAck | wire::kTcpPsh | wire::kTcpFin);
  EXPECT_EQ(owner.sent[0].payload, "abc");
}

TEST_F(TcpConnectionTest, SimultaneousCloseGoesThroughClosing) {
  establish();
  conn->close();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 1, wire::kTcpFin | wire::kTcpAck));  // its FIN, not acking ours
  EXPECT_EQ(conn->state(), TcpState::closing);
  conn->on_segment(from_peer(kPeerIss + 2, kIss + 2, wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::time_wait);
}

TEST_F(TcpConnectionTest, FinAndAckOfOurFinTogetherGoStraightToTimeWait) {
  establish();
  conn->close();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 2, wire::kTcpFin | wire::kTcpAck));
  EXPECT_EQ(conn->state(), TcpState::time_wait);
}

TEST_F(TcpConnectionTest, ALostFinIsRetransmitted) {
  establish();
  conn->close();
  fire();
  ASSERT_EQ(owner.sent.size(), 2u);
  EXPECT_EQ(owner.sent[1].flags, wire::kTcpFin | wire::kTcpAck);
  EXPECT_EQ(owner.sent[1].seq, kIss + 1);
  EXPECT_EQ(conn->counters().retransmissions, 1u);
}

TEST_F(TcpConnectionTest, ExactRstResetsAnEstablishedConnection) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 1, 0, wire::kTcpRst));
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(conn->error(), TcpError::connection_reset);
  EXPECT_TRUE(owner.sent.empty());  // never answer a RST
}

TEST_F(TcpConnectionTest, InWindowRstOrSynGetsAChallengeAck) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 50, 0, wire::kTcpRst));
  EXPECT_EQ(conn->state(), TcpState::established);
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].flags, wire::kTcpAck);
  EXPECT_EQ(owner.sent[0].ack, kPeerIss + 1);
  conn->on_segment(from_peer(kPeerIss + 50, 0, wire::kTcpSyn));
  EXPECT_EQ(conn->state(), TcpState::established);
  EXPECT_EQ(owner.sent.size(), 2u);
  // Out of the window: dropped; a RST is not even acknowledged.
  conn->on_segment(from_peer(kPeerIss + 1 + 70000, 0, wire::kTcpRst));
  EXPECT_EQ(owner.sent.size(), 2u);
}

TEST_F(TcpConnectionTest, AnAckForDataNeverSentIsAnsweredWithAnAck) {
  establish();
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 500, wire::kTcpAck));
  ASSERT_EQ(owner.sent.size(), 1u);
  EXPECT_EQ(owner.sent[0].ack, kPeerIss + 1);
  EXPECT_EQ(conn->snd_una(), kIss + 1);
}

TEST_F(TcpConnectionTest, CloseInSynSentEndsQuietly) {
  make();
  conn->connect();
  conn->close();
  EXPECT_EQ(conn->state(), TcpState::closed);
  EXPECT_EQ(owner.sent.size(), 1u);
}

TEST_F(TcpConnectionTest, DataQueuedDuringTheHandshakeGoesOutAfterTheAck) {
  make();
  conn->connect();
  conn->send(bytes("early"));
  EXPECT_EQ(owner.sent.size(), 1u);
  conn->on_segment(from_peer(kPeerIss, kIss + 1, wire::kTcpSyn | wire::kTcpAck, "", 64240, true));
  ASSERT_EQ(owner.sent.size(), 3u);
  EXPECT_EQ(owner.sent[1].flags, wire::kTcpAck);
  EXPECT_EQ(owner.sent[2].payload, "early");
}

TEST_F(TcpConnectionTest, RttSamplesFollowRfc6298WithLinuxFloor) {
  establish(kIss, 100 * kMillisecond);
  EXPECT_EQ(*conn->srtt(), 100 * kMillisecond);
  EXPECT_EQ(conn->rto(), 300 * kMillisecond);  // 100 + max(4*50, 200)
  conn->send(bytes("a"));
  owner.now += 300 * kMillisecond - 1;
  conn->on_segment(from_peer(kPeerIss + 1, kIss + 2, wire::kTcpAck));
  // srtt = 7/8*100 + 1/8*300 = 125; rttvar = 3/4*50 + 1/4*200 = 87.5; rto = 125 + 350 = 475 ms.
  EXPECT_NEAR(static_cast<double>(*conn->srtt()) / kMillisecond, 125, 0.001);
  EXPECT_NEAR(static_cast<double>(conn->rto()) / kMillisecond, 475, 0.001);
}

}  // namespace
}  // namespace vpcsim::stack
