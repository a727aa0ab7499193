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
#include <string>
#include <string_view>
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

  /// Runs until nothing is left to do; returns the number of events handled.
  std::uint64_t run() { return sim_.run(); }
  /// Runs up to and including simulated time `until` (absolute).
  std::uint64_t run_until(core::Time until) { return sim_.run_until(until); }
  /// Runs for `duration` more simulated time.
  std::uint64_t run_for(core::Time duration) { return sim_.run_until(sim_.now() + duration); }
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
};

}  // namespace vpcsim::node
