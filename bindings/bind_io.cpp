#include "bindings.h"
#include "libnet/io/describe.h"
#include "libnet/io/interface_capture.h"
#include "libnet/io/pcap_reader.h"
#include "libnet/node/network.h"

namespace vpcsim::bindings {
namespace {
std::span<const std::uint8_t> as_span(std::string_view bytes) {
  return {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
}
}  // namespace

void bind_io(py::module_& m) {
  py::class_<io::InterfaceCapture>(m, "InterfaceCapture", "Writes every frame an interface sends or receives to a pcap.")
      .def_property_readonly("path", &io::InterfaceCapture::path)
      .def_property_readonly("frames", &io::InterfaceCapture::frames)
      .def("flush", &io::InterfaceCapture::flush);
  // The capture keeps the network alive: it holds a tap on one of its interfaces.
  m.def("capture",
        [](node::Network& net, const std::string& endpoint, const std::string& path) {
          return std::make_unique<io::InterfaceCapture>(net.interface(endpoint), path);
        },
        py::arg("network"), py::arg("endpoint"), py::arg("path"), py::keep_alive<0, 1>(),
        "Captures the interface 'node.iface' of `network` to a nanosecond pcap at `path`.");

  py::class_<io::Layer>(m, "Layer", "One decoded protocol layer: a name and its fields in header order.")
      .def_readonly("name", &io::Layer::name)
      .def_readonly("fields", &io::Layer::fields)
      .def("__getitem__",
           [](const io::Layer& l, const std::string& key) {
             if (const std::string* v = l.field(key)) return *v;
             throw py::key_error(key);
           })
      .def("__repr__", [](const io::Layer& l) { return "<Layer " + l.name + ">"; });
  m.def("decode", [](py::bytes frame) { return io::describe(as_span(std::string_view(frame))); }, py::arg("frame"),
        "Decodes an Ethernet frame into its layers (libtins).");
  m.def("describe", [](py::bytes frame) { return io::describe_line(as_span(std::string_view(frame))); }, py::arg("frame"),
        "A one-line, tcpdump-like summary of an Ethernet frame.");
  m.def("format_layers", &io::format_layers, py::arg("layers"));

  py::class_<io::PcapRecord>(m, "PcapRecord")
      .def_readonly("ts_ns", &io::PcapRecord::ts_ns)
      .def_readonly("orig_len", &io::PcapRecord::orig_len)
      .def_property_readonly("data", [](const io::PcapRecord& r) {
        return py::bytes(reinterpret_cast<const char*>(r.bytes.data()), r.bytes.size());
      });
  py::class_<io::PcapReader>(m, "PcapReader", "Reads pcap and pcapng files through libpcap.")
      .def(py::init<std::string>(), py::arg("path"))
      .def("read_all", &io::PcapReader::read_all)
      .def_property_readonly("link_type", &io::PcapReader::link_type)
      .def_property_readonly("link_type_name", &io::PcapReader::link_type_name)
      .def_property_readonly("error", &io::PcapReader::error)
      .def_property_readonly("records_read", &io::PcapReader::records_read);
}

}  // namespace vpcsim::bindings
