#include "bindings.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_interface_address.h"
#include "libnet/wire/ipv4_prefix.h"
#include "libnet/wire/mac_address.h"

namespace vpcsim::bindings {

template <class T>
void value_protocol(py::class_<T>& c, const char* name) {
  c.def("__str__", &T::to_string)
      .def("__repr__", [name](const T& v) { return std::string(name) + "('" + v.to_string() + "')"; })
      .def("__eq__", [](const T& a, const T& b) { return a == b; })
      .def("__lt__", [](const T& a, const T& b) { return a < b; })
      .def("__hash__", [](const T& v) { return std::hash<T>{}(v); });
  py::implicitly_convertible<std::string, T>();
}

void bind_wire(py::module_& m) {
  py::class_<wire::MacAddress> mac(m, "MacAddress", "A 48-bit Ethernet address.");
  mac.def(py::init(&wire::MacAddress::parse), py::arg("text"))
      .def_property_readonly("is_broadcast", &wire::MacAddress::is_broadcast)
      .def_property_readonly("is_multicast", &wire::MacAddress::is_multicast);
  value_protocol(mac, "MacAddress");

  py::class_<wire::Ipv4Address> ip(m, "Ipv4Address", "An IPv4 address.");
  ip.def(py::init(&wire::Ipv4Address::parse), py::arg("text"))
      .def(py::init([](std::uint32_t v) { return wire::Ipv4Address(v); }), py::arg("value"))
      .def("__int__", &wire::Ipv4Address::to_u32)
      .def_property_readonly("is_private", &wire::Ipv4Address::is_private)
      .def_property_readonly("is_multicast", &wire::Ipv4Address::is_multicast);
  value_protocol(ip, "Ipv4Address");

  py::class_<wire::Ipv4Prefix> prefix(m, "Ipv4Prefix", "An IPv4 network: an address with its host bits zero and a length.");
  prefix.def(py::init(&wire::Ipv4Prefix::parse), py::arg("text"))
      .def_static("containing", &wire::Ipv4Prefix::containing, py::arg("address"), py::arg("length"))
      .def_property_readonly("network", &wire::Ipv4Prefix::network)
      .def_property_readonly("length", &wire::Ipv4Prefix::length)
      .def_property_readonly("netmask", &wire::Ipv4Prefix::netmask)
      .def_property_readonly("hostmask", &wire::Ipv4Prefix::hostmask)
      .def_property_readonly("broadcast", &wire::Ipv4Prefix::broadcast)
      .def_property_readonly("first_host", &wire::Ipv4Prefix::first_host)
      .def_property_readonly("last_host", &wire::Ipv4Prefix::last_host)
      .def_property_readonly("num_addresses", &wire::Ipv4Prefix::num_addresses)
      .def("contains", py::overload_cast<wire::Ipv4Address>(&wire::Ipv4Prefix::contains, py::const_), py::arg("address"))
      .def("contains_prefix", py::overload_cast<const wire::Ipv4Prefix&>(&wire::Ipv4Prefix::contains, py::const_),
           py::arg("other"))
      .def("__contains__", py::overload_cast<wire::Ipv4Address>(&wire::Ipv4Prefix::contains, py::const_))
      .def("overlaps", &wire::Ipv4Prefix::overlaps, py::arg("other"))
      .def("split", &wire::Ipv4Prefix::split, py::arg("new_length"))
      .def("address_at", &wire::Ipv4Prefix::address_at, py::arg("index"));
  value_protocol(prefix, "Ipv4Prefix");

  py::class_<wire::Ipv4InterfaceAddress> ifaddr(m, "Ipv4InterfaceAddress",
                                                 "An address with its subnet length, as on an interface: 10.0.1.10/24.");
  ifaddr.def(py::init(&wire::Ipv4InterfaceAddress::parse), py::arg("text"))
      .def_property_readonly("address", &wire::Ipv4InterfaceAddress::address)
      .def_property_readonly("prefix_length", &wire::Ipv4InterfaceAddress::prefix_length)
      .def_property_readonly("subnet", &wire::Ipv4InterfaceAddress::subnet);
  value_protocol(ifaddr, "Ipv4InterfaceAddress");
}

}  // namespace vpcsim::bindings
