#include "libnet/io/pcap_reader.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <utility>

#include "libnet/core/error.h"

namespace vpcsim::io {
namespace {

// The pcapng Section Header Block type, which starts every pcapng file (it is a palindrome, so it
// reads the same in both byte orders), and the byte-order magic that follows its length.
constexpr std::uint32_t kPcapngShb = 0x0a0d0d0a;
constexpr std::uint32_t kPcapngByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kPcapngIdb = 1;

std::uint32_t load_u32(const unsigned char* p, bool big_endian) {
  return big_endian ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3])
                    : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]);
}

struct FileScan {
  bool is_pcapng = false;
  std::vector<long> idb_snaplen_offsets;  ///< file offsets of each IDB's SnapLen field
  bool snaplens_differ = false;
};

// Walks the pcapng block headers (not their bodies) to find the Interface Description Blocks. libpcap's
// API has one snapshot length per file, so it refuses a pcapng whose IDBs declare different ones
// (libpcap issue #1078), though each packet block carries its own captured length. The walk stops
// quietly at anything odd: libpcap itself then reports the damage.
FileScan scan(const std::string& path) {
  FileScan result;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return result;
  std::array<unsigned char, 16> head{};
  long offset = 0;
  bool big_endian = false;
  std::uint32_t first_snaplen = 0;
  for (;;) {
    if (std::fseek(file, offset, SEEK_SET) != 0 || std::fread(head.data(), 1, 12, file) != 12) break;
    const std::uint32_t type = load_u32(head.data(), false);
    if (type == kPcapngShb) {
      if (load_u32(head.data() + 8, false) == kPcapngByteOrderMagic)
        big_endian = false;
      else if (load_u32(head.data() + 8, true) == kPcapngByteOrderMagic)
        big_endian = true;
      else
        break;
      result.is_pcapng = true;
    } else if (!result.is_pcapng) {
      break;  // a classic pcap (or not a capture): nothing to walk
    }
    const std::uint32_t block_type = load_u32(head.data(), big_endian);
    const std::uint32_t len = load_u32(head.data() + 4, big_endian);
    if (len < 12 || len % 4 != 0) break;
    if (block_type == kPcapngIdb && len >= 20) {
      // IDB body: LinkType (2), Reserved (2), SnapLen (4).
      if (std::fread(head.data() + 12, 1, 4, file) != 4) break;
      const std::uint32_t snaplen = load_u32(head.data() + 12, big_endian);
      if (result.idb_snaplen_offsets.empty())
        first_snaplen = snaplen;
      else if (snaplen != first_snaplen)
        result.snaplens_differ = true;
      result.idb_snaplen_offsets.push_back(offset + 12);
    }
    if (offset > LONG_MAX - static_cast<long>(len)) break;
    offset += static_cast<long>(len);
  }
  std::fclose(file);
  return result;
}

bool read_whole_file(const std::string& path, std::vector<std::uint8_t>& out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  out.clear();
  std::array<std::uint8_t, 65536> chunk{};
  std::size_t got = 0;
  while ((got = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) out.insert(out.end(), chunk.data(), chunk.data() + got);
  const bool ok = std::ferror(file) == 0;
  std::fclose(file);
  return ok;
}

// pcap_datalink() answers with the DLT_ value of this platform; files carry LINKTYPE_ values. They are
// the same number except for a few old types whose DLT_ differs between platforms.
int linktype_of_dlt(int dlt) {
  switch (dlt) {
    case DLT_RAW: return 101;            // LINKTYPE_RAW
    case DLT_ATM_RFC1483: return 100;    // LINKTYPE_ATM_RFC1483
    default: return dlt;
  }
}

}  // namespace

PcapReader::PcapReader(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw core::ConfigError("<empty path>", "pcap", "no file name given");
  const FileScan file_scan = scan(path_);
  format_ = file_scan.is_pcapng ? "pcapng" : "pcap";
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (file_scan.snaplens_differ && read_whole_file(path_, patched_)) {
    // Give every IDB SnapLen 0 ("no limit"; zero in either byte order), so that libpcap accepts the
    // file; packet blocks keep their own captured lengths, so no byte is lost.
    for (long at : file_scan.idb_snaplen_offsets)
      if (static_cast<std::size_t>(at) + 4 <= patched_.size()) std::fill_n(patched_.begin() + at, 4, std::uint8_t{0});
    std::FILE* memory = fmemopen(patched_.data(), patched_.size(), "rb");
    if (memory != nullptr) {
      pcap_ = pcap_fopen_offline_with_tstamp_precision(memory, PCAP_TSTAMP_PRECISION_NANO, errbuf);
      if (pcap_ == nullptr) std::fclose(memory);
    }
  } else {
    pcap_ = pcap_open_offline_with_tstamp_precision(path_.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  }
  if (pcap_ == nullptr) {
    std::string reason = errbuf[0] != '\0' ? errbuf : "libpcap could not open it";
    throw core::ConfigError(path_, "pcap", "cannot read capture: " + reason);
  }
  dlt_ = pcap_datalink(pcap_);
  link_type_ = linktype_of_dlt(dlt_);
  const int snaplen = pcap_snapshot(pcap_);
  snaplen_ = snaplen > 0 ? static_cast<std::uint32_t>(snaplen) : 0;
  swapped_ = pcap_is_swapped(pcap_) == 1;
}

PcapReader::PcapReader(PcapReader&& other) noexcept
    : path_(std::move(other.path_)),
      patched_(std::move(other.patched_)),
      pcap_(std::exchange(other.pcap_, nullptr)),
      dlt_(other.dlt_),
      link_type_(other.link_type_),
      snaplen_(other.snaplen_),
      format_(std::move(other.format_)),
      swapped_(other.swapped_),
      records_read_(other.records_read_),
      truncated_records_(other.truncated_records_),
      at_end_(other.at_end_),
      record_offset_(other.record_offset_),
      error_(std::move(other.error_)) {}

PcapReader& PcapReader::operator=(PcapReader&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    patched_ = std::move(other.patched_);
    pcap_ = std::exchange(other.pcap_, nullptr);
    dlt_ = other.dlt_;
    link_type_ = other.link_type_;
    snaplen_ = other.snaplen_;
    format_ = std::move(other.format_);
    swapped_ = other.swapped_;
    records_read_ = other.records_read_;
    truncated_records_ = other.truncated_records_;
    at_end_ = other.at_end_;
    record_offset_ = other.record_offset_;
    error_ = std::move(other.error_);
  }
  return *this;
}

PcapReader::~PcapReader() { release(); }

void PcapReader::release() noexcept {
  if (pcap_ != nullptr) pcap_close(pcap_);
  pcap_ = nullptr;
}

bool PcapReader::next(Record& record) {
  if (at_end_ || pcap_ == nullptr) {
    at_end_ = true;
    return false;
  }
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  // Where this record starts: libpcap reads the file through stdio, so the stream's position before
  // pcap_next_ex is the record's (or the corrupt block's) byte offset, for reports.
  if (FILE* file = pcap_file(pcap_); file != nullptr) {
    const long position = std::ftell(file);
    if (position >= 0) record_offset_ = static_cast<std::uint64_t>(position);
  }
  const int rc = pcap_next_ex(pcap_, &header, &data);
  if (rc == 1) {
    // In a nanosecond-precision handle tv_usec holds nanoseconds. Timestamps come from the file, so
    // they may be anything: keep the arithmetic in unsigned 64 bits (no signed overflow).
    const auto sec = static_cast<std::int64_t>(header->ts.tv_sec);
    const auto frac = static_cast<std::int64_t>(header->ts.tv_usec);
    record.ts_ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(sec) * 1'000'000'000ULL +
                                             static_cast<std::uint64_t>(frac));
    record.orig_len = header->len;
    // Size from caplen, which libpcap has bounded by its buffer; never from len (see the fuzzed files).
    record.bytes.assign(data, data + header->caplen);
    ++records_read_;
    if (record.is_truncated()) ++truncated_records_;
    return true;
  }
  at_end_ = true;
  if (rc == PCAP_ERROR_BREAK) return false;  // clean end of file
  const char* message = pcap_geterr(pcap_);
  error_ = message != nullptr && message[0] != '\0' ? message : "libpcap error " + std::to_string(rc);
  return false;
}

std::optional<PcapReader::Record> PcapReader::next() {
  Record record;
  if (!next(record)) return std::nullopt;
  return record;
}

std::uint64_t PcapReader::for_each(const std::function<void(const Record&)>& fn) {
  std::uint64_t count = 0;
  Record record;
  while (next(record)) {
    fn(record);
    ++count;
  }
  return count;
}

std::vector<PcapReader::Record> PcapReader::read_all() {
  std::vector<Record> records;
  Record record;
  while (next(record)) records.push_back(record);
  return records;
}

std::string PcapReader::link_type_name() const {
  const char* name = pcap_datalink_val_to_name(dlt_);
  return name != nullptr ? std::string(name) : "LINKTYPE_" + std::to_string(link_type_);
}

void PcapReader::require_ethernet() const {
  if (is_ethernet()) return;
  const char* description = pcap_datalink_val_to_description(dlt_);
  std::string what = link_type_name() + " (" + std::to_string(link_type_);
  if (description != nullptr) what += ", " + std::string(description);
  throw core::ConfigError(path_, "pcap",
                          "unsupported link type " + what + "): only Ethernet (EN10MB, 1) captures can be replayed");
}

}  // namespace vpcsim::io
