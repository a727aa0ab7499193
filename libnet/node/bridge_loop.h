// Naming a loop of switches: what a run stopped for a broadcast storm reports (Network's
// max_bridge_hops), so that the message says which links to remove or where to turn on STP.
#pragma once

#include <string>
#include <vector>

namespace vpcsim::node {

class Network;
class Switch;

/// The switches of a cycle through `at` in the graph of switch-to-switch links (two parallel links
/// are a cycle of two), starting and ending with `at`: {"sw1", "sw2", "sw1"}. Just {at} if `at` is on
/// no such cycle (the loop runs through something else that bridges).
std::vector<std::string> find_bridge_loop(const Network& network, const Switch& at);

}  // namespace vpcsim::node
