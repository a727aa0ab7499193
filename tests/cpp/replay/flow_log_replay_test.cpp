// VPC Flow Logs end to end: a log vpcsim wrote for web's interface, replayed into the same VPC,
// gives the same client-direction records line for line; replayed into the VPC after a security
// group change, it names the flows the change breaks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "cloud/classic_vpc.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/replay/flow_log_source.h"
#include "libnet/replay/replay_engine.h"

namespace vpcsim::replay {
namespace {

using cloud::testing::A;
using cloud::testing::ClassicVpc;
using cloud::testing::P;

constexpr std::int64_t kEpoch = 1699999980;  // a whole minute, as AWS's windows start
constexpr const char* kEni = "eni-0123456789abcdef0";
const wire::Ipv4Address kLaptop = A("203.0.113.77");

/// The original week: a laptop on the internet pings web, fetches a page, and tries HTTPS (web-sg
/// has no rule for 443, so its SYNs are rejected and retransmitted for two minutes).
std::vector<io::FlowLogRecord> original_log() {
  ClassicVpc c;
  cloud::Endpoint& laptop = c.cloud.add_internet_host("laptop", kLaptop);
  c.web->add_application<vpcsim::node::TcpServer>({80, std::string(3000, 'x')});
  cloud::EniFlowLog& log = c.cloud.enable_flow_logs({.epoch = kEpoch}).watch(*c.web, kEni);
  node::PingConfig ping;
  ping.destination = A("198.51.100.10");
  ping.count = 4;
  ping.start = 2 * core::kSecond;
  laptop.add_application<vpcsim::node::Ping>(ping);
  node::TcpClientConfig http;
  http.destination = A("198.51.100.10");
  http.dst_port = 80;
  http.data = "GET / HTTP/1.1\r\n\r\n";
  http.start = 5 * core::kSecond;
  laptop.add_application<vpcsim::node::TcpClient>(http);
  node::TcpClientConfig https = http;
  https.dst_port = 443;
  https.start = 20 * core::kSecond;
  laptop.add_application<vpcsim::node::TcpClient>(https);
  c.net.run_for(300 * core::kSecond);
  return log.records();
}

struct Replayed {
  std::vector<io::FlowLogRecord> log;
  std::vector<FlowRecord> flows;
};

/// Replays `records` from the internet into a fresh classic VPC (after `change`), web's flow log on.
template <class Change>
Replayed replay_into(const std::vector<io::FlowLogRecord>& records, Change change) {
  ClassicVpc c;
  c.web->add_application<vpcsim::node::TcpServer>({80, "ok"});  // the services the log's flows went to
  c.web->add_application<vpcsim::node::TcpServer>({443, "ok"});
  change(c);
  auto source = std::make_unique<FlowLogSource>(records, "week.log");
  FlowLogSource& flows = *source;
  cloud::EniFlowLog& log = c.cloud.enable_flow_logs({.epoch = flows.epoch()}).watch(*c.web, kEni);
  ReplayConfig config;
  config.client.at = "internet-203-0-113";  // the internet segment the laptop was on
  config.rewrite.addresses.push_back(AddressMap{P("10.0.1.10/32"), P("198.51.100.10/32")});  // logged privately
  config.timing.start = flows.first_packet_time();  // simulated time = the log's time since epoch()
  auto engine = replay(c.net, std::move(source), config);
  c.net.run_for(400 * core::kSecond);
  return {log.records(), engine->results().flows};
}

std::vector<std::string> client_lines(const std::vector<io::FlowLogRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records)
    if (r.srcaddr == kLaptop) out.push_back(r.to_line());
  return out;
}

TEST(FlowLogReplay, ReplayedLogMatchesTheOriginalLineForLineOnTheClientSide) {
  const auto original = original_log();
  const auto before = client_lines(original);
  ASSERT_GE(before.size(), 4u);  // icmp, tcp 80, tcp 443 in two windows
  const Replayed replayed = replay_into(original, [](ClassicVpc&) {});
  EXPECT_EQ(client_lines(replayed.log), before);
  // The topology answered: web's replies to the ping are logged too, as in the original.
  bool echo_replies = false;
  for (const auto& r : replayed.log)
    echo_replies = echo_replies || (r.srcaddr == A("10.0.1.10") && r.protocol == 1 && r.packets == 4);
  EXPECT_TRUE(echo_replies);
}

TEST(FlowLogReplay, WhatIfListsTheFlowsASecurityGroupChangeBreaks) {
  const auto original = original_log();
  const Replayed before = replay_into(original, [](ClassicVpc&) {});
  // The change: web-sg trades HTTP for HTTPS (ICMP stays).
  const Replayed after = replay_into(original, [](ClassicVpc& c) {
    c.web_sg.clear_ingress();
    c.web_sg.add_ingress(cloud::testing::from_cidr(cloud::testing::traffic("icmp"), "0.0.0.0/0"));
    c.web_sg.add_ingress(cloud::testing::from_cidr(cloud::testing::traffic("tcp", "443"), "0.0.0.0/0"));
  });
  std::map<std::string, FlowRecord> was;
  for (const FlowRecord& f : before.flows) was[std::string(to_string(f.key))] = f;
  std::vector<std::string> broken, fixed;
  for (const FlowRecord& f : after.flows) {

    const FlowRecord& old = was.at(to_string(f.key));
    if (old.outcome == FlowOutcome::delivered && f.outcome != FlowOutcome::delivered)
      broken.push_back(to_string(f.key) + " " + f.code);
    if (old.outcome != FlowOutcome::delivered && f.outcome == FlowOutcome::delivered) fixed.push_back(to_string(f.key));
  }
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_THAT(broken[0], ::testing::StartsWith("tcp 203.0.113.77:"));
  EXPECT_THAT(broken[0], ::testing::EndsWith("-> 10.0.1.10:80 ENI_SG_RULES_MISMATCH"));
  ASSERT_EQ(fixed.size(), 1u);
  EXPECT_THAT(fixed[0], ::testing::HasSubstr(":443"));
}

}  // namespace
}  // namespace vpcsim::replay
