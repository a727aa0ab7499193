// The Internet checksum, pseudo header sum and RFC 1624 incremental updates (libnet/wire/checksum.h).
#include "libnet/wire/checksum.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "libnet/wire/bytes.h"

namespace vpcsim::wire {
namespace {

// An IPv4 header from zeek-icmp-timeexceeded.pcap (10.0.0.1 -> 10.0.0.2, ICMP), checksum 0x66be.
constexpr std::array<std::uint8_t, 20> kIpv4Header{
    0x45, 0x00, 0x00, 0x3c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
    0x66, 0xbe, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
};

// The UDP datagram of a DNS query from tcpdump-dns_udp.pcap, 192.168.1.11 -> 209.87.249.18, checksum 0x7824.
constexpr std::array<std::uint8_t, 64> kDnsUdp{
    0xab, 0xbe, 0x00, 0x35, 0x00, 0x40, 0x78, 0x24, 0x59, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77, 0x07, 0x74, 0x63, 0x70, 0x64, 0x75, 0x6d, 0x70,
    0x03, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0x42, 0xf5, 0xd0, 0x09, 0x96, 0xf9, 0x0b, 0x13,
};
constexpr Ipv4Address kDnsSrc = Ipv4Address::from_octets(192, 168, 1, 11);
constexpr Ipv4Address kDnsDst = Ipv4Address::from_octets(209, 87, 249, 18);

TEST(ChecksumTest, Rfc1071Example) {
  // RFC 1071 §3: the sum of 0001 f203 f4f5 f6f7 is ddf2, so the checksum is 220d.
  const std::array<std::uint8_t, 8> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_add(data), 0xddf2u);
  EXPECT_EQ(checksum_fold(checksum_add(data)), 0xddf2);
  EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(ChecksumTest, RealIpv4HeaderSumsToZero) {
  EXPECT_EQ(internet_checksum(kIpv4Header), 0);
  auto header = kIpv4Header;
  store_be16(header.data() + 10, 0);
  EXPECT_EQ(internet_checksum(header), 0x66be);
}

TEST(ChecksumTest, OddLengthPadsWithZero) {
  const std::array<std::uint8_t, 3> odd{0x12, 0x34, 0x56};
  const std::array<std::uint8_t, 4> padded{0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(checksum_add(odd), checksum_add(padded));
  EXPECT_EQ(checksum_add(odd), 0x1234u + 0x5600u);
  EXPECT_EQ(checksum_add(std::span<const std::uint8_t>{}), 0u);
  EXPECT_EQ(internet_checksum(std::span<const std::uint8_t>{}), 0xffff);
}

TEST(ChecksumTest, PiecesAddUpWhenEvenLength) {
  const std::span<const std::uint8_t> all(kDnsUdp);
  for (std::size_t cut = 0; cut <= all.size(); cut += 2) {
    EXPECT_EQ(checksum_fold(checksum_add(all.subspan(cut), checksum_add(all.first(cut)))),
              checksum_fold(checksum_add(all)))
        << "cut at " << cut;
  }
}

TEST(ChecksumTest, FoldCarriesRepeatedly) {
  EXPECT_EQ(checksum_fold(0), 0);
  EXPECT_EQ(checksum_fold(0xffff), 0xffff);
  EXPECT_EQ(checksum_fold(0x10000), 1);
  EXPECT_EQ(checksum_fold(0x1fffe), 0xffff);
  EXPECT_EQ(checksum_fold(0xffffffff), 0xffff);
  EXPECT_EQ(checksum_finish(0xffff), 0);
}

TEST(ChecksumTest, LongBufferDoesNotOverflow) {
  std::vector<std::uint8_t> ones(65536, 0xff);
  EXPECT_EQ(checksum_fold(checksum_add(ones)), 0xffff);
  EXPECT_EQ(checksum_add(ones, 0xffff'0000u) <= 0xffffu, true);
}

TEST(ChecksumTest, PseudoHeaderVerifiesRealUdp) {
  const std::uint32_t pseudo = pseudo_header_sum(kDnsSrc, kDnsDst, 17, kDnsUdp.size());
  EXPECT_EQ(checksum_fold(checksum_add(kDnsUdp, pseudo)), 0xffff);
  auto copy = kDnsUdp;
  store_be16(copy.data() + 6, 0);
  EXPECT_EQ(checksum_finish(checksum_add(copy, pseudo)), 0x7824);
  // The pseudo header is the 12 bytes src, dst, 0, proto, len.
  std::array<std::uint8_t, 12> ph{};
  kDnsSrc.write_to(ph.data());
  kDnsDst.write_to(ph.data() + 4);
  ph[9] = 17;
  store_be16(ph.data() + 10, kDnsUdp.size());
  EXPECT_EQ(checksum_fold(pseudo), checksum_fold(checksum_add(ph)));
}

TEST(ChecksumTest, IncrementalUpdateOnRealHeader) {
  auto header = kIpv4Header;
  // Decrement TTL 64 -> 63: the (ttl, protocol) word 0x4001 becomes 0x3f01.
  const std::uint16_t updated = checksum_update16(0x66be, 0x4001, 0x3f01);
  header[8] = 63;
  store_be16(header.data() + 10, 0);
  EXPECT_EQ(updated, internet_checksum(header));
  // Rewrite the source 10.0.0.1 -> 192.0.2.7.
  const Ipv4Address old_src = Ipv4Address::from_bytes(header.data() + 12);
  const Ipv4Address new_src = Ipv4Address::from_octets(192, 0, 2, 7);
  const std::uint16_t updated2 = checksum_update32(updated, old_src, new_src);
  new_src.write_to(header.data() + 12);
  EXPECT_EQ(updated2, internet_checksum(header));
}

// RFC 1624's point: eqn. 3 keeps a checksum that recomputes to 0x0000 at 0x0000 (RFC 1141's eqn. 2
// turned it into 0xffff).
TEST(ChecksumTest, IncrementalKeepsZeroChecksumZero) {
  // 0x1234 + 0xedcb = 0xffff, so the checksum of {0x1234, csum, 0xedcb} is 0x0000.
  std::array<std::uint8_t, 6> data{0x12, 0x34, 0x00, 0x00, 0xed, 0xcb};
  ASSERT_EQ(internet_checksum(data), 0x0000);
  std::uint16_t c = checksum_update16(0x0000, 0x1234, 0x1235);
  store_be16(data.data(), 0x1235);
  EXPECT_EQ(c, internet_checksum(data));
  c = checksum_update16(c, 0x1235, 0x1234);
  EXPECT_EQ(c, 0x0000);
}

// Thousands of random packets (fixed seed): the incremental update of a 16-bit word, of a 32-bit
// field, and of a pseudo-header address always equals a full recomputation.
TEST(ChecksumTest, IncrementalMatchesRecomputationOnRandomPackets) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::uint32_t> u32;
  constexpr std::size_t kCsumAt = 10;
  for (int iter = 0; iter < 5000; ++iter) {
    const std::size_t len = std::uniform_int_distribution<std::size_t>(20, 200)(rng);
    std::vector<std::uint8_t> pkt(len);
    for (auto& b : pkt) b = static_cast<std::uint8_t>(byte(rng));
    // Every so often force the awkward sums: all-ones or all-zero regions.
    if (iter % 97 == 0) std::fill(pkt.begin(), pkt.end(), 0xff);
    if (iter % 89 == 0) std::fill(pkt.begin() + 12, pkt.end(), 0x00);
    store_be16(pkt.data() + kCsumAt, 0);
    std::uint16_t csum = internet_checksum(pkt);
    store_be16(pkt.data() + kCsumAt, csum);

    for (int step = 0; step < 4; ++step) {
      const bool wide = (step % 2) == 1;
      // Even offsets, clear of the checksum field, within the packet.
      std::size_t off;
      do {
        off = 2 * std::uniform_int_distribution<std::size_t>(0, (len - (wide ? 4 : 2)) / 2)(rng);
      } while (off + (wide ? 4 : 2) > kCsumAt && off < kCsumAt + 2);
      if (wide) {
        const std::uint32_t old_value = load_be32(pkt.data() + off);
        const std::uint32_t new_value = (step == 3 && iter % 3 == 0) ? old_value : u32(rng);
        csum = checksum_update32(csum, old_value, new_value);
        store_be32(pkt.data() + off, new_value);
      } else {
        const std::uint16_t old_word = load_be16(pkt.data() + off);
        const auto new_word = static_cast<std::uint16_t>(u32(rng));
        csum = checksum_update16(csum, old_word, new_word);
        store_be16(pkt.data() + off, new_word);
      }
      std::vector<std::uint8_t> zeroed = pkt;
      store_be16(zeroed.data() + kCsumAt, 0);
      ASSERT_EQ(csum, internet_checksum(zeroed)) << "iteration " << iter << " step " << step;
      store_be16(pkt.data() + kCsumAt, csum);
    }

    // A NAT changing a pseudo-header address adjusts the L4 checksum by the same update.
    const Ipv4Address src(u32(rng));
    const Ipv4Address dst(u32(rng));
    const Ipv4Address new_src(u32(rng));
    const auto l4_len = static_cast<std::uint16_t>(len);
    std::vector<std::uint8_t> seg = pkt;
    store_be16(seg.data() + kCsumAt, 0);
    const std::uint16_t l4 = checksum_finish(checksum_add(seg, pseudo_header_sum(src, dst, 6, l4_len)));
    const std::uint16_t expected = checksum_finish(checksum_add(seg, pseudo_header_sum(new_src, dst, 6, l4_len)));
    ASSERT_EQ(checksum_update32(l4, src, new_src), expected) << "iteration " << iter;
  }
}

// The fuzzer's minimal input (issue 20): an echo reply, id 0xffff, seq 0, no data, whose correct
// checksum is 0x0000. Rewriting the id to 0 leaves a message of zeros but the checksum, whose only
// correct value is 0xffff; eqn. 3 alone computes 0x0000 there, patch_checksum settles it.
TEST(ChecksumTest, PatchGivesAllOnesForAnAllZeroMessage) {
  std::array<std::uint8_t, 8> msg{0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00};
  ASSERT_EQ(internet_checksum(msg), 0);  // correct as it is
  EXPECT_EQ(checksum_update16(0x0000, 0xffff, 0x0000), 0x0000);  // the bare arithmetic's answer
  rewrite_be16(msg, 2, 4, 0x0000, ChecksumRule::plain);
  EXPECT_EQ(load_be16(msg.data() + 2), 0xffff);
  EXPECT_EQ(internet_checksum(msg), 0);
  // A no-op update of the all-zero message keeps its correct 0xffff.
  rewrite_be16(msg, 2, 6, 0x0000, ChecksumRule::plain);
  EXPECT_EQ(load_be16(msg.data() + 2), 0xffff);
  EXPECT_EQ(internet_checksum(msg), 0);
  // And leaving the all-zero state again gives the recomputed value.
  rewrite_be16(msg, 2, 6, 0x0001, ChecksumRule::plain);
  EXPECT_EQ(load_be16(msg.data() + 2), 0xfffe);
  EXPECT_EQ(internet_checksum(msg), 0);
}

// When the bytes sum to 0xffff without being all zero, 0x0000 is the correct checksum and stays.
TEST(ChecksumTest, PatchKeepsZeroWhenTheBytesAreNotAllZero) {
  std::array<std::uint8_t, 8> msg{0x12, 0x34, 0x00, 0x01, 0xed, 0xca, 0x00, 0x00};
  ASSERT_EQ(internet_checksum(msg), 0);
  rewrite_be16(msg, 2, 4, 0xedcb, ChecksumRule::plain);
  EXPECT_EQ(load_be16(msg.data() + 2), 0x0000);
  EXPECT_EQ(internet_checksum(msg), 0);
}

// UDP: a computed zero goes out as 0xffff, and a zero field (no checksum) is left alone.
TEST(ChecksumTest, PatchFollowsUdpZeroRule) {
  std::array<std::uint8_t, 8> udp{0x12, 0x34, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00};
  rewrite_be16(udp, 6, 0, 0x1235, ChecksumRule::udp);
  EXPECT_EQ(load_be16(udp.data() + 6), 0x0000) << "no checksum stays no checksum";
  store_be16(udp.data() + 6, 0x0001);
  // ~0x0001 + ~0x1235 + 0x1236 = 0xfffe + 1 -> 0xffff, complemented 0x0000: sent as 0xffff.
  rewrite_be16(udp, 6, 0, 0x1236, ChecksumRule::udp);
  EXPECT_EQ(load_be16(udp.data() + 6), 0xffff);
  // The same patch under the TCP rule keeps the arithmetic's 0x0000 (a pseudo header is never zero).
  std::array<std::uint8_t, 8> tcp{0x12, 0x35, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01};
  patch_checksum(tcp, 6, 0x1235, 0x1236, ChecksumRule::pseudo_header);
  EXPECT_EQ(load_be16(tcp.data() + 6), 0x0000);
}

// A 32-bit rewrite through the helper equals a recomputation, on random IPv4 headers.
TEST(ChecksumTest, RewriteBe32MatchesRecomputation) {
  std::mt19937 rng(1624);
  for (int iter = 0; iter < 2000; ++iter) {
    auto header = kIpv4Header;
    for (std::size_t i = 12; i < header.size(); ++i) header[i] = static_cast<std::uint8_t>(rng());
    store_be16(header.data() + 10, 0);
    store_be16(header.data() + 10, internet_checksum(header));
    rewrite_be32(header, 10, 12 + 4 * (iter % 2), static_cast<std::uint32_t>(rng()), ChecksumRule::plain);
    ASSERT_EQ(internet_checksum(header), 0) << iter;
  }
}

}  // namespace
}  // namespace vpcsim::wire
