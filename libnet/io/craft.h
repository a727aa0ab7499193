// craft: whole Ethernet frames built by hand, for tests, notebooks and `Network.inject`.
//
// This is an edge (DESIGN.md, decision 1; STYLE.md, libtins): people craft a frame to see what a
// node does with it, so the bytes are built by libtins, an independent implementation of the
// formats, rather than by the wire:: reprs the nodes themselves use: a crafted frame that a node
// accepts is evidence that both agree with the RFCs, not with each other. Every length and checksum
// is filled (IPv4 header, ICMP, UDP and TCP with the pseudo header), so tshark finds nothing to
// complain about, and the caller chooses the fields a person wants to vary: addresses, TTL, TOS, DF,
// the IPv4 identification, ports, sequence numbers, flags and payload.
//
// Frames are padded to the 60-byte Ethernet minimum by default, as a NIC pads what it transmits
// (libtins does the same); `pad = false` leaves a frame as short as its headers and payload, as
// Linux veth and tap devices hand them over. Either way the IPv4 total length and the ARP format
// bound the real contents, so the simulated nodes accept both.
//
//   auto frame = io::craft_icmp_echo({.src = h1_mac, .dst = h2_mac},
//                                    {.src = Ipv4Address::parse("10.0.1.10"), .dst = ...},
//                                    {.id = 0x1234, .seq = 1});
//   network.interface("h1.eth0").send(pool.copy_of(frame));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/mac_address.h"

namespace vpcsim::io {

/// The Ethernet II header of a crafted frame. The EtherType follows from what is inside.
struct EthernetFields {
  wire::MacAddress src{};
  wire::MacAddress dst = wire::MacAddress::broadcast();
  bool pad = true;  ///< pad to the 60-byte minimum with zeros, as a NIC does
};

/// The IPv4 header fields a person may want to choose. Version, header length (20: no options),
/// total length, protocol and header checksum follow from the rest and are always correct.
struct Ipv4Fields {
  wire::Ipv4Address src{};
  wire::Ipv4Address dst{};
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  bool dont_fragment = true;  ///< Linux sets DF on what it originates (path MTU discovery)
  std::uint16_t id = 0;       ///< the identification field
};

struct IcmpEchoFields {
  bool reply = false;  ///< false: echo request (type 8); true: echo reply (type 0)
  std::uint16_t id = 0;
  std::uint16_t seq = 0;
  std::vector<std::uint8_t> payload{};
};

struct UdpFields {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::vector<std::uint8_t> payload{};
};

struct TcpFields {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;  ///< wire::kTcpSyn | wire::kTcpAck ..., or parse_tcp_flags("SA")
  std::uint16_t window = 64240;
  std::vector<std::uint8_t> payload{};
};

/// An ARP request (RFC 826) from `eth.src`: who has `target_ip`? tell `sender_ip`. The target
/// hardware address is zero, as Linux sends it; `eth.dst` is usually broadcast (a unicast request
/// is how Linux re-validates a stale entry). sender_ip == target_ip makes a gratuitous ARP.
std::vector<std::uint8_t> craft_arp_request(const EthernetFields& eth, wire::Ipv4Address sender_ip,
                                            wire::Ipv4Address target_ip);

/// An ARP reply from `eth.src` to `eth.dst`: `sender_ip` is at eth.src; the target is `target_ip`
/// at eth.dst.
std::vector<std::uint8_t> craft_arp_reply(const EthernetFields& eth, wire::Ipv4Address sender_ip,
                                          wire::Ipv4Address target_ip);

/// An ICMP echo request or reply in IPv4 (protocol 1). Throws core::ConfigError("craft_icmp_echo",
/// "payload", ...) if the datagram would exceed 65535 bytes.
std::vector<std::uint8_t> craft_icmp_echo(const EthernetFields& eth, const Ipv4Fields& ip, const IcmpEchoFields& icmp);

/// A UDP datagram in IPv4 (protocol 17), checksum filled (a computed 0 is sent as 0xffff, RFC 768).
/// Throws core::ConfigError("craft_udp", "payload", ...) if the datagram would exceed 65535 bytes.
std::vector<std::uint8_t> craft_udp(const EthernetFields& eth, const Ipv4Fields& ip, const UdpFields& udp);

/// A TCP segment in IPv4 (protocol 6) with a 20-byte header (no options). Throws
/// core::ConfigError("craft_tcp", "payload", ...) if the datagram would exceed 65535 bytes.
std::vector<std::uint8_t> craft_tcp(const EthernetFields& eth, const Ipv4Fields& ip, const TcpFields& tcp);

/// TCP flags from text: tcpdump/scapy letters ("S", "SA", "PA", "FA", "R", "." for ACK) or
/// comma-separated names ("SYN,ACK", case-insensitive); "" is no flag. Letters: F S R P A U E C
/// (W also means CWR, as tcpdump prints it). Throws core::ParseError naming the text otherwise.
std::uint8_t parse_tcp_flags(std::string_view text);

/// "SYN, ACK" (header order FIN..CWR), or "none".
std::string tcp_flags_to_string(std::uint8_t flags);

}  // namespace vpcsim::io
