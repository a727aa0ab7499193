// VPC Flow Logs out of the classic VPC: AWS's documented ACCEPT/REJECT outcomes for security groups
// and network ACLs (flow-logs-records-examples.html#flow-log-example-security-groups), aggregation
// per window, the default-format text, and the writer's configuration errors.
#include "libnet/cloud/flow_log_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "classic_vpc.h"
#include "libnet/io/flow_log_reader.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"

namespace vpcsim::cloud {
namespace {

using ::testing::HasSubstr;
using testing::A;
using testing::ClassicVpc;
using testing::error_of;
using testing::traffic;

std::vector<std::string> lines_of(const EniFlowLog& log) {
  std::vector<std::string> out;
  for (const auto& r : log.records()) out.push_back(r.to_line());
  return out;
}

node::PingConfig pings(std::string_view to, std::uint32_t count, core::Time interval = core::kSecond) {
  node::PingConfig config;
  config.destination = A(to);
  config.count = count;
  config.interval = interval;
  return config;
}

/// An ACL on the public subnet that lets everything in and only TCP out (so ICMP replies are denied).
NetworkAcl& icmp_out_denied(ClassicVpc& c) {
  NetworkAcl& acl = c.vpc.add_network_acl("no-icmp-out");
  acl.add_rule(AclDirection::inbound, AclRule{.number = 100, .traffic = traffic("all"), .cidr = testing::P("0.0.0.0/0")});
  acl.add_rule(AclDirection::outbound, AclRule{.number = 100, .traffic = traffic("tcp", "0-65535"), .cidr = testing::P("0.0.0.0/0")});
  c.pub.set_network_acl(acl);
  return acl;
}

TEST(FlowLogWriter, PingAllowedInButReplyDeniedOutIsAcceptThenReject) {
  // AWS's example: the group admits ICMP, the ACL admits it inbound but not outbound.
  ClassicVpc c;
  icmp_out_denied(c);
  FlowLogWriter& logs = c.cloud.enable_flow_logs({.epoch = 1432917000});  // windows cut Unix minutes: 1432916940, ...
  EniFlowLog& web = logs.watch(*c.web, "eni-1235b8ca123456789");
  node::Ping& ping = c.ext->add_application<vpcsim::node::Ping>(pings("198.51.100.10", 4));
  c.net.run_for(10 * core::kSecond);
  EXPECT_TRUE(ping.replies().empty());
  EXPECT_THAT(lines_of(web), ::testing::ElementsAre(
      "2 123456789012 eni-1235b8ca123456789 203.0.113.10 10.0.1.10 0 0 1 4 336 1432917000 1432917003 ACCEPT OK",
      "2 123456789012 eni-1235b8ca123456789 10.0.1.10 203.0.113.10 0 0 1 4 336 1432917000 1432917003 REJECT OK"));
}

TEST(FlowLogWriter, PingAllowedBothWaysIsTwoAccepts) {
  ClassicVpc c;
  EniFlowLog& web = c.cloud.enable_flow_logs().watch(*c.web);
  node::Ping& ping = c.ext->add_application<vpcsim::node::Ping>(pings("198.51.100.10", 2));
  c.net.run_for(5 * core::kSecond);
  EXPECT_EQ(ping.replies().size(), 2u);
  const auto records = web.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].action, io::FlowLogAction::accept);
  EXPECT_EQ(records[0].srcaddr, A("203.0.113.10"));
  EXPECT_EQ(records[1].action, io::FlowLogAction::accept);
  EXPECT_EQ(records[1].srcaddr, A("10.0.1.10"));
  EXPECT_EQ(records[1].packets, 2u);
  EXPECT_EQ(records[1].bytes, 168u);
}

TEST(FlowLogWriter, SecurityGroupDenyIsOneRejectAndNoReply) {
  ClassicVpc c;  // db-sg admits only tcp 5432 from web-sg
  FlowLogWriter& logs = c.cloud.enable_flow_logs();
  EniFlowLog& db = logs.watch(*c.db);
  EniFlowLog& web = logs.watch(*c.web);
  c.web->add_application<vpcsim::node::Ping>(pings("10.0.2.10", 3));
  c.net.run_for(5 * core::kSecond);
  const auto at_db = db.records();
  ASSERT_EQ(at_db.size(), 1u);
  EXPECT_EQ(at_db[0].action, io::FlowLogAction::reject);
  EXPECT_EQ(at_db[0].packets, 3u);
  EXPECT_EQ(at_db[0].dstaddr, A("10.0.2.10"));
  const auto at_web = web.records();  // the sender's side let it go
  ASSERT_EQ(at_web.size(), 1u);
  EXPECT_EQ(at_web[0].action, io::FlowLogAction::accept);
}

TEST(FlowLogWriter, InboundAclDenyIsARejectAtTheDestinationInterface) {
  ClassicVpc c;
  NetworkAcl& closed = c.vpc.add_network_acl("closed");  // denies everything both ways
  c.priv.set_network_acl(closed);
  c.db_sg.add_ingress(testing::from_cidr(traffic("icmp"), "10.0.0.0/16"));
  EniFlowLog& db = c.cloud.enable_flow_logs().watch(*c.db);
  c.web->add_application<vpcsim::node::Ping>(pings("10.0.2.10", 2));
  c.net.run_for(5 * core::kSecond);
  EXPECT_THAT(lines_of(db), ::testing::ElementsAre(HasSubstr("10.0.1.10 10.0.2.10 0 0 1 2 168 0 1 REJECT OK")));
}

TEST(FlowLogWriter, OutboundSecurityGroupDenyIsAReject) {
  ClassicVpc c;
  SecurityGroup& mute = c.vpc.add_security_group("mute");
  mute.clear_egress();
  Instance& quiet = c.vpc.add_instance("quiet", c.pub, {.security_groups = {"mute"}});
  EniFlowLog& log = c.cloud.enable_flow_logs().watch(quiet);
  quiet.add_application<vpcsim::node::Ping>(pings("10.0.1.10", 1));
  c.net.run_for(2 * core::kSecond);
  EXPECT_THAT(lines_of(log), ::testing::ElementsAre(HasSubstr(" 1 1 84 0 0 REJECT OK")));
}

TEST(FlowLogWriter, TcpConversationBothDirectionsAccepted) {
  ClassicVpc c;
  c.web->add_application<vpcsim::node::TcpServer>({80, "hello"});
  EniFlowLog& web = c.cloud.enable_flow_logs().watch(*c.web);
  node::TcpClientConfig get;
  get.destination = A("198.51.100.10");
  get.dst_port = 80;
  get.data = "GET /";
  c.ext->add_application<vpcsim::node::TcpClient>(get);
  c.net.run_for(5 * core::kSecond);
  const auto records = web.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].dstport, 80);
  EXPECT_EQ(records[0].protocol, 6);
  EXPECT_EQ(records[1].srcport, 80);
  EXPECT_EQ(records[1].dstport, records[0].srcport);
  EXPECT_GE(records[0].packets, 4u);  // SYN, ACK, data, FIN at least
  EXPECT_EQ(records[0].action, io::FlowLogAction::accept);
  EXPECT_EQ(records[1].action, io::FlowLogAction::accept);
}

TEST(FlowLogWriter, AggregatesPerWindowAndTheWindowIsConfigurable) {
  for (const core::Time window : {60 * core::kSecond, 600 * core::kSecond}) {
    ClassicVpc c;
    EniFlowLog& web = c.cloud.enable_flow_logs({.aggregation_interval = window, .epoch = 1200}).watch(*c.web);
    c.ext->add_application<vpcsim::node::Ping>(pings("198.51.100.10", 4, 30 * core::kSecond));  // at Unix 1200, 1230, 1260, 1290
    c.net.run_for(100 * core::kSecond);
    const auto records = web.records();
    if (window == 60 * core::kSecond) {
      ASSERT_EQ(records.size(), 4u);  // per window: request, reply
      EXPECT_EQ(records[0].packets, 2u);
      EXPECT_EQ(records[0].start, 1200);
      EXPECT_EQ(records[0].end, 1230);
      EXPECT_EQ(records[2].start, 1260);
      EXPECT_EQ(records[2].end, 1290);
      EXPECT_EQ(records[2].srcaddr, A("203.0.113.10"));
    } else {
      ASSERT_EQ(records.size(), 2u);
      EXPECT_EQ(records[0].packets, 4u);  // 1200..1290 is inside [1200, 1800)
      EXPECT_EQ(records[0].end, 1290);
    }
  }
}

TEST(FlowLogWriter, TrafficTypeFiltersAcceptOrReject) {
  ClassicVpc c;
  icmp_out_denied(c);
  EniFlowLog& web = c.cloud.enable_flow_logs({.traffic = FlowLogTraffic::reject}).watch(*c.web);
  c.ext->add_application<vpcsim::node::Ping>(pings("198.51.100.10", 1));
  c.net.run_for(2 * core::kSecond);
  EXPECT_THAT(lines_of(web), ::testing::ElementsAre(HasSubstr("REJECT OK")));
}

TEST(FlowLogWriter, TextHasTheHeaderAndReadsBackAsTheSameRecords) {
  ClassicVpc c;
  icmp_out_denied(c);
  FlowLogWriter& logs = c.cloud.enable_flow_logs({.epoch = 1700000000});
  logs.watch_all();
  c.ext->add_application<vpcsim::node::Ping>(pings("198.51.100.10", 3));
  c.net.run_for(5 * core::kSecond);
  const EniFlowLog& web = *logs.find("web");
  const std::string text = logs.text(web);
  EXPECT_EQ(text.substr(0, io::kFlowLogDefaultHeader.size()), io::kFlowLogDefaultHeader);
  auto reader = io::FlowLogReader::from_text(text);
  EXPECT_EQ(reader.read_all(), web.records());
  EXPECT_EQ(reader.bad_records(), 0u);
}

TEST(FlowLogWriter, DefaultInterfaceIdsAreStableAndAwsShaped) {
  const std::string id = FlowLogWriter::default_eni_id("main", "web");
  EXPECT_EQ(id, FlowLogWriter::default_eni_id("main", "web"));
  EXPECT_NE(id, FlowLogWriter::default_eni_id("main", "db"));
  EXPECT_EQ(id.size(), 4u + 17u);
  EXPECT_EQ(id.substr(0, 4), "eni-");
}

TEST(FlowLogWriter, ConfigurationErrorsNameTheCulprit) {
  ClassicVpc c;
  EXPECT_THAT(error_of([&] { c.cloud.enable_flow_logs({.aggregation_interval = 0}); }),
              HasSubstr("flow_logs: aggregation_interval: must be greater than 0"));
  FlowLogWriter& logs = c.cloud.enable_flow_logs();
  logs.watch(*c.web, "eni-web");
  EXPECT_THAT(error_of([&] { logs.watch(*c.web); }), HasSubstr("web: flow_logs: the instance's interface is logged already"));
  EXPECT_THAT(error_of([&] { logs.watch(*c.db, "eni-web"); }), HasSubstr("interface id 'eni-web' is web's already"));
  EXPECT_THAT(error_of([&] { logs.watch(*c.db, "eni bad"); }), HasSubstr("must be one word"));
  EXPECT_THAT(error_of([&] { c.cloud.enable_flow_logs({.aggregation_interval = 600 * core::kSecond}); }),
              HasSubstr("flow logs are on already"));
}

}  // namespace
}  // namespace vpcsim::cloud
