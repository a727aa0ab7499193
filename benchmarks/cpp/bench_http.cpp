// HTTP through a layer-4 load balancer (issue 16): R requests from C clients to T HTTP servers
// behind one node::NetworkLoadBalancer, or straight to one server (--direct).
//
//   c0 ─┐                                                 ┌─ t0  HttpServer :80
//   ... ├── sw_in ── eth0 10.0.0.1 [lb] eth1 10.1.0.1 ── sw_out ┤ ...
//   cC-1┘                                                 └─ tT-1
//
// Each client sends R/C requests one after another (HttpClient); with --connections each request
// opens its own connection (keep_alive false: a new flow, a new target choice, a SYN through the
// balancer's flow hash), else all of a client's requests share one keep-alive connection. Timed:
// the whole run (CPU and wall) after the build, and CPU ns per request. Exits 1, saying why, if any
// request is unanswered or a target got no flow (with --connections).
//
//   bench_http                                   R = 100,000, C = 100, T = 10, --connections
//   bench_http --requests 10000 --keep-alive --json
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "libnet/node/http_client.h"
#include "libnet/node/http_server.h"
#include "libnet/node/network.h"
#include "libnet/node/network_load_balancer.h"

using namespace vpcsim;

int main(int argc, char** argv) {
  std::uint64_t requests = 100000, clients = 100, targets = 10;
  bool connections = true, json = false, direct = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0ULL; };
    if (a == "--requests") requests = next();
    else if (a == "--clients") clients = next();
    else if (a == "--targets") targets = next();
    else if (a == "--keep-alive") connections = false;
    else if (a == "--connections") connections = true;
    else if (a == "--direct") direct = true;
    else if (a == "--json") json = true;
    else {
      std::fprintf(stderr, "usage: bench_http [--requests R] [--clients C] [--targets T] [--keep-alive] [--direct] [--json]\n");
      return 2;
    }
  }
  if (clients == 0 || targets == 0 || clients > 250 || targets > 250 || requests % clients != 0) {
    std::fprintf(stderr, "bench_http: 1..250 clients and targets, requests a multiple of clients\n");
    return 2;
  }
  if (direct) targets = 1;
  node::Network net(1);
  node::Switch& sw_in = net.add_switch("sw_in");
  node::Switch& sw_out = net.add_switch("sw_out");
  node::NetworkLoadBalancer* lb = nullptr;
  const link::LinkConfig lan{10 * core::kMicrosecond, 10'000'000'000, 100000};
  if (!direct) {
    lb = &net.add_node<node::NetworkLoadBalancer>("lb");
    lb->add_interface("eth0", "10.0.0.1/16");
    lb->add_interface("eth1", "10.1.0.1/16");
    net.connect(lb->interface("eth0"), sw_in.add_port(), lan);
    net.connect(lb->interface("eth1"), sw_out.add_port(), lan);
  }
  std::vector<node::HttpServer*> servers;
  node::LbTargetGroupConfig group;
  group.name = "web";
  group.health.enabled = false;  // the measured traffic only
  for (std::uint64_t t = 0; t < targets; ++t) {
    node::Host& h = net.add_host("t" + std::to_string(t));
    const std::string address = (direct ? "10.0.1." : "10.1.0.") + std::to_string(t + 10);
    h.add_interface("eth0", address + "/16");
    if (!direct) h.set_default_gateway(wire::Ipv4Address::parse("10.1.0.1"));
    net.connect(h.interface("eth0"), (direct ? sw_in : sw_out).add_port(), lan);
    node::HttpServerConfig c;
    c.routes.push_back({"/", "", 200, {}, "ok\n", 0});
    servers.push_back(&h.add_application<node::HttpServer>(c));
    group.targets.push_back({wire::Ipv4Address::parse(address), 80});
  }
  if (lb != nullptr) {
    lb->add_target_group(group);
    lb->add_listener({wire::kIpProtoTcp, 80, "web"});
  }
  std::vector<node::HttpClient*> apps;
  const std::uint64_t per_client = requests / clients;
  for (std::uint64_t c = 0; c < clients; ++c) {
    node::Host& h = net.add_host("c" + std::to_string(c));
    h.add_interface("eth0", "10.0.2." + std::to_string(c + 2) + "/16");
    if (!direct) h.set_default_gateway(wire::Ipv4Address::parse("10.0.0.1"));
    net.connect(h.interface("eth0"), sw_in.add_port(), lan);
    node::HttpClientConfig cfg;
    cfg.destination = wire::Ipv4Address::parse(direct ? "10.0.1.10" : "10.0.0.1");
    cfg.keep_alive = !connections;
    cfg.start = static_cast<core::Time>(c) * core::kMicrosecond;
    cfg.requests.assign(per_client, node::HttpRequestSpec{});
    apps.push_back(&h.add_application<node::HttpClient>(cfg));
  }
  const double cpu0 = bench::cpu_seconds();
  const auto wall0 = bench::Clock::now();
  net.run();
  const double cpu = bench::cpu_seconds() - cpu0;
  const double wall = bench::seconds_between(wall0, bench::Clock::now());
  std::uint64_t answered = 0;
  for (auto* a : apps) answered += a->responses();
  std::uint64_t served_min = requests;
  for (auto* s : servers) served_min = std::min(served_min, s->requests());
  const char* mode = direct ? "direct" : "nlb";
  if (json) {
    std::printf("{\"bench\": \"http\", \"mode\": \"%s\", \"requests\": %llu, \"clients\": %llu, \"targets\": %llu, "
                "\"connections\": %s, \"answered\": %llu, \"cpu_s\": %.3f, \"wall_s\": %.3f, \"cpu_ns_per_request\": %.0f, "
                "\"simulated_s\": %.3f}\n",
                mode, (unsigned long long)requests, (unsigned long long)clients, (unsigned long long)targets,
                connections ? "true" : "false", (unsigned long long)answered, cpu, wall, 1e9 * cpu / double(requests),
                double(net.now()) / 1e9);
  } else {
    std::printf("%s: %llu requests (%s) from %llu clients to %llu targets: %.3f s CPU, %.3f s wall, %.0f ns CPU per request\n",
                mode, (unsigned long long)requests, connections ? "a connection each" : "keep-alive",
                (unsigned long long)clients, (unsigned long long)targets, cpu, wall, 1e9 * cpu / double(requests));
  }
  if (answered != requests) {
    std::fprintf(stderr, "bench_http: %llu of %llu requests answered\n", (unsigned long long)answered,
                 (unsigned long long)requests);
    return 1;
  }
  if (connections && served_min == 0) {
    std::fprintf(stderr, "bench_http: a target got no request\n");
    return 1;
  }
  return 0;
}
