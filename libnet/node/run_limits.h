// What keeps a run bounded (issue 20): a redundant topology without spanning tree storms forever, a
// ping of ten million packets or a trace of every packet can outgrow the machine. Each limit stops
// the run cleanly after the event being handled, and Network::stopped_by() says which one and why;
// what was recorded (the trace streamed so far, the pcaps) is kept. 0 means "no limit".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libnet/core/time.h"

namespace vpcsim::node {

struct RunLimits {
  /// Events the network may handle in all, over every run (a run sliced for a progress bar counts
  /// as one).
  std::uint64_t max_events = 0;
  /// Simulated time (absolute) a run may not go past; kTimeNever: none.
  core::Time max_time = core::kTimeNever;
  /// Bytes of trace: written to the streamed file, plus the events kept in memory.
  std::uint64_t max_trace_bytes = 0;
  /// Bytes of frame buffers in use (in queues, on links, in flight): what a storm or an
  /// unbounded sender eats.
  std::uint64_t max_frame_bytes = 4ULL << 30;
  /// Switches one frame may cross. 802.1D's diameter is 7 bridges; a frame that crossed more than
  /// this is going round a loop of switches without spanning tree (a broadcast storm).
  std::uint32_t max_bridge_hops = 64;
};

/// Why a run stopped before its end: the limit's name (as RunLimits spells it, without max_) and a
/// sentence for people.
struct RunStop {
  std::string limit;
  std::string message;
};

/// The limits' events are checked in slices of this many events, so that checking costs nothing per
/// event (a counter compare), and a limit overshoots by at most one slice.
inline constexpr std::uint64_t kLimitCheckEvents = 1 << 14;

}  // namespace vpcsim::node
