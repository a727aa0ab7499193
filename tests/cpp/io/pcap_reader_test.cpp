// PcapReader against every sample capture (real files from tcpdump, libpcap, zeek, wireshark, gopacket,
// PcapPlusPlus and joincap; counts, link types and first timestamps from MANIFEST.tsv; where they are:
// support/sample_pcaps.h), plus files we damage ourselves.
#include "libnet/io/pcap_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_file.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/io/pcap_writer.h"
#include "support/sample_pcaps.h"

namespace vpcsim::io {
namespace {

using ::testing::HasSubstr;

using testing::ManifestEntry;

std::optional<std::int64_t> parse_epoch(const std::string& text) {
  if (text == "n/a") return std::nullopt;
  const auto dot = text.find('.');
  std::int64_t ns = std::stoll(text.substr(0, dot)) * 1'000'000'000;
  if (dot != std::string::npos) {
    std::string frac = text.substr(dot + 1);
    frac.resize(9, '0');
    ns += std::stoll(frac);
  }
  return ns;
}

// The damaged files: libpcap refuses to open the first two; the last two are cut short, so reading
// stops with an error after the whole records before the cut.
const std::set<std::string> kUnopenable = {"libpcap-pcap-invalid-version-1.pcap", "libpcap-shb-option-too-long.pcapng"};
const std::set<std::string> kCutShort = {"joincap-partial_first_header.pcap",
                                         "joincap-unexpected_eof_on_second_packet.pcap"};

class SharedPcaps : public ::testing::Test {
 protected:
  void SetUp() override {
    VPCSIM_REQUIRE_SAMPLE_PCAPS();
    manifest_ = testing::sample_manifest();
    ASSERT_GE(manifest_.size(), 29u);
  }
  std::string path(const std::string& file) const { return testing::sample_pcap(file); }
  const ManifestEntry& entry(const std::string& file) const {
    for (const auto& e : manifest_)
      if (e.file == file) return e;
    throw std::runtime_error("not in manifest: " + file);
  }
  std::vector<ManifestEntry> manifest_;
};

TEST_F(SharedPcaps, EveryGoodFileGivesTheManifestCountLinkTypeAndFirstTimestamp) {
  int checked = 0;
  for (const auto& e : manifest_) {
    if (kUnopenable.count(e.file) != 0 || kCutShort.count(e.file) != 0) continue;
    SCOPED_TRACE(e.file);
    PcapReader reader(e.path);
    EXPECT_EQ(reader.link_type(), e.link_type);
    EXPECT_EQ(reader.link_type_name(), e.link_name);
    std::uint64_t count = 0;
    std::optional<std::int64_t> first_ts;
    while (auto record = reader.next()) {
      if (!first_ts) first_ts = record->ts_ns;
      ++count;
      // Buffers follow the captured length, never the claimed original length.
      EXPECT_LE(record->bytes.size(), std::max<std::size_t>(reader.snaplen(), 262144));
    }
    EXPECT_EQ(count, e.packets);
    EXPECT_EQ(reader.records_read(), e.packets);
    EXPECT_FALSE(reader.has_error()) << reader.error();
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(first_ts, parse_epoch(e.first_ts));
    EXPECT_EQ(reader.format(), e.tags.find("pcapng") != std::string::npos ? "pcapng" : "pcap");
    EXPECT_EQ(reader.is_swapped(), e.tags.find("swapped") != std::string::npos);
    ++checked;
  }
  EXPECT_EQ(checked, manifest_.size() - kUnopenable.size() - kCutShort.size());
}

// Wireshark's GPL captures live outside the repository (tests/data/pcaps/README.md); their own test
// makes a missing folder fail under CI, since the manifest test above only adds them when present.
TEST_F(SharedPcaps, WiresharkCapturesAreReadFromTheGplFolder) {
  VPCSIM_REQUIRE_GPL_PCAPS();
  const auto wireshark = testing::read_manifest(testing::gpl_pcaps_dir(), "wireshark-");
  ASSERT_EQ(wireshark.size(), 2u);
  for (const auto& e : wireshark) {
    SCOPED_TRACE(e.file);
    EXPECT_EQ(PcapReader(testing::sample_pcap(e.file)).read_all().size(), e.packets);
  }
  PcapReader nsec(path("wireshark-dhcp-nanosecond.pcap"));
  EXPECT_EQ(nsec.next()->ts_ns, 1102274184'317453000);
}

TEST_F(SharedPcaps, FilesLibpcapCannotOpenThrowConfigErrorWithItsReason) {
  for (const auto& file : kUnopenable) {
    SCOPED_TRACE(file);
    try {
      PcapReader reader(path(file));
      FAIL() << "expected ConfigError";
    } catch (const core::ConfigError& e) {
      EXPECT_EQ(e.object(), path(file));
      EXPECT_EQ(e.field(), "pcap");
      EXPECT_THAT(e.what(), HasSubstr("cannot read capture: "));
      EXPECT_GT(std::string(e.what()).size(), path(file).size() + 30) << e.what();
    }
  }
}

TEST_F(SharedPcaps, CutShortFilesReturnTheWholeRecordsThenReportTheTruncation) {
  for (const auto& file : kCutShort) {
    SCOPED_TRACE(file);
    PcapReader reader(path(file));
    const auto records = reader.read_all();
    EXPECT_EQ(records.size(), entry(file).packets);
    EXPECT_TRUE(reader.at_end());
    EXPECT_TRUE(reader.has_error());
    EXPECT_THAT(reader.error(), HasSubstr("truncated dump file"));
    EXPECT_FALSE(reader.next().has_value());  // stays at the end
  }
}

TEST_F(SharedPcaps, PcapngWhoseInterfacesDeclareDifferentSnapLengthsIsReadWhole) {
  // libpcap alone stops after the first packet ("an interface has a snapshot length 128 different
  // from the snapshot length of the first interface"); each EPB carries its own captured length.
  PcapReader reader(path("gopacket-be-test008.pcapng"));
  EXPECT_TRUE(reader.is_swapped());
  const auto records = reader.read_all();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_FALSE(reader.has_error()) << reader.error();
  EXPECT_EQ(records[0].orig_len, 314u);
  EXPECT_EQ(records[0].bytes.size(), 96u);
  EXPECT_EQ(records[1].orig_len, 342u);
  EXPECT_EQ(records[1].bytes.size(), 128u);
  EXPECT_EQ(reader.truncated_records(), 4u);
}

TEST_F(SharedPcaps, MicroAndNanosecondFilesBothGiveNanoseconds) {
  PcapReader usec(path("zeek-arp-who-has.pcap"));
  PcapReader nsec(path("pcapplusplus-nanosecs_big_endian.pcap"));
  EXPECT_EQ(usec.next()->ts_ns, 1461764814'520906000);
  auto first = nsec.next();
  auto second = nsec.next();
  EXPECT_EQ(first->ts_ns, 1766361926'167647291);
  EXPECT_EQ(second->ts_ns - first->ts_ns, 10'800);  // sub-microsecond digits kept
}

TEST_F(SharedPcaps, SnaplenTruncatedRecordsAreCountedAndBounded) {
  PcapReader trunc(path("zeek-ip4-trunc.pcap"));
  auto record = trunc.next();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->bytes.size(), 20u);
  EXPECT_EQ(record->orig_len, 46u);
  EXPECT_TRUE(record->is_truncated());
  EXPECT_EQ(trunc.truncated_records(), 1u);

  PcapReader asan(path("tcpdump-ip_ts_opts_asan.pcap"));
  record = asan.next();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->orig_len, 262144u);
  EXPECT_EQ(record->bytes.size(), 50u);

  PcapReader oobr(path("tcpdump-icmp-icmp_print-oobr-1.pcap"));
  EXPECT_EQ(oobr.snaplen(), 37u);
  std::uint64_t n = oobr.for_each([&](const PcapRecord& r) {
    EXPECT_LE(r.bytes.size(), 64u);
    EXPECT_GT(r.orig_len, 65535u);
  });
  EXPECT_EQ(n, 3u);
}

TEST_F(SharedPcaps, NonEthernetLinkTypesAreNamedAndRefusedForReplay) {
  PcapReader sll(path("zeek-linuxsll-arp.pcap"));
  EXPECT_EQ(sll.link_type(), 113);
  EXPECT_FALSE(sll.is_ethernet());
  try {
    sll.require_ethernet();
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unsupported link type LINUX_SLL (113"));
    EXPECT_THAT(e.what(), HasSubstr("zeek-linuxsll-arp.pcap"));
  }
  PcapReader raw(path("tcpdump-LINKTYPE_RAW_ipv4.pcap"));
  EXPECT_EQ(raw.link_type(), 101);
  EXPECT_THROW(raw.require_ethernet(), core::ConfigError);
  PcapReader eth(path("zeek-arp-who-has.pcap"));
  EXPECT_TRUE(eth.is_ethernet());
  EXPECT_NO_THROW(eth.require_ethernet());
}

TEST_F(SharedPcaps, ATextFileIsNotACapture) {
  try {
    PcapReader reader(path("README.md"));
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("README.md: pcap: cannot read capture: unknown file format"));
  }
}

using testing::TempFile;

void write_frames(const std::string& path, int n) {
  PcapWriter writer(path);
  for (int i = 0; i < n; ++i) writer.write(i * core::kMillisecond, std::vector<std::uint8_t>(60, static_cast<std::uint8_t>(i)));
}

TEST(PcapReader, MissingFileThrowsConfigErrorNamingIt) {
  const std::string path = "/nonexistent-vpcsim/missing.pcap";
  try {
    PcapReader reader(path);
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), path);
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
  EXPECT_THROW(PcapReader(""), core::ConfigError);
}

TEST(PcapReader, AnEmptyFileIsNotACapture) {
  TempFile file("empty.pcap");
  std::ofstream(file.path()).close();
  EXPECT_THROW(PcapReader reader(file.path()), core::ConfigError);
}

TEST(PcapReader, FileCutInsideARecordGivesTheRecordsBeforeAndAnError) {
  TempFile file("cut.pcap");
  write_frames(file.path(), 3);
  const auto size = std::filesystem::file_size(file.path());
  std::filesystem::resize_file(file.path(), size - 5);  // into the third record's data
  PcapReader reader(file.path());
  const auto records = reader.read_all();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].bytes, std::vector<std::uint8_t>(60, 1));
  EXPECT_TRUE(reader.has_error());
  EXPECT_THAT(reader.error(), HasSubstr("truncated dump file"));

  std::filesystem::resize_file(file.path(), 24 + 16 + 60 + 7);  // into the second record's header
  PcapReader again(file.path());
  EXPECT_EQ(again.read_all().size(), 1u);
  EXPECT_THAT(again.error(), HasSubstr("header bytes"));
}

TEST(PcapReader, CleanEndHasNoError) {
  TempFile file("clean.pcap");
  write_frames(file.path(), 2);
  PcapReader reader(file.path());
  EXPECT_FALSE(reader.at_end());
  PcapRecord record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.ts_ns, 0);
  ASSERT_TRUE(reader.next(record));  // reuses the buffer
  EXPECT_EQ(record.ts_ns, core::kMillisecond);
  EXPECT_EQ(record.bytes, std::vector<std::uint8_t>(60, 1));
  EXPECT_FALSE(reader.next(record));
  EXPECT_TRUE(reader.at_end());
  EXPECT_FALSE(reader.has_error());
  EXPECT_EQ(reader.error(), "");
  EXPECT_EQ(reader.format(), "pcap");
  EXPECT_EQ(reader.snaplen(), PcapWriter::kSnapLen);
}

TEST(PcapReader, MovedReaderContinuesWhereItWas) {
  TempFile file("move.pcap");
  write_frames(file.path(), 3);
  PcapReader first(file.path());
  ASSERT_TRUE(first.next().has_value());
  PcapReader second(std::move(first));
  EXPECT_EQ(second.records_read(), 1u);
  EXPECT_EQ(second.next()->bytes[0], 1);
  PcapReader third(file.path());
  third = std::move(second);
  EXPECT_EQ(third.next()->bytes[0], 2);
  EXPECT_FALSE(third.next().has_value());
}

}  // namespace
}  // namespace vpcsim::io
