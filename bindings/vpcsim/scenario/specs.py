"""The parts of a validated scenario: nodes, interfaces, routes, NAT rules, links, traffic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from vpcsim.scenario.location import _At


@dataclass
class InterfaceSpec:
    name: str
    ip: Optional[str]
    mac: Optional[str]
    mtu: Optional[int]
    at: _At
    ip_at: _At
    mac_at: _At
    mtu_at: _At


@dataclass
class RouteSpec:
    to: str
    type: str  # gateway | dev | unreachable | blackhole | prohibit
    via: Optional[str]
    dev: Optional[str]
    at: _At


@dataclass
class SnatSpec:
    source: str  # a prefix
    out: str  # an interface of the nat node
    to: Optional[str]  # None: masquerade as out's address
    ports: Optional[Tuple[int, int]]
    at: _At


@dataclass
class DnatSpec:
    proto: str  # tcp | udp
    port: int
    interface: str  # `in`
    to: str
    to_port: Optional[int]
    at: _At


@dataclass
class OneToOneSpec:
    private: str
    public: str
    at: _At


@dataclass
class NatSpec:
    snat: List[SnatSpec]
    dnat: List[DnatSpec]
    one_to_one: List[OneToOneSpec]
    timeouts: Dict[str, int]  # conntrack timeout name -> ns
    timeouts_at: Optional[_At] = None


@dataclass
class NodeSpec:
    name: str
    kind: str  # host | router | switch | nat
    interfaces: List[InterfaceSpec]
    gateway: Optional[str]
    routes: List[RouteSpec]
    at: _At
    gateway_at: Optional[_At] = None
    nat: Optional[NatSpec] = None

    @property
    def is_ip(self) -> bool:
        return self.kind != "switch"

    def interface_names(self) -> List[str]:
        return [i.name for i in self.interfaces]


@dataclass
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


@dataclass
class TrafficSpec:
    index: int
    kind: str  # ping | udp | tcp | traceroute | listen
    id: Optional[str]
    node: str
    start: int
    expect: Optional[str]
    destination: Optional[str]  # as written: an address or a node name
    params: Dict[str, Any]
    at: _At
    destination_at: Optional[_At] = None


def _pcap_name(endpoint: str) -> str:
    node, _, iface = endpoint.partition(".")
    return f"{node}-{iface}.pcap"
