// A replay port: where a replayed side enters the topology. It is a port, not a host stack: it sends
// the frames the engine gives it and absorbs everything that comes back (handing it to the engine to
// match with its flow), so nothing it receives is answered twice or dropped as no_socket.
//
// Unless the replay is verbatim it behaves, towards the topology, like the hosts the capture came
// from: it answers ARP for the addresses its side sends from (and, like a router with proxy_arp, for
// any address no interface on its segment owns: the upstream gateway a NAT box points at), learns
// neighbours from the ARP it sees, and resolves each frame's next hop (the destination when it is on
// the segment, else the gateway: given, or the router found on the segment) before writing the
// destination MAC, which is what `tcprewrite --enet-dmac` makes people write by hand. Frames wait for
// ARP as in Linux (3 requests 1 s apart, then dropped as arp_failed and traced).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/core/flat_hash_set.h"
#include "libnet/node/node.h"
#include "libnet/node/router.h"
#include "libnet/replay/replay_source.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::replay {

class ReplayEngine;

class ReplayPort final : public node::Node, public core::EventHandler {
 public:
  static constexpr std::uint32_t kArpTries = 3;
  static constexpr core::Time kArpRetry = core::kSecond;

  ReplayPort(node::Network& network, std::uint32_t id, std::string name, ReplayEngine& engine, Side side);

  Side side() const { return side_; }
  link::Interface& interface() const { return *interfaces()[0]; }

  /// What the segment the port is attached to looks like (ReplayEngine finds it).
  struct Segment {
    std::vector<wire::Ipv4Prefix> on_link;            ///< prefixes of the interfaces on the segment
    std::unordered_set<std::uint32_t> owned;          ///< addresses those interfaces own (never proxied)
    std::vector<wire::Ipv4InterfaceAddress> routers;  ///< router and NAT interfaces: gateway candidates
  };
  void set_segment(Segment segment) { segment_ = std::move(segment); }
  void set_gateway(std::optional<wire::Ipv4Address> gateway) { gateway_ = gateway; }
  /// Attached on a router's new interface: `self` is the port's own address on that /30, and every
  /// address the port speaks for gets a /32 route on the router through it (announce()).
  void set_router(node::Router* router, wire::Ipv4Address self);
  bool has_router() const { return router_ != nullptr; }
  /// A /32 route to `address` via this port on its router (once per address; not for the router's
  /// own addresses).
  void announce(wire::Ipv4Address address);
  const Segment& segment() const { return segment_; }

  /// Sends a frame whose IPv4 source is `src` and destination `dst`: resolves the next hop, writes
  /// the MACs, and sends (or queues it behind ARP).
  void send_resolved(wire::Frame frame, wire::Ipv4Address src, wire::Ipv4Address dst);
  /// Sends a frame exactly as it is (verbatim replay, or a non-IP frame).
  void send_raw(wire::Frame frame);

  void receive_frame(link::Interface& interface, wire::Frame frame) override;
  void handle_event(const core::Event& event) override;

  std::uint64_t arp_answered() const { return arp_answered_; }
  std::uint64_t absorbed() const { return absorbed_; }

 private:
  struct Pending {
    std::vector<wire::Frame> frames;
    wire::Ipv4Address sender;
    std::uint32_t tries = 0;
  };
  wire::Ipv4Address next_hop(wire::Ipv4Address src, wire::Ipv4Address dst) const;
  void send_arp(std::uint16_t operation, wire::MacAddress eth_dst, wire::Ipv4Address sender_ip,
                wire::MacAddress target_mac, wire::Ipv4Address target_ip);
  void learn(wire::Ipv4Address ip, wire::MacAddress mac);
  bool answers_for(wire::Ipv4Address target) const;

  ReplayEngine& engine_;
  Side side_;
  bool verbatim_;
  Segment segment_;
  std::optional<wire::Ipv4Address> gateway_;
  core::FlatHashMap<std::uint32_t, std::uint64_t> neighbours_;  ///< IPv4 -> MAC as 48 bits
  std::unordered_map<std::uint32_t, Pending> pending_;
  core::FlatHashSet sources_;  ///< addresses this side sent from: answered in ARP
  std::uint32_t last_source_ = 0;  ///< the last one inserted: most packets repeat it
  node::Router* router_ = nullptr;
  wire::Ipv4Address self_;
  core::FlatHashSet announced_;
  std::vector<std::uint32_t> proxied_;  ///< the first addresses answered by proxy: senders for our own ARP
  static constexpr std::size_t kKeptProxied = 16;
  std::uint64_t arp_answered_ = 0;
  std::uint64_t absorbed_ = 0;
};

}  // namespace vpcsim::replay
