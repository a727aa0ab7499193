// The pending-event set: a 4-ary min-heap on (time, insertion sequence) stored in one vector.
//
// A 4-ary heap halves the depth of a binary heap and keeps siblings in one cache line, which is what
// matters for the few-thousand-deep queues of a busy simulation. Equal times pop in insertion order,
// so the run is a pure function of its inputs. Capacity grows geometrically and is never returned, so
// steady-state scheduling allocates nothing.
#pragma once

#include <cstddef>
#include <vector>

#include "libnet/core/event.h"

namespace vpcsim::core {

class Scheduler {
 public:
  /// Adds an event; `event.seq` is overwritten with the next insertion number.
  void push(Event event);
  /// Removes and returns the earliest event. Precondition: !empty().
  Event pop();
  const Event& top() const { return heap_[0]; }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::uint64_t pushed() const { return next_seq_; }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace vpcsim::core
