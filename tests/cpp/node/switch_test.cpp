// Switch against the Linux bridge (net/bridge/br_input.c, br_fdb.c, br_forward.c) with STP off:
// learning, flooding of unknown unicast, broadcast and multicast to every other connected port, never
// back out of the ingress port, ageing after 300 s, MAC moves, counters.
//
// Stations are bare interfaces linked to switch ports, so the test crafts every frame itself.
#include "libnet/node/switch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/wire/ethernet.h"

namespace vpcsim::node {
namespace {

using core::kSecond;
using core::Time;
using wire::MacAddress;

constexpr std::uint16_t kEthertypeLocalExperimental = 0x88b5;

struct Received {
  Time at;
  MacAddress dst;
  MacAddress src;
  std::uint8_t marker;
  std::uint64_t packet_id;
};

class Station final : public link::FrameReceiver {
 public:
  Station(Network& net, const std::string& name, MacAddress mac)
      : net_(net),
        node_(net.trace().register_node(name)),
        mac_(mac),
        interface(net.context(), *this, net.trace().register_interface(node_, "eth0"), node_, "eth0", mac) {}
  void receive_frame(link::Interface&, wire::Frame frame) override {
    const std::uint8_t* bytes = std::as_const(frame).data();  // reads only: a flooded copy stays shared
    const std::uint8_t marker = frame.size() > 14 ? bytes[14] : std::uint8_t{0};
    const MacAddress dst = MacAddress::from_bytes(bytes);
    const MacAddress src = MacAddress::from_bytes(bytes + 6);
    received.push_back(Received{net_.now(), dst, src, marker, frame.meta().packet_id});
  }
  /// Sends a 60-byte frame; the source is this station's MAC unless given.
  void send(MacAddress dst, std::uint8_t marker, std::optional<MacAddress> src = std::nullopt,
            std::uint64_t packet_id = 0) {
    wire::Frame f = net_.pool().allocate(60);
    std::fill(f.data(), f.data() + 60, std::uint8_t{0});
    wire::EthernetRepr{dst, src.value_or(mac_), kEthertypeLocalExperimental, std::nullopt}.emit(f.bytes());
    f.data()[14] = marker;
    f.meta().packet_id = packet_id;
    interface.send(std::move(f));
  }
  const MacAddress& mac() const { return mac_; }

 private:
  Network& net_;
  std::uint32_t node_;
  MacAddress mac_;

 public:
  link::Interface interface;
  std::vector<Received> received;
};

/// A station that writes into every frame it receives (as a router decrementing a TTL would).
class Scribbler final : public link::FrameReceiver {
 public:
  explicit Scribbler(Network& net)
      : node_(net.trace().register_node("scribbler")),
        interface(net.context(), *this, net.trace().register_interface(node_, "eth0"), node_, "eth0",
                  MacAddress::from_u64(0x0200000001ffULL)) {}
  void receive_frame(link::Interface&, wire::Frame frame) override {
    seen.push_back(frame.data()[14]);
    frame.data()[14] = 0xee;
  }

 private:
  std::uint32_t node_;

 public:
  link::Interface interface;
  std::vector<std::uint8_t> seen;
};

class SwitchTest : public ::testing::Test {
 protected:
  Network net{1};
  Switch& sw = net.add_switch("sw1");
  std::vector<std::unique_ptr<Station>> stations;

  SwitchTest() {
    for (int i = 0; i < 3; ++i) add_station();
  }
  Station& add_station() {
    const auto n = stations.size();
    const MacAddress mac = MacAddress::from_u64(0x020000000100ULL + n);
    stations.push_back(std::make_unique<Station>(net, "s" + std::to_string(n), mac));
    net.connect(stations.back()->interface, sw.add_port(), link::LinkConfig{core::kMicrosecond, 0, 1000});
    return *stations.back();
  }
  Station& s(std::size_t i) { return *stations[i]; }
  void settle() { net.run_for(10 * core::kMicrosecond); }
  void clear() {
    for (auto& st : stations) st->received.clear();
  }
};

// --- flooding and learning ------------------------------------------------------------------------

TEST_F(SwitchTest, UnknownUnicastFloodsToEveryOtherPort) {
  s(0).send(MacAddress::parse("02:00:00:00:09:99"), 1);
  settle();
  EXPECT_TRUE(s(0).received.empty()) << "never back out of the ingress port";
  ASSERT_EQ(s(1).received.size(), 1u);
  ASSERT_EQ(s(2).received.size(), 1u);
  EXPECT_EQ(s(1).received[0].marker, 1);
  EXPECT_EQ(s(2).received[0].src, s(0).mac());
  EXPECT_EQ(sw.counters().flooded, 1u);
  EXPECT_EQ(sw.counters().forwarded, 0u);
}

TEST_F(SwitchTest, FloodedCopiesShareTheirBytesUntilOneReceiverWritesToThem) {
  // The copies of a flood share one slab (Frame::share). A receiver that writes to its copy gets its
  // own first, so the receivers after it still see what was sent.
  Scribbler scribbler(net);
  net.connect(scribbler.interface, sw.add_port(), link::LinkConfig{core::kMicrosecond, 0, 1000});
  for (int i = 0; i < 3; ++i) add_station();  // after the scribbler's port: they get their copies later
  const std::size_t slabs_before = net.pool().slabs_in_use();
  s(0).send(MacAddress::broadcast(), 0x42);
  settle();
  ASSERT_EQ(scribbler.seen.size(), 1u);
  EXPECT_EQ(scribbler.seen[0], 0x42);
  for (std::size_t i = 1; i < stations.size(); ++i) {
    ASSERT_EQ(s(i).received.size(), 1u) << "station " << i;
    EXPECT_EQ(s(i).received[0].marker, 0x42) << "station " << i << " saw the scribbler's write";
  }
  EXPECT_EQ(net.pool().slabs_in_use(), slabs_before) << "every copy's slab went back to the pool";
}

TEST_F(SwitchTest, BroadcastFloodsToEveryOtherPortEvenWhenAllAreLearned) {
  for (int i = 0; i < 3; ++i) s(i).send(MacAddress::broadcast(), static_cast<std::uint8_t>(i));
  settle();
  clear();
  s(1).send(MacAddress::broadcast(), 9);
  settle();
  EXPECT_EQ(s(0).received.size(), 1u);
  EXPECT_TRUE(s(1).received.empty());
  EXPECT_EQ(s(2).received.size(), 1u);
}

TEST_F(SwitchTest, MulticastFloods) {
  s(0).send(MacAddress::parse("01:00:5e:00:00:01"), 1);
  settle();
  EXPECT_EQ(s(1).received.size(), 1u);
  EXPECT_EQ(s(2).received.size(), 1u);
}

TEST_F(SwitchTest, FloodSkipsPortsWithoutALink) {
  sw.add_port("spare");
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  EXPECT_EQ(s(1).received.size(), 1u);
  EXPECT_EQ(s(2).received.size(), 1u);
  EXPECT_EQ(net.trace().drop_count(sw.id(), trace::DropReason::not_connected), 0u)
      << "an unconnected port is not sent to at all";
}

TEST_F(SwitchTest, FloodedCopiesAreIdenticalAndKeepThePacketId) {
  s(0).send(MacAddress::broadcast(), 42, std::nullopt, 777);
  settle();
  ASSERT_EQ(s(1).received.size(), 1u);
  ASSERT_EQ(s(2).received.size(), 1u);
  EXPECT_EQ(s(1).received[0].packet_id, 777u);
  EXPECT_EQ(s(2).received[0].packet_id, 777u);
  EXPECT_EQ(s(1).received[0].marker, s(2).received[0].marker);
  EXPECT_EQ(net.pool().slabs_in_use(), 0u) << "every copy was returned";
}

TEST_F(SwitchTest, LearnsTheSourceOnTheIngressPort) {
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  const link::Interface* port = sw.port_of(s(0).mac());
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->name(), "p1");
  const auto table = sw.mac_table();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].mac, s(0).mac());
  EXPECT_EQ(table[0].port, "p1");
}

TEST_F(SwitchTest, KnownUnicastGoesOutOfOnePortOnly) {
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  clear();
  s(2).send(s(0).mac(), 2);
  settle();
  ASSERT_EQ(s(0).received.size(), 1u);
  EXPECT_EQ(s(0).received[0].marker, 2);
  EXPECT_TRUE(s(1).received.empty());
  EXPECT_EQ(sw.counters().forwarded, 1u);
}

TEST_F(SwitchTest, ForwardingAddsNoTimeBeyondTheLinks) {
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  clear();
  const Time t = net.now();
  s(2).send(s(0).mac(), 2);
  settle();
  ASSERT_EQ(s(0).received.size(), 1u);
  EXPECT_EQ(s(0).received[0].at, t + 2 * core::kMicrosecond);
}

TEST_F(SwitchTest, KnownDestinationOnTheIngressPortIsFiltered) {
  // Two MACs behind port 1 (as behind another switch): a frame between them is not sent anywhere.
  const MacAddress behind = MacAddress::parse("02:00:00:00:07:77");
  s(0).send(MacAddress::broadcast(), 1, behind);
  settle();
  clear();
  s(0).send(behind, 2);
  settle();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(s(i).received.empty());
  EXPECT_EQ(sw.counters().filtered, 1u);
  EXPECT_EQ(sw.counters().forwarded, 0u);
}

TEST_F(SwitchTest, MulticastAndZeroSourcesAreNotLearned) {
  s(0).send(MacAddress::broadcast(), 1, MacAddress::parse("01:00:5e:00:00:01"));
  s(0).send(MacAddress::broadcast(), 2, MacAddress());
  settle();
  EXPECT_TRUE(sw.mac_table().empty());
}

// br_handle_frame drops frames whose source MAC is multicast or zero (!is_valid_ether_addr).
TEST_F(SwitchTest, FramesWithAnInvalidSourceMacAreDropped) {
  s(0).send(MacAddress::broadcast(), 1, MacAddress::parse("01:00:5e:00:00:01"));
  s(0).send(MacAddress::broadcast(), 2, MacAddress());
  settle();
  EXPECT_TRUE(s(1).received.empty());
  EXPECT_TRUE(s(2).received.empty());
}

// The 802.1D reserved groups 01:80:c2:00:00:0X stay on their link (group_fwd_mask 0); only 00 (STP) is
// forwarded while STP is off.
TEST_F(SwitchTest, LinkLocalReservedGroupAddressesAreNotForwarded) {
  for (const std::uint8_t last : std::initializer_list<std::uint8_t>{0x01, 0x02, 0x03, 0x0e}) {
    s(0).send(MacAddress({0x01, 0x80, 0xc2, 0x00, 0x00, last}), last);
  }
  settle();
  EXPECT_TRUE(s(1).received.empty());
  EXPECT_TRUE(s(2).received.empty());
}

TEST_F(SwitchTest, StpBridgeGroupAddressIsForwardedWithStpOff) {
  s(0).send(MacAddress::parse("01:80:c2:00:00:00"), 1);
  settle();
  EXPECT_EQ(s(1).received.size(), 1u);
  EXPECT_EQ(s(2).received.size(), 1u);
}

// --- ageing ---------------------------------------------------------------------------------------

TEST_F(SwitchTest, EntriesAgeOutAfterThreeHundredSeconds) {
  EXPECT_EQ(sw.ageing_time(), 300 * kSecond);
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  const Time learned = 1 * core::kMicrosecond;  // when the frame reached the switch
  net.run_until(learned + 299 * kSecond);
  ASSERT_EQ(sw.mac_table().size(), 1u);
  EXPECT_EQ(sw.mac_table()[0].age, 299 * kSecond);
  EXPECT_NE(sw.port_of(s(0).mac()), nullptr);
  net.run_until(learned + 300 * kSecond + 1);
  EXPECT_TRUE(sw.mac_table().empty());
  EXPECT_EQ(sw.port_of(s(0).mac()), nullptr);
}

TEST_F(SwitchTest, AgedOutDestinationIsFloodedAgain) {
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  net.run_until(301 * kSecond);
  clear();
  s(2).send(s(0).mac(), 2);
  settle();
  EXPECT_EQ(s(0).received.size(), 1u);
  EXPECT_EQ(s(1).received.size(), 1u) << "unknown again: flooded";
  EXPECT_EQ(sw.counters().flooded, 2u);
}

TEST_F(SwitchTest, TrafficFromAStationRefreshesItsEntry) {
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  net.run_until(200 * kSecond);
  s(0).send(s(1).mac(), 2);
  settle();
  net.run_until(450 * kSecond);
  EXPECT_NE(sw.port_of(s(0).mac()), nullptr);
  net.run_until(501 * kSecond);
  EXPECT_EQ(sw.port_of(s(0).mac()), nullptr);
}

TEST_F(SwitchTest, AgeingTimeCanBeChangedButMustBePositive) {
  sw.set_ageing_time(10 * kSecond);
  EXPECT_EQ(sw.ageing_time(), 10 * kSecond);
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  net.run_until(11 * kSecond);
  EXPECT_TRUE(sw.mac_table().empty());
  EXPECT_THROW(sw.set_ageing_time(0), core::ConfigError);
  EXPECT_THROW(sw.set_ageing_time(-kSecond), core::ConfigError);
}

// --- moves ----------------------------------------------------------------------------------------

TEST_F(SwitchTest, MacSeenOnAnotherPortMoves) {
  s(0).send(MacAddress::broadcast(), 1);
  settle();
  ASSERT_EQ(sw.port_of(s(0).mac())->name(), "p1");
  s(2).send(MacAddress::broadcast(), 2, s(0).mac());  // the station moved behind port 3
  settle();
  ASSERT_NE(sw.port_of(s(0).mac()), nullptr);
  EXPECT_EQ(sw.port_of(s(0).mac())->name(), "p3");
  clear();
  s(1).send(s(0).mac(), 3);
  settle();
  EXPECT_TRUE(s(0).received.empty());
  ASSERT_EQ(s(2).received.size(), 1u);
  EXPECT_EQ(s(2).received[0].marker, 3);
  int entries_for_moved = 0;
  for (const auto& e : sw.mac_table()) entries_for_moved += e.mac == s(0).mac() ? 1 : 0;
  EXPECT_EQ(entries_for_moved, 1) << "one entry per MAC";
}

// --- robustness, ports, counters --------------------------------------------------------------------

TEST_F(SwitchTest, RuntFrameIsDroppedAndTraced) {
  s(0).interface.send(net.pool().copy_of(std::vector<std::uint8_t>(10, 0xff)));
  settle();
  EXPECT_TRUE(s(1).received.empty());
  EXPECT_EQ(net.trace().drop_count(sw.id(), trace::DropReason::malformed), 1u);
  EXPECT_TRUE(sw.mac_table().empty());
}

TEST_F(SwitchTest, PortsAreNamedInOrderUnlessNamed) {
  EXPECT_EQ(sw.interfaces().size(), 3u);
  EXPECT_EQ(sw.interfaces()[0]->name(), "p1");
  EXPECT_EQ(sw.interfaces()[2]->name(), "p3");
  EXPECT_EQ(sw.add_port("uplink").name(), "uplink");
  EXPECT_EQ(sw.add_port().name(), "p5");
  EXPECT_THROW(sw.add_port("uplink"), core::ConfigError);
  EXPECT_EQ(sw.kind(), NodeKind::switch_);
}

TEST_F(SwitchTest, MacTableIsSortedByMac) {
  for (int i = 2; i >= 0; --i) s(i).send(MacAddress::broadcast(), 1);
  settle();
  const auto table = sw.mac_table();
  ASSERT_EQ(table.size(), 3u);
  EXPECT_LT(table[0].mac, table[1].mac);
  EXPECT_LT(table[1].mac, table[2].mac);
}

TEST_F(SwitchTest, CountersAddUp) {
  s(0).send(MacAddress::broadcast(), 1);          // flooded
  s(1).send(MacAddress::broadcast(), 2);          // flooded
  settle();
  s(0).send(s(1).mac(), 3);                       // forwarded
  s(1).send(s(0).mac(), 4);                       // forwarded
  s(2).send(MacAddress::parse("02:00:00:00:09:99"), 5);  // flooded
  settle();
  EXPECT_EQ(sw.counters().flooded, 3u);
  EXPECT_EQ(sw.counters().forwarded, 2u);
  EXPECT_EQ(sw.counters().filtered, 0u);
}

TEST_F(SwitchTest, SwitchedAndFloodedFramesAreTracedPerPacket) {
  s(0).send(MacAddress::broadcast(), 1, std::nullopt, 31);
  settle();
  s(1).send(s(0).mac(), 2, std::nullopt, 32);
  settle();
  const auto flooded = net.trace().path_of(31);
  const auto switched = net.trace().path_of(32);
  ASSERT_FALSE(flooded.empty());
  ASSERT_FALSE(switched.empty());
  EXPECT_EQ(flooded[0].kind, trace::TraceKind::flooded);
  EXPECT_EQ(switched[0].kind, trace::TraceKind::switched);
  EXPECT_EQ(switched[0].node, sw.id());
}

}  // namespace
}  // namespace vpcsim::node
