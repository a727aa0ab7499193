// The simulation kernel: the clock, the pending events, the seeded RNG. Nothing global: two
// Simulations in one process are independent (DESIGN.md, decision 2).
//
// The topology (nodes, links, frame pool, trace) is owned one layer down by node::Network, which
// holds a Simulation; the kernel stays ignorant of what its events mean.
#pragma once

#include <cstdint>

#include "libnet/core/event.h"
#include "libnet/core/rng.h"
#include "libnet/core/scheduler.h"
#include "libnet/core/time.h"

namespace vpcsim::core {

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed = 1) : seed_(seed), rng_(seed) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  Rng& rng() { return rng_; }

  /// Schedules `target.handle_event` at absolute time `at` (not before now).
  void schedule_at(Time at, EventHandler& target, std::uint32_t kind, std::uint64_t arg = 0, std::uint32_t aux = 0) {
    scheduler_.push(at < now_ ? now_ : at, &target, kind, aux, arg);
  }
  void schedule_in(Time delay, EventHandler& target, std::uint32_t kind, std::uint64_t arg = 0, std::uint32_t aux = 0) {
    schedule_at(now_ + delay, target, kind, arg, aux);
  }

  /// Runs until no event is left or stop() is called. Returns the number of events handled.
  std::uint64_t run();
  /// Runs every event due at or before `until`, then sets the clock to `until` (if it was not stopped),
  /// handling at most `max_events`: with events still due, it returns with the clock at the last one.
  std::uint64_t run_until(Time until, std::uint64_t max_events = UINT64_MAX);
  /// Makes the current run()/run_until() return after the event being handled.
  void stop() { stopped_ = true; }
  /// Whether the last run ended by stop().
  bool stopped() const { return stopped_; }

  std::uint64_t events_handled() const { return events_handled_; }
  /// Time of the last event handled (0 before any): when a run that went idle really ended.
  Time last_event_time() const { return last_event_time_; }
  std::size_t pending_events() const { return scheduler_.size(); }
  /// Time of the next pending event, or kTimeNever.
  Time next_event_time() const { return scheduler_.empty() ? kTimeNever : scheduler_.top().at; }

 private:
  std::uint64_t seed_;
  Rng rng_;
  Scheduler scheduler_;
  Time now_ = 0;
  bool stopped_ = false;
  std::uint64_t events_handled_ = 0;
  Time last_event_time_ = 0;
};

}  // namespace vpcsim::core
