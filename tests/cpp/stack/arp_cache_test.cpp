// ArpCache against Linux's neighbour state machine (net/core/neighbour.c, net/ipv4/arp.c) with the
// default sysctls: incomplete → 3 broadcast requests 1 s apart → failed; reachable → stale after
// reachable_time; stale + use → delay → probe (3 unicast requests) → failed; requests for our
// addresses are answered and teach us the requester; unsolicited replies create nothing.
//
// The cache's interface is linked (no delay, infinite bandwidth) to a bare recording interface, so
// every frame the cache sends is seen at the instant it was sent.
#include "libnet/stack/arp_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "libnet/core/simulation.h"
#include "libnet/link/link.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/frame_pool.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::stack {
namespace {

using core::kSecond;
using core::Time;
using wire::ArpOperation;
using wire::ArpRepr;
using wire::Ipv4Address;
using wire::MacAddress;

const Ipv4Address kOurIp = Ipv4Address::parse("10.0.1.10");
const Ipv4Address kOtherLocalIp = Ipv4Address::parse("192.168.5.1");  // on another interface of the node
const Ipv4Address kPeerIp = Ipv4Address::parse("10.0.1.20");
const MacAddress kOurMac = MacAddress::parse("02:00:00:00:00:10");
const MacAddress kPeerMac = MacAddress::parse("02:00:00:00:00:20");
const MacAddress kPeerMac2 = MacAddress::parse("02:00:00:00:00:21");

/// What one frame on the wire was, decoded.
struct Sent {
  Time at = 0;
  MacAddress eth_dst;
  MacAddress eth_src;
  std::uint16_t ethertype = 0;
  std::optional<ArpRepr> arp;
  std::uint64_t packet_id = 0;
  std::uint8_t marker = 0;  ///< first payload byte after the IPv4 header
};

class WireRecorder final : public link::FrameReceiver {
 public:
  explicit WireRecorder(core::Simulation& sim) : sim_(sim) {}
  void receive_frame(link::Interface&, wire::Frame frame) override {
    Sent s;
    s.at = sim_.now();
    auto eth = wire::EthernetView::parse(frame.bytes());
    if (!eth) {
      ADD_FAILURE() << "runt frame on the wire";
      return;
    }
    s.eth_dst = eth->dst();
    s.eth_src = eth->src();
    s.ethertype = eth->ethertype();
    s.packet_id = frame.meta().packet_id;
    if (s.ethertype == wire::kEthertypeArp) {
      EXPECT_EQ(frame.size(), 42u) << "an ARP frame is 14 + 28 bytes, unpadded as on veth";
      auto view = wire::ArpView::parse(eth->payload());
      if (view) {
        auto repr = ArpRepr::parse(*view);
        if (repr) s.arp = *repr;
      }
    } else if (frame.size() > 34) {
      s.marker = frame.data()[34];
    }
    frames.push_back(s);
  }
  std::vector<Sent> arps() const {
    std::vector<Sent> out;
    for (const auto& s : frames)
      if (s.arp) out.push_back(s);
    return out;
  }
  std::vector<Sent> ip() const {
    std::vector<Sent> out;
    for (const auto& s : frames)
      if (!s.arp) out.push_back(s);
    return out;
  }
  std::vector<Sent> frames;

 private:
  core::Simulation& sim_;
};

class NullReceiver final : public link::FrameReceiver {
 public:
  void receive_frame(link::Interface&, wire::Frame) override {}
};

struct Unreachable {
  std::string interface;
  Ipv4Address next_hop;
  std::uint64_t packet_id;
  Time at;
};

class FakeOwner final : public ArpCacheOwner {
 public:
  explicit FakeOwner(core::Simulation& sim) : sim_(sim) {}
  bool is_local_address(Ipv4Address address) const override { return local.count(address.to_u32()) != 0; }
  void neighbour_unreachable(link::Interface& interface, Ipv4Address next_hop, std::uint32_t, wire::Frame frame) override {
    unreachable.push_back(Unreachable{interface.full_name(), next_hop, frame.meta().packet_id, sim_.now()});
  }
  std::set<std::uint32_t> local;
  std::vector<Unreachable> unreachable;

 private:
  core::Simulation& sim_;
};

class ArpCacheTest : public ::testing::Test {
 protected:
  core::Simulation sim{1};
  wire::FramePool pool;
  trace::TraceLog trace;
  std::uint64_t next_packet_id = 1000;
  link::Context context{sim, pool, trace, next_packet_id};
  NullReceiver node_side;
  WireRecorder wire{sim};
  FakeOwner owner{sim};
  std::uint32_t node = trace.register_node("h1");
  std::uint32_t peer_node = trace.register_node("peer");
  link::Interface eth{context, node_side, trace.register_interface(node, "eth0"), node, "eth0", kOurMac};
  link::Interface peer{context, wire, trace.register_interface(peer_node, "eth0"), peer_node, "eth0", kPeerMac};
  link::Link cable{context, eth, peer, link::LinkConfig{0, 0, 1000}};
  std::unique_ptr<ArpCache> cache;

  ArpCacheTest() {
    eth.add_address(wire::Ipv4InterfaceAddress::parse("10.0.1.10/24"));
    owner.local = {kOurIp.to_u32(), kOtherLocalIp.to_u32()};
    cache = std::make_unique<ArpCache>(context, eth, owner);
  }
  /// Only before anything was scheduled.
  void reconfigure(ArpConfig config) { cache = std::make_unique<ArpCache>(context, eth, owner, config); }

  /// An Ethernet+IPv4 frame as IpNode hands it to the cache (destination MAC still zero).
  wire::Frame packet(std::uint8_t marker, Ipv4Address src = kOurIp, std::size_t len = 100) {
    wire::Frame f = pool.allocate(len);
    std::fill(f.data(), f.data() + len, std::uint8_t{0});
    wire::EthernetRepr{MacAddress(), kOurMac, wire::kEthertypeIpv4, std::nullopt}.emit(f.bytes());
    wire::Ipv4Repr{src, kPeerIp, wire::kIpProtoUdp, 64, 0, 0, true, static_cast<std::uint16_t>(len - 34)}.emit(
        f.bytes().subspan(14));
    f.data()[34] = marker;
    f.meta().packet_id = marker;
    return f;
  }
  void reply_from(Ipv4Address ip, MacAddress mac, bool to_us = true) {
    cache->receive(ArpRepr{ArpOperation::reply, mac, ip, kOurMac, kOurIp}, to_us);
  }
  void request_from(Ipv4Address ip, MacAddress mac, Ipv4Address target, bool to_us = false) {
    cache->receive(ArpRepr{ArpOperation::request, mac, ip, MacAddress(), target}, to_us);
  }
  NeighbourState state(Ipv4Address ip = kPeerIp) const {
    const NeighbourState* s = cache->state_of(ip);
    EXPECT_NE(s, nullptr) << "no entry for " << ip;
    return s == nullptr ? NeighbourState::failed : *s;
  }
  /// Resolves kPeerIp at t=0 with one packet; returns the time it became reachable.
  Time resolve_peer() {
    cache->send(kPeerIp, packet(1));
    sim.run_until(sim.now());
    reply_from(kPeerIp, kPeerMac);
    sim.run_until(sim.now());
    EXPECT_EQ(state(), NeighbourState::reachable);
    return sim.now();
  }
  /// Resolves kPeerIp, lets it go stale and uses it: returns the time it entered delay (frames cleared).
  Time delay_peer() {
    const Time confirmed = resolve_peer();
    sim.run_until(confirmed + cache->reachable_time());
    cache->send(kPeerIp, packet(5));
    EXPECT_EQ(state(), NeighbourState::delay);
    wire.frames.clear();
    return sim.now();
  }
};

void expect_broadcast_request(const Sent& s, Ipv4Address sender, Ipv4Address target) {
  ASSERT_TRUE(s.arp);
  EXPECT_TRUE(s.eth_dst.is_broadcast());
  EXPECT_EQ(s.eth_src, kOurMac);
  EXPECT_EQ(s.arp->operation, ArpOperation::request);
  EXPECT_EQ(s.arp->sender_mac, kOurMac);
  EXPECT_EQ(s.arp->sender_ip, sender);
  EXPECT_EQ(s.arp->target_mac, MacAddress());
  EXPECT_EQ(s.arp->target_ip, target);
}

void expect_unicast_probe(const Sent& s, MacAddress to, Ipv4Address target) {
  ASSERT_TRUE(s.arp);
  EXPECT_EQ(s.eth_dst, to);
  EXPECT_EQ(s.arp->operation, ArpOperation::request);
  EXPECT_EQ(s.arp->sender_ip, kOurIp);
  EXPECT_EQ(s.arp->target_mac, MacAddress()) << "Linux leaves the target hardware address zero in probes";
  EXPECT_EQ(s.arp->target_ip, target);
}

// --- incomplete → failed ------------------------------------------------------------------------

TEST_F(ArpCacheTest, FirstSendBroadcastsARequestAtOnceAndGoesIncomplete) {
  cache->send(kPeerIp, packet(1));
  EXPECT_EQ(state(), NeighbourState::incomplete);
  sim.run_until(0);
  ASSERT_EQ(wire.frames.size(), 1u);
  EXPECT_EQ(wire.frames[0].at, 0);
  expect_broadcast_request(wire.frames[0], kOurIp, kPeerIp);
  EXPECT_TRUE(wire.ip().empty()) << "the packet waits for the answer";
}

TEST_F(ArpCacheTest, UnansweredThreeBroadcastRequestsOneSecondApartThenFailedAtThreeSeconds) {
  cache->send(kPeerIp, packet(1));
  sim.run_until(3 * kSecond - 1);
  EXPECT_EQ(state(), NeighbourState::incomplete);
  EXPECT_TRUE(owner.unreachable.empty());
  sim.run();
  const auto arps = wire.arps();
  ASSERT_EQ(arps.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(arps[i].at, i * kSecond);
    expect_broadcast_request(arps[i], kOurIp, kPeerIp);
  }
  EXPECT_EQ(state(), NeighbourState::failed);
  ASSERT_EQ(owner.unreachable.size(), 1u);
  EXPECT_EQ(owner.unreachable[0].at, 3 * kSecond);
  EXPECT_EQ(owner.unreachable[0].next_hop, kPeerIp);
  EXPECT_EQ(owner.unreachable[0].interface, "h1.eth0");
}

TEST_F(ArpCacheTest, FailureHandsEveryQueuedPacketToTheOwnerInOrder) {
  cache->send(kPeerIp, packet(1));
  sim.run_until(kSecond / 2);
  cache->send(kPeerIp, packet(2));
  cache->send(kPeerIp, packet(3));
  sim.run();
  ASSERT_EQ(owner.unreachable.size(), 3u);
  EXPECT_EQ(owner.unreachable[0].packet_id, 1u);
  EXPECT_EQ(owner.unreachable[1].packet_id, 2u);
  EXPECT_EQ(owner.unreachable[2].packet_id, 3u);
  EXPECT_EQ(wire.arps().size(), 3u) << "later packets do not restart the requests";
  EXPECT_EQ(pool.slabs_in_use(), 0u);
}

TEST_F(ArpCacheTest, FailureIsTracedAsArpFailed) {
  cache->send(kPeerIp, packet(1));
  sim.run();
  bool found = false;
  for (const auto& e : trace.events())
    if (e.kind == trace::TraceKind::arp_failed) {
      found = true;
      EXPECT_EQ(e.at, 3 * kSecond);
      EXPECT_EQ(e.interface, eth.id());
      EXPECT_NE(e.detail.find("10.0.1.20"), std::string::npos) << e.detail;
    }
  EXPECT_TRUE(found);
}

// The failure trace counts the requests actually sent (3), not the internal probe counter.
TEST_F(ArpCacheTest, FailureTraceCountsTheRequestsActuallySent) {
  cache->send(kPeerIp, packet(1));
  sim.run();
  ASSERT_EQ(wire.arps().size(), 3u);
  for (const auto& e : trace.events())
    if (e.kind == trace::TraceKind::arp_failed) {
      EXPECT_NE(e.detail.find("after 3 requests"), std::string::npos) << e.detail;
    }
}

TEST_F(ArpCacheTest, SendingToAFailedEntryStartsResolvingAgain) {
  cache->send(kPeerIp, packet(1));
  sim.run();
  ASSERT_EQ(state(), NeighbourState::failed);
  const Time t = 10 * kSecond;
  sim.run_until(t);
  cache->send(kPeerIp, packet(2));
  EXPECT_EQ(state(), NeighbourState::incomplete);
  sim.run();
  const auto arps = wire.arps();
  ASSERT_EQ(arps.size(), 6u);
  EXPECT_EQ(arps[3].at, t);
  EXPECT_EQ(arps[5].at, t + 2 * kSecond);
  for (const auto& a : arps) EXPECT_TRUE(a.eth_dst.is_broadcast());
  ASSERT_EQ(owner.unreachable.size(), 2u);
  EXPECT_EQ(owner.unreachable[1].at, t + 3 * kSecond);
}

TEST_F(ArpCacheTest, LateReplyRevivesAFailedEntry) {
  // The entry still exists when failed, so a solicited reply updates it (arp_process finds `n`).
  cache->send(kPeerIp, packet(1));
  sim.run_until(4 * kSecond);
  ASSERT_EQ(state(), NeighbourState::failed);
  reply_from(kPeerIp, kPeerMac);
  EXPECT_EQ(state(), NeighbourState::reachable);
  EXPECT_EQ(cache->entries()[0].mac, kPeerMac);
}

TEST_F(ArpCacheTest, QueueIsBoundedInBytesAndDropsTheOldest) {
  ArpConfig config;
  config.unres_qlen_bytes = 250;
  reconfigure(config);
  cache->send(kPeerIp, packet(1));
  cache->send(kPeerIp, packet(2));
  cache->send(kPeerIp, packet(3));  // 300 bytes > 250: packet 1 goes
  EXPECT_EQ(trace.drop_count(node, trace::DropReason::arp_queue_full), 1u);
  EXPECT_EQ(trace.events().back().reason, trace::DropReason::arp_queue_full);
  EXPECT_EQ(trace.events().back().packet_id, 1u);
  cache->send(kPeerIp, packet(4));  // packet 2 goes
  EXPECT_EQ(trace.drop_count(node, trace::DropReason::arp_queue_full), 2u);
  sim.run_until(0);
  reply_from(kPeerIp, kPeerMac);
  sim.run_until(0);
  const auto ip = wire.ip();
  ASSERT_EQ(ip.size(), 2u);
  EXPECT_EQ(ip[0].marker, 3);
  EXPECT_EQ(ip[1].marker, 4);
}

TEST_F(ArpCacheTest, QueueDropsAsManyOldPacketsAsNeededForALargeOne) {
  ArpConfig config;
  config.unres_qlen_bytes = 1000;
  reconfigure(config);
  for (std::uint8_t i = 1; i <= 5; ++i) cache->send(kPeerIp, packet(i, kOurIp, 100));  // 500 bytes
  cache->send(kPeerIp, packet(6, kOurIp, 800));  // 1300: drops 1, 2, 3
  EXPECT_EQ(trace.drop_count(node, trace::DropReason::arp_queue_full), 3u);
  sim.run_until(0);
  reply_from(kPeerIp, kPeerMac);
  sim.run_until(0);
  const auto ip = wire.ip();
  ASSERT_EQ(ip.size(), 3u);
  EXPECT_EQ(ip[0].marker, 4);
  EXPECT_EQ(ip[1].marker, 5);
  EXPECT_EQ(ip[2].marker, 6);
}

TEST_F(ArpCacheTest, DefaultQueueHoldsTheLinuxUnresQlenBytes) {
  EXPECT_EQ(cache->config().unres_qlen_bytes, 212992u);
  EXPECT_EQ(cache->config().mcast_probes, 3u);
  EXPECT_EQ(cache->config().ucast_probes, 3u);
  EXPECT_EQ(cache->config().retrans_time, kSecond);
  EXPECT_EQ(cache->config().base_reachable_time, 30 * kSecond);
  EXPECT_EQ(cache->config().delay_first_probe_time, 5 * kSecond);
}

// --- resolution -----------------------------------------------------------------------------------

TEST_F(ArpCacheTest, ReplyMakesTheEntryReachableAndFlushesTheQueueInOrder) {
  cache->send(kPeerIp, packet(1));
  cache->send(kPeerIp, packet(2));
  cache->send(kPeerIp, packet(3));
  sim.run_until(kSecond / 2);
  reply_from(kPeerIp, kPeerMac);
  EXPECT_EQ(state(), NeighbourState::reachable);
  sim.run_until(kSecond / 2);
  const auto ip = wire.ip();
  ASSERT_EQ(ip.size(), 3u);
  for (std::uint8_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ip[i].marker, i + 1);
    EXPECT_EQ(ip[i].eth_dst, kPeerMac) << "the destination MAC is written when the answer comes";
    EXPECT_EQ(ip[i].at, kSecond / 2);
  }
  sim.run_until(10 * kSecond);
  EXPECT_EQ(wire.arps().size(), 1u) << "no more requests once answered";
  EXPECT_TRUE(owner.unreachable.empty());
  auto entries = cache->entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].mac, kPeerMac);
  EXPECT_EQ(entries[0].interface, "eth0");
}

TEST_F(ArpCacheTest, ResolutionIsTracedAsArpResolved) {
  resolve_peer();
  bool found = false;
  for (const auto& e : trace.events())
    if (e.kind == trace::TraceKind::arp_resolved) {
      found = true;
      EXPECT_NE(e.detail.find("10.0.1.20 is at 02:00:00:00:00:20"), std::string::npos) << e.detail;
    }
  EXPECT_TRUE(found);
}

TEST_F(ArpCacheTest, LateReplyAfterTheSecondRequestStopsTheThird) {
  cache->send(kPeerIp, packet(1));
  sim.run_until(kSecond + kSecond / 2);
  reply_from(kPeerIp, kPeerMac);
  sim.run_until(20 * kSecond);
  EXPECT_EQ(wire.arps().size(), 2u);
  EXPECT_EQ(wire.ip().size(), 1u);
  EXPECT_EQ(state(), NeighbourState::reachable);
}

TEST_F(ArpCacheTest, KnownNeighbourGetsPacketsAtOnceWithoutArp) {
  resolve_peer();
  wire.frames.clear();
  cache->send(kPeerIp, packet(9));
  sim.run_until(sim.now());
  ASSERT_EQ(wire.frames.size(), 1u);
  EXPECT_FALSE(wire.frames[0].arp);
  EXPECT_EQ(wire.frames[0].eth_dst, kPeerMac);
  EXPECT_EQ(wire.frames[0].marker, 9);
}

TEST_F(ArpCacheTest, BroadcastReplyMakesAnIncompleteEntryStaleNotReachable) {
  // "Broadcast replies and request packets do not assert neighbour reachability" (arp_process).
  cache->send(kPeerIp, packet(1));
  reply_from(kPeerIp, kPeerMac, /*to_us=*/false);
  EXPECT_NE(state(), NeighbourState::reachable);
  EXPECT_NE(state(), NeighbourState::incomplete);
  sim.run_until(0);
  EXPECT_EQ(wire.ip().size(), 1u) << "a stale entry is still usable";
}

TEST_F(ArpCacheTest, RequestSourceIsTheWaitingPacketsSourceWhenItIsLocal) {
  // arp_solicit with arp_announce=0: a local source of the queued packet, even one on another interface.
  cache->send(kPeerIp, packet(1, kOtherLocalIp));
  sim.run_until(0);
  ASSERT_EQ(wire.arps().size(), 1u);
  EXPECT_EQ(wire.arps()[0].arp->sender_ip, kOtherLocalIp);
}

TEST_F(ArpCacheTest, RequestSourceForAForwardedPacketIsTheInterfaceAddress) {
  cache->send(kPeerIp, packet(1, Ipv4Address::parse("203.0.113.7")));
  sim.run_until(0);
  ASSERT_EQ(wire.arps().size(), 1u);
  EXPECT_EQ(wire.arps()[0].arp->sender_ip, kOurIp);
}

// --- reachable → stale → delay → probe ----------------------------------------------------------

TEST_F(ArpCacheTest, ReachableTimeIsDrawnBetweenFifteenAndFortyFiveSeconds) {
  std::set<Time> seen;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    core::Simulation s(seed);
    link::Context c{s, pool, trace, next_packet_id};
    ArpCache other(c, eth, owner);
    EXPECT_GE(other.reachable_time(), 15 * kSecond);
    EXPECT_LE(other.reachable_time(), 45 * kSecond);
    seen.insert(other.reachable_time());
  }
  EXPECT_GT(seen.size(), 30u) << "drawn per cache from the seed, not a constant";
}

TEST_F(ArpCacheTest, ReachableTimeIsTheSameForTheSameSeed) {
  core::Simulation s1(77), s2(77);
  link::Context c1{s1, pool, trace, next_packet_id}, c2{s2, pool, trace, next_packet_id};
  EXPECT_EQ(ArpCache(c1, eth, owner).reachable_time(), ArpCache(c2, eth, owner).reachable_time());
}

TEST_F(ArpCacheTest, ReachableBecomesStaleAfterReachableTimeWhenUnused) {
  const Time confirmed = resolve_peer();
  const Time rt = cache->reachable_time();
  sim.run_until(confirmed + rt - 1);
  EXPECT_EQ(state(), NeighbourState::reachable);
  sim.run_until(confirmed + rt);
  EXPECT_EQ(state(), NeighbourState::stale);
  sim.run_until(confirmed + 10 * rt);
  EXPECT_EQ(state(), NeighbourState::stale) << "a stale entry runs no timer and sends nothing";
  EXPECT_EQ(wire.arps().size(), 1u);
}

TEST_F(ArpCacheTest, ReplyWhileReachableExtendsReachability) {
  const Time first = resolve_peer();
  const Time rt = cache->reachable_time();
  sim.run_until(first + rt / 2);
  reply_from(kPeerIp, kPeerMac);  // e.g. an answer to a probe; confirms
  sim.run_until(first + rt);
  EXPECT_EQ(state(), NeighbourState::reachable);
  sim.run_until(first + rt / 2 + rt);
  EXPECT_EQ(state(), NeighbourState::stale);
}

TEST_F(ArpCacheTest, StaleEntryUsedGoesToDelaySendsAtOnceThenProbesByUnicastAndFails) {
  const Time confirmed = resolve_peer();
  sim.run_until(confirmed + cache->reachable_time());
  ASSERT_EQ(state(), NeighbourState::stale);
  wire.frames.clear();
  const Time t = sim.now() + 100 * kSecond;
  sim.run_until(t);
  cache->send(kPeerIp, packet(5));
  EXPECT_EQ(state(), NeighbourState::delay);
  sim.run_until(t);
  ASSERT_EQ(wire.frames.size(), 1u);
  EXPECT_EQ(wire.frames[0].eth_dst, kPeerMac) << "a stale entry is used as it is";
  sim.run_until(t + 5 * kSecond - 1);
  EXPECT_EQ(state(), NeighbourState::delay);
  EXPECT_TRUE(wire.arps().empty());
  sim.run_until(t + 5 * kSecond);
  EXPECT_EQ(state(), NeighbourState::probe);
  sim.run();
  const auto arps = wire.arps();
  ASSERT_EQ(arps.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(arps[i].at, t + (5 + i) * kSecond);
    expect_unicast_probe(arps[i], kPeerMac, kPeerIp);
  }
  EXPECT_EQ(state(), NeighbourState::failed);
  EXPECT_EQ(cache->entries()[0].mac, MacAddress()) << "a failed entry forgets the MAC";
  EXPECT_TRUE(owner.unreachable.empty()) << "nothing was waiting: packets in delay/probe were sent";
}

TEST_F(ArpCacheTest, PacketsSentWhileProbingStillGoToTheKnownMac) {
  const Time confirmed = resolve_peer();
  sim.run_until(confirmed + cache->reachable_time());
  cache->send(kPeerIp, packet(5));
  sim.run_until(sim.now() + 5 * kSecond + kSecond / 2);
  ASSERT_EQ(state(), NeighbourState::probe);
  wire.frames.clear();
  cache->send(kPeerIp, packet(6));
  sim.run_until(sim.now());
  ASSERT_EQ(wire.ip().size(), 1u);
  EXPECT_EQ(wire.ip()[0].eth_dst, kPeerMac);
}

TEST_F(ArpCacheTest, DelayConfirmedByAReplyBecomesReachableWithoutProbing) {
  const Time confirmed = resolve_peer();
  sim.run_until(confirmed + cache->reachable_time());
  cache->send(kPeerIp, packet(5));
  ASSERT_EQ(state(), NeighbourState::delay);
  wire.frames.clear();
  sim.run_until(sim.now() + 2 * kSecond);
  reply_from(kPeerIp, kPeerMac);
  EXPECT_EQ(state(), NeighbourState::reachable);
  sim.run_until(sim.now() + 10 * kSecond);
  EXPECT_TRUE(wire.arps().empty());
  EXPECT_EQ(state(), NeighbourState::reachable);
}

// dst_confirm: a packet marked confirm_neighbour (a TCP socket's progress, MSG_CONFIRM) stamps the
// entry when sent, so the delay timer finds it confirmed and returns to reachable without probing.
TEST_F(ArpCacheTest, DelayConfirmedByAMarkedPacketBecomesReachableWithoutProbing) {
  sim.run_until(delay_peer() + 2 * kSecond);
  wire::Frame marked = packet(6);
  marked.meta().confirm_neighbour = true;
  cache->send(kPeerIp, std::move(marked));
  EXPECT_EQ(state(), NeighbourState::delay) << "confirmation changes no state by itself (neigh_confirm)";
  sim.run_until(sim.now() + 3 * kSecond);
  EXPECT_EQ(state(), NeighbourState::reachable);
  sim.run_until(sim.now() + 10 * kSecond);
  EXPECT_TRUE(wire.arps().empty());
}

// Unmarked packets do not confirm: the same sequence without the mark probes at 5 s.
TEST_F(ArpCacheTest, UnmarkedPacketsInDelayDoNotConfirm) {
  const Time delay_start = delay_peer();
  sim.run_until(delay_start + 2 * kSecond);
  cache->send(kPeerIp, packet(6));
  sim.run_until(delay_start + 5 * kSecond);
  EXPECT_EQ(state(), NeighbourState::probe);
  ASSERT_EQ(wire.arps().size(), 1u);
  EXPECT_EQ(wire.arps()[0].at, delay_start + 5 * kSecond);
}

TEST_F(ArpCacheTest, ProbeAnsweredBecomesReachable) {
  const Time confirmed = resolve_peer();
  sim.run_until(confirmed + cache->reachable_time());
  cache->send(kPeerIp, packet(5));
  sim.run_until(sim.now() + 5 * kSecond);
  ASSERT_EQ(state(), NeighbourState::probe);
  reply_from(kPeerIp, kPeerMac);
  EXPECT_EQ(state(), NeighbourState::reachable);
  sim.run_until(sim.now() + 3 * kSecond);
  EXPECT_EQ(wire.arps().size(), 2u) << "the initial request and the one probe before the answer";
}

TEST_F(ArpCacheTest, ReachableEntryUsedJustBeforeExpiryGoesToDelayNotStale) {
  // neigh_timer_handler: reachable_time passed but used within delay_first_probe_time → delay.
  const Time confirmed = resolve_peer();
  const Time rt = cache->reachable_time();
  sim.run_until(confirmed + rt - kSecond);
  cache->send(kPeerIp, packet(7));
  sim.run_until(confirmed + rt);
  EXPECT_EQ(state(), NeighbourState::delay);
  wire.frames.clear();
  sim.run_until(confirmed + rt + 5 * kSecond);
  EXPECT_EQ(state(), NeighbourState::probe);
  ASSERT_EQ(wire.arps().size(), 1u);
  expect_unicast_probe(wire.arps()[0], kPeerMac, kPeerIp);
}

// --- answering and learning -----------------------------------------------------------------------

TEST_F(ArpCacheTest, RequestForUsIsAnsweredWithACorrectReply) {
  const Ipv4Address requester = Ipv4Address::parse("10.0.1.30");
  const MacAddress requester_mac = MacAddress::parse("02:00:00:00:00:30");
  request_from(requester, requester_mac, kOurIp);
  sim.run_until(0);
  ASSERT_EQ(wire.frames.size(), 1u);
  const Sent& r = wire.frames[0];
  ASSERT_TRUE(r.arp);
  EXPECT_EQ(r.eth_dst, requester_mac) << "the reply is unicast to the requester";
  EXPECT_EQ(r.eth_src, kOurMac);
  EXPECT_EQ(r.arp->operation, ArpOperation::reply);
  EXPECT_EQ(r.arp->sender_mac, kOurMac);
  EXPECT_EQ(r.arp->sender_ip, kOurIp);
  EXPECT_EQ(r.arp->target_mac, requester_mac);
  EXPECT_EQ(r.arp->target_ip, requester);
  EXPECT_NE(r.packet_id, 0u) << "an originated frame gets a packet id";
}

TEST_F(ArpCacheTest, RequestForUsTeachesUsTheRequesterAsStale) {
  const Ipv4Address requester = Ipv4Address::parse("10.0.1.30");
  const MacAddress requester_mac = MacAddress::parse("02:00:00:00:00:30");
  request_from(requester, requester_mac, kOurIp);
  EXPECT_EQ(state(requester), NeighbourState::stale);
  ASSERT_EQ(cache->entries().size(), 1u);
  EXPECT_EQ(cache->entries()[0].mac, requester_mac);
  // Using it goes through delay, not a new request.
  sim.run_until(0);
  wire.frames.clear();
  cache->send(requester, packet(1));
  EXPECT_EQ(state(requester), NeighbourState::delay);
  sim.run_until(0);
  ASSERT_EQ(wire.frames.size(), 1u);
  EXPECT_EQ(wire.frames[0].eth_dst, requester_mac);
}

TEST_F(ArpCacheTest, RequestForUsWhileIncompleteResolvesAndFlushes) {
  cache->send(kPeerIp, packet(1));
  sim.run_until(0);
  request_from(kPeerIp, kPeerMac, kOurIp);  // the peer asks for us first, crossing our request
  sim.run_until(0);
  EXPECT_EQ(state(), NeighbourState::delay) << "learnt stale, then the flushed packet moved it to delay";
  const auto ip = wire.ip();
  ASSERT_EQ(ip.size(), 1u);
  EXPECT_EQ(ip[0].eth_dst, kPeerMac);
}

TEST_F(ArpCacheTest, RequestWithTheSameMacDoesNotDemoteAReachableEntry) {
  resolve_peer();
  request_from(kPeerIp, kPeerMac, kOurIp);
  EXPECT_EQ(state(), NeighbourState::reachable);
  request_from(kPeerIp, kPeerMac, Ipv4Address::parse("10.0.1.99"));
  EXPECT_EQ(state(), NeighbourState::reachable);
}

TEST_F(ArpCacheTest, UnsolicitedReplyCreatesNoEntry) {
  // arp_accept=0.
  reply_from(kPeerIp, kPeerMac, /*to_us=*/true);
  reply_from(Ipv4Address::parse("10.0.1.40"), kPeerMac2, /*to_us=*/false);
  EXPECT_EQ(cache->size(), 0u);
  EXPECT_EQ(cache->state_of(kPeerIp), nullptr);
  sim.run_until(0);
  EXPECT_TRUE(wire.frames.empty());
}

TEST_F(ArpCacheTest, RequestForSomeoneElseIsNotAnsweredAndTeachesNothing) {
  request_from(Ipv4Address::parse("10.0.1.30"), MacAddress::parse("02:00:00:00:00:30"),
               Ipv4Address::parse("10.0.1.99"));
  sim.run_until(0);
  EXPECT_TRUE(wire.frames.empty());
  EXPECT_EQ(cache->size(), 0u);
}

TEST_F(ArpCacheTest, RequestForSomeoneElseRefreshesAnEntryWeHave) {
  resolve_peer();
  sim.run_until(sim.now() + 2 * kSecond);
  request_from(kPeerIp, kPeerMac2, Ipv4Address::parse("10.0.1.99"));
  EXPECT_EQ(state(), NeighbourState::stale);
  EXPECT_EQ(cache->entries()[0].mac, kPeerMac2);
}

TEST_F(ArpCacheTest, ReplyWithANewMacUpdatesTheEntry) {
  resolve_peer();
  sim.run_until(sim.now() + 2 * kSecond);  // beyond Linux's 1 s locktime
  reply_from(kPeerIp, kPeerMac2);
  EXPECT_EQ(state(), NeighbourState::reachable);
  EXPECT_EQ(cache->entries()[0].mac, kPeerMac2);
  wire.frames.clear();
  cache->send(kPeerIp, packet(3));
  sim.run_until(sim.now());
  ASSERT_EQ(wire.frames.size(), 1u);
  EXPECT_EQ(wire.frames[0].eth_dst, kPeerMac2);
}

TEST_F(ArpCacheTest, BroadcastReplyWithANewMacUpdatesTheEntryAsStale) {
  resolve_peer();
  sim.run_until(sim.now() + 2 * kSecond);
  reply_from(kPeerIp, kPeerMac2, /*to_us=*/false);
  EXPECT_EQ(state(), NeighbourState::stale);
  EXPECT_EQ(cache->entries()[0].mac, kPeerMac2);
}

TEST_F(ArpCacheTest, WeakHostAnswersForAnAddressOfAnotherInterface) {
  request_from(kPeerIp, kPeerMac, kOtherLocalIp);
  sim.run_until(0);
  ASSERT_EQ(wire.frames.size(), 1u);
  ASSERT_TRUE(wire.frames[0].arp);
  EXPECT_EQ(wire.frames[0].arp->operation, ArpOperation::reply);
  EXPECT_EQ(wire.frames[0].arp->sender_ip, kOtherLocalIp);
  EXPECT_EQ(wire.frames[0].arp->sender_mac, kOurMac) << "the MAC of the interface the request came in on";
}

TEST_F(ArpCacheTest, IgnoresRequestsForMulticastAndLoopbackTargets) {
  owner.local.insert(Ipv4Address::parse("127.0.0.1").to_u32());
  request_from(kPeerIp, kPeerMac, Ipv4Address::parse("127.0.0.1"));
  request_from(kPeerIp, kPeerMac, Ipv4Address::parse("224.0.0.1"));
  sim.run_until(0);
  EXPECT_TRUE(wire.frames.empty());
  EXPECT_EQ(cache->size(), 0u);
}

// A duplicate-address probe (sender 0.0.0.0, RFC 5227) for one of our addresses is answered and teaches
// nothing (arp_process's sip == 0 case).
TEST_F(ArpCacheTest, DuplicateAddressProbeForOurAddressIsAnswered) {
  const MacAddress prober = MacAddress::parse("02:00:00:00:00:99");
  request_from(Ipv4Address(), prober, kOurIp);
  sim.run_until(0);
  ASSERT_EQ(wire.frames.size(), 1u);
  ASSERT_TRUE(wire.frames[0].arp);
  EXPECT_EQ(wire.frames[0].eth_dst, prober);
  EXPECT_EQ(wire.frames[0].arp->operation, ArpOperation::reply);
  EXPECT_EQ(wire.frames[0].arp->sender_ip, kOurIp);
  EXPECT_EQ(wire.frames[0].arp->target_ip, Ipv4Address());
  EXPECT_EQ(wire.frames[0].arp->target_mac, prober);
  EXPECT_EQ(cache->size(), 0u) << "a probe teaches nothing";
}

TEST_F(ArpCacheTest, DuplicateAddressProbeCreatesNoEntry) {
  request_from(Ipv4Address(), MacAddress::parse("02:00:00:00:00:99"), kOurIp);
  EXPECT_EQ(cache->size(), 0u);
}

// --- inspection -------------------------------------------------------------------------------------

TEST_F(ArpCacheTest, EntriesAreSortedByAddress) {
  for (const char* ip : {"10.0.1.30", "10.0.1.5", "10.0.1.200"})
    request_from(Ipv4Address::parse(ip), kPeerMac, kOurIp);
  const auto entries = cache->entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].ip, Ipv4Address::parse("10.0.1.5"));
  EXPECT_EQ(entries[1].ip, Ipv4Address::parse("10.0.1.30"));
  EXPECT_EQ(entries[2].ip, Ipv4Address::parse("10.0.1.200"));
}

TEST_F(ArpCacheTest, StateNamesPrintLikeIpNeigh) {
  EXPECT_EQ(to_string(NeighbourState::incomplete), "incomplete");
  EXPECT_EQ(to_string(NeighbourState::reachable), "reachable");
  EXPECT_EQ(to_string(NeighbourState::stale), "stale");
  EXPECT_EQ(to_string(NeighbourState::delay), "delay");
  EXPECT_EQ(to_string(NeighbourState::probe), "probe");
  EXPECT_EQ(to_string(NeighbourState::failed), "failed");
}

TEST_F(ArpCacheTest, UnknownAddressHasNoState) { EXPECT_EQ(cache->state_of(kPeerIp), nullptr); }

}  // namespace
}  // namespace vpcsim::stack
