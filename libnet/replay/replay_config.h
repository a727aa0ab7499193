// What a replay is asked to do: where each side goes in, how the capture is split into sides, how
// packets are rewritten on the way (tcprewrite's vocabulary), and when they are sent. Plain values,
// filled by the C++ caller, the Python binding or the scenario loader; ReplayEngine validates them
// (core::ConfigError naming the field).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libnet/core/time.h"
#include "libnet/link/link.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"
#include "libnet/wire/mac_address.h"

namespace vpcsim::replay {

/// How packets are given a side (tcpprep's modes).
enum class SplitMode : std::uint8_t {
  none,       ///< every packet is a client packet (tcpreplay with one interface)
  automatic,  ///< per flow: whoever sent its first packet (a TCP SYN, not a SYN-ACK) is the client
  cidr,       ///< sources inside `client_cidrs` are the client (tcpprep --cidr)
  mac,        ///< frames from `client_macs` are the client (tcpprep --mac)
};
std::string_view to_string(SplitMode mode);

/// Where one side goes in: "node.iface" (a free interface), a switch (a new port of it; a cloud
/// subnet is its switch).
struct Attachment {
  std::string at;
  /// The next hop for destinations off the segment; unset: the router found on the segment.
  std::optional<wire::Ipv4Address> gateway;
};

struct AddressMap {
  wire::Ipv4Prefix from;  ///< a /32 for one address (tcprewrite --srcipmap/--dstipmap), or a CIDR (--pnat)
  wire::Ipv4Prefix to;    ///< same length: host bits are kept
};
struct PortMap {
  std::uint16_t from = 0;
  std::uint16_t to = 0;
};
struct MacMap {
  wire::MacAddress from;
  wire::MacAddress to;
};

struct RewriteConfig {
  std::vector<AddressMap> addresses;  ///< applied to source and destination, first match wins
  std::vector<PortMap> ports;         ///< TCP/UDP source and destination ports (--portmap)
  std::vector<MacMap> macs;           ///< only with `verbatim` (otherwise the ports write MACs)
  /// tcprewrite --endpoints: every client packet becomes client_endpoint -> server_endpoint, every
  /// server packet the reverse.
  std::optional<wire::Ipv4Address> client_endpoint;
  std::optional<wire::Ipv4Address> server_endpoint;
  std::optional<std::uint8_t> ttl_set;  ///< --ttl=set
  std::uint8_t ttl_decrement = 0;       ///< --ttl=sub
  /// tcprewrite --fixcsum: recompute the IPv4 header and TCP/UDP checksums of every whole packet
  /// before anything else. On by default: a host with checksum offload captures its own packets
  /// before the NIC fills the checksum in (tcpdump-whois.pcap's client side), and a receiver in the
  /// topology would be right to drop them. A UDP checksum of 0 (none) stays 0.
  bool fix_checksums = true;
  std::uint32_t mtu = 0;                ///< 0: no limit; else IPv4 packets longer are not sent
};

enum class TimingMode : std::uint8_t {
  original,  ///< the capture's gaps, divided by `speed`
  pps,       ///< `rate` packets per second
  mbps,      ///< `rate` megabits per second
  topspeed,  ///< back to back at the attachment link's line rate (1 ns apart on an infinitely fast link)
};
std::string_view to_string(TimingMode mode);

struct TimingConfig {
  TimingMode mode = TimingMode::original;
  double speed = 1.0;  ///< for original
  double rate = 0.0;   ///< for pps and mbps
  std::uint32_t loop = 1;  ///< times through the capture
  std::uint64_t limit = 0;  ///< packets to send at most (0: all)
  /// Only records with capture time (from the first record) in [window_start, window_end).
  core::Time window_start = 0;
  core::Time window_end = core::kTimeNever;
  core::Time start = 0;  ///< simulated time (from now) at which the first packet goes
};

struct ReplayConfig {
  Attachment client;                    ///< required
  std::optional<Attachment> server;     ///< server packets are not sent without one
  /// Unset: automatic with a server attachment, none without one.
  std::optional<SplitMode> split;
  std::vector<wire::Ipv4Prefix> client_cidrs;
  std::vector<wire::MacAddress> client_macs;
  RewriteConfig rewrite;
  TimingConfig timing;
  /// tcpreplay's behaviour: frames go out exactly as captured (ARP included, MACs and VLAN tags
  /// kept) and the ports answer nothing. Otherwise the ports answer ARP, resolve the next hop and
  /// write the MACs, and captured ARP frames are not replayed.
  bool verbatim = false;
  /// Keep a fate per replayed packet (packets()); flows are always kept.
  bool record_packets = true;
  link::LinkConfig link;  ///< of the links that attach the ports
};

}  // namespace vpcsim::replay
