#include "libnet/core/scheduler.h"

#include "libnet/core/prefetch.h"

namespace vpcsim::core {
namespace {
// (at, seq) as one unsigned 128-bit number, so "earlier" is one comparison the compiler can turn into
// flag arithmetic and conditional moves: event times are random, so a branch on them mispredicts
// about half the time, and the mispredictions were most of a heap operation's cost.
inline unsigned __int128 key_of(const Event& e) {
  const auto at = static_cast<std::uint64_t>(e.at) ^ (std::uint64_t{1} << 63);  // order-preserving for signed
  return (static_cast<unsigned __int128>(at) << 64) | e.seq;
}
// Field by field, from registers: see push().
inline void fill(Event& e, Time at, std::uint64_t seq, EventHandler* target, std::uint32_t kind, std::uint32_t aux,
                 std::uint64_t arg) {
  e.at = at;
  e.seq = seq;
  e.target = target;
  e.kind = kind;
  e.aux = aux;
  e.arg = arg;
}
}  // namespace

inline Event& Scheduler::heap_slot_for(Time at, std::uint64_t seq) {
  std::size_t i = heap_.size();
  heap_.emplace_back();
  const unsigned __int128 key = key_of(Event{at, seq, nullptr, 0, 0, 0});
  while (i > 0) {
    std::size_t parent = (i - 1) / 4;
    if (key >= key_of(heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  return heap_[i];
}

void Scheduler::push(Time at, EventHandler* target, std::uint32_t kind, std::uint32_t aux, std::uint64_t arg) {
  const std::uint64_t seq = next_seq_++;
  ++size_;
  if (at != last_push_at_) {
    open_run_ = kNoRun;
    last_push_at_ = at;
    fill(heap_slot_for(at, seq), at, seq, target, kind, aux, arg);
    return;
  }
  if (open_run_ == kNoRun) {
    // The second push in a row for this time: a run starts here, with its stand-in in the heap.
    if (free_runs_.empty()) {
      free_runs_.push_back(static_cast<std::uint32_t>(runs_.size()));
      runs_.emplace_back();
    }
    open_run_ = free_runs_.back();
    free_runs_.pop_back();
    fill(heap_slot_for(at, seq), at, seq, &run_marker_, 0, open_run_, 0);
  }
  fill(runs_[open_run_].events.emplace_back(), at, seq, target, kind, aux, arg);
}

inline void Scheduler::heap_pop() {
  const Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
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
}

Event Scheduler::pop() {
  --size_;
  if (is_run(heap_[0])) return pop_from_run();
  Event result = heap_[0];
  heap_pop();
  // The new root is the next event unless one is pushed before it: its handler can start loading
  // while this one runs (one stage only: there is no further look-ahead in a heap).
  if (!heap_.empty() && heap_[0].target != nullptr && !is_run(heap_[0])) {
    prefetch_bytes(heap_[0].target, EventHandler::kPrefetchedBytes);
    heap_[0].target->prefetch(heap_[0], 0);
  }
  return result;
}

void Scheduler::prefetch_ahead(const Run& run, std::size_t next) {
  constexpr unsigned kStages = EventHandler::kPrefetchStages;
  const std::size_t end = run.events.size();
  // (A target may be null where the scheduler is used on its own, as in its tests.)
  if (const std::size_t i = next + (kStages + 1) * kPrefetchSpacing; i < end && run.events[i].target != nullptr)
    prefetch_bytes(run.events[i].target, EventHandler::kPrefetchedBytes);
  for (unsigned stage = 0; stage < kStages; ++stage) {
    const std::size_t i = next + (kStages - stage) * kPrefetchSpacing;
    if (i < end && run.events[i].target != nullptr) run.events[i].target->prefetch(run.events[i], stage);
  }
}

Event Scheduler::pop_from_run() {
  const std::uint32_t r = heap_[0].aux;
  Run& run = runs_[r];
  Event result = run.events[run.head++];
  prefetch_ahead(run, run.head);
  if (run.head < run.events.size()) {
    // The run's events have consecutive sequence numbers, so its next one directly follows the one
    // just popped in (time, sequence) order: the stand-in stays the earliest, at the root.
    heap_[0].seq = run.front().seq;
    return result;
  }
  run.events.clear();  // keeps its capacity for the next run
  run.head = 0;
  free_runs_.push_back(r);
  if (open_run_ == r) open_run_ = kNoRun;
  heap_pop();
  return result;
}

}  // namespace vpcsim::core
