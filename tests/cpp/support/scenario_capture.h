// Test support: when VPCSIM_PCAP_OUT is set, an oracle scenario test writes every interface of its
// network to $VPCSIM_PCAP_OUT/<node>-<interface>.pcap, so that tests/oracle can compare the
// simulator's links with the same topology built from Linux network namespaces. Only the tests in
// the Oracle* suites use it (tests/python/test_oracle_netns.py runs them one topology at a time).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "libnet/io/interface_capture.h"
#include "libnet/node/network.h"

namespace vpcsim::testing {

class ScenarioCapture {
 public:
  explicit ScenarioCapture(node::Network& net) {
    const char* root = std::getenv("VPCSIM_PCAP_OUT");
    if (root == nullptr || *root == '\0') return;
    std::filesystem::path dir(root);
    std::filesystem::create_directories(dir);
    for (const auto& node : net.nodes())
      for (const auto& interface : node->interfaces())
        captures_.push_back(std::make_unique<io::InterfaceCapture>(
            *interface, (dir / (node->name() + "-" + interface->name() + ".pcap")).string()));
  }

 private:
  std::vector<std::unique_ptr<io::InterfaceCapture>> captures_;
};

}  // namespace vpcsim::testing
