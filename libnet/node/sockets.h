// What the IP stack hands to applications: datagrams, echo replies and ICMP errors, through two small
// handler interfaces (a UDP port, an ICMP echo identifier), as a Linux socket would see them.
#pragma once

#include <cstdint>
#include <span>

#include "libnet/core/time.h"
#include "libnet/stack/tcp_connection.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::node {

class IpNode;

struct ReceivedDatagram {
  wire::Ipv4Address src;
  wire::Ipv4Address dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t ttl = 0;
  std::span<const std::uint8_t> payload;
};

struct ReceivedEchoReply {
  wire::Ipv4Address from;
  std::uint16_t id = 0;
  std::uint16_t seq = 0;
  std::uint8_t ttl = 0;
  std::size_t data_len = 0;
};

/// An ICMP error about a packet this node sent (IP_RECVERR's view of it).
struct IcmpErrorReport {
  wire::Ipv4Address from;          ///< who sent the error (our own address for a local failure)
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t next_hop_mtu = 0;  ///< for fragmentation needed
  wire::Ipv4Address original_dst;  ///< where the offending packet was going
  std::uint16_t original_dst_port = 0;  ///< UDP: its destination port
  std::uint16_t echo_seq = 0;      ///< ICMP echo: its sequence number
};

class UdpHandler {
 public:
  virtual void on_datagram(IpNode& node, const ReceivedDatagram& datagram) = 0;
  virtual void on_icmp_error(IpNode& node, const IcmpErrorReport& error) = 0;

 protected:
  ~UdpHandler() = default;
};

class EchoHandler {
 public:
  virtual void on_echo_reply(IpNode& node, const ReceivedEchoReply& reply) = 0;
  virtual void on_icmp_error(IpNode& node, const IcmpErrorReport& error) = 0;

 protected:
  ~EchoHandler() = default;
};

/// A TCP connection of a node (an index into its TcpSockets, reused after the connection closed).
using TcpSocketId = std::uint32_t;

/// What a TCP socket hears. A listener's handler becomes the handler of every connection it accepts,
/// and hears about it first through on_tcp_established (accept() returning).
class TcpHandler {
 public:
  /// The handshake completed: connect() succeeded, or a listener accepted `id`.
  virtual void on_tcp_established(IpNode& node, TcpSocketId id) = 0;
  virtual void on_tcp_data(IpNode& node, TcpSocketId id, std::span<const std::uint8_t> data) = 0;
  /// The peer sent FIN (read() returns 0).
  virtual void on_tcp_peer_closed(IpNode& node, TcpSocketId id) = 0;
  /// The connection is gone (`error` none for an orderly close); `id` is invalid after the call.
  virtual void on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) = 0;
  /// An ICMP error about one of the connection's segments arrived (before TCP acts on it).
  virtual void on_tcp_icmp_error(IpNode&, TcpSocketId, const IcmpErrorReport&) {}

 protected:
  ~TcpHandler() = default;
};

/// Why a send did not leave the node (the errno a Linux socket would return).
enum class SendStatus : std::uint8_t {
  sent,               ///< handed to the interface or queued on ARP
  network_unreachable,  ///< ENETUNREACH: no route
  host_unreachable,   ///< EHOSTUNREACH: an `unreachable` route
  prohibited,         ///< EACCES: a `prohibit` route
  blackholed,         ///< EINVAL: a `blackhole` route
  message_too_long,   ///< EMSGSIZE: bigger than the MTU with DF set
  no_source_address,  ///< EADDRNOTAVAIL: the egress interface has no address
  address_in_use,     ///< EADDRINUSE: a TCP connect from a fixed port whose four-tuple is taken
};
std::string_view to_string(SendStatus status);

}  // namespace vpcsim::node
