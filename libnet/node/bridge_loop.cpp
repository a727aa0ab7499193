#include "libnet/node/bridge_loop.h"

#include <cstdint>
#include <deque>
#include <unordered_map>

#include "libnet/node/network.h"

namespace vpcsim::node {

std::vector<std::string> find_bridge_loop(const Network& network, const Switch& at) {
  // Switch-to-switch links as a multigraph over trace node ids; an edge is a link's index.
  std::unordered_map<std::uint32_t, std::string> switches;
  for (const auto& n : network.nodes())
    if (n->kind() == NodeKind::switch_) switches.emplace(n->id(), n->name());
  struct Edge {
    std::uint32_t to;
    std::size_t link;
  };
  std::unordered_map<std::uint32_t, std::vector<Edge>> edges;
  const auto& links = network.links();
  for (std::size_t i = 0; i < links.size(); ++i) {
    const std::uint32_t a = links[i]->end(0).node_id();
    const std::uint32_t b = links[i]->end(1).node_id();
    if (a == b || !switches.contains(a) || !switches.contains(b)) continue;
    edges[a].push_back({b, i});
    edges[b].push_back({a, i});
  }
  // For each link out of `at`, a shortest way back to `at` that does not use that link: the
  // shortest such cycle is the loop to name.
  std::vector<std::string> best;
  for (const Edge& first : edges[at.id()]) {
    std::unordered_map<std::uint32_t, std::uint32_t> parent{{first.to, at.id()}};
    std::deque<std::uint32_t> todo{first.to};
    bool closed = false;
    std::uint32_t last = 0;
    while (!todo.empty() && !closed) {
      const std::uint32_t current = todo.front();
      todo.pop_front();
      for (const Edge& e : edges[current]) {
        if (e.link == first.link) continue;
        if (e.to == at.id()) {
          closed = true;
          last = current;
          break;
        }
        if (parent.emplace(e.to, current).second) todo.push_back(e.to);
      }
    }
    if (!closed) continue;
    std::vector<std::string> cycle{at.name()};
    for (std::uint32_t n = last; n != at.id(); n = parent.at(n)) cycle.push_back(switches.at(n));
    cycle.push_back(at.name());
    if (best.empty() || cycle.size() < best.size()) best = std::move(cycle);
  }
  if (best.empty()) best.push_back(at.name());
  return best;
}

}  // namespace vpcsim::node
