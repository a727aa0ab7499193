// The NLB-style load balancer (libnet/node/network_load_balancer.h): HTTP servers behind it, the
// flow-hash split, stickiness of a connection, client IP preservation by target type, health checks
// taking a target out of rotation, deregistration with draining, and configuration errors.
//
//   client 10.0.1.10 ── [lb 10.0.1.1 | 10.0.2.1] ── sw ── t1 .11, t2 .12, t3 .13 (gateway 10.0.2.1)
#include "libnet/node/network_load_balancer.h"

#include <gtest/gtest.h>

#include <map>

#include "libnet/core/error.h"
#include "libnet/node/http_client.h"
#include "libnet/node/http_server.h"
#include "libnet/node/network.h"

namespace vpcsim::node {
namespace {

using core::kMillisecond;
using core::kSecond;
using wire::Ipv4Address;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

struct NlbLab {  // SameSeedSameSplit builds a second one
  Network net{5};
  Host& client = net.add_host("client");
  NetworkLoadBalancer& lb = net.add_node<NetworkLoadBalancer>("lb");
  Switch& sw = net.add_switch("sw");
  std::vector<Host*> targets;
  std::vector<HttpServer*> servers;

  NlbLab() {
    link::LinkConfig ms{kMillisecond, 1'000'000'000, 1000};
    client.add_interface("eth0", "10.0.1.10/24");
    client.set_default_gateway(ip("10.0.1.1"));
    lb.add_interface("eth0", "10.0.1.1/24");
    lb.add_interface("eth1", "10.0.2.1/24");
    net.connect(client.interface("eth0"), lb.interface("eth0"), ms);
    net.connect(lb.interface("eth1"), sw.add_port(), ms);
    for (int i = 1; i <= 3; ++i) {
      Host& t = net.add_host("t" + std::to_string(i));
      t.add_interface("eth0", "10.0.2.1" + std::to_string(i) + "/24");
      t.set_default_gateway(ip("10.0.2.1"));
      net.connect(t.interface("eth0"), sw.add_port(), ms);
      targets.push_back(&t);
    }
  }
  void serve(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      HttpServerConfig c;
      c.routes.push_back({"/", "", 200, {}, "t" + std::to_string(i + 1), 0});
      servers.push_back(&targets[i]->add_application<HttpServer>(c));
    }
  }
  void group(LbTargetType type = LbTargetType::instance) {
    LbTargetGroupConfig g;
    g.name = "web";
    g.type = type;
    g.health.interval = 5 * kSecond;
    g.health.timeout = 2 * kSecond;
    g.health.healthy_threshold = 2;
    g.health.unhealthy_threshold = 2;
    g.deregistration_delay = 30 * kSecond;
    for (int i = 1; i <= 3; ++i) g.targets.push_back({ip(("10.0.2.1" + std::to_string(i)).c_str()), 80});
    lb.add_target_group(g);
    lb.add_listener({wire::kIpProtoTcp, 80, "web"});
  }
  HttpClient& requests(std::size_t count, bool keep_alive, core::Time start) {
    HttpClientConfig c;
    c.destination = ip("10.0.1.1");
    c.keep_alive = keep_alive;
    c.start = start;
    for (std::size_t i = 0; i < count; ++i) c.requests.push_back({"GET", "/", {}, ""});
    return client.add_application<HttpClient>(c);
  }
  std::map<std::string, int> bodies(const HttpClient& c) {
    std::map<std::string, int> out;
    for (const auto& e : c.exchanges()) ++out[e.body];
    return out;
  }
};

class NlbTest : public ::testing::Test, public NlbLab {};

TEST_F(NlbTest, ConnectionsSpreadByFlowHashAndKeepTheClientAddress) {
  serve(3);
  group();
  HttpClient& c = requests(60, false, 20 * kSecond);
  net.run_until(60 * kSecond);
  ASSERT_EQ(c.outcome(), Outcome::reply);
  const auto split = bodies(c);
  ASSERT_EQ(split.size(), 3u);  // every target served some
  for (const auto& [body, n] : split) EXPECT_GE(n, 10) << body;
  std::uint64_t flows = 0;
  for (const auto& s : lb.target_health()) {
    EXPECT_EQ(s.health, TargetHealth::healthy);
    flows += s.flows;
  }
  EXPECT_EQ(flows, 60u);
  EXPECT_EQ(lb.flow_choices().size(), 60u);
  for (HttpServer* s : servers) EXPECT_EQ(s->log().front().client, ip("10.0.1.10"));  // instance targets
}

TEST_F(NlbTest, AConnectionStaysOnItsTarget) {
  serve(3);
  group();
  HttpClient& c = requests(10, true, 20 * kSecond);
  net.run_until(60 * kSecond);
  EXPECT_EQ(c.connections(), 1u);
  EXPECT_EQ(bodies(c).size(), 1u);
}

TEST_F(NlbTest, IpTargetsSeeTheBalancersAddress) {
  serve(3);
  group(LbTargetType::ip);
  HttpClient& c = requests(6, false, 20 * kSecond);
  net.run_until(60 * kSecond);
  ASSERT_EQ(c.outcome(), Outcome::reply);
  for (HttpServer* s : servers)
    for (const auto& r : s->log()) EXPECT_EQ(r.client, ip("10.0.2.1"));
}

TEST_F(NlbTest, AFailingTargetLeavesRotation) {
  serve(2);  // t3 runs no server: its checks are refused
  group();
  HttpClient& c = requests(30, false, 30 * kSecond);
  net.run_until(80 * kSecond);
  ASSERT_EQ(c.outcome(), Outcome::reply);
  EXPECT_EQ(bodies(c).count(""), 0u);
  const auto health = lb.target_health();
  EXPECT_EQ(health[2].health, TargetHealth::unhealthy);
  EXPECT_EQ(health[2].flows, 0u);
  EXPECT_GE(health[2].checks_failed, 2u);
  // The change is recorded with its time: two failed checks, 5 s apart, from 0 s.
  bool seen = false;
  for (const auto& ch : lb.health_changes())
    if (ch.target.address == ip("10.0.2.13") && ch.to == TargetHealth::unhealthy) {
      seen = true;
      EXPECT_LT(ch.at, 10 * kSecond);
    }
  EXPECT_TRUE(seen);
}

TEST_F(NlbTest, DeregisteredTargetsDrainThenGoUnused) {
  serve(3);
  group();
  net.run_until(20 * kSecond);
  lb.deregister_target("web", {ip("10.0.2.11"), 80});
  EXPECT_EQ(lb.target_health()[0].health, TargetHealth::draining);
  HttpClient& c = requests(30, false, 21 * kSecond);
  net.run_until(45 * kSecond);
  EXPECT_EQ(bodies(c).count("t1"), 0u);
  EXPECT_EQ(lb.target_health()[0].health, TargetHealth::draining);
  net.run_until(60 * kSecond);
  EXPECT_EQ(lb.target_health()[0].health, TargetHealth::unused);
  lb.register_target("web", {ip("10.0.2.11"), 80});  // back again, from initial
  EXPECT_EQ(lb.target_health()[0].health, TargetHealth::initial);
}

TEST_F(NlbTest, NoTargetMeansTheBalancerRefuses) {
  LbTargetGroupConfig g;
  g.name = "empty";
  lb.add_target_group(g);
  lb.add_listener({wire::kIpProtoTcp, 80, "empty"});
  HttpClient& c = requests(1, true, 0);
  net.run_until(10 * kSecond);
  EXPECT_EQ(c.error(), stack::TcpError::connection_refused);
  EXPECT_EQ(lb.flows_without_target(), 1u);
}

TEST_F(NlbTest, SameSeedSameSplit) {
  serve(3);
  group();
  requests(20, false, 20 * kSecond);
  net.run_until(40 * kSecond);
  std::vector<std::string> first;
  for (const auto& ch : lb.flow_choices()) first.push_back(ch.target.address.to_string());
  NlbLab again;
  again.serve(3);
  again.group();
  again.requests(20, false, 20 * kSecond);
  again.net.run_until(40 * kSecond);
  std::vector<std::string> second;
  for (const auto& ch : again.lb.flow_choices()) second.push_back(ch.target.address.to_string());
  EXPECT_EQ(first, second);
}

TEST_F(NlbTest, BadConfigurationIsAConfigError) {
  LbTargetGroupConfig g;
  g.name = "web";
  g.health.healthy_threshold = 1;
  EXPECT_THROW(lb.add_target_group(g), core::ConfigError);
  g.health.healthy_threshold = 3;
  g.health.timeout = g.health.interval;
  EXPECT_THROW(lb.add_target_group(g), core::ConfigError);
  g.health.timeout = kSecond;
  g.targets = {{ip("10.0.2.11"), 0}};
  EXPECT_THROW(lb.add_target_group(g), core::ConfigError);
  g.targets = {{ip("10.0.2.11"), 80}};
  lb.add_target_group(g);
  EXPECT_THROW(lb.add_target_group(g), core::ConfigError);  // the name is taken
  EXPECT_THROW(lb.add_listener({wire::kIpProtoTcp, 80, "nope"}), core::ConfigError);
  EXPECT_THROW(lb.add_listener({wire::kIpProtoUdp, 80, "web"}), core::ConfigError);
  lb.add_listener({wire::kIpProtoTcp, 80, "web"});
  EXPECT_THROW(lb.add_listener({wire::kIpProtoTcp, 80, "web"}), core::ConfigError);
  EXPECT_THROW(lb.register_target("web", {ip("10.0.2.11"), 80}), core::ConfigError);
  EXPECT_THROW(lb.deregister_target("web", {ip("10.0.2.99"), 80}), core::ConfigError);
  EXPECT_THROW(lb.set_tcp_idle_timeout(10 * kSecond), core::ConfigError);
  EXPECT_EQ(lb.tcp_idle_timeout(), 350 * kSecond);
}

}  // namespace
}  // namespace vpcsim::node
