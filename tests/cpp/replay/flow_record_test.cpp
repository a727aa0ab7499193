// FlowKey: printing, reversal and hashing (the flow table's key).
#include "libnet/replay/flow_record.h"

#include <gtest/gtest.h>

namespace vpcsim::replay {
namespace {

FlowKey whois() {
  return FlowKey{6, wire::Ipv4Address::from_octets(10, 0, 2, 15), 44188, wire::Ipv4Address::from_octets(192, 0, 47, 59), 43};
}

TEST(FlowKey, PrintsLikeTheFlowTable) {
  EXPECT_EQ(to_string(whois()), "tcp 10.0.2.15:44188 -> 192.0.47.59:43");
  EXPECT_EQ(to_string(FlowKey{1, wire::Ipv4Address::from_octets(10, 0, 0, 1), 7, wire::Ipv4Address::from_octets(10, 0, 0, 2), 7}),
            "icmp 10.0.0.1 -> 10.0.0.2 id 7");
}

TEST(FlowKey, ReversedSwapsTheSidesAndHashesDifferently) {
  const FlowKey key = whois();
  EXPECT_EQ(key.reversed().reversed(), key);
  EXPECT_EQ(key.reversed().client, key.server);
  EXPECT_NE(key.reversed().hash(), key.hash());
  FlowKey other = key;
  other.client_port = 44189;
  EXPECT_NE(other.hash(), key.hash());
}

}  // namespace
}  // namespace vpcsim::replay
