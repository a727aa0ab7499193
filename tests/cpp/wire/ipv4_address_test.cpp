#include "libnet/wire/ipv4_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_set>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {

using ::testing::HasSubstr;

static_assert(std::is_trivially_copyable_v<Ipv4Address>);
static_assert(sizeof(Ipv4Address) == 4);
static_assert(Ipv4Address::from_octets(10, 0, 1, 10).to_u32() == 0x0a00010a);
static_assert(Ipv4Address().is_unspecified());
static_assert(Ipv4Address(0xffffffff).is_limited_broadcast());
static_assert(Ipv4Address::from_octets(192, 168, 1, 1).is_private());

std::string parse_error(std::string_view text) {
  try {
    Ipv4Address::parse(text);
  } catch (const core::ParseError& e) {
    EXPECT_EQ(e.text(), text);
    return e.what();
  }
  ADD_FAILURE() << "parse(\"" << text << "\") did not throw";
  return {};
}

Ipv4Address ip(std::string_view text) { return Ipv4Address::parse(text); }

TEST(Ipv4Address, DefaultIsUnspecified) {
  EXPECT_EQ(Ipv4Address().to_u32(), 0u);
  EXPECT_EQ(Ipv4Address().to_string(), "0.0.0.0");
}

TEST(Ipv4Address, ParsesDottedDecimal) {
  EXPECT_EQ(ip("10.0.1.10"), Ipv4Address(0x0a00010a));
  EXPECT_EQ(ip("0.0.0.0"), Ipv4Address(0));
  EXPECT_EQ(ip("255.255.255.255"), Ipv4Address(0xffffffff));
  EXPECT_EQ(ip("192.168.100.1"), Ipv4Address::from_octets(192, 168, 100, 1));
  EXPECT_EQ(ip("1.2.3.4").octet(0), 1);
  EXPECT_EQ(ip("1.2.3.4").octet(3), 4);
}

TEST(Ipv4Address, RoundTripsThroughText) {
  for (std::uint32_t v : {0u, 1u, 0x0a00010au, 0x7f000001u, 0xc0a80001u, 0xfffffffeu, 0xffffffffu, 0x80000000u,
                          0x01020304u, 0x0a0a0a0au, 0x64646464u}) {
    const Ipv4Address a(v);
    EXPECT_EQ(ip(a.to_string()), a) << a;
  }
  // Every octet value in every position, including the 1-, 2- and 3-digit forms.
  for (std::uint32_t b = 0; b < 256; ++b) {
    for (int pos = 0; pos < 4; ++pos) {
      const Ipv4Address a(b << (8 * pos));
      ASSERT_EQ(ip(a.to_string()), a) << a;
    }
  }
  // A scatter of values (a fixed LCG: deterministic).
  std::uint32_t x = 12345;
  for (int i = 0; i < 10000; ++i) {
    x = x * 1664525u + 1013904223u;
    const Ipv4Address a(x);
    ASSERT_EQ(ip(a.to_string()), a) << a;
  }
}

TEST(Ipv4Address, PrintsDottedDecimal) {
  EXPECT_EQ(Ipv4Address(0x0a00010a).to_string(), "10.0.1.10");
  EXPECT_EQ(Ipv4Address::from_octets(203, 0, 113, 255).to_string(), "203.0.113.255");
  std::ostringstream os;
  os << ip("198.51.100.7");
  EXPECT_EQ(os.str(), "198.51.100.7");
}

TEST(Ipv4Address, BytesAreNetworkOrder) {
  const std::uint8_t packet[6] = {0xee, 10, 0, 1, 10, 0xee};
  const Ipv4Address a = Ipv4Address::from_bytes(packet + 1);
  EXPECT_EQ(a, ip("10.0.1.10"));
  EXPECT_EQ(a.to_u32(), 0x0a00010au);
  std::uint8_t out[6] = {0x11, 0, 0, 0, 0, 0x22};
  ip("192.0.2.200").write_to(out + 1);
  EXPECT_EQ(out[0], 0x11);
  EXPECT_EQ(out[1], 192);
  EXPECT_EQ(out[2], 0);
  EXPECT_EQ(out[3], 2);
  EXPECT_EQ(out[4], 200);
  EXPECT_EQ(out[5], 0x22);
}

TEST(Ipv4Address, Predicates) {
  EXPECT_TRUE(ip("0.0.0.0").is_unspecified());
  EXPECT_FALSE(ip("0.0.0.1").is_unspecified());

  EXPECT_TRUE(ip("255.255.255.255").is_limited_broadcast());
  EXPECT_FALSE(ip("10.0.0.255").is_limited_broadcast());

  EXPECT_TRUE(ip("224.0.0.0").is_multicast());
  EXPECT_TRUE(ip("224.0.0.251").is_multicast());
  EXPECT_TRUE(ip("239.255.255.255").is_multicast());
  EXPECT_FALSE(ip("223.255.255.255").is_multicast());
  EXPECT_FALSE(ip("240.0.0.0").is_multicast());
  EXPECT_FALSE(ip("255.255.255.255").is_multicast());

  EXPECT_TRUE(ip("127.0.0.1").is_loopback());
  EXPECT_TRUE(ip("127.255.255.255").is_loopback());
  EXPECT_FALSE(ip("126.255.255.255").is_loopback());
  EXPECT_FALSE(ip("128.0.0.0").is_loopback());

  for (const char* p : {"10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0",
                        "192.168.255.255"}) {
    EXPECT_TRUE(ip(p).is_private()) << p;
  }
  for (const char* p : {"9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
                        "192.169.0.0", "100.64.0.1", "8.8.8.8", "169.254.0.1", "127.0.0.1"}) {
    EXPECT_FALSE(ip(p).is_private()) << p;
  }

  EXPECT_TRUE(ip("169.254.0.0").is_link_local());
  EXPECT_TRUE(ip("169.254.169.254").is_link_local());  // the cloud metadata address
  EXPECT_TRUE(ip("169.254.255.255").is_link_local());
  EXPECT_FALSE(ip("169.253.255.255").is_link_local());
  EXPECT_FALSE(ip("169.255.0.0").is_link_local());

  for (const char* p : {"192.0.2.0", "192.0.2.255", "198.51.100.0", "198.51.100.255", "203.0.113.0",
                        "203.0.113.255"}) {
    EXPECT_TRUE(ip(p).is_documentation()) << p;
  }
  for (const char* p : {"192.0.1.255", "192.0.3.0", "198.51.99.255", "198.51.101.0", "203.0.112.255",
                        "203.0.114.0", "10.0.0.1"}) {
    EXPECT_FALSE(ip(p).is_documentation()) << p;
  }
}

TEST(Ipv4Address, OrderIsNumeric) {
  EXPECT_LT(ip("10.0.0.2"), ip("10.0.0.10"));
  EXPECT_LT(ip("9.255.255.255"), ip("10.0.0.0"));
  EXPECT_LT(ip("127.0.0.1"), ip("128.0.0.0"));  // unsigned, not signed
  EXPECT_GT(ip("255.0.0.0"), ip("1.0.0.0"));
  const std::set<Ipv4Address> sorted{ip("10.0.0.10"), ip("10.0.0.2"), ip("192.168.0.1"), ip("2.0.0.0")};
  std::string joined;
  for (const Ipv4Address& a : sorted) joined += a.to_string() + " ";
  EXPECT_EQ(joined, "2.0.0.0 10.0.0.2 10.0.0.10 192.168.0.1 ");
}

TEST(Ipv4Address, Hashes) {
  std::unordered_set<Ipv4Address> set;
  for (std::uint32_t i = 0; i < 1000; ++i) set.insert(Ipv4Address(0x0a000000u + i));
  set.insert(ip("10.0.0.0"));
  EXPECT_EQ(set.size(), 1000u);
  EXPECT_TRUE(set.contains(ip("10.0.3.231")));
  EXPECT_FALSE(set.contains(ip("10.0.3.232")));
}

TEST(Ipv4Address, ErrorMessagesNameTheTextAndTheProblem) {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "the text is empty"},
      {" 10.0.0.1", "whitespace at position 0 is not allowed"},
      {"10.0.0.1 ", "whitespace at position 8 is not allowed"},
      {"10.0. 0.1", "whitespace at position 5"},
      {"10.0.0.1\n", "whitespace at position 8"},
      {"10.0.0", "expected 4 octets separated by '.', found 3 (shorthand forms like 10.1 are not accepted)"},
      {"10", "found 1"},
      {"10.1", "found 2"},
      {"10.0.0.1.5", "expected 4 octets separated by '.', found 5"},
      {"10.0.0.1.", "found 5"},
      {"10..0.1", "octet 2 is empty"},
      {".10.0.1", "octet 1 is empty"},
      {"10.0.0.", "octet 4 is empty"},
      {"...", "octet 1 is empty"},
      {"10.0.0.300", "octet 300 is greater than 255"},
      {"256.0.0.0", "octet 256 is greater than 255"},
      {"10.0.0.1000", "octet 1000 is greater than 255"},
      {"10.0.0.99999999999999999999", "octet 99999999999999999999 is greater than 255"},
      {"010.0.0.1", "octet '010' has a leading zero, which is ambiguous (some parsers read it as octal); write 10"},
      {"10.0.0.00", "octet '00' has a leading zero"},
      {"10.0.0.01", "octet '01' has a leading zero"},
      {"10.0.0.0300", "octet '0300' has a leading zero"},
      {"10.0.a.1", "octet 3 'a' is not a decimal number"},
      {"10.0.-1.1", "octet 3 '-1' is not a decimal number"},
      {"10.0.+1.1", "octet 3 '+1' is not a decimal number"},
      {"10.0.0.0x1", "octet 4 '0x1' is not a decimal number"},
      {"localhost", "found 1"},
      {"10.0.0.1/24", "an address has no '/'"},
      {"::1", "contains ':'"},
      {"10.0.0.1:80", "contains ':'"},
  };
  for (const Case& c : cases) {
    const std::string what = parse_error(c.text);
    EXPECT_THAT(what, HasSubstr(std::string("invalid IPv4 address '") + c.text + "': ")) << c.text;
    EXPECT_THAT(what, HasSubstr(c.reason)) << c.text;
  }
  EXPECT_EQ(parse_error("10.0.0.300"), "invalid IPv4 address '10.0.0.300': octet 300 is greater than 255");
}

TEST(Ipv4Address, TryParseReturnsReasonInsteadOfThrowing) {
  std::string reason;
  EXPECT_EQ(Ipv4Address::try_parse("10.0.0.1", &reason), ip("10.0.0.1"));
  EXPECT_EQ(Ipv4Address::try_parse("10.0.0.256", &reason), std::nullopt);
  EXPECT_EQ(reason, "octet 256 is greater than 255");
  EXPECT_EQ(Ipv4Address::try_parse("x"), std::nullopt);
}

}  // namespace
}  // namespace vpcsim::wire
