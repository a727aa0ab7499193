// The stub resolver against a DNS server (libnet/node/stub_resolver.h, dns_server.h, resolving.h):
// answers, CNAMEs, NXDOMAIN, glibc's timeouts and search order, a ping aimed at a name.
#include "libnet/node/stub_resolver.h"

#include <gtest/gtest.h>

#include "libnet/core/error.h"
#include "libnet/node/dns_server.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/resolving.h"
#include "libnet/node/switch.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::node {
namespace {

using wire::Ipv4Address;

struct Lan {
  Network net{1};
  Host& client = net.add_host("client");
  Host& ns = net.add_host("ns");
  Host& db = net.add_host("db");
  Switch& sw = net.add_switch("sw");
  Lan() {
    client.add_interface("eth0", "10.0.1.10/24");
    ns.add_interface("eth0", "10.0.1.53/24");
    db.add_interface("eth0", "10.0.1.20/24");
    net.connect("client.eth0", "sw");
    net.connect("ns.eth0", "sw");
    net.connect("db.eth0", "sw");
  }
  DnsServer& serve() {
    DnsZone zone{"example.internal", {}};
    for (const char* line : {"db A 10.0.1.20", "www CNAME db", "api CNAME www"})
      zone.records.push_back(parse_zone_record(line, zone.origin));
    DnsZone corp{"corp.internal", {parse_zone_record("printer A 10.0.1.30", "corp.internal")}};
    return ns.add_application<DnsServer>({53, {zone, corp}, {}, 2 * core::kSecond});
  }
  StubResolver& resolver(std::vector<std::string> search = {}) {
    StubResolverConfig c;
    c.nameservers = {Ipv4Address::parse("10.0.1.53")};
    c.search = std::move(search);
    c.hosts = {{"gw.local", Ipv4Address::parse("10.0.1.1")}};
    return client.add_application<StubResolver>(c);
  }
};

struct Recorder : LookupHandler {
  std::vector<LookupResult> results;
  void on_lookup(IpNode&, const LookupResult& r) override { results.push_back(r); }
};

TEST(StubResolver, FollowsACnameChainToTheAddress) {
  Lan lan;
  DnsServer& server = lan.serve();
  StubResolver& resolver = lan.resolver();
  Recorder recorder;
  resolver.lookup("api.example.internal", &recorder);
  lan.net.run();
  ASSERT_EQ(recorder.results.size(), 1u);
  const LookupResult& r = recorder.results[0];
  EXPECT_EQ(r.status, LookupStatus::found);
  EXPECT_EQ(r.address, Ipv4Address::parse("10.0.1.20"));
  EXPECT_EQ(r.canonical_name, "db.example.internal");
  EXPECT_EQ(r.queries.size(), 1u);
  ASSERT_EQ(server.log().size(), 1u);
  EXPECT_EQ(server.log()[0].answer,
            "api.example.internal. 300 IN CNAME www.example.internal.; www.example.internal. 300 IN CNAME "
            "db.example.internal.; db.example.internal. 300 IN A 10.0.1.20");
}

TEST(StubResolver, SearchDomainsBeforeTheBareNameBelowNdots) {
  Lan lan;
  DnsServer& server = lan.serve();
  StubResolver& resolver = lan.resolver({"corp.internal", "example.internal"});
  Recorder recorder;
  resolver.lookup("db", &recorder);
  lan.net.run();
  ASSERT_EQ(recorder.results.size(), 1u);
  EXPECT_EQ(recorder.results[0].status, LookupStatus::found);
  // db.corp.internal: NXDOMAIN, then db.example.internal answers; the bare "db" is never asked.
  std::vector<std::string> asked;
  for (const auto& e : server.log()) asked.push_back(e.name);
  EXPECT_EQ(asked, (std::vector<std::string>{"db.corp.internal", "db.example.internal"}));
  EXPECT_EQ(recorder.results[0].address, Ipv4Address::parse("10.0.1.20"));
}

TEST(StubResolver, NxdomainOnEveryNameIsNotFound) {
  Lan lan;
  DnsServer& server = lan.serve();
  StubResolver& resolver = lan.resolver({"example.internal"});
  Recorder recorder;
  resolver.lookup("cache.example.internal", &recorder);
  lan.net.run();
  ASSERT_EQ(recorder.results.size(), 1u);
  EXPECT_EQ(recorder.results[0].status, LookupStatus::not_found);
  EXPECT_EQ(recorder.results[0].rcode, 3);
  // One dot: as it is first, then with the search domain; both NXDOMAIN.
  ASSERT_EQ(server.log().size(), 2u);
  EXPECT_EQ(server.log()[1].name, "cache.example.internal.example.internal");
}

TEST(StubResolver, RefusedEndsTheSearchAsTryAgain) {
  Lan lan;
  DnsServer& server = lan.serve();
  StubResolver& resolver = lan.resolver({"example.internal"});
  Recorder recorder;
  resolver.lookup("cache", &recorder);
  lan.net.run();
  ASSERT_EQ(recorder.results.size(), 1u);
  // cache.example.internal: NXDOMAIN; then "cache" as it is, outside the zones of a server that
  // does not recurse: REFUSED on both attempts, which res_nsearch reports as TRY_AGAIN.
  EXPECT_EQ(recorder.results[0].status, LookupStatus::failure);
  ASSERT_EQ(server.log().size(), 3u);
  EXPECT_EQ(server.log()[2].rcode, 5);
}

TEST(StubResolver, NoAnswerMeansTwoQueriesFiveSecondsApart) {
  Lan lan;  // ns runs no server, and its port unreachable goes into a blackhole: silence
  lan.ns.add_special_route(wire::Ipv4Prefix::parse("10.0.1.10/32"), stack::RouteType::blackhole);
  StubResolverConfig c;
  c.nameservers = {Ipv4Address::parse("10.0.1.53")};
  StubResolver& resolver = lan.client.add_application<StubResolver>(c);
  Recorder recorder;
  resolver.lookup("db.example.internal", &recorder);
  lan.net.run();
  ASSERT_EQ(recorder.results.size(), 1u);
  const LookupResult& r = recorder.results[0];
  EXPECT_EQ(r.status, LookupStatus::timeout);
  ASSERT_EQ(r.queries.size(), 2u);
  EXPECT_EQ(r.queries[1].sent_at - r.queries[0].sent_at, 5 * core::kSecond);
  EXPECT_EQ(r.finished_at - r.started_at, 10 * core::kSecond);
}

TEST(StubResolver, ThreeServersShareTheTimeoutAsSendDgDoes) {
  Lan lan;
  Host& other = lan.net.add_host("other");
  other.add_interface("eth0", "10.0.1.30/24");
  lan.net.connect("other.eth0", "sw");
  for (Host* h : {&lan.ns, &lan.db, &other})
    h->add_special_route(wire::Ipv4Prefix::parse("10.0.1.10/32"), stack::RouteType::blackhole);
  StubResolverConfig c;
  c.nameservers = {Ipv4Address::parse("10.0.1.53"), Ipv4Address::parse("10.0.1.20"), Ipv4Address::parse("10.0.1.30")};
  StubResolver& resolver = lan.client.add_application<StubResolver>(c);
  resolver.lookup("db.example.internal", nullptr);
  lan.net.run();
  const auto& q = resolver.lookups()[0].queries;
  ASSERT_EQ(q.size(), 6u);
  // 5 s, (5 << 1) / 3 = 3 s, (5 << 2) / 3 = 6 s, and the same again.
  EXPECT_EQ(q[1].sent_at - q[0].sent_at, 5 * core::kSecond);
  EXPECT_EQ(q[2].sent_at - q[1].sent_at, 3 * core::kSecond);
  EXPECT_EQ(q[3].sent_at - q[2].sent_at, 6 * core::kSecond);
  EXPECT_EQ(resolver.lookups()[0].status, LookupStatus::timeout);
}

TEST(StubResolver, AnUnreachableServerIsAnErrorNotATimeout) {
  Lan lan;
  StubResolverConfig c;
  c.nameservers = {Ipv4Address::parse("10.0.1.99")};  // nobody: ARP fails, EHOSTUNREACH (glibc: next server)
  StubResolver& resolver = lan.client.add_application<StubResolver>(c);
  resolver.lookup("db.example.internal", nullptr);
  lan.net.run();
  const LookupResult& r = resolver.lookups()[0];
  EXPECT_EQ(r.status, LookupStatus::failure);
  ASSERT_EQ(r.queries.size(), 2u);
  EXPECT_TRUE(r.queries[0].icmp_error);
  EXPECT_LT(r.queries[1].sent_at - r.queries[0].sent_at, 5 * core::kSecond);  // ARP gave up first
}

TEST(StubResolver, HostsTableAndLiteralsNeedNoQuery) {
  Lan lan;
  StubResolver& resolver = lan.resolver();
  Recorder recorder;
  resolver.lookup("GW.local", &recorder);
  resolver.lookup("10.0.1.20", &recorder);
  ASSERT_EQ(recorder.results.size(), 2u);
  EXPECT_EQ(recorder.results[0].source, "hosts");
  EXPECT_EQ(recorder.results[0].address, Ipv4Address::parse("10.0.1.1"));
  EXPECT_EQ(recorder.results[1].source, "literal");
  EXPECT_TRUE(recorder.results[1].queries.empty());
}

TEST(Resolving, PingsTheAddressTheNameResolvedTo) {
  Lan lan;
  lan.serve();
  lan.resolver({"example.internal"});
  PingConfig ping;
  ping.count = 2;
  auto& app = lan.client.add_application<Resolving<Ping>>({"www", ping});
  lan.net.run();
  ASSERT_NE(app.app(), nullptr);
  EXPECT_EQ(app.app()->config().destination, Ipv4Address::parse("10.0.1.20"));
  EXPECT_EQ(app.outcome(), Outcome::reply);
  EXPECT_EQ(app.app()->received(), 2u);
}

TEST(Resolving, AnUnknownNameSendsNothing) {
  Lan lan;
  lan.serve();
  lan.resolver({"example.internal"});
  auto& app = lan.client.add_application<Resolving<Ping>>({"cache.example.internal", PingConfig{}});
  lan.net.run();
  EXPECT_EQ(app.app(), nullptr);
  EXPECT_EQ(app.outcome(), Outcome::name_not_found);
}

TEST(DnsServer, BadZonesAreConfigErrors) {
  Lan lan;
  DnsZone loop{"example.internal",
               {parse_zone_record("a CNAME b", "example.internal"), parse_zone_record("b CNAME a", "example.internal")}};
  EXPECT_THROW(lan.ns.add_application<DnsServer>({53, {loop}, {}, core::kSecond}), core::ConfigError);
  DnsZone outside{"example.internal", {parse_zone_record("db.other. A 10.0.0.1", "example.internal")}};
  EXPECT_THROW(lan.ns.add_application<DnsServer>({53, {outside}, {}, core::kSecond}), core::ConfigError);
  EXPECT_THROW(parse_zone_record("db MX 10 mail", "example.internal"), core::ParseError);
  EXPECT_THROW(parse_zone_record("db A 10.0.1", "example.internal"), core::ParseError);
  StubResolverConfig c;
  c.attempts = 9;
  EXPECT_THROW(lan.client.add_application<StubResolver>(c), core::ConfigError);
  EXPECT_THROW(lan.client.add_application<Resolving<Ping>>({"db", PingConfig{}}), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::node
