// A learning bridge, as a Linux bridge with STP off behaves: it drops frames whose source MAC is not a
// valid unicast address, keeps link-local 01:80:c2:00:00:0X groups to itself (forwarding only the STP
// group, since STP is off), learns each source MAC on the port it arrived on, forwards known unicast to that one port, floods broadcast, multicast and unknown unicast
// to every other port, never sends a frame back out of the port it came in on, and forgets an entry
// not refreshed for the ageing time (300 s, bridge ageing_time). A MAC seen on another port moves.
//
// Ageing is lazy: an entry older than the ageing time is treated as absent when looked up and hidden
// from mac_table(); no timer runs per entry, so an idle bridge costs no events. Forwarding takes no
// simulated time (a software bridge adds microseconds at most; links carry the delays).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libnet/core/flat_hash_map.h"
#include "libnet/node/node.h"

namespace vpcsim::node {

struct MacTableEntry {
  wire::MacAddress mac;
  std::string port;
  core::Time age = 0;  ///< time since last seen
};

struct SwitchCounters {
  std::uint64_t forwarded = 0;
  std::uint64_t flooded = 0;
  std::uint64_t filtered = 0;  ///< known destination on the ingress port: not sent anywhere
};

class Switch final : public Node {
 public:
  static constexpr core::Time kDefaultAgeingTime = 300 * core::kSecond;

  Switch(Network& network, std::uint32_t id, std::string name);

  /// A new port, named "p1", "p2", ... unless a name is given.
  link::Interface& add_port(std::string name = {});
  core::Time ageing_time() const { return ageing_time_; }
  void set_ageing_time(core::Time t);

  /// Live entries, by MAC.
  std::vector<MacTableEntry> mac_table() const;
  /// The port a MAC is currently learned on, or nullptr.
  const link::Interface* port_of(wire::MacAddress mac) const;
  const SwitchCounters& counters() const { return counters_; }

  void receive_frame(link::Interface& ingress, wire::Frame frame) override;

 private:
  struct Learned {
    std::uint32_t port = 0;
    core::Time last_seen = 0;
  };
  void flood(std::uint32_t ingress, wire::Frame frame);
  /// Ports ahead of the one a flood is sending to: far enough for the misses to arrive in time.
  static constexpr std::uint32_t kFloodPrefetchSpacing = 8;
  void prefetch_flood_port(std::uint32_t port, unsigned stage) const;
  static bool is_reserved_group(wire::MacAddress mac);

  core::Time ageing_time_ = kDefaultAgeingTime;
  core::FlatHashMap<std::uint64_t, Learned> table_;  ///< by MAC as 48 bits
  SwitchCounters counters_;
};

}  // namespace vpcsim::node
