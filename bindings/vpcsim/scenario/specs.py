"""The parts of a validated scenario: nodes, interfaces, routes, NAT rules, links, traffic."""

from __future__ import annotations

from vpcsim.scenario.record import record
from typing import Any, Dict, List, Optional, Tuple

from vpcsim.scenario.location import _At


@record
class InterfaceSpec:
    name: str
    ip: Optional[str]
    mac: Optional[str]
    mtu: Optional[int]
    at: _At
    ip_at: _At
    mac_at: _At
    mtu_at: _At


@record
class RouteSpec:
    to: str
    type: str  # gateway | dev | unreachable | blackhole | prohibit
    via: Optional[str]
    dev: Optional[str]
    at: _At


@record
class SnatSpec:
    source: str  # a prefix
    out: str  # an interface of the nat node
    to: Optional[str]  # None: masquerade as out's address
    ports: Optional[Tuple[int, int]]
    at: _At


@record
class DnatSpec:
    proto: str  # tcp | udp
    port: int
    interface: str  # `in`
    to: str
    to_port: Optional[int]
    at: _At


@record
class OneToOneSpec:
    private: str
    public: str
    at: _At


@record
class NatSpec:
    snat: List[SnatSpec]
    dnat: List[DnatSpec]
    one_to_one: List[OneToOneSpec]
    timeouts: Dict[str, int]  # conntrack timeout name -> ns
    timeouts_at: Optional[_At] = None


@record
class NodeSpec:
    name: str
    kind: str  # host | router | switch | nat | nlb
    interfaces: List[InterfaceSpec]
    gateway: Optional[str]
    routes: List[RouteSpec]
    at: _At
    gateway_at: Optional[_At] = None
    nat: Optional[NatSpec] = None
    dns_server: Any = None  # a dns_items.DnsServerSpec
    resolver: Any = None  # a dns_items.ResolverSpec
    lb: Optional[Dict[str, Any]] = None  # kind nlb: target groups and listeners (scenario/lb_items.py)

    @property
    def is_ip(self) -> bool:
        return self.kind != "switch"

    def interface_names(self) -> List[str]:
        return [i.name for i in self.interfaces]


@record
class LinkSpec:
    index: int
    a: str
    b: str
    delay: Optional[int]
    bandwidth: Optional[int]
    queue: int
    at: _At
    a_at: _At
    b_at: _At
    ends: Tuple[str, str] = ("", "")  # "node.iface" of both ends once known (switch ports: sw1.p1)
    medium: str = "ethernet"  # "veth" carries neighbour confirmations across (docs/scenario-format.md)


@record
class TrafficSpec:
    index: int
    kind: str  # ping | udp | tcp | traceroute | listen
    id: Optional[str]
    node: str
    start: int
    expect: Optional[str]
    destination: Optional[str]  # as written: an address, a node name, or a DNS name (by_name)
    params: Dict[str, Any]
    at: _At
    destination_at: Optional[_At] = None
    by_name: bool = False  # the sender has a resolver: the destination is looked up on the wire


def _pcap_name(endpoint: str) -> str:
    node, _, iface = endpoint.partition(".")
    return f"{node}-{iface}.pcap"
