"""Building: a Scenario onto a new vpcsim Network, its simulator errors reported at their field."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Union

from vpcsim import _core
from vpcsim.errors import ConfigError, ParseError
from vpcsim.scenario import cloud_build
from vpcsim.scenario.errors import ScenarioError
from vpcsim.scenario.fields import _looks_like_address, _suggest
from vpcsim.scenario.location import _At
from vpcsim.scenario.results import Run
from vpcsim.scenario.specs import NatSpec, RouteSpec, TrafficSpec, _pcap_name

if TYPE_CHECKING:  # only as a type: Scenario builds with this module
    from vpcsim.scenario.validated import Scenario


class _Builder:
    def __init__(self, scenario: Scenario, seed: int, out: Union[str, "os.PathLike[str]", None]) -> None:
        self.sc = scenario
        self.seed = seed
        self.out = None if out is None else Path(out)

    def guarded(self, at: _At, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except ScenarioError:
            raise
        except (ConfigError, ParseError) as error:
            raise at.error(str(error)) from None

    def build(self) -> "Run":
        sc = self.sc
        net = _core.Network(seed=self.seed)
        net.trace.record_packets = sc.trace_packets
        add = {"host": net.add_host, "router": net.add_router, "switch": net.add_switch, "nat": net.add_nat}
        # The hot loops call the simulator directly in a try block rather than through guarded():
        # with tens of thousands of nodes, a closure per call is a good part of the build.
        made: Dict[str, Any] = {}
        specs = list(sc.nodes.values())
        if all(node.kind in _BULK_KINDS for node in specs):
            # One call for all the nodes, and no Python object for each (made stays empty).
            try:
                _core.add_nodes(net, [(node.kind, node.name) for node in specs])
            except (ConfigError, ParseError) as error:
                raise specs[error.index].at.error(str(error)) from None
        else:
            for node in sc.nodes.values():
                try:
                    made[node.name] = add[node.kind](node.name)
                except (ConfigError, ParseError) as error:
                    raise node.at.error(str(error)) from None
        ip_nodes = [node for node in sc.nodes.values() if node.kind != "switch"]
        # Interfaces, default gateways and links go to the simulator in one bulk call each: one call
        # per object spent as long crossing into C++ as C++ spent building. A bulk call stops at the
        # first item that fails; what the one-by-one order would have reported first still is.
        # Addresses were checked by the validator: text goes straight to the simulator.
        ifaces = [(node.name, iface) for node in ip_nodes for iface in node.interfaces]
        failed = _bulk(_core.add_interfaces, net, [(name, i.name, i.ip, i.mac) for name, i in ifaces])
        for name, iface in ifaces[: len(ifaces) if failed is None else failed[0]]:
            if iface.mtu is not None:
                created = net.interface(f"{name}.{iface.name}")
                self.guarded(iface.mtu_at, partial(setattr, created, "mtu", iface.mtu))
        if failed is not None:
            iface = ifaces[failed[0]][1]
            raise (iface.mac_at if iface.mac is not None else iface.ip_at).error(str(failed[1])) from None
        gateways = [node for node in ip_nodes if node.gateway is not None]
        failed = _bulk(_core.set_default_gateways, net, [(node.name, node.gateway) for node in gateways])
        failed_node = None if failed is None else gateways[failed[0]]
        for node in ip_nodes:
            if failed is not None and node is failed_node:
                assert node.gateway_at is not None
                raise node.gateway_at.error(str(failed[1])) from None
            if node.routes:
                ip_node = made[node.name] if node.name in made else net.node(node.name)
                for route in node.routes:
                    self.guarded(route.at, partial(_add_route, ip_node, route))
            if node.nat is not None:
                _add_nat_rules(self, made[node.name] if node.name in made else net.node(node.name), node.nat)
        try:
            ends = _core.connect_all(net, [(link.a, link.b, link.delay, link.bandwidth, link.queue) for link in sc.links])
        except (ConfigError, ParseError) as error:
            raise sc.links[error.index].at.error(str(error)) from None
        for link, actual in zip(sc.links, ends):
            if actual != link.ends:  # the port names documented (p1, p2, ... in link order) must hold
                raise link.at.error(f"internal: expected ends {link.ends}, the simulator made {actual}")
        cloud = cloud_build.build(net, sc.cloud)
        captured, where = self.captured(net)
        captures = []
        if self.out is not None and captured:
            self.out.mkdir(parents=True, exist_ok=True)
            for endpoint in captured:
                path = str(self.out / _pcap_name(endpoint))
                captures.append(self.guarded(where[endpoint], partial(_core.capture, net, endpoint, path)))
        apps: List[Any] = []
        resolved: List[Optional[str]] = []
        for item in sc.traffic:
            sender: Any = net.node(item.node)
            address = None
            if item.destination is not None:
                address = item.destination
                if address in sc.cloud.endpoints:
                    # Private from the same or a peered VPC, public from anywhere else.
                    address = str(cloud.address_of(address, item.node))
                elif not _looks_like_address(address):
                    target: Any = net.node(address)
                    address = str(target.primary_address)
            resolved.append(address)
            apps.append(self.guarded(item.at, partial(_start, sender, item, address)))
        return Run(sc, self.seed, net, apps, resolved, captures, cloud, captured, out=self.out)

    def captured(self, net: Any) -> Tuple[List[str], Dict[str, _At]]:
        """Every endpoint to capture ("node.iface"), with where the file asks for it: the validated
        ones, then those of nodes the cloud made (all of them for `capture: all`), in creation order."""
        sc = self.sc
        captured = list(sc.capture)
        where = {e: sc.capture_at.get(e, _At(sc.file, "capture", 1)) for e in captured}
        if sc.cloud.empty:
            return captured, where
        requests: List[Tuple[str, _At]] = list(sc.capture_cloud)
        if sc.capture_all:
            at = next(iter(sc.capture_at.values()), _At(sc.file, "capture", 1))
            requests = [(node.name, at) for node in net.nodes if node.name not in sc.nodes and node.interfaces]
        files = {_pcap_name(e): e for e in captured}
        for text, at in requests:
            node_name, dot, iface = text.partition(".")
            node: Any = net.node(node_name)
            names = [i.name for i in node.interfaces]
            if dot and iface not in names:
                hint = _suggest(iface, names)
                raise at.error(f"unknown interface '{text}' ({node_name} has {', '.join(names) or 'no interfaces'}"
                               f"{'; ' + hint if hint else ''})")
            if not names:
                raise at.error(f"{node_name} has no interfaces to capture")
            for endpoint in [text] if dot else [f"{node_name}.{i}" for i in names]:
                if endpoint in where:
                    first = where[endpoint]
                    raise at.error(f"{endpoint} is captured twice (also {first.path}, line {first.line})")
                file_name = _pcap_name(endpoint)
                if file_name in files:
                    raise at.error(f"{endpoint} and {files[file_name]} would both be written to {file_name}")
                files[file_name] = endpoint
                captured.append(endpoint)
                where[endpoint] = at
        return captured, where


def _add_nat_rules(builder: _Builder, nat: Any, spec: NatSpec) -> None:
    for s in spec.snat:
        builder.guarded(s.at, partial(nat.add_snat, s.source, s.out, s.to, s.ports))
    for d in spec.dnat:
        builder.guarded(d.at, partial(nat.add_dnat, d.proto, d.port, d.interface, d.to, d.to_port))
    for o in spec.one_to_one:
        builder.guarded(o.at, partial(nat.add_one_to_one, o.private, o.public))
    if spec.timeouts:
        assert spec.timeouts_at is not None
        builder.guarded(spec.timeouts_at, partial(nat.set_timeouts, spec.timeouts))


_BULK_KINDS = frozenset(("host", "router", "switch"))  # the kinds _core.add_nodes makes


def _bulk(call: Callable[[Any, List[Any]], None], net: Any, items: List[Any]) -> Optional[Tuple[int, Exception]]:
    """Runs one of _core's bulk calls: None, or the index of the item that failed and its error."""
    try:
        call(net, items)
    except (ConfigError, ParseError) as error:
        return error.index, error
    return None


def _add_route(node: Any, route: RouteSpec) -> None:
    if route.type == "gateway":
        node.add_route(route.to, via=route.via)
    elif route.type == "dev":
        node.add_route(route.to, dev=route.dev)
    elif route.type == "unreachable":
        node.add_unreachable_route(route.to)
    elif route.type == "blackhole":
        node.add_blackhole_route(route.to)
    else:
        node.add_prohibit_route(route.to)


def _start(node: Any, item: TrafficSpec, address: Optional[str]) -> Any:
    p = item.params
    if item.kind == "listen":
        if p["protocol"] == "tcp":
            return node.tcp_listen(p["port"], reply=p["reply"].encode())
        return node.udp_listen(p["port"], reply=p["reply"].encode())
    if item.kind == "tcp":
        return node.tcp_connect(address, p["port"], data=p["data"].encode(), source_port=p["from_port"], start=item.start)
    if item.kind == "ping":
        return node.ping(address, count=p["count"], interval=p["interval"], start=item.start, data_len=p["size"], ttl=p["ttl"])
    if item.kind == "traceroute":
        return node.traceroute(
            address, max_hops=p["max_hops"], queries=p["queries"], wait=p["wait"], start=item.start, first_ttl=p["first_ttl"]
        )
    if p.get("flows"):
        return node.udp_flows(address, p["port"], p["flows"], data=p["data"].encode(), start=item.start, gap=p["gap"])
    return node.udp_send(
        address,
        p["port"],
        data=p["data"].encode(),
        source_port=p["from_port"],
        start=item.start,
        count=p["count"],
        interval=p["interval"],
    )
