// PcapReader: records from a pcap or pcapng file, through libpcap.
//
// libpcap reads classic pcap (microsecond or nanosecond magic, either byte order) and pcapng (either
// byte order, per-interface if_tsresol); opened with nanosecond precision it hands every timestamp
// over as nanoseconds, so one Record type covers them all.
//
// Bad captures are reported, never crashed on (DESIGN.md, decision 6):
// - a file that cannot be opened or is not a capture (bad magic, unsupported version, a corrupt
//   pcapng section header) throws core::ConfigError(path, "pcap", <libpcap's reason>) from the
//   constructor;
// - a file cut short (a record header or its data ends at EOF) or a corrupt later block: next()
//   returns every whole record before it, then std::nullopt, and error() holds libpcap's message
//   ("truncated dump file; tried to read 16 header bytes, only got 11");
// - a record captured short of its original length (snaplen) is a normal record with
//   bytes.size() < orig_len (is_truncated()); buffers are sized from the captured length only.
// A pcapng whose interfaces declare different snapshot lengths, which libpcap's one-snaplen-per-file
// API refuses (libpcap issue #1078), is read from a copy in memory with the SnapLen fields cleared;
// interfaces of different link types remain an error, as libpcap reports it.
// The reader does not judge the link type: link_type() says what it is and require_ethernet() throws
// for anything a simulated Ethernet cannot replay (LINUX_SLL, RAW, ...), naming it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct pcap;

namespace vpcsim::io {

/// LINKTYPE_ETHERNET / DLT_EN10MB.
inline constexpr int kLinkTypeEthernet = 1;

struct PcapRecord {
  std::int64_t ts_ns = 0;        ///< nanoseconds since the Unix epoch
  std::uint32_t orig_len = 0;    ///< the frame's length on the wire
  std::vector<std::uint8_t> bytes;  ///< the captured bytes (possibly fewer than orig_len)

  bool is_truncated() const { return bytes.size() < orig_len; }
};

class PcapReader {
 public:
  using Record = PcapRecord;

  /// Throws core::ConfigError(path, "pcap", reason) if the file cannot be opened or is not a capture
  /// libpcap can read.
  explicit PcapReader(std::string path);
  PcapReader(PcapReader&& other) noexcept;
  PcapReader& operator=(PcapReader&& other) noexcept;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  ~PcapReader();

  /// The next record, or std::nullopt at the end of the file or at an error (see error()).
  std::optional<Record> next();
  /// Like next(), reusing `record`'s buffer. Returns false at the end or at an error.
  bool next(Record& record);
  /// Calls `fn` for every remaining record; returns how many.
  std::uint64_t for_each(const std::function<void(const Record&)>& fn);
  /// Every remaining record.
  std::vector<Record> read_all();

  const std::string& path() const { return path_; }
  /// The file's link type (LINKTYPE_ value), e.g. 1 for Ethernet, 113 for LINUX_SLL.
  int link_type() const { return link_type_; }
  /// "EN10MB", "LINUX_SLL", "RAW", ... or "LINKTYPE_<n>" when libpcap has no name for it.
  std::string link_type_name() const;
  bool is_ethernet() const { return link_type_ == kLinkTypeEthernet; }
  /// Throws core::ConfigError(path, "pcap", "unsupported link type LINUX_SLL (113): ...") unless the
  /// capture is Ethernet.
  void require_ethernet() const;
  /// The snapshot length from the file header (from the first interface of a pcapng; the maximum for
  /// the link type, 262144 for Ethernet, when the interfaces disagreed).
  std::uint32_t snaplen() const { return snaplen_; }
  /// Classic pcap: "pcap"; pcapng: "pcapng" (as libpcap reports it, by its major version).
  const std::string& format() const { return format_; }
  bool is_swapped() const { return swapped_; }

  /// Whole records returned so far.
  std::uint64_t records_read() const { return records_read_; }
  /// Records returned whose captured length is less than their original length.
  std::uint64_t truncated_records() const { return truncated_records_; }
  /// True once the end of the file (or an error) was reached.
  bool at_end() const { return at_end_; }
  /// True if reading stopped at an error rather than at a clean end of file.
  bool has_error() const { return !error_.empty(); }
  /// Byte offset in the file of the record last returned, or of the record or block reading stopped at
  /// (0 before the first).
  std::uint64_t record_offset() const { return record_offset_; }
  /// libpcap's message for the error that stopped reading, or "" (a clean end, or not at the end yet).
  const std::string& error() const { return error_; }

 private:
  void release() noexcept;

  std::string path_;
  /// The file in memory, for a pcapng whose interfaces declare different snapshot lengths (libpcap
  /// reads it from here through fmemopen, so it must outlive pcap_; a moved vector keeps its buffer).
  std::vector<std::uint8_t> patched_;
  ::pcap* pcap_ = nullptr;
  int dlt_ = 0;        ///< this platform's DLT_ value
  int link_type_ = 0;  ///< the file's LINKTYPE_ value
  std::uint32_t snaplen_ = 0;
  std::string format_;
  bool swapped_ = false;
  std::uint64_t records_read_ = 0;
  std::uint64_t truncated_records_ = 0;
  bool at_end_ = false;
  std::uint64_t record_offset_ = 0;
  std::string error_;
};

}  // namespace vpcsim::io
