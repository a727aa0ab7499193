#include "libnet/io/describe.h"

#include <tins/arp.h>
#include <tins/dot1q.h>
#include <tins/ethernetII.h>
#include <tins/icmp.h>
#include <tins/icmpv6.h>
#include <tins/ip.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>
#include <tins/udp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <optional>

#include "libnet/wire/arp.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/transport_prefix.h"
#include "libnet/wire/udp.h"

namespace vpcsim::io {
namespace {

using Bytes = std::span<const std::uint8_t>;

using wire::kArpLen;
using wire::kEthernetHeaderLen;
using wire::kIcmpHeaderLen;
using wire::kIpv4MinHeaderLen;
using wire::kTcpMinHeaderLen;
using wire::kUdpHeaderLen;
using wire::kVlanTagLen;
constexpr std::size_t kIpv6HeaderLen = 40;  // RFC 8200 §3 (wire/ has no IPv6: libtins decodes it)
constexpr std::size_t kPayloadPreviewLen = 32;

std::string hex(std::uint32_t value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, value);
  return buf;
}

std::string named(std::string value, std::string_view name) {
  if (name.empty()) return value;
  return value + " (" + std::string(name) + ")";
}

std::string_view ethertype_name(std::uint16_t type) {
  switch (type) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x86dd: return "IPv6";
    case 0x8100: return "802.1Q";
    case 0x88a8: return "802.1ad";
    case 0x9100: return "QinQ";
    case 0x8035: return "RARP";
    case 0x8847: return "MPLS";
    case 0x8863: return "PPPoE discovery";
    case 0x8864: return "PPPoE session";
    case 0x888e: return "EAPOL";
    case 0x88cc: return "LLDP";
    default: return "";
  }
}

std::string_view ip_protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPIP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 132: return "SCTP";
    default: return "";
  }
}

std::string_view icmp_type_name(std::uint8_t type) {
  switch (type) {
    case 0: return "echo reply";
    case 3: return "destination unreachable";
    case 4: return "source quench";
    case 5: return "redirect";
    case 8: return "echo request";
    case 9: return "router advertisement";
    case 10: return "router solicitation";
    case 11: return "time exceeded";
    case 12: return "parameter problem";
    case 13: return "timestamp request";
    case 14: return "timestamp reply";
    default: return "";
  }
}

std::string_view unreachable_code_name(std::uint8_t code) {
  switch (code) {
    case 0: return "net unreachable";
    case 1: return "host unreachable";
    case 2: return "protocol unreachable";
    case 3: return "port unreachable";
    case 4: return "fragmentation needed";
    case 5: return "source route failed";
    case 6: return "destination network unknown";
    case 7: return "destination host unknown";
    case 9: return "network administratively prohibited";
    case 10: return "host administratively prohibited";
    case 13: return "communication administratively prohibited";
    default: return "";
  }
}

bool is_icmp_error(std::uint8_t type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }

/// "0x1c46 (correct)" or "0x0001 (incorrect, should be 0x7cca)". `sum` is the ones' complement sum
/// of everything the checksum covers, the checksum field included.
std::string checksum_status(std::uint16_t on_wire, std::uint32_t sum, bool zero_means_ffff = false) {
  if (wire::checksum_fold(sum) == 0xffff) return hex(on_wire, 4) + " (correct)";
  // Take the field back out of the sum (adding its complement) to get what it should have been.
  std::uint16_t expected = wire::checksum_finish(sum + static_cast<std::uint16_t>(~on_wire));
  if (zero_means_ffff && expected == 0) expected = 0xffff;
  return hex(on_wire, 4) + " (incorrect, should be " + hex(expected, 4) + ")";
}

std::uint32_t ipv4_pseudo_header_sum(const std::uint8_t* ip_header, std::uint8_t protocol, std::size_t len) {
  std::array<std::uint8_t, 12> pseudo{};
  std::copy_n(ip_header + 12, 8, pseudo.begin());  // source and destination addresses
  pseudo[9] = protocol;
  pseudo[10] = static_cast<std::uint8_t>(len >> 8);
  pseudo[11] = static_cast<std::uint8_t>(len);
  return wire::checksum_add(pseudo);
}

std::string hex_preview(Bytes bytes) {
  std::string text;
  const std::size_t n = std::min(bytes.size(), kPayloadPreviewLen);
  char buf[4];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    if (i != 0) text += ' ';
    text += buf;
  }
  if (bytes.size() > n) text += " ...";
  return text;
}

std::string what_of(const std::exception& e) {
  std::string text = e.what();
  return text.empty() ? "libtins could not decode it" : text;
}

/// What an IPv4 (or IPv6) decode tells the layer around it and the one-line summary.
struct IpSummary {
  bool ok = false;
  std::string src;
  std::string dst;
  std::uint8_t protocol = 0;
  std::optional<std::uint16_t> src_port;
  std::optional<std::uint16_t> dst_port;
  std::string text;  ///< after "IP src > dst: "
};

class Decoder {
 public:
  explicit Decoder(Bytes frame) : frame_(frame) {}

  void run() {
    try {
      decode_frame();
    } catch (const std::exception& e) {
      // Every libtins call is already guarded; this is the last line of defence.
      malformed("frame", what_of(e));
      line_ = "malformed: " + what_of(e);
    } catch (...) {
      malformed("frame", "unknown error while decoding");
      line_ = "malformed";
    }
  }

  std::vector<Layer> layers;
  std::string line() const { return line_; }

 private:
  Layer& add(std::string name) {
    layers.push_back(Layer{std::move(name), {}});
    return layers.back();
  }
  static void put(Layer& layer, std::string key, std::string value) {
    layer.fields.emplace_back(std::move(key), std::move(value));
  }
  void malformed(std::string protocol, std::string reason) {
    Layer& layer = add("malformed");
    put(layer, "protocol", std::move(protocol));
    put(layer, "reason", std::move(reason));
  }
  void payload(Bytes bytes, std::string name = "Payload") {
    if (bytes.empty()) return;
    Layer& layer = add(std::move(name));
    put(layer, "length", std::to_string(bytes.size()));
    put(layer, "data", hex_preview(bytes));
  }
  void consumed_to(std::size_t end) { consumed_ = std::max(consumed_, end); }

  void decode_frame() {
    const std::uint8_t* data = frame_.data();
    if (frame_.size() < kEthernetHeaderLen) {
      std::string reason = "frame of " + std::to_string(frame_.size()) + " bytes is shorter than the " +
                           std::to_string(kEthernetHeaderLen) + "-byte Ethernet header";
      malformed("Ethernet", reason);
      line_ = "malformed: " + reason;
      return;
    }
    std::uint16_t type = 0;
    std::size_t eth_index = layers.size();
    try {
      const Tins::EthernetII eth(data, static_cast<std::uint32_t>(kEthernetHeaderLen));
      type = eth.payload_type();
      Layer& layer = add("Ethernet");
      put(layer, "dst", eth.dst_addr().to_string());
      put(layer, "src", eth.src_addr().to_string());
      put(layer, "type", type < 0x0600 ? "length " + std::to_string(type) + " (802.3)"
                                       : named(hex(type, 4), ethertype_name(type)));
    } catch (const std::exception& e) {
      malformed("Ethernet", what_of(e));
      line_ = "malformed: Ethernet: " + what_of(e);
      return;
    }
    consumed_to(kEthernetHeaderLen);
    std::size_t offset = kEthernetHeaderLen;
    std::string prefix;
    while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
      const std::string name(ethertype_name(type));
      if (frame_.size() - offset < kVlanTagLen) {
        std::string reason = "tag truncated: " + std::to_string(frame_.size() - offset) + " of 4 bytes";
        malformed(name, reason);
        line_ = prefix + name + " malformed: " + reason;
        return;
      }
      try {
        const Tins::Dot1Q tag(data + offset, static_cast<std::uint32_t>(kVlanTagLen));
        type = tag.payload_type();
        Layer& layer = add(name);
        put(layer, "vid", std::to_string(static_cast<unsigned>(tag.id())));
        put(layer, "pcp", std::to_string(static_cast<unsigned>(tag.priority())));
        put(layer, "dei", std::to_string(static_cast<unsigned>(tag.cfi())));
        put(layer, "type", named(hex(type, 4), ethertype_name(type)));
        prefix += "vlan " + std::to_string(static_cast<unsigned>(tag.id())) + ", p " +
                  std::to_string(static_cast<unsigned>(tag.priority())) + ", ";
      } catch (const std::exception& e) {
        malformed(name, what_of(e));
        line_ = prefix + name + " malformed: " + what_of(e);
        return;
      }
      offset += kVlanTagLen;
      consumed_to(offset);
    }

    const Bytes rest = frame_.subspan(offset);
    std::string body;
    if (type == 0x0806) {
      body = decode_arp(offset);
    } else if (type == 0x0800) {
      IpSummary ip = decode_ipv4(offset, frame_.size(), false);
      body = ip_line("IP", ip);
    } else if (type == 0x86dd) {
      IpSummary ip = decode_ipv6(offset);
      body = ip_line("IP6", ip);
    } else {
      payload(rest);
      consumed_to(frame_.size());
      if (type < 0x0600)
        body = "802.3, length " + std::to_string(frame_.size());
      else
        body = "ethertype " + named(hex(type, 4), ethertype_name(type)) + ", length " + std::to_string(frame_.size());
    }
    line_ = prefix + body;
    if (consumed_ < frame_.size() && eth_index < layers.size())
      put(layers[eth_index], "padding", std::to_string(frame_.size() - consumed_) + " bytes");
  }

  static std::string ip_line(const std::string& family, const IpSummary& ip) {
    if (!ip.ok) return family + " " + ip.text;
    std::string src = ip.src, dst = ip.dst;
    if (ip.src_port && ip.dst_port) {
      src += "." + std::to_string(*ip.src_port);
      dst += "." + std::to_string(*ip.dst_port);
    }
    return family + " " + src + " > " + dst + ": " + ip.text;
  }

  std::string decode_arp(std::size_t offset) {
    const std::size_t avail = frame_.size() - offset;
    if (avail < kArpLen) {
      std::string reason = "truncated: " + std::to_string(avail) + " of " + std::to_string(kArpLen) + " bytes";
      malformed("ARP", reason);
      return "ARP malformed: " + reason;
    }
    const std::uint8_t* p = frame_.data() + offset;
    if (!wire::ArpView::parse(frame_.subspan(offset))) {
      // Only Ethernet/IPv4 ARP has the 28-byte layout libtins assumes (ArpView refuses the rest);
      // its fixed first 8 bytes are the same for every hardware and protocol.
      const Tins::ARP raw(p, static_cast<std::uint32_t>(kArpLen));
      Layer& layer = add("ARP");
      put(layer, "hardware_type", std::to_string(raw.hw_addr_format()));
      put(layer, "protocol_type", hex(raw.prot_addr_format(), 4));
      put(layer, "hardware_len", std::to_string(raw.hw_addr_length()));
      put(layer, "protocol_len", std::to_string(raw.prot_addr_length()));
      put(layer, "operation", std::to_string(raw.opcode()));
      consumed_to(frame_.size());
      return "ARP, hardware type " + std::to_string(raw.hw_addr_format()) + ", protocol " +
             hex(raw.prot_addr_format(), 4) + ", length " + std::to_string(avail);
    }
    try {
      const Tins::ARP arp(p, static_cast<std::uint32_t>(kArpLen));
      const std::uint16_t op = arp.opcode();
      Layer& layer = add("ARP");
      put(layer, "hardware_type", "1 (Ethernet)");
      put(layer, "protocol_type", "0x0800 (IPv4)");
      put(layer, "operation", named(std::to_string(op), op == 1 ? "request" : op == 2 ? "reply" : ""));
      put(layer, "sender_mac", arp.sender_hw_addr().to_string());
      put(layer, "sender_ip", arp.sender_ip_addr().to_string());
      put(layer, "target_mac", arp.target_hw_addr().to_string());
      put(layer, "target_ip", arp.target_ip_addr().to_string());
      consumed_to(offset + kArpLen);
      if (op == 1) {
        std::string text = "ARP, Request who-has " + arp.target_ip_addr().to_string();
        const auto target_mac = arp.target_hw_addr();
        if (target_mac != Tins::EthernetII::address_type() && target_mac != Tins::EthernetII::BROADCAST)
          text += " (" + target_mac.to_string() + ")";
        return text + " tell " + arp.sender_ip_addr().to_string();
      }
      if (op == 2) return "ARP, Reply " + arp.sender_ip_addr().to_string() + " is-at " + arp.sender_hw_addr().to_string();
      return "ARP, opcode " + std::to_string(op) + ", length " + std::to_string(avail);
    } catch (const std::exception& e) {
      malformed("ARP", what_of(e));
      return "ARP malformed: " + what_of(e);
    }
  }

  /// Decodes the IPv4 datagram at frame_[offset, limit). A quoted datagram (inside an ICMP error) may
  /// be cut short of its total length and its transport header is shown as ports only.
  IpSummary decode_ipv4(std::size_t offset, std::size_t limit, bool quoted) {
    IpSummary out;
    const std::string name = quoted ? "IPv4 (quoted)" : "IPv4";
    const std::size_t avail = limit - offset;
    const std::uint8_t* p = frame_.data() + offset;
    auto fail = [&](std::string reason) {
      malformed(name, reason);
      out.text = "malformed: " + reason;
      if (!quoted) consumed_to(limit);
      return out;
    };
    if (avail < kIpv4MinHeaderLen)
      return fail("header truncated: " + std::to_string(avail) + " of " + std::to_string(kIpv4MinHeaderLen) + " bytes");
    const unsigned version = p[0] >> 4;
    const std::size_t header_len = std::size_t{p[0] & 0x0fu} * 4;
    if (version != 4) return fail("version " + std::to_string(version) + " is not 4");
    if (header_len < kIpv4MinHeaderLen)
      return fail("header length " + std::to_string(header_len) + " is below the minimum of 20");
    if (header_len > avail)
      return fail("header length " + std::to_string(header_len) + " runs past the " + std::to_string(avail) +
                  " bytes captured");
    std::optional<Tins::IP> ip;
    try {
      ip.emplace(p, static_cast<std::uint32_t>(header_len));
    } catch (const std::exception& e) {
      return fail(header_len > kIpv4MinHeaderLen ? "options: " + what_of(e) : what_of(e));
    }
    const std::size_t total_len = ip->tot_len();
    if (total_len < header_len)
      return fail("total length " + std::to_string(total_len) + " is less than the header length " +
                  std::to_string(header_len));
    const bool df = (ip->flags() & Tins::IP::DONT_FRAGMENT) != 0;
    const bool mf = (ip->flags() & Tins::IP::MORE_FRAGMENTS) != 0;
    const std::size_t frag_offset = std::size_t{ip->fragment_offset()} * 8;
    const std::uint8_t protocol = ip->protocol();
    out.src = ip->src_addr().to_string();
    out.dst = ip->dst_addr().to_string();
    out.protocol = protocol;

    Layer& layer = add(name);
    put(layer, "version", "4");
    put(layer, "header_len", std::to_string(header_len));
    put(layer, "tos", hex(ip->tos(), 2));
    put(layer, "total_len", std::to_string(total_len));
    put(layer, "id", hex(ip->id(), 4) + " (" + std::to_string(ip->id()) + ")");
    std::string flags = (ip->flags() & Tins::IP::FLAG_RESERVED) != 0 ? "reserved" : "";
    if (df) flags += flags.empty() ? "DF" : ", DF";
    if (mf) flags += flags.empty() ? "MF" : ", MF";
    put(layer, "flags", flags.empty() ? "none" : flags);
    put(layer, "frag_offset", std::to_string(frag_offset));
    put(layer, "ttl", std::to_string(ip->ttl()));
    put(layer, "protocol", named(std::to_string(protocol), ip_protocol_name(protocol)));
    put(layer, "checksum", checksum_status(ip->checksum(), wire::checksum_add(Bytes(p, header_len))));
    put(layer, "src", out.src);
    put(layer, "dst", out.dst);
    if (header_len > kIpv4MinHeaderLen) put(layer, "options", std::to_string(header_len - kIpv4MinHeaderLen) + " bytes");
    const std::size_t end = quoted ? limit : offset + std::min(total_len, avail);
    const bool complete = quoted || total_len <= avail;
    if (!complete) put(layer, "captured", std::to_string(avail) + " of " + std::to_string(total_len) + " bytes");
    if (!quoted) consumed_to(end);
    out.ok = true;

    const std::size_t l4_offset = offset + header_len;
    const std::size_t l4_len = end - l4_offset;
    const std::string l4_name(ip_protocol_name(protocol));
    const std::string protocol_text = l4_name.empty() ? "ip-proto-" + std::to_string(protocol) : l4_name;
    if (frag_offset != 0) {
      payload(frame_.subspan(l4_offset, l4_len), "Fragment");
      out.text = protocol_text + " fragment (id " + std::to_string(ip->id()) + ", offset " + std::to_string(frag_offset) +
                 (mf ? ", more fragments" : "") + "), length " + std::to_string(total_len - header_len);
      return out;
    }
    // A checksum over the transport segment can be checked only if all of it is here.
    const bool whole_segment = complete && !mf && !quoted;
    if (quoted) {
      decode_quoted_transport(l4_offset, l4_len, protocol, out);
    } else if (protocol == 1) {
      out.text = decode_icmp(l4_offset, l4_len, total_len - header_len, whole_segment);
    } else if (protocol == 17) {
      out.text = decode_udp(p, l4_offset, l4_len, whole_segment, out);
    } else if (protocol == 6) {
      out.text = decode_tcp(p, l4_offset, l4_len, total_len - header_len, whole_segment, out);
    } else {
      payload(frame_.subspan(l4_offset, l4_len));
      out.text = protocol_text + ", length " + std::to_string(total_len - header_len);
    }
    if (mf) out.text += " (first fragment, id " + std::to_string(ip->id()) + ")";
    return out;
  }

  void decode_quoted_transport(std::size_t offset, std::size_t len, std::uint8_t protocol, IpSummary& out) {
    // RFC 792 promises 8 bytes of the transport header: both ports, then TCP's sequence number or
    // UDP's length and checksum.
    const auto prefix = wire::TransportPrefixView::parse(frame_.subspan(offset, len));
    if ((protocol != 17 && protocol != 6) || !prefix) {
      payload(frame_.subspan(offset, len), "Payload (quoted)");
      return;
    }
    Layer& layer = add(protocol == 17 ? "UDP (quoted)" : "TCP (quoted)");
    out.src_port = prefix->src_port();
    out.dst_port = prefix->dst_port();
    put(layer, "src_port", std::to_string(*out.src_port));
    put(layer, "dst_port", std::to_string(*out.dst_port));
    if (const auto udp = wire::UdpView::parse_quoted(frame_.subspan(offset, len)); protocol == 17 && udp)
      put(layer, "length", std::to_string(udp->len()));
    if (protocol == 6) put(layer, "seq", std::to_string(prefix->tcp_seq()));
  }

  /// `declared_len` is the message length the IPv4 header announces (tcpdump's "length").
  std::string decode_icmp(std::size_t offset, std::size_t len, std::size_t declared_len, bool whole) {
    const std::uint8_t* p = frame_.data() + offset;
    if (len < kIcmpHeaderLen) {
      std::string reason = "truncated: " + std::to_string(len) + " of " + std::to_string(kIcmpHeaderLen) + " header bytes";
      malformed("ICMP", reason);
      return "ICMP malformed: " + reason;
    }
    std::uint8_t type = 0, code = 0;
    std::uint16_t checksum = 0, id = 0, seq = 0, mtu = 0;
    std::string gateway;
    auto read = [&](std::size_t n) {
      const Tins::ICMP icmp(p, static_cast<std::uint32_t>(n));
      type = static_cast<std::uint8_t>(icmp.type());
      code = icmp.code();
      checksum = icmp.checksum();
      id = icmp.id();
      seq = icmp.sequence();
      mtu = icmp.mtu();
      gateway = icmp.gateway().to_string();
    };
    try {
      read(len);
    } catch (const std::exception&) {
      // libtins also parses what follows some types (timestamps, RFC 4884 extensions); the fixed
      // header is all this needs, so try that alone before calling the message malformed.
      try {
        read(kIcmpHeaderLen);
      } catch (const std::exception& e) {
        malformed("ICMP", what_of(e));
        return "ICMP malformed: " + what_of(e);
      }
    }
    Layer& layer = add("ICMP");
    put(layer, "type", named(std::to_string(type), icmp_type_name(type)));
    put(layer, "code", type == 3 ? named(std::to_string(code), unreachable_code_name(code))
                       : type == 11 ? named(std::to_string(code), code == 0   ? "TTL exceeded in transit"
                                                                  : code == 1 ? "fragment reassembly time exceeded"
                                                                              : "")
                                    : std::to_string(code));
    put(layer, "checksum", whole ? checksum_status(checksum, wire::checksum_add(Bytes(p, len)))
                                 : hex(checksum, 4) + " (unverified: message not captured whole)");
    const std::string length = ", length " + std::to_string(declared_len);
    if (type == 0 || type == 8) {
      put(layer, "id", std::to_string(id));
      put(layer, "seq", std::to_string(seq));
      payload(frame_.subspan(offset + kIcmpHeaderLen, len - kIcmpHeaderLen));
      return std::string("ICMP echo ") + (type == 8 ? "request" : "reply") + ", id " + std::to_string(id) + ", seq " +
             std::to_string(seq) + length;
    }
    if (type == 3 && code == 4) put(layer, "next_hop_mtu", std::to_string(mtu));
    if (type == 5) put(layer, "gateway", gateway);
    if (!is_icmp_error(type)) {
      payload(frame_.subspan(offset + kIcmpHeaderLen, len - kIcmpHeaderLen));
      const std::string type_name(icmp_type_name(type));
      return "ICMP " + (type_name.empty() ? "type " + std::to_string(type) : type_name) + ", code " +
             std::to_string(code) + length;
    }
    IpSummary quoted;
    if (len > kIcmpHeaderLen) quoted = decode_ipv4(offset + kIcmpHeaderLen, offset + len, true);
    const std::string qdst = quoted.ok ? quoted.dst : "?";
    if (type == 11) {
      if (code == 0) return "ICMP time exceeded in-transit" + length;
      if (code == 1) return "ICMP ip reassembly time exceeded" + length;
      return "ICMP time exceeded, code " + std::to_string(code) + length;
    }
    if (type == 3) {
      switch (code) {
        case 0: return "ICMP net " + qdst + " unreachable" + length;
        case 1: return "ICMP host " + qdst + " unreachable" + length;
        case 2: return "ICMP " + qdst + " protocol " + std::to_string(quoted.protocol) + " unreachable" + length;
        case 3:
          if (quoted.dst_port)
            return "ICMP " + qdst + " " + (quoted.protocol == 17 ? "udp" : "tcp") + " port " +
                   std::to_string(*quoted.dst_port) + " unreachable" + length;
          return "ICMP " + qdst + " port unreachable" + length;
        case 4: return "ICMP " + qdst + " unreachable - need to frag (mtu " + std::to_string(mtu) + ")" + length;
        case 13: return "ICMP host " + qdst + " unreachable - admin prohibited filter" + length;
        default: return "ICMP " + qdst + " unreachable, code " + std::to_string(code) + length;
      }
    }
    if (type == 5) return "ICMP redirect " + qdst + " to host " + gateway + length;
    const std::string type_name(icmp_type_name(type));
    return "ICMP " + type_name + ", code " + std::to_string(code) + length;
  }

  std::string decode_udp(const std::uint8_t* ip_header, std::size_t offset, std::size_t len, bool whole, IpSummary& out) {
    const std::uint8_t* p = frame_.data() + offset;
    if (len < kUdpHeaderLen) {
      std::string reason = "truncated: " + std::to_string(len) + " of " + std::to_string(kUdpHeaderLen) + " header bytes";
      malformed("UDP", reason);
      return "UDP malformed: " + reason;
    }
    std::uint16_t sport = 0, dport = 0, udp_len = 0, checksum = 0;
    try {
      const Tins::UDP udp(p, static_cast<std::uint32_t>(kUdpHeaderLen));
      sport = udp.sport();
      dport = udp.dport();
      udp_len = udp.length();
      checksum = udp.checksum();
    } catch (const std::exception& e) {
      malformed("UDP", what_of(e));
      return "UDP malformed: " + what_of(e);
    }
    out.src_port = sport;
    out.dst_port = dport;
    Layer& layer = add("UDP");
    put(layer, "src_port", std::to_string(sport));
    put(layer, "dst_port", std::to_string(dport));
    put(layer, "length", std::to_string(udp_len));
    if (udp_len < kUdpHeaderLen) {
      std::string reason = "length " + std::to_string(udp_len) + " is below the 8-byte header";
      malformed("UDP", reason);
      return "UDP, bad length " + std::to_string(udp_len);
    }
    if (checksum == 0) {
      put(layer, "checksum", "0x0000 (none)");
    } else if (whole && udp_len <= len) {
      const std::uint32_t sum =
          wire::checksum_add(Bytes(p, udp_len), ipv4_pseudo_header_sum(ip_header, 17, udp_len));
      put(layer, "checksum", checksum_status(checksum, sum, true));
    } else {
      put(layer, "checksum", hex(checksum, 4) + " (unverified: datagram not captured whole)");
    }
    if (udp_len > len) put(layer, "captured", std::to_string(len) + " of " + std::to_string(udp_len) + " bytes");
    payload(frame_.subspan(offset + kUdpHeaderLen, std::min<std::size_t>(udp_len, len) - kUdpHeaderLen));
    return "UDP, length " + std::to_string(udp_len - kUdpHeaderLen);
  }

  static std::string tcp_flags_text(std::uint16_t flags, bool tcpdump_style) {
    // tcpdump's letters, in its order, with "." for ACK last.
    static constexpr std::array<std::pair<std::uint16_t, const char*>, 8> kFlags = {{
        {Tins::TCP::FIN, "F"}, {Tins::TCP::SYN, "S"}, {Tins::TCP::RST, "R"}, {Tins::TCP::PSH, "P"},
        {Tins::TCP::URG, "U"}, {Tins::TCP::ECE, "E"}, {Tins::TCP::CWR, "W"}, {Tins::TCP::ACK, "."}}};
    static constexpr std::array<const char*, 8> kNames = {"FIN", "SYN", "RST", "PSH", "URG", "ECE", "CWR", "ACK"};
    std::string text;
    for (std::size_t i = 0; i < kFlags.size(); ++i) {
      if ((flags & kFlags[i].first) == 0) continue;
      if (tcpdump_style) {
        text += kFlags[i].second;
      } else {
        if (!text.empty()) text += ", ";
        text += kNames[i];
      }
    }
    if (text.empty()) text = "none";
    return text;
  }

  std::string decode_tcp(const std::uint8_t* ip_header, std::size_t offset, std::size_t len, std::size_t declared_len,
                         bool whole, IpSummary& out) {
    const std::uint8_t* p = frame_.data() + offset;
    auto fail = [&](std::string reason) {
      malformed("TCP", reason);
      return "TCP malformed: " + reason;
    };
    if (len < kTcpMinHeaderLen)
      return fail("truncated: " + std::to_string(len) + " of " + std::to_string(kTcpMinHeaderLen) + " header bytes");
    const std::size_t header_len = std::size_t{static_cast<std::uint8_t>(p[12] >> 4)} * 4;
    if (header_len < kTcpMinHeaderLen)
      return fail("header length " + std::to_string(header_len) + " is below the minimum of 20");
    if (header_len > len)
      return fail("header length " + std::to_string(header_len) + " runs past the " + std::to_string(len) +
                  " bytes captured");
    std::optional<Tins::TCP> tcp;
    try {
      tcp.emplace(p, static_cast<std::uint32_t>(header_len));
    } catch (const std::exception& e) {
      return fail(header_len > kTcpMinHeaderLen ? "options: " + what_of(e) : what_of(e));
    }
    const std::uint16_t flags = static_cast<std::uint16_t>(tcp->flags());
    out.src_port = tcp->sport();
    out.dst_port = tcp->dport();
    Layer& layer = add("TCP");
    put(layer, "src_port", std::to_string(tcp->sport()));
    put(layer, "dst_port", std::to_string(tcp->dport()));
    put(layer, "seq", std::to_string(tcp->seq()));
    put(layer, "ack", std::to_string(tcp->ack_seq()));
    put(layer, "header_len", std::to_string(header_len));
    put(layer, "flags", tcp_flags_text(flags, false));
    put(layer, "window", std::to_string(tcp->window()));
    if (whole) {
      const std::uint32_t sum =
          wire::checksum_add(Bytes(p, len), ipv4_pseudo_header_sum(ip_header, 6, len));
      put(layer, "checksum", checksum_status(tcp->checksum(), sum));
    } else {
      put(layer, "checksum", hex(tcp->checksum(), 4) + " (unverified: segment not captured whole)");
    }
    put(layer, "urgent_ptr", std::to_string(tcp->urg_ptr()));
    if (header_len > kTcpMinHeaderLen) put(layer, "options", std::to_string(header_len - kTcpMinHeaderLen) + " bytes");
    const std::size_t data_len = len - header_len;
    payload(frame_.subspan(offset + header_len, data_len));
    std::string text = "Flags [" + tcp_flags_text(flags, true) + "], seq " + std::to_string(tcp->seq());
    if (flags & Tins::TCP::ACK) text += ", ack " + std::to_string(tcp->ack_seq());
    // tcpdump's length is what the IPv4 header announces, even when the capture holds less.
    const std::size_t announced = declared_len > header_len ? declared_len - header_len : 0;
    text += ", win " + std::to_string(tcp->window()) + ", length " + std::to_string(announced);
    return text;
  }

  IpSummary decode_ipv6(std::size_t offset) {
    IpSummary out;
    const std::size_t avail = frame_.size() - offset;
    const std::uint8_t* p = frame_.data() + offset;
    auto fail = [&](std::string reason) {
      consumed_to(frame_.size());
      malformed("IPv6", reason);
      out.text = "malformed: " + reason;
      return out;
    };
    if (avail < kIpv6HeaderLen)
      return fail("header truncated: " + std::to_string(avail) + " of " + std::to_string(kIpv6HeaderLen) + " bytes");
    if ((p[0] >> 4) != 6) return fail("version " + std::to_string(p[0] >> 4) + " is not 6");
    std::size_t payload_len = 0;
    try {
      payload_len = Tins::IPv6(p, static_cast<std::uint32_t>(kIpv6HeaderLen)).payload_length();
    } catch (const std::exception& e) {
      return fail(what_of(e));
    }
    const std::size_t end = offset + kIpv6HeaderLen + std::min(payload_len, avail - kIpv6HeaderLen);
    consumed_to(end);
    std::optional<Tins::IPv6> ip;
    try {
      ip.emplace(p, static_cast<std::uint32_t>(end - offset));
    } catch (const std::exception& e) {
      return fail(what_of(e));
    }
    out.ok = true;
    out.src = ip->src_addr().to_string();
    out.dst = ip->dst_addr().to_string();
    Layer& layer = add("IPv6");
    put(layer, "version", "6");
    put(layer, "traffic_class", hex(ip->traffic_class(), 2));
    put(layer, "flow_label", hex(static_cast<std::uint32_t>(ip->flow_label()), 5));
    put(layer, "payload_len", std::to_string(payload_len));
    put(layer, "next_header", named(std::to_string(ip->next_header()), ip_protocol_name(ip->next_header())));
    put(layer, "hop_limit", std::to_string(ip->hop_limit()));
    put(layer, "src", out.src);
    put(layer, "dst", out.dst);
    if (payload_len > avail - kIpv6HeaderLen)
      put(layer, "captured", std::to_string(avail - kIpv6HeaderLen) + " of " + std::to_string(payload_len) + " bytes");
    const Tins::PDU* inner = ip->inner_pdu();
    if (const auto* udp = dynamic_cast<const Tins::UDP*>(inner)) {
      out.src_port = udp->sport();
      out.dst_port = udp->dport();
      Layer& l4 = add("UDP");
      put(l4, "src_port", std::to_string(udp->sport()));
      put(l4, "dst_port", std::to_string(udp->dport()));
      put(l4, "length", std::to_string(udp->length()));
      put(l4, "checksum", hex(udp->checksum(), 4));
      out.text = "UDP, length " + std::to_string(udp->length() >= kUdpHeaderLen ? udp->length() - kUdpHeaderLen : 0);
      add_raw_payload(udp->inner_pdu());
    } else if (const auto* tcp = dynamic_cast<const Tins::TCP*>(inner)) {
      out.src_port = tcp->sport();
      out.dst_port = tcp->dport();
      const std::uint16_t flags = static_cast<std::uint16_t>(tcp->flags());
      Layer& l4 = add("TCP");
      put(l4, "src_port", std::to_string(tcp->sport()));
      put(l4, "dst_port", std::to_string(tcp->dport()));
      put(l4, "seq", std::to_string(tcp->seq()));
      put(l4, "ack", std::to_string(tcp->ack_seq()));
      put(l4, "flags", tcp_flags_text(flags, false));
      put(l4, "window", std::to_string(tcp->window()));
      put(l4, "checksum", hex(tcp->checksum(), 4));
      const std::size_t data_len = tcp->inner_pdu() != nullptr ? tcp->inner_pdu()->size() : 0;
      out.text = "Flags [" + tcp_flags_text(flags, true) + "], seq " + std::to_string(tcp->seq());
      if (flags & Tins::TCP::ACK) out.text += ", ack " + std::to_string(tcp->ack_seq());
      out.text += ", win " + std::to_string(tcp->window()) + ", length " + std::to_string(data_len);
      add_raw_payload(tcp->inner_pdu());
    } else if (const auto* icmp6 = dynamic_cast<const Tins::ICMPv6*>(inner)) {
      Layer& l4 = add("ICMPv6");
      put(l4, "type", std::to_string(static_cast<unsigned>(icmp6->type())));
      put(l4, "code", std::to_string(icmp6->code()));
      put(l4, "checksum", hex(icmp6->checksum(), 4));
      out.text = "ICMP6, type " + std::to_string(static_cast<unsigned>(icmp6->type())) + ", code " +
                 std::to_string(icmp6->code()) + ", length " + std::to_string(icmp6->size());
    } else {
      add_raw_payload(inner);
      const std::uint8_t next = ip->next_header();
      const std::string next_name(ip_protocol_name(next));
      out.text = (next_name.empty() ? "ip-proto-" + std::to_string(next) : next_name) + ", length " +
                 std::to_string(payload_len);
    }
    return out;
  }

  void add_raw_payload(const Tins::PDU* pdu) {
    if (const auto* raw = dynamic_cast<const Tins::RawPDU*>(pdu))
      payload(Bytes(raw->payload().data(), raw->payload().size()));
  }

  Bytes frame_;
  std::size_t consumed_ = 0;
  std::string line_;
};

}  // namespace

const std::string* Layer::field(std::string_view key) const {
  for (const auto& [field_name, value] : fields)
    if (field_name == key) return &value;
  return nullptr;
}

std::vector<Layer> describe(std::span<const std::uint8_t> frame) {
  Decoder decoder(frame);
  decoder.run();
  return std::move(decoder.layers);
}

std::string describe_line(std::span<const std::uint8_t> frame) {
  Decoder decoder(frame);
  decoder.run();
  return decoder.line();
}

std::string format_layers(const std::vector<Layer>& layers) {
  std::string text;
  for (const Layer& layer : layers) {
    text += layer.name;
    text += '\n';
    for (const auto& [key, value] : layer.fields) text += "  " + key + ": " + value + "\n";
  }
  return text;
}

}  // namespace vpcsim::io
