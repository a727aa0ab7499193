#include "libnet/core/time.h"

#include <gtest/gtest.h>

#include "libnet/core/error.h"

namespace vpcsim::core {
namespace {

TEST(Time, ParsesDurationsExactly) {
  EXPECT_EQ(parse_duration("10us"), 10'000);
  EXPECT_EQ(parse_duration("1.5s"), 1'500'000'000);
  EXPECT_EQ(parse_duration("250ms"), 250'000'000);
  EXPECT_EQ(parse_duration("7ns"), 7);
  EXPECT_EQ(parse_duration("0.000000001s"), 1);
  EXPECT_EQ(parse_duration("2 s"), 2 * kSecond);
}

TEST(Time, RejectsBadDurationsNamingTheText) {
  for (const char* bad : {"", "10", "s", "10 parsecs", "1.2.3s", "0.5ns", "99999999999999999999s"}) {
    try {
      parse_duration(bad);
      FAIL() << "accepted " << bad;
    } catch (const ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(Time, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(kSecond), "1s");
  EXPECT_EQ(format_duration(1'500'000), "1.5ms");
  EXPECT_EQ(format_duration(250'000), "250us");
  EXPECT_EQ(format_duration(7), "7ns");
  EXPECT_EQ(format_duration(-2 * kSecond), "-2s");
  for (Time t : {Time{1}, Time{999}, Time{1001}, Time{123456789}, Time{5 * kSecond + 3}})
    EXPECT_EQ(parse_duration(format_duration(t)), t);
}

TEST(Time, ParsesBandwidths) {
  EXPECT_EQ(parse_bandwidth("1Gbps"), 1'000'000'000);
  EXPECT_EQ(parse_bandwidth("2.5Mbps"), 2'500'000);
  EXPECT_EQ(parse_bandwidth("56Kbps"), 56'000);
  EXPECT_THROW(parse_bandwidth("1GB"), ParseError);
}

}  // namespace
}  // namespace vpcsim::core
