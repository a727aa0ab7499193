// A UDP socket for scripts and notebooks: bind a port (or take an ephemeral one), send datagrams to
// any address and port at the current simulated time, and read what arrived — datagrams and ICMP
// errors — after running the network, as recvfrom() and IP_RECVERR would show them.
//
//   auto& sock = h1.add_application<UdpSocket>({});   // ephemeral port, like an unbound sendto()
//   sock.send_to(ip("203.0.113.10"), 53, bytes);
//   net.run_for(core::kSecond);
//   for (const auto& d : sock.received()) ...     // then answer with sock.send_to(d.src, d.src_port, ...)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "libnet/core/time.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"

namespace vpcsim::node {

struct UdpDatagram {
  core::Time at = 0;
  wire::Ipv4Address src;
  std::uint16_t src_port = 0;
  wire::Ipv4Address dst;  ///< the address it was sent to (ours, or a broadcast)
  std::uint8_t ttl = 0;
  std::vector<std::uint8_t> payload;
};

struct UdpSocketConfig {
  std::uint16_t port = 0;  ///< 0: a free ephemeral port, like an unbound sendto()
};

class UdpSocket final : public Application, public UdpHandler {
 public:
  using Config = UdpSocketConfig;
  /// Binds `port`; 0 takes a free ephemeral port. Throws core::ConfigError if the port is taken.
  UdpSocket(IpNode& node, std::uint16_t port);
  UdpSocket(IpNode& node, Config config) : UdpSocket(node, config.port) {}
  ~UdpSocket() override;

  std::uint16_t port() const { return port_; }
  /// Sends now (at the simulation's current time); the status is what sendto() would return.
  /// `confirm`: sendto(..., MSG_CONFIRM), which confirms the next hop's neighbour entry.
  SendStatus send_to(wire::Ipv4Address destination, std::uint16_t port, std::span<const std::uint8_t> payload,
                     bool confirm = false);
  /// Everything received so far, in order (kept until clear_received()).
  const std::vector<UdpDatagram>& received() const { return received_; }
  void clear_received() { received_.clear(); }
  const std::vector<IcmpErrorReport>& errors() const { return errors_; }
  std::uint64_t sent() const { return sent_; }

  std::string_view kind() const override { return "udp-socket"; }
  std::string summary() const override;
  /// reply once anything arrived, unreachable if only ICMP errors did, timeout otherwise.
  Outcome outcome() const override;

  void on_datagram(IpNode& node, const ReceivedDatagram& datagram) override;
  void on_icmp_error(IpNode& node, const IcmpErrorReport& error) override;

 private:
  IpNode& node_;
  std::uint16_t port_;
  std::uint64_t sent_ = 0;
  std::vector<UdpDatagram> received_;
  std::vector<IcmpErrorReport> errors_;
};

}  // namespace vpcsim::node
