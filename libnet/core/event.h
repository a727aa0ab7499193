// An event is a small, trivially copyable record: when, in what order, to whom, and two words of
// argument. No closure, no heap allocation per event (DESIGN.md, decision 2): the target interprets
// `kind` and `arg` itself. Frames in flight are not carried by events; a link keeps them in FIFO order
// and its arrival event only says "the next frame in direction d has arrived".
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "libnet/core/time.h"

namespace vpcsim::core {

class EventHandler;

struct Event {
  Time at = 0;
  std::uint64_t seq = 0;            ///< insertion order; breaks ties so runs are deterministic
  EventHandler* target = nullptr;
  std::uint32_t kind = 0;           ///< meaning chosen by the target
  std::uint32_t aux = 0;            ///< a second small argument (e.g. an interface index)
  std::uint64_t arg = 0;            ///< e.g. a timer generation, to ignore timers that were superseded
};
static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) == 40);

/// Anything that receives events: links, nodes, applications.
class EventHandler {
 public:
  /// The first bytes of a handler the scheduler prefetches before asking it to prefetch(): what
  /// prefetch() reads should lie in them.
  static constexpr std::size_t kPrefetchedBytes = 192;
  /// Stages of prefetch(), 0 to kPrefetchStages - 1.
  static constexpr unsigned kPrefetchStages = 4;

  virtual void handle_event(const Event& event) = 0;
  /// Prefetches what handle_event(event) will touch (core/prefetch.h), reading but changing nothing.
  /// The scheduler calls it for events it knows come soon. For the rest of a run of equal-time events
  /// (a flood's copies): stage 0 first, after the handler's first kPrefetchedBytes were prefetched,
  /// then each later stage closer to the event, so that stage k may read what stage k - 1
  /// prefetched and prefetch one pointer further. For the event at the heap's root, the next one
  /// unless another is pushed before it: stage 0 only. The default prefetches nothing more.
  virtual void prefetch(const Event& event, unsigned stage) const {
    (void)event;
    (void)stage;
  }

 protected:
  ~EventHandler() = default;
};

}  // namespace vpcsim::core
