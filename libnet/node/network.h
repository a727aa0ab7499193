// A Network owns one simulation: the kernel (clock, events, RNG), the frame pool, the trace, and every
// node and link in it. Nothing is global, so two Networks can run side by side in one process.
//
//   node::Network net(/*seed=*/1);
//   auto& h1 = net.add_host("h1");  h1.add_interface("eth0", "10.0.1.10/24");
//   auto& h2 = net.add_host("h2");  h2.add_interface("eth0", "10.0.1.20/24");
//   net.connect("h1.eth0", "h2.eth0");
//   auto& ping = h1.add_application<Ping>({Ipv4Address::parse("10.0.1.20")});
//   net.run();
//
// Declaration order matters: the pool and trace outlive the nodes and links that hold frames and ids.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libnet/core/arena.h"
#include "libnet/core/flat_hash_set.h"
#include "libnet/core/name_index.h"
#include "libnet/core/simulation.h"
#include "libnet/link/context.h"
#include "libnet/link/link.h"
#include "libnet/node/host.h"
#include "libnet/node/nat_router.h"
#include "libnet/node/node.h"
#include "libnet/node/router.h"
#include "libnet/node/run_limits.h"
#include "libnet/node/switch.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::node {

class Network {
 public:
  explicit Network(std::uint64_t seed = 1);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  ~Network();

  /// Each throws core::ConfigError if the name is empty, has a '.', or is taken.
  Host& add_host(std::string name);
  Router& add_router(std::string name);
  Switch& add_switch(std::string name);
  /// A router that translates (SNAT, DNAT, 1:1) and tracks connections.
  NatRouter& add_nat(std::string name);
  /// A node of a kind built on these (the cloud layer's instances, VPC routers and gateways), made as
  /// `T(network, id, name, args...)`. Throws core::ConfigError as the others do.
  template <class T, class... Args>
  T& add_node(std::string name, Args&&... args) {
    const std::uint32_t id = register_node(name);
    auto node = arena_.make<T>(*this, id, std::move(name), std::forward<Args>(args)...);
    T& ref = *node;
    adopt(std::move(node));
    return ref;
  }

  /// Links two interfaces.
  link::Link& connect(link::Interface& a, link::Interface& b, link::LinkConfig config = {});
  /// Links two endpoints named "node.interface"; a bare switch name means a new port of that switch.
  /// Throws core::ConfigError naming the endpoint that does not exist.
  link::Link& connect(std::string_view a, std::string_view b, link::LinkConfig config = {});

  Node& node(std::string_view name) const;
  Node* find_node(std::string_view name) const;
  /// "r1.eth0" -> the interface. Throws core::ConfigError.
  link::Interface& interface(std::string_view endpoint) const;
  const std::vector<core::Arena::Ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<core::Arena::Ptr<link::Link>>& links() const { return links_; }

  /// Runs until nothing is left to do, or a limit stops it (stopped_by()); returns the number of
  /// events handled.
  std::uint64_t run() { return run_until(core::kTimeNever); }
  /// Runs up to and including simulated time `until` (absolute), or until a limit stops it.
  std::uint64_t run_until(core::Time until);
  /// Runs for `duration` more simulated time.
  std::uint64_t run_for(core::Time duration) { return run_until(sim_.now() + duration); }

  /// What bounds a run (node/run_limits.h); checked per slice of events, never per event.
  const RunLimits& limits() const { return limits_; }
  void set_limits(const RunLimits& limits) { limits_ = limits; }
  /// Why the last run stopped before its end, or nullopt if it ran to its end.
  const std::optional<RunStop>& stopped_by() const { return stopped_by_; }
  /// Stops the run after the event being handled, for `stop` (the first reason given wins).
  void stop_for(RunStop stop);
  /// Called by a switch that got a frame past limits().max_bridge_hops: stops the run, naming the
  /// loop of switches through `at`.
  void report_bridge_loop(const Switch& at);
  core::Time now() const { return sim_.now(); }
  std::uint64_t seed() const { return sim_.seed(); }

  core::Simulation& simulation() { return sim_; }
  wire::FramePool& pool() { return pool_; }
  /// Where the topology's objects live (see core/arena.h).
  core::Arena& arena() { return arena_; }
  const core::Arena& arena() const { return arena_; }
  trace::TraceLog& trace() { return trace_; }
  const trace::TraceLog& trace() const { return trace_; }
  /// What every interface, link, node and ARP cache of this network refers to (by reference: one per
  /// network, not a 32-byte copy in each of them).
  link::Context& context() { return context_; }

  /// Keeps `object` alive as long as the network, destroyed after its nodes and links: how a layer built
  /// on nodes (the cloud) belongs to the network whose nodes refer to it.
  void keep(std::shared_ptr<void> object) { kept_.push_back(std::move(object)); }
  /// keep(), and remembers `object` as the one of its kind (`kind`: the address of a tag the layer
  /// owns), so that a layer that allows one per network (the cloud) can find it. Throws
  /// core::ConfigError if the network keeps one of that kind already.
  void keep_one(std::shared_ptr<void> object, const void* kind, const char* what);
  /// The object kept with keep_one(…, kind, …), or null.
  void* kept_one(const void* kind) const;

  /// A locally administered unicast MAC drawn from the seed, unique in this network.
  wire::MacAddress allocate_mac();
  /// Records a MAC given by the user; throws core::ConfigError if another interface has it.
  void claim_mac(wire::MacAddress mac, const std::string& owner);

 private:
  /// Checks a new node's name and gives it a trace id.
  std::uint32_t register_node(const std::string& name);
  void adopt(core::Arena::Ptr<Node> node);

  // First, so it goes last: it holds the memory of the nodes, interfaces, links and neighbour tables.
  core::Arena arena_;
  core::Simulation sim_;
  wire::FramePool pool_;
  trace::TraceLog trace_;
  std::uint64_t next_packet_id_ = 0;
  link::Context context_{sim_, pool_, trace_, next_packet_id_, &arena_};
  core::Rng mac_rng_;
  core::FlatHashSet macs_;   ///< every MAC in use, as 48 bits
  core::NameIndex by_name_;  ///< positions in nodes_
  std::vector<core::Arena::Ptr<link::Link>> links_;
  std::vector<core::Arena::Ptr<Node>> nodes_;
  std::vector<std::shared_ptr<void>> kept_;
  std::vector<std::pair<const void*, void*>> kept_by_kind_;
  RunLimits limits_;
  std::optional<RunStop> stopped_by_;
};

}  // namespace vpcsim::node
