// An AWS NAT gateway: one network interface in a (public) subnet, an Elastic IP that the internet
// gateway maps to its private address, and source NAT for everything it forwards: TCP, UDP and ICMP,
// ports 1024-65535, at most 55,000 simultaneous connections to one destination (address, port,
// protocol). It accepts no connection from outside (no port forwarding), does not answer ping to
// itself, reaches the internet through its own subnet's route table, and drops a connection idle for
// 350 s: a further TCP packet from inside gets a RST.
#pragma once

#include <cstdint>
#include <string>

#include "libnet/cloud/decision.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/node/nat_router.h"

namespace vpcsim::cloud {

class Subnet;

class NatGateway final : public node::NatRouter {
 public:
  static constexpr std::uint32_t kMaxConnectionsPerDestination = 55000;
  static constexpr core::Time kIdleTimeout = 350 * core::kSecond;

  NatGateway(node::Network& network, std::uint32_t id, std::string name, Subnet& subnet);

  Subnet& subnet() const { return *subnet_; }
  wire::Ipv4Address private_ip() const { return primary_address(); }
  wire::Ipv4Address public_ip() const { return public_ip_; }
  void set_public_ip(wire::Ipv4Address address) { public_ip_ = address; }
  bool deleted() const { return deleted_; }
  void mark_deleted() { deleted_ = true; }
  /// Live connections to one destination.
  std::uint32_t connections_to(wire::Ipv4Address address, std::uint16_t port, std::uint8_t protocol) const;

 protected:
  bool prerouting(link::Interface& in, wire::Frame& frame) override;
  bool postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) override;
  bool admit_new_flow(link::Interface& out, const stack::FlowTuple& tuple, std::uint64_t packet_id) override;
  /// Inbound connections and pings to the gateway are refused; a TCP segment from inside with no
  /// connection (idle past 350 s, or never opened) is answered with RST.
  bool untracked(link::Interface& in, const stack::FlowTuple& tuple, const wire::Ipv4View& ip, bool local,
                 std::uint64_t packet_id) override;
  /// AWS fails a connection only at its documented limits, so every port of 1024-65535 is searched,
  /// from where the last search for the same destination stopped.
  std::uint32_t* port_cursor(const stack::FlowTuple& tuple) override {
    return &port_cursors_[destination_key(tuple.dst, tuple.dst_port, tuple.protocol)];
  }

 private:
  /// ICMP has no port: its "port" in a tuple is the echo id, which the translation changes.
  static std::uint64_t destination_key(wire::Ipv4Address address, std::uint16_t port, std::uint8_t protocol) {
    if (protocol == wire::kIpProtoIcmp) port = 0;
    return (std::uint64_t{address.to_u32()} << 24) | (std::uint64_t{port} << 8) | protocol;
  }
  void record(std::uint64_t packet_id, DecisionAction action, std::string detail, ReasonCode code = ReasonCode::none,
              std::string suggestion = {});
  /// A TCP segment from inside with no connection (idle for 350 s, or never seen): AWS answers RST.
  void reset_stale(const wire::Ipv4View& ip);

  Subnet* subnet_;
  wire::Ipv4Address public_ip_;
  bool deleted_ = false;
  core::FlatHashMap<std::uint64_t, std::uint32_t> per_destination_;
  core::FlatHashMap<std::uint64_t, std::uint32_t> port_cursors_;  ///< by destination
  stack::FlowTuple before_;  ///< between the hooks, while explaining: the packet's tuple as it arrived
  bool before_known_ = false;
};

}  // namespace vpcsim::cloud
