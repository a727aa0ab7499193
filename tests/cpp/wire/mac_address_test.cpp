#include "libnet/wire/mac_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
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

static_assert(std::is_trivially_copyable_v<MacAddress>);
static_assert(sizeof(MacAddress) == 6);
static_assert(MacAddress().is_zero());
static_assert(MacAddress::broadcast().is_broadcast());
static_assert(MacAddress::from_u64(0x02005e100001).to_u64() == 0x02005e100001);
static_assert(MacAddress::from_u64(0x02005e100001).is_locally_administered());

// The what() of the ParseError that parse(text) throws, or "" (and a test failure) if none.
std::string parse_error(std::string_view text) {
  try {
    MacAddress::parse(text);
  } catch (const core::ParseError& e) {
    EXPECT_EQ(e.text(), text);
    return e.what();
  }
  ADD_FAILURE() << "parse(\"" << text << "\") did not throw";
  return {};
}

TEST(MacAddress, DefaultIsZero) {
  MacAddress m;
  EXPECT_TRUE(m.is_zero());
  EXPECT_EQ(m.to_u64(), 0u);
  EXPECT_EQ(m.to_string(), "00:00:00:00:00:00");
  EXPECT_TRUE(m.is_unicast());
  EXPECT_FALSE(m.is_multicast());
}

TEST(MacAddress, ParsesColonAndDashFormsCaseInsensitively) {
  const MacAddress expected({0x02, 0x00, 0x5e, 0x10, 0x00, 0x01});
  EXPECT_EQ(MacAddress::parse("02:00:5e:10:00:01"), expected);
  EXPECT_EQ(MacAddress::parse("02:00:5E:10:00:01"), expected);
  EXPECT_EQ(MacAddress::parse("02-00-5e-10-00-01"), expected);
  EXPECT_EQ(MacAddress::parse("02-00-5E-10-00-01"), expected);
  EXPECT_EQ(MacAddress::parse("FF:ff:Ff:fF:ff:FF"), MacAddress::broadcast());
}

TEST(MacAddress, PrintsLowercaseWithColons) {
  EXPECT_EQ(MacAddress({0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45}).to_string(), "ab:cd:ef:01:23:45");
  EXPECT_EQ(MacAddress::parse("AB-CD-EF-01-23-45").to_string(), "ab:cd:ef:01:23:45");
  std::ostringstream os;
  os << MacAddress::broadcast();
  EXPECT_EQ(os.str(), "ff:ff:ff:ff:ff:ff");
}

TEST(MacAddress, RoundTripsThroughText) {
  for (std::uint64_t v : {0x000000000000ULL, 0x000000000001ULL, 0x02005e100001ULL, 0x0123456789abULL,
                          0xfedcba987654ULL, 0xffffffffffffULL, 0x800000000000ULL}) {
    const MacAddress m = MacAddress::from_u64(v);
    EXPECT_EQ(MacAddress::parse(m.to_string()), m) << m;
    EXPECT_EQ(m.to_u64(), v);
  }
  // Every byte value in every position.
  for (int b = 0; b < 256; ++b) {
    for (std::size_t pos = 0; pos < 6; ++pos) {
      std::array<std::uint8_t, 6> octets{};
      octets[pos] = static_cast<std::uint8_t>(b);
      const MacAddress m(octets);
      ASSERT_EQ(MacAddress::parse(m.to_string()), m) << m;
    }
  }
}

TEST(MacAddress, U64IsBigEndianLow48Bits) {
  const MacAddress m = MacAddress::from_u64(0x02005e100001ULL);
  EXPECT_EQ(m.octets(), (std::array<std::uint8_t, 6>{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}));
  // Bits above 48 are ignored.
  EXPECT_EQ(MacAddress::from_u64(0xabcd'02005e100001ULL), m);
  EXPECT_EQ(MacAddress::broadcast().to_u64(), 0xffffffffffffULL);
}

TEST(MacAddress, BytesRoundTrip) {
  const std::uint8_t frame[8] = {0xee, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0xee};
  const MacAddress m = MacAddress::from_bytes(frame + 1);
  EXPECT_EQ(m.to_string(), "02:00:5e:10:00:01");
  std::uint8_t out[8] = {0x11, 0, 0, 0, 0, 0, 0, 0x22};
  m.write_to(out + 1);
  EXPECT_EQ(out[0], 0x11);  // nothing outside the 6 bytes is touched
  EXPECT_EQ(out[7], 0x22);
  for (int i = 1; i < 7; ++i) EXPECT_EQ(out[i], frame[i]) << i;
}

TEST(MacAddress, Predicates) {
  const MacAddress bcast = MacAddress::broadcast();
  EXPECT_TRUE(bcast.is_broadcast());
  EXPECT_TRUE(bcast.is_multicast());  // broadcast is a group address
  EXPECT_FALSE(bcast.is_unicast());
  EXPECT_FALSE(bcast.is_zero());

  const MacAddress ipv4_mcast = MacAddress::parse("01:00:5e:00:00:fb");  // mDNS
  EXPECT_TRUE(ipv4_mcast.is_multicast());
  EXPECT_FALSE(ipv4_mcast.is_broadcast());
  EXPECT_FALSE(ipv4_mcast.is_unicast());
  EXPECT_FALSE(ipv4_mcast.is_locally_administered());

  const MacAddress stp = MacAddress::parse("01:80:c2:00:00:00");
  EXPECT_TRUE(stp.is_multicast());

  const MacAddress local = MacAddress::parse("02:42:ac:11:00:02");  // a Docker container
  EXPECT_TRUE(local.is_unicast());
  EXPECT_TRUE(local.is_locally_administered());
  EXPECT_FALSE(local.is_multicast());

  const MacAddress global = MacAddress::parse("00:1b:21:3a:4f:5e");  // an Intel OUI
  EXPECT_TRUE(global.is_unicast());
  EXPECT_FALSE(global.is_locally_administered());
  EXPECT_FALSE(global.is_zero());
  EXPECT_FALSE(global.is_broadcast());

  // ff:ff:ff:ff:ff:fe is multicast but not broadcast.
  EXPECT_TRUE(MacAddress::from_u64(0xfffffffffffeULL).is_multicast());
  EXPECT_FALSE(MacAddress::from_u64(0xfffffffffffeULL).is_broadcast());
}

TEST(MacAddress, OrdersLikeItsIntegerValue) {
  const MacAddress a = MacAddress::parse("00:00:00:00:00:ff");
  const MacAddress b = MacAddress::parse("00:00:00:00:01:00");
  const MacAddress c = MacAddress::parse("01:00:00:00:00:00");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_GT(c, a);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, MacAddress::from_u64(0xff));
  const std::set<MacAddress> sorted{c, a, b};
  EXPECT_EQ(*sorted.begin(), a);
  EXPECT_EQ(*sorted.rbegin(), c);
}

TEST(MacAddress, Hashes) {
  std::unordered_set<MacAddress> set;
  for (std::uint64_t i = 0; i < 1000; ++i) set.insert(MacAddress::from_u64(0x020000000000ULL + i));
  set.insert(MacAddress::from_u64(0x020000000000ULL));  // duplicate
  EXPECT_EQ(set.size(), 1000u);
  EXPECT_TRUE(set.contains(MacAddress::parse("02:00:00:00:03:e7")));
  EXPECT_FALSE(set.contains(MacAddress::parse("02:00:00:00:03:e8")));
  EXPECT_EQ(std::hash<MacAddress>{}(MacAddress::parse("02:00:00:00:00:01")),
            std::hash<MacAddress>{}(MacAddress::from_u64(0x020000000001ULL)));
}

TEST(MacAddress, ErrorMessagesNameTheTextAndTheProblem) {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "the text is empty"},
      {" 02:00:5e:10:00:01", "whitespace at position 0 is not allowed"},
      {"02:00:5e:10:00:01 ", "whitespace at position 17 is not allowed"},
      {"02:00:5e :10:00:01", "whitespace at position 8"},
      {"02:00:5e\t10:00:01", "whitespace at position 8"},
      {"02:00:5e:10:00", "expected 6 groups of two hex digits, found 5"},
      {"02:00:5e:10:00:01:02", "expected 6 groups of two hex digits, found 7"},
      {"02:00:5e:10:00:01:", "found 7"},
      {"02:00::10:00:01", "group 3 is empty"},
      {":00:5e:10:00:01", "group 1 is empty"},
      {"02:00:5e:10:00:", "group 6 is empty"},
      {"02:00:5e:zz:00:01", "group 4 'zz' is not hexadecimal"},
      {"02:00:5e:1g:00:01", "group 4 '1g' is not hexadecimal"},
      {"02:00:5e:10:00:+1", "group 6 '+1' is not hexadecimal"},
      {"2:00:5e:10:00:01", "group 1 '2' must be exactly two hex digits"},
      {"02:00:5e:10:00:001", "group 6 '001' must be exactly two hex digits"},
      {"0200:5e10:0001:00:00:00", "group 1 '0200' must be exactly two hex digits"},
      {"02:00:5e-10-00-01", "mixes ':' and '-' separators"},
      {"02005e100001", "no ':' separators"},
      {"0200.5e10.0001", "dotted forms like 0200.5e10.0001 are not accepted"},
      {"hello", "expected six groups of two hex digits separated by ':'"},
  };
  for (const Case& c : cases) {
    const std::string what = parse_error(c.text);
    EXPECT_THAT(what, HasSubstr(std::string("invalid MAC address '") + c.text + "': ")) << c.text;
    EXPECT_THAT(what, HasSubstr(c.reason)) << c.text;
  }
  EXPECT_EQ(parse_error("02:00:5e:zz:00:01"), "invalid MAC address '02:00:5e:zz:00:01': group 4 'zz' is not hexadecimal");
}

TEST(MacAddress, TryParseReturnsReasonInsteadOfThrowing) {
  std::string reason;
  EXPECT_EQ(MacAddress::try_parse("02:00:5e:10:00:01", &reason), MacAddress::from_u64(0x02005e100001ULL));
  EXPECT_EQ(reason, "");
  EXPECT_EQ(MacAddress::try_parse("02:00:5e:10:00", &reason), std::nullopt);
  EXPECT_EQ(reason, "expected 6 groups of two hex digits, found 5");
  EXPECT_EQ(MacAddress::try_parse("nope"), std::nullopt);
}

}  // namespace
}  // namespace vpcsim::wire
