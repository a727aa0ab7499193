// A network interface: a MAC address, IPv4 addresses, an MTU, counters, capture taps, and at most
// one link. It belongs to a node, which receives what arrives through the FrameReceiver interface.
//
// Like a Linux netdev, it is where tcpdump looks: frames are shown to the taps as they are handed to
// the link (tx; a frame the link's queue refuses is not shown, as with a full qdisc) and as they
// arrive (rx, before the node filters on the destination MAC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/core/small_vector.h"
#include "libnet/link/capture_tap.h"
#include "libnet/link/context.h"
#include "libnet/wire/frame.h"
#include "libnet/wire/ipv4_interface_address.h"
#include "libnet/wire/mac_address.h"

namespace vpcsim::link {

class Interface;
class Link;

/// Implemented by nodes: a frame arrived on one of their interfaces.
class FrameReceiver {
 public:
  /// The first bytes of a receiver that a link prefetches before calling prefetch_receive().
  static constexpr std::size_t kPrefetchedBytes = 256;

  virtual void receive_frame(Interface& interface, wire::Frame frame) = 0;
  /// Prefetches what receive_frame(interface, frame) will touch beyond the receiver's first
  /// kPrefetchedBytes and the frame's first bytes, in two stages (0, 1), the second reading what the
  /// first prefetched (see core::EventHandler::prefetch). Reads only.
  virtual void prefetch_receive(const Interface& interface, const wire::Frame& frame, unsigned stage) const {
    (void)interface;
    (void)frame;
    (void)stage;
  }

 protected:
  ~FrameReceiver() = default;
};

struct InterfaceCounters {
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t tx_dropped = 0;  ///< refused by the link's queue, or no link
  std::uint64_t rx_dropped = 0;  ///< longer than the MTU allows
};

class Interface {
 public:
  static constexpr std::uint32_t kDefaultMtu = 1500;
  static constexpr std::uint32_t kMaxLinkHeaderLen = 18;  ///< Ethernet header plus one 802.1Q tag

  /// `id` is the network-wide trace id, which the trace must have registered with `name` (it keeps the
  /// name; throws core::ConfigError if it differs); `node_id` the owner's trace id.
  Interface(Context& context, FrameReceiver& owner, std::uint32_t id, std::uint32_t node_id, std::string name,
            wire::MacAddress mac, std::uint32_t index_in_node = 0);
  Interface(const Interface&) = delete;
  Interface& operator=(const Interface&) = delete;

  std::uint32_t id() const { return id_; }
  std::uint32_t node_id() const { return node_id_; }
  /// Position of this interface within its node (what routes and ARP caches are indexed by).
  std::uint32_t index_in_node() const { return index_in_node_; }
  std::string name() const { return std::string(context_.trace.interface_short_name(id_)); }
  /// "r1.eth0"
  std::string full_name() const { return context_.trace.interface_name(id_); }

  const wire::MacAddress& mac() const { return mac_; }
  void set_mac(wire::MacAddress mac) { mac_ = mac; }
  std::uint32_t mtu() const { return mtu_; }
  /// Throws core::ConfigError outside 68..9001 (the IPv4 minimum; the AWS jumbo MTU).
  void set_mtu(std::uint32_t mtu);

  const core::SmallVector<wire::Ipv4InterfaceAddress>& addresses() const { return addresses_; }
  /// Throws core::ConfigError for an address already on this interface, a network or broadcast address
  /// of a subnet shorter than /31, or 0.0.0.0.
  void add_address(wire::Ipv4InterfaceAddress address);
  /// The checks add_address() makes that do not depend on the interface, for `who` ("h1.eth0").
  static void validate_address(const std::string& who, wire::Ipv4InterfaceAddress address);
  bool has_address(wire::Ipv4Address address) const;
  /// The first address, or 0.0.0.0 when there is none.
  wire::Ipv4Address primary_address() const;
  /// The address on this interface whose subnet contains `destination` (else the primary one): the
  /// source Linux picks for ARP and for ICMP errors sent out of this interface.
  wire::Ipv4Address source_address_for(wire::Ipv4Address destination) const;

  bool is_connected() const { return link_ != nullptr; }
  Link* link() const { return link_; }
  const InterfaceCounters& counters() const { return counters_; }

  /// Hands a complete Ethernet frame to the link.
  void send(wire::Frame frame);

  /// The link's lane this interface sends into (see Link::prefetch_transmit). Precondition: connected.
  void prefetch_transmit() const;

  void add_tap(CaptureTap& tap);
  bool has_taps() const { return taps_ != nullptr; }
  void remove_tap(CaptureTap& tap);

  FrameReceiver& owner() const { return owner_; }

 private:
  friend class Link;
  void attach(Link& link, std::uint8_t side) {
    link_ = &link;
    link_side_ = side;
  }
  /// Called by the link when a frame arrives.
  void deliver(wire::Frame frame);
  void show_taps(Direction direction, std::span<const std::uint8_t> bytes) const {
    if (taps_ == nullptr) return;
    for (CaptureTap* tap : *taps_) tap->capture(*this, direction, context_.now(), bytes);
  }

  // Ordered to leave no padding: a network has two of these per host (its own and its switch port).
  // The name is kept by the trace, which needs it for its output anyway.
  Context& context_;
  FrameReceiver& owner_;
  std::uint32_t id_;
  std::uint32_t node_id_;
  std::uint32_t index_in_node_;
  std::uint32_t mtu_ = kDefaultMtu;
  wire::MacAddress mac_;
  std::uint8_t link_side_ = 0;
  core::SmallVector<wire::Ipv4InterfaceAddress> addresses_;
  std::unique_ptr<std::vector<CaptureTap*>> taps_;  ///< null while there is none: most interfaces never have one
  Link* link_ = nullptr;
  InterfaceCounters counters_;
};

}  // namespace vpcsim::link
