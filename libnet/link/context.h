// What every element of a network needs from the network it lives in: the simulation kernel (clock,
// events, RNG), the frame pool and the trace. node::Network owns all three and hands out this
// bundle of references, once: every interface, link, node and ARP cache holds a reference to it (8
// bytes each, not a 32-byte copy), so it must outlive them. Nothing is global.
#pragma once

#include "libnet/core/arena.h"
#include "libnet/core/simulation.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::link {

struct Context {
  core::Simulation& sim;
  wire::FramePool& pool;
  trace::TraceLog& trace;
  /// A fresh id for a packet a node originates (0 is "no packet").
  std::uint64_t& next_packet_id;
  /// Where state that elements grow while the network runs (link rings, neighbour tables) is kept,
  /// beside the topology (core/arena.h); null: the heap.
  core::Arena* arena = nullptr;

  std::uint64_t new_packet_id() { return ++next_packet_id; }
  core::Time now() const { return sim.now(); }
};

}  // namespace vpcsim::link
