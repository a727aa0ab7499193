"""The validated description of a scenario's cloud layer: VPCs, peerings, internet hosts, explain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from vpcsim.scenario.location import _At


@dataclass
class SubnetSpec:
    name: str
    cidr: str
    route_table: Optional[str]
    network_acl: Optional[str]
    at: _At
    fields: Dict[str, _At]


@dataclass
class RouteSpec:
    to: str
    target: str
    at: _At
    fields: Dict[str, _At]


@dataclass
class RuleSpec:
    """A security-group or network-ACL rule, in the terms of the bindings' add_* calls."""

    proto: str
    ports: Optional[str]
    cidr: Optional[str]
    group: Optional[str]  # security groups: the peer group
    icmp_type: Optional[int]
    icmp_code: Optional[int]
    at: _At
    number: int = 0  # network ACLs
    action: str = "allow"  # network ACLs
    description: str = ""


@dataclass
class SecurityGroupSpec:
    name: str
    ingress: Optional[List[RuleSpec]]  # None: as AWS creates the group
    egress: Optional[List[RuleSpec]]
    at: _At


@dataclass
class NetworkAclSpec:
    name: str
    inbound: Optional[List[RuleSpec]]  # None: as AWS creates the ACL
    outbound: Optional[List[RuleSpec]]
    at: _At


@dataclass
class NatGatewaySpec:
    name: str
    subnet: str
    public_ip: Optional[str]
    at: _At
    fields: Dict[str, _At]


@dataclass
class InstanceSpec:
    name: str
    subnet: str
    ip: Optional[str]
    public_ip: Optional[str]
    auto_public_ip: bool
    security_groups: List[str]
    source_dest_check: bool
    at: _At
    fields: Dict[str, _At]


@dataclass
class VpcSpec:
    name: str
    cidr: str
    subnets: Dict[str, SubnetSpec]
    internet_gateway: Optional[str]
    nat_gateways: Dict[str, NatGatewaySpec]
    route_tables: Dict[str, List[RouteSpec]]
    route_table_at: Dict[str, _At]
    security_groups: Dict[str, SecurityGroupSpec]
    network_acls: Dict[str, NetworkAclSpec]
    instances: Dict[str, InstanceSpec]
    at: _At
    fields: Dict[str, _At]


@dataclass
class PeeringSpec:
    name: str
    vpcs: Tuple[str, str]
    at: _At


@dataclass
class InternetHostSpec:
    name: str
    ip: str
    at: _At


@dataclass
class ExplainSpec:
    index: int
    id: Optional[str]
    source: str
    to: str
    proto: str
    port: int
    expect: Optional[str]
    blocked_by: Optional[str]
    at: _At
    fields: Dict[str, _At]


@dataclass
class CloudSpec:
    vpcs: Dict[str, VpcSpec] = field(default_factory=dict)
    peerings: Dict[str, PeeringSpec] = field(default_factory=dict)
    hosts: Dict[str, InternetHostSpec] = field(default_factory=dict)
    explain: List[ExplainSpec] = field(default_factory=list)
    # Names the traffic and explain items may use: node name -> what it is ("instance",
    # "internet host", "NAT gateway").
    endpoints: Dict[str, str] = field(default_factory=dict)
    # Every node the cloud will make by a name the file gives, with where it is given.
    names: Dict[str, _At] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.vpcs or self.hosts)

    def senders(self) -> List[str]:
        return [name for name, kind in self.endpoints.items() if kind != "NAT gateway"]

    def components(self) -> List[str]:
        """The names explain's `blocked_by` can take."""
        names = ["internet"] + list(self.endpoints) + list(self.peerings)
        for vpc in self.vpcs.values():
            names += [f"{vpc.name}-router", "main", "default"]
            names += list(vpc.route_tables) + list(vpc.security_groups) + list(vpc.network_acls)
            if vpc.internet_gateway is not None:
                names.append(vpc.internet_gateway)
        return list(dict.fromkeys(names))


def makes_node(spec: CloudSpec, name: str) -> bool:
    """Whether building `spec` makes a node named `name` (the internet's only when there is one)."""
    if name in spec.names:
        return True
    uses_internet = bool(spec.hosts) or any(v.internet_gateway for v in spec.vpcs.values())
    return uses_internet and (name == "internet" or name.startswith("internet-"))
