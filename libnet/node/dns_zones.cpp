#include "libnet/node/dns_zones.h"

#include <algorithm>

#include "libnet/core/error.h"

namespace vpcsim::node {
namespace {

wire::DnsRecord to_wire(const DnsZoneRecord& r) {
  wire::DnsRecord out;
  out.name = r.name;
  out.type = r.type;
  out.ttl = r.ttl;
  out.address = r.address;
  out.target = r.target;
  return out;
}

std::string absolute(std::string_view name, std::string_view origin) {
  if (name == "@") return std::string(origin);
  if (!name.empty() && name.back() == '.') return std::string(name.substr(0, name.size() - 1));
  return origin.empty() ? std::string(name) : std::string(name) + "." + std::string(origin);
}

}  // namespace

DnsZoneRecord parse_zone_record(std::string_view line, std::string_view origin) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t start = line.find_first_not_of(" \t", i);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
    words.push_back(line.substr(start, end - start));
    i = end;
  }
  auto fail = [&](std::string_view reason) { throw core::ParseError("zone record", line, reason); };
  if (words.size() < 3) fail("expected NAME [TTL] [IN] TYPE VALUE");
  DnsZoneRecord record;
  record.name = absolute(words[0], origin);
  std::size_t at = 1;
  if (!words[at].empty() && std::all_of(words[at].begin(), words[at].end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (words[at].size() > 10 || std::stoull(std::string(words[at])) > 0x7fffffffULL) fail("TTL above 2147483647 (RFC 2181 8)");
    record.ttl = static_cast<std::uint32_t>(std::stoul(std::string(words[at])));
    ++at;
  }
  if (at < words.size() && wire::dns_name_key(words[at]) == "in") ++at;
  if (at + 2 != words.size()) fail("expected NAME [TTL] [IN] TYPE VALUE");
  record.type = wire::parse_dns_type(words[at]);
  if (record.type == 0) fail("type '" + std::string(words[at]) + "' is not one of A, CNAME, PTR, NS");
  if (record.type == wire::dns_type::a) {
    record.address = wire::Ipv4Address::parse(words[at + 1]);
  } else {
    record.target = absolute(words[at + 1], origin);
  }
  return record;
}

DnsZones::DnsZones(std::string_view owner, const std::vector<DnsZone>& zones) {
  const std::string who(owner);
  for (const auto& zone : zones) {
    const std::string problem = wire::dns_name_problem(zone.origin);
    if (!problem.empty()) throw core::ConfigError(who, "zone " + zone.origin, problem);
    const std::string origin = wire::dns_name_key(zone.origin);
    if (std::find(origins_.begin(), origins_.end(), origin) != origins_.end())
      throw core::ConfigError(who, "zone " + zone.origin, "the zone is given twice");
    origins_.push_back(origin);
    for (const auto& record : zone.records) {
      const std::string what = "record " + record.name + " " + wire::dns_type_text(record.type);
      std::string bad = wire::dns_name_problem(record.name);
      if (record.name.empty()) bad = "empty name";
      if (!bad.empty()) throw core::ConfigError(who, what, bad);
      if (!wire::dns_name_in_zone(record.name, zone.origin))
        throw core::ConfigError(who, what, "the name is outside zone '" + zone.origin + "'");
      const bool has_target = record.type == wire::dns_type::cname || record.type == wire::dns_type::ptr ||
                              record.type == wire::dns_type::ns;
      if (!has_target && record.type != wire::dns_type::a)
        throw core::ConfigError(who, what, "only A, CNAME, PTR and NS records are served");
      if (has_target && (record.target.empty() || !wire::dns_name_problem(record.target).empty()))
        throw core::ConfigError(who, what, "bad target '" + record.target + "'");
      auto& at = names_[wire::dns_name_key(record.name)];
      for (const auto& other : at) {
        if ((other.type == wire::dns_type::cname) != (record.type == wire::dns_type::cname))
          throw core::ConfigError(who, what, "a CNAME cannot share its name with other records (RFC 1034 3.6.2)");
        if (other.type == wire::dns_type::cname)
          throw core::ConfigError(who, what, "a name has at most one CNAME");
      }
      at.push_back(record);
      ++count_;
    }
  }
  // CNAME chains must end: follow each one within these zones.
  for (const auto& [name, records] : names_) {
    if (records.front().type != wire::dns_type::cname) continue;
    std::vector<std::string> chain{name};
    std::string next = wire::dns_name_key(records.front().target);
    for (;;) {
      if (std::find(chain.begin(), chain.end(), next) != chain.end()) {
        std::string path;
        for (const auto& n : chain) path += n + " -> ";
        throw core::ConfigError(who, "record " + name + " CNAME", "CNAME loop: " + path + next);
      }
      const auto it = names_.find(next);
      if (it == names_.end() || it->second.front().type != wire::dns_type::cname) break;
      chain.push_back(next);
      next = wire::dns_name_key(it->second.front().target);
    }
  }
}

std::optional<std::string> DnsZones::zone_of(std::string_view name) const {
  const std::string* best = nullptr;
  for (const auto& origin : origins_)
    if (wire::dns_name_in_zone(name, origin) && (best == nullptr || origin.size() > best->size())) best = &origin;
  if (best == nullptr) return std::nullopt;
  return *best;
}

bool DnsZones::exists(const std::string& key) const {
  if (names_.count(key) != 0) return true;
  // An empty non-terminal (a name with records only below it) exists too (RFC 8020).
  return std::any_of(names_.begin(), names_.end(), [&](const auto& entry) {
    return entry.first.size() > key.size() && wire::dns_name_in_zone(entry.first, key);
  });
}

DnsZones::Answer DnsZones::answer(const wire::DnsQuestion& question) const {
  Answer answer;
  std::string key = wire::dns_name_key(question.name);
  for (;;) {
    const auto it = names_.find(key);
    if (it == names_.end()) {
      if (!exists(key)) answer.rcode = static_cast<std::uint8_t>(wire::DnsRcode::name_error);
      return answer;
    }
    const auto& records = it->second;
    if (records.front().type == wire::dns_type::cname && question.type != wire::dns_type::cname) {
      answer.records.push_back(to_wire(records.front()));
      key = wire::dns_name_key(records.front().target);
      if (!zone_of(key)) return answer;  // the target is someone else's: the client goes on from here
      continue;
    }
    for (const auto& r : records)
      if (r.type == question.type) answer.records.push_back(to_wire(r));
    return answer;
  }
}

}  // namespace vpcsim::node
