// The NLB-style load balancer (node/network_load_balancer.h) for Python: Network.add_network_load_balancer,
// its target groups, listeners, target health, flow choices and health changes.
#include "bindings.h"
#include "libnet/node/network.h"
#include "libnet/node/network_load_balancer.h"

namespace vpcsim::bindings {
namespace {

constexpr auto kRef = py::return_value_policy::reference_internal;

std::uint8_t protocol_of(const std::string& text) {
  if (text == "tcp") return wire::kIpProtoTcp;
  if (text == "udp") return wire::kIpProtoUdp;
  throw core::ConfigError("load balancer", "protocol", "'" + text + "' is not tcp or udp");
}

std::string protocol_name(std::uint8_t protocol) { return protocol == wire::kIpProtoUdp ? "udp" : "tcp"; }

/// "10.0.2.11:80" or ("10.0.2.11", 80).
node::LbTarget target_of(const py::handle& value) {
  if (py::isinstance<py::str>(value)) {
    const std::string text = value.cast<std::string>();
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) throw core::ParseError("target", text, "expected ADDRESS:PORT");
    const std::string port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
      throw core::ParseError("target", text, "the port is not a number in 0..65535");
    return {wire::Ipv4Address::parse(text.substr(0, colon)), static_cast<std::uint16_t>(std::stoul(port))};
  }
  auto pair = value.cast<std::pair<std::string, std::uint16_t>>();
  return {wire::Ipv4Address::parse(pair.first), pair.second};
}

std::string target_text(const node::LbTarget& t) { return t.address.to_string() + ":" + std::to_string(t.port); }

}  // namespace

void bind_lb(py::module_& m) {
  py::class_<node::LbTargetStatus>(m, "LbTargetStatus", "A target of a load balancer: its health and counters.")
      .def_readonly("group", &node::LbTargetStatus::group)
      .def_property_readonly("target", [](const node::LbTargetStatus& s) { return target_text(s.target); })
      .def_property_readonly("address", [](const node::LbTargetStatus& s) { return s.target.address; })
      .def_property_readonly("port", [](const node::LbTargetStatus& s) { return s.target.port; })
      .def_property_readonly("health", [](const node::LbTargetStatus& s) { return std::string(node::to_string(s.health)); })
      .def_readonly("reason", &node::LbTargetStatus::reason)
      .def_readonly("flows", &node::LbTargetStatus::flows, "New flows sent to the target.")
      .def_readonly("checks_passed", &node::LbTargetStatus::checks_passed)
      .def_readonly("checks_failed", &node::LbTargetStatus::checks_failed)
      .def("__repr__", [](const node::LbTargetStatus& s) {
        return "<LbTargetStatus " + s.group + " " + target_text(s.target) + " " + std::string(node::to_string(s.health)) +
               ", " + std::to_string(s.flows) + " flows>";
      });
  py::class_<node::LbFlowChoice>(m, "LbFlowChoice", "Which target a new flow went to.")
      .def_readonly("at_ns", &node::LbFlowChoice::at)
      .def_readonly("flow", &node::LbFlowChoice::flow)
      .def_readonly("group", &node::LbFlowChoice::group)
      .def_property_readonly("target", [](const node::LbFlowChoice& c) { return target_text(c.target); })
      .def_readonly("source_translated", &node::LbFlowChoice::source_translated)
      .def("__repr__", [](const node::LbFlowChoice& c) {
        return "<LbFlowChoice " + c.flow.to_string() + " -> " + target_text(c.target) + ">";
      });
  py::class_<node::LbHealthChange>(m, "LbHealthChange", "A target's health state changing.")
      .def_readonly("at_ns", &node::LbHealthChange::at)
      .def_readonly("group", &node::LbHealthChange::group)
      .def_property_readonly("target", [](const node::LbHealthChange& c) { return target_text(c.target); })
      .def_property_readonly("previous", [](const node::LbHealthChange& c) { return std::string(node::to_string(c.from)); })
      .def_property_readonly("health", [](const node::LbHealthChange& c) { return std::string(node::to_string(c.to)); })
      .def_readonly("reason", &node::LbHealthChange::reason)
      .def("__repr__", [](const node::LbHealthChange& c) {
        return "<LbHealthChange " + core::format_duration(c.at) + " " + c.group + " " + target_text(c.target) + " " +
               std::string(node::to_string(c.from)) + " -> " + std::string(node::to_string(c.to)) + ">";
      });

  py::class_<node::NetworkLoadBalancer, node::NatRouter>(
      m, "NetworkLoadBalancer", "A layer-4 load balancer with AWS Network Load Balancer semantics.")
      .def("add_target_group",
           [](node::NetworkLoadBalancer& lb, std::string name, const std::string& protocol, const std::string& target_type,
              const std::vector<py::object>& targets, bool health_checks, const py::object& health_interval,
              const py::object& health_timeout, std::uint32_t healthy_threshold, std::uint32_t unhealthy_threshold,
              std::uint16_t health_port, const py::object& deregistration_delay, bool connection_termination,
              std::optional<bool> preserve_client_ip) {
             node::LbTargetGroupConfig c;
             c.name = std::move(name);
             c.protocol = protocol_of(protocol);
             if (target_type != "instance" && target_type != "ip")
               throw core::ConfigError(lb.name(), "target group " + c.name, "target_type is instance or ip, not '" + target_type + "'");
             c.type = target_type == "ip" ? node::LbTargetType::ip : node::LbTargetType::instance;
             for (const auto& t : targets) c.targets.push_back(target_of(t));
             c.health.enabled = health_checks;
             c.health.interval = to_time(health_interval, "health_interval");
             c.health.timeout = to_time(health_timeout, "health_timeout");
             c.health.healthy_threshold = healthy_threshold;
             c.health.unhealthy_threshold = unhealthy_threshold;
             c.health.port = health_port;
             c.deregistration_delay = to_time(deregistration_delay, "deregistration_delay");
             c.connection_termination = connection_termination;
             c.preserve_client_ip = preserve_client_ip;
             lb.add_target_group(std::move(c));
           },
           py::arg("name"), py::arg("protocol") = "tcp", py::arg("target_type") = "instance",
           py::arg("targets") = std::vector<py::object>{}, py::arg("health_checks") = true, py::arg("health_interval") = "30s",
           py::arg("health_timeout") = "10s", py::arg("healthy_threshold") = 5, py::arg("unhealthy_threshold") = 2,
           py::arg("health_port") = 0, py::arg("deregistration_delay") = "300s", py::arg("connection_termination") = false,
           py::arg("preserve_client_ip") = py::none(),
           "A target group: targets as 'ADDRESS:PORT' or (address, port); AWS's NLB defaults otherwise.")
      .def("add_listener",
           [](node::NetworkLoadBalancer& lb, std::uint16_t port, std::string target_group, const std::string& protocol) {
             lb.add_listener({protocol_of(protocol), port, std::move(target_group)});
           },
           py::arg("port"), py::arg("target_group"), py::arg("protocol") = "tcp")
      .def("register_target",
           [](node::NetworkLoadBalancer& lb, const std::string& group, const py::object& target) {
             lb.register_target(group, target_of(target));
           },
           py::arg("group"), py::arg("target"))
      .def("deregister_target",
           [](node::NetworkLoadBalancer& lb, const std::string& group, const py::object& target) {
             lb.deregister_target(group, target_of(target));
           },
           py::arg("group"), py::arg("target"), "No new flows at once; gone after the deregistration delay.")
      .def("deregister_target_at",
           [](node::NetworkLoadBalancer& lb, const std::string& group, const py::object& target, const py::object& at) {
             lb.deregister_target_at(group, target_of(target), to_time(at, "at"));
           },
           py::arg("group"), py::arg("target"), py::arg("at"), "Deregisters at simulated time `at` ('40s' or ns).")
      .def_property("tcp_idle_timeout_ns", &node::NetworkLoadBalancer::tcp_idle_timeout,
                    [](node::NetworkLoadBalancer& lb, const py::object& t) { lb.set_tcp_idle_timeout(to_time(t, "tcp_idle_timeout")); })
      .def_property_readonly("listeners", [](const node::NetworkLoadBalancer& lb) {
        std::vector<std::tuple<std::string, std::uint16_t, std::string>> out;
        for (const auto& l : lb.listeners()) out.emplace_back(protocol_name(l.protocol), l.port, l.target_group);
        return out;
      }, "(protocol, port, target group) of each listener.")
      .def("target_health", &node::NetworkLoadBalancer::target_health)
      .def_property_readonly("flow_choices", &node::NetworkLoadBalancer::flow_choices, "The first 100,000 flows' targets.")
      .def_property_readonly("health_changes", &node::NetworkLoadBalancer::health_changes)
      .def_property_readonly("flows_without_target", &node::NetworkLoadBalancer::flows_without_target);

  auto network = py::reinterpret_borrow<py::class_<node::Network>>(m.attr("Network"));
  network.def(
      "add_network_load_balancer",
      [](node::Network& n, std::string name) -> node::NetworkLoadBalancer& {
        return n.add_node<node::NetworkLoadBalancer>(std::move(name));
      },
      py::arg("name"), kRef, "A layer-4 load balancer node (NLB semantics): add interfaces, target groups, listeners.");
}

}  // namespace vpcsim::bindings
