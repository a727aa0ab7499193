// VPC Flow Logs for Python: records as AWS writes them (io/flow_log_record.h), reading a log file
// (io/flow_log_reader.h), and writing logs for a cloud's instances (cloud/flow_log_writer.h) through
// Cloud.flow_logs(...). Thin: every decision is the C++ layer's.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "libnet/cloud/cloud.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/cloud/instance.h"
#include "libnet/io/flow_log_reader.h"
#include "libnet/replay/flow_log_source.h"
#include "libnet/replay/open_source.h"

namespace vpcsim::bindings {
namespace {

namespace cloud = vpcsim::cloud;
constexpr auto kRef = py::return_value_policy::reference_internal;

cloud::FlowLogTraffic traffic_of(const std::string& text) {
  if (text == "ALL") return cloud::FlowLogTraffic::all;
  if (text == "ACCEPT") return cloud::FlowLogTraffic::accept;
  if (text == "REJECT") return cloud::FlowLogTraffic::reject;
  throw core::ConfigError("flow_logs", "traffic", "'" + text + "' is not ALL, ACCEPT or REJECT");
}

cloud::Instance& instance_named(const cloud::Cloud& c, const std::string& name) {
  for (const auto& vpc : c.vpcs())
    if (cloud::Instance* i = vpc->find_instance(name)) return *i;
  throw core::ConfigError("flow_logs", "instances", "no instance named '" + name + "'");
}

const cloud::EniFlowLog& log_named(const cloud::FlowLogWriter& w, const std::string& name) {
  if (const cloud::EniFlowLog* log = w.find(name)) return *log;
  throw core::ConfigError("flow_logs", "instances", "no flow log for '" + name + "' (watch the instance first)");
}

/// What read_flow_log returns: the records and what did not parse.
struct FlowLogFile {
  std::vector<io::FlowLogRecord> records;
  std::vector<std::string> issues;  ///< "<path>:<line>: <why>", the first 100
  std::uint64_t bad_records = 0;
};

}  // namespace

void bind_flow_logs(py::module_& m) {
  py::class_<io::FlowLogRecord>(m, "FlowLogRecord", "One VPC Flow Logs record in the default (version 2) format.")
      .def_readonly("version", &io::FlowLogRecord::version)
      .def_readonly("account_id", &io::FlowLogRecord::account_id)
      .def_readonly("interface_id", &io::FlowLogRecord::interface_id)
      .def_property_readonly("srcaddr", [](const io::FlowLogRecord& r) { return r.srcaddr.to_string(); })
      .def_property_readonly("dstaddr", [](const io::FlowLogRecord& r) { return r.dstaddr.to_string(); })
      .def_readonly("srcport", &io::FlowLogRecord::srcport)
      .def_readonly("dstport", &io::FlowLogRecord::dstport)
      .def_readonly("protocol", &io::FlowLogRecord::protocol)
      .def_readonly("packets", &io::FlowLogRecord::packets)
      .def_readonly("bytes", &io::FlowLogRecord::bytes)
      .def_readonly("start", &io::FlowLogRecord::start)
      .def_readonly("end", &io::FlowLogRecord::end)
      .def_property_readonly("action", [](const io::FlowLogRecord& r) { return std::string(io::to_string(r.action)); })
      .def_property_readonly("log_status", [](const io::FlowLogRecord& r) { return std::string(io::to_string(r.log_status)); })
      .def("to_line", &io::FlowLogRecord::to_line, "The record as one line of the default format.")
      .def("__str__", &io::FlowLogRecord::to_line)
      .def("__eq__", [](const io::FlowLogRecord& a, const io::FlowLogRecord& b) { return a == b; })
      // Equal records print the same line, so the line's hash keeps records usable in sets and dicts.
      .def("__hash__", [](const io::FlowLogRecord& r) { return std::hash<std::string>{}(r.to_line()); })
      .def("__repr__", [](const io::FlowLogRecord& r) { return "<FlowLogRecord " + r.to_line() + ">"; });
  m.def("parse_flow_log_line",
        [](const std::string& line) {
          std::string error;
          auto r = io::parse_flow_log_line(line, error);
          if (!r) throw core::ParseError("flow log record", line, error);
          return *r;
        },
        py::arg("line"), "One line of the default format; raises vpcsim.ParseError saying which field is wrong.");

  py::class_<FlowLogFile>(m, "FlowLogFile", "A flow log read from a file: its records and the lines that did not parse.")
      .def_readonly("records", &FlowLogFile::records)
      .def_readonly("issues", &FlowLogFile::issues)
      .def_readonly("bad_records", &FlowLogFile::bad_records)
      .def("__repr__", [](const FlowLogFile& f) {
        return "<FlowLogFile " + std::to_string(f.records.size()) + " records, " + std::to_string(f.bad_records) + " bad>";
      });
  m.def("read_flow_log",
        [](const std::string& path) {
          FlowLogFile out;
          {
            py::gil_scoped_release release;
            io::FlowLogReader reader(path);
            out.records = reader.read_all();
            for (const auto& issue : reader.issues()) out.issues.push_back(reader.describe(issue));
            out.bad_records = reader.bad_records();
          }
          return out;
        },
        py::arg("path"), "Reads a VPC Flow Logs file (plain or gzip, header optional).");

  m.def("is_flow_log_file", &replay::is_flow_log_file, py::arg("path"),
        "Whether a file starts like a VPC Flow Log (gzip, or text starting with the header or '2 ').");
  m.def("flow_log_epoch",
        [](const std::string& path) {
          py::gil_scoped_release release;
          return replay::FlowLogSource(path).epoch();
        },
        py::arg("path"),
        "The Unix second a replay of the flow log starts at (its earliest record's start): the epoch to give "
        "the replayed network's flow logs so that their records compare with the log's.");

  py::class_<cloud::EniFlowLog>(m, "EniFlowLog", "One network interface's flow log.")
      .def_property_readonly("eni_id", &cloud::EniFlowLog::eni_id)
      .def_property_readonly("instance", &cloud::EniFlowLog::instance)
      .def("records", &cloud::EniFlowLog::records, "The records so far, window by window.")
      .def("__repr__", [](const cloud::EniFlowLog& l) { return "<EniFlowLog " + l.eni_id() + " (" + l.instance() + ")>"; });

  py::class_<cloud::FlowLogWriter>(m, "FlowLogWriter", "The flow logs of a cloud's instances (Cloud.flow_logs).")
      .def("watch",
           [](cloud::FlowLogWriter& w, const std::string& instance, const std::string& eni_id) -> cloud::EniFlowLog& {
             return w.watch(instance_named(w.cloud(), instance), eni_id);
           },
           py::arg("instance"), py::arg("eni_id") = "", kRef)
      .def_property_readonly("logs", [](const cloud::FlowLogWriter& w) {
        std::vector<cloud::EniFlowLog*> out;
        for (const auto& l : w.logs()) out.push_back(l.get());
        return out;
      }, kRef)
      .def("log", &log_named, py::arg("instance"), kRef, "An instance's (or interface id's) log.")
      .def("records", [](const cloud::FlowLogWriter& w, const std::string& name) { return log_named(w, name).records(); },
           py::arg("instance"))
      .def("text", [](const cloud::FlowLogWriter& w, const std::string& name) { return w.text(log_named(w, name)); },
           py::arg("instance"), "The log as a file's text: the header, then one line per record.")
      .def("write", &cloud::FlowLogWriter::write, py::arg("directory"), "Writes <eni>.log per interface; returns the paths.")
      .def_property("epoch", [](const cloud::FlowLogWriter& w) { return w.config().epoch; }, &cloud::FlowLogWriter::set_epoch)
      .def_property_readonly("interval", [](const cloud::FlowLogWriter& w) { return w.config().aggregation_interval; })
      .def("__repr__", [](const cloud::FlowLogWriter& w) {
        return "<FlowLogWriter " + std::to_string(w.logs().size()) + " interfaces>";
      });

  auto cloud_class = py::reinterpret_borrow<py::class_<cloud::Cloud, std::unique_ptr<cloud::Cloud, py::nodelete>>>(m.attr("Cloud"));
  cloud_class.def(
      "flow_logs",
      [](cloud::Cloud& c, const std::optional<std::vector<std::string>>& instances, const py::object& interval,
         std::int64_t epoch, const std::string& account_id, const std::string& traffic,
         const std::map<std::string, std::string>& eni_ids) -> cloud::FlowLogWriter& {
        cloud::FlowLogConfig config;
        config.aggregation_interval = to_time(interval, "interval");
        config.epoch = epoch;
        config.account_id = account_id;
        config.traffic = traffic_of(traffic);
        cloud::FlowLogWriter& w = c.enable_flow_logs(config);
        w.set_epoch(epoch);
        std::vector<cloud::Instance*> chosen;
        if (instances) {
          for (const std::string& name : *instances) chosen.push_back(&instance_named(c, name));
        } else {
          for (const auto& vpc : c.vpcs())
            for (cloud::Instance* i : vpc->instances()) chosen.push_back(i);
        }
        for (cloud::Instance* i : chosen) {
          if (i->flow_log() != nullptr) continue;  // asked again: it is logged already
          const auto id = eni_ids.find(i->name());
          w.watch(*i, id == eni_ids.end() ? std::string() : id->second);
        }
        return w;
      },
      py::arg("instances") = py::none(), py::arg("interval") = "60s", py::arg("epoch") = 0,
      py::arg("account_id") = "123456789012", py::arg("traffic") = "ALL",
      py::arg("eni_ids") = std::map<std::string, std::string>{}, kRef,
      "Turns VPC Flow Logs on for `instances` (all by default): records in AWS's default format, ACCEPT or "
      "REJECT as the security groups and network ACLs decide, per `interval` window; `epoch` is the Unix "
      "time of simulated time 0.");
}

}  // namespace vpcsim::bindings
