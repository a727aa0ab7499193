// The IPv4 stack shared by hosts and routers. As in Linux, a router is a host with forwarding on
// (net.ipv4.ip_forward=1): both answer ARP and ping, deliver to local sockets and send ICMP errors
// by the same rules; only forwarding differs.
//
// Receive: Ethernet (untagged) → ARP to the interface's ArpCache, or IPv4 → validate (version,
// header length, checksum, total length; Ethernet padding trimmed) → local delivery if the
// destination is one of the node's addresses on any interface (the weak host model), a broadcast, or
// else forwarding: route lookup (no route → ICMP net unreachable; unreachable → host unreachable;
// prohibit → admin prohibited; blackhole → silence), then TTL (≤ 1 → ICMP time exceeded), MTU, TTL
// decrement with an incremental checksum update in place, and the next hop's ArpCache. The frame is
// moved through all of it and rewritten in place, never copied.
//
// ICMP errors follow net/ipv4/icmp.c (icmp_send), whose rules are stack/icmp_errors.h's; the node
// routes them back. Errors about this node's own packets are delivered locally (the kernel loops
// them back), which is how ping learns "Destination Host Unreachable" after ARP fails.
//
// Configuration, sockets, output and ICMP errors are in ip_node.cpp; the receive path (forwarding
// and local delivery) in ip_input.cpp. Applications attach with add_application<App>(config).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/core/ring_buffer.h"
#include "libnet/core/small_vector.h"
#include "libnet/node/application.h"
#include "libnet/node/node.h"
#include "libnet/node/sockets.h"
#include "libnet/stack/arp_cache.h"
#include "libnet/stack/icmp_errors.h"
#include "libnet/stack/routing_table.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/ipv4_interface_address.h"
#include "libnet/wire/ipv4_prefix.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::node {

class TcpSockets;

struct IpCounters {
  std::uint64_t received = 0;     ///< IPv4 packets accepted from the wire
  std::uint64_t delivered = 0;    ///< to the node itself
  std::uint64_t forwarded = 0;
  std::uint64_t originated = 0;
  std::uint64_t icmp_errors_sent = 0;
  std::uint64_t icmp_rate_limited = 0;
  std::uint64_t dropped = 0;
};

/// Options for a packet the node originates.
struct SendOptions {
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  bool dont_fragment = true;   ///< Linux sockets default to path-MTU discovery (DF set)
  wire::Ipv4Address source;    ///< unspecified: chosen from the route, as Linux does
  /// MSG_CONFIRM: the datagram confirms its next hop's neighbour entry (udp_sendmsg ->
  /// dst_confirm_neigh), as an application that just heard from that neighbour may say.
  bool confirm_neighbour = false;
};

class IpNode : public Node, public stack::ArpCacheOwner, public core::EventHandler {
 public:
  IpNode(Network& network, std::uint32_t id, std::string name, NodeKind kind, bool ip_forward);
  ~IpNode() override;

  // --- configuration -------------------------------------------------------------------------
  /// A new interface, with an address ("10.0.1.10/24") and a connected route when one is given.
  link::Interface& add_interface(std::string name, std::optional<wire::Ipv4InterfaceAddress> address = std::nullopt,
                                 std::optional<wire::MacAddress> mac = std::nullopt);
  link::Interface& add_interface(std::string name, std::string_view address);
  /// Adds an address and its connected route. Throws core::ConfigError if another interface of this
  /// node has an address in an overlapping subnet (Linux would allow it; it is almost always a mistake).
  void add_address(std::string_view interface, wire::Ipv4InterfaceAddress address);
  /// A route through a gateway, which must be on one of the node's connected subnets.
  void add_route(wire::Ipv4Prefix destination, wire::Ipv4Address gateway);
  /// An on-link route out of an interface ("ip route add 10.9.0.0/16 dev eth1").
  void add_route(wire::Ipv4Prefix destination, std::string_view interface);
  /// `unreachable`, `prohibit` or `blackhole` route.
  void add_special_route(wire::Ipv4Prefix destination, stack::RouteType type);
  void set_default_gateway(wire::Ipv4Address gateway) { add_route(wire::Ipv4Prefix(), gateway); }
  bool remove_route(wire::Ipv4Prefix destination) { return routes_.remove(destination); }
  const stack::RoutingTable& routing_table() const { return routes_; }

  bool ip_forward() const { return ip_forward_; }
  void set_ip_forward(bool on) { ip_forward_ = on; }
  const IpCounters& ip_counters() const { return counters_; }

  /// The ARP caches of all interfaces, by interface then address.
  std::vector<stack::NeighbourEntry> arp_table() const;
  stack::ArpCache& arp_cache(std::string_view interface);
  stack::ArpConfig arp_config() const { return *arp_config_; }
  /// Applies to interfaces added afterwards.
  void set_arp_config(stack::ArpConfig config) { arp_config_ = stack::share(config); }

  bool is_local_address(wire::Ipv4Address address) const override;
  /// The node's first address, or 0.0.0.0.
  wire::Ipv4Address primary_address() const;

  // --- sockets ---------------------------------------------------------------------------------
  /// Throws core::ConfigError if the port is taken.
  void bind_udp(std::uint16_t port, UdpHandler& handler);
  void unbind_udp(std::uint16_t port) { udp_ports_.erase(port); }
  /// A port from Linux's ephemeral range (32768-60999), drawn from the simulation's RNG, that no
  /// socket of `protocol` (wire::kIpProtoUdp or kIpProtoTcp) uses on this node: as in Linux, UDP
  /// and TCP port spaces are separate.
  std::uint16_t ephemeral_port(std::uint8_t protocol);
  SendStatus send_udp(std::uint16_t src_port, wire::Ipv4Address dst, std::uint16_t dst_port,
                      std::span<const std::uint8_t> payload, const SendOptions& options = {});
  /// Registers an ICMP echo identifier; returns one drawn from the RNG that is not in use.
  std::uint16_t register_echo(EchoHandler& handler);
  void unregister_echo(std::uint16_t id) {
    if (uncommon_) uncommon_->echo_ids.erase(id);
  }
  /// Sends a TCP segment from `src` (one of the node's addresses) with TTL 64 and DF, as a Linux
  /// socket does; the checksum is filled here. `confirm_neighbour`: the socket's pending
  /// confirmation (stack::TcpConnection::take_neighbour_confirm) goes with it.
  SendStatus send_tcp(wire::Ipv4Address src, wire::Ipv4Address dst, const wire::TcpRepr& segment,
                      bool confirm_neighbour = false);
  /// The node's TCP, created on first use (listen or connect).
  TcpSockets& tcp();
  /// The node's TCP, or nullptr if nothing has used TCP yet.
  const TcpSockets* tcp_sockets() const { return tcp_.get(); }
  /// What a socket learns from the route to `dst`: whether there is one, the source address it
  /// picks and the egress MTU (the loopback's limit for one of our own addresses).
  struct RouteInfo {
    SendStatus status = SendStatus::sent;
    wire::Ipv4Address source;
    std::uint32_t mtu = 0;
  };
  RouteInfo route_info(wire::Ipv4Address dst) const;
  SendStatus send_echo_request(wire::Ipv4Address dst, std::uint16_t id, std::uint16_t seq,
                               std::span<const std::uint8_t> data, const SendOptions& options = {});

  // --- applications (owned by the node) ---------------------------------------------------------
  /// Attaches an application the node owns, made from its configuration, the one way for every kind:
  /// `h1.add_application<Ping>({dst, 3})`, `srv.add_application<TcpServer>({80, "pong"})`. An
  /// application type has a `Config` and a constructor (IpNode&, Config); see node/application.h.
  template <class App>
  App& add_application(typename App::Config config) {
    auto app = std::make_unique<App>(*this, std::move(config));
    App& ref = *app;
    applications_.push_back(std::move(app));
    return ref;
  }
  const core::SmallVector<std::unique_ptr<Application>>& applications() const { return applications_; }

  // --- frame processing --------------------------------------------------------------------------
  void receive_frame(link::Interface& interface, wire::Frame frame) override;
  void prefetch_receive(const link::Interface& interface, const wire::Frame& frame, unsigned stage) const override;
  void neighbour_unreachable(link::Interface& interface, wire::Ipv4Address next_hop, std::uint32_t requests,
                             wire::Frame frame) override;
  void handle_event(const core::Event& event) override;

 protected:
  /// Netfilter's PREROUTING and POSTROUTING, for nodes that translate (NatRouter). Called only after
  /// enable_hooks(), so hosts and plain routers pay one predictable branch. `frame` holds a validated
  /// IPv4 packet; a hook may rewrite it in place, or drop it (return false, after recording why).
  /// PREROUTING runs before the local-or-forward decision; POSTROUTING once the egress is known, after
  /// the TTL decrement (`forwarded`) or for a packet the node itself sends.
  virtual bool prerouting(link::Interface& in, wire::Frame& frame);
  virtual bool postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded);
  /// With hooks: the table that routes a packet arriving on `in` (an AWS VPC router picks the route
  /// table of the subnet the packet comes from, as Linux policy routing can with `ip rule iif`).
  virtual const stack::RoutingTable& forwarding_table(const link::Interface& in) const {
    (void)in;
    return routes_;
  }
  /// With hooks: whether forwarding decrements the TTL (an AWS VPC router does not).
  virtual bool decrements_ttl() const { return true; }
  void enable_hooks() { hooks_ = true; }
  void drop(const link::Interface* interface, trace::DropReason reason, std::uint64_t packet_id, std::string detail);

 private:
  struct OutputRoute {
    SendStatus status = SendStatus::sent;
    link::Interface* egress = nullptr;
    std::uint32_t egress_index = 0;
    wire::Ipv4Address next_hop;
    wire::Ipv4Address source;
    bool local = false;      ///< the destination is this node: loop back
    bool broadcast = false;  ///< a broadcast on the egress subnet: no ARP
  };
  OutputRoute route_output(wire::Ipv4Address dst, wire::Ipv4Address source_hint) const;
  /// A frame with an Ethernet header (destination still zero) and `ip`'s header; payload after 34 bytes.
  wire::Frame new_ipv4_frame(const wire::Ipv4Repr& ip);
  /// Sends a frame built by new_ipv4_frame along `route`.
  void transmit(const OutputRoute& route, wire::Frame frame);
  /// Routes, builds and sends a datagram whose transport part (`l4_len` bytes) `emit_l4(buffer,
  /// src, dst)` writes with a wire repr, once the source address is known.
  template <class EmitL4>
  SendStatus originate(wire::Ipv4Repr ip, std::size_t l4_len, const EmitL4& emit_l4, bool confirm_neighbour = false);
  /// originate() for an ICMP message the node makes (an echo request or reply).
  SendStatus send_icmp(const wire::Ipv4Repr& ip, const wire::IcmpRepr& icmp);

  void receive_ipv4(link::Interface& interface, wire::Frame frame, bool link_broadcast);
  void forward(link::Interface& interface, wire::Frame frame);
  void deliver_locally(const link::Interface* interface, wire::Frame frame, bool link_broadcast);
  void deliver_icmp(const link::Interface* interface, const wire::Ipv4View& ip, bool link_broadcast, std::uint64_t packet_id);
  void deliver_udp(const link::Interface* interface, const wire::Ipv4View& ip, bool link_broadcast, std::uint64_t packet_id);
  void deliver_tcp(const link::Interface* interface, const wire::Ipv4View& ip, bool link_broadcast, std::uint64_t packet_id);
  /// icmp_send(): an ICMP error about `offending` (an IPv4 datagram) to its source.
  void send_icmp_error(std::span<const std::uint8_t> offending, std::uint8_t type, std::uint8_t code,
                       std::uint16_t next_hop_mtu = 0);
  /// Throws core::ConfigError for an address that may not go on `interface` (nullptr: a new one).
  void check_new_address(const std::string& who, const link::Interface* interface,
                         wire::Ipv4InterfaceAddress address) const;
  bool is_subnet_broadcast(wire::Ipv4Address address) const;
  /// Both of the above in one walk over the addresses: what the receive path asks of every packet.
  struct LocalMatch {
    bool address = false;
    bool subnet_broadcast = false;
  };
  LocalMatch match_local(wire::Ipv4Address address) const;
  std::uint16_t next_ip_id() { return next_ip_id_++; }

  bool ip_forward_;
  bool hooks_ = false;        // NatRouter's netfilter hooks; with ip_forward_ and next_ip_id_: no padding
  std::uint16_t next_ip_id_;
  stack::RoutingTable routes_;
  std::shared_ptr<const stack::ArpConfig> arp_config_ = stack::share({});  ///< shared with the caches
  core::SmallVector<core::Arena::Ptr<stack::ArpCache>> arp_caches_;  ///< parallel to interfaces(); in the network's arena
  core::FlatHashMap<std::uint16_t, UdpHandler*> udp_ports_;
  /// What most nodes never need, allocated on first use: echo identifiers (ping), ICMP error rate
  /// buckets, and the packets this node sent to itself.
  struct Uncommon {
    core::FlatHashMap<std::uint16_t, EchoHandler*> echo_ids;
    stack::IcmpRateLimiter icmp_rate;
    core::RingBuffer<wire::Frame> loopback;
  };
  Uncommon& uncommon() {
    if (!uncommon_) uncommon_ = std::make_unique<Uncommon>();
    return *uncommon_;
  }
  std::unique_ptr<Uncommon> uncommon_;
  EchoHandler* const* find_echo(std::uint16_t id) const { return uncommon_ ? uncommon_->echo_ids.find(id) : nullptr; }
  IpCounters counters_;
  core::SmallVector<std::unique_ptr<Application>> applications_;
  std::unique_ptr<TcpSockets> tcp_;  ///< empty until TCP is used: 8 bytes for hosts that never do
};

}  // namespace vpcsim::node
