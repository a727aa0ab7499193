// Software prefetching, for the places where the simulation knows which memory it will touch next
// but the processor cannot guess it: the copies of a flood, each bound for another host's state.
//
// A flood of a broadcast to N hosts touches, per copy, a link, the interface at its far end, the
// host behind it, its neighbour table, and the copy's bytes: a chain of dependent loads, each a cache
// miss once N hosts' state outgrows the caches. Handled one after another, the misses serialise.
// Since the scheduler already holds the copies' events in order (a run), it asks each event's
// handler, several events ahead, to prefetch what it will need, one pointer further per stage
// (core::EventHandler::prefetch), so the misses of many copies overlap.
#pragma once

#include <cstddef>

namespace vpcsim::core {

inline constexpr std::size_t kCacheLine = 64;

/// Starts loading the cache line holding `address` (for reading).
inline void prefetch(const void* address) { __builtin_prefetch(address, 0); }
/// Starts loading every cache line of [address, address + bytes).
inline void prefetch_bytes(const void* address, std::size_t bytes) {
  const char* p = static_cast<const char*>(address);
  for (std::size_t offset = 0; offset < bytes; offset += kCacheLine) __builtin_prefetch(p + offset, 0);
}

}  // namespace vpcsim::core
