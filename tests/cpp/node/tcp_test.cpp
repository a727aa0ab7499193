// TCP end to end (libnet/node/tcp_sockets.h, tcp_apps.h): a client/server exchange over a switch and
// over a router, segment by segment; a closed port's RST; a server that is gone (SYN retransmissions
// with Linux's backoff, then ETIMEDOUT); ICMP errors that fail a connect; ephemeral ports.
//
//   h1 10.0.1.10 ─┐
//   h3 10.0.1.30 ─┤ sw1
//   r1 10.0.1.1  ─┘ [r1] 10.0.2.1 ── 10.0.2.20 h2
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/wire/bytes.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/tcp_options.h"
#include "support/frame_log.h"

namespace vpcsim::node {
namespace {

using core::kMillisecond;
using core::kSecond;
using wire::Ipv4Address;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

/// The TCP segments in a FrameLog, in one direction or both.
struct Segment {
  Ipv4Address src, dst;
  std::uint8_t ttl = 0;
  bool df = false;
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::vector<std::uint8_t> options;
  std::string payload;
  core::Time at = 0;
  bool checksum_ok = false;
};

std::vector<Segment> segments(const testing::FrameLog& log, std::optional<link::Direction> direction = std::nullopt) {
  std::vector<Segment> out;
  for (std::size_t i = 0; i < log.frames().size(); ++i) {
    if (direction && log.directions()[i] != *direction) continue;
    auto eth = wire::EthernetView::parse(log.frames()[i]);
    if (!eth || eth->ethertype() != wire::kEthertypeIpv4) continue;
    auto v = wire::Ipv4View::parse(eth->payload());
    if (!v || v->protocol() != wire::kIpProtoTcp) continue;
    auto t = wire::TcpView::parse(v->payload());
    Segment s;
    s.src = v->src();
    s.dst = v->dst();
    s.ttl = v->ttl();
    s.df = v->dont_fragment();
    s.sport = t->src_port();
    s.dport = t->dst_port();
    s.seq = t->seq();
    s.ack = t->ack();
    s.flags = t->flags();
    s.window = t->window();
    s.options.assign(t->options().begin(), t->options().end());
    s.payload.assign(t->payload().begin(), t->payload().end());
    s.at = log.times()[i];
    s.checksum_ok = t->verify_checksum(v->src(), v->dst());
    out.push_back(s);
  }
  return out;
}

/// tcpdump-style flags of each segment: "S", "S.", ".", "P.", "F.", "R.", ...
std::vector<std::string> flags_of(const std::vector<Segment>& segs) {
  std::vector<std::string> out;
  for (const auto& s : segs) {
    std::string f;
    if (s.flags & wire::kTcpSyn) f += 'S';
    if (s.flags & wire::kTcpFin) f += 'F';
    if (s.flags & wire::kTcpRst) f += 'R';
    if (s.flags & wire::kTcpPsh) f += 'P';
    if (s.flags & wire::kTcpAck) f += '.';
    out.push_back(f);
  }
  return out;
}

class TcpTest : public ::testing::Test {
 protected:
  Network net{7};
  Host& h1 = net.add_host("h1");
  Host& h3 = net.add_host("h3");
  Router& r1 = net.add_router("r1");
  Host& h2 = net.add_host("h2");
  Switch& sw1 = net.add_switch("sw1");
  std::optional<testing::FrameLog> h1_log, h2_log;

  TcpTest() {
    h1.add_interface("eth0", "10.0.1.10/24");
    h1.set_default_gateway(ip("10.0.1.1"));
    h3.add_interface("eth0", "10.0.1.30/24");
    r1.add_interface("eth0", "10.0.1.1/24");
    r1.add_interface("eth1", "10.0.2.1/24");
    h2.add_interface("eth0", "10.0.2.20/24");
    h2.set_default_gateway(ip("10.0.2.1"));
    link::LinkConfig ms{kMillisecond, 1'000'000'000, 1000};
    net.connect(h1.interface("eth0"), sw1.add_port(), ms);
    net.connect(h3.interface("eth0"), sw1.add_port(), ms);
    net.connect(r1.interface("eth0"), sw1.add_port(), ms);
    net.connect(r1.interface("eth1"), h2.interface("eth0"), ms);
    h1_log.emplace(h1.interface("eth0"));
    h2_log.emplace(h2.interface("eth0"));
  }
  TcpClient& connect(const char* to, std::uint16_t port, std::string data = "GET /", std::uint16_t from_port = 0) {
    TcpClientConfig c;
    c.destination = ip(to);
    c.dst_port = port;
    c.src_port = from_port;
    c.data = std::move(data);
    return h1.add_application<TcpClient>(c);
  }
};

TEST_F(TcpTest, ExchangeOverASwitchFollowsTheHandshakeDataAndTeardown) {
  TcpServer& server = h3.add_application<TcpServer>({8080, "hello"});
  TcpClient& client = connect("10.0.1.30", 8080);
  net.run();

  EXPECT_EQ(client.outcome(), Outcome::reply);
  EXPECT_EQ(client.reply(), "hello");
  EXPECT_EQ(client.error(), stack::TcpError::none);
  EXPECT_EQ(server.requests(), std::vector<std::string>{"GET /"});
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(server.replied(), 1u);
  EXPECT_EQ(server.closed(), 1u);
  EXPECT_EQ(server.outcome(), Outcome::reply);

  // The client: SYN, ACK, request, ACK of the reply, ACK of the server's FIN, then its own FIN once
  // the application sees end of file. The server: SYN-ACK, ACK of the request at once (quick ACK),
  // reply, FIN, ACK of the client's FIN (and TIME_WAIT: it closed first).
  const auto sent = segments(*h1_log, link::Direction::tx);
  const auto received = segments(*h1_log, link::Direction::rx);
  EXPECT_EQ(flags_of(sent), (std::vector<std::string>{"S", ".", "P.", ".", ".", "F."}));
  EXPECT_EQ(flags_of(received), (std::vector<std::string>{"S.", ".", "P.", "F.", "."}));
  const auto segs = segments(*h1_log);
  for (const auto& s : segs) {
    EXPECT_TRUE(s.checksum_ok);
    EXPECT_EQ(s.ttl, 64);
    EXPECT_TRUE(s.df);
  }
  const Segment& syn = sent[0];
  const Segment& syn_ack = received[0];
  const std::uint32_t c = syn.seq, s = syn_ack.seq;
  EXPECT_EQ(syn.src, ip("10.0.1.10"));
  EXPECT_GE(syn.sport, 32768);
  EXPECT_LE(syn.sport, 60999);
  EXPECT_EQ(syn.dport, 8080);
  EXPECT_EQ(syn_ack.ack, c + 1);
  EXPECT_EQ(sent[1].seq, c + 1);
  EXPECT_EQ(sent[1].ack, s + 1);
  EXPECT_EQ(sent[2].payload, "GET /");
  EXPECT_EQ(received[1].ack, c + 1 + 5);
  EXPECT_EQ(received[2].payload, "hello");
  EXPECT_EQ(received[2].seq, s + 1);
  EXPECT_EQ(received[3].seq, s + 1 + 5);  // the server's FIN follows its reply
  EXPECT_EQ(sent[3].ack, s + 1 + 5);      // the client ACKs the reply
  EXPECT_EQ(sent[4].ack, s + 1 + 5 + 1);  // and the FIN
  EXPECT_EQ(sent[5].seq, c + 1 + 5);      // then sends its own
  EXPECT_EQ(received[4].ack, c + 1 + 5 + 1);
  // Everything is gone after TIME_WAIT (60 s).
  EXPECT_TRUE(h1.tcp_sockets()->table().empty());
  EXPECT_TRUE(h3.tcp_sockets()->table().empty());
  EXPECT_GE(net.now(), 60 * kSecond);
  EXPECT_LT(net.now(), 61 * kSecond);
}

TEST_F(TcpTest, SynCarriesLinuxOptionsAndLaterSegmentsTimestamps) {
  h3.add_application<TcpServer>({8080, "hello"});
  connect("10.0.1.30", 8080);
  net.run();
  const auto segs = segments(*h1_log);
  ASSERT_GE(segs.size(), 3u);
  // MSS 1460, SACK permitted, timestamps, NOP, window scale 7; window 64240 (tcp_options_write order).
  const auto& syn = segs[0].options;
  ASSERT_EQ(syn.size(), 20u);
  EXPECT_EQ(std::vector<std::uint8_t>(syn.begin(), syn.begin() + 8),
            (std::vector<std::uint8_t>{2, 4, 0x05, 0xb4, 4, 2, 8, 10}));
  EXPECT_EQ(std::vector<std::uint8_t>(syn.end() - 4, syn.end()), (std::vector<std::uint8_t>{1, 3, 3, 7}));
  EXPECT_EQ(segs[0].window, 64240);
  const auto syn_opts = wire::TcpOptions::parse(segs[0].options);
  EXPECT_EQ(syn_opts.timestamp->echo, 0u);
  // The SYN-ACK answers with the same set; the ACK then has NOP NOP TS echoing the SYN-ACK's TSval.
  const auto syn_ack_opts = wire::TcpOptions::parse(segs[1].options);
  EXPECT_EQ(syn_ack_opts.mss, 1460);
  EXPECT_EQ(syn_ack_opts.window_scale, 7);
  EXPECT_TRUE(syn_ack_opts.sack_permitted);
  EXPECT_EQ(syn_ack_opts.timestamp->echo, syn_opts.timestamp->value);
  EXPECT_EQ(segs[2].options.size(), 12u);
  EXPECT_EQ(wire::TcpOptions::parse(segs[2].options).timestamp->echo, syn_ack_opts.timestamp->value);
  EXPECT_EQ(segs[2].window, 502);  // 64240 rounded up to 64256, >> 7
}

TEST_F(TcpTest, ExchangeThroughARouterFromAFixedSourcePort) {
  h2.add_application<TcpServer>({80, "HTTP/1.0 200 OK\r\n\r\n"});
  TcpClient& client = connect("10.0.2.20", 80, "GET / HTTP/1.0\r\n\r\n", 40000);
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::reply);
  EXPECT_EQ(client.reply(), "HTTP/1.0 200 OK\r\n\r\n");
  EXPECT_EQ(client.src_port(), 40000);
  const auto at_server = segments(*h2_log, link::Direction::rx);
  ASSERT_FALSE(at_server.empty());
  EXPECT_EQ(at_server[0].ttl, 63);
  EXPECT_EQ(at_server[0].sport, 40000);
  EXPECT_TRUE(client.connect_time().has_value());
  // Three 1 ms links each way, plus ARP on the way out (h1 for r1, r1 for h2, 2 ms each) and r1's
  // resolution of h2 on the way back... at least the 6 ms of propagation, well under 20 ms.
  EXPECT_GE(*client.connect_time(), 6 * kMillisecond);
  EXPECT_LT(*client.connect_time(), 20 * kMillisecond);
}

TEST_F(TcpTest, ClosedPortAnswersRstAckWithoutCreatingTcpState) {
  TcpClient& client = connect("10.0.2.20", 9);
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::unreachable);
  EXPECT_EQ(client.error(), stack::TcpError::connection_refused);
  EXPECT_EQ(h2.tcp_sockets(), nullptr);
  const auto segs = segments(*h2_log);
  ASSERT_EQ(flags_of(segs), (std::vector<std::string>{"S", "R."}));
  EXPECT_EQ(segs[1].seq, 0u);
  EXPECT_EQ(segs[1].ack, segs[0].seq + 1);
  EXPECT_EQ(segs[1].window, 0);
  EXPECT_TRUE(segs[1].options.empty());
  EXPECT_TRUE(segs[1].df);
  EXPECT_EQ(net.trace().drop_count(h2.id(), trace::DropReason::port_unreachable), 1u);
}

TEST_F(TcpTest, AnAckToAClosedPortGetsARstWithItsAckAsSequence) {
  // A client whose server vanished (here: a listener on another port) sends data with ACK.
  h3.add_application<TcpServer>({8080, ""});
  std::vector<std::uint8_t> payload{'x'};
  wire::TcpRepr stray{40000, 8081, 1000, 123456, wire::kTcpAck | wire::kTcpPsh, 502, 0, {}, payload};
  h1.send_tcp(ip("10.0.1.10"), ip("10.0.1.30"), stray);
  net.run();
  const auto segs = segments(*h1_log, link::Direction::rx);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(flags_of(segs), std::vector<std::string>{"R"});
  EXPECT_EQ(segs[0].seq, 123456u);
  EXPECT_EQ(segs[0].ack, 0u);
}

TEST_F(TcpTest, ARstIsNeverAnsweredWithARst) {
  wire::TcpRepr rst{40000, 8081, 1000, 0, wire::kTcpRst, 0, 0, {}, {}};
  h1.send_tcp(ip("10.0.1.10"), ip("10.0.1.30"), rst);
  net.run();
  EXPECT_TRUE(segments(*h1_log, link::Direction::rx).empty());
}

TEST_F(TcpTest, ServerGoneRetransmitsTheSynWithBackoffThenTimesOut) {
  r1.add_special_route(wire::Ipv4Prefix::parse("10.0.9.0/24"), stack::RouteType::blackhole);
  TcpClient& client = connect("10.0.9.9", 80);
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::timeout);
  EXPECT_EQ(client.error(), stack::TcpError::timed_out);
  const auto syns = segments(*h1_log, link::Direction::tx);
  ASSERT_EQ(syns.size(), 7u);  // the first SYN and tcp_syn_retries = 6 more
  // connect() at 0; the first SYN waits 2 ms for ARP; the RTO doubles from 1 s.
  std::vector<core::Time> offsets;
  for (const auto& s : syns) {
    EXPECT_EQ(s.seq, syns[0].seq);
    offsets.push_back((s.at + kSecond / 2) / kSecond);
  }
  EXPECT_EQ(offsets, (std::vector<core::Time>{0, 1, 3, 7, 15, 31, 63}));
  EXPECT_EQ(syns[1].at, 1 * kSecond);
  EXPECT_EQ(syns[6].at, 63 * kSecond);
  EXPECT_EQ(client.counters().retransmissions, 6u);
  EXPECT_EQ(net.now(), 127 * kSecond);  // 1+2+...+64: ETIMEDOUT
}

TEST_F(TcpTest, SynRetriesAreConfigurable) {
  r1.add_special_route(wire::Ipv4Prefix::parse("10.0.9.0/24"), stack::RouteType::blackhole);
  stack::TcpConfig config;
  config.syn_retries = 2;
  h1.tcp().set_config(config);
  TcpClient& client = connect("10.0.9.9", 80);
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::timeout);
  EXPECT_EQ(segments(*h1_log, link::Direction::tx).size(), 3u);
}

TEST_F(TcpTest, HostUnreachableFromARouterFailsTheConnect) {
  r1.add_special_route(wire::Ipv4Prefix::parse("10.0.9.0/24"), stack::RouteType::unreachable);
  TcpClient& client = connect("10.0.9.9", 80);
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::unreachable);
  EXPECT_EQ(client.error(), stack::TcpError::host_unreachable);
  ASSERT_EQ(client.icmp_errors().size(), 1u);
  EXPECT_EQ(client.icmp_errors()[0].from, ip("10.0.1.1"));
  EXPECT_EQ(client.icmp_errors()[0].code, 1);
  EXPECT_EQ(segments(*h1_log, link::Direction::tx).size(), 1u);  // no retransmission
}

TEST_F(TcpTest, ArpFailureOnTheSubnetFailsTheConnectWithHostUnreachable) {
  TcpClient& client = connect("10.0.1.99", 80);
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::unreachable);
  EXPECT_EQ(client.error(), stack::TcpError::host_unreachable);
  ASSERT_EQ(client.icmp_errors().size(), 1u);
  EXPECT_EQ(client.icmp_errors()[0].from, ip("10.0.1.10"));  // our own stack's error (ipv4_link_failure)
}

TEST_F(TcpTest, NoRouteFailsTheConnectAtOnce) {
  TcpClientConfig c;
  c.destination = ip("10.0.9.9");
  c.dst_port = 80;
  TcpClient& client = h3.add_application<TcpClient>(c);  // h3 has no default route
  net.run();
  EXPECT_EQ(client.outcome(), Outcome::unreachable);
  EXPECT_EQ(client.send_failure(), SendStatus::network_unreachable);
}

TEST_F(TcpTest, ClientsOnOneNodeGetDistinctEphemeralPorts) {
  h3.add_application<TcpServer>({8080, "ok"});
  std::vector<TcpClient*> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(&connect("10.0.1.30", 8080));
  net.run();
  std::vector<std::uint16_t> ports;
  for (auto* c : clients) {
    EXPECT_EQ(c->outcome(), Outcome::reply);
    EXPECT_GE(c->src_port(), 32768);
    EXPECT_LE(c->src_port(), 60999);
    ports.push_back(c->src_port());
  }
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(std::adjacent_find(ports.begin(), ports.end()), ports.end());
}

TEST_F(TcpTest, AFixedSourcePortInUseIsEaddrinuse) {
  h3.add_application<TcpServer>({8080, "ok"});
  TcpClient& first = connect("10.0.1.30", 8080, "a", 40000);
  TcpClient& second = connect("10.0.1.30", 8080, "b", 40000);
  net.run();
  EXPECT_EQ(first.outcome(), Outcome::reply);
  EXPECT_EQ(second.outcome(), Outcome::unreachable);
  EXPECT_EQ(second.send_failure(), SendStatus::address_in_use);
}

TEST_F(TcpTest, ReusingAFourTupleTheServerHoldsInTimeWait) {
  // The server closed first and holds TIME_WAIT. A new SYN from the same port gets a challenge ACK,
  // the client answers that with a RST, which ends the TIME_WAIT (tcp_rfc1337 = 0), and the SYN
  // retransmitted 1 s later opens a new connection. (Linux would accept the SYN at once: TCP_TW_SYN.)
  h3.add_application<TcpServer>({8080, "ok"});
  TcpClient& first = connect("10.0.1.30", 8080, "a", 40000);
  net.run_until(kSecond);
  TcpClientConfig c;
  c.destination = ip("10.0.1.30");
  c.dst_port = 8080;
  c.src_port = 40000;
  c.data = "b";
  c.start = 2 * kSecond;
  TcpClient& second = h1.add_application<TcpClient>(c);
  net.run();
  EXPECT_EQ(first.outcome(), Outcome::reply);
  EXPECT_EQ(second.outcome(), Outcome::reply);
  EXPECT_EQ(second.counters().retransmissions, 1u);
  // One RTO, then one round trip: 4 links of 1 ms, each serialising a 74-byte SYN or SYN-ACK plus
  // 24 bytes of preamble, FCS and gap at 1 Gb/s.
  EXPECT_EQ(*second.connect_time(), kSecond + 4 * kMillisecond + 4 * (74 + 24) * 8);
}

TEST_F(TcpTest, ListeningTwiceOnAPortIsAConfigError) {
  h3.add_application<TcpServer>({8080, "a"});
  EXPECT_THROW(h3.add_application<TcpServer>({8080, "b"}), core::ConfigError);
}

TEST_F(TcpTest, TheSameSeedGivesTheSameSegments) {
  auto run = [](std::uint64_t seed) {
    Network n{seed};
    Host& a = n.add_host("a");
    Host& b = n.add_host("b");
    a.add_interface("eth0", "10.0.0.1/24");
    b.add_interface("eth0", "10.0.0.2/24");
    n.connect("a.eth0", "b.eth0");
    testing::FrameLog log(a.interface("eth0"));
    b.add_application<TcpServer>({7, "pong"});
    TcpClientConfig c;
    c.destination = Ipv4Address::parse("10.0.0.2");
    c.dst_port = 7;
    c.data = "ping";
    a.add_application<TcpClient>(c);
    n.run();
    return log.lines();
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

}  // namespace
}  // namespace vpcsim::node
