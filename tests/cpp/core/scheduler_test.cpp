#include "libnet/core/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "libnet/core/rng.h"

namespace vpcsim::core {
namespace {

TEST(Scheduler, PopsInTimeOrder) {
  Scheduler s;
  for (Time t : {50, 10, 40, 20, 30}) s.push(Event{t, 0, nullptr, 0, 0, static_cast<std::uint64_t>(t)});
  std::vector<Time> order;
  while (!s.empty()) order.push_back(s.pop().at);
  EXPECT_EQ(order, (std::vector<Time>{10, 20, 30, 40, 50}));
}

TEST(Scheduler, EqualTimesPopInInsertionOrder) {
  Scheduler s;
  for (std::uint64_t i = 0; i < 100; ++i) s.push(Event{7, 0, nullptr, 0, 0, i});
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(s.pop().arg, i);
}

TEST(Scheduler, MatchesAStableSortOnRandomInput) {
  Rng rng(42);
  Scheduler s;
  std::vector<std::pair<Time, std::uint64_t>> expected;
  std::uint64_t n = 0;
  std::vector<std::pair<Time, std::uint64_t>> popped;
  // Interleave pushes and pops as a running simulation does.
  for (int round = 0; round < 20000; ++round) {
    if (rng.below(3) != 0 || s.empty()) {
      Time t = static_cast<Time>(rng.below(1000));
      s.push(Event{t, 0, nullptr, 0, 0, n});
      expected.emplace_back(t, n++);
    } else {
      Event e = s.pop();
      popped.emplace_back(e.at, e.arg);
    }
  }
  while (!s.empty()) {
    Event e = s.pop();
    popped.emplace_back(e.at, e.arg);
  }
  ASSERT_EQ(popped.size(), expected.size());
  // Each pop must be the minimum (time, insertion) among what was pending: check via a reference heap.
  Scheduler replay;
  Rng rng2(42);
  std::uint64_t m = 0;
  std::size_t k = 0;
  for (int round = 0; round < 20000; ++round) {
    if (rng2.below(3) != 0 || replay.empty()) {
      Time t = static_cast<Time>(rng2.below(1000));
      replay.push(Event{t, 0, nullptr, 0, 0, m++});
    } else {
      Event e = replay.pop();
      EXPECT_EQ(popped[k].first, e.at);
      EXPECT_EQ(popped[k].second, e.arg);
      ++k;
    }
  }
  std::vector<std::pair<Time, std::uint64_t>> rest(popped.begin() + static_cast<long>(k), popped.end());
  EXPECT_TRUE(std::is_sorted(rest.begin(), rest.end()));
}

// A reference for the total order: the pending (time, insertion number) pairs in a std::set.
class ReferenceQueue {
 public:
  void push(Time at, std::uint64_t id) { pending_.emplace(at, id); }
  std::pair<Time, std::uint64_t> pop() {
    auto first = *pending_.begin();
    pending_.erase(pending_.begin());
    return first;
  }

 private:
  std::set<std::pair<Time, std::uint64_t>> pending_;
};

TEST(Scheduler, RunsOfEqualTimesKeepTheTotalOrder) {
  // Floods: bursts of pushes sharing one time, many bursts pending at once, single pushes in between
  // and at the bursts' times, and pops interleaved, as a simulation does; some pushes are earlier than
  // the last pop (the scheduler allows it, though a simulation never does it).
  Rng rng(7);
  Scheduler s;
  ReferenceQueue reference;
  std::uint64_t id = 0;
  Time now = 0;
  auto push = [&](Time at) {
    s.push(Event{at, 0, nullptr, 0, 0, id});
    reference.push(at, id++);
  };
  int mismatches = 0;
  auto pop_and_check = [&] {
    const std::uint64_t top = s.top().arg;
    const Event e = s.pop();
    const auto expected = reference.pop();
    if (e.at != expected.first || e.arg != expected.second || e.arg != top) ++mismatches;
    now = e.at;
  };
  for (int round = 0; round < 20000; ++round) {
    const std::uint64_t action = rng.below(10);
    if (action < 2) {
      const Time at = now + static_cast<Time>(rng.below(50)) - 5;
      const std::uint64_t burst = 2 + rng.below(40);
      for (std::uint64_t i = 0; i < burst; ++i) {
        push(at);
        if (rng.below(8) == 0) pop_and_check();  // a pop in the middle of a burst does not end it
      }
    } else if (action < 5) {
      push(now + static_cast<Time>(rng.below(50)) - 5);
    } else if (!s.empty()) {
      pop_and_check();
    }
  }
  while (!s.empty()) pop_and_check();
  EXPECT_EQ(mismatches, 0);
}

TEST(Scheduler, TopAndSizeCountRunsAndHeap) {
  Scheduler s;
  s.push(Event{20, 0, nullptr, 0, 0, 0});
  s.push(Event{10, 0, nullptr, 0, 0, 1});
  s.push(Event{10, 0, nullptr, 0, 0, 2});  // second push at 10 in a row: starts a run
  s.push(Event{5, 0, nullptr, 0, 0, 3});
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.top().arg, 3u);
  std::vector<std::uint64_t> order;
  while (!s.empty()) order.push_back(s.pop().arg);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{3, 1, 2, 0}));
  EXPECT_EQ(s.size(), 0u);
}

/// Records, in order, the prefetch stages each event is asked for and when it is handled.
class PrefetchRecorder final : public EventHandler {
 public:
  struct Call {
    std::uint64_t event;
    int stage;  ///< -1: handled
  };
  void handle_event(const Event& event) override { calls.push_back({event.arg, -1}); }
  void prefetch(const Event& event, unsigned stage) const override {
    calls.push_back({event.arg, static_cast<int>(stage)});
  }
  mutable std::vector<Call> calls;
};

TEST(Scheduler, AsksARunsComingEventsToPrefetchEveryStageInOrderBeforeTheirTurn) {
  // A flood: 200 events for one time. Every event far enough behind the run's first gets each
  // prefetch stage once, in order, before it is handled, and none after; the order of handling is
  // unchanged.
  constexpr std::uint64_t kEvents = 200;
  PrefetchRecorder recorder;
  Scheduler s;
  s.push(Event{5, 0, &recorder, 0, 0, 999});  // an earlier event: the run is not at the root at first
  for (std::uint64_t i = 0; i < kEvents; ++i) s.push(Event{10, 0, &recorder, 0, 0, i});
  while (!s.empty()) {
    Event e = s.pop();
    e.target->handle_event(e);
  }
  std::vector<std::uint64_t> handled;
  for (const auto& call : recorder.calls)
    if (call.stage < 0) handled.push_back(call.event);
  ASSERT_EQ(handled.size(), kEvents + 1);
  EXPECT_EQ(handled.front(), 999u);
  for (std::uint64_t i = 0; i < kEvents; ++i) EXPECT_EQ(handled[i + 1], i);

  std::uint64_t fully_prefetched = 0;
  for (std::uint64_t event = 0; event < kEvents; ++event) {
    std::vector<int> stages;
    for (const auto& call : recorder.calls) {
      if (call.event != event) continue;
      if (call.stage < 0) break;
      stages.push_back(call.stage);
    }
    std::size_t after_handling = 0;
    bool seen_handle = false;
    for (const auto& call : recorder.calls)
      if (call.event == event) {
        if (call.stage < 0) seen_handle = true;
        else if (seen_handle) ++after_handling;
      }
    EXPECT_EQ(after_handling, 0u) << "event " << event << " was asked to prefetch after it was handled";
    EXPECT_TRUE(std::is_sorted(stages.begin(), stages.end())) << "event " << event;
    EXPECT_EQ(std::set<int>(stages.begin(), stages.end()).size(), stages.size()) << "event " << event;
    if (stages.size() == EventHandler::kPrefetchStages) ++fully_prefetched;
  }
  // All but the first few (popped before the pipeline filled) get every stage.
  EXPECT_GE(fully_prefetched, kEvents - 40);
}

TEST(Scheduler, TheHeapsNextEventIsAskedForTheFirstStageBeforeItsTurn) {
  PrefetchRecorder recorder;
  Scheduler s;
  for (std::uint64_t i = 0; i < 5; ++i) s.push(Event{static_cast<Time>(10 * (5 - i)), 0, &recorder, 0, 0, i});
  while (!s.empty()) {
    Event e = s.pop();
    e.target->handle_event(e);
  }
  // Handled latest-pushed first (times 10, 20, ... 50); each but the first was asked for stage 0 just
  // before, as the event ahead of it popped.
  std::vector<std::pair<std::uint64_t, int>> calls;
  for (const auto& call : recorder.calls) calls.emplace_back(call.event, call.stage);
  const std::vector<std::pair<std::uint64_t, int>> expected{{3, 0}, {4, -1}, {2, 0}, {3, -1}, {1, 0},
                                                            {2, -1}, {0, 0}, {1, -1}, {0, -1}};
  EXPECT_EQ(calls, expected);
}

TEST(Scheduler, RunsOfNullTargetsNeedNoPrefetch) {
  Scheduler s;
  for (std::uint64_t i = 0; i < 100; ++i) s.push(Event{3, 0, nullptr, 0, 0, i});
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(s.pop().arg, i);
}

}  // namespace
}  // namespace vpcsim::core
