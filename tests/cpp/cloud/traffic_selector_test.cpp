#include "libnet/cloud/traffic_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "libnet/core/error.h"
#include "rule_builders.h"
#include "summaries.h"

namespace vpcsim::cloud {
namespace {

using ::testing::HasSubstr;
using summaries::icmp;
using summaries::other;
using summaries::tcp;
using summaries::udp;

const std::string kObject = "web-sg";
const std::string kField = "ingress rule 1";

RuleProtocol protocol(std::string_view text) { return RuleProtocol::parse(text, kObject, kField); }
RulePorts ports(std::string_view text) { return RulePorts::parse(text, kObject, kField); }
TrafficSelector selector(std::string_view proto, std::string_view port_text = "") {
  return TrafficSelector{protocol(proto), ports(port_text)};
}

// The ConfigError message a parse or validate throws, or "" when it throws nothing.
using testing::error_of;

TEST(RuleProtocol, ParsesNamesAllAndNumbers) {
  EXPECT_EQ(protocol("all").number, RuleProtocol::kAll);
  EXPECT_EQ(protocol("-1").number, RuleProtocol::kAll);
  EXPECT_EQ(protocol("tcp").number, 6);
  EXPECT_EQ(protocol("UDP").number, 17);
  EXPECT_EQ(protocol("icmp").number, 1);
  EXPECT_EQ(protocol("47").number, 47);
  EXPECT_EQ(protocol("0").number, 0);
  EXPECT_EQ(protocol("255").number, 255);
}

TEST(RuleProtocol, PrintsNamesForKnownNumbers) {
  EXPECT_EQ(protocol("-1").to_string(), "all");
  EXPECT_EQ(protocol("6").to_string(), "tcp");  // AWS treats 6 and tcp alike
  EXPECT_EQ(protocol("17").to_string(), "udp");
  EXPECT_EQ(protocol("1").to_string(), "icmp");
  EXPECT_EQ(protocol("47").to_string(), "47");
}

TEST(RuleProtocol, RejectsUnknownNamesAndOutOfRangeNumbers) {
  EXPECT_EQ(error_of([] { protocol("gre"); }),
            "web-sg: ingress rule 1: 'gre' is not a protocol: use all (-1), tcp, udp, icmp or a number 0-255");
  EXPECT_THAT(error_of([] { protocol("256"); }), HasSubstr("'256' is not a protocol"));
  EXPECT_THAT(error_of([] { protocol("-2"); }), HasSubstr("'-2' is not a protocol"));
  EXPECT_THAT(error_of([] { protocol(""); }), HasSubstr("'' is not a protocol"));
}

TEST(RulePorts, ParsesSinglePortsRangesAndAll) {
  EXPECT_EQ(ports("5432").from, 5432);
  EXPECT_EQ(ports("5432").to, 5432);
  EXPECT_EQ(ports("1024-65535").from, 1024);
  EXPECT_EQ(ports("1024-65535").to, 65535);
  EXPECT_EQ(ports("0").from, 0);
  EXPECT_TRUE(ports("").any());
  EXPECT_TRUE(ports("all").any());
  EXPECT_TRUE(ports("-1").any());
  EXPECT_FALSE(ports("0").any());
}

TEST(RulePorts, PrintsWhatItParsed) {
  EXPECT_EQ(ports("5432").to_string(), "5432");
  EXPECT_EQ(ports("1024-65535").to_string(), "1024-65535");
  EXPECT_EQ(ports("all").to_string(), "all");
}

TEST(RulePorts, RejectsOutOfRangeReversedAndGarbage) {
  EXPECT_EQ(error_of([] { ports("70000"); }), "web-sg: ingress rule 1: '70000': ports must be 0-65535");
  EXPECT_EQ(error_of([] { ports("80-20"); }), "web-sg: ingress rule 1: '80-20': range is reversed");
  EXPECT_THAT(error_of([] { ports("http"); }), HasSubstr("'http' is not a port or range"));
  EXPECT_THAT(error_of([] { ports("80-"); }), HasSubstr("'80-' is not a port or range"));
  EXPECT_THAT(error_of([] { ports("-80"); }), HasSubstr("'-80' is not a port or range"));
  EXPECT_THAT(error_of([] { ports("1-2-3"); }), HasSubstr("'1-2-3' is not a port or range"));
}

TEST(TrafficSelector, TcpPortRangeIsInclusiveOnThePortGiven) {
  const auto ephemeral = selector("tcp", "1024-65535");
  const auto reply = tcp("93.184.216.34", 443, "10.0.1.10", 1024);
  EXPECT_TRUE(ephemeral.matches(reply, 1024));
  EXPECT_TRUE(ephemeral.matches(reply, 65535));
  EXPECT_FALSE(ephemeral.matches(reply, 1023));
  EXPECT_FALSE(ephemeral.matches(reply, 443));
}

TEST(TrafficSelector, ProtocolMustMatch) {
  const auto dns_tcp = selector("tcp", "53");
  EXPECT_TRUE(dns_tcp.matches(tcp("10.0.1.10", 50000, "10.0.0.2", 53), 53));
  EXPECT_FALSE(dns_tcp.matches(udp("10.0.1.10", 50000, "10.0.0.2", 53), 53));
  EXPECT_TRUE(selector("udp", "53").matches(udp("10.0.1.10", 50000, "10.0.0.2", 53), 53));
  EXPECT_TRUE(selector("tcp").matches(tcp("10.0.1.10", 50000, "10.0.0.2", 9), 9));
}

TEST(TrafficSelector, AllMatchesEveryProtocolAndPort) {
  const auto all = selector("all");
  EXPECT_TRUE(all.matches(tcp("10.0.1.10", 1, "10.0.2.10", 65535), 65535));
  EXPECT_TRUE(all.matches(udp("10.0.1.10", 1, "10.0.2.10", 0), 0));
  EXPECT_TRUE(all.matches(icmp("10.0.1.10", "10.0.2.10", 8), 0));
  EXPECT_TRUE(all.matches(other(47, "10.0.1.10", "10.0.2.10"), 0));
}

TEST(TrafficSelector, ProtocolNumbersMatchThatProtocolOnly) {
  const auto gre = selector("47");
  EXPECT_TRUE(gre.matches(other(47, "10.0.1.10", "10.0.2.10"), 0));
  EXPECT_FALSE(gre.matches(other(50, "10.0.1.10", "10.0.2.10"), 0));
  EXPECT_FALSE(gre.matches(tcp("10.0.1.10", 1, "10.0.2.10", 2), 2));
  EXPECT_TRUE(selector("6", "22").matches(tcp("10.0.1.10", 40000, "10.0.2.10", 22), 22));
}

TEST(TrafficSelector, IcmpPortsAreTypeAndCode) {
  const auto echo_request = TrafficSelector{protocol("icmp"), RulePorts{8, -1}};
  EXPECT_TRUE(echo_request.matches(icmp("10.0.1.10", "10.0.2.10", 8), 0));
  EXPECT_FALSE(echo_request.matches(icmp("10.0.2.10", "10.0.1.10", 0), 0));
  EXPECT_FALSE(echo_request.matches(tcp("10.0.1.10", 8, "10.0.2.10", 8), 8));

  const auto frag_needed = TrafficSelector{protocol("icmp"), RulePorts{3, 4}};
  EXPECT_TRUE(frag_needed.matches(icmp("10.0.1.1", "10.0.1.10", 3, 4), 0));
  EXPECT_FALSE(frag_needed.matches(icmp("10.0.1.1", "10.0.1.10", 3, 1), 0));
  EXPECT_FALSE(frag_needed.matches(icmp("10.0.1.1", "10.0.1.10", 11, 4), 0));

  const auto any_icmp = selector("icmp");
  EXPECT_TRUE(any_icmp.matches(icmp("10.0.1.1", "10.0.1.10", 11, 0), 0));
  EXPECT_TRUE(any_icmp.matches(icmp("10.0.1.1", "10.0.1.10", 3, 13), 0));
  EXPECT_FALSE(any_icmp.matches(udp("10.0.1.1", 1, "10.0.1.10", 2), 2));
}

TEST(TrafficSelector, ValidateAcceptsWhatAwsAccepts) {
  for (const auto& s : {selector("all"), selector("tcp", "22"), selector("udp", "0-65535"), selector("47"),
                        TrafficSelector{protocol("icmp"), RulePorts{8, -1}},
                        TrafficSelector{protocol("icmp"), RulePorts{3, 4}}, selector("icmp")}) {
    EXPECT_EQ(error_of([&] { s.validate(kObject, kField); }), "") << s.to_string();
  }
}

TEST(TrafficSelector, ValidateRejectsPortsWithoutMeaning) {
  EXPECT_EQ(error_of([] { selector("all", "80").validate(kObject, kField); }),
            "web-sg: ingress rule 1: ports 80 given for protocol all, which has no ports (only tcp and udp do; "
            "icmp takes a type and code)");
  EXPECT_THAT(error_of([] { selector("47", "1-2").validate(kObject, kField); }),
              HasSubstr("ports 1-2 given for protocol 47"));
  EXPECT_THAT(error_of([] { TrafficSelector{protocol("tcp"), RulePorts{80, 20}}.validate(kObject, kField); }),
              HasSubstr("port range 80-20 is reversed"));
  EXPECT_THAT(error_of([] { TrafficSelector{protocol("udp"), RulePorts{0, 70000}}.validate(kObject, kField); }),
              HasSubstr("port range 0-70000: ports must be 0-65535"));
  EXPECT_THAT(error_of([] { TrafficSelector{protocol("tcp"), RulePorts{-1, 80}}.validate(kObject, kField); }),
              HasSubstr("ports must be 0-65535"));
  EXPECT_THAT(error_of([] { TrafficSelector{protocol("icmp"), RulePorts{-1, 4}}.validate(kObject, kField); }),
              HasSubstr("icmp code 4 needs a type"));
  EXPECT_THAT(error_of([] { TrafficSelector{protocol("icmp"), RulePorts{300, -1}}.validate(kObject, kField); }),
              HasSubstr("type and code must be -1 (any) or 0-255"));
  EXPECT_THAT(error_of([] { TrafficSelector{RuleProtocol{300}, RulePorts{}}.validate(kObject, kField); }),
              HasSubstr("protocol 300 is not -1 (all) or 0-255"));
}

TEST(TrafficSelector, PrintsAsAwsConsoleReadsIt) {
  EXPECT_EQ(selector("tcp", "5432").to_string(), "tcp 5432");
  EXPECT_EQ(selector("tcp", "1024-65535").to_string(), "tcp 1024-65535");
  EXPECT_EQ(selector("udp").to_string(), "udp all ports");
  EXPECT_EQ(selector("all").to_string(), "all traffic");
  EXPECT_EQ(selector("47").to_string(), "protocol 47");
  EXPECT_EQ((TrafficSelector{protocol("icmp"), RulePorts{8, -1}}.to_string()), "icmp type 8");
  EXPECT_EQ((TrafficSelector{protocol("icmp"), RulePorts{3, 4}}.to_string()), "icmp type 3 code 4");
  EXPECT_EQ(selector("icmp").to_string(), "icmp all types");
}

}  // namespace
}  // namespace vpcsim::cloud
