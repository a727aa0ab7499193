// Network: names (unique, valid), endpoint resolution and its error messages, switch ports made on
// connect, deterministic unique MACs, and independence of two Networks in one process.
#include "libnet/node/network.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/ping.h"

namespace vpcsim::node {
namespace {

using wire::Ipv4Address;
using wire::MacAddress;

std::string config_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return {};
}

// --- names ----------------------------------------------------------------------------------------------

TEST(Network, DuplicateNodeNameIsAConfigErrorNamingTheKind) {
  Network net;
  net.add_host("x");
  const std::string what = config_error([&] { net.add_router("x"); });
  EXPECT_NE(what.find("a host named 'x' already exists"), std::string::npos) << what;
  EXPECT_THROW(net.add_host("x"), core::ConfigError);
  EXPECT_THROW(net.add_switch("x"), core::ConfigError);
  EXPECT_EQ(net.nodes().size(), 1u);
}

TEST(Network, NodeNamesMustBeNonEmptyWithoutDotsSlashesOrSpaces) {
  Network net;
  for (const char* bad : {"", "r1.eth0", "a b", "a/b", "a\\b"}) {
    EXPECT_THROW(net.add_host(bad), core::ConfigError) << bad;
  }
  EXPECT_TRUE(net.nodes().empty());
  EXPECT_NO_THROW(net.add_host("web-1_a"));
}

TEST(Network, InterfaceNamesMustBeValidAndUniqueWithinANode) {
  Network net;
  auto& h = net.add_host("h1");
  h.add_interface("eth0");
  EXPECT_THROW(h.add_interface("eth0"), core::ConfigError);
  EXPECT_THROW(h.add_interface(""), core::ConfigError);
  EXPECT_THROW(h.add_interface("eth0.1"), core::ConfigError);
  EXPECT_THROW(h.add_interface("eth 1"), core::ConfigError);
  auto& other = net.add_host("h2");
  EXPECT_NO_THROW(other.add_interface("eth0")) << "names are per node";
}

TEST(Network, KindsPrint) {
  EXPECT_EQ(to_string(NodeKind::host), "host");
  EXPECT_EQ(to_string(NodeKind::router), "router");
  EXPECT_EQ(to_string(NodeKind::switch_), "switch");
  Network net;
  EXPECT_EQ(net.add_host("h").kind(), NodeKind::host);
  EXPECT_EQ(net.add_router("r").kind(), NodeKind::router);
  EXPECT_EQ(net.add_switch("s").kind(), NodeKind::switch_);
}

// --- lookup and endpoints ----------------------------------------------------------------------------

TEST(Network, FindsNodesAndInterfacesByName) {
  Network net;
  auto& h1 = net.add_host("h1");
  auto& eth0 = h1.add_interface("eth0", "10.0.0.1/24");
  EXPECT_EQ(&net.node("h1"), &h1);
  EXPECT_EQ(net.find_node("h1"), &h1);
  EXPECT_EQ(net.find_node("h9"), nullptr);
  EXPECT_EQ(&net.interface("h1.eth0"), &eth0);
  EXPECT_EQ(eth0.full_name(), "h1.eth0");
}

TEST(Network, UnknownInterfaceErrorNamesItAndListsTheNodesInterfaces) {
  Network net;
  auto& h1 = net.add_host("h1");
  h1.add_interface("eth0");
  h1.add_interface("eth1");
  auto& h2 = net.add_host("h2");
  h2.add_interface("eth0");
  const std::string what = config_error([&] { net.connect("h1.eth7", "h2.eth0"); });
  EXPECT_NE(what.find("h1"), std::string::npos) << what;
  EXPECT_NE(what.find("no interface 'eth7' (it has eth0, eth1)"), std::string::npos) << what;
  EXPECT_TRUE(net.links().empty());
}

TEST(Network, InterfaceErrorSaysWhenTheNodeHasNone) {
  Network net;
  net.add_host("h1");
  const std::string what = config_error([&] { net.interface("h1.eth0"); });
  EXPECT_NE(what.find("(it has none)"), std::string::npos) << what;
}

TEST(Network, UnknownNodeErrorNamesIt) {
  Network net;
  net.add_host("h1").add_interface("eth0");
  const std::string what = config_error([&] { net.connect("h1.eth0", "nope.eth0"); });
  EXPECT_NE(what.find("no node named 'nope'"), std::string::npos) << what;
  const std::string bare = config_error([&] { net.connect("h1.eth0", "nope"); });
  EXPECT_NE(bare.find("no node named 'nope'"), std::string::npos) << bare;
}

// A typo in a node name gets the list of the nodes that exist, as an unknown interface lists the node's.
TEST(Network, UnknownNodeErrorListsTheNodesThatExist) {
  Network net;
  net.add_host("h1").add_interface("eth0");
  net.add_router("r1");
  net.add_switch("sw1");
  const std::string what = config_error([&] { net.connect("h1.eth0", "nope.eth0"); });
  EXPECT_NE(what.find("h1"), std::string::npos) << what;
  EXPECT_NE(what.find("r1"), std::string::npos) << what;
  EXPECT_NE(what.find("sw1"), std::string::npos) << what;
}

TEST(Network, BareNameOfANonSwitchIsRejectedWithAHint) {
  Network net;
  net.add_host("h1").add_interface("eth0");
  net.add_host("h2").add_interface("eth0");
  const std::string what = config_error([&] { net.connect("h1", "h2.eth0"); });
  EXPECT_NE(what.find("'h1' is a host: name one of its interfaces ('h1.eth0')"), std::string::npos) << what;
  const std::string no_dot = config_error([&] { net.interface("h1"); });
  EXPECT_NE(no_dot.find("expected 'node.interface'"), std::string::npos) << no_dot;
}

TEST(Network, ConnectingASwitchByNameMakesANewPortEachTime) {
  Network net;
  auto& sw = net.add_switch("sw1");
  net.add_host("h1").add_interface("eth0");
  net.add_host("h2").add_interface("eth0");
  auto& first = net.connect("h1.eth0", "sw1");
  auto& second = net.connect("sw1", "h2.eth0");
  ASSERT_EQ(sw.interfaces().size(), 2u);
  EXPECT_EQ(sw.interfaces()[0]->name(), "p1");
  EXPECT_EQ(sw.interfaces()[1]->name(), "p2");
  EXPECT_EQ(&first.end(1), sw.interfaces()[0].get());
  EXPECT_EQ(&second.end(0), sw.interfaces()[1].get());
  EXPECT_EQ(net.links().size(), 2u);
  EXPECT_EQ(&net.interface("sw1.p2"), sw.interfaces()[1].get()) << "ports are ordinary endpoints too";
}

TEST(Network, TwoSwitchesConnectedByName) {
  Network net;
  auto& a = net.add_switch("a");
  auto& b = net.add_switch("b");
  net.connect("a", "b");
  EXPECT_EQ(a.interfaces().size(), 1u);
  EXPECT_EQ(b.interfaces().size(), 1u);
  EXPECT_TRUE(a.interfaces()[0]->is_connected());
}

TEST(Network, LinkingAnInterfaceTwiceFails) {
  Network net;
  net.add_host("h1").add_interface("eth0");
  net.add_host("h2").add_interface("eth0");
  net.add_host("h3").add_interface("eth0");
  net.connect("h1.eth0", "h2.eth0");
  const std::string what = config_error([&] { net.connect("h3.eth0", "h1.eth0"); });
  EXPECT_NE(what.find("h1.eth0 is already linked"), std::string::npos) << what;
  EXPECT_EQ(net.links().size(), 1u);
}

// A connect that fails (an unknown or already-linked end) changes nothing: no switch port is left behind.
TEST(Network, FailedConnectLeavesNoPortBehind) {
  Network net;
  auto& sw = net.add_switch("sw1");
  net.add_host("h1").add_interface("eth0");
  EXPECT_THROW(net.connect("sw1", "nope.eth0"), core::ConfigError);
  EXPECT_TRUE(sw.interfaces().empty());
  net.add_host("h2").add_interface("eth0");
  net.connect("h1.eth0", "h2.eth0");
  EXPECT_THROW(net.connect("sw1", "h1.eth0"), core::ConfigError);
  EXPECT_TRUE(sw.interfaces().empty());
}

// --- MACs -------------------------------------------------------------------------------------------------

std::vector<MacAddress> macs_of(std::uint64_t seed, int hosts) {
  Network net(seed);
  std::vector<MacAddress> macs;
  for (int i = 0; i < hosts; ++i) macs.push_back(net.add_host("h" + std::to_string(i)).add_interface("eth0").mac());
  return macs;
}

TEST(Network, MacsAreDeterministicPerSeed) {
  EXPECT_EQ(macs_of(7, 20), macs_of(7, 20));
  EXPECT_NE(macs_of(7, 20), macs_of(8, 20));
}

TEST(Network, MacsAreUniqueLocallyAdministeredUnicast) {
  const auto macs = macs_of(1, 2000);
  std::set<MacAddress> unique(macs.begin(), macs.end());
  EXPECT_EQ(unique.size(), macs.size());
  for (const auto& m : macs) {
    EXPECT_TRUE(m.is_unicast()) << m;
    EXPECT_TRUE(m.is_locally_administered()) << m;
    EXPECT_FALSE(m.is_zero());
  }
}

TEST(Network, MacsDoNotDependOnOtherRandomness) {
  // A ping (which draws an echo id and IP ids from the simulation RNG) between two MAC allocations
  // must not shift the MACs that follow: they come from their own stream.
  auto build = [](bool with_traffic) {
    Network net(3);
    auto& h1 = net.add_host("h1");
    h1.add_interface("eth0", "10.0.0.1/24");
    if (with_traffic) {
      h1.add_application<Ping>({Ipv4Address::parse("10.0.0.1"), 1, core::kSecond, 0, 56, 64});
      net.run();
    }
    return net.add_host("h2").add_interface("eth0").mac();
  };
  EXPECT_EQ(build(false), build(true));
}

TEST(Network, UserGivenMacIsUsedAndMustBeUnique) {
  Network net;
  const MacAddress mac = MacAddress::parse("02:aa:00:00:00:01");
  auto& eth0 = net.add_host("h1").add_interface("eth0", std::nullopt, mac);
  EXPECT_EQ(eth0.mac(), mac);
  const std::string what = config_error([&] { net.add_host("h2").add_interface("eth0", std::nullopt, mac); });
  EXPECT_NE(what.find("already used"), std::string::npos) << what;
}

TEST(Network, UserGivenMacThatCollidesWithAnAllocatedOneIsRejected) {
  Network net;
  const MacAddress allocated = net.add_host("h1").add_interface("eth0").mac();
  EXPECT_THROW(net.add_host("h2").add_interface("eth0", std::nullopt, allocated), core::ConfigError);
}

TEST(Network, UserGivenMacMustBeUnicastAndNonZero) {
  Network net;
  auto& h = net.add_host("h1");
  EXPECT_THROW(h.add_interface("eth0", std::nullopt, MacAddress::parse("01:00:5e:00:00:01")), core::ConfigError);
  EXPECT_THROW(h.add_interface("eth1", std::nullopt, MacAddress()), core::ConfigError);
  EXPECT_THROW(h.add_interface("eth2", std::nullopt, MacAddress::broadcast()), core::ConfigError);
}

// --- independence -------------------------------------------------------------------------------------

TEST(Network, TwoNetworksAreIndependent) {
  Network a(1), b(1);
  for (Network* net : {&a, &b}) {
    auto& h1 = net->add_host("h1");
    auto& h2 = net->add_host("h2");
    h1.add_interface("eth0", "10.0.0.1/24");
    h2.add_interface("eth0", "10.0.0.2/24");
    net->connect("h1.eth0", "h2.eth0");
  }
  auto& ping = static_cast<Host&>(a.node("h1")).add_application<Ping>({Ipv4Address::parse("10.0.0.2"), 3, core::kSecond, 0, 56, 64});
  a.run();
  EXPECT_EQ(ping.received(), 3u);
  EXPECT_GT(a.now(), 0);
  EXPECT_EQ(b.now(), 0) << "running one network does not move the other's clock";
  EXPECT_TRUE(b.trace().events().empty());
  EXPECT_EQ(b.pool().slabs_created(), 0u);
  EXPECT_EQ(b.simulation().pending_events(), 0u);
  // Same seed, same construction: the same MACs in both.
  EXPECT_EQ(a.interface("h1.eth0").mac(), b.interface("h1.eth0").mac());
  // And b behaves exactly as a did.
  auto& ping_b = static_cast<Host&>(b.node("h1")).add_application<Ping>({Ipv4Address::parse("10.0.0.2"), 3, core::kSecond, 0, 56, 64});
  b.run();
  EXPECT_EQ(ping_b.received(), 3u);
  EXPECT_EQ(b.now(), a.now());
  ASSERT_EQ(ping_b.replies().size(), ping.replies().size());
  for (std::size_t i = 0; i < ping.replies().size(); ++i) EXPECT_EQ(ping_b.replies()[i].rtt, ping.replies()[i].rtt);
}

TEST(Network, RunForAndRunUntilMoveTheClock) {
  Network net;
  EXPECT_EQ(net.seed(), 1u);
  net.run_until(5 * core::kSecond);
  EXPECT_EQ(net.now(), 5 * core::kSecond);
  net.run_for(core::kSecond);
  EXPECT_EQ(net.now(), 6 * core::kSecond);
}

TEST(Network, DestroyingANetworkWithFramesInFlightIsSafe) {
  auto net = std::make_unique<Network>(1);
  auto& sw = net->add_switch("sw");
  for (int i = 0; i < 4; ++i) {
    auto& h = net->add_host("h" + std::to_string(i));
    h.add_interface("eth0", "10.0.0." + std::to_string(i + 1) + "/24");
    net->connect("h" + std::to_string(i) + ".eth0", "sw");
  }
  auto& h0 = static_cast<Host&>(net->node("h0"));
  for (int i = 1; i < 4; ++i)
    h0.add_application<Ping>({Ipv4Address::parse("10.0.0." + std::to_string(i + 1)), 5, core::kSecond, 0, 56, 64});
  net->run_until(2 * core::kSecond + 5 * core::kMicrosecond);  // mid-flight
  EXPECT_GT(net->simulation().pending_events(), 0u);
  net.reset();
  SUCCEED();
  (void)sw;
}

}  // namespace
}  // namespace vpcsim::node
