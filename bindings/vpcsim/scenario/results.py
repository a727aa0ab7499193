"""Running and its results: Run executes a built scenario and writes results.json and trace.jsonl."""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from vpcsim import _core
from vpcsim.errors import RunLimitWarning
from vpcsim import tables as _tables
from vpcsim.scenario import dns_items, flow_logs, out_dir
from vpcsim.scenario.cloud_build import explain_result
from vpcsim.scenario.http_results import http_client_result, http_server_result
from vpcsim.scenario.lb_results import lb_result
from vpcsim.scenario.replay_item import replay_result
from vpcsim.scenario.specs import TrafficSpec, _pcap_name

TABLES_AUTO_MAX_NODES = 100  # `tables: auto`: full tables up to this many nodes, their sizes above

if TYPE_CHECKING:  # only as a type: Scenario runs with this module
    from vpcsim.scenario.validated import Scenario

ProgressFn = Callable[[int, int], None]


_NO_ID = 0xFFFFFFFF


class Run:
    """One run of a scenario: the Network, the applications (one per traffic item) and, once
    executed, ``results`` (the dict written to results.json)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        network: Any,
        apps: List[Any],
        destinations: List[Optional[str]],
        captures: List[Any],
        cloud: Any = None,
        captured: Optional[List[str]] = None,
        out: Optional[Path] = None,
        flow_log_writer: Any = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.network = network
        self.cloud = cloud  # the vpcsim.Cloud, when the file has vpcs or internet hosts
        self.flow_logs = flow_log_writer  # the FlowLogWriter, when the file has flow_logs
        self.apps = apps
        self.destinations = destinations
        self.captured = list(scenario.capture) if captured is None else captured  # "node.iface", in order
        self.answers: List[Any] = []  # an ExplainAnswer per explain item, once executed
        self.out = out  # where the pcaps go (OUT/<node>-<iface>.pcap), when built with one
        self._captures = captures
        self.results: Dict[str, Any] = {}
        self.wall_seconds = 0.0
        # How many drops the scenario's own traffic made: the trace's drops after these were recorded
        # while explain's probes ran (they come after the traffic), and are listed apart.
        self._traffic_drops: Optional[int] = None
        self.trace_level = scenario.trace  # all, drops or none (set_levels)
        self.tables_level = scenario.tables  # auto, all or summary
        self.trace_path: Optional[Path] = None  # where the trace is being (or was) streamed
        self.stopped_by: Any = None  # the RunStop of a limit that ended the run early, once executed

    def set_levels(self, trace: str, tables: str) -> None:
        """What the trace keeps and writes, and how results.json shows tables (Scenario.run's levels)."""
        self.trace_level, self.tables_level = trace, tables
        self.network.trace.record_packets = trace == "all"
        self.network.trace.record_translations = True  # they explain outcomes: kept at every level

    def open_trace(self, out: Union[str, "os.PathLike[str]"]) -> None:
        """Streams the trace to OUT/trace.jsonl from now on, as the C++ layer records it (per-packet
        events are then written, not kept); at level `none`, removes a trace an earlier run left
        there, which would read as this run's."""
        directory = out_dir.prepare(out)
        path = directory / "trace.jsonl"
        if self.trace_level == "none":
            if path.is_file():
                path.unlink()
            return
        self.network.trace.stream_jsonl(str(path))
        self.trace_path = path

    def execute(self, until: Optional[int], progress: Optional[ProgressFn] = None) -> None:
        """Runs the simulation to `until` (ns) or until no event is left, then collects the results.

        With `progress` and an end time, runs in slices of simulated time sized to take about a tenth
        of a second each, calling progress(now_ns, until) after each. Slicing does not change what
        happens: the simulation stops between slices with nothing scheduled from outside."""
        net = self.network
        started = time.monotonic()
        with warnings.catch_warnings():
            # A limit's stop is reported by stopped_by (results.json's `stopped`, the CLI's message).
            warnings.simplefilter("ignore", RunLimitWarning)
            self._run_to(until, progress)
        self.stopped_by = net.stopped_by
        # Explain's probes go out once the traffic is done (or the run reached `until`), one by one;
        # not after a limit stopped the run (a storm would stop them too).
        self._traffic_drops = net.trace.total_drops
        if self.stopped_by is None:
            self.answers = [
                self.cloud.explain(e.source, e.to, e.proto, e.port) for e in self.scenario.cloud.explain
            ]
        self.wall_seconds = time.monotonic() - started
        for capture in self._captures:
            capture.flush()
        self._captures = []  # closes the files
        self.results = self._collect()

    def _run_to(self, until: Optional[int], progress: Optional[ProgressFn]) -> None:
        net = self.network
        if until is None:
            net.run()
        elif progress is None:
            net.run(until=until)
        else:
            step = max(until // 1000, 1)
            while True:
                target = min(net.now_ns + step, until)
                t0 = time.monotonic()
                net.run(until=target)
                spent = time.monotonic() - t0
                progress(net.now_ns, until)
                if target >= until or net.stopped_by is not None:
                    break
                if spent < 0.05:
                    step *= 2
                elif spent > 0.2:
                    step = max(step // 2, 1)

    # -- results -----------------------------------------------------------------------------------

    @property
    def traffic(self) -> List[Dict[str, Any]]:
        traffic: List[Dict[str, Any]] = self.results.get("traffic", [])
        return traffic

    @property
    def explained(self) -> List[Dict[str, Any]]:
        explained: List[Dict[str, Any]] = self.results.get("explain", [])
        return explained

    @property
    def failed(self) -> List[Dict[str, Any]]:
        """The traffic and explain items whose expectation was not met."""
        return [t for t in self.traffic + self.explained if t["expect_met"] is False]

    @property
    def all_met(self) -> bool:
        return not self.failed

    def _collect(self) -> Dict[str, Any]:
        net = self.network
        explained = [explain_result(e, a) for e, a in zip(self.scenario.cloud.explain, self.answers)]
        traffic = [self._traffic_result(item, app, dest) for item, app, dest in zip(self.scenario.traffic, self.apps, self.destinations)]
        for item, result in zip(self.scenario.traffic, traffic):
            if item.kind == "listen":
                _add_explain_probes(result, item, explained)
        tables: Dict[str, Any] = {}
        # The file's nodes, then (with a cloud) every node it made, in creation order.
        nodes = [net.node(name) for name in self.scenario.nodes]
        if self.cloud is not None:
            nodes += [node for node in net.nodes if node.name not in self.scenario.nodes]
        detail = self.tables_level
        if detail == "auto":
            detail = "all" if len(nodes) <= TABLES_AUTO_MAX_NODES else "summary"
        for node in nodes:
            if detail == "summary":
                tables[node.name] = _table_counts(node)
            elif isinstance(node, _core.IpNode):
                tables[node.name] = {
                    "arp": [
                        {"ip": str(e.ip), "mac": str(e.mac), "state": e.state, "interface": e.interface}
                        for e in node.arp_table()
                    ],
                    "routes": [str(r) for r in node.routes()],
                }
                if isinstance(node, _core.NatRouter):
                    tables[node.name]["translations"] = _tables.nat_translations_records(node)
            elif isinstance(node, _core.Switch):  # not a replay port (vpcsim replay), which keeps no table
                tables[node.name] = {
                    "macs": [{"mac": str(e.mac), "port": e.port, "age_ms": e.age_ms} for e in node.mac_table()]
                }
        drops = self._drop_records()
        results = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "simulated_seconds": net.now_ns / 1e9,
            # Which limit ended the run early, and why (null: it ran to its end).
            "stopped": None
            if self.stopped_by is None
            else {"limit": self.stopped_by.limit, "message": self.stopped_by.message},
            "traffic": traffic,
            "tables": tables,
            "tables_detail": detail,
            "drops": drops[: self._traffic_drops],
            "explain": explained,
            "explain_drops": drops[self._traffic_drops :] if self._traffic_drops is not None else [],
        }
        if self.cloud is not None:
            results["vpcs"] = {
                vpc.name: {
                    "route_tables": _tables.route_tables_records(vpc),
                    "security_groups": _tables.security_groups_records(vpc),
                    "network_acls": _tables.network_acls_records(vpc),
                }
                for vpc in self.cloud.vpcs
            }
        balancers = {n.name: lb_result(n) for n in nodes if isinstance(n, _core.NetworkLoadBalancer)}
        if balancers:
            results["load_balancers"] = balancers
        if self.flow_logs is not None:
            results["flow_logs"] = flow_logs.results(self.flow_logs)
        dns = dns_items.dns_tables(net, [n.name for n in self.scenario.nodes.values()
                                         if n.dns_server is not None or n.resolver is not None])
        if dns:
            results["dns"] = dns
        return results

    def _traffic_result(self, item: TrafficSpec, app: Any, destination: Optional[str]) -> Dict[str, Any]:
        if item.kind == "replay":
            return replay_result(item, app)
        lookup = None
        if isinstance(app, _core.Resolving):
            lookup = dns_items.lookup_record(app.lookup)
            if app.app is None:  # the name did not resolve: nothing was sent
                return _unresolved_result(item, app, lookup)
            app = app.app
            destination = lookup["address"]
        outcome = app.outcome
        result: Dict[str, Any] = {
            "index": item.index,
            "id": item.id,
            "kind": item.kind,
            "from": item.node,
            "to": destination,
        }
        if lookup is not None:
            result["name"] = item.destination
            result["lookup"] = lookup
        errors: List[Dict[str, Any]] = []
        hops: Optional[List[Dict[str, Any]]] = None
        rtts: List[float]
        if item.kind == "listen" and item.params["protocol"] == "http":
            result.update(http_server_result(app))
            sent, received, rtts = sum(app.responses.values()), app.requests, []
        elif item.kind == "http":
            result.update(http_client_result(item, app))
            sent, received = len(app.exchanges), app.responses
            rtts = [e.response_time_ms for e in app.exchanges if e.response_time_ms is not None]
            errors = tcp_errors(app, destination)
        elif item.kind == "listen" and item.params["protocol"] == "tcp":
            result["protocol"] = "tcp"
            result["port"] = item.params["port"]
            result["connections"] = app.accepted
            sent, received, rtts = app.replied, app.bytes_received, []
        elif item.kind == "listen":
            result["port"] = item.params["port"]
            sent, received, rtts = app.replied, app.received, []
        elif item.kind == "ping":
            sent, received, rtts = app.sent, app.received, list(app.rtt_ms)
            errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
        elif item.kind == "udp" and item.params.get("flows"):
            result["port"] = item.params["port"]
            result["flows"] = app.flows
            sent, received, rtts = app.sent, app.answered, []
            errors = []
            if app.errors:
                errors.append({"from": None, "type": None, "code": None, "text": f"{app.errors} ICMP errors"})
        elif item.kind == "udp":
            result["port"] = item.params["port"]
            result["from_port"] = app.source_port
            sent, received, rtts = app.sent, len(app.replies), list(app.rtt_ms)
            errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
        elif item.kind == "tcp":
            result["port"] = item.params["port"]
            result["from_port"] = app.source_port
            result["state"] = app.state
            result["error"] = app.error
            result["segments_sent"] = app.segments_sent
            result["segments_received"] = app.segments_received
            result["retransmissions"] = app.retransmissions
            result["reply"] = app.reply.decode("utf-8", "replace")
            sent, received = app.bytes_sent, app.bytes_received
            rtts = [app.connect_time_ms] if app.connect_time_ms is not None else []
            errors = tcp_errors(app, destination)
        else:  # traceroute
            hops = []
            sent = received = 0
            rtts = []
            for hop in app.hops:
                for number, probe in enumerate(hop.probes, start=1):
                    sent += 1
                    source = None if probe.source is None else str(probe.source)
                    hops.append({"ttl": hop.ttl, "probe": number, "from": source, "rtt_ms": probe.rtt_ms})
                    if not probe.answered:
                        continue
                    received += 1
                    if source == destination and probe.type == 3:
                        rtts.append(probe.rtt_ms)  # the destination's own answer
                    if probe.type == 3 and not (source == destination and probe.code == 3):
                        errors.append(_error(probe.source, probe.type, probe.code, probe.text))
        if outcome == "unreachable" and not errors:
            # The node could not send at all (no route from it): no ICMP error exists to report.
            errors.append({"from": None, "type": None, "code": None, "text": _send_failure_text(app)})
        sent_unit, received_unit = _UNITS[f"{item.params['protocol']}_listen" if item.kind == "listen" else item.kind]
        if item.kind == "udp" and item.params.get("flows"):
            received_unit = "flows"  # the flows answered
        result.update({"outcome": outcome, "sent": sent, "sent_unit": sent_unit, "received": received,
                       "received_unit": received_unit, "rtt_ms": rtts, "errors": errors})
        if hops is not None:
            result["hops"] = hops
            result["reached"] = app.reached
        result["expect"] = item.expect
        result["expect_met"] = None if item.expect is None else outcome == item.expect
        if item.kind == "http" and item.expect is not None and item.expect.isdigit():
            # expect: 200 — every request answered, each with that status.
            result["expect_met"] = outcome == "reply" and all(s == int(item.expect) for s in app.statuses)
        return result

    def _names(self) -> Tuple[Callable[[int], Optional[str]], Callable[[int], Optional[str]]]:
        """Node and interface names by trace id, looked up once each."""
        log = self.network.trace
        nodes: Dict[int, Optional[str]] = {_NO_ID: None}
        ifaces: Dict[int, Optional[str]] = {_NO_ID: None}

        def node(node_id: int) -> Optional[str]:
            if node_id not in nodes:
                nodes[node_id] = log.node_name(node_id)
            return nodes[node_id]

        def iface(iface_id: int) -> Optional[str]:
            if iface_id not in ifaces:
                ifaces[iface_id] = log.interface_name(iface_id)
            return ifaces[iface_id]

        return node, iface

    def _record(self, event: Any, node: Callable[[int], Optional[str]], iface: Callable[[int], Optional[str]]) -> Dict[str, Any]:
        reason = event.reason
        return {
            "at_ns": event.at_ns,
            "kind": event.kind,
            "node": node(event.node_id),
            "interface": iface(event.interface_id),
            "packet_id": event.packet_id or None,
            "reason": None if reason == "none" else reason,
            "detail": event.detail or None,
        }

    def trace_records(self) -> Iterator[Dict[str, Any]]:
        """One dict per trace event, as written to trace.jsonl: read back from the file when the run
        streamed its trace there (its per-packet events were not kept), else from the events kept."""
        if self.trace_path is not None and not self.network.trace.streaming:
            with open(self.trace_path, encoding="utf-8") as f:
                for line in f:
                    yield json.loads(line)
            return
        node, iface = self._names()
        for event in self.network.trace.events:
            yield self._record(event, node, iface)

    def _drop_records(self) -> List[Dict[str, Any]]:
        node, iface = self._names()
        drops = []
        for event in self.network.trace.drops:  # only the drops cross into Python, not every event
            record = self._record(event, node, iface)
            del record["kind"]
            drops.append(record)
        return drops

    def write(self, out: Union[str, "os.PathLike[str]"]) -> None:
        """Writes OUT/results.json and OUT/trace.jsonl, at the run's trace level (the pcaps were written
        during the run; a trace streamed there since open_trace is closed)."""
        directory = out_dir.prepare(out)
        out_dir.write_text(directory, "results.json", json.dumps(self.results, indent=2, ensure_ascii=False) + "\n")
        trace = self.network.trace
        if trace.streaming:
            trace.end_stream()
        elif self.trace_level != "none" and self.trace_path != directory / "trace.jsonl":
            # Written by the C++ trace layer: the same objects as trace_records(), millions per second.
            self.trace_path = directory / "trace.jsonl"
            trace.write_jsonl(str(self.trace_path))
        if self.flow_logs is not None:
            flow_logs.write(self.flow_logs, directory)

    @property
    def wrote(self) -> List[str]:
        """The names of the files write() writes besides the pcaps."""
        return ["results.json"] + ([] if self.trace_level == "none" else ["trace.jsonl"])

    def pcap_paths(self, out: Union[str, "os.PathLike[str]"]) -> List[Path]:
        return [Path(out) / _pcap_name(e) for e in self.captured]


# What a traffic item's `sent` and `received` count, by kind (listeners by protocol).
_UNITS = {
    "ping": ("packets", "packets"),  # echo requests, echo replies
    "udp": ("datagrams", "datagrams"),
    "tcp": ("bytes", "bytes"),  # payload bytes, first transmissions
    "traceroute": ("probes", "probes"),  # sent, answered
    "udp_listen": ("datagrams", "datagrams"),  # replies sent, datagrams received
    "tcp_listen": ("replies", "bytes"),  # one reply per connection, payload bytes received
    "http": ("requests", "responses"),
    "http_listen": ("responses", "requests"),
}


def _unresolved_result(item: TrafficSpec, app: Any, lookup: Dict[str, Any]) -> Dict[str, Any]:
    """A traffic item whose name did not resolve: the lookup's outcome, and the server that said so."""
    sent_unit, received_unit = _UNITS[item.kind]
    result: Dict[str, Any] = {
        "index": item.index, "id": item.id, "kind": item.kind, "from": item.node, "to": None,
        "name": item.destination, "lookup": lookup,
    }
    if "port" in item.params:
        result["port"] = item.params["port"]
    outcome = app.outcome
    result.update({"outcome": outcome, "sent": 0, "sent_unit": sent_unit, "received": 0,
                   "received_unit": received_unit, "rtt_ms": [],
                   "errors": [{"from": lookup["server"], "type": None, "code": None, "text": _lookup_error(lookup)}]})
    result["expect"] = item.expect
    result["expect_met"] = None if item.expect is None else outcome == item.expect
    return result


def _lookup_error(lookup: Dict[str, Any]) -> str:
    """What the program would print (glibc's gai_strerror), with what the lookup saw."""
    if lookup["status"] == "not_found":
        return f"{lookup['name']}: Name or service not known ({lookup['rcode']})"
    if lookup["status"] == "timeout":
        return f"{lookup['name']}: Temporary failure in name resolution (no answer to {len(lookup['queries'])} queries)"
    return f"{lookup['name']}: Temporary failure in name resolution ({lookup['rcode'] or 'no server reachable'})"


def tcp_errors(app: Any, destination: Optional[str]) -> List[Dict[str, Any]]:
    """What ended a TCP client's (or HTTP client's) connection: ICMP errors, a RST, a send failure."""
    errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
    if app.error == "connection_refused" and not errors:
        errors.append({"from": destination, "type": None, "code": None, "text": "connection refused (RST)"})
    elif app.error == "connection_reset" and not errors:
        errors.append({"from": destination, "type": None, "code": None, "text": "connection reset (RST)"})
    elif app.send_failure is not None:
        errors.append({"from": None, "type": None, "code": None, "text": f"send failed: {app.send_failure}"})
    if getattr(app, "parse_error", None) is not None:
        errors.append({"from": destination, "type": None, "code": None, "text": f"response is not HTTP: {app.parse_error}"})
    return errors


def _add_explain_probes(result: Dict[str, Any], item: TrafficSpec, explained: List[Dict[str, Any]]) -> None:
    """Counts in a listener's result the explain probes delivered to it (to its node, protocol and
    port). A UDP probe is a datagram the listener counts (and answers) like any other. A TCP probe is a
    SYN whose answer the prober resets: no connection, so the outcome stays what the traffic made it
    (a listener's `reply` means a connection), but without this count its row would read "timeout,
    0 received" as if nothing had reached it."""
    probes = sum(
        1
        for e in explained
        if e["proto"] == ("tcp" if item.params["protocol"] == "http" else item.params["protocol"])
        and e["port"] == item.params["port"]
        and any(h["direction"] == "request" and h["action"] == "delivered" and h["component"] == item.node
                for h in e["hops"])
    )
    result["explain_probes"] = probes


def _table_counts(node: Any) -> Dict[str, int]:
    """A node's tables as their sizes: results.json's `tables` on large runs."""
    if not isinstance(node, _core.IpNode):
        return {"macs": len(node.mac_table())}
    counts = {"arp": len(node.arp_table()), "routes": len(node.routes())}
    if isinstance(node, _core.NatRouter):
        counts["translations"] = len(node.translations())
    return counts


def _error(source: Any, icmp_type: int, code: int, text: str) -> Dict[str, Any]:
    return {"from": str(source), "type": icmp_type, "code": code, "text": text}


def _send_failure_text(app: Any) -> str:
    """Why an application could not send: the socket error (e.g. network_unreachable)."""
    failures = app.send_failures if hasattr(app, "send_failures") else []
    if failures:
        first = failures[0]
        return f"send failed: {first[1] if isinstance(first, tuple) else first}"
    return "send failed: the packet could not leave the node (no route)"
