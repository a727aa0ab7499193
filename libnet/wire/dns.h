// DNS messages (RFC 1035 section 4; RCODEs and opcodes as RFC 6895 lists them) as they travel in a
// UDP datagram on port 53.
//
// DnsView checks the 12-byte header and reads its fields in place. DnsRepr is the owned message a
// resolver or server builds and reads: the header, the questions and the resource records of the
// three sections, with names as dotted text ("db.example.internal", no trailing dot; "" is the root).
// DnsRepr::parse follows compression pointers (RFC 1035 4.1.4); a pointer must point strictly
// before the label it replaces, so a message cannot make the parser loop. emit() compresses names
// as servers do (a repeated name or suffix becomes a pointer to its first occurrence), so an answer
// to "db.example" carries the name once. Record data is decoded for A (an address), CNAME, PTR and NS
// (a name); other types keep their RDATA bytes as received (they are never emitted with names in
// them by this model). Names compare case-insensitively (RFC 4343) through dns_name_equal().
//
//                                   1  1  1  1  1  1
//     0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |                      ID                       |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |                    QDCOUNT                    |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |                    ANCOUNT                    |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |                    NSCOUNT                    |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   |                    ARCOUNT                    |
//   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//   then QDCOUNT questions (QNAME, QTYPE, QCLASS) and the answer, authority and additional records
//   (NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/wire/bytes.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kDnsHeaderLen = 12;
inline constexpr std::uint16_t kDnsPort = 53;
/// RFC 1035 2.3.4: a name is at most 255 bytes on the wire, a label at most 63.
inline constexpr std::size_t kDnsMaxNameLen = 255;
inline constexpr std::size_t kDnsMaxLabelLen = 63;
/// RFC 1035 4.2.1: a UDP message is at most 512 bytes without EDNS.
inline constexpr std::size_t kDnsMaxUdpLen = 512;

/// Resource record types this model speaks (RFC 1035 3.2.2); others pass through as numbers.
namespace dns_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ns = 2;
inline constexpr std::uint16_t cname = 5;
inline constexpr std::uint16_t soa = 6;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t aaaa = 28;
}  // namespace dns_type
inline constexpr std::uint16_t kDnsClassIn = 1;

enum class DnsRcode : std::uint8_t {
  no_error = 0,
  format_error = 1,
  server_failure = 2,
  name_error = 3,  ///< NXDOMAIN
  not_implemented = 4,
  refused = 5,
};
/// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", or "RCODE<n>", as dig prints them.
std::string dns_rcode_text(std::uint8_t rcode);
/// "A", "CNAME", "PTR", ... or "TYPE<n>" (RFC 3597).
std::string dns_type_text(std::uint16_t type);
/// Parses "A", "CNAME", "PTR", "NS" (any case); 0 if none of them.
std::uint16_t parse_dns_type(std::string_view text);

/// Case-insensitive comparison of two dotted names (RFC 4343), ignoring one trailing dot.
bool dns_name_equal(std::string_view a, std::string_view b);
/// The name in lower case without a trailing dot: the key zones and caches use.
std::string dns_name_key(std::string_view name);
/// Whether `name` is `zone` or below it ("db.example" is in "example" and in "").
bool dns_name_in_zone(std::string_view name, std::string_view zone);
/// Empty if `name` can be written on the wire (labels of 1-63 bytes, at most 255 bytes in all),
/// else why not ("label 'x...' is longer than 63 bytes").
std::string dns_name_problem(std::string_view name);
/// The reverse-lookup name of an address: 10.0.1.10 -> "10.1.0.10.in-addr.arpa" (RFC 1035 3.5).
std::string dns_reverse_name(Ipv4Address address);

/// A zero-copy view of a DNS message: the header, checked to be present; sections are read by
/// DnsRepr::parse.
class DnsView {
 public:
  /// truncated below the 12-byte header.
  static Parsed<DnsView> parse(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kDnsHeaderLen) return WireError::truncated;
    return DnsView(bytes);
  }

  std::uint16_t id() const { return load_be16(buf_.data()); }
  std::uint16_t flags() const { return load_be16(buf_.data() + 2); }
  bool is_response() const { return (flags() & 0x8000) != 0; }
  std::uint8_t opcode() const { return static_cast<std::uint8_t>((flags() >> 11) & 0xf); }
  bool is_authoritative() const { return (flags() & 0x0400) != 0; }
  bool is_truncated() const { return (flags() & 0x0200) != 0; }
  bool recursion_desired() const { return (flags() & 0x0100) != 0; }
  bool recursion_available() const { return (flags() & 0x0080) != 0; }
  /// AD and CD (RFC 4035 3.2): dig and newer stubs set AD in queries.
  bool authentic_data() const { return (flags() & 0x0020) != 0; }
  bool checking_disabled() const { return (flags() & 0x0010) != 0; }
  std::uint8_t rcode() const { return static_cast<std::uint8_t>(flags() & 0xf); }
  std::uint16_t question_count() const { return load_be16(buf_.data() + 4); }
  std::uint16_t answer_count() const { return load_be16(buf_.data() + 6); }
  std::uint16_t authority_count() const { return load_be16(buf_.data() + 8); }
  std::uint16_t additional_count() const { return load_be16(buf_.data() + 10); }
  std::span<const std::uint8_t> bytes() const { return buf_; }

 private:
  explicit DnsView(std::span<const std::uint8_t> buf) : buf_(buf) {}
  std::span<const std::uint8_t> buf_;
};

struct DnsQuestion {
  std::string name;
  std::uint16_t type = dns_type::a;
  std::uint16_t klass = kDnsClassIn;
  friend bool operator==(const DnsQuestion&, const DnsQuestion&) = default;
};

/// A resource record. `address` holds an A record's data, `target` a CNAME's, PTR's or NS's name;
/// `rdata` the bytes of any other type.
struct DnsRecord {
  std::string name;
  std::uint16_t type = dns_type::a;
  std::uint16_t klass = kDnsClassIn;
  std::uint32_t ttl = 0;
  Ipv4Address address;
  std::string target;
  std::vector<std::uint8_t> rdata;

  /// "db.example. 60 IN A 10.0.1.20", as dig prints an answer line.
  std::string to_string() const;
  friend bool operator==(const DnsRecord&, const DnsRecord&) = default;
};

/// The owned form of a DNS message.
struct DnsRepr {
  std::uint16_t id = 0;
  bool response = false;
  std::uint8_t opcode = 0;  ///< 0: a standard query
  bool authoritative = false;
  bool truncated = false;
  bool recursion_desired = false;
  bool recursion_available = false;
  bool authentic_data = false;
  bool checking_disabled = false;
  std::uint8_t rcode = 0;
  std::vector<DnsQuestion> questions;
  std::vector<DnsRecord> answers;
  std::vector<DnsRecord> authorities;
  std::vector<DnsRecord> additionals;

  /// truncated if a section ends early; unsupported for a name that breaks RFC 1035's rules (a
  /// label type other than 0 or 3, a pointer that does not point backwards, a name over 255 bytes),
  /// for A records whose RDATA is not 4 bytes and for names in RDATA that do not fill it exactly.
  static Parsed<DnsRepr> parse(const DnsView& view);
  /// A standard query for one name: RD set as a stub resolver sends it (glibc res_mkquery).
  static DnsRepr query(std::uint16_t id, std::string name, std::uint16_t type);
  /// The answer skeleton for `query`: its id, opcode, RD and question, QR set.
  static DnsRepr reply_to(const DnsRepr& query, std::uint8_t rcode);

  /// Bytes emit() writes. Precondition: every name passes dns_name_problem().
  std::size_t wire_len() const;
  /// Writes the message; returns wire_len(). Precondition: buf.size() >= wire_len().
  std::size_t emit(std::span<std::uint8_t> buf) const;
  std::vector<std::uint8_t> to_bytes() const;

  friend bool operator==(const DnsRepr&, const DnsRepr&) = default;
};

}  // namespace vpcsim::wire
