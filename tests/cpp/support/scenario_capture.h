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
  /// Captures into $VPCSIM_PCAP_OUT when it is set, else not at all.
  explicit ScenarioCapture(node::Network& net) {
    const char* root = std::getenv("VPCSIM_PCAP_OUT");
    if (root != nullptr && *root != '\0') capture_all(net, root);
  }
  /// Captures into `dir`.
  ScenarioCapture(node::Network& net, const std::filesystem::path& dir) { capture_all(net, dir); }

  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& c : captures_) out.push_back(c->path());
    return out;
  }
  void flush() {
    for (auto& c : captures_) c->flush();
  }

 private:
  void capture_all(node::Network& net, const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    for (const auto& node : net.nodes())
      for (const auto& interface : node->interfaces())
        captures_.push_back(std::make_unique<io::InterfaceCapture>(
            *interface, (dir / (node->name() + "-" + interface->name() + ".pcap")).string()));
  }

  std::vector<std::unique_ptr<io::InterfaceCapture>> captures_;
};

}  // namespace vpcsim::testing
