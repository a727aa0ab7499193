#include <pybind11/functional.h>

#include <map>

#include "bindings.h"
#include "destination.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/node/udp_apps.h"
#include "libnet/node/udp_flows.h"
#include "libnet/node/udp_socket.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::bindings {

/// The lookup and Resolving classes (bind_dns.cpp), which the methods bound here return.
void bind_dns_types(py::module_& m);

namespace {

constexpr auto kRef = py::return_value_policy::reference_internal;

link::LinkConfig link_config(const py::object& delay, const py::object& bandwidth, std::uint32_t queue,
                             const std::string& medium) {
  link::LinkConfig config;
  config.medium = link::parse_link_medium(medium);
  if (!delay.is_none()) config.delay = to_time(delay, "delay");
  if (!bandwidth.is_none())
    config.bandwidth_bps = py::isinstance<py::str>(bandwidth) ? core::parse_bandwidth(bandwidth.cast<std::string>())
                                                              : bandwidth.cast<std::int64_t>();
  config.queue_packets = queue;
  return config;
}

double to_ms(core::Time t) { return static_cast<double>(t) / 1e6; }

/// From Python a trace is bounded by default (C++'s RunLimits leaves it unbounded): a run of ten
/// million pings with every packet kept in memory ended in std::bad_alloc.
constexpr std::uint64_t kDefaultTraceLimit = 4ULL << 30;

/// A run a limit stopped returns normally (its results are there to read), and says so in a warning
/// that a script cannot miss: vpcsim.RunLimitWarning, the RunStop's message.
void warn_if_stopped(const node::Network& net) {
  if (!net.stopped_by()) return;
  py::object category = py::module_::import("vpcsim.errors").attr("RunLimitWarning");
  if (PyErr_WarnEx(category.ptr(), net.stopped_by()->message.c_str(), 2) != 0) throw py::error_already_set();
}

/// Runs `net` to `until` with the GIL released (other networks run in other threads meanwhile) and
/// `net` marked busy (thread_guard.h); then warns if a limit stopped it.
std::uint64_t run_released(node::Network& net, core::Time until) {
  std::uint64_t handled = 0;
  {
    RunScope busy(net);
    py::gil_scoped_release release;
    handled = net.run_until(until);
  }
  warn_if_stopped(net);
  return handled;
}

}  // namespace

void bind_node(py::module_& m) {
  py::class_<node::Application>(m, "Application", "Something running on a node: ping, traceroute, UDP.")
      .def_property_readonly("kind", [](const node::Application& a) { return std::string(a.kind()); })
      .def_property_readonly("outcome", [](const node::Application& a) { return std::string(node::to_string(a.outcome())); })
      .def("summary", &node::Application::summary);
  bind_dns_types(m);

  py::class_<node::PingReply>(m, "PingReply")
      .def_readonly("seq", &node::PingReply::seq)
      .def_readonly("rtt_ns", &node::PingReply::rtt)
      .def_property_readonly("rtt_ms", [](const node::PingReply& r) { return to_ms(r.rtt); })
      .def_readonly("ttl", &node::PingReply::ttl)
      .def_readonly("source", &node::PingReply::from)
      .def("__repr__", [](const node::PingReply& r) {
        return "<PingReply seq=" + std::to_string(r.seq) + " from " + r.from.to_string() + " ttl=" +
               std::to_string(r.ttl) + " rtt=" + core::format_duration(r.rtt) + ">";
      });
  py::class_<node::PingError>(m, "PingError")
      .def_readonly("seq", &node::PingError::seq)
      .def_readonly("source", &node::PingError::from)
      .def_readonly("type", &node::PingError::type)
      .def_readonly("code", &node::PingError::code)
      .def_readonly("text", &node::PingError::text)
      .def("__repr__", [](const node::PingError& e) {
        return "<PingError seq=" + std::to_string(e.seq) + " from " + e.from.to_string() + ": " + e.text + ">";
      });
  py::class_<node::Ping, node::Application> ping(m, "Ping", "ping: ICMP echo requests and what came back.");
  ping.def_property_readonly("destination", [](const node::Ping& p) { return p.config().destination; })
      .def_property_readonly("identifier", &node::Ping::identifier)
      .def_property_readonly("sent", &node::Ping::sent)
      .def_property_readonly("received", &node::Ping::received)
      .def_property_readonly("replies", &node::Ping::replies)
      .def_property_readonly("errors", &node::Ping::errors)
      .def_property_readonly("rtt_ms", [](const node::Ping& p) {
        std::vector<double> rtts;
        for (const auto& r : p.replies()) rtts.push_back(to_ms(r.rtt));
        return rtts;
      })
      .def_property_readonly("send_failures", [](const node::Ping& p) {
        std::vector<std::pair<std::uint16_t, std::string>> out;
        for (const auto& [seq, status] : p.send_failures()) out.emplace_back(seq, std::string(node::to_string(status)));
        return out;
      }, "Requests that never left the node: (seq, reason), e.g. (1, 'network_unreachable').");
  application_protocol(ping);

  py::class_<node::TracerouteProbe>(m, "TracerouteProbe")
      .def_readonly("port", &node::TracerouteProbe::port)
      .def_readonly("answered", &node::TracerouteProbe::answered)
      .def_property_readonly("source", [](const node::TracerouteProbe& p) -> py::object {
        return p.answered ? py::cast(p.from) : py::none();
      })
      .def_property_readonly("rtt_ms", [](const node::TracerouteProbe& p) -> py::object {
        return p.answered ? py::cast(to_ms(p.rtt)) : py::none();
      })
      .def_readonly("type", &node::TracerouteProbe::type)
      .def_readonly("code", &node::TracerouteProbe::code)
      .def_property_readonly("text", [](const node::TracerouteProbe& p) -> py::object {
        return p.answered ? py::cast(node::icmp_error_text(p.type, p.code)) : py::none();
      })
      .def("__repr__", [](const node::TracerouteProbe& p) {
        return p.answered ? "<TracerouteProbe port " + std::to_string(p.port) + " from " + p.from.to_string() + " " +
                                core::format_duration(p.rtt) + ">"
                          : "<TracerouteProbe port " + std::to_string(p.port) + " *>";
      });
  py::class_<node::TracerouteHop>(m, "TracerouteHop")
      .def_readonly("ttl", &node::TracerouteHop::ttl)
      .def_readonly("probes", &node::TracerouteHop::probes)
      .def("__repr__", [](const node::TracerouteHop& h) {
        std::string text = "<TracerouteHop ttl=" + std::to_string(h.ttl);
        for (const auto& p : h.probes) text += p.answered ? " " + p.from.to_string() + " " + core::format_duration(p.rtt) : " *";
        return text + ">";
      });
  py::class_<node::Traceroute, node::Application> traceroute(m, "Traceroute", "traceroute: UDP probes with rising TTL.");
  traceroute.def_property_readonly("destination", [](const node::Traceroute& t) { return t.config().destination; })
      .def_property_readonly("hops", &node::Traceroute::hops)
      .def_property_readonly("finished", &node::Traceroute::finished)
      .def_property_readonly("reached", &node::Traceroute::reached)
      .def_property_readonly("send_failed", &node::Traceroute::send_failed,
                             "No probe could leave the node (no route): traceroute's 'connect: Network is unreachable'.");
  application_protocol(traceroute);

  py::class_<node::IcmpErrorReport>(m, "IcmpErrorReport")
      .def_readonly("source", &node::IcmpErrorReport::from)
      .def_readonly("type", &node::IcmpErrorReport::type)
      .def_readonly("code", &node::IcmpErrorReport::code)
      .def_property_readonly("text", [](const node::IcmpErrorReport& e) { return node::icmp_error_text(e.type, e.code); })
      .def("__repr__", [](const node::IcmpErrorReport& e) {
        return "<IcmpError from " + e.from.to_string() + ": " + node::icmp_error_text(e.type, e.code) + ">";
      });
  py::class_<node::UdpFlows, node::Application>(m, "UdpFlows",
                                                "Many UDP flows to one destination, one ephemeral port (and datagram) each.")
      .def_property_readonly("destination", [](const node::UdpFlows& f) { return f.config().destination; })
      .def_property_readonly("port", [](const node::UdpFlows& f) { return f.config().dst_port; })
      .def_property_readonly("flows", [](const node::UdpFlows& f) { return f.config().flows; })
      .def_property_readonly("sent", &node::UdpFlows::sent)
      .def_property_readonly("answered", &node::UdpFlows::answered, "Flows that got at least one datagram back.")
      .def_property_readonly("errors", &node::UdpFlows::errors, "ICMP errors received.");
  py::class_<node::UdpClient, node::Application> udp(m, "UdpClient", "Sends UDP datagrams and waits for answers.");
  udp.def_property_readonly("destination", [](const node::UdpClient& c) { return c.config().destination; })
      .def_property_readonly("port", [](const node::UdpClient& c) { return c.config().dst_port; })
      .def_property_readonly("source_port", &node::UdpClient::src_port)
      .def_property_readonly("sent", &node::UdpClient::sent)
      .def_property_readonly("replies", [](const node::UdpClient& c) {
        std::vector<py::bytes> out;
        for (const auto& r : c.replies()) out.emplace_back(r);
        return out;
      })
      .def_property_readonly("rtt_ms", [](const node::UdpClient& c) {
        std::vector<double> rtts;
        for (core::Time t : c.rtts()) rtts.push_back(to_ms(t));
        return rtts;
      })
      .def_property_readonly("errors", &node::UdpClient::errors)
      .def_property_readonly("send_failures", [](const node::UdpClient& c) {
        std::vector<std::string> out;
        for (node::SendStatus s : c.send_failures()) out.emplace_back(node::to_string(s));
        return out;
      }, "Datagrams that never left the node, by reason, e.g. 'network_unreachable'.");
  application_protocol(udp);
  py::class_<node::UdpResponder, node::Application> responder(m, "UdpResponder", "Answers datagrams on a UDP port.");
  responder.def_property_readonly("port", &node::UdpResponder::port)
      .def_property_readonly("received", &node::UdpResponder::received)
      .def_property_readonly("replied", &node::UdpResponder::replied)
      .def_property_readonly("payloads", [](const node::UdpResponder& r) {
        std::vector<py::bytes> out;
        for (const auto& p : r.payloads()) out.emplace_back(p);
        return out;
      });
  application_protocol(responder);
  py::class_<node::UdpDatagram>(m, "UdpDatagram", "A datagram a UdpSocket received.")
      .def_readonly("at_ns", &node::UdpDatagram::at)
      .def_readonly("source", &node::UdpDatagram::src)
      .def_readonly("source_port", &node::UdpDatagram::src_port)
      .def_readonly("destination", &node::UdpDatagram::dst)
      .def_readonly("ttl", &node::UdpDatagram::ttl)
      .def_property_readonly("payload", [](const node::UdpDatagram& d) {
        return py::bytes(reinterpret_cast<const char*>(d.payload.data()), d.payload.size());
      })
      .def("__repr__", [](const node::UdpDatagram& d) {
        return "<UdpDatagram from " + d.src.to_string() + ":" + std::to_string(d.src_port) + ", " +
               std::to_string(d.payload.size()) + " bytes at " + core::format_duration(d.at) + ">";
      });
  py::class_<node::UdpSocket, node::Application> socket(
      m, "UdpSocket", "A bound UDP socket: send_to() now, read received/errors after running.");
  socket.def_property_readonly("port", &node::UdpSocket::port)
      .def("send_to",
           [](node::UdpSocket& s, Arg<wire::Ipv4Address> destination, std::uint16_t port, py::bytes data,
              bool confirm) {
             std::string_view bytes = data;
             return std::string(node::to_string(
                 s.send_to(value_of(destination), port,
                           {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, confirm)));
           },
           py::arg("destination"), py::arg("port"), py::arg("data"), py::arg("confirm") = false,
           "Sends one datagram at the current simulated time; returns 'sent' or why it could not leave "
           "('network_unreachable', ...). confirm=True is MSG_CONFIRM: it confirms the next hop's "
           "neighbour entry, so a DELAY entry goes back to REACHABLE without an ARP probe.")
      .def_property_readonly("received", &node::UdpSocket::received)
      .def("clear_received", &node::UdpSocket::clear_received)
      .def_property_readonly("errors", &node::UdpSocket::errors)
      .def_property_readonly("sent", &node::UdpSocket::sent);
  application_protocol(socket);

  py::class_<node::TcpClient, node::Application> tcp(m, "TcpClient",
                                                      "Connects, sends its data, reads the reply until the server closes.");
  tcp.def_property_readonly("destination", [](const node::TcpClient& c) { return c.config().destination; })
      .def_property_readonly("port", [](const node::TcpClient& c) { return c.config().dst_port; })
      .def_property_readonly("source_port", &node::TcpClient::src_port)
      .def_property_readonly("state", &node::TcpClient::state, "The connection's state: 'ESTABLISHED', 'TIME_WAIT', 'CLOSED', ...")
      .def_property_readonly("connected", &node::TcpClient::connected)
      .def_property_readonly("reply", [](const node::TcpClient& c) { return py::bytes(c.reply()); })
      .def_property_readonly("error", [](const node::TcpClient& c) -> std::optional<std::string> {
        if (c.error() == stack::TcpError::none) return std::nullopt;
        return std::string(stack::to_string(c.error()));
      }, "Why the connection failed ('connection_refused', 'timed_out', 'host_unreachable', ...), or None.")
      .def_property_readonly("errors", &node::TcpClient::icmp_errors, "ICMP errors about the connection's segments.")
      .def_property_readonly("send_failure", [](const node::TcpClient& c) -> std::optional<std::string> {
        if (!c.send_failure()) return std::nullopt;
        return std::string(node::to_string(*c.send_failure()));
      }, "Why the SYN could not leave the node (e.g. 'network_unreachable'), or None.")
      .def_property_readonly("bytes_sent", [](const node::TcpClient& c) { return c.counters().bytes_sent; })
      .def_property_readonly("bytes_received", [](const node::TcpClient& c) { return c.counters().bytes_received; })
      .def_property_readonly("segments_sent", [](const node::TcpClient& c) { return c.counters().segments_sent; })
      .def_property_readonly("segments_received", [](const node::TcpClient& c) { return c.counters().segments_received; })
      .def_property_readonly("retransmissions", [](const node::TcpClient& c) { return c.counters().retransmissions; })
      .def_property_readonly("connect_time_ms", [](const node::TcpClient& c) -> std::optional<double> {
        if (!c.connect_time()) return std::nullopt;
        return to_ms(*c.connect_time());
      }, "SYN to SYN-ACK, or None.")
      .def_property_readonly("reply_time_ms", [](const node::TcpClient& c) -> std::optional<double> {
        if (!c.reply_time()) return std::nullopt;
        return to_ms(*c.reply_time());
      }, "From sending the data to the first reply byte, or None.");
  application_protocol(tcp);
  py::class_<node::TcpServer, node::Application> server(m, "TcpServer", "Accepts connections on a port, replies, closes.");
  server.def_property_readonly("port", &node::TcpServer::port)
      .def_property_readonly("accepted", &node::TcpServer::accepted)
      .def_property_readonly("bytes_received", &node::TcpServer::bytes_received)
      .def_property_readonly("replied", &node::TcpServer::replied)
      .def_property_readonly("closed", &node::TcpServer::closed)
      .def_property_readonly("failed", &node::TcpServer::failed)
      .def_property_readonly("requests", [](const node::TcpServer& s) {
        std::vector<py::bytes> out;
        for (const auto& r : s.requests()) out.emplace_back(r);
        return out;
      }, "What each connection sent (the first 64 connections).");
  application_protocol(server);
  py::class_<node::TcpSocketInfo>(m, "TcpConnectionInfo", "A row of a node's TCP connection table (ss -tan).")
      .def_property_readonly("local_address", [](const node::TcpSocketInfo& i) { return i.endpoints.local; })
      .def_property_readonly("local_port", [](const node::TcpSocketInfo& i) { return i.endpoints.local_port; })
      .def_property_readonly("remote_address", [](const node::TcpSocketInfo& i) { return i.endpoints.remote; })
      .def_property_readonly("remote_port", [](const node::TcpSocketInfo& i) { return i.endpoints.remote_port; })
      .def_property_readonly("state", [](const node::TcpSocketInfo& i) { return std::string(stack::to_string(i.state)); })
      .def_readonly("snd_una", &node::TcpSocketInfo::snd_una)
      .def_readonly("snd_nxt", &node::TcpSocketInfo::snd_nxt)
      .def_readonly("rcv_nxt", &node::TcpSocketInfo::rcv_nxt)
      .def_readonly("send_queue", &node::TcpSocketInfo::send_queue)
      .def_property_readonly("timer_ns", [](const node::TcpSocketInfo& i) -> std::optional<core::Time> {
        if (i.timer_at == core::kTimeNever) return std::nullopt;
        return i.timer_at;
      }, "When its timer (retransmission, TIME_WAIT, ...) fires, or None.")
      .def("__repr__", [](const node::TcpSocketInfo& i) {
        return "<TcpConnection " + i.endpoints.local.to_string() + ":" + std::to_string(i.endpoints.local_port) + " " +
               i.endpoints.remote.to_string() + ":" + std::to_string(i.endpoints.remote_port) + " " +
               std::string(stack::to_string(i.state)) + ">";
      });

  py::class_<node::Node>(m, "Node", "A packet-processing node.")
      .def_property_readonly("name", &node::Node::name)
      .def_property_readonly("kind", [](const node::Node& n) { return std::string(node::to_string(n.kind())); })
      .def_property_readonly("interfaces",
                             [](const node::Node& n) {
                               std::vector<link::Interface*> out;
                               for (const auto& i : n.interfaces()) out.push_back(i.get());
                               return out;
                             },
                             kRef)
      .def("interface", &node::Node::interface, py::arg("name"), kRef)
      .def("__repr__", [](const node::Node& n) {
        return "<" + std::string(node::to_string(n.kind())) + " " + n.name() + ">";
      });

  py::class_<node::IpCounters>(m, "IpCounters")
      .def_readonly("received", &node::IpCounters::received)
      .def_readonly("delivered", &node::IpCounters::delivered)
      .def_readonly("forwarded", &node::IpCounters::forwarded)
      .def_readonly("originated", &node::IpCounters::originated)
      .def_readonly("icmp_errors_sent", &node::IpCounters::icmp_errors_sent)
      .def_readonly("icmp_rate_limited", &node::IpCounters::icmp_rate_limited)
      .def_readonly("dropped", &node::IpCounters::dropped)
      .def("__repr__", [](const node::IpCounters& c) {
        return "<IpCounters received=" + std::to_string(c.received) + " delivered=" + std::to_string(c.delivered) +
               " forwarded=" + std::to_string(c.forwarded) + " originated=" + std::to_string(c.originated) +
               " icmp_errors_sent=" + std::to_string(c.icmp_errors_sent) + " dropped=" + std::to_string(c.dropped) + ">";
      });
  py::class_<node::IpNode, node::Node> ip_node(m, "IpNode", "The IPv4 stack shared by hosts and routers.");
  ip_node.def("add_interface",
           [](node::IpNode& n, std::string name, std::optional<Arg<wire::Ipv4InterfaceAddress>> ip,
              std::optional<Arg<wire::MacAddress>> mac) -> link::Interface& {
             return n.add_interface(std::move(name), ip ? std::optional(value_of(*ip)) : std::nullopt,
                                    mac ? std::optional(value_of(*mac)) : std::nullopt);
           },
           py::arg("name"), py::arg("ip") = py::none(), py::arg("mac") = py::none(), kRef)
      .def("add_address",
           [](node::IpNode& n, std::string_view interface, Arg<wire::Ipv4InterfaceAddress> ip) {
             n.add_address(interface, value_of(ip));
           },
           py::arg("interface"), py::arg("ip"))
      .def("add_route",
           [](node::IpNode& n, Arg<wire::Ipv4Prefix> to, std::optional<Arg<wire::Ipv4Address>> via,
              std::optional<std::string> dev) {
             if (via && dev) throw py::value_error("give either via= or dev=, not both");
             if (via) return n.add_route(value_of(to), value_of(*via));
             if (dev) return n.add_route(value_of(to), *dev);
             throw py::value_error("a route needs via= (a gateway) or dev= (an interface)");
           },
           py::arg("to"), py::arg("via") = py::none(), py::arg("dev") = py::none())
      .def("add_unreachable_route",
           [](node::IpNode& n, Arg<wire::Ipv4Prefix> to) { n.add_special_route(value_of(to), stack::RouteType::unreachable); },
           py::arg("to"))
      .def("add_blackhole_route",
           [](node::IpNode& n, Arg<wire::Ipv4Prefix> to) { n.add_special_route(value_of(to), stack::RouteType::blackhole); },
           py::arg("to"))
      .def("add_prohibit_route",
           [](node::IpNode& n, Arg<wire::Ipv4Prefix> to) { n.add_special_route(value_of(to), stack::RouteType::prohibit); },
           py::arg("to"))
      .def("set_default_gateway",
           [](node::IpNode& n, Arg<wire::Ipv4Address> gateway) { n.set_default_gateway(value_of(gateway)); },
           py::arg("gateway"))
      .def("remove_route", [](node::IpNode& n, Arg<wire::Ipv4Prefix> to) { return n.remove_route(value_of(to)); },
           py::arg("to"))
      .def("routes", [](const node::IpNode& n) { return n.routing_table().routes(); })
      .def("arp_table", &node::IpNode::arp_table)
      .def_property("ip_forward", &node::IpNode::ip_forward, &node::IpNode::set_ip_forward)
      .def_property_readonly("primary_address", &node::IpNode::primary_address)
      .def_property_readonly("ip_counters", &node::IpNode::ip_counters);
  def_towards(ip_node, "ping",
              [](auto dest) {
                using Dest = typename decltype(dest)::type;
                return [](node::IpNode& n, const Dest& destination, const py::int_& count, const py::object& interval,
                           const py::object& start, const py::int_& data_len, const py::int_& ttl) -> auto& {
                  node::PingConfig c;
                  c.count = to_int<std::uint32_t>(count, "count", 1);
                  c.interval = to_time(interval, "interval");
                  c.start = to_time(start, "start");
                  c.data_len = to_int<std::uint16_t>(data_len, "data_len");
                  c.ttl = to_int<std::uint8_t>(ttl, "ttl", 1);
                  return start_app<node::Ping>(n, destination, c);
                };
              },
              py::arg("destination"), py::arg("count") = 1, py::arg("interval") = "1s", py::arg("start") = 0,
              py::arg("data_len") = 56, py::arg("ttl") = 64, kRef);

  def_towards(ip_node, "traceroute",
              [](auto dest) {
                using Dest = typename decltype(dest)::type;
                return [](node::IpNode& n, const Dest& destination, const py::int_& max_hops, const py::int_& queries,
                           const py::object& wait, const py::object& start, const py::int_& first_ttl) -> auto& {
                  node::TracerouteConfig c;
                  c.max_hops = to_int<std::uint8_t>(max_hops, "max_hops", 1);
                  c.queries = to_int<std::uint32_t>(queries, "queries", 1, 10);
                  c.wait = to_time(wait, "wait");
                  c.start = to_time(start, "start");
                  c.first_ttl = to_int<std::uint8_t>(first_ttl, "first_ttl", 1);
                  return start_app<node::Traceroute>(n, destination, c);
                };
              },
              py::arg("destination"), py::arg("max_hops") = 30, py::arg("queries") = 3, py::arg("wait") = "5s",
              py::arg("start") = 0, py::arg("first_ttl") = 1, kRef);

  def_towards(ip_node, "udp_flows",
              [](auto dest) {
                using Dest = typename decltype(dest)::type;
                return [](node::IpNode& n, const Dest& destination, const py::int_& port, const py::int_& flows,
                           py::bytes data, const py::object& start, const py::object& gap) -> auto& {
                  node::UdpFlowsConfig c;
                  c.dst_port = to_int<std::uint16_t>(port, "port");
                  c.flows = to_int<std::uint32_t>(flows, "flows");
                  c.data = data;
                  c.start = to_time(start, "start");
                  c.gap = to_time(gap, "gap");
                  return start_app<node::UdpFlows>(n, destination, c);
                };
              },
              py::arg("destination"), py::arg("port"), py::arg("flows"), py::arg("data") = py::bytes(""),
              py::arg("start") = 0, py::arg("gap") = "20us", kRef,
              "`flows` datagrams to destination:port, each from its own ephemeral port: a new flow each.");

  def_towards(ip_node, "udp_send",
              [](auto dest) {
                using Dest = typename decltype(dest)::type;
                return [](node::IpNode& n, const Dest& destination, const py::int_& port, py::bytes data,
                           const py::int_& source_port, const py::object& start, const py::int_& count,
                           const py::object& interval) -> auto& {
                  node::UdpClientConfig c;
                  c.dst_port = to_int<std::uint16_t>(port, "port");
                  c.src_port = to_int<std::uint16_t>(source_port, "source_port");
                  c.data = data;
                  c.start = to_time(start, "start");
                  c.count = to_int<std::uint32_t>(count, "count", 1);
                  c.interval = to_time(interval, "interval");
                  return start_app<node::UdpClient>(n, destination, c);
                };
              },
              py::arg("destination"), py::arg("port"), py::arg("data") = py::bytes(""), py::arg("source_port") = 0,
              py::arg("start") = 0, py::arg("count") = 1, py::arg("interval") = "1s", kRef);

  def_towards(ip_node, "tcp_connect",
              [](auto dest) {
                using Dest = typename decltype(dest)::type;
                return [](node::IpNode& n, const Dest& destination, const py::int_& port, py::bytes data,
                           const py::int_& source_port, const py::object& start) -> auto& {
                  node::TcpClientConfig c;
                  c.dst_port = to_int<std::uint16_t>(port, "port");
                  c.src_port = to_int<std::uint16_t>(source_port, "source_port");
                  c.data = data;
                  c.start = to_time(start, "start");
                  return start_app<node::TcpClient>(n, destination, c);
                };
              },
              py::arg("destination"), py::arg("port"), py::arg("data") = py::bytes(""), py::arg("source_port") = 0,
              py::arg("start") = 0, kRef);
  ip_node.def("udp_listen",
           [](node::IpNode& n, const py::int_& port, py::bytes reply) -> node::UdpResponder& {
             return n.add_application<node::UdpResponder>({to_int<std::uint16_t>(port, "port"), reply});
           },
           py::arg("port"), py::arg("reply") = py::bytes(""), kRef)
      .def(
          "udp_socket",
          [](node::IpNode& n, const py::int_& port) -> node::UdpSocket& {
            return n.add_application<node::UdpSocket>({to_int<std::uint16_t>(port, "port")});
          },
          py::arg("port") = 0, kRef,
           "A UDP socket bound to `port` (0: a free ephemeral port, 32768-60999).")
      .def("tcp_listen",
           [](node::IpNode& n, const py::int_& port, py::bytes reply) -> node::TcpServer& {
             return n.add_application<node::TcpServer>({to_int<std::uint16_t>(port, "port"), reply});
           },
           py::arg("port"), py::arg("reply") = py::bytes(""), kRef)
      .def("tcp_connections",
           [](const node::IpNode& n) {
             return n.tcp_sockets() != nullptr ? n.tcp_sockets()->table() : std::vector<node::TcpSocketInfo>{};
           },
           "The TCP connection table (ss -tan), by four-tuple; TIME_WAIT entries included.")
      .def("configure_tcp",
           [](node::IpNode& n, std::optional<std::uint32_t> syn_retries, std::optional<std::uint32_t> synack_retries,
              std::optional<std::uint32_t> retries2, const py::object& initial_rto, const py::object& time_wait) {
             stack::TcpConfig c = n.tcp().config();
             if (syn_retries) c.syn_retries = *syn_retries;
             if (synack_retries) c.synack_retries = *synack_retries;
             if (retries2) c.retries2 = *retries2;
             if (!initial_rto.is_none()) c.initial_rto = to_time(initial_rto, "initial_rto");
             if (!time_wait.is_none()) c.time_wait = to_time(time_wait, "time_wait");
             n.tcp().set_config(c);
           },
           py::kw_only(), py::arg("syn_retries") = py::none(), py::arg("synack_retries") = py::none(),
           py::arg("retries2") = py::none(), py::arg("initial_rto") = py::none(), py::arg("time_wait") = py::none(),
           "Linux's tcp_syn_retries (6), tcp_synack_retries (5), tcp_retries2 (15), the initial RTO (1s) and "
           "TIME_WAIT (60s), for connections opened afterwards.")
      .def_property_readonly("applications",
                             [](const node::IpNode& n) {
                               std::vector<node::Application*> out;
                               for (const auto& a : n.applications()) out.push_back(a.get());
                               return out;
                             },
                             kRef);

  py::class_<node::Host, node::IpNode>(m, "Host", "A host: an IPv4 stack that does not forward.");
  py::class_<node::Router, node::IpNode>(m, "Router", "A router: an IPv4 stack that forwards (ip_forward=1).");

  py::class_<node::MacTableEntry>(m, "MacTableEntry")
      .def_readonly("mac", &node::MacTableEntry::mac)
      .def_readonly("port", &node::MacTableEntry::port)
      .def_property_readonly("age_ms", [](const node::MacTableEntry& e) { return to_ms(e.age); })
      .def("__repr__", [](const node::MacTableEntry& e) {
        return "<MacTableEntry " + e.mac.to_string() + " on " + e.port + " age " + core::format_duration(e.age) + ">";
      });
  py::class_<node::Switch, node::Node>(m, "Switch", "A learning bridge with ageing, as a Linux bridge.")
      .def("add_port", &node::Switch::add_port, py::arg("name") = "", kRef)
      .def("mac_table", &node::Switch::mac_table)
      .def_property("ageing_time_ns", &node::Switch::ageing_time, &node::Switch::set_ageing_time);

  py::class_<node::RunStop>(m, "RunStop", "Why a run stopped early: which limit (.limit) and why (.message).")
      .def_readonly("limit", &node::RunStop::limit,
                    "'events', 'time', 'trace_bytes', 'frame_bytes' or 'bridge_hops' (set_limits' max_<limit>).")
      .def_readonly("message", &node::RunStop::message)
      .def("__str__", [](const node::RunStop& s) { return s.message; })
      .def("__repr__", [](const node::RunStop& s) { return "<RunStop " + s.limit + ": " + s.message + ">"; });

  py::class_<node::Network>(m, "Network", "One simulation: its clock, RNG, nodes, links and trace.")
      .def(py::init([](const py::int_& seed_arg, const std::string& trace) {
             const auto seed = to_int<std::uint64_t>(seed_arg, "seed");
             // What the trace keeps: "all" (every per-packet event: paths, learning) or "drops"
             // (drops and notable events only, for large runs). Writing it is trace.write_jsonl().
             if (trace != "all" && trace != "drops")
               throw core::ConfigError("Network", "trace", "'" + trace + "' is not a trace level (all, drops)");
             auto net = std::make_unique<node::Network>(seed);
             node::RunLimits limits;
             limits.max_trace_bytes = kDefaultTraceLimit;
             net->set_limits(limits);
             net->trace().set_record_packets(trace == "all");
             net->trace().set_record_translations(true);
             return net;
           }),
           py::arg("seed") = 1, py::arg("trace") = "all")
      .def_property_readonly("seed", &node::Network::seed)
      .def("__repr__", [](const node::Network& net) {
        return "<Network seed=" + std::to_string(net.seed()) + " at " + core::format_duration(net.now()) + ", " +
               std::to_string(net.nodes().size()) + " nodes, " + std::to_string(net.links().size()) + " links>";
      })
      .def_property_readonly("now_ns", &node::Network::now)
      .def("add_host", &node::Network::add_host, py::arg("name"), kRef)
      .def("add_router", &node::Network::add_router, py::arg("name"), kRef)
      .def("add_switch", &node::Network::add_switch, py::arg("name"), kRef)
      .def("connect",
           [](node::Network& net, std::string a, std::string b, const py::object& delay, const py::object& bandwidth,
              const py::int_& queue, const std::string& medium) -> link::Link& {
             return net.connect(a, b, link_config(delay, bandwidth, to_int<std::uint32_t>(queue, "queue", 1), medium));
           },
           py::arg("a"), py::arg("b"), py::arg("delay") = py::none(), py::arg("bandwidth") = py::none(),
           py::arg("queue") = 1000, py::arg("medium") = "ethernet", kRef,
           "Links two interfaces (or an interface and a switch). medium='veth' carries neighbour "
           "confirmations across, as a Linux veth pair does; 'ethernet' (the default) does not.")
      .def("node", &node::Network::node, py::arg("name"), kRef)
      .def("interface", &node::Network::interface, py::arg("endpoint"), kRef)
      .def_property_readonly("nodes",
                             [](const node::Network& net) {
                               std::vector<node::Node*> out;
                               for (const auto& n : net.nodes()) out.push_back(n.get());
                               return out;
                             },
                             kRef)
      .def_property_readonly("links",
                             [](const node::Network& net) {
                               std::vector<link::Link*> out;
                               for (const auto& l : net.links()) out.push_back(l.get());
                               return out;
                             },
                             kRef)
      .def("run",
           [](node::Network& net, const py::object& until) {
             return run_released(net, until.is_none() ? core::kTimeNever : to_time(until, "until"));
           },
           py::arg("until") = py::none(), "Runs until nothing is left to do, or up to `until` (absolute).")
      .def("run_for",
           [](node::Network& net, const py::object& duration) {
             const core::Time t = to_time(duration, "duration");
             return run_released(net, t > core::kTimeNever - net.now() ? core::kTimeNever : net.now() + t);
           },
           py::arg("duration"))
      .def("set_limits",
           [](node::Network& net, std::uint64_t max_events, const py::object& max_time, std::uint64_t max_trace_bytes,
              std::uint64_t max_frame_bytes, std::uint32_t max_bridge_hops) {
             node::RunLimits limits;
             limits.max_events = max_events;
             limits.max_time = max_time.is_none() ? core::kTimeNever : to_time(max_time, "max_time");
             limits.max_trace_bytes = max_trace_bytes;
             limits.max_frame_bytes = max_frame_bytes;
             limits.max_bridge_hops = max_bridge_hops;
             net.set_limits(limits);
           },
           py::kw_only(), py::arg("max_events") = 0, py::arg("max_time") = py::none(), py::arg("max_trace_bytes") = kDefaultTraceLimit,
           py::arg("max_frame_bytes") = node::RunLimits{}.max_frame_bytes,
           py::arg("max_bridge_hops") = node::RunLimits{}.max_bridge_hops,
           "What stops a run early (0 or None: no limit): events in all, simulated time, trace bytes "
           "(file and memory: 4 GiB), bytes of frames in flight (4 GiB), switches one frame may cross (64: a loop). "
           "A run a limit stopped returns normally, warns (vpcsim.RunLimitWarning) and sets stopped_by.")
      .def_property_readonly("limits", [](const node::Network& net) {
        const node::RunLimits& l = net.limits();
        std::map<std::string, py::object> out;
        out["max_events"] = py::cast(l.max_events);
        out["max_time"] = l.max_time == core::kTimeNever ? py::object(py::none()) : py::cast(l.max_time);
        out["max_trace_bytes"] = py::cast(l.max_trace_bytes);
        out["max_frame_bytes"] = py::cast(l.max_frame_bytes);
        out["max_bridge_hops"] = py::cast(l.max_bridge_hops);
        return out;
      }, "The limits set_limits() set, as a dict of its arguments (max_time in ns).")
      .def_property_readonly("stopped_by", [](const node::Network& net) -> std::optional<node::RunStop> {
        return net.stopped_by();
      }, "Why the last run stopped before its end (a RunStop: .limit, .message), or None.")
      .def_property_readonly("pending_events", [](node::Network& net) { return net.simulation().pending_events(); })
      .def_property_readonly("next_event_ns", [](node::Network& net) { return net.simulation().next_event_time(); })
      .def_property_readonly("last_event_ns", [](node::Network& net) { return net.simulation().last_event_time(); },
                             "Time of the last event handled: when a run that went idle really ended.")
      .def_property_readonly("trace", py::overload_cast<>(&node::Network::trace), kRef)
      .def("inject",
           [](node::Network& net, const std::string& endpoint, py::bytes frame) {
             link::Interface& interface = net.interface(endpoint);
             std::string_view bytes = frame;
             wire::Frame f = net.pool().copy_of({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
             f.meta().packet_id = net.context().new_packet_id();
             interface.send(std::move(f));
           },
           py::arg("endpoint"), py::arg("frame"), "Sends raw Ethernet frame bytes out of an interface.");
}

}  // namespace vpcsim::bindings
