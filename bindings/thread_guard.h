// One thread at a time per Network. run() (and the other calls that run the simulation) release the
// GIL so that separate Networks simulate in parallel; nothing in the C++ core is thread-safe, so while
// one thread runs a Network, every other use of that Network or of anything it made (nodes,
// interfaces, applications, the trace, the cloud and its VPCs, replays, captures) must be refused
// before it touches C++ state: that was segfaults and heap corruption (issue 20).
//
// How: the calls that release the GIL hold a RunScope, which marks their Network busy (under the GIL).
// Every binding of those classes gets its `self` and object arguments through the type casters below,
// which, after pybind11's own conversion, ask check_not_busy(): it walks the keep-alive chain that
// reference_internal / keep_alive recorded (a Subnet keeps its Vpc, which keeps its Cloud, which keeps
// its Network) up to the Network and raises vpcsim.NetworkBusyError (a RuntimeError) if it is busy.
// The check is per call, never per event, and costs one atomic load while no Network runs anywhere.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/endpoint.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/vpc.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/io/interface_capture.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/udp_apps.h"
#include "libnet/node/udp_flows.h"
#include "libnet/node/udp_socket.h"
#include "libnet/replay/replay_engine.h"

namespace vpcsim::bindings {

/// Networks being run with the GIL released, in any thread (0 almost always: the fast path).
extern std::atomic<int> g_networks_running;

/// Raises vpcsim.NetworkBusyError if `object` (a Python object of a bound class) belongs to a
/// Network that some thread is running. Needs the GIL.
void check_not_busy_slow(pybind11::handle object);
inline void check_not_busy(pybind11::handle object) {
  if (g_networks_running.load(std::memory_order_relaxed) != 0) check_not_busy_slow(object);
}

/// Marks `net` busy for its lifetime; made and destroyed with the GIL held, around a
/// gil_scoped_release. Raises vpcsim.NetworkBusyError if it is busy already.
class RunScope {
 public:
  explicit RunScope(const node::Network& net);
  RunScope(const RunScope&) = delete;
  RunScope& operator=(const RunScope&) = delete;
  ~RunScope();

 private:
  const node::Network* net_;
};

/// pybind11's caster for a bound class, plus the busy check on every object it hands to a binding.
template <class T>
struct GuardedCaster : pybind11::detail::type_caster_base<T> {
  bool load(pybind11::handle src, bool convert) {
    if (!pybind11::detail::type_caster_base<T>::load(src, convert)) return false;
    check_not_busy(src);
    return true;
  }
};

}  // namespace vpcsim::bindings

// Every class whose objects live in (or refer into) a Network. A class missing here is simply not
// checked; tests/python/test_threads.py calls a method of each from a second thread.
#define VPCSIM_GUARDED(T) \
  template <>             \
  struct pybind11::detail::type_caster<T> : vpcsim::bindings::GuardedCaster<T> {};
VPCSIM_GUARDED(vpcsim::node::Network)
VPCSIM_GUARDED(vpcsim::node::Node)
VPCSIM_GUARDED(vpcsim::node::IpNode)
VPCSIM_GUARDED(vpcsim::node::Host)
VPCSIM_GUARDED(vpcsim::node::Router)
VPCSIM_GUARDED(vpcsim::node::Switch)
VPCSIM_GUARDED(vpcsim::node::NatRouter)
VPCSIM_GUARDED(vpcsim::node::Application)
VPCSIM_GUARDED(vpcsim::node::Ping)
VPCSIM_GUARDED(vpcsim::node::Traceroute)
VPCSIM_GUARDED(vpcsim::node::UdpFlows)
VPCSIM_GUARDED(vpcsim::node::UdpClient)
VPCSIM_GUARDED(vpcsim::node::UdpResponder)
VPCSIM_GUARDED(vpcsim::node::UdpSocket)
VPCSIM_GUARDED(vpcsim::node::TcpClient)
VPCSIM_GUARDED(vpcsim::node::TcpServer)
VPCSIM_GUARDED(vpcsim::link::Interface)
VPCSIM_GUARDED(vpcsim::link::Link)
VPCSIM_GUARDED(vpcsim::trace::TraceLog)
VPCSIM_GUARDED(vpcsim::io::InterfaceCapture)
VPCSIM_GUARDED(vpcsim::cloud::Cloud)
VPCSIM_GUARDED(vpcsim::cloud::Vpc)
VPCSIM_GUARDED(vpcsim::cloud::SecurityGroup)
VPCSIM_GUARDED(vpcsim::cloud::NetworkAcl)
VPCSIM_GUARDED(vpcsim::cloud::RouteTable)
VPCSIM_GUARDED(vpcsim::cloud::Subnet)
VPCSIM_GUARDED(vpcsim::cloud::Endpoint)
VPCSIM_GUARDED(vpcsim::cloud::Instance)
VPCSIM_GUARDED(vpcsim::cloud::VpcRouter)
VPCSIM_GUARDED(vpcsim::cloud::InternetGateway)
VPCSIM_GUARDED(vpcsim::cloud::NatGateway)
VPCSIM_GUARDED(vpcsim::cloud::VpcPeering)
VPCSIM_GUARDED(vpcsim::cloud::ElasticIp)
VPCSIM_GUARDED(vpcsim::cloud::FlowLogWriter)
VPCSIM_GUARDED(vpcsim::cloud::EniFlowLog)
VPCSIM_GUARDED(vpcsim::replay::ReplayEngine)
#undef VPCSIM_GUARDED
