// Interface: address validation (unspecified, multicast, network and broadcast addresses, duplicates),
// the MTU range, source address selection, names and counters.
#include "libnet/link/interface.h"

#include <gtest/gtest.h>

#include <string>

#include "libnet/core/error.h"
#include "libnet/core/simulation.h"
#include "libnet/trace/trace_log.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::link {
namespace {

using wire::Ipv4Address;
using wire::Ipv4InterfaceAddress;

class NullReceiver final : public FrameReceiver {
 public:
  void receive_frame(Interface&, wire::Frame) override {}
};

class InterfaceTest : public ::testing::Test {
 protected:
  core::Simulation sim{1};
  wire::FramePool pool;
  trace::TraceLog trace;
  std::uint64_t next_packet_id = 0;
  Context context{sim, pool, trace, next_packet_id};
  NullReceiver receiver;
  std::uint32_t node = trace.register_node("r1");
  Interface eth{context, receiver, trace.register_interface(node, "eth0"), node, "eth0",
                wire::MacAddress::parse("02:00:00:00:00:01")};

  /// Adds an address expecting a ConfigError; returns its message.
  std::string rejected(std::string_view address) {
    try {
      eth.add_address(Ipv4InterfaceAddress::parse(address));
    } catch (const core::ConfigError& e) {
      EXPECT_EQ(e.object(), "r1.eth0");
      EXPECT_EQ(e.field(), "ip");
      return e.what();
    }
    ADD_FAILURE() << address << " was accepted";
    return {};
  }
};

TEST_F(InterfaceTest, NamesAndIdentity) {
  EXPECT_EQ(eth.name(), "eth0");
  EXPECT_EQ(eth.full_name(), "r1.eth0");
  EXPECT_EQ(eth.node_id(), node);
  EXPECT_EQ(eth.mac(), wire::MacAddress::parse("02:00:00:00:00:01"));
  EXPECT_EQ(&eth.owner(), &receiver);
  EXPECT_FALSE(eth.is_connected());
  EXPECT_EQ(eth.link(), nullptr);
  EXPECT_EQ(eth.mtu(), 1500u);
}

TEST_F(InterfaceTest, AcceptsAHostAddressOfASlash24) {
  eth.add_address(Ipv4InterfaceAddress::parse("10.0.1.1/24"));
  ASSERT_EQ(eth.addresses().size(), 1u);
  EXPECT_TRUE(eth.has_address(Ipv4Address::parse("10.0.1.1")));
  EXPECT_FALSE(eth.has_address(Ipv4Address::parse("10.0.1.2")));
  EXPECT_EQ(eth.primary_address(), Ipv4Address::parse("10.0.1.1"));
}

TEST_F(InterfaceTest, RejectsTheNetworkAddressOfASlash24) {
  const std::string what = rejected("10.0.1.0/24");
  EXPECT_NE(what.find("network address of 10.0.1.0/24"), std::string::npos) << what;
  EXPECT_TRUE(eth.addresses().empty());
}

TEST_F(InterfaceTest, RejectsTheBroadcastAddressOfASlash24) {
  const std::string what = rejected("10.0.1.255/24");
  EXPECT_NE(what.find("broadcast address of 10.0.1.0/24"), std::string::npos) << what;
}

TEST_F(InterfaceTest, RejectsNetworkAndBroadcastOfOtherLengths) {
  rejected("172.16.0.0/12");
  rejected("172.31.255.255/12");
  rejected("192.168.1.4/30");
  rejected("192.168.1.7/30");
  EXPECT_NO_THROW(eth.add_address(Ipv4InterfaceAddress::parse("192.168.1.5/30")));
}

TEST_F(InterfaceTest, ASlash31HasNoNetworkOrBroadcastAddress) {
  // RFC 3021 point-to-point links: both addresses are hosts.
  EXPECT_NO_THROW(eth.add_address(Ipv4InterfaceAddress::parse("10.0.0.0/31")));
  EXPECT_NO_THROW(eth.add_address(Ipv4InterfaceAddress::parse("10.0.0.3/31")));
  EXPECT_NO_THROW(eth.add_address(Ipv4InterfaceAddress::parse("10.0.0.9/32")));
  EXPECT_EQ(eth.addresses().size(), 3u);
}

TEST_F(InterfaceTest, RejectsADuplicateAddressEvenWithAnotherPrefixLength) {
  eth.add_address(Ipv4InterfaceAddress::parse("10.0.1.1/24"));
  const std::string what = rejected("10.0.1.1/16");
  EXPECT_NE(what.find("already assigned"), std::string::npos) << what;
  EXPECT_EQ(eth.addresses().size(), 1u);
}

TEST_F(InterfaceTest, RejectsUnspecifiedMulticastAndLimitedBroadcast) {
  rejected("0.0.0.0/8");
  rejected("224.0.0.5/24");
  rejected("255.255.255.255/32");
  EXPECT_TRUE(eth.addresses().empty());
}

TEST_F(InterfaceTest, MtuRangeIsSixtyEightToNineThousandAndOne) {
  eth.set_mtu(68);
  EXPECT_EQ(eth.mtu(), 68u);
  eth.set_mtu(9001);
  EXPECT_EQ(eth.mtu(), 9001u);
  try {
    eth.set_mtu(67);
    FAIL() << "67 accepted";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), "r1.eth0");
    EXPECT_EQ(e.field(), "mtu");
    EXPECT_NE(std::string(e.what()).find("67"), std::string::npos);
  }
  EXPECT_THROW(eth.set_mtu(9002), core::ConfigError);
  EXPECT_THROW(eth.set_mtu(0), core::ConfigError);
  EXPECT_EQ(eth.mtu(), 9001u) << "a rejected MTU changes nothing";
}

TEST_F(InterfaceTest, SourceAddressIsTheOneWhoseSubnetContainsTheDestination) {
  eth.add_address(Ipv4InterfaceAddress::parse("10.0.1.1/24"));
  eth.add_address(Ipv4InterfaceAddress::parse("192.168.7.1/24"));
  EXPECT_EQ(eth.source_address_for(Ipv4Address::parse("192.168.7.200")), Ipv4Address::parse("192.168.7.1"));
  EXPECT_EQ(eth.source_address_for(Ipv4Address::parse("10.0.1.9")), Ipv4Address::parse("10.0.1.1"));
}

TEST_F(InterfaceTest, SourceAddressFallsBackToThePrimary) {
  eth.add_address(Ipv4InterfaceAddress::parse("10.0.1.1/24"));
  eth.add_address(Ipv4InterfaceAddress::parse("192.168.7.1/24"));
  EXPECT_EQ(eth.source_address_for(Ipv4Address::parse("8.8.8.8")), Ipv4Address::parse("10.0.1.1"));
}

TEST_F(InterfaceTest, NoAddressMeansUnspecified) {
  EXPECT_EQ(eth.primary_address(), Ipv4Address());
  EXPECT_EQ(eth.source_address_for(Ipv4Address::parse("10.0.1.9")), Ipv4Address());
}

TEST_F(InterfaceTest, MacCanBeChanged) {
  eth.set_mac(wire::MacAddress::parse("02:aa:bb:cc:dd:ee"));
  EXPECT_EQ(eth.mac().to_string(), "02:aa:bb:cc:dd:ee");
}

TEST_F(InterfaceTest, CountersStartAtZero) {
  const InterfaceCounters& c = eth.counters();
  EXPECT_EQ(c.rx_packets + c.rx_bytes + c.tx_packets + c.tx_bytes + c.tx_dropped, 0u);
}

}  // namespace
}  // namespace vpcsim::link
