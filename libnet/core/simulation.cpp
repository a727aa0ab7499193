#include "libnet/core/simulation.h"

namespace vpcsim::core {

std::uint64_t Simulation::run() { return run_until(kTimeNever); }

std::uint64_t Simulation::run_until(Time until, std::uint64_t max_events) {
  stopped_ = false;
  std::uint64_t handled = 0;
  while (handled < max_events && !scheduler_.empty() && scheduler_.top().at <= until) {
    Event event = scheduler_.pop();
    now_ = event.at;
    event.target->handle_event(event);
    ++handled;
    if (stopped_) break;
  }
  if (handled != 0) last_event_time_ = now_;  // now_ is still the last event's time here
  const bool more_due = !scheduler_.empty() && scheduler_.top().at <= until;
  if (!stopped_ && !more_due && until != kTimeNever && until > now_) now_ = until;
  events_handled_ += handled;
  return handled;
}

}  // namespace vpcsim::core
