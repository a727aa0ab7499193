// TcpOptions (libnet/wire/tcp_options.h) on the options of a captured Linux SYN, built, parsed and
// emitted, plus broken option lists.
#include "libnet/wire/tcp_options.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace vpcsim::wire {
namespace {

// tcpdump-whois.pcap #1 (a Linux SYN): MSS 1460, SACK permitted, TS val 0xaf6ad361 ecr 0, NOP, WS 6.
constexpr std::array<std::uint8_t, 20> kLinuxSynOptions{0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xaf, 0x6a,
                                                        0xd3, 0x61, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x06};

TEST(TcpOptions, ParsesALinuxSyn) {
  const auto o = TcpOptions::parse(kLinuxSynOptions);
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_EQ(o.timestamp, (TcpTimestamp{0xaf6ad361, 0}));
  EXPECT_EQ(o.window_scale, 6);
}

TEST(TcpOptions, EmitsTheSameBytesAsLinux) {
  TcpOptions o;
  o.mss = 1460;
  o.sack_permitted = true;
  o.timestamp = TcpTimestamp{0xaf6ad361, 0};
  o.window_scale = 6;
  std::array<std::uint8_t, 40> out{};
  ASSERT_EQ(o.wire_len(), 20u);
  ASSERT_EQ(o.emit(out), 20u);
  EXPECT_TRUE(std::equal(kLinuxSynOptions.begin(), kLinuxSynOptions.end(), out.begin()));
}

TEST(TcpOptions, TimestampAloneIsNopNopTs) {
  TcpOptions o;
  o.timestamp = TcpTimestamp{1, 2};
  std::array<std::uint8_t, 40> out{};
  ASSERT_EQ(o.emit(out), 12u);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + 12),
            (std::vector<std::uint8_t>{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}));
  EXPECT_EQ(TcpOptions::parse(std::span(out).first(12)), o);
}

TEST(TcpOptions, WithoutTimestampsSackPermittedIsPaddedWithNops) {
  TcpOptions o;
  o.mss = 536;
  o.sack_permitted = true;
  o.window_scale = 7;
  std::array<std::uint8_t, 40> out{};
  ASSERT_EQ(o.emit(out), 12u);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + 12),
            (std::vector<std::uint8_t>{2, 4, 2, 0x18, 1, 1, 4, 2, 1, 3, 3, 7}));
  EXPECT_EQ(TcpOptions::parse(std::span(out).first(12)), o);
}

TEST(TcpOptions, BrokenListsKeepWhatCameBefore) {
  const std::vector<std::uint8_t> bad_len{2, 4, 0x05, 0xb4, 8, 1, 0, 0};  // TS with length 1
  EXPECT_EQ(TcpOptions::parse(bad_len).mss, 1460);
  EXPECT_FALSE(TcpOptions::parse(bad_len).timestamp);
  const std::vector<std::uint8_t> past_end{3, 3};  // window scale cut short
  EXPECT_FALSE(TcpOptions::parse(past_end).window_scale);
  const std::vector<std::uint8_t> end_then_more{0, 2, 4, 5, 0xb4};
  EXPECT_FALSE(TcpOptions::parse(end_then_more).mss);
  const std::vector<std::uint8_t> huge_shift{3, 3, 20};
  EXPECT_EQ(TcpOptions::parse(huge_shift).window_scale, 14);  // RFC 7323 §2.3
  const std::vector<std::uint8_t> unknown{30, 4, 0, 0, 4, 2};  // an unknown kind is skipped by its length
  EXPECT_TRUE(TcpOptions::parse(unknown).sack_permitted);
}

}  // namespace
}  // namespace vpcsim::wire
