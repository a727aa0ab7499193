// DNS message parsing (with name decompression) and emission (with name compression).
#include "libnet/wire/dns.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <utility>

namespace vpcsim::wire {
namespace {

std::string_view strip_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

// Reads the name at `pos`: appends it to `out` and returns the offset just after it in the message's
// own sequence (after the first pointer, if any). Each pointer must point before the previous one
// (or before the name's start), so the walk always ends.
Parsed<std::size_t> read_name(std::span<const std::uint8_t> msg, std::size_t pos, std::string& out) {
  std::size_t cursor = pos;
  std::size_t limit = pos;
  std::size_t end = 0;
  std::size_t wire_len = 1;  // the root label
  out.clear();
  for (;;) {
    if (cursor >= msg.size()) return WireError::truncated;
    const std::uint8_t len = msg[cursor];
    if ((len & 0xc0) == 0xc0) {
      if (cursor + 1 >= msg.size()) return WireError::truncated;
      const std::size_t target = (static_cast<std::size_t>(len & 0x3f) << 8) | msg[cursor + 1];
      if (target >= limit) return WireError::unsupported;
      if (end == 0) end = cursor + 2;
      limit = target;
      cursor = target;
      continue;
    }
    if ((len & 0xc0) != 0) return WireError::unsupported;  // 0x40/0x80 label types (RFC 6891 retired them)
    if (len == 0) {
      if (end == 0) end = cursor + 1;
      return end;
    }
    if (cursor + 1 + len > msg.size()) return WireError::truncated;
    wire_len += 1 + len;
    if (wire_len > kDnsMaxNameLen) return WireError::unsupported;
    const auto label = msg.subspan(cursor + 1, len);
    // A dot inside a label has no dotted-text form that reads back the same: refused.
    if (std::find(label.begin(), label.end(), '.') != label.end()) return WireError::unsupported;
    if (!out.empty()) out.push_back('.');
    out.append(label.begin(), label.end());
    cursor += 1 + len;
  }
}

// Writes (or, with an empty buffer, only measures) a message, compressing names.
class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> buf) : buf_(buf) {}
  std::size_t pos() const { return pos_; }

  void put8(std::uint8_t v) {
    if (!buf_.empty()) buf_[pos_] = v;
    ++pos_;
  }
  void put16(std::uint16_t v) {
    if (!buf_.empty()) store_be16(buf_.data() + pos_, v);
    pos_ += 2;
  }
  void put32(std::uint32_t v) {
    if (!buf_.empty()) store_be32(buf_.data() + pos_, v);
    pos_ += 4;
  }
  void put_bytes(std::span<const std::uint8_t> bytes) {
    if (!buf_.empty()) std::copy(bytes.begin(), bytes.end(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ += bytes.size();
  }
  void patch16(std::size_t at, std::uint16_t v) {
    if (!buf_.empty()) store_be16(buf_.data() + at, v);
  }

  void put_name(std::string_view name) {
    name = strip_dot(name);
    while (!name.empty()) {
      // Exact bytes, not case-folded: a name reads back spelt as it was given.
      std::string key(name);
      const auto seen = std::find_if(suffixes_.begin(), suffixes_.end(), [&](const auto& s) { return s.first == key; });
      if (seen != suffixes_.end()) {
        put16(static_cast<std::uint16_t>(0xc000 | seen->second));
        return;
      }
      if (pos_ < 0x4000) suffixes_.emplace_back(std::move(key), static_cast<std::uint16_t>(pos_));
      const std::size_t dot = name.find('.');
      const std::string_view label = name.substr(0, dot);
      put8(static_cast<std::uint8_t>(label.size()));
      put_bytes(std::span(reinterpret_cast<const std::uint8_t*>(label.data()), label.size()));
      name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    put8(0);
  }

  void put_record(const DnsRecord& r) {
    put_name(r.name);
    put16(r.type);
    put16(r.klass);
    put32(r.ttl);
    const std::size_t len_at = pos_;
    put16(0);
    if (r.type == dns_type::a) {
      put32(r.address.to_u32());
    } else if (r.type == dns_type::cname || r.type == dns_type::ptr || r.type == dns_type::ns) {
      put_name(r.target);
    } else {
      put_bytes(r.rdata);
    }
    patch16(len_at, static_cast<std::uint16_t>(pos_ - len_at - 2));
  }

 private:
  std::span<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  std::vector<std::pair<std::string, std::uint16_t>> suffixes_;
};

std::size_t write(const DnsRepr& m, Writer& w) {
  w.put16(m.id);
  const std::uint16_t flags = static_cast<std::uint16_t>(
      (m.response ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.authoritative ? 0x0400 : 0) | (m.truncated ? 0x0200 : 0) |
      (m.recursion_desired ? 0x0100 : 0) | (m.recursion_available ? 0x0080 : 0) | (m.authentic_data ? 0x0020 : 0) |
      (m.checking_disabled ? 0x0010 : 0) | (m.rcode & 0xf));
  w.put16(flags);
  w.put16(static_cast<std::uint16_t>(m.questions.size()));
  w.put16(static_cast<std::uint16_t>(m.answers.size()));
  w.put16(static_cast<std::uint16_t>(m.authorities.size()));
  w.put16(static_cast<std::uint16_t>(m.additionals.size()));
  for (const auto& q : m.questions) {
    w.put_name(q.name);
    w.put16(q.type);
    w.put16(q.klass);
  }
  for (const auto* section : {&m.answers, &m.authorities, &m.additionals})
    for (const auto& r : *section) w.put_record(r);
  return w.pos();
}

Parsed<std::size_t> read_record(std::span<const std::uint8_t> msg, std::size_t pos, DnsRecord& r) {
  auto after = read_name(msg, pos, r.name);
  if (!after) return after.error();
  pos = *after;
  if (pos + 10 > msg.size()) return WireError::truncated;
  r.type = load_be16(msg.data() + pos);
  r.klass = load_be16(msg.data() + pos + 2);
  r.ttl = load_be32(msg.data() + pos + 4);
  const std::size_t rdlen = load_be16(msg.data() + pos + 8);
  pos += 10;
  if (pos + rdlen > msg.size()) return WireError::truncated;
  if (r.type == dns_type::a) {
    if (rdlen != 4) return WireError::unsupported;
    r.address = Ipv4Address(load_be32(msg.data() + pos));
  } else if (r.type == dns_type::cname || r.type == dns_type::ptr || r.type == dns_type::ns) {
    // The name may point back into the message, but must end where RDATA does.
    auto end = read_name(msg.first(pos + rdlen), pos, r.target);
    if (!end) return end.error() == WireError::truncated ? WireError::unsupported : end.error();
    if (*end != pos + rdlen) return WireError::unsupported;
  } else {
    r.rdata.assign(msg.begin() + static_cast<std::ptrdiff_t>(pos), msg.begin() + static_cast<std::ptrdiff_t>(pos + rdlen));
  }
  return pos + rdlen;
}

}  // namespace

std::string dns_rcode_text(std::uint8_t rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
  }
  return "RCODE" + std::to_string(rcode);
}

std::string dns_type_text(std::uint16_t type) {
  switch (type) {
    case dns_type::a: return "A";
    case dns_type::ns: return "NS";
    case dns_type::cname: return "CNAME";
    case dns_type::soa: return "SOA";
    case dns_type::ptr: return "PTR";
    case dns_type::aaaa: return "AAAA";
  }
  return "TYPE" + std::to_string(type);
}

std::uint16_t parse_dns_type(std::string_view text) {
  const std::string key = dns_name_key(text);
  if (key == "a") return dns_type::a;
  if (key == "cname") return dns_type::cname;
  if (key == "ptr") return dns_type::ptr;
  if (key == "ns") return dns_type::ns;
  return 0;
}

bool dns_name_equal(std::string_view a, std::string_view b) {
  a = strip_dot(a);
  b = strip_dot(b);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string dns_name_key(std::string_view name) {
  name = strip_dot(name);
  std::string key(name);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

bool dns_name_in_zone(std::string_view name, std::string_view zone) {
  name = strip_dot(name);
  zone = strip_dot(zone);
  if (zone.empty()) return true;
  if (name.size() < zone.size()) return false;
  if (!dns_name_equal(name.substr(name.size() - zone.size()), zone)) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

std::string dns_name_problem(std::string_view name) {
  name = strip_dot(name);
  if (name.empty()) return {};
  if (name.size() + 2 > kDnsMaxNameLen) return "name is longer than 255 bytes on the wire";
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    const std::string_view label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "empty label (two dots in a row, or a leading dot)";
    if (label.size() > kDnsMaxLabelLen) return "label '" + std::string(label.substr(0, 16)) + "...' is longer than 63 bytes";
    if (dot == std::string_view::npos) return {};
    start = dot + 1;
  }
}

std::string dns_reverse_name(Ipv4Address address) {
  const std::uint32_t a = address.to_u32();
  return std::to_string(a & 0xff) + "." + std::to_string((a >> 8) & 0xff) + "." + std::to_string((a >> 16) & 0xff) + "." +
         std::to_string(a >> 24) + ".in-addr.arpa";
}

std::string DnsRecord::to_string() const {
  std::string text = name + ". " + std::to_string(ttl) + " " + (klass == kDnsClassIn ? "IN" : "CLASS" + std::to_string(klass)) +
                     " " + dns_type_text(type) + " ";
  if (type == dns_type::a) return text + address.to_string();
  if (type == dns_type::cname || type == dns_type::ptr || type == dns_type::ns) return text + target + ".";
  return text + "\\# " + std::to_string(rdata.size());
}

Parsed<DnsRepr> DnsRepr::parse(const DnsView& view) {
  const auto msg = view.bytes();
  DnsRepr m;
  m.id = view.id();
  m.response = view.is_response();
  m.opcode = view.opcode();
  m.authoritative = view.is_authoritative();
  m.truncated = view.is_truncated();
  m.recursion_desired = view.recursion_desired();
  m.recursion_available = view.recursion_available();
  m.authentic_data = view.authentic_data();
  m.checking_disabled = view.checking_disabled();
  m.rcode = view.rcode();
  std::size_t pos = kDnsHeaderLen;
  // Counts come from the sender: each entry takes at least 5 bytes, so a count the message cannot
  // hold is truncated before anything is reserved for it.
  for (std::uint16_t i = 0; i < view.question_count(); ++i) {
    DnsQuestion q;
    auto after = read_name(msg, pos, q.name);
    if (!after) return after.error();
    pos = *after;
    if (pos + 4 > msg.size()) return WireError::truncated;
    q.type = load_be16(msg.data() + pos);
    q.klass = load_be16(msg.data() + pos + 2);
    pos += 4;
    m.questions.push_back(std::move(q));
  }
  const std::pair<std::uint16_t, std::vector<DnsRecord>*> sections[] = {
      {view.answer_count(), &m.answers}, {view.authority_count(), &m.authorities}, {view.additional_count(), &m.additionals}};
  for (const auto& [count, records] : sections) {
    for (std::uint16_t i = 0; i < count; ++i) {
      DnsRecord r;
      auto after = read_record(msg, pos, r);
      if (!after) return after.error();
      pos = *after;
      records->push_back(std::move(r));
    }
  }
  return m;
}

DnsRepr DnsRepr::query(std::uint16_t id, std::string name, std::uint16_t type) {
  DnsRepr m;
  m.id = id;
  m.recursion_desired = true;
  m.questions.push_back(DnsQuestion{std::string(strip_dot(name)), type, kDnsClassIn});
  return m;
}

DnsRepr DnsRepr::reply_to(const DnsRepr& query, std::uint8_t rcode) {
  DnsRepr m;
  m.id = query.id;
  m.response = true;
  m.opcode = query.opcode;
  m.recursion_desired = query.recursion_desired;
  m.rcode = rcode;
  m.questions = query.questions;
  return m;
}

std::size_t DnsRepr::wire_len() const {
  Writer w({});
  return write(*this, w);
}

std::size_t DnsRepr::emit(std::span<std::uint8_t> buf) const {
  assert(buf.size() >= wire_len());
  Writer w(buf);
  return write(*this, w);
}

std::vector<std::uint8_t> DnsRepr::to_bytes() const {
  std::vector<std::uint8_t> out(wire_len());
  emit(out);
  return out;
}

}  // namespace vpcsim::wire
