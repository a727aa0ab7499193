#include "libnet/stack/routing_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/core/rng.h"

namespace vpcsim::stack {
namespace {

using wire::Ipv4Address;
using wire::Ipv4Prefix;

Route via(const char* prefix, const char* gateway) {
  return Route{Ipv4Prefix::parse(prefix), RouteType::unicast, Ipv4Address::parse(gateway), 0, "eth0",
               RouteOrigin::static_route, {}};
}

TEST(RoutingTable, LongestPrefixWins) {
  RoutingTable t;
  t.add(via("0.0.0.0/0", "10.0.0.1"), "r1");
  t.add(via("10.1.0.0/16", "10.0.0.2"), "r1");
  t.add(via("10.1.2.0/24", "10.0.0.3"), "r1");
  t.add(via("10.1.2.128/25", "10.0.0.4"), "r1");
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.1.2.200"))->gateway, Ipv4Address::parse("10.0.0.4"));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.1.2.100"))->gateway, Ipv4Address::parse("10.0.0.3"));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.1.9.9"))->gateway, Ipv4Address::parse("10.0.0.2"));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("192.0.2.1"))->gateway, Ipv4Address::parse("10.0.0.1"));
}

TEST(RoutingTable, NoMatchWithoutDefault) {
  RoutingTable t;
  t.add(via("10.1.0.0/16", "10.0.0.2"), "r1");
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.2.0.1")), nullptr);
  EXPECT_EQ(RoutingTable().lookup(Ipv4Address::parse("10.2.0.1")), nullptr);
}

TEST(RoutingTable, HostRoutesAndRemoval) {
  RoutingTable t;
  t.add(via("10.0.0.0/8", "10.0.0.2"), "r1");
  t.add(via("10.9.9.9/32", "10.0.0.3"), "r1");
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.9.9.9"))->destination.length(), 32);
  EXPECT_TRUE(t.remove(Ipv4Prefix::parse("10.9.9.9/32")));
  EXPECT_FALSE(t.remove(Ipv4Prefix::parse("10.9.9.9/32")));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.9.9.9"))->destination.length(), 8);
  EXPECT_EQ(t.size(), 1u);
}

// Removal moves the last route into the gap: the moved route, and others of the removed one's
// length, must still be found; the length is forgotten only with its last route.
TEST(RoutingTable, RemovingFromTheMiddleKeepsEveryOtherRouteFindable) {
  RoutingTable t;
  t.add(via("10.1.0.0/24", "10.0.0.1"), "r1");
  t.add(via("10.2.0.0/24", "10.0.0.2"), "r1");
  t.add(via("10.0.0.0/8", "10.0.0.3"), "r1");
  t.add(via("10.3.0.0/24", "10.0.0.4"), "r1");
  EXPECT_TRUE(t.remove(Ipv4Prefix::parse("10.1.0.0/24")));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.1.0.5"))->gateway, Ipv4Address::parse("10.0.0.3"));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.2.0.5"))->gateway, Ipv4Address::parse("10.0.0.2"));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.3.0.5"))->gateway, Ipv4Address::parse("10.0.0.4"));
  EXPECT_EQ(t.find_exact(Ipv4Prefix::parse("10.3.0.0/24"))->gateway, Ipv4Address::parse("10.0.0.4"));
  EXPECT_TRUE(t.remove(Ipv4Prefix::parse("10.3.0.0/24")));
  EXPECT_TRUE(t.remove(Ipv4Prefix::parse("10.2.0.0/24")));
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.2.0.5"))->gateway, Ipv4Address::parse("10.0.0.3"));
  EXPECT_EQ(t.size(), 1u);
  t.add(via("10.2.0.0/24", "10.0.0.5"), "r1");
  EXPECT_EQ(t.lookup(Ipv4Address::parse("10.2.0.5"))->gateway, Ipv4Address::parse("10.0.0.5"));
}

TEST(RoutingTable, DuplicatePrefixIsAConfigErrorNamingBoth) {
  RoutingTable t;
  t.add(via("10.1.0.0/16", "10.0.0.2"), "r1");
  try {
    t.add(via("10.1.0.0/16", "10.0.0.3"), "r1");
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "r1: routes: a route to 10.1.0.0/16 already exists (10.1.0.0/16 via 10.0.0.2 dev eth0)");
  }
}

TEST(RoutingTable, PrintsLikeIpRoute) {
  Route unreachable{Ipv4Prefix::parse("198.51.100.0/24"), RouteType::unreachable, {}, kNoRouteInterface, "",
                    RouteOrigin::static_route, {}};
  EXPECT_EQ(unreachable.to_string(), "unreachable 198.51.100.0/24");
  Route connected{Ipv4Prefix::parse("10.0.1.0/24"), RouteType::unicast, {}, 0, "eth0", RouteOrigin::connected,
                  Ipv4Address::parse("10.0.1.10")};
  EXPECT_EQ(connected.to_string(), "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10");
  EXPECT_EQ(via("0.0.0.0/0", "10.0.1.1").to_string(), "default via 10.0.1.1 dev eth0");
}

TEST(RoutingTable, RoutesAreListedMostSpecificFirst) {
  RoutingTable t;
  t.add(via("0.0.0.0/0", "10.0.0.1"), "r1");
  t.add(via("10.2.0.0/16", "10.0.0.2"), "r1");
  t.add(via("10.1.0.0/16", "10.0.0.2"), "r1");
  auto all = t.routes();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].destination.to_string(), "10.1.0.0/16");
  EXPECT_EQ(all[1].destination.to_string(), "10.2.0.0/16");
  EXPECT_EQ(all[2].destination.to_string(), "0.0.0.0/0");
}

TEST(RoutingTable, AgreesWithALinearScanOnRandomTables) {
  core::Rng rng(11);
  RoutingTable t;
  std::vector<Ipv4Prefix> prefixes;
  for (int i = 0; i < 500; ++i) {
    int len = static_cast<int>(rng.below(33));
    auto p = Ipv4Prefix::containing(Ipv4Address(static_cast<std::uint32_t>(rng.next_u64())), len);
    if (t.find_exact(p) != nullptr) continue;
    t.add(Route{p, RouteType::unicast, {}, static_cast<std::uint32_t>(prefixes.size()), "", RouteOrigin::static_route, {}},
          "r");
    prefixes.push_back(p);
  }
  for (int i = 0; i < 20000; ++i) {
    Ipv4Address a(static_cast<std::uint32_t>(rng.next_u64()));
    const Ipv4Prefix* best = nullptr;
    for (const auto& p : prefixes)
      if (p.contains(a) && (best == nullptr || p.length() > best->length())) best = &p;
    const Route* r = t.lookup(a);
    if (best == nullptr) {
      EXPECT_EQ(r, nullptr);
    } else {
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(r->destination, *best);
    }
  }
}

// A table past kScanLimit (8) routes is indexed, below it scanned: both must answer alike, whatever
// the order routes come in and go out.
TEST(RoutingTable, ScannedAndIndexedTablesAgreeAsTheyGrowAndShrink) {
  core::Rng rng(7);
  std::vector<Route> all;
  for (int length = 0; length <= 32; length += 2) {
    const Ipv4Prefix destination =
        Ipv4Prefix::containing(Ipv4Address(static_cast<std::uint32_t>(rng.next_u64())), length);
    all.push_back(Route{destination, RouteType::unicast,
                        Ipv4Address(0x0a000000u + static_cast<std::uint32_t>(length)), 0, "eth0",
                        RouteOrigin::static_route, {}});
  }
  auto expected = [](const std::vector<Route>& present, Ipv4Address dst) -> const Route* {
    const Route* best = nullptr;
    for (const Route& r : present)
      if (r.destination.contains(dst) && (best == nullptr || r.destination.length() > best->destination.length()))
        best = &r;
    return best;
  };
  RoutingTable t;
  std::vector<Route> present;
  auto check = [&] {
    ASSERT_EQ(t.size(), present.size());
    for (const Route& r : all) {
      for (Ipv4Address dst : {r.destination.network(), r.destination.broadcast(), Ipv4Address(r.destination.network().to_u32() ^ 1)}) {
        const Route* want = expected(present, dst);
        const Route* got = t.lookup(dst);
        ASSERT_EQ(got == nullptr, want == nullptr) << dst.to_string() << " with " << present.size() << " routes";
        if (got != nullptr) {
          EXPECT_EQ(got->destination, want->destination) << dst.to_string();
        }
      }
      EXPECT_EQ(t.find_exact(r.destination) != nullptr,
                std::any_of(present.begin(), present.end(), [&](const Route& p) { return p.destination == r.destination; }));
    }
  };
  for (const Route& r : all) {
    t.add(r, "r1");
    present.push_back(r);
    check();
    EXPECT_THROW(t.add(r, "r1"), core::ConfigError) << "a duplicate is refused at " << present.size() << " routes";
  }
  while (!present.empty()) {
    const std::size_t victim = rng.below(present.size());
    EXPECT_TRUE(t.remove(present[victim].destination));
    EXPECT_FALSE(t.remove(present[victim].destination));
    present.erase(present.begin() + static_cast<std::ptrdiff_t>(victim));
    check();
  }
}

}  // namespace
}  // namespace vpcsim::stack
