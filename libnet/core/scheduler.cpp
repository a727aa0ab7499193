#include "libnet/core/scheduler.h"

namespace vpcsim::core {

void Scheduler::push(Event event) {
  event.seq = next_seq_++;
  std::size_t i = heap_.size();
  heap_.push_back(event);
  while (i > 0) {
    std::size_t parent = (i - 1) / 4;
    if (!earlier(event, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = event;
}

Event Scheduler::pop() {
  Event result = heap_[0];
  Event last = heap_.back();
  heap_.pop_back();
  std::size_t n = heap_.size();
  if (n == 0) return result;
  std::size_t i = 0;
  for (;;) {
    std::size_t first_child = 4 * i + 1;
    if (first_child >= n) break;
    std::size_t best = first_child;
    std::size_t end = first_child + 4 < n ? first_child + 4 : n;
    for (std::size_t c = first_child + 1; c < end; ++c)
      if (earlier(heap_[c], heap_[best])) best = c;
    if (!earlier(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return result;
}

}  // namespace vpcsim::core
