#include "bindings.h"
#include "libnet/stack/arp_cache.h"
#include "libnet/stack/routing_table.h"

namespace vpcsim::bindings {

void bind_stack(py::module_& m) {
  py::class_<stack::Route>(m, "Route", "A routing table entry, printed as `ip route` prints it.")
      .def_readonly("destination", &stack::Route::destination)
      .def_property_readonly("type", [](const stack::Route& r) { return std::string(stack::to_string(r.type)); })
      .def_property_readonly("gateway",
                             [](const stack::Route& r) -> py::object {
                               return r.has_gateway() ? py::cast(r.gateway) : py::none();
                             })
      .def_readonly("interface", &stack::Route::interface_name)
      .def_property_readonly("origin", [](const stack::Route& r) { return std::string(stack::to_string(r.origin)); })
      .def("__str__", &stack::Route::to_string)
      .def("__repr__", [](const stack::Route& r) { return "<Route " + r.to_string() + ">"; });

  py::class_<stack::NeighbourEntry>(m, "NeighbourEntry", "An ARP cache entry (ip neigh).")
      .def_readonly("ip", &stack::NeighbourEntry::ip)
      .def_readonly("mac", &stack::NeighbourEntry::mac)
      .def_property_readonly("state", [](const stack::NeighbourEntry& e) { return std::string(stack::to_string(e.state)); })
      .def_readonly("interface", &stack::NeighbourEntry::interface)
      .def("__repr__", [](const stack::NeighbourEntry& e) {
        return "<NeighbourEntry " + e.ip.to_string() + " dev " + e.interface + " lladdr " + e.mac.to_string() + " " +
               std::string(stack::to_string(e.state)) + ">";
      });
}

}  // namespace vpcsim::bindings
