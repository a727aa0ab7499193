// The cloud layer (libnet/cloud) for Python: Cloud, its VPCs and what they hold, and explain.
//
// Everything the cloud makes is owned by C++ (the Cloud belongs to its Network, Cloud::attach), so
// objects come back by reference and keep their parent alive: a Subnet keeps its Vpc's Python object,
// which keeps the Cloud's, which keeps the Network's. Rules and routes come back as small rows copied
// out of the tables (with the direction or state that reading them needs), never as references into
// vectors that a later add_* could move.
#include <utility>
#include <variant>
#include <vector>

#include "bindings.h"
#include "libnet/cloud/cloud.h"
#include "libnet/cloud/endpoint.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/node/network.h"
#include "libnet/node/router.h"
#include "libnet/node/switch.h"

// A Vpc holds vectors of unique_ptr, so the standard traits call it copyable and movable while neither
// compiles; pybind11 must not try (a Vpc is only ever handed out by reference).
template <>
struct pybind11::detail::is_copy_constructible<vpcsim::cloud::Vpc> : std::false_type {};
template <>
struct pybind11::detail::is_move_constructible<vpcsim::cloud::Vpc> : std::false_type {};

namespace vpcsim::bindings {
namespace {

namespace cloud = vpcsim::cloud;
constexpr auto kRef = py::return_value_policy::reference_internal;

/// A route as the console shows it: destination, target and state ("active" or "blackhole").
struct RouteRow {
  cloud::CloudRoute route;
  std::string state;
};

/// A security-group rule with the direction that decides whether its peer is a source or destination.
struct SgRuleRow {
  cloud::Direction direction;
  cloud::SgRule rule;
  std::string group;  ///< the peer group's name (the rule's pointer is not handed to Python)
};

struct AclRuleRow {
  cloud::AclDirection direction;
  cloud::AclRule rule;
};

template <class T>
std::vector<T*> pointers(const std::vector<std::unique_ptr<T>>& owned) {
  std::vector<T*> out;
  out.reserve(owned.size());
  for (const auto& p : owned) out.push_back(p.get());
  return out;
}

/// Ports from Python: None (every port), a port, "443" / "1024-65535" / "all", or (low, high).
cloud::RulePorts rule_ports(const py::object& ports, const std::string& object, const std::string& field) {
  if (ports.is_none()) return {};
  if (py::isinstance<py::str>(ports)) return cloud::RulePorts::parse(ports.cast<std::string>(), object, field);
  if (py::isinstance<py::int_>(ports) && !py::isinstance<py::bool_>(ports)) {
    const int port = ports.cast<int>();
    return {port, port};
  }
  if (py::isinstance<py::tuple>(ports) || py::isinstance<py::list>(ports)) {
    const auto pair = ports.cast<std::pair<int, int>>();
    return {pair.first, pair.second};
  }
  throw py::type_error(field + ": ports are None, a port, text such as '1024-65535', or (low, high), not " +
                       py::repr(ports).cast<std::string>());
}

cloud::TrafficSelector traffic(const std::string& proto, const py::object& ports, std::optional<int> icmp_type,
                               std::optional<int> icmp_code, const std::string& object, const std::string& field) {
  cloud::TrafficSelector t{cloud::RuleProtocol::parse(proto, object, field), rule_ports(ports, object, field)};
  if (icmp_type || icmp_code) {
    if (!t.protocol.is_icmp())
      throw core::ConfigError(object, field, "icmp_type and icmp_code are for proto icmp, not " + t.protocol.to_string());
    if (!ports.is_none()) throw core::ConfigError(object, field, "an icmp rule takes icmp_type/icmp_code, not ports");
    t.ports = {icmp_type.value_or(-1), icmp_code.value_or(-1)};
  }
  return t;
}

cloud::SgRule sg_rule(cloud::SecurityGroup& group, const char* field, const std::string& proto, const py::object& ports,
                      std::optional<Arg<wire::Ipv4Prefix>> cidr, const cloud::SecurityGroup* peer,
                      std::optional<int> icmp_type, std::optional<int> icmp_code, std::string description) {
  cloud::SgRule rule;
  rule.traffic = traffic(proto, ports, icmp_type, icmp_code, group.name(), field);
  if (cidr) rule.cidr = value_of(*cidr);
  rule.group = peer;
  rule.description = std::move(description);
  return rule;
}

std::vector<SgRuleRow> sg_rows(const cloud::SecurityGroup& g, cloud::Direction d) {
  std::vector<SgRuleRow> out;
  for (const cloud::SgRule& r : g.rules(d)) out.push_back({d, r, r.group != nullptr ? r.group->name() : ""});
  return out;
}

cloud::AclDirection acl_direction(const std::string& name) {
  if (name == "inbound") return cloud::AclDirection::inbound;
  if (name == "outbound") return cloud::AclDirection::outbound;
  throw py::value_error("direction must be 'inbound' or 'outbound', not '" + name + "'");
}

/// What a route may point at, from Python: one of the objects, or the name of one in the table's VPC.
using RouteTargetArg = std::variant<cloud::InternetGateway*, cloud::NatGateway*, cloud::Instance*, cloud::VpcPeering*,
                                    std::string>;

/// Refuses a route target object of another VPC (or another Cloud's namesake): the route keeps its
/// name, which would then mean this VPC's object of that name, or nothing.
void check_target_vpc(const cloud::RouteTable& table, const cloud::Vpc& target_vpc, const std::string& target) {
  if (&target_vpc == &table.vpc()) return;
  const bool namesake = target_vpc.name() == table.vpc().name();
  throw core::ConfigError(table.name(), "target",
                          target + " belongs to VPC " + target_vpc.name() + (namesake ? " of another Cloud" : "") +
                              ", not to VPC " + table.vpc().name() + " of route table " + table.name());
}

cloud::RouteTarget route_target(const cloud::RouteTable& table, const RouteTargetArg& target) {
  if (auto* const* igw = std::get_if<cloud::InternetGateway*>(&target)) {
    check_target_vpc(table, (*igw)->vpc(), "internet gateway " + (*igw)->name());
    return {cloud::TargetKind::internet_gateway, (*igw)->name()};
  }
  if (auto* const* nat = std::get_if<cloud::NatGateway*>(&target)) {
    check_target_vpc(table, (*nat)->subnet().vpc(), "NAT gateway " + (*nat)->name());
    return {cloud::TargetKind::nat_gateway, (*nat)->name()};
  }
  if (auto* const* instance = std::get_if<cloud::Instance*>(&target)) {
    check_target_vpc(table, (*instance)->subnet().vpc(), "instance " + (*instance)->name());
    return {cloud::TargetKind::instance, (*instance)->name()};
  }
  if (auto* const* peering = std::get_if<cloud::VpcPeering*>(&target)) {
    const cloud::VpcPeering& p = **peering;
    if (!p.joins(table.vpc()))
      throw core::ConfigError(table.name(), "target",
                              "peering connection " + p.name() + " joins VPCs " + p.requester().name() + " and " +
                                  p.accepter().name() + (&p.requester().cloud() != &table.vpc().cloud() ? " of another Cloud" : "") +
                                  ", not VPC " + table.vpc().name() + " of route table " + table.name());
    return {cloud::TargetKind::peering_connection, p.name()};
  }
  // A name: whatever the VPC has by that name. The kinds share one namespace of node names, except
  // peering connections, which are not nodes.
  const std::string& name = std::get<std::string>(target);
  const cloud::Vpc& vpc = table.vpc();
  for (const cloud::TargetKind kind : {cloud::TargetKind::internet_gateway, cloud::TargetKind::nat_gateway,
                                       cloud::TargetKind::instance, cloud::TargetKind::peering_connection})
    if (vpc.target_known({kind, name})) return {kind, name};
  std::string message = "no internet gateway, NAT gateway, instance or peering connection named '";
  message += name;
  message += "' in VPC ";
  message += vpc.name();
  throw core::ConfigError(table.name(), "target", message);
}

std::vector<RouteRow> route_rows(const cloud::RouteTable& table) {
  std::vector<RouteRow> out;
  for (const cloud::CloudRoute& r : table.routes()) out.push_back({r, std::string(table.state_of(r))});
  return out;
}

/// A rule's ports as AWS shows them: "5432", "1024-65535", "all"; for icmp "type 8" or "type 3 code 4".
std::string ports_text(const cloud::TrafficSelector& t) {
  if (!t.protocol.is_icmp() || t.ports.from == -1) return t.ports.to_string();
  std::string text = "type " + std::to_string(t.ports.from);
  if (t.ports.to != -1) text += " code " + std::to_string(t.ports.to);
  return text;
}

template <class T>
std::string text_of(const T& value) {
  return std::string(cloud::to_string(value));
}

/// What AWS does with one subnet block, for `vpcsim subnet --aws`: the addresses it reserves (with
/// what for) and those left for instances.
struct AwsSubnetRules {
  wire::Ipv4Prefix cidr;
  std::vector<std::pair<wire::Ipv4Address, std::string>> reserved;
  wire::Ipv4Address first_usable;
  wire::Ipv4Address last_usable;
  std::uint64_t usable = 0;
};

/// Asks the cloud layer itself, so that the command line repeats none of its rules: a scratch VPC
/// of exactly `cidr` and a subnet filling it (which raises ConfigError where AWS refuses the block),
/// then Subnet::reserved_role of every address and Subnet::usable_addresses.
AwsSubnetRules aws_subnet_rules(const wire::Ipv4Prefix& cidr) {
  node::Network network;
  cloud::Cloud cloud(network);
  const cloud::Subnet& subnet = cloud.add_vpc("vpc", cidr).add_subnet("subnet", cidr);
  AwsSubnetRules rules{cidr, {}, cidr.network(), cidr.network(), subnet.usable_addresses()};
  bool any_usable = false;
  for (std::uint64_t i = 0; i < cidr.num_addresses(); ++i) {
    const wire::Ipv4Address address = cidr.address_at(i);
    if (auto role = subnet.reserved_role(address)) {
      rules.reserved.emplace_back(address, std::move(*role));
    } else {
      if (!any_usable) rules.first_usable = address;
      rules.last_usable = address;
      any_usable = true;
    }
  }
  return rules;
}

}  // namespace

void bind_cloud(py::module_& m) {
  // --- AWS's rules for a subnet block, for the command line ---------------------------------------
  py::class_<AwsSubnetRules>(m, "AwsSubnetRules", "What AWS reserves in one subnet block, and what it leaves usable.")
      .def_readonly("cidr", &AwsSubnetRules::cidr)
      .def_readonly("reserved", &AwsSubnetRules::reserved, "(address, what AWS reserves it for), in address order.")
      .def_readonly("first_usable", &AwsSubnetRules::first_usable)
      .def_readonly("last_usable", &AwsSubnetRules::last_usable)
      .def_readonly("usable", &AwsSubnetRules::usable, "How many addresses instances can have.");
  m.def(
      "aws_subnet_rules", [](Arg<wire::Ipv4Prefix> cidr) { return aws_subnet_rules(value_of(cidr)); }, py::arg("cidr"),
      "AWS's rules for a subnet of exactly `cidr`, from the cloud layer (vpcsim.Subnet.reserved_role, usable_addresses). "
      "Raises ConfigError for a block AWS refuses.");
  m.attr("AWS_MIN_PREFIX_LENGTH") = cloud::Vpc::kMinPrefixLength;
  m.attr("AWS_MAX_PREFIX_LENGTH") = cloud::Vpc::kMaxPrefixLength;

  // --- rules and routes, as rows -----------------------------------------------------------------
  py::class_<RouteRow>(m, "CloudRoute", "A route of a VPC route table: destination, target and state.")
      .def_property_readonly("destination", [](const RouteRow& r) { return r.route.destination; })
      .def_property_readonly("target", [](const RouteRow& r) { return r.route.target.to_string(); },
                             "The target's name, or 'local'.")
      .def_property_readonly("target_kind", [](const RouteRow& r) { return text_of(r.route.target.kind); },
                             "local, internet_gateway, nat_gateway, instance or peering_connection.")
      .def_readonly("state", &RouteRow::state, "'active', or 'blackhole' when the target is gone.")
      .def("__str__", [](const RouteRow& r) { return r.route.to_string() + " (" + r.state + ")"; })
      .def("__repr__", [](const RouteRow& r) { return "<CloudRoute " + r.route.to_string() + " " + r.state + ">"; });

  py::class_<SgRuleRow>(m, "SecurityGroupRule", "One allow rule of a security group.")
      .def_property_readonly("direction", [](const SgRuleRow& r) { return std::string(cloud::to_string(r.direction)); })
      .def_property_readonly("proto", [](const SgRuleRow& r) { return r.rule.traffic.protocol.to_string(); })
      .def_property_readonly("ports", [](const SgRuleRow& r) { return ports_text(r.rule.traffic); },
                             "'all', '5432', '1024-65535'; for icmp 'type 8' or 'type 3 code 4'.")
      .def_property_readonly("traffic", [](const SgRuleRow& r) { return r.rule.traffic.to_string(); })
      .def_property_readonly("cidr", [](const SgRuleRow& r) { return r.rule.cidr; }, "The peer's block, or None.")
      .def_property_readonly("group",
                             [](const SgRuleRow& r) { return r.group.empty() ? std::optional<std::string>() : r.group; },
                             "The peer group's name, or None.")
      .def_property_readonly("description", [](const SgRuleRow& r) { return r.rule.description; })
      .def("__str__", [](const SgRuleRow& r) { return r.rule.to_string(r.direction); })
      .def("__repr__", [](const SgRuleRow& r) {
        return "<SecurityGroupRule " + std::string(cloud::to_string(r.direction)) + " " + r.rule.to_string(r.direction) + ">";
      });

  py::class_<AclRuleRow>(m, "NetworkAclRule", "One numbered rule of a network ACL.")
      .def_property_readonly("direction", [](const AclRuleRow& r) { return std::string(cloud::to_string(r.direction)); })
      .def_property_readonly("number", [](const AclRuleRow& r) { return r.rule.number; })
      .def_property_readonly("proto", [](const AclRuleRow& r) { return r.rule.traffic.protocol.to_string(); })
      .def_property_readonly("ports", [](const AclRuleRow& r) { return ports_text(r.rule.traffic); },
                             "'all', '5432', '1024-65535'; for icmp 'type 8' or 'type 3 code 4'.")
      .def_property_readonly("traffic", [](const AclRuleRow& r) { return r.rule.traffic.to_string(); })
      .def_property_readonly("cidr", [](const AclRuleRow& r) { return r.rule.cidr; })
      .def_property_readonly("action", [](const AclRuleRow& r) { return std::string(r.rule.allow ? "allow" : "deny"); })
      .def("__str__", [](const AclRuleRow& r) { return r.rule.to_string(r.direction); })
      .def("__repr__", [](const AclRuleRow& r) {
        return "<NetworkAclRule " + std::string(cloud::to_string(r.direction)) + " " + r.rule.to_string(r.direction) + ">";
      });

  // Classes named in other classes' signatures are registered first, so that the signatures (and the
  // stubs made from them) name them.
  py::class_<cloud::Vpc> vpc_class(m, "Vpc", "An AWS VPC, compiled onto nodes as it is described; its rules stay live.");

  // --- VPC resources ---------------------------------------------------------------------------
  py::class_<cloud::SecurityGroup>(m, "SecurityGroup",
                                   "A security group: stateful allow rules, enforced at each member instance.")
      .def_property_readonly("name", &cloud::SecurityGroup::name)
      .def_property_readonly("vpc", &cloud::SecurityGroup::vpc, "The VPC's name.")
      .def("add_ingress",
           [](cloud::SecurityGroup& g, const std::string& proto, const py::object& ports,
              std::optional<Arg<wire::Ipv4Prefix>> cidr, std::optional<const cloud::SecurityGroup*> group,
              std::optional<int> icmp_type, std::optional<int> icmp_code, std::string description) {
             g.add_ingress(sg_rule(g, "ingress", proto, ports, cidr, group.value_or(nullptr), icmp_type, icmp_code, std::move(description)));
           },
           py::arg("proto") = "all", py::arg("ports") = py::none(), py::kw_only(), py::arg("cidr") = py::none(),
           py::arg("group") = py::none(), py::arg("icmp_type") = py::none(), py::arg("icmp_code") = py::none(),
           py::arg("description") = "",
           "Allows `proto` (all, tcp, udp, icmp or a number) on `ports` from `cidr` or from members of `group`.")
      .def("add_egress",
           [](cloud::SecurityGroup& g, const std::string& proto, const py::object& ports,
              std::optional<Arg<wire::Ipv4Prefix>> cidr, std::optional<const cloud::SecurityGroup*> group,
              std::optional<int> icmp_type, std::optional<int> icmp_code, std::string description) {
             g.add_egress(sg_rule(g, "egress", proto, ports, cidr, group.value_or(nullptr), icmp_type, icmp_code, std::move(description)));
           },
           py::arg("proto") = "all", py::arg("ports") = py::none(), py::kw_only(), py::arg("cidr") = py::none(),
           py::arg("group") = py::none(), py::arg("icmp_type") = py::none(), py::arg("icmp_code") = py::none(),
           py::arg("description") = "",
           "Allows `proto` on `ports` to `cidr` or to members of `group`. A new group allows all egress until "
           "clear_egress().")
      .def("clear_ingress", &cloud::SecurityGroup::clear_ingress)
      .def("clear_egress", &cloud::SecurityGroup::clear_egress)
      .def_property_readonly("ingress", [](const cloud::SecurityGroup& g) { return sg_rows(g, cloud::Direction::ingress); })
      .def_property_readonly("egress", [](const cloud::SecurityGroup& g) { return sg_rows(g, cloud::Direction::egress); })
      .def_property_readonly("members", &cloud::SecurityGroup::members, "Members' private addresses, sorted.")
      .def("__repr__", [](const cloud::SecurityGroup& g) {
        return "<SecurityGroup " + g.name() + " in " + g.vpc() + ": " + std::to_string(g.ingress().size()) +
               " ingress, " + std::to_string(g.egress().size()) + " egress rules>";
      });

  py::class_<cloud::NetworkAcl>(m, "NetworkAcl", "A network ACL: stateless numbered rules at a subnet's boundary.")
      .def_property_readonly("name", &cloud::NetworkAcl::name)
      .def_property_readonly("vpc", &cloud::NetworkAcl::vpc)
      .def("add_rule",
           [](cloud::NetworkAcl& acl, const std::string& direction, int number, const std::string& proto,
              const py::object& ports, Arg<wire::Ipv4Prefix> cidr, const std::string& action,
              std::optional<int> icmp_type, std::optional<int> icmp_code) {
             const cloud::AclDirection d = acl_direction(direction);
             if (action != "allow" && action != "deny")
               throw py::value_error("action must be 'allow' or 'deny', not '" + action + "'");
             cloud::AclRule rule;
             rule.number = number;
             rule.traffic = traffic(proto, ports, icmp_type, icmp_code, acl.name(), direction);
             rule.cidr = value_of(cidr);
             rule.allow = action == "allow";
             acl.add_rule(d, rule);
           },
           py::arg("direction"), py::arg("number"), py::arg("proto") = "all", py::arg("ports") = py::none(),
           py::arg("cidr") = "0.0.0.0/0", py::arg("action") = "allow", py::kw_only(), py::arg("icmp_type") = py::none(),
           py::arg("icmp_code") = py::none(),
           "Adds rule `number` (1-32766) for `direction` ('inbound' or 'outbound'): `action` ('allow' or 'deny') "
           "`proto` on `ports` from (inbound) or to (outbound) `cidr`.")
      .def("remove_rule",
           [](cloud::NetworkAcl& acl, const std::string& direction, int number) {
             return acl.remove_rule(acl_direction(direction), number);
           },
           py::arg("direction"), py::arg("number"))
      .def("rules",
           [](const cloud::NetworkAcl& acl, const std::string& direction) {
             const cloud::AclDirection d = acl_direction(direction);
             std::vector<AclRuleRow> out;
             for (const cloud::AclRule& r : acl.rules(d)) out.push_back({d, r});
             return out;
           },
           py::arg("direction"), "The numbered rules of one direction, lowest number first (the `*` rule is implicit).")
      .def("__repr__", [](const cloud::NetworkAcl& acl) {
        return "<NetworkAcl " + acl.name() + " in " + acl.vpc() + ": " +
               std::to_string(acl.rules(cloud::AclDirection::inbound).size()) + " inbound, " +
               std::to_string(acl.rules(cloud::AclDirection::outbound).size()) + " outbound rules>";
      });

  py::class_<cloud::RouteTable> route_table(m, "RouteTable",
                                            "A VPC route table: `local`, then routes to gateways, instances, peerings.");
  route_table.def_property_readonly("name", &cloud::RouteTable::name)
      .def_property_readonly("is_main", &cloud::RouteTable::is_main)
      .def_property_readonly("vpc", &cloud::RouteTable::vpc, kRef)
      .def("remove_route", [](cloud::RouteTable& t, Arg<wire::Ipv4Prefix> destination) {
             return t.remove_route(value_of(destination));
           },
           py::arg("destination"))
      .def("routes", &route_rows, "Every route with its state, `local` first.")
      .def("lookup",
           [](const cloud::RouteTable& t, Arg<wire::Ipv4Address> destination) -> std::optional<RouteRow> {
             const auto route = t.lookup(value_of(destination));
             if (!route) return std::nullopt;
             return RouteRow{*route, std::string(t.state_of(*route))};
           },
           py::arg("destination"), "The route `destination` takes (longest prefix), or None.")
      .def("__repr__", [](const cloud::RouteTable& t) {
        return "<RouteTable " + t.name() + (t.is_main() ? " (main)" : "") + " in " + t.vpc().name() + ": " +
               std::to_string(t.routes().size()) + " routes>";
      });

  py::class_<cloud::Subnet>(m, "Subnet", "A subnet: a block of its VPC, a LAN (switch) with the VPC router at base+1.")
      .def_property_readonly("name", &cloud::Subnet::name)
      .def_property_readonly("cidr", &cloud::Subnet::cidr)
      .def_property_readonly("vpc", &cloud::Subnet::vpc, kRef)
      .def_property_readonly("lan", &cloud::Subnet::lan, kRef, "The switch (named after the subnet).")
      .def_property_readonly("route_table", &cloud::Subnet::route_table, kRef,
                             "The associated route table, else the VPC's main table.")
      .def_property_readonly("has_explicit_route_table", &cloud::Subnet::has_explicit_route_table)
      .def("associate", &cloud::Subnet::associate, py::arg("table"))
      .def_property_readonly("network_acl", &cloud::Subnet::network_acl, kRef)
      .def("set_network_acl", &cloud::Subnet::set_network_acl, py::arg("acl"))
      .def_property_readonly("router_address", &cloud::Subnet::router_address)
      .def("reserved_role",
           [](const cloud::Subnet& s, Arg<wire::Ipv4Address> address) { return s.reserved_role(value_of(address)); },
           py::arg("address"), "What AWS reserves `address` for, or None.")
      .def_property_readonly("usable_addresses", &cloud::Subnet::usable_addresses)
      .def_property_readonly("free_addresses", &cloud::Subnet::free_addresses)
      .def("__repr__", [](const cloud::Subnet& s) {
        return "<Subnet " + s.name() + " " + s.cidr().to_string() + " in " + s.vpc().name() + ">";
      });

  // --- nodes the cloud makes -------------------------------------------------------------------
  py::class_<cloud::Endpoint, node::IpNode>(m, "Endpoint",
                                            "A host the cloud knows: an internet host, or (as Instance) an EC2 instance.")
      .def_property_readonly("component_kind", [](const cloud::Endpoint& e) { return text_of(e.component_kind()); })
      .def_property_readonly("alive", &cloud::Endpoint::alive);

  py::class_<cloud::Instance, cloud::Endpoint>(m, "Instance",
                                               "An EC2 instance: eth0 in a subnet, security groups, the "
                                               "source/destination check.")
      .def_property_readonly("subnet", &cloud::Instance::subnet, kRef)
      .def_property_readonly("private_ip", &cloud::Instance::private_ip)
      .def_property_readonly("public_ip", &cloud::Instance::public_ip)
      .def_property_readonly("security_groups", &cloud::Instance::security_groups, kRef)
      .def("add_security_group", &cloud::Instance::add_security_group, py::arg("group"))
      .def_property_readonly("source_dest_check", &cloud::Instance::source_dest_check)
      .def("set_source_dest_check", &cloud::Instance::set_source_dest_check, py::arg("on"),
           "A NAT instance turns the check off (and ip_forward on).")
      .def_property_readonly("tracked_connections",
                             [](const cloud::Instance& i) {
                               return i.tracked_connections() == nullptr ? 0 : i.tracked_connections()->size();
                             },
                             "Flows the security groups track (replies pass whatever the rules say).")
      .def("__repr__", [](const cloud::Instance& i) {
        std::string text = "<Instance " + i.name() + " " + i.private_ip().to_string();
        if (i.public_ip()) text += " public " + i.public_ip()->to_string();
        return text + " in " + i.subnet().name() + (i.alive() ? "" : " (terminated)") + ">";
      });

  py::class_<cloud::VpcRouter, node::IpNode>(m, "VpcRouter",
                                             "The implicit VPC router: base+1 on every subnet, route tables and ACLs.")
      .def_property_readonly("vpc", &cloud::VpcRouter::vpc, kRef);

  py::class_<cloud::InternetGateway, node::NatRouter>(m, "InternetGateway",
                                                      "A VPC's internet gateway: 1:1 NAT of private and public addresses.")
      .def_property_readonly("vpc", &cloud::InternetGateway::vpc, kRef)
      .def_property_readonly("vpc_side_address", &cloud::InternetGateway::vpc_side_address)
      .def_property_readonly("internet_side_address", &cloud::InternetGateway::internet_side_address);

  py::class_<cloud::NatGateway, node::NatRouter>(m, "NatGateway",
                                                 "A NAT gateway: source NAT to its Elastic IP, no inbound connections.")
      .def_property_readonly("subnet", &cloud::NatGateway::subnet, kRef)
      .def_property_readonly("private_ip", &cloud::NatGateway::private_ip)
      .def_property_readonly("public_ip", &cloud::NatGateway::public_ip)
      .def_property_readonly("deleted", &cloud::NatGateway::deleted)
      .def("connections_to",
           [](const cloud::NatGateway& n, Arg<wire::Ipv4Address> address, std::uint16_t port, const std::string& proto) {
             std::uint8_t number = 0;
             if (proto == "tcp") number = wire::kIpProtoTcp;
             else if (proto == "udp") number = wire::kIpProtoUdp;
             else if (proto == "icmp") number = wire::kIpProtoIcmp;
             else throw py::value_error("proto must be 'tcp', 'udp' or 'icmp', not '" + proto + "'");
             return n.connections_to(value_of(address), port, number);
           },
           py::arg("address"), py::arg("port"), py::arg("proto") = "tcp",
           "Live connections to one destination (AWS allows 55,000).");

  py::class_<cloud::VpcPeering>(m, "VpcPeering", "A peering connection between two VPCs (not transitive).")
      .def_property_readonly("name", &cloud::VpcPeering::name)
      .def_property_readonly("requester", &cloud::VpcPeering::requester, kRef)
      .def_property_readonly("accepter", &cloud::VpcPeering::accepter, kRef)
      .def("__repr__", [](const cloud::VpcPeering& p) {
        return "<VpcPeering " + p.name() + " " + p.requester().name() + " <-> " + p.accepter().name() + ">";
      });

  py::class_<cloud::ElasticIp>(m, "ElasticIp", "A public address from the cloud's pool.")
      .def_readonly("name", &cloud::ElasticIp::name)
      .def_readonly("address", &cloud::ElasticIp::address)
      .def_property_readonly("associated_with",
                             [](const cloud::ElasticIp& e) {
                               return e.associated_with.empty() ? std::optional<std::string>() : e.associated_with;
                             })
      .def("__repr__", [](const cloud::ElasticIp& e) {
        return "<ElasticIp " + e.name + " " + e.address.to_string() +
               (e.associated_with.empty() ? "" : " -> " + e.associated_with) + ">";
      });

  route_table.def("add_route",
                  [](cloud::RouteTable& t, Arg<wire::Ipv4Prefix> destination, const RouteTargetArg& target) {
                    t.add_route(value_of(destination), route_target(t, target));
                  },
                  py::arg("destination"), py::arg("target"),
                  "Routes `destination` to an InternetGateway, NatGateway, Instance or VpcPeering (or its name).");

  // --- the VPC ---------------------------------------------------------------------------------
  vpc_class.def_property_readonly("name", &cloud::Vpc::name)
      .def_property_readonly("cidr", &cloud::Vpc::cidr)
      .def_property_readonly("router", &cloud::Vpc::router, kRef)
      .def_property_readonly("dns_address", &cloud::Vpc::dns_address)
      .def("add_subnet",
           [](cloud::Vpc& v, const std::string& name, Arg<wire::Ipv4Prefix> cidr) -> cloud::Subnet& {
             return v.add_subnet(name, value_of(cidr));
           },
           py::arg("name"), py::arg("cidr"), kRef)
      .def("subnet", &cloud::Vpc::subnet, py::arg("name"), kRef)
      .def_property_readonly("subnets", [](const cloud::Vpc& v) { return pointers(v.subnets()); }, kRef)
      .def("subnet_of",
           [](const cloud::Vpc& v, Arg<wire::Ipv4Address> address) { return v.subnet_of(value_of(address)); },
           py::arg("address"), kRef)
      .def_property_readonly("main_route_table", &cloud::Vpc::main_route_table, kRef)
      .def("add_route_table", &cloud::Vpc::add_route_table, py::arg("name"), kRef)
      .def("route_table", &cloud::Vpc::route_table, py::arg("name"), kRef)
      .def_property_readonly("route_tables", [](const cloud::Vpc& v) { return pointers(v.route_tables()); }, kRef)
      .def_property_readonly("default_network_acl", &cloud::Vpc::default_network_acl, kRef)
      .def("add_network_acl", &cloud::Vpc::add_network_acl, py::arg("name"), kRef)
      .def("network_acl", &cloud::Vpc::network_acl, py::arg("name"), kRef)
      .def_property_readonly("network_acls", [](const cloud::Vpc& v) { return pointers(v.network_acls()); }, kRef)
      .def_property_readonly("default_security_group", &cloud::Vpc::default_security_group, kRef)
      .def("add_security_group", &cloud::Vpc::add_security_group, py::arg("name"), kRef)
      .def("security_group", &cloud::Vpc::security_group, py::arg("name"), kRef)
      .def_property_readonly("security_groups", [](const cloud::Vpc& v) { return pointers(v.security_groups()); }, kRef)
      .def("attach_internet_gateway", &cloud::Vpc::attach_internet_gateway, py::arg("name"), kRef)
      .def_property_readonly("internet_gateway", &cloud::Vpc::internet_gateway, kRef)
      .def("add_nat_gateway",
           [](cloud::Vpc& v, const std::string& name, cloud::Subnet& subnet,
              std::optional<Arg<wire::Ipv4Address>> public_ip) -> cloud::NatGateway& {
             return v.add_nat_gateway(name, subnet, public_ip ? std::optional(value_of(*public_ip)) : std::nullopt);
           },
           py::arg("name"), py::arg("subnet"), py::arg("public_ip") = py::none(), kRef,
           "A NAT gateway in `subnet` with `public_ip`, else an Elastic IP from the pool.")
      .def("delete_nat_gateway", &cloud::Vpc::delete_nat_gateway, py::arg("name"),
           "It stops forwarding; routes to it become blackholes.")
      .def_property_readonly("nat_gateways", &cloud::Vpc::nat_gateways, kRef)
      .def("add_instance",
           [](cloud::Vpc& v, const std::string& name, cloud::Subnet& subnet, std::optional<Arg<wire::Ipv4Address>> ip,
              std::optional<Arg<wire::Ipv4Address>> public_ip, bool auto_public_ip,
              const std::vector<std::variant<cloud::SecurityGroup*, std::string>>& security_groups,
              bool source_dest_check) -> cloud::Instance& {
             cloud::InstanceOptions options;
             if (ip) options.ip = value_of(*ip);
             if (public_ip) options.public_ip = value_of(*public_ip);
             options.auto_public_ip = auto_public_ip;
             for (const auto& g : security_groups) {
               if (std::holds_alternative<std::string>(g)) {
                 options.security_groups.push_back(std::get<std::string>(g));
                 continue;
               }
               const cloud::SecurityGroup& group = *std::get<cloud::SecurityGroup*>(g);
               // By name below, so a group object of another VPC must not pass as this VPC's namesake.
               if (group.owner() != &v)
                 throw core::ConfigError(name, "security_groups",
                                         "group " + group.name() + " belongs to VPC " + group.vpc() +
                                             (group.vpc() == v.name() ? " of another Cloud" : "") + ", not to VPC " +
                                             v.name());
               options.security_groups.push_back(group.name());
             }
             options.source_dest_check = source_dest_check;
             return v.add_instance(name, subnet, options);
           },
           py::arg("name"), py::arg("subnet"), py::kw_only(), py::arg("ip") = py::none(),
           py::arg("public_ip") = py::none(), py::arg("auto_public_ip") = false,
           py::arg("security_groups") = std::vector<std::variant<cloud::SecurityGroup*, std::string>>{},
           py::arg("source_dest_check") = true, kRef,
           "An instance in `subnet`: `ip` (else the lowest free address), a public address (`public_ip`, or "
           "`auto_public_ip` for one from the pool), `security_groups` (else the default group).")
      .def("terminate_instance", &cloud::Vpc::terminate_instance, py::arg("name"))
      .def_property_readonly("instances", &cloud::Vpc::instances, kRef)
      .def_property_readonly("peerings", &cloud::Vpc::peerings, kRef)
      .def("__repr__", [](const cloud::Vpc& v) {
        return "<Vpc " + v.name() + " " + v.cidr().to_string() + ": " + std::to_string(v.subnets().size()) +
               " subnets, " + std::to_string(v.instances().size()) + " instances>";
      });

  // --- explain ---------------------------------------------------------------------------------
  py::class_<cloud::ExplainQuery>(m, "ExplainQuery", "Can `from_` reach `to` on `protocol`/`port`?")
      .def(py::init([](std::string from, std::string to, std::string protocol, std::uint16_t port) {
             return cloud::ExplainQuery{std::move(from), std::move(to), std::move(protocol), port};
           }),
           py::arg("from_"), py::arg("to"), py::arg("protocol") = "tcp", py::arg("port") = 0)
      .def_readonly("from_", &cloud::ExplainQuery::from)
      .def_readonly("to", &cloud::ExplainQuery::to)
      .def_readonly("protocol", &cloud::ExplainQuery::protocol)
      .def_readonly("port", &cloud::ExplainQuery::port)
      .def("__repr__", [](const cloud::ExplainQuery& q) {
        return "<ExplainQuery " + q.from + " -> " + q.to + " " + q.protocol +
               (q.protocol == "icmp" ? std::string() : "/" + std::to_string(q.port)) + ">";
      });

  py::class_<cloud::ExplainHop>(m, "ExplainHop", "What one component decided about the probe or its reply.")
      .def_property_readonly(
          "direction", [](const cloud::ExplainHop& h) { return std::string(cloud::to_string(h.direction)); },
          "'request' or 'reply'.")
      .def_property_readonly("kind", [](const cloud::ExplainHop& h) { return text_of(h.kind); })
      .def_readonly("component", &cloud::ExplainHop::component)
      .def_property_readonly("action", [](const cloud::ExplainHop& h) { return std::string(cloud::to_string(h.action)); },
                             "'sent', 'forwarded', 'allowed', 'denied', 'routed', 'translated', 'delivered' or 'dropped'.")
      .def_readonly("detail", &cloud::ExplainHop::detail)
      .def("__repr__", [](const cloud::ExplainHop& h) {
        return "<ExplainHop [" + std::string(cloud::to_string(h.direction)) + "] " + text_of(h.kind) + " " + h.component +
               ": " + std::string(cloud::to_string(h.action)) + ">";
      });

  py::class_<cloud::ExplainAnswer>(m, "ExplainAnswer", "The answer to an ExplainQuery; str() is the text for people.")
      .def_readonly("query", &cloud::ExplainAnswer::query)
      .def_readonly("destination", &cloud::ExplainAnswer::destination, "The address the probe was sent to.")
      .def_readonly("reachable", &cloud::ExplainAnswer::reachable)
      .def_property_readonly("code", [](const cloud::ExplainAnswer& a) { return text_of(a.code); },
                             "REACHABLE, or why not: NO_ROUTE_TO_DESTINATION, ENI_SG_RULES_MISMATCH, ...")
      .def_property_readonly("blocked_direction",
                             [](const cloud::ExplainAnswer& a) {
                               if (a.reachable || !a.blocked_direction) return std::optional<std::string>();
                               return std::optional<std::string>(std::string(cloud::to_string(*a.blocked_direction)));
                             })
      .def_property_readonly("blocked_kind",
                             [](const cloud::ExplainAnswer& a) {
                               return a.reachable ? std::optional<std::string>() : text_of(a.blocked_kind);
                             })
      .def_property_readonly("blocked_by",
                             [](const cloud::ExplainAnswer& a) {
                               return a.reachable ? std::optional<std::string>() : a.blocked_by;
                             })
      .def_readonly("reason", &cloud::ExplainAnswer::reason)
      .def_readonly("suggestion", &cloud::ExplainAnswer::suggestion)
      .def_readonly("hops", &cloud::ExplainAnswer::hops)
      .def("to_text", &cloud::ExplainAnswer::to_text)
      .def("__str__", &cloud::ExplainAnswer::to_text)
      .def("__repr__", [](const cloud::ExplainAnswer& a) {
        return "<ExplainAnswer " + a.query.from + " -> " + a.query.to + ": " +
               (a.reachable ? std::string("reachable") : text_of(a.code) + " at " + a.blocked_by) + ">";
      });

  // --- the cloud ---------------------------------------------------------------------------------
  // Owned by its Network (Cloud::attach), never by Python: the holder does not delete, and the
  // Python object keeps the Network's alive.
  py::class_<cloud::Cloud, std::unique_ptr<cloud::Cloud, py::nodelete>>(
      m, "Cloud", "AWS-style VPCs, the internet and peering, compiled onto the nodes of one Network.")
      .def(py::init([](node::Network& network) { return &cloud::Cloud::attach(network); }), py::arg("network"),
           py::keep_alive<1, 2>(), "A new cloud on `network` (one per network).")
      .def_property_readonly("network", &cloud::Cloud::network, kRef)
      .def("add_vpc",
           [](cloud::Cloud& c, const std::string& name, Arg<wire::Ipv4Prefix> cidr) -> cloud::Vpc& {
             return c.add_vpc(name, value_of(cidr));
           },
           py::arg("name"), py::arg("cidr"), kRef)
      .def("vpc", &cloud::Cloud::vpc, py::arg("name"), kRef)
      .def_property_readonly("vpcs", [](const cloud::Cloud& c) { return pointers(c.vpcs()); }, kRef)
      .def("add_internet_host",
           [](cloud::Cloud& c, const std::string& name, Arg<wire::Ipv4Address> ip) -> cloud::Endpoint& {
             return c.add_internet_host(name, value_of(ip));
           },
           py::arg("name"), py::arg("ip"), kRef, "A host on the internet, outside every VPC.")
      .def_property_readonly("internet_hosts", &cloud::Cloud::internet_hosts, kRef)
      .def_property_readonly("internet_router", &cloud::Cloud::internet_router, kRef,
                             "The router that is the internet (created on first use).")
      .def("add_peering", &cloud::Cloud::add_peering, py::arg("name"), py::arg("requester"), py::arg("accepter"), kRef,
           "Peers two VPCs; each side still needs a route to the other's block.")
      .def("peering",
           [](const cloud::Cloud& c, const std::string& name) -> cloud::VpcPeering& {
             if (cloud::VpcPeering* p = c.find_peering(name)) return *p;
             throw core::ConfigError("cloud", "peerings", "no peering connection named '" + name + "'");
           },
           py::arg("name"), kRef)
      .def("allocate_elastic_ip", &cloud::Cloud::allocate_elastic_ip, py::arg("name") = "", kRef)
      .def_property_readonly("elastic_ips", [](const cloud::Cloud& c) { return pointers(c.elastic_ips()); }, kRef)
      .def("address_of", &cloud::Cloud::address_of, py::arg("to"), py::arg("from_"),
           "The address `to` has seen from `from_`: private from its own or a peered VPC, else public.")
      .def("explain",
           [](cloud::Cloud& c, std::string from, std::string to, std::string protocol, std::uint16_t port,
              const py::object& window) {
             const core::Time w = to_time(window, "window");
             const cloud::ExplainQuery query{std::move(from), std::move(to), std::move(protocol), port};
             RunScope busy(c.network());
             py::gil_scoped_release release;
             return c.explain(query, w);
           },
           py::arg("from_"), py::arg("to"), py::arg("protocol") = "tcp", py::arg("port") = 0,
           py::arg("window") = "5s",
           "Sends one probe (TCP SYN, UDP datagram or ICMP echo) and explains what each component decided "
           "about it and its reply. Runs the network for up to `window` of simulated time.")
      .def("__repr__", [](const cloud::Cloud& c) {
        return "<Cloud: " + std::to_string(c.vpcs().size()) + " VPCs, " + std::to_string(c.internet_hosts().size()) +
               " internet hosts>";
      });
}

}  // namespace vpcsim::bindings
