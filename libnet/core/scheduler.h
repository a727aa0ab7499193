// The pending-event set: a 4-ary min-heap on (time, insertion sequence) stored in one vector, with
// "runs" of events that share one time kept beside it in FIFO order.
//
// A 4-ary heap halves the depth of a binary heap and keeps siblings in one cache line, which is what
// matters for the few-thousand-deep queues of a busy simulation. Equal times pop in insertion order,
// so the run is a pure function of its inputs. Capacity grows geometrically and is never returned, so
// steady-state scheduling allocates nothing.
//
// Runs: a switch flooding a broadcast to N idle ports pushes N arrivals for one time back to back.
// Sifting each through the heap costs a log-deep, cache-missing pop per copy. So from the second of
// consecutive pushes with equal times on, the events are appended to a run, and the heap holds one
// stand-in for the whole run, keyed like the run's front event. Only back-to-back pushes join a run,
// so its sequence numbers are consecutive: when the stand-in pops, the run's next event is the next
// in (time, sequence) order, and the stand-in stays at the root with that event's key. A flood copy
// costs an append and a read, and the pop order is exactly the heap-only order.
//
// A run also tells what comes next, which the heap does not: as each of its events pops, the
// handlers of events further down the run are asked to prefetch the state they will touch (see
// EventHandler::prefetch and core/prefetch.h), so the cache misses of a flood's copies overlap. From
// the heap, only the next event is known: its handler gets the first stage as the previous event pops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "libnet/core/event.h"

namespace vpcsim::core {

class Scheduler {
 public:
  Scheduler() = default;
  // Stand-ins in the heap point at this scheduler's own marker: it stays where it was built.
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Adds an event for `target` at `at`. The fields come as scalars, not as an Event on the stack:
  /// copying a freshly built 40-byte struct with 16-byte loads stalls on store forwarding.
  void push(Time at, EventHandler* target, std::uint32_t kind, std::uint32_t aux, std::uint64_t arg);
  /// Adds an event; `event.seq` is overwritten with the next insertion number.
  void push(const Event& event) { push(event.at, event.target, event.kind, event.aux, event.arg); }
  /// Removes and returns the earliest event. Precondition: !empty().
  Event pop();
  /// The earliest event. Precondition: !empty().
  const Event& top() const { return is_run(heap_[0]) ? runs_[heap_[0].aux].front() : heap_[0]; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::uint64_t pushed() const { return next_seq_; }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static constexpr std::uint32_t kNoRun = 0xffffffff;

  /// Events of one time in insertion order, read from `head`.
  struct Run {
    std::vector<Event> events;
    std::size_t head = 0;
    const Event& front() const { return events[head]; }
  };
  /// The target of a run's stand-in in the heap; never called.
  struct RunMarker final : EventHandler {
    void handle_event(const Event&) override {}
  };

  bool is_run(const Event& e) const { return e.target == &run_marker_; }
  /// Makes room in the heap for an event keyed (at, seq) and returns its slot, to be filled.
  Event& heap_slot_for(Time at, std::uint64_t seq);
  void heap_pop();
  Event pop_from_run();
  /// Asks the handlers of the run's coming events to prefetch, each stage kPrefetchSpacing events
  /// nearer than the one before; `next` is the index of the event to be handled next.
  static void prefetch_ahead(const Run& run, std::size_t next);
  /// Events between prefetch stages: enough for a stage's misses to arrive before the next stage
  /// reads them, few enough that what they load is still cached when its event comes.
  static constexpr std::size_t kPrefetchSpacing = 6;

  std::vector<Event> heap_;
  std::vector<Run> runs_;
  std::vector<std::uint32_t> free_runs_;
  RunMarker run_marker_;
  // size_ and next_seq_ are not neighbours: g++ would add 1 to both with one 16-byte load, which
  // stalls after pop() has stored size_ alone.
  std::size_t size_ = 0;
  Time last_push_at_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint32_t open_run_ = kNoRun;  ///< the run the previous push went to
};

}  // namespace vpcsim::core
