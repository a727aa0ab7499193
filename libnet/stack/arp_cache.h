// The neighbour (ARP) cache of one interface, following Linux's neighbour state machine
// (net/core/neighbour.c, net/ipv4/arp.c) with its default sysctls:
//
//   none ──send──▶ incomplete ──reply──▶ reachable ──reachable_time──▶ stale ──send──▶ delay
//                     │ 3 broadcast requests, 1 s apart                  ▲                  │ 5 s unconfirmed
//                     ▼                                                  │                  ▼
//                   failed ◀── 3 unicast requests, 1 s apart, no reply ── probe ◀───────────┘
//
// Packets waiting on an incomplete entry are queued (bounded in bytes like unres_qlen_bytes; the
// oldest goes first when full) and sent in order when the answer arrives; on failure each is handed
// back to the owner, which sends ICMP host unreachable (net/ipv4/route.c: ipv4_link_failure). A
// request for one of the node's addresses is answered, and teaches us the requester as `stale`
// (neigh_event_ns); a reply updates only an entry we already have. reachable_time is drawn once per
// cache uniformly in [base/2, 3·base/2], as Linux draws it per device.
//
// A frame marked confirm_neighbour (wire::FrameMeta: a TCP ACK made progress, UDP's MSG_CONFIRM)
// stamps its next hop's entry as confirmed when sent (neigh_confirm), so a `delay` entry goes back to
// `reachable` at its timer instead of probing.
//
// Deliberate simplifications: no garbage collection of stale entries (gc_thresh), no locktime on
// MAC changes, no gratuitous ARP, no proxy ARP.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/core/ring_buffer.h"
#include "libnet/link/context.h"
#include "libnet/link/interface.h"
#include "libnet/wire/arp.h"
#include "libnet/wire/frame.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/mac_address.h"

namespace vpcsim::stack {

enum class NeighbourState : std::uint8_t { incomplete, reachable, stale, delay, probe, failed };
std::string_view to_string(NeighbourState state);

/// /proc/sys/net/ipv4/neigh/default/*, as Linux ships them.
struct ArpConfig {
  std::uint32_t mcast_probes = 3;
  std::uint32_t ucast_probes = 3;
  core::Time retrans_time = core::kSecond;
  core::Time base_reachable_time = 30 * core::kSecond;
  core::Time delay_first_probe_time = 5 * core::kSecond;
  std::size_t unres_qlen_bytes = 212992;

  friend bool operator==(const ArpConfig&, const ArpConfig&) = default;
};

/// An immutable configuration to share between caches: every cache of a node holds the node's (16
/// bytes, not a 40-byte copy), and every default configuration is one instance.
std::shared_ptr<const ArpConfig> share(const ArpConfig& config);

struct NeighbourEntry {
  wire::Ipv4Address ip;
  wire::MacAddress mac;  ///< 00:00:00:00:00:00 while incomplete or failed
  NeighbourState state;
  std::string interface;
};

/// What the cache needs from the node that owns it.
class ArpCacheOwner {
 public:
  /// Whether `address` is assigned to any interface of the node (Linux answers ARP for all of them).
  virtual bool is_local_address(wire::Ipv4Address address) const = 0;
  /// Resolution of `next_hop` failed after `requests` ARP requests; `frame` was waiting for it.
  virtual void neighbour_unreachable(link::Interface& interface, wire::Ipv4Address next_hop, std::uint32_t requests,
                                     wire::Frame frame) = 0;

 protected:
  ~ArpCacheOwner() = default;
};

class ArpCache final : public core::EventHandler {
 public:
  ArpCache(link::Context& context, link::Interface& interface, ArpCacheOwner& owner, ArpConfig config = {});
  ArpCache(link::Context& context, link::Interface& interface, ArpCacheOwner& owner,
           std::shared_ptr<const ArpConfig> config);
  ArpCache(const ArpCache&) = delete;
  ArpCache& operator=(const ArpCache&) = delete;

  /// Sends `frame` (an Ethernet frame whose destination MAC is still to be written) to `next_hop`:
  /// at once when the neighbour is known, else after resolution. A frame marked confirm_neighbour
  /// confirms the entry first.
  void send(wire::Ipv4Address next_hop, wire::Frame frame);
  /// An ARP packet arrived on the interface. `to_us` is true when it was unicast to our MAC.
  void receive(const wire::ArpRepr& arp, bool to_us);

  /// The entries, by address.
  std::vector<NeighbourEntry> entries() const;
  /// The state of one entry, if there is one.
  const NeighbourState* state_of(wire::Ipv4Address ip) const;
  core::Time reachable_time() const { return reachable_time_; }
  const ArpConfig& config() const { return *config_; }
  std::size_t size() const { return entries_.size(); }

  void handle_event(const core::Event& event) override;
  /// Prefetches the slot receive() or send() will probe first for `ip` (see core/prefetch.h).
  void prefetch_entry(wire::Ipv4Address ip) const { entries_.prefetch(ip.to_u32()); }

 private:
  struct Entry {
    wire::MacAddress mac;
    NeighbourState state = NeighbourState::incomplete;
    core::Time confirmed = 0;
    core::Time updated = 0;
    core::Time used = 0;
    std::uint32_t probes = 0;
    std::uint32_t timer_generation = 0;
    std::size_t queued_bytes = 0;
    core::RingBuffer<wire::Frame> queue;
  };

  bool is_valid(NeighbourState s) const {
    return s == NeighbourState::reachable || s == NeighbourState::stale || s == NeighbourState::delay ||
           s == NeighbourState::probe;
  }
  /// The entry for `ip`, created in state "none" (failed, long unconfirmed) if there is none.
  Entry& entry_for(wire::Ipv4Address ip);
  void arm_timer(wire::Ipv4Address ip, Entry& entry, core::Time at);
  void update(wire::Ipv4Address ip, Entry& entry, wire::MacAddress mac, NeighbourState new_state);
  void transmit(Entry& entry, wire::Frame frame);
  void enqueue(wire::Ipv4Address ip, Entry& entry, wire::Frame frame);
  void probe(wire::Ipv4Address ip, Entry& entry);
  void fail(wire::Ipv4Address ip, Entry& entry);
  void send_arp(wire::ArpOperation op, wire::MacAddress eth_dst, wire::Ipv4Address sender_ip,
                wire::MacAddress target_mac, wire::Ipv4Address target_ip);
  std::uint32_t max_probes(const Entry& entry) const {
    return config_->ucast_probes + (entry.state == NeighbourState::probe ? 0 : config_->mcast_probes);
  }

  link::Context& context_;
  link::Interface& interface_;
  ArpCacheOwner& owner_;
  std::shared_ptr<const ArpConfig> config_;
  core::Time reachable_time_;
  // Inline entries (FlatHashMap): an Entry& is valid only until the next insertion, so no code holds one
  // across a call that can send to another neighbour (fail() moves its queue out before reporting).
  core::FlatHashMap<std::uint32_t, Entry, true> entries_;  ///< slots in the context's arena
};

}  // namespace vpcsim::stack
