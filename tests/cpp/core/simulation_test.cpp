#include "libnet/core/simulation.h"

#include <gtest/gtest.h>

#include <vector>

namespace vpcsim::core {
namespace {

struct Recorder : EventHandler {
  explicit Recorder(Simulation& s) : sim(s) {}
  void handle_event(const Event& e) override {
    seen.push_back({sim.now(), e.kind});
    if (e.kind == 1) sim.schedule_in(5, *this, 2);
    if (e.kind == 9) sim.stop();
  }
  Simulation& sim;
  std::vector<std::pair<Time, std::uint32_t>> seen;
};

TEST(Simulation, RunsEventsAndLetsHandlersScheduleMore) {
  Simulation sim;
  Recorder r(sim);
  sim.schedule_at(10, r, 1);
  sim.schedule_at(12, r, 3);
  EXPECT_EQ(sim.run(), 3u);
  EXPECT_EQ(r.seen, (std::vector<std::pair<Time, std::uint32_t>>{{10, 1}, {12, 3}, {15, 2}}));
  EXPECT_EQ(sim.now(), 15);
}

TEST(Simulation, RunUntilStopsAtTheHorizonAndAdvancesTheClock) {
  Simulation sim;
  Recorder r(sim);
  sim.schedule_at(10, r, 3);
  sim.schedule_at(100, r, 4);
  EXPECT_EQ(sim.run_until(50), 1u);
  EXPECT_EQ(sim.now(), 50);
  EXPECT_EQ(sim.pending_events(), 1u);
  EXPECT_EQ(sim.next_event_time(), 100);
  sim.run();
  EXPECT_EQ(sim.now(), 100);
}

TEST(Simulation, StopEndsTheRunAfterTheCurrentEvent) {
  Simulation sim;
  Recorder r(sim);
  sim.schedule_at(1, r, 9);
  sim.schedule_at(2, r, 3);
  sim.run();
  EXPECT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(sim.now(), 1);
}

TEST(Simulation, TwoSimulationsAreIndependent) {
  Simulation a(1), b(1);
  Recorder ra(a), rb(b);
  a.schedule_at(5, ra, 3);
  b.schedule_at(7, rb, 3);
  a.run();
  EXPECT_EQ(a.now(), 5);
  EXPECT_EQ(b.now(), 0);
  EXPECT_EQ(a.rng().next_u64(), b.rng().next_u64());
}

TEST(Simulation, PastTimesAreClampedToNow) {
  Simulation sim;
  Recorder r(sim);
  sim.schedule_at(10, r, 3);
  sim.run();
  sim.schedule_at(2, r, 3);
  sim.run();
  EXPECT_EQ(r.seen.back().first, 10);
}

}  // namespace
}  // namespace vpcsim::core
