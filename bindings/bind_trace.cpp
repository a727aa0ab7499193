#include "bindings.h"
#include "libnet/trace/trace_jsonl.h"
#include "libnet/trace/trace_log.h"

namespace vpcsim::bindings {

void bind_trace(py::module_& m) {
  py::class_<trace::TraceEvent>(m, "TraceEvent", "One thing that happened: what, where, when, to which packet, why.")
      .def_readonly("at_ns", &trace::TraceEvent::at)
      .def_property_readonly("kind", [](const trace::TraceEvent& e) { return std::string(trace::to_string(e.kind)); })
      .def_property_readonly("reason", [](const trace::TraceEvent& e) { return std::string(trace::to_string(e.reason)); })
      .def_readonly("node_id", &trace::TraceEvent::node)
      .def_readonly("interface_id", &trace::TraceEvent::interface)
      .def_readonly("packet_id", &trace::TraceEvent::packet_id)
      .def_readonly("detail", &trace::TraceEvent::detail)
      .def("__repr__", [](const trace::TraceEvent& e) {
        std::string text = "<TraceEvent " + core::format_duration(e.at) + " " + std::string(trace::to_string(e.kind));
        if (e.kind == trace::TraceKind::dropped) text += " " + std::string(trace::to_string(e.reason));
        text += " node " + std::to_string(e.node);
        if (e.packet_id != 0) text += " packet " + std::to_string(e.packet_id);
        if (!e.detail.empty()) text += ": " + e.detail;
        return text + ">";
      });

  py::class_<trace::TraceLog>(m, "TraceLog", "The record of one simulation: events and per-node drop counters.")
      .def_property("record_packets", &trace::TraceLog::record_packets, &trace::TraceLog::set_record_packets)
      .def_property("record_translations", &trace::TraceLog::record_translations,
                    &trace::TraceLog::set_record_translations,
                    "NATs note each translation they create (always when record_packets is on)")
      .def_property_readonly("events", &trace::TraceLog::events, py::return_value_policy::reference_internal)
      .def("clear_events", &trace::TraceLog::clear_events)
      .def("write_jsonl", py::overload_cast<const trace::TraceLog&, const std::string&>(&trace::write_jsonl),
           py::arg("path"), "Writes one JSON object per event (trace.jsonl).")
      .def("stream_jsonl",
           [](trace::TraceLog& log, const std::string& path) { log.set_sink(std::make_unique<trace::JsonlStream>(path)); },
           py::arg("path"),
           "From now on writes every event to `path` as it is recorded (the events already kept first), "
           "in the format of write_jsonl; per-packet events are then not kept in `events`. end_stream() "
           "closes the file.")
      .def("end_stream",
           [](trace::TraceLog& log) -> std::uint64_t {
             std::unique_ptr<trace::TraceSink> sink = log.take_sink();
             auto* stream = dynamic_cast<trace::JsonlStream*>(sink.get());
             if (stream == nullptr) return 0;
             stream->close();  // raises ConfigError on a failed write
             return stream->lines();
           },
           "Closes the file stream_jsonl() opened; returns the lines written (0 without a stream).")
      .def_property_readonly("streaming", [](const trace::TraceLog& log) { return log.sink() != nullptr; })
      .def_property_readonly("drops", &trace::TraceLog::drops, "The drops kept, in order.")
      .def("path_of", &trace::TraceLog::path_of, py::arg("packet_id"))
      .def("node_name", &trace::TraceLog::node_name, py::arg("node_id"))
      .def("interface_name", &trace::TraceLog::interface_name, py::arg("interface_id"))
      .def("format", &trace::TraceLog::to_string, py::arg("event"))
      .def("drop_count",
           [](const trace::TraceLog& log, std::uint32_t node, const std::string& reason) {
             for (std::size_t r = 0; r < trace::kDropReasonCount; ++r)
               if (trace::to_string(static_cast<trace::DropReason>(r)) == reason)
                 return log.drop_count(node, static_cast<trace::DropReason>(r));
             throw py::value_error("unknown drop reason '" + reason + "'");
           },
           py::arg("node_id"), py::arg("reason"))
      .def_property_readonly("total_drops", &trace::TraceLog::total_drops)
      .def("__repr__", [](const trace::TraceLog& log) {
        return "<TraceLog " + std::to_string(log.events().size()) + " events, " + std::to_string(log.total_drops()) +
               " drops" + (log.record_packets() ? "" : ", packet events off") + ">";
      });
}

}  // namespace vpcsim::bindings
