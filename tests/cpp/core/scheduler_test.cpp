#include "libnet/core/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace vpcsim::core
