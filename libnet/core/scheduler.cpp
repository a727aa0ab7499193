#include "libnet/core/scheduler.h"

namespace vpcsim::core {
namespace {
// (at, seq) as one unsigned 128-bit number, so "earlier" is one comparison the compiler can turn into
// flag arithmetic and conditional moves: event times are random, so a branch on them mispredicts
// about half the time, and the mispredictions were most of a heap operation's cost.
inline unsigned __int128 key_of(const Event& e) {
  const auto at = static_cast<std::uint64_t>(e.at) ^ (std::uint64_t{1} << 63);  // order-preserving for signed
  return (static_cast<unsigned __int128>(at) << 64) | e.seq;
}
}  // namespace

void Scheduler::push(Event event) {
  event.seq = next_seq_++;
  std::size_t i = heap_.size();
  heap_.push_back(event);
  const unsigned __int128 key = key_of(event);
  while (i > 0) {
    std::size_t parent = (i - 1) / 4;
    if (key >= key_of(heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = event;
}

Event Scheduler::pop() {
  Event result = heap_[0];
  Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return result;
  const unsigned __int128 last_key = key_of(last);
  Event* const h = heap_.data();
  std::size_t i = 0;
  for (;;) {
    const std::size_t first_child = 4 * i + 1;
    if (first_child >= n) break;
    std::size_t best = first_child;
    unsigned __int128 best_key = key_of(h[first_child]);
    if (first_child + 4 <= n) {
      // A full family of four: pick the earliest without data-dependent branches.
      for (std::size_t c = first_child + 1; c < first_child + 4; ++c) {
        const unsigned __int128 k = key_of(h[c]);
        const bool less = k < best_key;
        best = less ? c : best;
        best_key = less ? k : best_key;
      }
    } else {
      for (std::size_t c = first_child + 1; c < n; ++c) {
        const unsigned __int128 k = key_of(h[c]);
        if (k < best_key) {
          best = c;
          best_key = k;
        }
      }
    }
    if (best_key >= last_key) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = last;
  return result;
}

}  // namespace vpcsim::core
