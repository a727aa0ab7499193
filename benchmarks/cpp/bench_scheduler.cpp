// Throughput of core::Scheduler, the pending-event heap every simulated hop goes through.
//
// The classic "hold" model (Jones, CACM 1986): keep the queue at a fixed depth, then repeatedly pop
// the earliest event and push one at that event's time plus a random delay, as a simulation in
// steady state does. Delays are exponential (mean 1 µs), drawn from the simulation's own RNG so runs
// are repeatable. Also timed: filling the queue from empty (push only) and draining it (pop only),
// and, as a yardstick, the same hold loop on a std::priority_queue (a binary heap) of the same events.
//
//   bench_scheduler                       depths 1e3 and 1e5, 2e7 hold operations each
//   bench_scheduler --depth 1000000 --ops 5000000 --json
//
// Output: one line per depth, "key=value" pairs, or one JSON object per line with --json.
// Wall time comes from std::chrono::steady_clock, here only: libnet never reads a clock.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/rng.h"
#include "libnet/core/scheduler.h"

namespace {

using vpcsim::core::Event;
using vpcsim::core::Rng;
using vpcsim::core::Scheduler;
using vpcsim::core::Time;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<std::uint64_t> depths{1'000, 100'000};
  std::uint64_t ops = 20'000'000;  // hold operations (each one pop and one push)
  std::uint64_t seed = 1;
  bool json = false;
};

[[noreturn]] void usage(const char* argv0, const char* problem) {
  if (problem != nullptr) std::fprintf(stderr, "%s: %s\n", argv0, problem);
  std::fprintf(stderr,
               "usage: %s [--depth N]... [--ops N] [--seed N] [--json]\n"
               "  --depth N  queue depth to hold (repeatable; default 1000 and 100000)\n"
               "  --ops N    hold operations per depth (default 20000000)\n",
               argv0);
  std::exit(2);
}

std::uint64_t parse_count(const char* argv0, const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);  // accepts 1e5
  if (end == text || *end != '\0' || !(value >= 1) || value > 1e12) usage(argv0, "expected a positive count");
  return static_cast<std::uint64_t>(value);
}

Options parse_options(int argc, char** argv) {
  Options options;
  bool depth_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(argv[0], (arg + " needs a value").c_str());
      return argv[++i];
    };
    if (arg == "--depth") {
      if (!depth_given) options.depths.clear();
      depth_given = true;
      options.depths.push_back(parse_count(argv[0], value()));
    } else if (arg == "--ops") {
      options.ops = parse_count(argv[0], value());
    } else if (arg == "--seed") {
      options.seed = parse_count(argv[0], value());
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0], nullptr);
    } else {
      usage(argv[0], ("unknown option " + arg).c_str());
    }
  }
  return options;
}

/// Exponential delay with a mean of 1 µs, at least 1 ns.
Time exponential_delay(Rng& rng) {
  const double u = static_cast<double>((rng.next_u64() >> 11) + 1) * 0x1.0p-53;  // (0, 1]
  return 1 + static_cast<Time>(-std::log(u) * 1000.0);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Result {
  std::uint64_t depth = 0;
  std::uint64_t ops = 0;
  double fill_ns_per_push = 0;
  double hold_ns_per_op = 0;   // per pop or push: a hold step is two operations
  double hold_ns_per_step = 0;
  double drain_ns_per_pop = 0;
  double baseline_hold_ns_per_op = 0;  // std::priority_queue, same events and delays
  std::uint64_t checksum = 0;  // keeps the work observable
};

Result run_depth(std::uint64_t depth, std::uint64_t ops, std::uint64_t seed) {
  Result r;
  r.depth = depth;
  r.ops = ops;
  Rng rng(seed);
  // Pre-draw the delays so the timed loops measure the heap, not the logarithm.
  std::vector<Time> delays(1 << 16);
  for (Time& d : delays) d = exponential_delay(rng);
  const std::size_t mask = delays.size() - 1;

  std::vector<Time> initial(depth);
  for (Time& t : initial) t = exponential_delay(rng);

  Scheduler scheduler;
  Event event;
  auto start = Clock::now();
  for (std::uint64_t i = 0; i < depth; ++i) {
    event.at = initial[i];
    event.arg = i;
    scheduler.push(event);
  }
  r.fill_ns_per_push = seconds_since(start) * 1e9 / static_cast<double>(depth);

  std::uint64_t checksum = 0;
  start = Clock::now();
  for (std::uint64_t i = 0; i < ops; ++i) {
    Event next = scheduler.pop();
    checksum += static_cast<std::uint64_t>(next.at) ^ next.seq;
    next.at += delays[i & mask];
    scheduler.push(next);
  }
  const double hold_s = seconds_since(start);
  r.hold_ns_per_step = hold_s * 1e9 / static_cast<double>(ops);
  r.hold_ns_per_op = r.hold_ns_per_step / 2;

  Time last = 0;
  bool ordered = true;
  start = Clock::now();
  while (!scheduler.empty()) {
    const Event next = scheduler.pop();
    ordered = ordered && next.at >= last;
    last = next.at;
    checksum += next.arg;
  }
  r.drain_ns_per_pop = seconds_since(start) * 1e9 / static_cast<double>(depth);
  if (!ordered) {
    std::fprintf(stderr, "bench_scheduler: FAILED: events popped out of time order at depth %llu\n",
                 static_cast<unsigned long long>(depth));
    std::exit(1);
  }

  // The yardstick: a binary heap from the standard library, ordered the same way.
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.at > b.at || (a.at == b.at && a.seq > b.seq); }
  };
  std::priority_queue<Event, std::vector<Event>, Later> baseline;
  std::uint64_t seq = 0;
  for (std::uint64_t i = 0; i < depth; ++i) {
    event.at = initial[i];
    event.seq = seq++;
    baseline.push(event);
  }
  start = Clock::now();
  for (std::uint64_t i = 0; i < ops; ++i) {
    Event next = baseline.top();
    baseline.pop();
    checksum += static_cast<std::uint64_t>(next.at);
    next.at += delays[i & mask];
    next.seq = seq++;
    baseline.push(next);
  }
  r.baseline_hold_ns_per_op = seconds_since(start) * 1e9 / static_cast<double>(ops) / 2;
  r.checksum = checksum;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  if (!options.json)
    std::printf("# core::Scheduler hold model: pop the earliest, push it back at +Exp(1us); ns per operation\n");
  for (std::uint64_t depth : options.depths) {
    const Result r = run_depth(depth, options.ops, options.seed);
    if (options.json) {
      std::printf(
          "{\"benchmark\":\"scheduler\",\"depth\":%llu,\"ops\":%llu,\"fill_ns_per_push\":%.2f,"
          "\"hold_ns_per_op\":%.2f,\"hold_ns_per_step\":%.2f,\"drain_ns_per_pop\":%.2f,"
          "\"mops_per_s\":%.3f,\"baseline_hold_ns_per_op\":%.2f,\"checksum\":%llu}\n",
          static_cast<unsigned long long>(r.depth), static_cast<unsigned long long>(r.ops), r.fill_ns_per_push,
          r.hold_ns_per_op, r.hold_ns_per_step, r.drain_ns_per_pop, 1e3 / r.hold_ns_per_op, r.baseline_hold_ns_per_op,
          static_cast<unsigned long long>(r.checksum));
    } else {
      std::printf(
          "depth=%llu ops=%llu fill_ns_per_push=%.2f hold_ns_per_op=%.2f hold_ns_per_step=%.2f "
          "drain_ns_per_pop=%.2f mops_per_s=%.3f baseline_hold_ns_per_op=%.2f checksum=%llu\n",
          static_cast<unsigned long long>(r.depth), static_cast<unsigned long long>(r.ops), r.fill_ns_per_push,
          r.hold_ns_per_op, r.hold_ns_per_step, r.drain_ns_per_pop, 1e3 / r.hold_ns_per_op, r.baseline_hold_ns_per_op,
          static_cast<unsigned long long>(r.checksum));
    }
    std::fflush(stdout);
  }
  return 0;
}
