#include "libnet/io/craft.h"

#include <tins/arp.h>
#include <tins/ethernetII.h>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>
#include <tins/udp.h>

#include <array>
#include <cctype>

#include "libnet/core/error.h"
#include "libnet/wire/arp.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"

namespace vpcsim::io {
namespace {

using wire::kArpLen;
using wire::kEthernetHeaderLen;
using wire::kIcmpHeaderLen;
using wire::kIpv4MaxTotalLen;
using wire::kUdpHeaderLen;
// libtins writes the fixed headers: no IPv4 or TCP options.
constexpr std::size_t kIpv4HeaderLen = wire::kIpv4MinHeaderLen;
constexpr std::size_t kTcpHeaderLen = wire::kTcpMinHeaderLen;

Tins::HWAddress<6> to_tins(const wire::MacAddress& mac) { return Tins::HWAddress<6>(mac.octets().data()); }
Tins::IPv4Address to_tins(wire::Ipv4Address ip) { return Tins::IPv4Address(ip.to_string()); }

void check_datagram_len(const char* object, std::size_t transport_header_len, std::size_t payload_len) {
  const std::size_t total = kIpv4HeaderLen + transport_header_len + payload_len;
  if (total > kIpv4MaxTotalLen)
    throw core::ConfigError(object, "payload",
                            "a payload of " + std::to_string(payload_len) + " bytes makes a " + std::to_string(total) +
                                "-byte IPv4 datagram; the most is 65535 (a payload of at most " +
                                std::to_string(kIpv4MaxTotalLen - kIpv4HeaderLen - transport_header_len) + ")");
}

Tins::EthernetII ethernet(const EthernetFields& eth) { return Tins::EthernetII(to_tins(eth.dst), to_tins(eth.src)); }

Tins::IP ipv4(const Ipv4Fields& fields) {
  Tins::IP ip(to_tins(fields.dst), to_tins(fields.src));
  ip.ttl(fields.ttl);
  ip.tos(fields.tos);
  ip.id(fields.id);
  ip.flags(fields.dont_fragment ? Tins::IP::DONT_FRAGMENT : Tins::IP::Flags(0));
  return ip;
}

/// Serialises `frame` (libtins fills lengths and checksums, and pads to 60 bytes); without padding,
/// cuts the frame back to its headers and payload (`contents_len` bytes after the Ethernet header).
std::vector<std::uint8_t> finish(Tins::PDU& frame, const EthernetFields& eth, std::size_t contents_len) {
  std::vector<std::uint8_t> bytes = frame.serialize();
  if (!eth.pad && bytes.size() > kEthernetHeaderLen + contents_len) bytes.resize(kEthernetHeaderLen + contents_len);
  return bytes;
}

template <class Transport>
Tins::EthernetII datagram(const EthernetFields& eth, const Ipv4Fields& ip, Transport transport,
                          const std::vector<std::uint8_t>& payload) {
  if (payload.empty()) return ethernet(eth) / ipv4(ip) / transport;
  return ethernet(eth) / ipv4(ip) / transport / Tins::RawPDU(payload.data(), static_cast<std::uint32_t>(payload.size()));
}

}  // namespace

std::vector<std::uint8_t> craft_arp_request(const EthernetFields& eth, wire::Ipv4Address sender_ip,
                                            wire::Ipv4Address target_ip) {
  Tins::EthernetII frame =
      ethernet(eth) / Tins::ARP(to_tins(target_ip), to_tins(sender_ip), Tins::HWAddress<6>(), to_tins(eth.src));
  frame.rfind_pdu<Tins::ARP>().opcode(Tins::ARP::REQUEST);
  return finish(frame, eth, kArpLen);
}

std::vector<std::uint8_t> craft_arp_reply(const EthernetFields& eth, wire::Ipv4Address sender_ip,
                                          wire::Ipv4Address target_ip) {
  Tins::EthernetII frame =
      ethernet(eth) / Tins::ARP(to_tins(target_ip), to_tins(sender_ip), to_tins(eth.dst), to_tins(eth.src));
  frame.rfind_pdu<Tins::ARP>().opcode(Tins::ARP::REPLY);
  return finish(frame, eth, kArpLen);
}

std::vector<std::uint8_t> craft_icmp_echo(const EthernetFields& eth, const Ipv4Fields& ip, const IcmpEchoFields& icmp) {
  check_datagram_len("craft_icmp_echo", kIcmpHeaderLen, icmp.payload.size());
  Tins::ICMP header(icmp.reply ? Tins::ICMP::ECHO_REPLY : Tins::ICMP::ECHO_REQUEST);
  header.id(icmp.id);
  header.sequence(icmp.seq);
  Tins::EthernetII frame = datagram(eth, ip, header, icmp.payload);
  return finish(frame, eth, kIpv4HeaderLen + kIcmpHeaderLen + icmp.payload.size());
}

std::vector<std::uint8_t> craft_udp(const EthernetFields& eth, const Ipv4Fields& ip, const UdpFields& udp) {
  check_datagram_len("craft_udp", kUdpHeaderLen, udp.payload.size());
  Tins::EthernetII frame = datagram(eth, ip, Tins::UDP(udp.dst_port, udp.src_port), udp.payload);
  std::vector<std::uint8_t> bytes = finish(frame, eth, kIpv4HeaderLen + kUdpHeaderLen + udp.payload.size());
  // A checksum that computes to 0 is sent as 0xffff, its other ones' complement form: on the wire 0
  // means "no checksum" (RFC 768). Make sure of it whatever libtins does.
  const auto udp_view = wire::UdpViewMut::parse(
      std::span<std::uint8_t>(bytes).subspan(kEthernetHeaderLen + kIpv4HeaderLen, kUdpHeaderLen + udp.payload.size()));
  if (udp_view && udp_view->checksum() == 0) udp_view->set_checksum(0xffff);
  return bytes;
}

std::vector<std::uint8_t> craft_tcp(const EthernetFields& eth, const Ipv4Fields& ip, const TcpFields& tcp) {
  check_datagram_len("craft_tcp", kTcpHeaderLen, tcp.payload.size());
  Tins::TCP header(tcp.dst_port, tcp.src_port);
  header.seq(tcp.seq);
  header.ack_seq(tcp.ack);
  header.flags(tcp.flags);
  header.window(tcp.window);
  Tins::EthernetII frame = datagram(eth, ip, header, tcp.payload);
  return finish(frame, eth, kIpv4HeaderLen + kTcpHeaderLen + tcp.payload.size());
}

namespace {

struct FlagName {
  std::uint8_t bit;
  char letter;
  std::string_view name;
};

constexpr std::array<FlagName, 8> kFlagNames = {{
    {0x01, 'F', "FIN"},
    {0x02, 'S', "SYN"},
    {0x04, 'R', "RST"},
    {0x08, 'P', "PSH"},
    {0x10, 'A', "ACK"},
    {0x20, 'U', "URG"},
    {0x40, 'E', "ECE"},
    {0x80, 'C', "CWR"},
}};

std::string upper(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

std::uint8_t parse_tcp_flags(std::string_view text) {
  const std::string_view body = trim(text);
  if (body.empty() || upper(body) == "NONE") return 0;
  auto name_bit = [](const std::string& word) -> std::uint8_t {
    for (const FlagName& f : kFlagNames)
      if (word == f.name) return f.bit;
    return 0;
  };
  std::uint8_t flags = 0;
  // One name ("SYN") or a list of names ("SYN,ACK"); otherwise letters ("SA").
  if (body.find(',') != std::string_view::npos || name_bit(upper(body)) != 0) {
    std::string_view rest = body;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string word = upper(trim(rest.substr(0, comma)));
      const std::uint8_t bit = name_bit(word);
      if (bit == 0)
        throw core::ParseError("TCP flags", text,
                               "'" + word + "' is not a flag name (FIN, SYN, RST, PSH, ACK, URG, ECE, CWR)");
      flags |= bit;
      if (comma == std::string_view::npos) return flags;
      rest = rest.substr(comma + 1);
    }
  }
  for (char c : body) {
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char letter = u == '.' ? 'A' : u == 'W' ? 'C' : u;
    std::uint8_t bit = 0;
    for (const FlagName& f : kFlagNames)
      if (letter == f.letter) bit = f.bit;
    if (bit == 0)
      throw core::ParseError("TCP flags", text,
                             std::string("'") + c + "' is not a flag letter (F S R P A U E C, '.' for ACK)");
    flags |= bit;
  }
  return flags;
}

std::string tcp_flags_to_string(std::uint8_t flags) {
  std::string text;
  for (const FlagName& f : kFlagNames) {
    if ((flags & f.bit) == 0) continue;
    if (!text.empty()) text += ", ";
    text += f.name;
  }
  return text.empty() ? "none" : text;
}

}  // namespace vpcsim::io
