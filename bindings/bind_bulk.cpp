// Bulk building, for the scenario loader: what Network.add_host (add_router, add_switch),
// IpNode.add_interface, IpNode.set_default_gateway and Network.connect do, for a whole list of items
// in one call. Building 20,000 hosts one call at a
// time spent as long crossing into C++ (argument conversion, a Python object for every interface and
// link returned) as the C++ spent building them.
//
// Each item is done in order, exactly as the single call would do it; the first one that fails
// raises the single call's exception (vpcsim.ConfigError / ParseError, same text) with `index` set
// to the position of that item, so the caller can say which item of its own it was. The items before
// it are done, the ones after it are not.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <pybind11/typing.h>

#include "bindings.h"
#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"

namespace vpcsim::bindings {
namespace {

// The item types, for the signatures (and so the committed stubs) only: the items are read as tuples.
namespace pt = py::typing;
using NodeItems = pt::List<pt::Tuple<py::str, py::str>>;
using InterfaceItems = pt::List<pt::Tuple<py::str, py::str, pt::Optional<py::str>, pt::Optional<py::str>>>;
using GatewayItems = pt::List<pt::Tuple<py::str, py::str>>;
using LinkItems = pt::List<pt::Tuple<py::str, py::str, pt::Optional<py::int_>, pt::Optional<py::int_>, py::int_, py::str>>;
using LinkEnds = pt::List<pt::Tuple<py::str, py::str>>;

std::string_view text_of(py::handle value) {
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
  if (utf8 == nullptr) throw py::error_already_set();
  return {utf8, static_cast<std::size_t>(size)};
}

node::IpNode& ip_node(const node::Network& net, std::string_view name) {
  auto* node = dynamic_cast<node::IpNode*>(&net.node(name));
  if (node == nullptr) throw core::ConfigError(std::string(name), "", "is not a host or router (it has no IP stack)");
  return *node;
}

/// Calls `step(item)` for each item in order; a vpcsim error is raised with the item's index.
template <class Step>
void each(const py::list& items, Step&& step) {
  const std::size_t count = items.size();
  for (std::size_t index = 0; index < count; ++index) {
    try {
      step(py::reinterpret_borrow<py::tuple>(PyList_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(index))));
    } catch (const core::Error& error) {
      py::object raised = python_error(error);
      raised.attr("index") = index;
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(raised.ptr())), raised.ptr());
      throw py::error_already_set();
    }
  }
}

}  // namespace

void bind_bulk(py::module_& m) {
  m.def(
      "interface_address_text",
      [](std::string_view text) { return wire::Ipv4InterfaceAddress::parse(text).to_string(); },
      py::arg("text"),
      "str(Ipv4InterfaceAddress(text)) in one call: the loader checks and normalises one per interface.");
  m.def(
      "add_nodes",
      [](node::Network& net, const NodeItems& items) {
        each(items, [&](const py::tuple& item) {
          const std::string_view kind = text_of(item[0]);
          std::string name(text_of(item[1]));
          if (kind == "host") {
            net.add_host(std::move(name));
          } else if (kind == "router") {
            net.add_router(std::move(name));
          } else if (kind == "switch") {
            net.add_switch(std::move(name));
          } else {
            std::string message = "add_nodes makes hosts, routers and switches, not '";
            message += kind;
            message += "'";
            throw core::ConfigError(std::move(name), "kind", message);
          }
        });
      },
      py::arg("network"), py::arg("items"),
      "For each (kind, name), kind host, router or switch: network.add_host(name) (add_router, "
      "add_switch), without a Python object for each node. A failure raises that call's error with "
      ".index, the item's position.");
  m.def(
      "add_interfaces",
      [](node::Network& net, const InterfaceItems& items) {
        each(items, [&](const py::tuple& item) {
          const std::optional<wire::Ipv4InterfaceAddress> ip =
              item[2].is_none() ? std::nullopt : std::optional(wire::Ipv4InterfaceAddress::parse(text_of(item[2])));
          const std::optional<wire::MacAddress> mac =
              item[3].is_none() ? std::nullopt : std::optional(wire::MacAddress::parse(text_of(item[3])));
          ip_node(net, text_of(item[0])).add_interface(std::string(text_of(item[1])), ip, mac);
        });
      },
      py::arg("network"), py::arg("items"),
      "For each (node, name, ip or None, mac or None): node.add_interface(name, ip, mac). A failure "
      "raises that call's error with .index, the item's position.");
  m.def(
      "set_default_gateways",
      [](node::Network& net, const GatewayItems& items) {
        each(items, [&](const py::tuple& item) {
          ip_node(net, text_of(item[0])).set_default_gateway(wire::Ipv4Address::parse(text_of(item[1])));
        });
      },
      py::arg("network"), py::arg("items"),
      "For each (node, gateway): node.set_default_gateway(gateway). A failure raises that call's error "
      "with .index, the item's position.");
  m.def(
      "connect_all",
      [](node::Network& net, const LinkItems& items) -> LinkEnds {
        LinkEnds ends;
        each(items, [&](const py::tuple& item) {
          link::LinkConfig config;
          if (!item[2].is_none()) config.delay = item[2].cast<core::Time>();
          if (!item[3].is_none()) config.bandwidth_bps = item[3].cast<std::int64_t>();
          config.queue_packets = item[4].cast<std::uint32_t>();
          if (item.size() > 5) config.medium = link::parse_link_medium(text_of(item[5]));
          const link::Link& made = net.connect(text_of(item[0]), text_of(item[1]), config);
          ends.append(py::make_tuple(made.end(0).full_name(), made.end(1).full_name()));
        });
        return ends;
      },
      py::arg("network"), py::arg("items"),
      "For each (a, b, delay ns or None, bandwidth bps or None, queue, medium): network.connect(a, b, ...). "
      "Returns the (a, b) full interface names of each link made (a switch's new port is sw.pN). A "
      "failure raises that call's error with .index, the item's position.");
}

}  // namespace vpcsim::bindings
