"""Validation: the YAML's mappings and lists checked field by field into a Scenario."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple

from vpcsim import _core
from vpcsim.scenario.cloud_specs import CloudSpec, makes_node
from vpcsim.scenario.cloud_validate import CloudValidator
from vpcsim.scenario.fields import (
    _address,
    _bandwidth,
    _boolean,
    _check_keys,
    _duration,
    _integer,
    _looks_like_address,
    _mapping,
    _parsed,
    _sequence,
    _suggest,
    _text,
    _type_name,
    _unknown,
)
from vpcsim.scenario.location import _At
from vpcsim.scenario.specs import (
    DnatSpec,
    InterfaceSpec,
    LinkSpec,
    NatSpec,
    NodeSpec,
    OneToOneSpec,
    RouteSpec,
    SnatSpec,
    TrafficSpec,
    _pcap_name,
)
from vpcsim.scenario.validated import Scenario
from vpcsim.scenario.yaml_lines import _Map, _Seq


EXPECT_VALUES = ("reply", "unreachable", "timeout")

_MAX_U64 = 2**64 - 1


_TOP_KEYS = (
    "name", "description", "seed", "until", "nodes", "links", "vpcs", "peerings", "internet", "traffic", "explain",
    "capture", "trace",
)
_TRACE_LEVELS = ("packets", "drops")
_NODE_KINDS = ("host", "switch", "router", "nat")
_IP_NODE_KEYS = ("kind", "interfaces", "gateway", "routes")
_IP_NODE_KEY_SET = frozenset(_IP_NODE_KEYS)
_NAT_KEYS = ("snat", "dnat", "one_to_one", "timeouts")
_NAT_NODE_KEYS = _IP_NODE_KEYS + _NAT_KEYS
_NAT_ONLY = {k: f"'{k}' is for nodes of kind: nat (a router that translates)" for k in _NAT_KEYS}
_SNAT_KEYS = ("from", "out", "to", "ports")
_DNAT_KEYS = ("proto", "port", "in", "to")
_ONE_TO_ONE_KEYS = ("private", "public")
_NAT_TIMEOUTS = (
    "udp", "udp_stream", "icmp", "tcp_syn_sent", "tcp_syn_recv", "tcp_established",
    "tcp_fin_wait", "tcp_close_wait", "tcp_last_ack", "tcp_time_wait", "tcp_close",
)
_INTERFACE_KEYS = ("ip", "mac", "mtu")
_INTERFACE_KEY_SET = frozenset(_INTERFACE_KEYS)
_ROUTE_KEYS = ("to", "via", "dev", "unreachable", "blackhole", "prohibit")
_ROUTE_SPECIAL = ("unreachable", "blackhole", "prohibit")
_LINK_KEYS = ("a", "b", "delay", "bandwidth", "queue")
_TRAFFIC_KINDS = ("ping", "udp", "tcp", "traceroute", "listen")
_TRAFFIC_COMMON = ("id", "at", "from", "expect")
_TRAFFIC_KEYS = {
    "ping": _TRAFFIC_COMMON + ("ping", "count", "interval", "ttl", "size"),
    "udp": _TRAFFIC_COMMON + ("udp",),
    "tcp": _TRAFFIC_COMMON + ("tcp",),
    "traceroute": _TRAFFIC_COMMON + ("traceroute", "max_hops", "queries", "wait", "first_ttl"),
    "listen": ("id", "on", "listen", "expect"),
}
# Linux's ephemeral range 32768-60999 holds this many ports: the most flows one node can open.
_MAX_UDP_FLOWS = 60999 - 32768 + 1
_UDP_KEYS = ("to", "from_port", "data", "count", "interval", "flows", "gap")
_TCP_KEYS = ("to", "from_port", "data")
_LISTEN_KEYS = ("udp", "tcp", "reply")


class _Validator:
    def __init__(self, data: Any, file: str) -> None:
        self.data = data
        self.file = file
        self.top = _At(file, "", 1)
        self.interface_sets: Dict[str, FrozenSet[str]] = {}  # node -> its interface names, for links
        self.switch_ends: Dict[str, Tuple[str, None]] = {}  # a link end that names a switch -> endpoint()
        self.cloud = CloudSpec()

    def validate(self) -> Scenario:
        if self.data is None:
            raise self.top.error("the file is empty: a scenario needs at least a name and nodes")
        data = _mapping(self.top, self.data, "a mapping (name, nodes, links, traffic, ...)")
        _check_keys(self.top, data, _TOP_KEYS)
        if "name" not in data:
            raise _At(self.file, "", data.line).error("missing 'name' (every scenario is named)")
        name = _text(self.top.key(data, "name"), data["name"])
        description = ""
        if data.get("description") is not None:
            description = _text(self.top.key(data, "description"), data["description"], empty_ok=True)
        seed = 1
        if "seed" in data:
            seed = _integer(self.top.key(data, "seed"), data["seed"], 0, _MAX_U64)
        until = None
        if data.get("until") is not None:
            until = _duration(self.top.key(data, "until"), data["until"])
        has_cloud = data.get("vpcs") is not None or data.get("internet") is not None
        if "nodes" not in data and not has_cloud:
            raise _At(self.file, "", data.line).error("missing 'nodes' (the hosts, switches and routers)")
        nodes: Dict[str, NodeSpec] = {}
        if "nodes" in data:
            nodes = self.nodes(self.top.key(data, "nodes"), data["nodes"], empty_ok=has_cloud)
        cloud_validator = CloudValidator(self.top, data, list(nodes))
        self.cloud = cloud_validator.validate()
        links: List[LinkSpec] = []
        if data.get("links") is not None:
            links = self.links(self.top.key(data, "links"), data["links"], nodes)
        traffic: List[TrafficSpec] = []
        ids: Dict[str, _At] = {}
        if data.get("traffic") is not None:
            traffic = self.traffic(self.top.key(data, "traffic"), data["traffic"], nodes, ids)
        if data.get("explain") is not None:
            eat = self.top.key(data, "explain")
            if self.cloud.empty:
                raise eat.error("explain answers questions about the cloud: add vpcs (and internet hosts) to ask them")
            self.cloud.explain = cloud_validator.explain(eat, data["explain"], ids)
        capture: List[str] = []
        capture_at: Dict[str, _At] = {}
        sc = Scenario(name, description, seed, until, nodes, links, traffic, capture, self.file, capture_at, cloud=self.cloud)
        if data.get("capture") is not None:
            self.capture(sc, self.top.key(data, "capture"), data["capture"], nodes, links)
        if data.get("trace") is not None:
            level = _text(self.top.key(data, "trace"), data["trace"])
            if level not in _TRACE_LEVELS:
                raise self.top.key(data, "trace").error(_unknown("trace", level, _TRACE_LEVELS))
            sc.trace_packets = level == "packets"
        return sc

    # -- nodes -----------------------------------------------------------------------------------

    def nodes(self, at: _At, value: Any, *, empty_ok: bool = False) -> Dict[str, NodeSpec]:
        if value is None and empty_ok:
            return {}
        data = _mapping(at, value, "a mapping of node names to nodes")
        if not data and not empty_ok:
            raise at.error("a scenario needs at least one node")
        nodes: Dict[str, NodeSpec] = {}
        for name, spec in data.items():
            where = at.key(data, name)
            if not isinstance(name, str) or not name:
                raise at.key_itself(data, name).error(f"a node name must be text, got {_type_name(name)}")
            nodes[name] = self.node(where, name, spec)
        return nodes

    def node(self, at: _At, name: str, value: Any) -> NodeSpec:
        data = _mapping(at, value, "a mapping with a kind (host, switch or router)")
        if "kind" not in data:
            raise at.error("missing 'kind' (host, switch or router)")
        kind = data["kind"]
        if kind.__class__ is not str or kind not in _NODE_KINDS:  # (the _At only for an error)
            kind_at = at.key(data, "kind")
            kind = _text(kind_at, kind)
            raise kind_at.error(_unknown("kind", kind, _NODE_KINDS))
        if kind == "switch":
            switch_only = {
                "interfaces": "a switch has no interfaces to declare: each link to it makes a new port (p1, p2, ...)",
                "gateway": "a switch has no IP stack: 'gateway' is for hosts and routers",
                "routes": "a switch has no IP stack: 'routes' is for hosts and routers",
            }
            _check_keys(at, data, ("kind",), elsewhere={**_NAT_ONLY, **switch_only})
            return NodeSpec(name, kind, [], None, [], at)
        if kind == "nat":
            _check_keys(at, data, _NAT_NODE_KEYS)
        elif not data.keys() <= _IP_NODE_KEY_SET:
            _check_keys(at, data, _IP_NODE_KEYS, elsewhere=_NAT_ONLY)
        interfaces: List[InterfaceSpec] = []
        if data.get("interfaces") is not None:
            iat = at.key(data, "interfaces")
            idata = _mapping(iat, data["interfaces"], "a mapping of interface names to {ip, mac, mtu}")
            for iname, ispec in idata.items():
                if not isinstance(iname, str) or not iname:
                    raise iat.key_itself(idata, iname).error(f"an interface name must be text, got {_type_name(iname)}")
                interfaces.append(self.interface(iat.key(idata, iname), iname, ispec))
        gateway = None
        gateway_at = None
        if data.get("gateway") is not None:
            gateway_at = at.key(data, "gateway")
            gateway = _address(gateway_at, data["gateway"])
        routes: List[RouteSpec] = []
        if data.get("routes") is not None:
            rat = at.key(data, "routes")
            rdata = _sequence(rat, data["routes"], "a list of routes ({to, via} or {to, unreachable: true})")
            for index, rspec in enumerate(rdata):
                routes.append(self.route(rat.item(rdata, index), rspec, [i.name for i in interfaces], name))
        nat = self.nat(at, data, [i.name for i in interfaces]) if kind == "nat" else None
        return NodeSpec(name, kind, interfaces, gateway, routes, at, gateway_at, nat)

    # -- nat -------------------------------------------------------------------------------------

    def nat(self, at: _At, data: _Map, interfaces: List[str]) -> NatSpec:
        spec = NatSpec([], [], [], {})

        def items(key: str, what: str) -> Iterator[Tuple[_At, _Map]]:
            if data.get(key) is None:
                return
            kat = at.key(data, key)
            seq = _sequence(kat, data[key], f"a list of {what}")
            for index, item in enumerate(seq):
                iat = kat.item(seq, index)
                yield iat, _mapping(iat, item, what)

        def interface(iat: _At, item: _Map, key: str, example: str) -> str:
            if key not in item:
                raise iat.error(f"missing '{key}' (an interface of this node, such as {example})")
            kat = iat.key(item, key)
            name = _text(kat, item[key])
            if name not in interfaces:
                raise kat.error(_unknown("interface", name, interfaces))
            return name

        def required(iat: _At, item: _Map, key: str, hint: str) -> _At:
            if item.get(key) is None:
                raise iat.error(f"missing '{key}' ({hint})")
            return iat.key(item, key)

        for iat, item in items("snat", "source NAT rules such as {from: 10.0.0.0/24, out: eth1}"):
            _check_keys(iat, item, _SNAT_KEYS)
            fat = required(iat, item, "from", "the inside prefix, such as 10.0.0.0/24")
            source = str(_parsed(fat, _text(fat, item["from"]), _core.Ipv4Prefix))
            out = interface(iat, item, "out", "eth1")
            to = _address(iat.key(item, "to"), item["to"]) if item.get("to") is not None else None
            ports = self.port_range(iat.key(item, "ports"), item["ports"]) if item.get("ports") is not None else None
            spec.snat.append(SnatSpec(source, out, to, ports, iat))
        for iat, item in items("dnat", "port forwards such as {proto: tcp, port: 8080, in: eth1, to: 172.17.0.2:80}"):
            _check_keys(iat, item, _DNAT_KEYS)
            pat = required(iat, item, "proto", "tcp or udp")
            proto = _text(pat, item["proto"])
            if proto not in ("tcp", "udp"):
                raise pat.error(_unknown("proto", proto, ("tcp", "udp")))
            port = _integer(required(iat, item, "port", "the outside port"), item["port"], 1, 65535, "a port (1-65535)")
            into = interface(iat, item, "in", "eth1")
            tat = required(iat, item, "to", "the inside address and port, such as 172.17.0.2:80")
            to, to_port = self.address_port(tat, item["to"])
            spec.dnat.append(DnatSpec(proto, port, into, to, to_port, iat))
        for iat, item in items("one_to_one", "1:1 mappings such as {private: 10.0.1.10, public: 198.51.100.10}"):
            _check_keys(iat, item, _ONE_TO_ONE_KEYS)
            private = _address(required(iat, item, "private", "the inside address"), item["private"])
            public = _address(required(iat, item, "public", "the outside address"), item["public"])
            spec.one_to_one.append(OneToOneSpec(private, public, iat))
        if data.get("timeouts") is not None:
            tat = at.key(data, "timeouts")
            tdata = _mapping(tat, data["timeouts"], "a mapping of conntrack timeouts such as {udp: 60s}")
            _check_keys(tat, tdata, _NAT_TIMEOUTS)
            spec.timeouts = {k: _duration(tat.key(tdata, k), v, positive=True) for k, v in tdata.items()}
            spec.timeouts_at = tat
        return spec

    @staticmethod
    def port_range(at: _At, value: Any) -> Tuple[int, int]:
        if isinstance(value, str) and "-" in value:
            low_text, _, high_text = value.partition("-")
            if not (low_text.strip().isdigit() and high_text.strip().isdigit()):
                raise at.error(f"expected a port range such as 1024-65535, got '{value}'")
            low, high = int(low_text), int(high_text)
        elif isinstance(value, list) and len(value) == 2:
            low = _integer(at, value[0], 1, 65535, "a port (1-65535)")
            high = _integer(at, value[1], 1, 65535, "a port (1-65535)")
        else:
            raise at.error(f"expected a port range such as 1024-65535 or [1024, 65535], got {_type_name(value)}")
        if not 1 <= low <= high <= 65535:
            raise at.error(f"port range {low}-{high} must satisfy 1 <= low <= high <= 65535")
        return low, high

    @staticmethod
    def address_port(at: _At, value: Any) -> Tuple[str, Optional[int]]:
        text = _text(at, value)
        address, colon, port_text = text.partition(":")
        if not colon:
            return _address(at, address), None
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise at.error(f"expected ADDRESS:PORT with a port 1-65535, got '{text}'")
        return _address(at, address), int(port_text)

    def interface(self, at: _At, name: str, value: Any) -> InterfaceSpec:
        if value is None:
            return InterfaceSpec(name, None, None, None, at, at, at, at)
        if isinstance(value, str):  # shorthand: eth0: 10.0.1.10/24
            shorthand: str = _parsed(at, value, _core.interface_address_text)
            return InterfaceSpec(name, shorthand, None, None, at, at, at, at)
        data = _mapping(at, value, "a mapping {ip, mac, mtu} or an address such as 10.0.1.10/24")
        if not data.keys() <= _INTERFACE_KEY_SET:
            _check_keys(at, data, _INTERFACE_KEYS)
        ip: Optional[str] = None
        mac: Optional[str] = None
        mtu: Optional[int] = None
        # The _At of a field that is not given is never used (errors are about given fields): the
        # interface's own stands in for it.
        ip_at = at.key(data, "ip") if "ip" in data else at
        mac_at = at.key(data, "mac") if "mac" in data else at
        mtu_at = at.key(data, "mtu") if "mtu" in data else at
        if data.get("ip") is not None:
            ip = _parsed(ip_at, data["ip"], _core.interface_address_text)
        if data.get("mac") is not None:
            mac = str(_parsed(mac_at, data["mac"], _core.MacAddress))
        if data.get("mtu") is not None:
            mtu = _integer(mtu_at, data["mtu"], 68, 9001, "an MTU in bytes")
        return InterfaceSpec(name, ip, mac, mtu, at, ip_at, mac_at, mtu_at)

    def route(self, at: _At, value: Any, interfaces: List[str], node: str) -> RouteSpec:
        data = _mapping(at, value, "a route mapping such as {to: 10.9.0.0/16, via: 10.0.1.254}")
        _check_keys(at, data, _ROUTE_KEYS)
        if "to" not in data:
            raise at.error("missing 'to' (the destination prefix, such as 10.9.0.0/16 or default)")
        to_at = at.key(data, "to")
        to_text = _text(to_at, data["to"])
        to = "0.0.0.0/0" if to_text == "default" else str(_parsed(to_at, to_text, _core.Ipv4Prefix))
        kinds = [k for k in ("via", "dev") if data.get(k) is not None]
        for special in _ROUTE_SPECIAL:
            if special in data and _boolean(at.key(data, special), data[special]):
                kinds.append(special)
        if not kinds:
            raise at.error("a route needs one of: via (a gateway), dev (an interface), unreachable, blackhole, prohibit")
        if len(kinds) > 1:
            raise at.error(f"a route takes one of via, dev, unreachable, blackhole, prohibit, not both '{kinds[0]}' and '{kinds[1]}'")
        kind = kinds[0]
        via = dev = None
        if kind == "via":
            via = _address(at.key(data, "via"), data["via"])
            kind = "gateway"
        elif kind == "dev":
            dev_at = at.key(data, "dev")
            dev = _text(dev_at, data["dev"])
            if dev not in interfaces:
                raise dev_at.error(_unknown("interface", dev, interfaces))
        return RouteSpec(to, kind, via, dev, at)

    # -- links -----------------------------------------------------------------------------------

    def endpoint(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> Tuple[str, Optional[str]]:
        if value.__class__ is str:
            known = self.switch_ends.get(value)  # a switch's name recurs in each of its links
            if known is not None:
                return known
        text = _text(at, value)
        node_name, _, iface = text.partition(".")
        if node_name not in nodes:
            raise at.error(_unknown("node", node_name, list(nodes)))
        node = nodes[node_name]
        if node.kind == "switch":
            if iface:
                raise at.error(f"{node_name} is a switch: write just '{node_name}' (each link makes a new port)")
            self.switch_ends[text] = (node_name, None)
            return node_name, None
        if not iface:
            names = node.interface_names()
            example = f" ({node_name}.{names[0]})" if names else ""
            raise at.error(f"{node_name} is a {node.kind}: name one of its interfaces{example}")
        if len(node.interfaces) == 1:  # most hosts: one name to compare, no set to make
            found = node.interfaces[0].name == iface
        else:
            iface_set = self.interface_sets.get(node_name)
            if iface_set is None:
                iface_set = self.interface_sets[node_name] = frozenset(node.interface_names())
            found = iface in iface_set
        if not found:
            has = ", ".join(node.interface_names()) or "no interfaces"
            hint = _suggest(iface, node.interface_names())
            raise at.error(f"unknown interface '{text}' ({node_name} has {has}{'; ' + hint if hint else ''})")
        return node_name, iface

    def links(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> List[LinkSpec]:
        data = _sequence(at, value, "a list of links")
        links: List[LinkSpec] = []
        linked: Dict[str, _At] = {}
        ports: Dict[str, int] = {}
        for index, item in enumerate(data):
            lat = at.item(data, index)
            if isinstance(item, list):
                if len(item) != 2:
                    raise lat.error(f"a link has two ends: [A, B], got {len(item)}")
                # Errors about an end of [A, B] name the link (links[3]) at the line of that end.
                lines = item.item_lines if item.__class__ is _Seq else _sequence(lat, item).item_lines
                # (lat itself when the end is on the link's line, as in `- [h1.eth0, sw1]`: the same
                # path and line, without another _At per end.)
                a_at = lat if not lines or lines[0] == lat.line else lat.at_line(lines[0])
                b_at = lat if not lines or lines[1] == lat.line else lat.at_line(lines[1])
                a, b = item[0], item[1]
                delay = bandwidth = None
                queue = 1000
            elif isinstance(item, dict):
                item_map = _mapping(lat, item)
                _check_keys(lat, item_map, _LINK_KEYS)
                for end in ("a", "b"):
                    if end not in item_map:
                        raise lat.error(f"missing '{end}' (a link is {{a: h1.eth0, b: sw1, delay: 10us, ...}})")
                a_at, b_at = lat.key(item_map, "a"), lat.key(item_map, "b")
                a, b = item_map["a"], item_map["b"]
                delay = None
                if item_map.get("delay") is not None:
                    delay = _duration(lat.key(item_map, "delay"), item_map["delay"])
                bandwidth = None
                if item_map.get("bandwidth") is not None:
                    bandwidth = _bandwidth(lat.key(item_map, "bandwidth"), item_map["bandwidth"])
                queue = 1000
                if item_map.get("queue") is not None:
                    queue = _integer(lat.key(item_map, "queue"), item_map["queue"], 1, 2**32 - 1, "a number of frames")
            else:
                raise lat.error(f"expected a link, [A, B] or {{a: A, b: B, ...}}, got {_type_name(item)}")
            a_node, a_iface = self.endpoint(a_at, a, nodes)
            b_node, b_iface = self.endpoint(b_at, b, nodes)
            if a == b:
                if a_iface is None:
                    raise lat.error(f"cannot link the switch {a} to itself")
                raise lat.error(f"both ends are {a}: a link joins two different interfaces")
            ends = []
            for node_name, iface, end_at in ((a_node, a_iface, a_at), (b_node, b_iface, b_at)):
                if iface is None:
                    ports[node_name] = ports.get(node_name, 0) + 1
                    ends.append(f"{node_name}.p{ports[node_name]}")
                    continue
                endpoint = f"{node_name}.{iface}"
                if endpoint in linked:
                    first = linked[endpoint]
                    raise end_at.error(f"{endpoint} is already linked by {first.path} (line {first.line})")
                linked[endpoint] = lat
                ends.append(endpoint)
            links.append(LinkSpec(index, a, b, delay, bandwidth, queue, lat, a_at, b_at, (ends[0], ends[1])))
        return links

    # -- traffic ---------------------------------------------------------------------------------

    def destination(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> str:
        text = _text(at, value)
        if _looks_like_address(text):
            return _address(at, text)
        if text in self.cloud.endpoints:
            return text  # its address depends on the sender (Cloud.address_of)
        if text not in nodes:
            known = list(nodes) + list(self.cloud.endpoints)
            hint = _suggest(text, known) or f"nodes: {', '.join(known)}"
            raise at.error(f"'{text}' is neither an address nor a node ({hint})")
        node = nodes[text]
        if not node.is_ip:
            raise at.error(f"{text} is a switch: it has no address to send to")
        if not any(i.ip for i in node.interfaces):
            raise at.error(f"{text} has no address: give one of its interfaces an ip")
        return text

    def sender(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> str:
        name = _text(at, value)
        kind = self.cloud.endpoints.get(name)
        if kind is not None:
            if kind == "NAT gateway":
                raise at.error(f"{name} is a NAT gateway: it runs no applications (use an instance or internet host)")
            return name
        if name not in nodes:
            raise at.error(_unknown("node", name, list(nodes) + self.cloud.senders()))
        if not nodes[name].is_ip:
            raise at.error(f"{name} is a switch: it runs no applications (use a host or a router)")
        return name

    def traffic(self, at: _At, value: Any, nodes: Dict[str, NodeSpec], ids: Dict[str, _At]) -> List[TrafficSpec]:
        data = _sequence(at, value, "a list of traffic items")
        items: List[TrafficSpec] = []
        listening: Dict[Tuple[str, str, int], _At] = {}  # (node, protocol, port)
        for index, item in enumerate(data):
            iat = at.item(data, index)
            spec = self.traffic_item(iat, index, item, nodes)
            if spec.id is not None:
                if spec.id in ids:
                    first = ids[spec.id]
                    raise iat.error(f"duplicate id '{spec.id}' (also {first.path}, line {first.line})")
                ids[spec.id] = iat
            if spec.kind == "listen":
                key = (spec.node, spec.params["protocol"], spec.params["port"])
                if key in listening:
                    first = listening[key]
                    raise iat.error(
                        f"{spec.node} already listens on {key[1].upper()} {key[2]} ({first.path}, line {first.line})"
                    )
                listening[key] = iat
            items.append(spec)
        return items

    def traffic_item(self, at: _At, index: int, value: Any, nodes: Dict[str, NodeSpec]) -> TrafficSpec:
        data = _mapping(at, value, "a traffic item such as {from: h1, ping: 10.0.2.20}")
        kinds = [k for k in _TRAFFIC_KINDS if k in data]
        if not kinds:
            raise at.error("a traffic item needs one of: ping, udp, tcp, traceroute, listen")
        if len(kinds) > 1:
            raise at.error(
                f"a traffic item is one of ping, udp, tcp, traceroute, listen, not both '{kinds[0]}' and '{kinds[1]}'"
            )
        kind = kinds[0]
        allowed = _TRAFFIC_KEYS[kind]
        others = {
            key: f"'{key}' does not apply to a {kind} item (it takes: {', '.join(allowed)})"
            for keys in _TRAFFIC_KEYS.values()
            for key in keys
            if key not in allowed
        }
        if kind == "listen":
            others["from"] = "a listener takes 'on' (the node that listens), not 'from'"
            others["at"] = "a listener listens from the start: it takes no 'at'"
        else:
            others["on"] = f"'on' is for listen items: a {kind} takes 'from'"
        _check_keys(at, data, allowed, elsewhere=others)

        item_id = None
        if data.get("id") is not None:
            item_id = _text(at.key(data, "id"), data["id"])
        expect = None
        if data.get("expect") is not None:
            expect_at = at.key(data, "expect")
            expect = _text(expect_at, data["expect"])
            choices = ("reply", "timeout") if kind == "listen" else EXPECT_VALUES
            if expect not in choices:
                if kind == "listen" and expect == "unreachable":
                    raise expect_at.error("a listener expects reply (something arrived) or timeout (nothing did)")
                raise expect_at.error(_unknown("expectation", expect, choices))

        if kind == "listen":
            if "on" not in data:
                raise at.error("missing 'on' (the node that listens)")
            node = self.sender(at.key(data, "on"), data["on"], nodes)
            lat = at.key(data, "listen")
            ldata = _mapping(lat, data["listen"], "a mapping such as {udp: 9000, reply: pong} or {tcp: 8080, reply: hello}")
            _check_keys(lat, ldata, _LISTEN_KEYS)
            if "udp" in ldata and "tcp" in ldata:
                raise lat.error("listen on one of udp or tcp, not both (use two listen items)")
            if "udp" not in ldata and "tcp" not in ldata:
                raise lat.error("missing 'udp' or 'tcp' (the port to listen on)")
            protocol = "tcp" if "tcp" in ldata else "udp"
            port = _integer(lat.key(ldata, protocol), ldata[protocol], 1, 65535, f"a {protocol.upper()} port")
            reply = ""
            if ldata.get("reply") is not None:
                reply = _text(lat.key(ldata, "reply"), ldata["reply"], empty_ok=True)
            listen = {"protocol": protocol, "port": port, "reply": reply}
            return TrafficSpec(index, kind, item_id, node, 0, expect, None, listen, at)

        if "from" not in data:
            raise at.error(f"missing 'from' (the node that sends the {kind})")
        node = self.sender(at.key(data, "from"), data["from"], nodes)
        start = 0
        if data.get("at") is not None:
            start = _duration(at.key(data, "at"), data["at"])
        params: Dict[str, Any] = {}
        if kind == "ping":
            dest_at = at.key(data, "ping")
            destination = self.destination(dest_at, data["ping"], nodes)
            params["count"] = self.opt_int(at, data, "count", 1, 1, 2**32 - 1)
            params["interval"] = self.opt_duration(at, data, "interval", 10**9, positive=False)
            params["ttl"] = self.opt_int(at, data, "ttl", 64, 1, 255)
            params["size"] = self.opt_int(at, data, "size", 56, 0, 65507)
        elif kind == "traceroute":
            dest_at = at.key(data, "traceroute")
            destination = self.destination(dest_at, data["traceroute"], nodes)
            params["max_hops"] = self.opt_int(at, data, "max_hops", 30, 1, 255)
            params["queries"] = self.opt_int(at, data, "queries", 3, 1, 10)
            params["wait"] = self.opt_duration(at, data, "wait", 5 * 10**9, positive=True)
            params["first_ttl"] = self.opt_int(at, data, "first_ttl", 1, 1, 255)
            if params["first_ttl"] > params["max_hops"]:
                raise at.key(data, "first_ttl").error(f"first_ttl {params['first_ttl']} is above max_hops {params['max_hops']}")
        else:  # udp or tcp: {to: ADDRESS:PORT, ...}
            example = "{to: 10.0.2.20:9000, data: hi}" if kind == "udp" else "{to: 10.0.2.20:8080, data: 'GET /'}"
            uat = at.key(data, kind)
            udata = _mapping(uat, data[kind], f"a mapping such as {example}")
            _check_keys(uat, udata, _UDP_KEYS if kind == "udp" else _TCP_KEYS)
            if "to" not in udata:
                raise uat.error("missing 'to' (ADDRESS:PORT or NODE:PORT, such as 10.0.2.20:9000)")
            dest_at = uat.key(udata, "to")
            to_text = _text(dest_at, udata["to"])
            host, colon, port_text = to_text.rpartition(":")
            if not colon or not host:
                raise dest_at.error(f"expected ADDRESS:PORT or NODE:PORT, such as 10.0.2.20:9000, got '{to_text}'")
            if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
                raise dest_at.error(f"port '{port_text}' is not a number in 1..65535")
            destination = self.destination(dest_at, host, nodes)
            params["port"] = int(port_text)
            params["from_port"] = self.opt_int(uat, udata, "from_port", 0, 1, 65535)
            params["data"] = ""
            if udata.get("data") is not None:
                params["data"] = _text(uat.key(udata, "data"), udata["data"], empty_ok=True)
            if kind == "udp":
                params["count"] = self.opt_int(uat, udata, "count", 1, 1, 2**32 - 1)
                params["interval"] = self.opt_duration(uat, udata, "interval", 10**9, positive=False)
                # flows: N datagrams, each from its own ephemeral port (N new connections to a NAT)
                params["flows"] = self.opt_int(uat, udata, "flows", 0, 1, _MAX_UDP_FLOWS)
                params["gap"] = self.opt_duration(uat, udata, "gap", 20_000, positive=True)
                if params["flows"]:
                    for clash in ("from_port", "count", "interval"):
                        if udata.get(clash) is not None:
                            raise uat.key(udata, clash).error(
                                f"'{clash}' does not go with 'flows' (each flow is one datagram from its own port)")
                elif udata.get("gap") is not None:
                    raise uat.key(udata, "gap").error("'gap' is the time between flows: it needs 'flows'")
        return TrafficSpec(index, kind, item_id, node, start, expect, destination, params, at, dest_at)

    @staticmethod
    def opt_int(at: _At, data: _Map, key: str, default: int, low: int, high: int) -> int:
        if data.get(key) is None:
            return default
        return _integer(at.key(data, key), data[key], low, high)

    @staticmethod
    def opt_duration(at: _At, data: _Map, key: str, default: int, *, positive: bool) -> int:
        if data.get(key) is None:
            return default
        return _duration(at.key(data, key), data[key], positive=positive)

    # -- capture ---------------------------------------------------------------------------------

    def capture(self, sc: Scenario, at: _At, value: Any, nodes: Dict[str, NodeSpec], links: List[LinkSpec]) -> None:
        """The endpoints to capture: `all`, or a list of node.iface, switch ports (sw1.p2) and node
        names (every interface of that node). Nodes the cloud makes are checked when it is built."""
        ports: Dict[str, List[str]] = {name: [] for name, n in nodes.items() if n.kind == "switch"}
        for link in links:
            for end in link.ends:
                node_name, _, iface = end.partition(".")
                if node_name in ports:
                    ports[node_name].append(iface)

        def interfaces_of(name: str) -> List[str]:
            node = nodes[name]
            return ports[name] if node.kind == "switch" else node.interface_names()

        chosen: List[str] = []
        where: Dict[str, _At] = {}
        if isinstance(value, str):
            if value != "all":
                raise at.error(f"expected all or a list of interfaces, got '{value}'")
            sc.capture_all = True
            for name in nodes:
                for iface in interfaces_of(name):
                    chosen.append(f"{name}.{iface}")
                    where[chosen[-1]] = at
        else:
            data = _sequence(at, value, "all or a list of interfaces such as [h1.eth0, r1.eth1]")
            for index, item in enumerate(data):
                iat = at.item(data, index)
                text = _text(iat, item)
                node_name, dot, iface = text.partition(".")
                if node_name not in nodes and makes_node(self.cloud, node_name):
                    sc.capture_cloud.append((text, iat))
                    continue
                if node_name not in nodes:
                    raise iat.error(_unknown("node", node_name, list(nodes) + list(self.cloud.names)))
                names = interfaces_of(node_name)
                if not dot:
                    if not names:
                        raise iat.error(f"{node_name} has no interfaces to capture")
                    picked = [f"{node_name}.{i}" for i in names]
                elif iface not in names:
                    has = ", ".join(names) or "no interfaces"
                    hint = _suggest(iface, names)
                    if nodes[node_name].kind == "switch":
                        hint = "a switch's ports are p1, p2, ... in link order"
                    raise iat.error(f"unknown interface '{text}' ({node_name} has {has}{'; ' + hint if hint else ''})")
                else:
                    picked = [text]
                for endpoint in picked:
                    if endpoint in where:
                        first = where[endpoint]
                        raise iat.error(f"{endpoint} is captured twice (also {first.path}, line {first.line})")
                    chosen.append(endpoint)
                    where[endpoint] = iat
        files: Dict[str, str] = {}
        for endpoint in chosen:
            file_name = _pcap_name(endpoint)
            if file_name in files:
                raise where[endpoint].error(f"{endpoint} and {files[file_name]} would both be written to {file_name}")
            files[file_name] = endpoint
        sc.capture, sc.capture_at = chosen, where
