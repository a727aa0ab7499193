// Link: propagation delay plus serialisation (Ethernet padding and per-frame overhead) to the
// nanosecond, full-duplex independence, FIFO order, the drop-tail queue, infinite bandwidth,
// configuration errors, and what capture taps see.
#include "libnet/link/link.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/core/simulation.h"
#include "libnet/link/interface.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::link {
namespace {

using core::kMicrosecond;
using core::Time;

struct Arrival {
  std::string interface;
  Time at;
  std::size_t len;
  std::uint8_t marker;  ///< first byte of the frame
  std::uint64_t packet_id;
  std::uint32_t ingress;
};

/// A node stand-in that records every frame delivered to any of its interfaces.
class Recorder final : public FrameReceiver {
 public:
  explicit Recorder(core::Simulation& sim) : sim_(sim) {}
  void receive_frame(Interface& interface, wire::Frame frame) override {
    const std::uint8_t marker = frame.size() > 0 ? frame.data()[0] : std::uint8_t{0};
    arrivals.push_back(Arrival{interface.full_name(), sim_.now(), frame.size(), marker,
                               frame.meta().packet_id, frame.meta().ingress_interface});
  }
  std::vector<Arrival> arrivals;

 private:
  core::Simulation& sim_;
};

struct TapRecord {
  Direction direction;
  Time at;
  std::size_t len;
  std::uint8_t marker;
};

class Tap final : public CaptureTap {
 public:
  void capture(const Interface&, Direction direction, Time at, std::span<const std::uint8_t> frame) override {
    records.push_back(TapRecord{direction, at, frame.size(), frame.empty() ? std::uint8_t{0} : frame[0]});
  }
  std::vector<TapRecord> records;
};

class LinkTest : public ::testing::Test {
 protected:
  core::Simulation sim{1};
  wire::FramePool pool;
  trace::TraceLog trace;
  std::uint64_t next_packet_id = 0;
  Context context{sim, pool, trace, next_packet_id};
  Recorder recorder{sim};
  std::uint32_t node_a = trace.register_node("a");
  std::uint32_t node_b = trace.register_node("b");
  Interface a{context, recorder, trace.register_interface(node_a, "eth0"), node_a, "eth0",
              wire::MacAddress::parse("02:00:00:00:00:0a")};
  Interface b{context, recorder, trace.register_interface(node_b, "eth0"), node_b, "eth0",
              wire::MacAddress::parse("02:00:00:00:00:0b")};
  std::vector<std::unique_ptr<Link>> links;
  std::vector<std::unique_ptr<Interface>> extra_interfaces;

  /// Another interface of node a (links cannot be undone, so a test that needs a second link needs fresh ends).
  Interface& extra(std::string name) {
    extra_interfaces.push_back(std::make_unique<Interface>(context, recorder, trace.register_interface(node_a, name),
                                                           node_a, name, wire::MacAddress()));
    return *extra_interfaces.back();
  }

  Link& connect(LinkConfig config = {}) {
    links.push_back(std::make_unique<Link>(context, a, b, config));
    return *links.back();
  }
  /// A frame of `len` bytes whose first byte is `marker`.
  wire::Frame frame(std::size_t len, std::uint8_t marker, std::uint64_t packet_id = 0) {
    wire::Frame f = pool.allocate(len);
    std::fill(f.data(), f.data() + len, std::uint8_t{0});
    if (len > 0) f.data()[0] = marker;
    f.meta().packet_id = packet_id;
    return f;
  }
};

// --- timing -------------------------------------------------------------------------------------

TEST_F(LinkTest, SerialisationPadsToSixtyBytesAndAddsTwentyFourBytesOfOverhead) {
  Link& link = connect();
  // 1 Gb/s is 1 ns per bit: (max(len, 60) + 4 FCS + 8 preamble + 12 IFG) * 8.
  EXPECT_EQ(link.serialisation_time(0), (60 + 24) * 8);
  EXPECT_EQ(link.serialisation_time(42), (60 + 24) * 8);  // an ARP frame, padded on the wire
  EXPECT_EQ(link.serialisation_time(60), (60 + 24) * 8);
  EXPECT_EQ(link.serialisation_time(61), (61 + 24) * 8);
  EXPECT_EQ(link.serialisation_time(1514), (1514 + 24) * 8);
}

TEST_F(LinkTest, SerialisationScalesWithBandwidthAndRoundsUp) {
  Link& link = connect({10 * kMicrosecond, 100'000'000, 1000});  // 100 Mb/s: 10 ns per bit
  EXPECT_EQ(link.serialisation_time(1514), (1514 + 24) * 8 * 10);
  Link& odd = *links.emplace_back(
      std::make_unique<Link>(context, extra("x0"), extra("x1"), LinkConfig{0, 3'000'000'000, 1000}));
  // 12304 bits at 3 Gb/s = 4101.33 ns: rounded up, a frame never takes less than its bits.
  EXPECT_EQ(odd.serialisation_time(1514), 4102);
  EXPECT_EQ(odd.serialisation_time(60), 224);  // 672 / 3, exact
}

TEST_F(LinkTest, SerialisationOfHugeFramesAndBandwidthsDoesNotOverflow) {
  // Beyond what 64-bit arithmetic holds (bits * 1e9 + bandwidth), the result is still rounded up exactly.
  Link& fast = *links.emplace_back(std::make_unique<Link>(
      context, extra("f0"), extra("f1"), LinkConfig{0, std::numeric_limits<std::int64_t>::max(), 1000}));
  EXPECT_EQ(fast.serialisation_time(1514), 1);  // 12,304 bits in far less than 1 ns: rounded up to 1
  Link& link = connect();                       // 1 Gb/s: 1 ns per bit
  const std::size_t huge = std::size_t{1} << 31;  // 2^34 bits, past the 64-bit path
  EXPECT_EQ(link.serialisation_time(huge), static_cast<Time>((huge + 24) * 8));
}

// --- prefetching (core/prefetch.h) -------------------------------------------------------------

TEST_F(LinkTest, PrefetchingAnyEventAtAnyStageChangesNothing) {
  // Asked ahead of its events, a link only reads: with frames in flight or none, for arrivals and
  // for transmission starts, every stage leaves deliveries, times and taps as they would have been.
  Tap tap;
  a.add_tap(tap);
  Link& link = connect();
  auto prefetch_everything = [&] {
    for (std::uint32_t kind = 0; kind < 4; ++kind)
      for (unsigned stage = 0; stage < core::EventHandler::kPrefetchStages; ++stage)
        link.prefetch(core::Event{sim.now(), 0, &link, kind, 0, 0}, stage);
    for (std::uint8_t side = 0; side < 2; ++side) link.prefetch_transmit(side);
  };
  prefetch_everything();  // nothing in flight yet
  a.send(frame(100, 1));
  a.send(frame(100, 2));  // waits behind the first: a transmission-start event
  b.send(frame(60, 3));
  prefetch_everything();
  sim.run();
  prefetch_everything();  // all delivered again
  ASSERT_EQ(recorder.arrivals.size(), 3u);
  EXPECT_EQ(recorder.arrivals[0].marker, 3);  // the shorter frame, the other way
  EXPECT_EQ(recorder.arrivals[1].marker, 1);
  EXPECT_EQ(recorder.arrivals[2].marker, 2);
  EXPECT_EQ(recorder.arrivals[2].at, 2 * link.serialisation_time(100) + link.config().delay);
  EXPECT_EQ(tap.records.size(), 3u);  // a's two sends as they start, and the frame it received
}

TEST_F(LinkTest, MinimumSizeFrameRateAtOneGigabitIsLineRate) {
  Link& link = connect();
  // 1,488,095 minimum frames per second: 672 ns each.
  EXPECT_EQ(core::kSecond / link.serialisation_time(60), 1'488'095);
}

TEST_F(LinkTest, FrameArrivesAfterSerialisationPlusDelay) {
  connect();  // 10 us, 1 Gb/s
  a.send(frame(42, 1));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 1u);
  EXPECT_EQ(recorder.arrivals[0].interface, "b.eth0");
  EXPECT_EQ(recorder.arrivals[0].at, 672 + 10'000);
  EXPECT_EQ(recorder.arrivals[0].len, 42u) << "padding is counted in time, not added to the bytes";
}

TEST_F(LinkTest, BackToBackFramesQueueBehindEachOther) {
  connect();
  a.send(frame(1514, 1));
  a.send(frame(60, 2));
  a.send(frame(100, 3));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 3u);
  const Time t1 = (1514 + 24) * 8, t2 = (60 + 24) * 8, t3 = (100 + 24) * 8;
  EXPECT_EQ(recorder.arrivals[0].at, t1 + 10'000);
  EXPECT_EQ(recorder.arrivals[1].at, t1 + t2 + 10'000);
  EXPECT_EQ(recorder.arrivals[2].at, t1 + t2 + t3 + 10'000);
}

TEST_F(LinkTest, IdleLinkStartsTheNextFrameWhenItIsSentNotWhenTheLastEnded) {
  connect();
  a.send(frame(60, 1));
  sim.run_until(50'000);  // long after the first frame arrived
  a.send(frame(60, 2));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 2u);
  EXPECT_EQ(recorder.arrivals[1].at, 50'000 + 672 + 10'000);
}

TEST_F(LinkTest, PropagationDelayAloneWithInfiniteBandwidth) {
  connect({25 * kMicrosecond, 0, 1000});
  a.send(frame(1514, 1));
  a.send(frame(60, 2));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 2u);
  EXPECT_EQ(recorder.arrivals[0].at, 25'000);
  EXPECT_EQ(recorder.arrivals[1].at, 25'000);
  EXPECT_EQ(recorder.arrivals[0].marker, 1);
  EXPECT_EQ(recorder.arrivals[1].marker, 2);
}

TEST_F(LinkTest, InfiniteBandwidthNeverFillsTheQueue) {
  Link& link = connect({kMicrosecond, 0, 1});
  EXPECT_EQ(link.serialisation_time(1514), 0);
  for (int i = 0; i < 100; ++i) a.send(frame(60, static_cast<std::uint8_t>(i)));
  EXPECT_EQ(link.stats(0).drops, 0u);
  EXPECT_EQ(link.in_flight(0), 100u);
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(recorder.arrivals[i].marker, i);
}

TEST_F(LinkTest, ZeroDelayAndInfiniteBandwidthDeliversAtTheSameInstantButNotReentrantly) {
  connect({0, 0, 1000});
  a.send(frame(60, 1));
  EXPECT_TRUE(recorder.arrivals.empty()) << "delivery is an event, never a call inside send()";
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 1u);
  EXPECT_EQ(recorder.arrivals[0].at, 0);
}

// --- order and duplex -------------------------------------------------------------------------

TEST_F(LinkTest, FramesArriveInTheOrderSentWhateverTheirSizes) {
  connect();
  const std::size_t sizes[] = {1514, 42, 900, 60, 1514, 61};
  for (std::uint8_t i = 0; i < 6; ++i) a.send(frame(sizes[i], i));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 6u);
  for (std::uint8_t i = 0; i < 6; ++i) {
    EXPECT_EQ(recorder.arrivals[i].marker, i);
    EXPECT_EQ(recorder.arrivals[i].len, sizes[i]);
    if (i > 0) {
      EXPECT_GT(recorder.arrivals[i].at, recorder.arrivals[i - 1].at);
    }
  }
}

TEST_F(LinkTest, DirectionsAreIndependent) {
  connect();
  // Load a→b with a long backlog; a single b→a frame must not wait behind it.
  for (int i = 0; i < 10; ++i) a.send(frame(1514, 1));
  b.send(frame(60, 2));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 11u);
  const Arrival* reverse = nullptr;
  for (const auto& arrival : recorder.arrivals)
    if (arrival.interface == "a.eth0") reverse = &arrival;
  ASSERT_NE(reverse, nullptr);
  EXPECT_EQ(reverse->at, 672 + 10'000);
  EXPECT_EQ(reverse->marker, 2);
}

TEST_F(LinkTest, SimultaneousFramesInBothDirectionsBothArriveOnTime) {
  connect();
  a.send(frame(100, 1));
  b.send(frame(100, 2));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 2u);
  for (const auto& arrival : recorder.arrivals) EXPECT_EQ(arrival.at, (100 + 24) * 8 + 10'000);
}

TEST_F(LinkTest, DeliveredFrameCarriesItsPacketIdAndTheIngressInterface) {
  connect();
  a.send(frame(60, 1, 4242));
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 1u);
  EXPECT_EQ(recorder.arrivals[0].packet_id, 4242u);
  EXPECT_EQ(recorder.arrivals[0].ingress, b.id());
}

TEST_F(LinkTest, StatsCountEachDirection) {
  Link& link = connect();
  a.send(frame(100, 1));
  a.send(frame(200, 1));
  b.send(frame(60, 1));
  EXPECT_EQ(link.stats(0).frames, 2u);
  EXPECT_EQ(link.stats(0).bytes, 300u);
  EXPECT_EQ(link.stats(1).frames, 1u);
  EXPECT_EQ(link.stats(1).bytes, 60u);
  EXPECT_EQ(link.in_flight(0), 2u);
  sim.run();
  EXPECT_EQ(link.in_flight(0), 0u);
  EXPECT_EQ(a.counters().tx_packets, 2u);
  EXPECT_EQ(a.counters().tx_bytes, 300u);
  EXPECT_EQ(b.counters().rx_packets, 2u);
  EXPECT_EQ(b.counters().rx_bytes, 300u);
  EXPECT_EQ(a.counters().rx_packets, 1u);
}

TEST_F(LinkTest, EndsAndPeers) {
  Link& link = connect();
  EXPECT_EQ(&link.end(0), &a);
  EXPECT_EQ(&link.end(1), &b);
  EXPECT_EQ(&link.peer_of(a), &b);
  EXPECT_EQ(&link.peer_of(b), &a);
  EXPECT_EQ(a.link(), &link);
  EXPECT_TRUE(a.is_connected());
  EXPECT_TRUE(b.is_connected());
}

// --- drop-tail queue ----------------------------------------------------------------------------

TEST_F(LinkTest, QueueHoldsLimitFramesBesidesTheOneOnTheWire) {
  Link& link = connect({10 * kMicrosecond, 1'000'000'000, 2});
  for (std::uint8_t i = 1; i <= 4; ++i) a.send(frame(60, i, i));
  // Frame 1 is being serialised, 2 and 3 wait, 4 finds the queue full.
  EXPECT_EQ(link.stats(0).frames, 3u);
  EXPECT_EQ(link.stats(0).drops, 1u);
  EXPECT_EQ(a.counters().tx_packets, 3u);
  EXPECT_EQ(a.counters().tx_dropped, 1u);
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 3u);
  EXPECT_EQ(recorder.arrivals[2].marker, 3) << "drop-tail: the newest frame goes, not the oldest";
}

TEST_F(LinkTest, QueueFullDropIsTracedWithReasonNodeInterfaceAndPacket) {
  connect({10 * kMicrosecond, 1'000'000'000, 1});
  a.send(frame(60, 1, 11));
  a.send(frame(60, 2, 12));
  a.send(frame(60, 3, 13));
  ASSERT_EQ(trace.total_drops(), 1u);
  EXPECT_EQ(trace.drop_count(node_a, trace::DropReason::link_queue_full), 1u);
  const trace::TraceEvent& e = trace.events().back();
  EXPECT_EQ(e.kind, trace::TraceKind::dropped);
  EXPECT_EQ(e.reason, trace::DropReason::link_queue_full);
  EXPECT_EQ(e.node, node_a);
  EXPECT_EQ(e.interface, a.id());
  EXPECT_EQ(e.packet_id, 13u);
  EXPECT_NE(e.detail.find("a.eth0"), std::string::npos) << e.detail;
}

TEST_F(LinkTest, QueueSpaceFreesWhenAWaitingFrameStartsTransmission) {
  Link& link = connect({10 * kMicrosecond, 1'000'000'000, 1});
  a.send(frame(60, 1));
  a.send(frame(60, 2));  // waits until 672 ns
  a.send(frame(60, 3));  // dropped
  EXPECT_EQ(link.stats(0).drops, 1u);
  sim.run_until(671);
  a.send(frame(60, 4));  // frame 2 has not started yet: still full
  EXPECT_EQ(link.stats(0).drops, 2u);
  sim.run_until(672);
  a.send(frame(60, 5));  // frame 2 started at 672: one slot free
  EXPECT_EQ(link.stats(0).drops, 2u);
  sim.run();
  ASSERT_EQ(recorder.arrivals.size(), 3u);
  EXPECT_EQ(recorder.arrivals[2].marker, 5);
  EXPECT_EQ(recorder.arrivals[2].at, 3 * 672 + 10'000);
}

TEST_F(LinkTest, QueueOfOneStillCarriesAFrameAtATimeForever) {
  Link& link = connect({kMicrosecond, 1'000'000'000, 1});
  // One frame every serialisation time keeps exactly one on the wire and none waiting.
  for (int i = 0; i < 50; ++i) {
    sim.run_until(i * 672);
    a.send(frame(60, static_cast<std::uint8_t>(i)));
  }
  sim.run();
  EXPECT_EQ(link.stats(0).drops, 0u);
  EXPECT_EQ(recorder.arrivals.size(), 50u);
}

TEST_F(LinkTest, UnlinkedInterfaceDropsAndTracesNotConnected) {
  a.send(frame(60, 1, 5));
  EXPECT_EQ(a.counters().tx_dropped, 1u);
  EXPECT_EQ(a.counters().tx_packets, 0u);
  EXPECT_EQ(trace.drop_count(node_a, trace::DropReason::not_connected), 1u);
  EXPECT_EQ(trace.events().back().packet_id, 5u);
  EXPECT_EQ(pool.slabs_in_use(), 0u) << "the dropped frame went back to the pool";
}

TEST_F(LinkTest, DroppedAndDeliveredFramesAllReturnToThePool) {
  connect({kMicrosecond, 1'000'000'000, 1});
  for (int i = 0; i < 5; ++i) a.send(frame(60, 1));
  sim.run();
  EXPECT_EQ(pool.slabs_in_use(), 0u);
}

// --- configuration errors -----------------------------------------------------------------------

TEST_F(LinkTest, LinkingAnInterfaceTwiceIsAConfigErrorNamingIt) {
  connect();
  Interface& c = extra("eth1");
  try {
    Link extra(context, a, c, {});
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.field(), "ends");
    EXPECT_NE(std::string(e.what()).find("a.eth0 is already linked"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(c.is_connected()) << "a failed link leaves the other end untouched";
  EXPECT_THROW(Link(context, c, b, {}), core::ConfigError);
}

TEST_F(LinkTest, SelfLinkIsAConfigError) {
  try {
    Link self(context, a, a, {});
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.field(), "ends");
    EXPECT_NE(std::string(e.what()).find("itself"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(a.is_connected());
}

TEST_F(LinkTest, ZeroQueueIsAConfigError) {
  try {
    Link bad(context, a, b, {kMicrosecond, 1'000'000'000, 0});
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.field(), "queue");
    EXPECT_NE(e.object().find("a.eth0 <-> b.eth0"), std::string::npos) << e.object();
  }
  EXPECT_FALSE(a.is_connected());
  EXPECT_FALSE(b.is_connected());
}

TEST_F(LinkTest, NegativeDelayOrBandwidthIsAConfigError) {
  EXPECT_THROW(Link(context, a, b, {-1, 1'000'000'000, 10}), core::ConfigError);
  EXPECT_THROW(Link(context, a, b, {0, -1, 10}), core::ConfigError);
  EXPECT_FALSE(a.is_connected());
  EXPECT_NO_THROW(connect({0, 0, 1}));
}

// --- capture taps -------------------------------------------------------------------------------

TEST_F(LinkTest, TapsSeeTxWhenSentAndRxOnArrival) {
  connect();
  Tap tap_a, tap_b;
  a.add_tap(tap_a);
  b.add_tap(tap_b);
  a.send(frame(60, 7));
  sim.run();
  ASSERT_EQ(tap_a.records.size(), 1u);
  EXPECT_EQ(tap_a.records[0].direction, Direction::tx);
  EXPECT_EQ(tap_a.records[0].at, 0);
  EXPECT_EQ(tap_a.records[0].marker, 7);
  ASSERT_EQ(tap_b.records.size(), 1u);
  EXPECT_EQ(tap_b.records[0].direction, Direction::rx);
  EXPECT_EQ(tap_b.records[0].at, 672 + 10'000);
  EXPECT_EQ(tap_b.records[0].len, 60u);
}

TEST_F(LinkTest, TapsDoNotSeeAFrameTheQueueRefused) {
  connect({kMicrosecond, 1'000'000'000, 1});
  Tap tap_a, tap_b;
  a.add_tap(tap_a);
  b.add_tap(tap_b);
  for (std::uint8_t i = 1; i <= 3; ++i) a.send(frame(60, i));
  sim.run();
  ASSERT_EQ(tap_a.records.size(), 2u);
  EXPECT_EQ(tap_a.records[0].marker, 1);
  EXPECT_EQ(tap_a.records[1].marker, 2);
  EXPECT_EQ(tap_b.records.size(), 2u);
}

TEST_F(LinkTest, TapsSeeRxBeforeTheNodeHandlesTheFrame) {
  connect();
  // The recorder is the node: by the time it has the frame, the rx tap has fired.
  struct OrderTap final : CaptureTap {
    const Recorder* recorder = nullptr;
    std::size_t arrivals_when_tapped = 99;
    void capture(const Interface&, Direction, Time, std::span<const std::uint8_t>) override {
      arrivals_when_tapped = recorder->arrivals.size();
    }
  } tap;
  tap.recorder = &recorder;
  b.add_tap(tap);
  a.send(frame(60, 1));
  sim.run();
  EXPECT_EQ(tap.arrivals_when_tapped, 0u);
  EXPECT_EQ(recorder.arrivals.size(), 1u);
}

TEST_F(LinkTest, RemovedTapSeesNothingMore) {
  connect();
  Tap tap;
  a.add_tap(tap);
  a.send(frame(60, 1));
  a.remove_tap(tap);
  a.send(frame(60, 2));
  sim.run();
  EXPECT_EQ(tap.records.size(), 1u);
}

// Taps see a transmitted frame when its transmission starts (dev_hard_start_xmit, after the qdisc), so
// frames that waited are spaced by their serialisation time.
TEST_F(LinkTest, TxTapTimeIsWhenTransmissionStarts) {
  connect();
  Tap tap;
  a.add_tap(tap);
  for (std::uint8_t i = 1; i <= 3; ++i) a.send(frame(60, i));
  sim.run();
  ASSERT_EQ(tap.records.size(), 3u);
  EXPECT_EQ(tap.records[0].at, 0);
  EXPECT_EQ(tap.records[1].at, 672);
  EXPECT_EQ(tap.records[2].at, 2 * 672);
}

}  // namespace
}  // namespace vpcsim::link
