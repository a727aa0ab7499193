#include "bindings.h"
#include "libnet/link/interface.h"
#include "libnet/link/link.h"

namespace vpcsim::bindings {

void bind_link(py::module_& m) {
  py::class_<link::InterfaceCounters>(m, "InterfaceCounters")
      .def_readonly("rx_packets", &link::InterfaceCounters::rx_packets)
      .def_readonly("rx_bytes", &link::InterfaceCounters::rx_bytes)
      .def_readonly("tx_packets", &link::InterfaceCounters::tx_packets)
      .def_readonly("tx_bytes", &link::InterfaceCounters::tx_bytes)
      .def_readonly("tx_dropped", &link::InterfaceCounters::tx_dropped)
      .def_readonly("rx_dropped", &link::InterfaceCounters::rx_dropped)
      .def("__repr__", [](const link::InterfaceCounters& c) {
        return "<InterfaceCounters rx " + std::to_string(c.rx_packets) + " packets " + std::to_string(c.rx_bytes) +
               " bytes, tx " + std::to_string(c.tx_packets) + " packets " + std::to_string(c.tx_bytes) + " bytes, " +
               std::to_string(c.tx_dropped) + " tx dropped, " + std::to_string(c.rx_dropped) + " rx dropped>";
      });

  py::class_<link::Interface>(m, "Interface", "A network interface: MAC, IPv4 addresses, MTU, counters, one link.")
      .def_property_readonly("name", &link::Interface::name)
      .def_property_readonly("full_name", &link::Interface::full_name)
      .def_property_readonly("mac", &link::Interface::mac)
      .def_property("mtu", &link::Interface::mtu, &link::Interface::set_mtu)
      .def_property_readonly("addresses",
                             [](const link::Interface& i) {
                               return std::vector<wire::Ipv4InterfaceAddress>(i.addresses().begin(),
                                                                              i.addresses().end());
                             })
      .def_property_readonly("is_connected", &link::Interface::is_connected)
      .def_property_readonly("counters", &link::Interface::counters)
      .def("__repr__", [](const link::Interface& i) {
        std::string text = "<Interface " + i.full_name() + " " + i.mac().to_string();
        for (const auto& a : i.addresses()) text += " " + a.to_string();
        return text + ">";
      });

  py::class_<link::LinkDirectionStats>(m, "LinkDirectionStats")
      .def_readonly("frames", &link::LinkDirectionStats::frames)
      .def_readonly("bytes", &link::LinkDirectionStats::bytes)
      .def_readonly("drops", &link::LinkDirectionStats::drops)
      .def("__repr__", [](const link::LinkDirectionStats& s) {
        return "<LinkDirectionStats " + std::to_string(s.frames) + " frames, " + std::to_string(s.bytes) + " bytes, " +
               std::to_string(s.drops) + " drops>";
      });

  py::class_<link::Link>(m, "Link", "A full-duplex link with delay, bandwidth and a drop-tail queue.")
      .def_property_readonly("a", [](const link::Link& l) -> link::Interface& { return l.end(0); },
                             py::return_value_policy::reference_internal)
      .def_property_readonly("b", [](const link::Link& l) -> link::Interface& { return l.end(1); },
                             py::return_value_policy::reference_internal)
      .def_property_readonly("delay_ns", [](const link::Link& l) { return l.config().delay; })
      .def_property_readonly("bandwidth_bps", [](const link::Link& l) { return l.config().bandwidth_bps; })
      .def_property_readonly("queue", [](const link::Link& l) { return l.config().queue_packets; })
      .def_property_readonly("medium", [](const link::Link& l) { return std::string(to_string(l.config().medium)); },
                             "'ethernet' or 'veth': whether neighbour confirmations cross the link")
      .def("stats", &link::Link::stats, py::arg("side"), "Direction leaving end a (0) or b (1).")
      .def("__repr__", [](const link::Link& l) {
        return "<Link " + l.end(0).full_name() + " <-> " + l.end(1).full_name() + " delay " +
               core::format_duration(l.config().delay) + ">";
      });
}

}  // namespace vpcsim::bindings
