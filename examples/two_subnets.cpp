// The flagship example: two subnets joined by a router, h1 pings h2 three times.
// Prints every frame on every link as it happens (ARP request, reply, echo, TTL 63 after the
// router), the ping results, the ARP caches and routing tables, and leaves one pcap per interface.
//
//   ./build/two_subnets [--out DIR] [--seed N]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/io/describe.h"
#include "libnet/io/interface_capture.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"

using namespace vpcsim;

namespace {

// Prints each frame once, when it is received at the far end of its link.
class Printer final : public link::CaptureTap {
 public:
  void capture(const link::Interface& interface, link::Direction direction, core::Time at,
               std::span<const std::uint8_t> frame) override {
    if (direction != link::Direction::rx) return;
    std::printf("  %12.6f ms  %-8s  %s\n", static_cast<double>(at) / 1e6, ("-> " + interface.full_name()).c_str(),
                io::describe_line(frame).c_str());
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string out = "vpcsim-out";
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) out = argv[++i];
    else if (arg == "--seed" && i + 1 < argc) seed = std::stoull(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--out DIR] [--seed N]\n", argv[0]);
      return 2;
    }
  }
  try {
    node::Network net(seed);
    auto& h1 = net.add_host("h1");
    auto& r1 = net.add_router("r1");
    auto& h2 = net.add_host("h2");
    h1.add_interface("eth0", "192.168.1.10/24");
    h1.set_default_gateway(wire::Ipv4Address::parse("192.168.1.1"));
    r1.add_interface("eth0", "192.168.1.1/24");
    r1.add_interface("eth1", "192.168.2.1/24");
    h2.add_interface("eth0", "192.168.2.20/24");
    h2.set_default_gateway(wire::Ipv4Address::parse("192.168.2.1"));
    net.connect("h1.eth0", "r1.eth0");
    net.connect("r1.eth1", "h2.eth0");

    std::filesystem::create_directories(out);
    Printer printer;
    std::vector<std::unique_ptr<io::InterfaceCapture>> pcaps;
    for (const auto& node : net.nodes())
      for (const auto& interface : node->interfaces()) {
        interface->add_tap(printer);
        pcaps.push_back(std::make_unique<io::InterfaceCapture>(
            *interface, out + "/" + node->name() + "-" + interface->name() + ".pcap"));
      }

    std::printf("h1 192.168.1.10/24 -- [eth0 192.168.1.1  r1  192.168.2.1 eth1] -- h2 192.168.2.20/24\n\n");
    std::printf("h1$ ping -c 3 192.168.2.20   (every frame, as it arrives)\n");
    auto& ping = h1.add_application<node::Ping>({wire::Ipv4Address::parse("192.168.2.20"), 3, core::kSecond, 0, 56, 64});
    net.run_until(3 * core::kSecond);

    std::printf("\n%s\n", ping.summary().c_str());
    for (node::IpNode* n : {static_cast<node::IpNode*>(&h1), static_cast<node::IpNode*>(&r1),
                            static_cast<node::IpNode*>(&h2)}) {
      std::printf("\n%s: ip neigh\n", n->name().c_str());
      for (const auto& e : n->arp_table())
        std::printf("  %-15s dev %s lladdr %s %s\n", e.ip.to_string().c_str(), e.interface.c_str(),
                    e.mac.to_string().c_str(), std::string(stack::to_string(e.state)).c_str());
      std::printf("%s: ip route\n", n->name().c_str());
      for (const auto& r : n->routing_table().routes()) std::printf("  %s\n", r.to_string().c_str());
    }
    std::printf("\npcaps: %s/{h1-eth0,r1-eth0,r1-eth1,h2-eth0}.pcap (open them in Wireshark)\n", out.c_str());
    return ping.received() == 3 ? 0 : 1;
  } catch (const core::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
