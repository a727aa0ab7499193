// The replay engine for Python: Network.replay(capture, at=..., ...) -> Replay, whose tables come back
// as records (lists of dicts, the shape results.json holds) and, through vpcsim.replay, DataFrames.
// Thin: keyword arguments are copied into a replay::ReplayConfig; the engine does the rest.
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include "bindings/bindings.h"
#include "libnet/node/network.h"
#include "libnet/replay/open_source.h"
#include "libnet/replay/pcap_source.h"
#include "libnet/replay/replay_engine.h"

namespace vpcsim::bindings {

namespace {

/// A table row and a table, typed for the stubs (dict[str, Any], list[dict[str, Any]]).
using Record = py::typing::Dict<py::str, py::object>;
using Records = py::typing::List<Record>;
using replay::FlowRecord;
using replay::PacketFate;
using replay::ReplayEngine;

Record flow_record(const FlowRecord& f) {
  Record d;
  d["protocol"] = replay::protocol_name(f.key.protocol);
  d["client"] = f.key.client.to_string();
  d["client_port"] = f.key.client_port;
  d["server"] = f.key.server.to_string();
  d["server_port"] = f.key.server_port;
  d["translated_client"] = f.translated.client.to_string();
  d["translated_client_port"] = f.translated.client_port;
  d["translated_server"] = f.translated.server.to_string();
  d["translated_server_port"] = f.translated.server_port;
  d["packets_to_server"] = f.packets_to_server;
  d["bytes_to_server"] = f.bytes_to_server;
  d["packets_to_client"] = f.packets_to_client;
  d["bytes_to_client"] = f.bytes_to_client;
  d["delivered_to_server"] = f.delivered_to_server;
  d["delivered_to_client"] = f.delivered_to_client;
  d["dropped"] = f.dropped;
  d["answers"] = f.answers;
  d["resets"] = f.resets;
  d["icmp_errors"] = f.icmp_errors;
  d["icmp_error"] = f.icmp_error;
  d["outcome"] = std::string(to_string(f.outcome));
  d["code"] = f.code;
  d["reason"] = f.drop_reason == trace::DropReason::none ? std::string() : std::string(trace::to_string(f.drop_reason));
  d["component"] = f.component;
  d["rule"] = f.rule;
  d["first_sent_ns"] = f.first_sent;
  d["last_sent_ns"] = f.last_sent;
  return d;
}

Record packet_fate(const PacketFate& p) {
  Record d;
  d["index"] = p.index;
  d["record"] = p.record;
  d["side"] = std::string(to_string(p.side));
  d["flow"] = p.flow;
  d["wire_len"] = p.wire_len;
  d["sent_ns"] = p.sent_at;
  d["arrived_ns"] = p.arrived_at;
  d["outcome"] = std::string(to_string(p.outcome));
  d["where"] = p.where;
  d["arrived_as"] = p.arrived_as;
  d["reason"] = p.reason == trace::DropReason::none ? std::string() : std::string(trace::to_string(p.reason));
  d["detail"] = p.detail;
  return d;
}

Record summary_record(const replay::ReplaySummary& s) {
  Record d;
  d["source"] = s.source;
  d["records"] = s.records;
  d["packets"] = s.packets;
  d["sent"] = s.sent;
  d["delivered"] = s.delivered;
  d["dropped"] = s.dropped;
  d["held"] = s.held;
  d["not_sent"] = s.not_sent;
  d["arp_answered"] = s.arp_answered;
  d["absorbed_other"] = s.absorbed_other;
  d["malformed"] = s.malformed;
  d["truncated"] = s.truncated;
  d["adapted"] = s.adapted;
  d["stopped_early"] = s.stopped_early;
  d["flows"] = s.flows;
  d["first_sent_ns"] = s.first_sent;
  d["last_sent_ns"] = s.last_sent;
  return d;
}

replay::Attachment attachment(const std::string& at, const std::optional<std::string>& gateway) {
  replay::Attachment a;
  a.at = at;
  if (gateway) a.gateway = wire::Ipv4Address::parse(*gateway);
  return a;
}

replay::SplitMode split_mode(const std::string& text) {
  if (text == "none") return replay::SplitMode::none;
  if (text == "auto") return replay::SplitMode::automatic;
  if (text == "cidr") return replay::SplitMode::cidr;
  if (text == "mac") return replay::SplitMode::mac;
  throw core::ConfigError("replay", "split", "'" + text + "' is not one of none, auto, cidr, mac");
}

}  // namespace

void bind_replay(py::module_& m) {
  py::class_<ReplayEngine, std::shared_ptr<ReplayEngine>>(
      m, "Replay", "A capture being replayed into a network (Network.replay); its tables once the network ran.")
      .def_property_readonly("name", &ReplayEngine::name)
      .def_property_readonly("source_done", &ReplayEngine::source_done)
      .def_property_readonly("client_port", [](const ReplayEngine& e) { return e.client_port().name(); })
      .def_property_readonly("server_port",
                             [](const ReplayEngine& e) -> std::optional<std::string> {
                               if (e.server_port() == nullptr) return std::nullopt;
                               return e.server_port()->name();
                             })
      .def("summary", [](const ReplayEngine& e) { return summary_record(e.results().summary); },
           "Counts: packets taken, sent, delivered, dropped, held, not sent; source errors.")
      .def("flow_records",
           [](const ReplayEngine& e) {
             Records out;
             for (const FlowRecord& f : e.results().flows) out.append(flow_record(f));
             return out;
           },
           "The flow table: one dict per flow (both directions joined), in order of first packet.")
      .def("packet_records",
           [](const ReplayEngine& e) {
             Records out;
             for (const PacketFate& p : e.results().packets) out.append(packet_fate(p));
             return out;
           },
           "One dict per replayed packet: its side, flow, fate, where it arrived or was dropped.")
      .def("flows",
           [](const ReplayEngine& e) {
             py::list out;
             for (const FlowRecord& f : e.results().flows) out.append(flow_record(f));
             return py::module_::import("vpcsim.replay").attr("flows_frame")(out);
           },
           "flow_records() as a pandas DataFrame.")
      .def("packets",
           [](const ReplayEngine& e) {
             py::list out;
             for (const PacketFate& p : e.results().packets) out.append(packet_fate(p));
             return py::module_::import("vpcsim.replay").attr("packets_frame")(out);
           },
           "packet_records() as a pandas DataFrame.")
      .def("errors",
           [](const ReplayEngine& e) {
             Records out;
             for (const replay::ReplayError& r : e.results().errors) {
               Record d;
               d["file"] = r.file;
               d["offset"] = r.offset;
               d["record"] = r.record;
               d["reason"] = r.reason;
               out.append(d);
             }
             return out;
           },
           "Records that could not be replayed, with file and byte offset.")
      .def("__repr__", [](const ReplayEngine& e) {
        const auto s = e.results().summary;
        return "<Replay " + e.name() + " of " + s.source + ": " + std::to_string(s.sent) + " sent, " +
               std::to_string(s.delivered) + " delivered, " + std::to_string(s.dropped) + " dropped>";
      });

  py::reinterpret_borrow<py::class_<node::Network>>(m.attr("Network"))
      .def(
          "replay",
          [](node::Network& net, const std::string& capture, const std::string& at, std::optional<std::string> server_at,
             std::optional<std::string> gateway, std::optional<std::string> server_gateway,
             std::optional<std::string> split, std::vector<std::string> client_cidrs,
             std::vector<std::string> client_macs, std::vector<std::pair<std::string, std::string>> maps,
             std::vector<std::pair<std::uint16_t, std::uint16_t>> port_maps,
             std::optional<std::pair<std::string, std::string>> endpoints, std::optional<int> ttl, int ttl_sub,
             std::uint32_t mtu, bool fix_checksums, std::optional<double> speed, std::optional<double> pps,
             std::optional<double> mbps, bool topspeed, std::uint32_t loop,
             std::uint64_t limit, core::Time window_start, core::Time window_end, core::Time start, bool verbatim,
             bool record_packets, std::string name) {
            replay::ReplayConfig c;
            c.client = attachment(at, gateway);
            if (server_at) c.server = attachment(*server_at, server_gateway);
            if (split) c.split = split_mode(*split);
            for (const auto& cidr : client_cidrs) c.client_cidrs.push_back(wire::Ipv4Prefix::parse(cidr));
            for (const auto& mac : client_macs) c.client_macs.push_back(wire::MacAddress::parse(mac));
            for (const auto& [from, to] : maps) {
              c.rewrite.addresses.push_back({wire::Ipv4Prefix::parse(from), wire::Ipv4Prefix::parse(to)});
            }
            for (const auto& [from, to] : port_maps) c.rewrite.ports.push_back({from, to});
            if (endpoints) {
              c.rewrite.client_endpoint = wire::Ipv4Address::parse(endpoints->first);
              c.rewrite.server_endpoint = wire::Ipv4Address::parse(endpoints->second);
            }
            if (ttl) c.rewrite.ttl_set = static_cast<std::uint8_t>(*ttl);
            c.rewrite.ttl_decrement = static_cast<std::uint8_t>(ttl_sub);
            c.rewrite.mtu = mtu;
            c.rewrite.fix_checksums = fix_checksums;
            if (int{speed.has_value()} + int{pps.has_value()} + int{mbps.has_value()} + int{topspeed} > 1) {
              throw core::ConfigError("replay", "timing", "give at most one of speed, pps, mbps, topspeed");
            }
            if (speed) c.timing.speed = *speed;
            if (pps) c.timing.mode = replay::TimingMode::pps, c.timing.rate = *pps;
            if (mbps) c.timing.mode = replay::TimingMode::mbps, c.timing.rate = *mbps;
            if (topspeed) c.timing.mode = replay::TimingMode::topspeed;
            c.timing.loop = loop;
            c.timing.limit = limit;
            c.timing.window_start = window_start;
            c.timing.window_end = window_end;
            c.timing.start = start;
            c.verbatim = verbatim;
            c.record_packets = record_packets;
            return replay::replay(net, replay::open_source(capture), std::move(c), std::move(name));
          },
          py::arg("capture"), py::kw_only(), py::arg("at"), py::arg("server_at") = py::none(),
          py::arg("gateway") = py::none(), py::arg("server_gateway") = py::none(), py::arg("split") = py::none(),
          py::arg("client_cidrs") = std::vector<std::string>{}, py::arg("client_macs") = std::vector<std::string>{},
          py::arg("maps") = std::vector<std::pair<std::string, std::string>>{},
          py::arg("port_maps") = std::vector<std::pair<std::uint16_t, std::uint16_t>>{},
          py::arg("endpoints") = py::none(), py::arg("ttl") = py::none(), py::arg("ttl_sub") = 0, py::arg("mtu") = 0,
          py::arg("fix_checksums") = true, py::arg("speed") = py::none(), py::arg("pps") = py::none(),
          py::arg("mbps") = py::none(), py::arg("topspeed") = false, py::arg("loop") = 1, py::arg("limit") = 0, py::arg("window_start") = 0,
          py::arg("window_end") = core::kTimeNever, py::arg("start") = 0, py::arg("verbatim") = false,
          py::arg("record_packets") = true, py::arg("name") = "replay", py::keep_alive<0, 1>(),
          "Replays a capture (pcap/pcapng; Ethernet, LINUX_SLL, LINUX_SLL2, raw IPv4) into this network from a "
          "replay port at `at` (NODE.IFACE or a switch) and, for the server side, `server_at`; returns the Replay "
          "handle. Run the network, then read replay.flows() / packets() / summary(). docs/replay.md has every option.");
}

}  // namespace vpcsim::bindings
