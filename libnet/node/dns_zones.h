// The records a DNS server is authoritative for, and the answer it gives from them (RFC 1034 4.3.2's
// algorithm, for the record types this model serves: A, CNAME, PTR, NS).
//
// A query for a name inside one of the zones is answered authoritatively (AA): the name's records of
// the asked type; a CNAME at the name is added and followed while its target stays in the zones
// (RFC 1034 3.6.2: a CNAME owner has no other data); NXDOMAIN when the name (the end of the CNAME
// chain, RFC 6604) has no records and nothing below it, NOERROR with no answer (NODATA) when it
// exists with other types. Validation at construction makes loops impossible: a CNAME chain that
// comes back to itself, a CNAME beside other data and a record outside its zone are ConfigErrors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/wire/dns.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::node {

struct DnsZoneRecord {
  std::string name;  ///< absolute ("db.example.internal")
  std::uint16_t type = wire::dns_type::a;
  wire::Ipv4Address address;  ///< A
  std::string target;         ///< CNAME, PTR, NS
  std::uint32_t ttl = 300;
};

struct DnsZone {
  std::string origin;  ///< "example.internal", "1.0.10.in-addr.arpa"
  std::vector<DnsZoneRecord> records;
};

/// A record from a zone-file line (RFC 1035 5.1) in `origin`: "NAME [TTL] [IN] TYPE VALUE", e.g.
/// "db A 10.0.1.20", "www 60 CNAME db", "20 PTR db.example.internal.". As in a zone file, a name
/// (or target) ending in a dot is absolute, "@" is the origin and any other name is relative to it.
/// Throws core::ParseError quoting the line.
DnsZoneRecord parse_zone_record(std::string_view line, std::string_view origin);

class DnsZones {
 public:
  /// Throws core::ConfigError naming `owner` and the record for a bad name, a record outside its
  /// zone, a CNAME beside other data, a CNAME loop or a record type other than A, CNAME, PTR, NS.
  DnsZones(std::string_view owner, const std::vector<DnsZone>& zones);

  /// The zone origin that holds `name` (the longest), if any.
  std::optional<std::string> zone_of(std::string_view name) const;
  /// The authoritative answer to `question`, which must be inside one of the zones: rcode and the
  /// answer records (a CNAME chain first, then the records of the type asked).
  struct Answer {
    std::uint8_t rcode = 0;
    std::vector<wire::DnsRecord> records;
  };
  Answer answer(const wire::DnsQuestion& question) const;
  std::size_t record_count() const { return count_; }

 private:
  bool exists(const std::string& key) const;
  std::vector<std::string> origins_;                          ///< lower case
  std::map<std::string, std::vector<DnsZoneRecord>> names_;   ///< by lower-case name
  std::size_t count_ = 0;
};

}  // namespace vpcsim::node
