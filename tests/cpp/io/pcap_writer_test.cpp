// PcapWriter: the file layout byte for byte, nanosecond timestamps, errors, and tshark's verdict on
// what we write.
#include "libnet/io/pcap_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_file.h"
#include <tins/tins.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/io/pcap_reader.h"
#include "support/tshark.h"

namespace vpcsim::io {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using testing::TempFile;

std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
         std::uint32_t{b[at + 3]} << 24;
}

std::vector<std::uint8_t> serialize(Tins::PDU& pdu) { return pdu.serialize(); }

// Hand-built, valid frames: libtins fills lengths and checksums.
std::vector<std::uint8_t> arp_request() {
  auto eth = Tins::EthernetII("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01") /
             Tins::ARP("10.0.1.20", "10.0.1.10", "00:00:00:00:00:00", "02:00:00:00:00:01");
  eth.rfind_pdu<Tins::ARP>().opcode(Tins::ARP::REQUEST);
  return serialize(eth);
}
std::vector<std::uint8_t> arp_reply() {
  auto eth = Tins::EthernetII("02:00:00:00:00:01", "02:00:00:00:00:02") /
             Tins::ARP("10.0.1.10", "10.0.1.20", "02:00:00:00:00:01", "02:00:00:00:00:02");
  eth.rfind_pdu<Tins::ARP>().opcode(Tins::ARP::REPLY);
  return serialize(eth);
}
std::vector<std::uint8_t> icmp_echo(bool request) {
  Tins::ICMP icmp(request ? Tins::ICMP::ECHO_REQUEST : Tins::ICMP::ECHO_REPLY);
  icmp.id(0x1234);
  icmp.sequence(1);
  std::vector<std::uint8_t> data(56);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  Tins::IP ip(request ? "10.0.1.20" : "10.0.1.10", request ? "10.0.1.10" : "10.0.1.20");
  ip.ttl(64);
  ip.flags(Tins::IP::DONT_FRAGMENT);
  auto eth = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / ip / icmp / Tins::RawPDU(data);
  return serialize(eth);
}
std::vector<std::uint8_t> udp_datagram() {
  auto eth = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / Tins::IP("10.0.2.20", "10.0.1.10") /
             Tins::UDP(9000, 5000) / Tins::RawPDU(std::string("hi"));
  return serialize(eth);
}

TEST(PcapWriter, WritesNanosecondPcapHeaderAndRecordsByteForByte) {
  TempFile file("layout.pcap");
  const std::vector<std::uint8_t> frame = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00, 0xaa};
  {
    PcapWriter writer(file.path());
    writer.write(3 * core::kSecond + 7, frame);
    EXPECT_EQ(writer.frames_written(), 1u);
    EXPECT_EQ(writer.bytes_written(), frame.size());
  }
  const auto bytes = file_bytes(file.path());
  ASSERT_EQ(bytes.size(), 24u + 16u + frame.size());
  EXPECT_EQ(le32(bytes, 0), 0xa1b23c4du);  // nanosecond magic
  EXPECT_EQ(bytes[4] | bytes[5] << 8, 2);   // version 2.4
  EXPECT_EQ(bytes[6] | bytes[7] << 8, 4);
  EXPECT_EQ(le32(bytes, 16), PcapWriter::kSnapLen);
  EXPECT_EQ(le32(bytes, 20), 1u);  // LINKTYPE_ETHERNET
  EXPECT_EQ(le32(bytes, 24), 3u);  // seconds
  EXPECT_EQ(le32(bytes, 28), 7u);  // nanoseconds
  EXPECT_EQ(le32(bytes, 32), frame.size());
  EXPECT_EQ(le32(bytes, 36), frame.size());
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin() + 40, bytes.end()), frame);
}

TEST(PcapWriter, TimeZeroIsTheEpochAndTheOffsetShiftsEveryRecord) {
  TempFile plain("plain.pcap"), shifted("shifted.pcap");
  const std::vector<std::uint8_t> frame(60, 0xab);
  const core::Time offset = 1'700'000'000 * core::kSecond + 123;
  {
    PcapWriter a(plain.path());
    PcapWriter b(shifted.path(), offset);
    EXPECT_EQ(b.epoch_offset_ns(), offset);
    for (core::Time t : {core::Time{0}, core::Time{999'999'999}, core::Time{1'000'000'000}, 5 * core::kSecond + 1}) {
      a.write(t, frame);
      b.write(t, frame);
    }
  }
  PcapReader ra(plain.path()), rb(shifted.path());
  std::vector<std::int64_t> ta, tb;
  while (auto r = ra.next()) ta.push_back(r->ts_ns);
  while (auto r = rb.next()) tb.push_back(r->ts_ns - offset);
  EXPECT_THAT(ta, ElementsAre(0, 999'999'999, 1'000'000'000, 5'000'000'001));
  EXPECT_EQ(ta, tb);
}

TEST(PcapWriter, SameInputsGiveIdenticalFiles) {
  TempFile a("det-a.pcap"), b("det-b.pcap");
  for (const auto* file : {&a, &b}) {
    PcapWriter writer(file->path());
    writer.write(10, arp_request());
    writer.write(20'000, icmp_echo(true));
    writer.write(30'000'000, udp_datagram());
  }
  EXPECT_EQ(file_bytes(a.path()), file_bytes(b.path()));
}

TEST(PcapWriter, FlushMakesRecordsVisibleBeforeClose) {
  TempFile file("flush.pcap");
  PcapWriter writer(file.path());
  writer.write(1, arp_request());
  writer.flush();
  PcapReader reader(file.path());
  auto first = reader.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->bytes, arp_request());
  writer.close();
  EXPECT_FALSE(writer.is_open());
  writer.close();  // idempotent
}

TEST(PcapWriter, UnopenableFileThrowsConfigErrorNamingPathAndReason) {
  const std::string path = "/nonexistent-dir-vpcsim/x.pcap";
  try {
    PcapWriter writer(path);
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), path);
    EXPECT_EQ(e.field(), "pcap");
    EXPECT_THAT(e.what(), HasSubstr(path));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
  EXPECT_THROW(PcapWriter(""), core::ConfigError);
}

TEST(PcapWriter, WriteAfterCloseAndTimesBeforeTheEpochThrow) {
  TempFile file("errors.pcap");
  PcapWriter writer(file.path(), -core::kSecond);
  EXPECT_THROW(writer.write(0, arp_request()), core::ConfigError);  // -1 s
  writer.write(core::kSecond, arp_request());                         // the epoch itself is fine
  writer.close();
  EXPECT_THROW(writer.write(2 * core::kSecond, arp_request()), core::ConfigError);
  PcapReader reader(file.path());
  EXPECT_EQ(reader.read_all().size(), 1u);
}

TEST(PcapWriter, MovedWriterKeepsWriting) {
  TempFile file("moved.pcap");
  PcapWriter first(file.path());
  first.write(1, arp_request());
  PcapWriter second(std::move(first));
  EXPECT_FALSE(first.is_open());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  second.write(2, arp_reply());
  PcapWriter third(file.path() + ".other");
  third = std::move(second);
  third.write(3, udp_datagram());
  EXPECT_EQ(third.frames_written(), 3u);
  third.close();
  std::filesystem::remove(file.path() + ".other");
  PcapReader reader(file.path());
  EXPECT_EQ(reader.read_all().size(), 3u);
}

TEST(PcapWriter, FrameLongerThanTheSnapLengthIsCutButKeepsItsLength) {
  TempFile file("long.pcap");
  const std::vector<std::uint8_t> frame(PcapWriter::kSnapLen + 10, 0x55);
  {
    PcapWriter writer(file.path());
    writer.write(0, frame);
  }
  PcapReader reader(file.path());
  auto record = reader.next();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->orig_len, frame.size());
  EXPECT_EQ(record->bytes.size(), PcapWriter::kSnapLen);
  EXPECT_TRUE(record->is_truncated());
}

TEST(PcapWriterTshark, DecodesOurFramesWithoutAWarningAndReadsOurNanoseconds) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark is not installed";
  TempFile file("tshark.pcap");
  const core::Time epoch = 1'700'000'000 * core::kSecond;
  const std::vector<core::Time> times = {0, 1, 999'999'999, 1'000'000'001, 86'400 * core::kSecond + 123'456'789};
  {
    PcapWriter writer(file.path(), epoch);
    writer.write(times[0], arp_request());
    writer.write(times[1], arp_reply());
    writer.write(times[2], icmp_echo(true));
    writer.write(times[3], icmp_echo(false));
    writer.write(times[4], udp_datagram());
  }
  EXPECT_THAT(testing::tshark_problems(file.path()), IsEmpty());

  std::vector<std::string> expected;
  for (core::Time t : times) {
    const core::Time ts = epoch + t;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(ts / core::kSecond),
                  static_cast<long long>(ts % core::kSecond));
    expected.push_back(buf);
  }
  EXPECT_EQ(testing::tshark_field(file.path(), "frame.time_epoch"), expected);
  EXPECT_THAT(testing::tshark_field(file.path(), "frame.protocols"),
              ElementsAre("eth:ethertype:arp", "eth:ethertype:arp", "eth:ethertype:ip:icmp:data",
                          "eth:ethertype:ip:icmp:data", "eth:ethertype:ip:udp:data"));
}

TEST(PcapWriterTshark, HelperFlagsBadChecksums) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark is not installed";
  TempFile file("bad.pcap");
  auto frame = udp_datagram();
  frame[14 + 10] ^= 0xff;  // IPv4 header checksum
  frame[14 + 20 + 6] ^= 0xff;  // UDP checksum
  auto icmp = icmp_echo(true);
  icmp[14 + 20 + 2] ^= 0x01;  // ICMP checksum
  {
    PcapWriter writer(file.path());
    writer.write(0, frame);
    writer.write(1, icmp);
  }
  const auto problems = testing::tshark_problems(file.path());
  std::string all;
  for (const auto& line : problems) all += line + "\n";
  // tshark 4.0 words it "Bad checksum [should be 0x....]" (older versions: "[incorrect, should be").
  EXPECT_THAT(all, HasSubstr("Bad checksum [should be")) << all;
  EXPECT_THAT(all, HasSubstr("Expert Info (Error/Checksum)")) << all;  // IPv4 and UDP
  EXPECT_THAT(all, HasSubstr("Expert Info (Warning/Checksum)")) << all;  // ICMP
  EXPECT_THAT(all, HasSubstr("Checksum Status: Bad")) << all;
}

}  // namespace
}  // namespace vpcsim::io
