// InterfaceCapture: tcpdump on one end of a link, into a pcap that holds exactly the bytes that crossed,
// at the simulated times they crossed.
#include "libnet/io/interface_capture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_file.h"
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/core/simulation.h"
#include "libnet/io/pcap_reader.h"
#include "libnet/link/interface.h"
#include "libnet/link/link.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::io {
namespace {

using ::testing::ElementsAre;

using testing::TempFile;

/// A node that keeps what arrives.
struct Sink final : link::FrameReceiver {
  void receive_frame(link::Interface&, wire::Frame frame) override {
    received.emplace_back(frame.bytes().begin(), frame.bytes().end());
  }
  std::vector<std::vector<std::uint8_t>> received;
};

/// Two interfaces, a and b, on one link: 10 us propagation, 1 Gb/s.
struct TwoEnds {
  core::Simulation sim{1};
  wire::FramePool pool;
  trace::TraceLog trace;
  std::uint64_t next_packet_id = 0;
  link::Context context{sim, pool, trace, next_packet_id};
  Sink node_a, node_b;
  std::uint32_t id_a = trace.register_node("a");
  std::uint32_t id_b = trace.register_node("b");
  link::Interface a{context, node_a, trace.register_interface(id_a, "eth0"), id_a, "eth0",
                    wire::MacAddress::parse("02:00:00:00:00:0a")};
  link::Interface b{context, node_b, trace.register_interface(id_b, "eth0"), id_b, "eth0",
                    wire::MacAddress::parse("02:00:00:00:00:0b")};
  link::Link wire_link{context, a, b, link::LinkConfig{}};

  void send(link::Interface& from, const std::vector<std::uint8_t>& bytes) { from.send(pool.copy_of(bytes)); }
};

std::vector<std::uint8_t> frame_of(std::size_t len, std::uint8_t fill) {
  std::vector<std::uint8_t> bytes(len, fill);
  for (std::size_t i = 0; i < 6 && i < len; ++i) bytes[i] = 0xff;  // broadcast dst
  return bytes;
}

TEST(InterfaceCapture, WritesEveryFrameSentAndReceivedByteExactAtItsTime) {
  TempFile file("capture.pcap");
  TwoEnds t;
  const auto out1 = frame_of(60, 0x11);
  const auto out2 = frame_of(1514, 0x22);
  const auto in1 = frame_of(98, 0x33);
  std::vector<core::Time> expected_times;
  {
    InterfaceCapture capture(t.a, file.path());
    EXPECT_EQ(capture.path(), file.path());
    EXPECT_EQ(&capture.interface(), &t.a);
    t.send(t.a, out1);                          // tx at 0
    t.send(t.a, out2);                          // queued behind out1: tx when out1 has been serialised
    t.sim.run_until(core::kMillisecond);
    t.send(t.b, in1);                           // rx at 1 ms + serialisation + 10 us
    t.sim.run();
    EXPECT_EQ(capture.frames(), 3u);
    EXPECT_EQ(capture.tx_frames(), 2u);
    EXPECT_EQ(capture.rx_frames(), 1u);
    EXPECT_EQ(capture.bytes(), 60u + 1514u + 98u);
    expected_times = {0, t.wire_link.serialisation_time(out1.size()), core::kMillisecond + t.wire_link.serialisation_time(in1.size()) + 10 * core::kMicrosecond};
  }
  ASSERT_EQ(t.node_b.received.size(), 2u);
  ASSERT_EQ(t.node_a.received.size(), 1u);

  PcapReader reader(file.path());
  EXPECT_TRUE(reader.is_ethernet());
  const auto records = reader.read_all();
  EXPECT_FALSE(reader.has_error());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].bytes, out1);
  EXPECT_EQ(records[1].bytes, out2);
  EXPECT_EQ(records[2].bytes, in1);
  EXPECT_EQ(records[2].bytes, t.node_a.received[0]);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].ts_ns, expected_times[i]) << i;
    EXPECT_EQ(records[i].orig_len, records[i].bytes.size());
  }
}

TEST(InterfaceCapture, BothEndsOfALinkSeeTheSameBytesAndAnEpochOffsetShiftsTimes) {
  TempFile fa("a.pcap"), fb("b.pcap");
  TwoEnds t;
  const core::Time epoch = 1'600'000'000 * core::kSecond;
  {
    InterfaceCapture ca(t.a, fa.path(), epoch);
    InterfaceCapture cb(t.b, fb.path(), epoch);
    for (int i = 0; i < 5; ++i) t.send(t.a, frame_of(64 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(i)));
    t.sim.run();
    EXPECT_EQ(ca.tx_frames(), 5u);
    EXPECT_EQ(cb.rx_frames(), 5u);
  }
  PcapReader ra(fa.path()), rb(fb.path());
  const auto sent = ra.read_all();
  const auto got = rb.read_all();
  ASSERT_EQ(sent.size(), 5u);
  ASSERT_EQ(got.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(sent[i].bytes, got[i].bytes);
    // Back to back: each is captured as its transmission starts, one serialisation after the other.
    const core::Time starts = [&] {
      core::Time at = 0;
      for (std::size_t j = 0; j < i; ++j) at += t.wire_link.serialisation_time(64 + j);
      return at;
    }();
    EXPECT_EQ(sent[i].ts_ns, epoch + starts);
    EXPECT_GT(got[i].ts_ns, sent[i].ts_ns + 10 * core::kMicrosecond - 1);
  }
}

TEST(InterfaceCapture, StopsCapturingWhenDestroyed) {
  TempFile file("scoped.pcap");
  TwoEnds t;
  {
    InterfaceCapture capture(t.a, file.path());
    t.send(t.a, frame_of(60, 1));
  }
  t.send(t.a, frame_of(60, 2));  // no tap left: nothing is written, nothing dangles
  t.sim.run();
  PcapReader reader(file.path());
  const auto records = reader.read_all();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].bytes[6], 1);
}

TEST(InterfaceCapture, FlushLetsTheFileBeReadDuringTheRun) {
  TempFile file("flush.pcap");
  TwoEnds t;
  InterfaceCapture capture(t.a, file.path());
  t.send(t.a, frame_of(60, 7));
  capture.flush();
  PcapReader reader(file.path());
  EXPECT_EQ(reader.read_all().size(), 1u);
}

TEST(InterfaceCapture, FramesTheQueueRefusesAreNotCaptured) {
  TempFile file("refused.pcap");
  TwoEnds t;
  InterfaceCapture capture(t.a, file.path());
  // 1000 may wait; with the first already on the wire, 1001 are accepted, then the queue is full.
  for (int i = 0; i < 1005; ++i) t.send(t.a, frame_of(60, 0));
  t.sim.run();  // queued frames are captured as their transmission starts
  EXPECT_EQ(capture.tx_frames(), t.a.counters().tx_packets);
  EXPECT_EQ(t.a.counters().tx_dropped, 1005u - t.a.counters().tx_packets);
  EXPECT_GT(t.a.counters().tx_dropped, 0u);
}

TEST(InterfaceCapture, UnopenablePathThrowsAndRegistersNothing) {
  TwoEnds t;
  EXPECT_THROW(InterfaceCapture(t.a, "/nonexistent-vpcsim/x.pcap"), core::ConfigError);
  t.send(t.a, frame_of(60, 1));  // would crash if a dead tap had been left registered
  t.sim.run();
  EXPECT_EQ(t.node_b.received.size(), 1u);
}

}  // namespace
}  // namespace vpcsim::io
