#include "libnet/io/pcap_reader.h"

#include <pcap/pcap.h>

#include <array>
#include <cstdio>
#include <utility>

#include "libnet/core/error.h"

namespace vpcsim::io {
namespace {

// The pcapng Section Header Block type, which starts every pcapng file (it is a palindrome, so it
// reads the same in both byte orders).
constexpr std::array<unsigned char, 4> kPcapngMagic = {0x0a, 0x0d, 0x0d, 0x0a};

std::string sniff_format(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return "pcap";
  std::array<unsigned char, 4> magic{};
  const std::size_t got = std::fread(magic.data(), 1, magic.size(), file);
  std::fclose(file);
  return got == magic.size() && magic == kPcapngMagic ? "pcapng" : "pcap";
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
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_ = pcap_open_offline_with_tstamp_precision(path_.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap_ == nullptr) {
    std::string reason = errbuf[0] != '\0' ? errbuf : "libpcap could not open it";
    throw core::ConfigError(path_, "pcap", "cannot read capture: " + reason);
  }
  dlt_ = pcap_datalink(pcap_);
  link_type_ = linktype_of_dlt(dlt_);
  const int snaplen = pcap_snapshot(pcap_);
  snaplen_ = snaplen > 0 ? static_cast<std::uint32_t>(snaplen) : 0;
  swapped_ = pcap_is_swapped(pcap_) == 1;
  format_ = sniff_format(path_);
}

PcapReader::PcapReader(PcapReader&& other) noexcept
    : path_(std::move(other.path_)),
      pcap_(std::exchange(other.pcap_, nullptr)),
      dlt_(other.dlt_),
      link_type_(other.link_type_),
      snaplen_(other.snaplen_),
      format_(std::move(other.format_)),
      swapped_(other.swapped_),
      records_read_(other.records_read_),
      truncated_records_(other.truncated_records_),
      at_end_(other.at_end_),
      error_(std::move(other.error_)) {}

PcapReader& PcapReader::operator=(PcapReader&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    pcap_ = std::exchange(other.pcap_, nullptr);
    dlt_ = other.dlt_;
    link_type_ = other.link_type_;
    snaplen_ = other.snaplen_;
    format_ = std::move(other.format_);
    swapped_ = other.swapped_;
    records_read_ = other.records_read_;
    truncated_records_ = other.truncated_records_;
    at_end_ = other.at_end_;
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
