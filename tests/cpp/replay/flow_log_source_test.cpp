// FlowLogSource: flow log records turned into the client's packets, checked on the bytes: counts,
// byte totals, timing over [start, end], TCP's handshake/data/FIN shape and sequence numbers,
// checksums, determinism per seed, and bad lines reported with their line numbers.
#include "libnet/replay/flow_log_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"
#include "support/temp_file.h"

namespace vpcsim::replay {
namespace {

using ::testing::HasSubstr;

io::FlowLogRecord rec(const std::string& line) {
  std::string error;
  auto r = io::parse_flow_log_line(line, error);
  EXPECT_TRUE(r) << error;
  return r.value_or(io::FlowLogRecord{});
}

struct Sent {
  core::Time ts;
  std::vector<std::uint8_t> bytes;
  wire::Ipv4View ip() const {
    auto eth = wire::EthernetView::parse(std::span<const std::uint8_t>(bytes));
    return *wire::Ipv4View::parse(eth->payload());
  }
};

std::vector<Sent> drain(FlowLogSource& source) {
  std::vector<Sent> out;
  ReplayPacket p;
  while (source.next(p)) out.push_back(Sent{p.ts, std::vector<std::uint8_t>(p.bytes.begin(), p.bytes.end())});
  return out;
}

TEST(FlowLogSource, TcpRecordBecomesHandshakeDataAndFinWithItsCountsOverItsSpan) {
  FlowLogSource source({rec("2 1 eni-a 203.0.113.10 10.0.1.10 40000 80 6 5 1000 1700000010 1700000014 ACCEPT OK")}, "t");
  EXPECT_EQ(source.epoch(), 1700000010);  // the first record's start: its first packet is at 0
  const auto sent = drain(source);
  ASSERT_EQ(sent.size(), 5u);
  std::uint64_t bytes = 0;
  std::uint32_t next_seq = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].ts, static_cast<core::Time>(i) * core::kSecond);
    const wire::Ipv4View ip = sent[i].ip();
    EXPECT_TRUE(ip.verify_checksum());
    EXPECT_EQ(ip.src().to_string(), "203.0.113.10");
    EXPECT_EQ(ip.dst().to_string(), "10.0.1.10");
    bytes += ip.total_len();
    auto tcp = wire::TcpView::parse(ip.payload());
    ASSERT_TRUE(tcp);
    EXPECT_TRUE(tcp->verify_checksum(ip.src(), ip.dst()));
    EXPECT_EQ(tcp->src_port(), 40000);
    EXPECT_EQ(tcp->dst_port(), 80);
    if (i > 0) {
      EXPECT_EQ(tcp->seq(), next_seq);
    }
    const bool syn = (tcp->flags() & wire::kTcpSyn) != 0, fin = (tcp->flags() & wire::kTcpFin) != 0;
    next_seq = tcp->seq() + static_cast<std::uint32_t>(tcp->payload().size()) + (syn || fin ? 1 : 0);
    const std::uint8_t expected = i == 0   ? wire::kTcpSyn
                                  : i == 4 ? wire::kTcpFin | wire::kTcpAck | wire::kTcpPsh
                                           : wire::kTcpAck | wire::kTcpPsh;
    EXPECT_EQ(tcp->flags(), expected);
  }
  EXPECT_EQ(bytes, 1000u);
  ASSERT_EQ(source.flows().size(), 1u);
  EXPECT_EQ(to_string(source.flows()[0].key), "tcp 203.0.113.10:40000 -> 10.0.1.10:80");
}

TEST(FlowLogSource, ServerRecordsAreLeftToTheTopologyAndTheClientIsFoundByPorts) {
  // The reply record comes first in the file and in time: the ports still say who is the client.
  FlowLogSource source({rec("2 1 eni-a 10.0.1.10 203.0.113.10 443 51000 6 3 300 100 110 ACCEPT OK"),
                        rec("2 1 eni-a 203.0.113.10 10.0.1.10 51000 443 6 4 400 100 110 ACCEPT OK")},
                       "t");
  ASSERT_EQ(source.flows().size(), 1u);
  EXPECT_EQ(to_string(source.flows()[0].key), "tcp 203.0.113.10:51000 -> 10.0.1.10:443");
  EXPECT_EQ(source.flows()[0].server_records, 1u);
  const auto sent = drain(source);
  ASSERT_EQ(sent.size(), 4u);
  for (const auto& s : sent) EXPECT_EQ(s.ip().src().to_string(), "203.0.113.10");
}

TEST(FlowLogSource, ALongConversationOpensInItsFirstRecordAndClosesInItsLast) {
  FlowLogSource source({rec("2 1 eni-a 10.0.2.10 10.0.1.10 33000 5432 6 3 120 60 119 ACCEPT OK"),
                        rec("2 1 eni-a 10.0.2.10 10.0.1.10 33000 5432 6 2 80 120 179 ACCEPT OK")},
                       "t");
  const auto sent = drain(source);
  ASSERT_EQ(sent.size(), 5u);
  auto flags = [&](std::size_t i) { return wire::TcpView::parse(sent[i].ip().payload())->flags(); };
  EXPECT_EQ(flags(0), wire::kTcpSyn);
  EXPECT_EQ(flags(2), wire::kTcpAck);                  // the first window does not close
  EXPECT_EQ(flags(3), wire::kTcpAck);                  // the second does not open again
  EXPECT_EQ(flags(4), wire::kTcpAck | wire::kTcpFin);
  EXPECT_EQ(sent[3].ts, 60 * core::kSecond);
}

TEST(FlowLogSource, UdpDatagramsAndIcmpEchoesCarryTheirBytes) {
  FlowLogSource source({rec("2 1 eni-a 10.0.1.10 10.0.0.2 45000 53 17 2 150 0 1 ACCEPT OK"),
                        rec("2 1 eni-a 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917030 ACCEPT OK")},
                       "t");
  std::uint64_t udp_bytes = 0, icmp_bytes = 0;
  std::vector<std::uint16_t> echo_seqs;
  for (const auto& s : drain(source)) {
    const wire::Ipv4View ip = s.ip();
    if (ip.protocol() == wire::kIpProtoUdp) {
      udp_bytes += ip.total_len();
      EXPECT_TRUE(wire::UdpView::parse(ip.payload())->verify_checksum(ip.src(), ip.dst()));
    } else {
      icmp_bytes += ip.total_len();
      auto icmp = wire::IcmpView::parse(ip.payload());
      EXPECT_TRUE(icmp->verify_checksum());
      EXPECT_EQ(icmp->type(), wire::kIcmpEchoRequest);
      echo_seqs.push_back(icmp->echo_seq());
    }
  }
  EXPECT_EQ(udp_bytes, 150u);
  EXPECT_EQ(icmp_bytes, 336u);  // AWS's example ping: four 84-byte echoes
  EXPECT_THAT(echo_seqs, ::testing::ElementsAre(0, 1, 2, 3));
}

TEST(FlowLogSource, PacketsOfManyRecordsComeOutInTimeOrder) {
  std::vector<io::FlowLogRecord> records;
  for (int i = 0; i < 50; ++i)
    records.push_back(rec("2 1 eni-a 203.0.113." + std::to_string(i + 1) + " 10.0.1.10 " + std::to_string(40000 + i) +
                          " 80 6 " + std::to_string(3 + i % 7) + " 2000 " + std::to_string(i % 13) + " " +
                          std::to_string(i % 13 + 30) + " ACCEPT OK"));
  FlowLogSource source(records, "t");
  const auto sent = drain(source);
  EXPECT_EQ(sent.size(), source.packets_total());
  for (std::size_t i = 1; i < sent.size(); ++i) EXPECT_LE(sent[i - 1].ts, sent[i].ts);
}

TEST(FlowLogSource, TheSameRecordFromTwoInterfacesReplaysOnce) {
  FlowLogSource source({rec("2 1 eni-client 10.0.1.10 10.0.2.10 40000 5432 6 3 180 0 5 ACCEPT OK"),
                        rec("2 1 eni-server 10.0.1.10 10.0.2.10 40000 5432 6 3 180 0 5 ACCEPT OK")},
                       "t");
  EXPECT_EQ(drain(source).size(), 3u);
}

TEST(FlowLogSource, DeterministicPerSeedAndRewindReplaysTheSame) {
  const std::vector<io::FlowLogRecord> records = {
      rec("2 1 eni-a 203.0.113.10 10.0.1.10 40000 80 6 4 400 0 3 ACCEPT OK"),
      rec("2 1 eni-a 203.0.113.10 10.0.1.10 0 0 1 2 168 1 2 REJECT OK")};
  FlowLogSource a(records, "t", {.seed = 7}), b(records, "t", {.seed = 7}), c(records, "t", {.seed = 8});
  const auto first = drain(a);
  const auto bytes_of = [](const std::vector<Sent>& v) {
    std::vector<std::vector<std::uint8_t>> out;
    for (const auto& s : v) out.push_back(s.bytes);
    return out;
  };
  EXPECT_EQ(bytes_of(first), bytes_of(drain(b)));
  EXPECT_NE(bytes_of(first), bytes_of(drain(c)));
  a.rewind();
  EXPECT_EQ(bytes_of(first), bytes_of(drain(a)));
  EXPECT_TRUE(a.flows()[1].rejected);
}

TEST(FlowLogSource, NoDataRecordsReplayNothingAndOverlargeRecordsAreCapped) {
  FlowLogSource source({rec("2 1 eni-a - - - - - - - 0 60 - NODATA"),
                        rec("2 1 eni-a 10.0.1.10 10.0.0.2 45000 53 17 18446744073709551615 18446744073709551615 0 59 ACCEPT OK")},
                       "t", {.max_packets_per_record = 10});
  EXPECT_EQ(source.records_read(), 2u);
  EXPECT_EQ(drain(source).size(), 10u);
  EXPECT_EQ(source.errors().truncated, 2u);  // the packet cap and the per-packet data cap
}

TEST(FlowLogSource, BadLinesOfAFileAreErrorsWithTheirLineAndTheRestReplays) {
  testing::TempFile file("flows.log");
  std::ofstream(file.path()) << io::kFlowLogDefaultHeader << "\n"
                             << "2 1 eni-a 203.0.113.10 10.0.1.10 40000 80 6 3 120 0 2 ACCEPT OK\n"
                             << "2 1 eni-a 203.0.113.10 10.0.1.10 40000 80 6 three 120 0 2 ACCEPT OK\n";
  FlowLogSource source(file.path());
  EXPECT_EQ(drain(source).size(), 3u);
  EXPECT_EQ(source.errors().records, 2u);
  EXPECT_EQ(source.errors().malformed, 1u);
  ASSERT_EQ(source.errors().errors.size(), 1u);
  EXPECT_EQ(source.errors().errors[0].record, 2u);
  EXPECT_THAT(source.errors().errors[0].reason, HasSubstr("line 3: packets 'three' is not a number"));
  EXPECT_EQ(source.name(), file.path());
}

TEST(FlowLogSource, AConversationOnlyEverRejectedReplaysAsSynRetransmissions) {
  // Linux's SYN is 60 bytes (20 of options): seven of them, as the log counted.
  FlowLogSource source({rec("2 1 eni-a 203.0.113.10 10.0.1.10 43000 443 6 7 420 20 83 REJECT OK")}, "t");
  const auto sent = drain(source);
  ASSERT_EQ(sent.size(), 7u);
  std::uint64_t bytes = 0;
  for (const auto& s : sent) {
    const wire::Ipv4View ip = s.ip();
    bytes += ip.total_len();
    auto tcp = wire::TcpView::parse(ip.payload());
    ASSERT_TRUE(tcp);
    EXPECT_EQ(tcp->flags(), wire::kTcpSyn);
    EXPECT_EQ(tcp->seq(), wire::TcpView::parse(sent[0].ip().payload())->seq());  // a retransmission
    EXPECT_TRUE(tcp->payload().empty());
    EXPECT_TRUE(tcp->verify_checksum(ip.src(), ip.dst()));
  }
  EXPECT_EQ(bytes, 420u);
}

}  // namespace
}  // namespace vpcsim::replay
