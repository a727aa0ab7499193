// Measuring helpers shared by the benchmark programs: wall and CPU clocks, resident memory, and the
// totals of a network's links. Only benchmarks read clocks; libnet never does.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <cstdio>
#include <string>
#include <fstream>

#include "libnet/link/link.h"
#include "libnet/node/network.h"

namespace vpcsim::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// CPU time this process has used, in seconds: on a shared machine, wall time also counts the time
/// other processes held the core, CPU time does not.
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Resident set size now, from /proc/self/statm (0 where there is no /proc).
inline std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

/// Peak resident set size of this process (ru_maxrss is in KiB on Linux).
inline std::uint64_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

/// a / b, or 0 when b is not positive.
/// A count given on the command line ("1000", or "1e4"), if it is a whole number from min to max.
inline std::optional<std::uint64_t> count_in_range(const char* text, std::uint64_t min, std::uint64_t max) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= static_cast<double>(min)) || value > static_cast<double>(max))
    return std::nullopt;
  return static_cast<std::uint64_t>(value);
}

inline double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

struct LinkTotals {
  std::uint64_t frames = 0;
  std::uint64_t drops = 0;
};

/// Frames carried and dropped over every link direction of the network.
inline LinkTotals link_totals(const node::Network& net) {
  LinkTotals totals;
  for (const auto& link : net.links())
    for (std::uint8_t side = 0; side < 2; ++side) {
      totals.frames += link->stats(side).frames;
      totals.drops += link->stats(side).drops;
    }
  return totals;
}

/// Runs `run(item)` for each item in a forked child, one after the other, so that neither peak RSS
/// nor touched pages carry over from one size to the next. Returns 1 if any child failed (non-zero
/// exit or a signal, reported on stderr with `describe(item)`), 0 otherwise.
template <class Items, class Run, class Describe>
int run_each_in_child(const char* program, const Items& items, const Run& run, const Describe& describe) {
  int status = 0;
  for (const auto& item : items) {
    const pid_t child = fork();
    if (child < 0) {
      std::perror((std::string(program) + ": fork").c_str());
      return 1;
    }
    if (child == 0) {
      const int code = run(item);
      std::fflush(nullptr);
      _exit(code);
    }
    int wstatus = 0;
    if (waitpid(child, &wstatus, 0) < 0) {
      std::perror((std::string(program) + ": waitpid").c_str());
      return 1;
    }
    if (WIFSIGNALED(wstatus)) {
      std::fprintf(stderr, "%s: FAILED at %s: killed by signal %d\n", program, describe(item).c_str(),
                   WTERMSIG(wstatus));
      status = 1;
    } else if (WEXITSTATUS(wstatus) != 0) {
      status = 1;
    }
  }
  return status;
}

}  // namespace vpcsim::bench
