// DNS: servers, stub resolvers, lookups and applications aimed at names (node/dns_server.h,
// node/stub_resolver.h, node/resolving.h), and the IpNode methods that attach them.
#include <map>

#include "bindings.h"
#include "destination.h"
#include "libnet/node/dns_server.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/udp_apps.h"
#include "libnet/node/udp_flows.h"

namespace vpcsim::bindings {
namespace {

constexpr auto kRef = py::return_value_policy::reference_internal;

double to_ms(core::Time t) { return static_cast<double>(t) / 1e6; }

/// A name lookup and nothing else: `getent hosts db`.
class NameLookup final : public node::ResolvingApplication {
 public:
  struct Config {
    std::string name;
    core::Time start = 0;
  };
  NameLookup(node::IpNode& node, Config config) : ResolvingApplication(node, config.name, "lookup", config.start) {}
  void on_lookup(node::IpNode&, const node::LookupResult& result) override { lookup_ = result; }
  node::Outcome outcome() const override {
    return lookup_.status == node::LookupStatus::found ? node::Outcome::reply : ResolvingApplication::outcome();
  }
};

template <class App>
void bind_resolving(py::module_& m, const char* name) {
  py::class_<node::Resolving<App>, node::ResolvingApplication>(m, name);
}

std::vector<node::DnsZone> zones_of(const std::map<std::string, std::vector<std::string>>& zones) {
  std::vector<node::DnsZone> out;
  for (const auto& [origin, lines] : zones) {
    node::DnsZone zone{wire::dns_name_key(origin), {}};
    for (const auto& line : lines) zone.records.push_back(node::parse_zone_record(line, zone.origin));
    out.push_back(std::move(zone));
  }
  return out;
}

std::vector<wire::Ipv4Address> addresses(const std::vector<Arg<wire::Ipv4Address>>& list) {
  std::vector<wire::Ipv4Address> out;
  for (const auto& a : list) out.push_back(value_of(a));
  return out;
}

template <class F>
void add_method(py::handle cls, const char* name, F&& f, const char* doc, auto... extra) {
  cls.attr(name) = py::cpp_function(std::forward<F>(f), py::name(name), py::is_method(cls),
                                    py::sibling(py::getattr(cls, name, py::none())), py::doc(doc), extra...);
}

}  // namespace

void bind_dns_types(py::module_& m) {
  py::class_<node::DnsQueryRecord>(m, "DnsQuery", "One query a stub resolver sent, and what came of it.")
      .def_property_readonly("sent_ms", [](const node::DnsQueryRecord& q) { return to_ms(q.sent_at); })
      .def_readonly("server", &node::DnsQueryRecord::server)
      .def_readonly("name", &node::DnsQueryRecord::name)
      .def_readonly("id", &node::DnsQueryRecord::id)
      .def_readonly("source_port", &node::DnsQueryRecord::src_port)
      .def_readonly("answered", &node::DnsQueryRecord::answered)
      .def_readonly("icmp_error", &node::DnsQueryRecord::icmp_error)
      .def_property_readonly("rcode", [](const node::DnsQueryRecord& q) -> py::object {
        return q.answered ? py::cast(wire::dns_rcode_text(q.rcode)) : py::none();
      })
      .def("__repr__", [](const node::DnsQueryRecord& q) {
        return "<DnsQuery " + q.name + " A to " + q.server.to_string() + ": " +
               (q.answered ? wire::dns_rcode_text(q.rcode) : q.icmp_error ? "ICMP error" : "no answer") + ">";
      });
  py::class_<node::LookupResult>(m, "LookupResult", "A name lookup: the hosts table, then DNS as glibc does it.")
      .def_readonly("name", &node::LookupResult::name)
      .def_property_readonly("status", [](const node::LookupResult& r) { return std::string(node::to_string(r.status)); })
      .def_property_readonly("address", [](const node::LookupResult& r) -> py::object {
        return r.status == node::LookupStatus::found ? py::cast(r.address) : py::none();
      })
      .def_readonly("canonical_name", &node::LookupResult::canonical_name)
      .def_readonly("source", &node::LookupResult::source)
      .def_property_readonly("server", [](const node::LookupResult& r) -> py::object {
        return r.queries.empty() ? py::none() : py::cast(r.server);
      })
      .def_property_readonly("rcode", [](const node::LookupResult& r) -> py::object {
        return r.queries.empty() || !r.queries.back().answered ? py::none() : py::cast(wire::dns_rcode_text(r.rcode));
      })
      .def_readonly("queries", &node::LookupResult::queries)
      .def_property_readonly("duration_ms", [](const node::LookupResult& r) { return to_ms(r.finished_at - r.started_at); })
      .def("__str__", &node::LookupResult::to_string)
      .def("__repr__", [](const node::LookupResult& r) { return "<LookupResult " + r.to_string() + ">"; });

  py::class_<node::ResolvingApplication, node::Application>(
      m, "Resolving", "An application aimed at a name: the lookup, then (if it found an address) the application.")
      .def_property_readonly("name", &node::ResolvingApplication::name)
      .def_property_readonly("lookup", &node::ResolvingApplication::lookup)
      .def_property_readonly("app", &node::ResolvingApplication::started, kRef,
                             "The Ping, UdpClient, ... started with the address; None until then or if the name did not resolve.")
      .def("__repr__", [](const node::ResolvingApplication& a) { return "<" + std::string(a.kind()) + " " + a.name() + ": " + a.summary() + ">"; });
  bind_resolving<node::Ping>(m, "ResolvingPing");
  bind_resolving<node::Traceroute>(m, "ResolvingTraceroute");
  bind_resolving<node::UdpClient>(m, "ResolvingUdpClient");
  bind_resolving<node::UdpFlows>(m, "ResolvingUdpFlows");
  bind_resolving<node::TcpClient>(m, "ResolvingTcpClient");
  py::class_<NameLookup, node::ResolvingApplication>(m, "NameLookup", "A lookup alone (getent hosts NAME).");
}

void bind_dns(py::module_& m) {
  py::class_<node::StubResolver, node::Application>(m, "StubResolver", "A host's resolver: resolv.conf and /etc/hosts.")
      .def_property_readonly("nameservers", [](const node::StubResolver& r) { return r.config().nameservers; })
      .def_property_readonly("search", [](const node::StubResolver& r) { return r.config().search; })
      .def_property_readonly("lookups", &node::StubResolver::lookups)
      .def("__repr__", [](const node::StubResolver& r) { return "<resolver: " + r.summary() + ">"; });

  py::class_<node::DnsServerLogEntry>(m, "DnsServerLogEntry", "A query a DNS server received and its answer.")
      .def_property_readonly("at_ms", [](const node::DnsServerLogEntry& e) { return to_ms(e.at); })
      .def_readonly("client", &node::DnsServerLogEntry::client)
      .def_readonly("client_port", &node::DnsServerLogEntry::client_port)
      .def_readonly("name", &node::DnsServerLogEntry::name)
      .def_property_readonly("type", [](const node::DnsServerLogEntry& e) { return wire::dns_type_text(e.type); })
      .def_property_readonly("rcode", [](const node::DnsServerLogEntry& e) -> py::object {
        return e.answered ? py::cast(wire::dns_rcode_text(e.rcode)) : py::none();
      })
      .def_readonly("answer", &node::DnsServerLogEntry::answer)
      .def_property_readonly("forwarded_to", [](const node::DnsServerLogEntry& e) -> py::object {
        return e.forwarded_to == wire::Ipv4Address() ? py::none() : py::cast(e.forwarded_to);
      })
      .def("__repr__", [](const node::DnsServerLogEntry& e) {
        return "<DnsServerLogEntry " + e.client.to_string() + " " + e.name + " " + wire::dns_type_text(e.type) + ": " +
               (e.answered ? wire::dns_rcode_text(e.rcode) : "unanswered") + ">";
      });
  py::class_<node::DnsServer, node::Application>(m, "DnsServer", "A DNS server: zones of A, CNAME, PTR; forwarders.")
      .def_property_readonly("port", [](const node::DnsServer& s) { return s.config().port; })
      .def_property_readonly("forwarders", [](const node::DnsServer& s) { return s.config().forwarders; })
      .def_property_readonly("log", &node::DnsServer::log)
      .def_property_readonly("queries", &node::DnsServer::queries)
      .def("__repr__", [](const node::DnsServer& s) { return "<dns-server: " + s.summary() + ">"; });


  m.def(
      "parse_zone_record",
      [](const std::string& line, const std::string& origin) {
        const auto r = node::parse_zone_record(line, origin);
        return py::make_tuple(r.name, r.ttl, wire::dns_type_text(r.type),
                              r.type == wire::dns_type::a ? r.address.to_string() : r.target);
      },
      py::arg("line"), py::arg("origin"),
      "A zone-file line read in `origin`: (name, ttl, type, value), or ParseError quoting the line.");
  m.def(
      "check_dns_name",
      [](const std::string& name) {
        const std::string problem = name.empty() ? "empty name" : wire::dns_name_problem(name);
        if (!problem.empty()) throw core::ParseError("DNS name", name, problem);
      },
      py::arg("name"), "ParseError if `name` cannot be a DNS name (empty labels, labels over 63 bytes, over 255 in all).");

  const py::handle ip_node = py::type::of<node::IpNode>();
  add_method(
      ip_node, "add_dns_server",
      [](node::IpNode& n, const std::map<std::string, std::vector<std::string>>& zones,
         const std::vector<Arg<wire::Ipv4Address>>& forwarders, std::uint16_t port,
         const py::object& forward_timeout) -> node::DnsServer& {
        node::DnsServerConfig c;
        c.zones = zones_of(zones);
        c.forwarders = addresses(forwarders);
        c.port = port;
        c.forward_timeout = to_time(forward_timeout, "forward_timeout");
        return n.add_application<node::DnsServer>(std::move(c));
      },
      "A DNS server on UDP `port`: zones {origin: [zone-file lines]}, forwarding other names to `forwarders`.",
      py::arg("zones") = std::map<std::string, std::vector<std::string>>{},
      py::arg("forwarders") = std::vector<Arg<wire::Ipv4Address>>{}, py::arg("port") = 53,
      py::arg("forward_timeout") = "2s", kRef);
  add_method(
      ip_node, "set_resolver",
      [](node::IpNode& n, const std::vector<Arg<wire::Ipv4Address>>& nameservers, const std::vector<std::string>& search,
         const std::map<std::string, Arg<wire::Ipv4Address>>& hosts, std::uint32_t timeout, std::uint32_t attempts,
         std::uint32_t ndots) -> node::StubResolver& {
        if (node::find_resolver(n) != nullptr) throw core::ConfigError(n.name(), "resolver", "the node already has a resolver");
        node::StubResolverConfig c;
        c.nameservers = addresses(nameservers);
        c.search = search;
        for (const auto& [name, address] : hosts) c.hosts.emplace_back(name, value_of(address));
        c.timeout_s = timeout;
        c.attempts = attempts;
        c.ndots = ndots;
        return n.add_application<node::StubResolver>(std::move(c));
      },
      "The node's resolv.conf (nameservers, search, options timeout/attempts/ndots) and /etc/hosts.",
      py::arg("nameservers") = std::vector<Arg<wire::Ipv4Address>>{}, py::arg("search") = std::vector<std::string>{},
      py::arg("hosts") = std::map<std::string, Arg<wire::Ipv4Address>>{}, py::arg("timeout") = 5, py::arg("attempts") = 2,
      py::arg("ndots") = 1, kRef);
  add_method(
      ip_node, "resolver", [](node::IpNode& n) { return node::find_resolver(n); }, "The node's StubResolver, or None.",
      kRef);
  add_method(
      ip_node, "lookup",
      [](node::IpNode& n, const std::string& name, const py::object& start) -> NameLookup& {
        return n.add_application<NameLookup>({name, to_time(start, "start")});
      },
      "Looks `name` up at `start` with the node's resolver (getent hosts NAME).", py::arg("name"), py::arg("start") = 0,
      kRef);
}

}  // namespace vpcsim::bindings
