#include "libnet/wire/ipv4_interface_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <unordered_set>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {

using ::testing::HasSubstr;

Ipv4Address ip(std::string_view text) { return Ipv4Address::parse(text); }
Ipv4InterfaceAddress ifa(std::string_view text) { return Ipv4InterfaceAddress::parse(text); }

std::string parse_error(std::string_view text) {
  try {
    Ipv4InterfaceAddress::parse(text);
  } catch (const core::ParseError& e) {
    EXPECT_EQ(e.text(), text);
    return e.what();
  }
  ADD_FAILURE() << "parse(\"" << text << "\") did not throw";
  return {};
}

TEST(Ipv4InterfaceAddress, Default) {
  const Ipv4InterfaceAddress a;
  EXPECT_EQ(a.address(), Ipv4Address());
  EXPECT_EQ(a.prefix_length(), 0);
  EXPECT_EQ(a.to_string(), "0.0.0.0/0");
}

TEST(Ipv4InterfaceAddress, KeepsHostBits) {
  const Ipv4InterfaceAddress a = ifa("10.0.1.10/24");
  EXPECT_EQ(a.address(), ip("10.0.1.10"));
  EXPECT_EQ(a.prefix_length(), 24);
  EXPECT_EQ(a.subnet(), Ipv4Prefix::parse("10.0.1.0/24"));
  EXPECT_EQ(a.netmask(), ip("255.255.255.0"));
  EXPECT_EQ(a.broadcast(), ip("10.0.1.255"));
  EXPECT_EQ(a.to_string(), "10.0.1.10/24");
  EXPECT_EQ(a, Ipv4InterfaceAddress(ip("10.0.1.10"), 24));
  EXPECT_TRUE(a.is_on_link(ip("10.0.1.1")));
  EXPECT_TRUE(a.is_on_link(ip("10.0.1.255")));
  EXPECT_FALSE(a.is_on_link(ip("10.0.2.1")));
}

TEST(Ipv4InterfaceAddress, EdgeLengths) {
  const Ipv4InterfaceAddress host = ifa("192.0.2.7/32");
  EXPECT_EQ(host.subnet(), Ipv4Prefix::parse("192.0.2.7/32"));
  EXPECT_EQ(host.broadcast(), ip("192.0.2.7"));
  EXPECT_TRUE(host.is_on_link(ip("192.0.2.7")));
  EXPECT_FALSE(host.is_on_link(ip("192.0.2.6")));

  const Ipv4InterfaceAddress p2p = ifa("192.0.2.7/31");
  EXPECT_EQ(p2p.subnet(), Ipv4Prefix::parse("192.0.2.6/31"));
  EXPECT_EQ(p2p.broadcast(), ip("192.0.2.7"));
  EXPECT_TRUE(p2p.is_on_link(ip("192.0.2.6")));

  const Ipv4InterfaceAddress any = ifa("198.51.100.9/0");
  EXPECT_EQ(any.subnet(), Ipv4Prefix());
  EXPECT_EQ(any.netmask(), ip("0.0.0.0"));
  EXPECT_EQ(any.broadcast(), ip("255.255.255.255"));
  EXPECT_TRUE(any.is_on_link(ip("8.8.8.8")));

  // A network address or a broadcast address is a legal interface address text.
  EXPECT_EQ(ifa("10.0.0.0/24").address(), ip("10.0.0.0"));
  EXPECT_EQ(ifa("10.0.0.255/24").address(), ip("10.0.0.255"));
}

TEST(Ipv4InterfaceAddress, RoundTripsThroughText) {
  std::uint32_t x = 987654321;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1664525u + 1013904223u;
    const Ipv4InterfaceAddress a(Ipv4Address(x), static_cast<int>(x % 33));
    ASSERT_EQ(ifa(a.to_string()), a) << a;
  }
}

TEST(Ipv4InterfaceAddress, ConstructorRejectsBadLengths) {
  try {
    Ipv4InterfaceAddress(ip("10.0.0.1"), 33);
    ADD_FAILURE() << "no throw";
  } catch (const core::ParseError& e) {
    EXPECT_STREQ(e.what(), "invalid IPv4 interface address '10.0.0.1/33': prefix length 33 is greater than 32");
  }
  try {
    Ipv4InterfaceAddress(ip("10.0.0.1"), -1);
    ADD_FAILURE() << "no throw";
  } catch (const core::ParseError& e) {
    EXPECT_STREQ(e.what(), "invalid IPv4 interface address '10.0.0.1/-1': prefix length -1 is negative");
  }
}

TEST(Ipv4InterfaceAddress, ErrorMessagesNameTheTextAndTheProblem) {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "the text is empty"},
      {"10.0.1.10", "the prefix length is missing: write it as 10.0.1.10/N"},
      {"10.0.1.10/", "the prefix length after '/' is empty"},
      {"/24", "the address before '/' is empty"},
      {"10.0.1.10/24/24", "contains more than one '/'"},
      {"10.0.1.10 /24", "whitespace at position 9 is not allowed"},
      {"10.0.1.10/33", "prefix length 33 is greater than 32"},
      {"10.0.1.10/024", "prefix length '024' has a leading zero; write 24"},
      {"10.0.1.10/255.255.255.0", "not a netmask: write /24"},
      {"10.0.1.10/abc", "prefix length 'abc' is not a decimal number"},
      {"10.0.1.300/24", "octet 300 is greater than 255"},
      {"10.0.01.10/24", "octet '01' has a leading zero"},
      {"10.0.1/24", "expected 4 octets separated by '.', found 3"},
      {"10.0..10/24", "octet 3 is empty"},
  };
  for (const Case& c : cases) {
    const std::string what = parse_error(c.text);
    EXPECT_THAT(what, HasSubstr(std::string("invalid IPv4 interface address '") + c.text + "': ")) << c.text;
    EXPECT_THAT(what, HasSubstr(c.reason)) << c.text;
  }
}

TEST(Ipv4InterfaceAddress, TryParse) {
  std::string reason;
  EXPECT_EQ(Ipv4InterfaceAddress::try_parse("10.0.1.10/24", &reason), ifa("10.0.1.10/24"));
  EXPECT_EQ(Ipv4InterfaceAddress::try_parse("10.0.1.10", &reason), std::nullopt);
  EXPECT_EQ(reason, "the prefix length is missing: write it as 10.0.1.10/N");
}

TEST(Ipv4InterfaceAddress, OrderHashAndPrint) {
  EXPECT_LT(ifa("10.0.0.1/24"), ifa("10.0.0.2/8"));
  EXPECT_LT(ifa("10.0.0.1/8"), ifa("10.0.0.1/24"));
  EXPECT_NE(ifa("10.0.0.1/8"), ifa("10.0.0.1/24"));
  const std::set<Ipv4InterfaceAddress> sorted{ifa("10.0.0.10/24"), ifa("10.0.0.2/24")};
  EXPECT_EQ(sorted.begin()->to_string(), "10.0.0.2/24");
  std::unordered_set<Ipv4InterfaceAddress> set{ifa("10.0.0.1/24"), ifa("10.0.0.1/25"), ifa("10.0.0.1/24")};
  EXPECT_EQ(set.size(), 2u);
  std::ostringstream os;
  os << ifa("10.0.1.10/24");
  EXPECT_EQ(os.str(), "10.0.1.10/24");
}

}  // namespace
}  // namespace vpcsim::wire
