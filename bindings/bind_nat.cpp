// NatRouter, its rules and its translation table (conntrack -L) for Python.
#include <map>

#include "bindings.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"

namespace vpcsim::bindings {
namespace {

std::uint8_t protocol_number(const std::string& name) {
  if (name == "tcp") return wire::kIpProtoTcp;
  if (name == "udp") return wire::kIpProtoUdp;
  throw py::value_error("proto must be 'tcp' or 'udp', not '" + name + "'");
}

stack::PortRange port_range(const std::optional<std::pair<int, int>>& ports) {
  if (!ports) return {};
  const auto [low, high] = *ports;
  if (low < 1 || high > 65535 || low > high)
    throw py::value_error("ports must be (low, high) with 1 <= low <= high <= 65535, not (" + std::to_string(low) +
                          ", " + std::to_string(high) + ")");
  return {static_cast<std::uint16_t>(low), static_cast<std::uint16_t>(high)};
}

/// The ConnTrackTimeouts field a keyword names; a ValueError listing the names for anything else.
core::Time* timeout_field(stack::ConnTrackTimeouts& t, const std::string& name) {
  const std::pair<const char*, core::Time*> fields[] = {
      {"udp", &t.udp_unreplied},         {"udp_stream", &t.udp_stream},         {"icmp", &t.icmp},
      {"tcp_syn_sent", &t.tcp_syn_sent}, {"tcp_syn_recv", &t.tcp_syn_recv},     {"tcp_established", &t.tcp_established},
      {"tcp_fin_wait", &t.tcp_fin_wait}, {"tcp_close_wait", &t.tcp_close_wait}, {"tcp_last_ack", &t.tcp_last_ack},
      {"tcp_time_wait", &t.tcp_time_wait}, {"tcp_close", &t.tcp_close}};
  std::string known;
  for (const auto& [key, field] : fields) {
    if (name == key) return field;
    known += known.empty() ? "" : ", ";
    known += key;
  }
  throw py::value_error("unknown timeout '" + name + "' (known: " + known + ")");
}

}  // namespace

void bind_nat(py::module_& m) {
  py::class_<stack::FlowTuple>(m, "FlowTuple", "A flow in one direction: protocol, addresses, ports (ICMP: echo id).")
      .def_property_readonly("protocol", [](const stack::FlowTuple& t) { return stack::protocol_name(t.protocol); })
      .def_readonly("src", &stack::FlowTuple::src)
      .def_readonly("dst", &stack::FlowTuple::dst)
      .def_readonly("src_port", &stack::FlowTuple::src_port)
      .def_readonly("dst_port", &stack::FlowTuple::dst_port)
      .def("__str__", &stack::FlowTuple::to_string)
      .def("__repr__", [](const stack::FlowTuple& t) { return "<FlowTuple " + t.to_string() + ">"; })
      .def("__eq__", [](const stack::FlowTuple& a, const stack::FlowTuple& b) { return a == b; })
      .def("__hash__", [](const stack::FlowTuple& t) { return static_cast<std::size_t>(t.hash() >> 1); });

  py::class_<node::Translation>(m, "Translation", "One conntrack entry of a NAT box, as `conntrack -L` shows it.")
      .def_readonly("original", &node::Translation::original)
      .def_readonly("reply", &node::Translation::reply)
      .def_property_readonly("protocol", [](const node::Translation& t) { return stack::protocol_name(t.original.protocol); })
      .def_property_readonly("state", [](const node::Translation& t) { return std::string(stack::to_string(t.state)); })
      .def_property_readonly("tcp_state",
                             [](const node::Translation& t) { return std::string(stack::to_string(t.tcp_state)); })
      .def_readonly("source_translated", &node::Translation::source_translated)
      .def_readonly("destination_translated", &node::Translation::destination_translated)
      .def_readonly("expires_in_ns", &node::Translation::expires_in)
      .def("__repr__", [](const node::Translation& t) {
        return "<Translation " + t.original.to_string() + " | reply " + t.reply.to_string() + " " +
               std::string(stack::to_string(t.state)) + ", expires in " + core::format_duration(t.expires_in) + ">";
      });

  py::class_<node::NatCounters>(m, "NatCounters")
      .def_readonly("flows_translated", &node::NatCounters::flows_translated)
      .def_readonly("packets_translated", &node::NatCounters::packets_translated)
      .def_readonly("port_exhausted", &node::NatCounters::port_exhausted)
      .def_readonly("unmapped_inbound", &node::NatCounters::unmapped_inbound)
      .def("__repr__", [](const node::NatCounters& c) {
        return "<NatCounters flows_translated=" + std::to_string(c.flows_translated) +
               " packets_translated=" + std::to_string(c.packets_translated) +
               " port_exhausted=" + std::to_string(c.port_exhausted) +
               " unmapped_inbound=" + std::to_string(c.unmapped_inbound) + ">";
      });

  py::class_<node::NatRouter, node::IpNode>(m, "NatRouter",
                                            "A router that tracks connections and translates: SNAT/masquerade, "
                                            "port forwarding (DNAT) and 1:1 NAT, as iptables does.")
      .def("add_snat",
           [](node::NatRouter& n, Arg<wire::Ipv4Prefix> source, std::string out,
              std::optional<Arg<wire::Ipv4Address>> to, std::optional<std::pair<int, int>> ports) {
             n.add_snat(stack::SnatRule{value_of(source), std::move(out), to ? value_of(*to) : wire::Ipv4Address(),
                                        port_range(ports)});
           },
           py::arg("source"), py::arg("out"), py::arg("to") = py::none(), py::arg("ports") = py::none(),
           "Source NAT for flows from `source` leaving through `out`: masquerade as out's address, or as `to`.")
      .def("add_dnat",
           [](node::NatRouter& n, const std::string& proto, std::uint16_t port, std::string interface,
              Arg<wire::Ipv4Address> to, std::optional<std::uint16_t> to_port) {
             n.add_dnat(stack::DnatRule{protocol_number(proto), port, std::move(interface), value_of(to),
                                        to_port.value_or(0)});
           },
           py::arg("proto"), py::arg("port"), py::arg("interface"), py::arg("to"), py::arg("to_port") = py::none(),
           "Port forwarding: new `proto` flows to this box's `port` arriving on `interface` go to `to`:`to_port`.")
      .def("add_one_to_one",
           [](node::NatRouter& n, Arg<wire::Ipv4Address> private_address, Arg<wire::Ipv4Address> public_address) {
             n.add_one_to_one(stack::OneToOneRule{value_of(private_address), value_of(public_address)});
           },
           py::arg("private"), py::arg("public"))
      .def("set_timeouts",
           [](node::NatRouter& n, const std::map<std::string, py::object>& durations) {
             stack::ConnTrackTimeouts t = n.conntrack().timeouts();
             for (const auto& [name, value] : durations) *timeout_field(t, name) = to_time(value, name.c_str());
             n.set_timeouts(t);
           },
           py::arg("timeouts"),
           "Conntrack timeouts for flows seen from now on, by name, as durations ('60s' or ns): udp, udp_stream, "
           "icmp, tcp_syn_sent, tcp_syn_recv, tcp_established, tcp_fin_wait, tcp_close_wait, tcp_last_ack, "
           "tcp_time_wait, tcp_close. Names not given keep their value.")
      .def_property_readonly("timeouts_ns",
                             [](node::NatRouter& n) {
                               stack::ConnTrackTimeouts t = n.conntrack().timeouts();
                               std::map<std::string, core::Time> out;
                               for (const char* key : {"udp", "udp_stream", "icmp", "tcp_syn_sent", "tcp_syn_recv",
                                                       "tcp_established", "tcp_fin_wait", "tcp_close_wait",
                                                       "tcp_last_ack", "tcp_time_wait", "tcp_close"})
                                 out[key] = *timeout_field(t, key);
                               return out;
                             })
      .def("translations", &node::NatRouter::translations, "Live conntrack entries, oldest first.")
      .def_property_readonly("nat_counters", &node::NatRouter::nat_counters)
      .def_property_readonly("conntrack_size", [](const node::NatRouter& n) { return n.conntrack().size(); });

  // Defined here rather than with the rest of Network so that its signature names the class above.
  py::reinterpret_borrow<py::class_<node::Network>>(m.attr("Network"))
      .def("add_nat", &node::Network::add_nat, py::arg("name"), py::return_value_policy::reference_internal,
           "A NAT box: a router that tracks connections and translates.");
}

}  // namespace vpcsim::bindings
