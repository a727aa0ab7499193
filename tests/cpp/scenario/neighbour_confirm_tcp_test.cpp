// Neighbour confirmation by TCP, as tests/oracle/topologies.py NAT_MASQUERADE_TCP builds it from
// namespaces (every link a veth pair):
//
//   h1 10.0.0.10 ─ eth0 10.0.0.1 [nat1] eth1 203.0.113.1 ─ srv 203.0.113.10 (TCP server, port 80)
//
// h1 opens two connections to srv (at 0 s and 1 s), each sending "hi", reading "pong" and closing.
// nat1 and srv learn their neighbour towards h1 from a broadcast request (STALE), use it (DELAY), and
// would probe it 5 s later; the ACKs that acknowledge new data confirm it first. With `veth` links
// nat1 confirms too, with the mark of the segments it forwards: no probe on either link, as the
// kernel shows. With `ethernet` links only the hosts confirm, and nat1 probes h1 at 5 s.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "libnet/node/nat_router.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_apps.h"
#include "support/frame_log.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using core::kSecond;
using wire::Ipv4Address;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

struct ConfirmRun {
  std::size_t h1_side_probes = 0;   ///< unicast ARP requests on the h1 - nat1 link (nat1 probing h1)
  std::size_t srv_side_probes = 0;  ///< unicast ARP requests on the nat1 - srv link
  bool replies = false;
};

std::size_t unicast_requests(const testing::FrameLog& log) {
  std::size_t n = 0;
  for (const std::string& line : log.lines()) n += line.rfind("ARP request ucast", 0) == 0 ? 1 : 0;
  return n;
}

ConfirmRun run(link::LinkMedium medium, bool capture) {
  node::Network net(1);
  auto& h1 = net.add_host("h1");
  auto& nat1 = net.add_nat("nat1");
  auto& srv = net.add_host("srv");
  h1.add_interface("eth0", "10.0.0.10/24");
  h1.set_default_gateway(ip("10.0.0.1"));
  nat1.add_interface("eth0", "10.0.0.1/24");
  nat1.add_interface("eth1", "203.0.113.1/24");
  nat1.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/24"), "eth1", {}, {}});
  srv.add_interface("eth0", "203.0.113.10/24");
  link::LinkConfig config;
  config.medium = medium;
  net.connect("h1.eth0", "nat1.eth0", config);
  net.connect("nat1.eth1", "srv.eth0", config);
  std::optional<testing::ScenarioCapture> pcaps;
  if (capture) pcaps.emplace(net);
  const testing::FrameLog h1_side(h1.interface("eth0"));
  const testing::FrameLog srv_side(srv.interface("eth0"));

  srv.add_application<node::TcpServer>({80, "pong"});
  node::TcpClientConfig c;
  c.destination = ip("203.0.113.10");
  c.dst_port = 80;
  c.data = "hi";
  auto& first = h1.add_application<node::TcpClient>(c);
  c.start = kSecond;
  auto& second = h1.add_application<node::TcpClient>(c);
  net.run_until(7 * kSecond);
  if (pcaps) pcaps->flush();

  ConfirmRun out;
  out.replies = first.reply() == "pong" && second.reply() == "pong";
  out.h1_side_probes = unicast_requests(h1_side);
  out.srv_side_probes = unicast_requests(srv_side);
  return out;
}

TEST(OracleNeighbourConfirmTcp, VethCarriesTheConfirmationThroughTheNat) {
  const ConfirmRun veth = run(link::LinkMedium::veth, true);
  EXPECT_TRUE(veth.replies);
  EXPECT_EQ(veth.h1_side_probes, 0u) << "nat1 confirmed h1 with the mark of srv's forwarded segments";
  EXPECT_EQ(veth.srv_side_probes, 0u) << "srv's own socket confirmed nat1";
}

TEST(NeighbourConfirmTcp, EthernetLosesTheMarkSoTheNatProbes) {
  const ConfirmRun ethernet = run(link::LinkMedium::ethernet, false);
  EXPECT_TRUE(ethernet.replies);
  EXPECT_EQ(ethernet.h1_side_probes, 1u) << "nothing nat1 sends itself confirms h1: it probes at 5 s";
  EXPECT_EQ(ethernet.srv_side_probes, 0u) << "a host's socket confirms on any medium";
}

}  // namespace
}  // namespace vpcsim
