"""Running and its results: Run executes a built scenario and writes results.json and trace.jsonl."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from vpcsim import _core
from vpcsim import tables as _tables
from vpcsim.scenario.cloud_build import explain_result
from vpcsim.scenario.specs import TrafficSpec, _pcap_name

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
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.network = network
        self.cloud = cloud  # the vpcsim.Cloud, when the file has vpcs or internet hosts
        self.apps = apps
        self.destinations = destinations
        self.captured = list(scenario.capture) if captured is None else captured  # "node.iface", in order
        self.answers: List[Any] = []  # an ExplainAnswer per explain item, once executed
        self.out = out  # where the pcaps go (OUT/<node>-<iface>.pcap), when built with one
        self._captures = captures
        self.results: Dict[str, Any] = {}
        self.wall_seconds = 0.0

    def execute(self, until: Optional[int], progress: Optional[ProgressFn] = None) -> None:
        """Runs the simulation to `until` (ns) or until no event is left, then collects the results.

        With `progress` and an end time, runs in slices of simulated time sized to take about a tenth
        of a second each, calling progress(now_ns, until) after each. Slicing does not change what
        happens: the simulation stops between slices with nothing scheduled from outside."""
        net = self.network
        started = time.monotonic()
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
                if target >= until:
                    break
                if spent < 0.05:
                    step *= 2
                elif spent > 0.2:
                    step = max(step // 2, 1)
        # Explain's probes go out once the traffic is done (or the run reached `until`), one by one.
        self.answers = [
            self.cloud.explain(e.source, e.to, e.proto, e.port) for e in self.scenario.cloud.explain
        ]
        self.wall_seconds = time.monotonic() - started
        for capture in self._captures:
            capture.flush()
        self._captures = []  # closes the files
        self.results = self._collect()

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
        traffic = [self._traffic_result(item, app, dest) for item, app, dest in zip(self.scenario.traffic, self.apps, self.destinations)]
        tables: Dict[str, Any] = {}
        # The file's nodes, then (with a cloud) every node it made, in creation order.
        nodes = [net.node(name) for name in self.scenario.nodes]
        if self.cloud is not None:
            nodes += [node for node in net.nodes if node.name not in self.scenario.nodes]
        for node in nodes:
            if isinstance(node, _core.IpNode):
                tables[node.name] = {
                    "arp": [
                        {"ip": str(e.ip), "mac": str(e.mac), "state": e.state, "interface": e.interface}
                        for e in node.arp_table()
                    ],
                    "routes": [str(r) for r in node.routes()],
                }
                if isinstance(node, _core.NatRouter):
                    tables[node.name]["translations"] = _tables.nat_translations_records(node)
            else:
                tables[node.name] = {
                    "macs": [{"mac": str(e.mac), "port": e.port, "age_ms": e.age_ms} for e in node.mac_table()]
                }
        drops = self._drop_records()
        results = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "simulated_seconds": net.now_ns / 1e9,
            "traffic": traffic,
            "tables": tables,
            "drops": drops,
            "explain": [explain_result(e, a) for e, a in zip(self.scenario.cloud.explain, self.answers)],
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
        return results

    def _traffic_result(self, item: TrafficSpec, app: Any, destination: Optional[str]) -> Dict[str, Any]:
        outcome = app.outcome
        result: Dict[str, Any] = {
            "index": item.index,
            "id": item.id,
            "kind": item.kind,
            "from": item.node,
            "to": destination,
        }
        errors: List[Dict[str, Any]] = []
        hops: Optional[List[Dict[str, Any]]] = None
        rtts: List[float]
        if item.kind == "listen" and item.params["protocol"] == "tcp":
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
            errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
            if app.error == "connection_refused" and not errors:
                errors.append({"from": destination, "type": None, "code": None, "text": "connection refused (RST)"})
            elif app.error == "connection_reset" and not errors:
                errors.append({"from": destination, "type": None, "code": None, "text": "connection reset (RST)"})
            elif app.send_failure is not None:
                errors.append({"from": None, "type": None, "code": None, "text": f"send failed: {app.send_failure}"})
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
        result.update({"outcome": outcome, "sent": sent, "received": received, "rtt_ms": rtts, "errors": errors})
        if hops is not None:
            result["hops"] = hops
            result["reached"] = app.reached
        result["expect"] = item.expect
        result["expect_met"] = None if item.expect is None else outcome == item.expect
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
        """One dict per trace event, as written to trace.jsonl."""
        node, iface = self._names()
        for event in self.network.trace.events:
            yield self._record(event, node, iface)

    def _drop_records(self) -> List[Dict[str, Any]]:
        node, iface = self._names()
        drops = []
        for event in self.network.trace.events:
            if event.kind == "dropped":
                record = self._record(event, node, iface)
                del record["kind"]
                drops.append(record)
        return drops

    def write(self, out: Union[str, "os.PathLike[str]"]) -> None:
        """Writes OUT/results.json and OUT/trace.jsonl (the pcaps were written during the run)."""
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / "results.json", "w", encoding="utf-8", newline="\n") as f:
            json.dump(self.results, f, indent=2, ensure_ascii=False)
            f.write("\n")
        # Written by the C++ trace layer: the same objects as trace_records(), millions per second.
        self.network.trace.write_jsonl(str(directory / "trace.jsonl"))

    def pcap_paths(self, out: Union[str, "os.PathLike[str]"]) -> List[Path]:
        return [Path(out) / _pcap_name(e) for e in self.captured]


def _error(source: Any, icmp_type: int, code: int, text: str) -> Dict[str, Any]:
    return {"from": str(source), "type": icmp_type, "code": code, "text": text}


def _send_failure_text(app: Any) -> str:
    """Why an application could not send: the socket error (e.g. network_unreachable)."""
    failures = app.send_failures if hasattr(app, "send_failures") else []
    if failures:
        first = failures[0]
        return f"send failed: {first[1] if isinstance(first, tuple) else first}"
    return "send failed: the packet could not leave the node (no route)"
