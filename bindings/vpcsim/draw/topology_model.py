"""The topology as data: nodes with their role and place, links with their interfaces' addresses,
and the groups drawn around them (VPCs, subnets, switched segments, the internet).

The layout is computed, not random, so a network always gives the same picture: a tidy tree laid
out left to right from a root at the edge of the network (an internet host when there is a cloud,
else the first host at the end of the longest path), with a node's onward links before its leaves so
the main path stays straight; a node with many leaves gets them in a grid. Links that close a loop
are drawn but do not place anything. Networks made of several pieces are stacked one below another.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from vpcsim import _core

__all__ = ["Group", "LinkInfo", "NodeInfo", "TopologyModel", "topology_model"]

GRID_LEAVES = 12  # a node with more leaves than this lays them out in a grid of columns


@dataclass
class NodeInfo:
    name: str
    kind: str  # a key of figure.KINDS: host, router, switch, nat, instance, vpc_router, ...
    x: float = 0.0
    y: float = 0.0
    addresses: List[str] = field(default_factory=list)  # every interface address ("10.0.1.10/24")
    detail: str = ""  # a second line: an instance's public IP, a gateway's Elastic IP


@dataclass
class LinkInfo:
    a: str  # "node.iface"
    b: str
    a_node: str
    b_node: str
    a_label: str  # the interface and its addresses, as shown beside its end of the line
    b_label: str


@dataclass
class Group:
    name: str
    kind: str  # vpc, subnet, segment, internet
    label: str
    members: List[str]
    parent: Optional[str] = None
    boundary: List[str] = field(default_factory=list)  # nodes drawn on the group's edge (gateways)
    public: Optional[bool] = None  # a subnet whose route table sends 0.0.0.0/0 to an internet gateway


@dataclass
class TopologyModel:
    nodes: Dict[str, NodeInfo]
    links: List[LinkInfo]
    groups: List[Group]
    order: List[str]  # the nodes in the layout's tree order
    ladder_order: List[str]  # tree order with each node's leaves right after it: the ladder's columns

    def node_names(self) -> List[str]:
        return list(self.nodes)


def _kind(node: Any, internet: Set[str]) -> str:
    if isinstance(node, _core.Switch):
        return "switch"
    if isinstance(node, _core.InternetGateway):
        return "internet_gateway"
    if isinstance(node, _core.NatGateway):
        return "nat_gateway"
    if isinstance(node, _core.VpcRouter):
        return "vpc_router"
    if isinstance(node, _core.Instance):
        return "instance"
    if node.name in internet:
        return "internet_router" if isinstance(node, _core.Router) else "internet_host"
    if isinstance(node, _core.NatRouter):
        return "nat"
    if isinstance(node, _core.Router):
        return "router"
    return "host"


def _iface_label(iface: Any) -> str:
    addresses = [str(a) for a in iface.addresses]
    return iface.name + ("\n" + "\n".join(addresses) if addresses else "")


def _cloud_groups(cloud: Any, adjacency: Dict[str, List[str]]) -> Tuple[List[Group], Set[str]]:
    groups: List[Group] = []
    in_vpc: Set[str] = set()
    for vpc in cloud.vpcs:
        members = [vpc.router.name]
        boundary = []
        if vpc.internet_gateway is not None:
            boundary.append(vpc.internet_gateway.name)
        groups.append(Group(f"vpc:{vpc.name}", "vpc", f"VPC {vpc.name}  {vpc.cidr}", members, boundary=boundary))
        for subnet in vpc.subnets:
            lan = subnet.lan.name
            inside = [lan] + [n for n in adjacency.get(lan, []) if n != vpc.router.name]
            public = any(r.target_kind == "internet gateway" for r in subnet.route_table.routes())
            kind = "public" if public else "private"
            groups.append(
                Group(f"subnet:{vpc.name}:{subnet.name}", "subnet", f"{subnet.name}  {subnet.cidr}  ({kind})", inside,
                      parent=f"vpc:{vpc.name}", public=public)
            )
            members.extend(inside)
        in_vpc.update(members + boundary)
    internet = [n for n in adjacency if n not in in_vpc]
    if internet:
        groups.append(Group("internet", "internet", "Internet", internet))
    return groups, set(internet)


def _segment_groups(net: Any, kinds: Dict[str, str], adjacency: Dict[str, List[str]],
                    prefixes: Dict[str, Set[str]]) -> List[Group]:
    """A switch and the nodes that hang only off it form a segment; a host alone at the end of a
    router's link forms one too. Each is labelled with the subnets its interfaces are in."""
    groups = []
    for node in net.nodes:
        name = node.name
        if kinds[name] == "switch":
            members = [name] + [n for n in adjacency[name] if len(adjacency[n]) == 1]
        elif kinds[name] in ("host",) and len(adjacency[name]) == 1 and kinds[adjacency[name][0]] != "switch":
            members = [name]
        else:
            continue
        subnets = sorted(set().union(*(prefixes.get(m, set()) for m in members)))
        label = "  ".join(subnets) if subnets else ("segment " + name)
        groups.append(Group(f"segment:{name}", "segment", label, members))
    return groups


def _root(names: List[str], adjacency: Dict[str, List[str]], prefer: List[str]) -> str:
    """A node at the end of the component's longest path (the first preferred one if any)."""
    for p in prefer:
        if p in adjacency and p in names:
            return p

    def farthest(start: str) -> Tuple[str, int]:
        dist = {start: 0}
        queue = deque([start])
        while queue:
            n = queue.popleft()
            for m in adjacency[n]:
                if m not in dist:
                    dist[m] = dist[n] + 1
                    queue.append(m)
        best = max(dist.values())
        return next(n for n in names if dist.get(n) == best), best

    end, _ = farthest(names[0])
    other, _ = farthest(end)
    return min(end, other, key=names.index)


def _tidy(root: str, adjacency: Dict[str, List[str]], rank: Dict[str, int], pos: Dict[str, Tuple[float, float]],
          order: List[str], y0: float, kinds_of: Dict[str, str], ladder_order: List[str]) -> float:
    """Places the tree under `root` from row `y0`; returns the next free row."""
    children: Dict[str, List[str]] = {}
    seen = {root}
    queue = deque([root])
    while queue:  # breadth first, so a node hangs under the nearest of its neighbours to the root
        n = queue.popleft()
        kids = [m for m in sorted(adjacency[n], key=rank.__getitem__) if m not in seen]
        seen.update(kids)
        children[n] = kids
        queue.extend(kids)
    next_row = [y0]
    # The ladder's columns: a node, then its own leaves (a switch's hosts beside it), then onward.
    stack = [root]
    while stack:
        n = stack.pop()
        ladder_order.append(n)
        kids = children[n]
        stack.extend(reversed([k for k in kids if not children.get(k)] + [k for k in kids if children.get(k)]))

    def leafy(n: str) -> bool:
        return not children.get(n)

    def place(n: str, depth: int) -> float:
        order.append(n)
        kids = children[n]
        onward = [k for k in kids if not leafy(k)]
        leaves = [k for k in kids if leafy(k)]
        ys = []
        # Past a switch's own hosts: its onward links go one level further, so the segment's box
        # (the switch and its hosts) holds no router.
        step = 2 if leaves and kinds_of.get(n) == "switch" else 1
        for k in onward:
            ys.append(place(k, depth + step))
        if len(leaves) > GRID_LEAVES:
            rows = int(len(leaves) ** 0.5 + 0.999)
            top = next_row[0]
            for i, k in enumerate(leaves):
                order.append(k)
                pos[k] = (depth + 1 + i // rows, top + i % rows)
                ys.append(top + i % rows)
            next_row[0] = top + rows
        else:
            for k in leaves:
                ys.append(place(k, depth + 1))
        if not ys:
            y = next_row[0]
            next_row[0] += 1
        else:
            y = (min(ys) + max(ys)) / 2 if not onward else ys[0]
        pos[n] = (depth, y)
        return y

    place(root, 0)
    return next_row[0]


def topology_model(net: Any, cloud: Any = None) -> TopologyModel:
    """The :class:`TopologyModel` of a Network (and the Cloud built on it, for VPC groups)."""
    adjacency: Dict[str, List[str]] = defaultdict(list)
    names = [n.name for n in net.nodes]
    rank = {n: i for i, n in enumerate(names)}
    for n in names:
        adjacency[n]  # every node, linked or not
    owner: Dict[str, str] = {}
    prefixes: Dict[str, Set[str]] = defaultdict(set)
    for node in net.nodes:
        for iface in node.interfaces:
            owner[iface.full_name] = node.name
            for a in iface.addresses:
                prefixes[node.name].add(str(a.subnet))
    links = []
    for link in net.links:
        a, b = link.a, link.b
        an, bn = owner[a.full_name], owner[b.full_name]
        if bn not in adjacency[an]:
            adjacency[an].append(bn)
            adjacency[bn].append(an)
        links.append(LinkInfo(a.full_name, b.full_name, an, bn, _iface_label(a), _iface_label(b)))
    groups: List[Group] = []
    internet: Set[str] = set()
    if cloud is not None:
        groups, internet = _cloud_groups(cloud, adjacency)
    kinds = {node.name: _kind(node, internet) for node in net.nodes}
    if cloud is None:
        groups = _segment_groups(net, kinds, adjacency, prefixes)
    nodes = {}
    for node in net.nodes:
        info = NodeInfo(node.name, kinds[node.name])
        for iface in node.interfaces:
            info.addresses.extend(str(a) for a in iface.addresses)
        if isinstance(node, _core.Instance) and node.public_ip is not None:
            info.detail = f"public {node.public_ip}"
        elif isinstance(node, _core.NatGateway):
            info.detail = f"EIP {node.public_ip}"
        nodes[node.name] = info
    # Lay out each connected piece, one below the other.
    pos: Dict[str, Tuple[float, float]] = {}
    order: List[str] = []
    ladder_order: List[str] = []
    prefer = [h.name for h in cloud.internet_hosts] if cloud is not None else []
    prefer += [n for n in names if kinds[n] in ("host", "instance", "internet_host")]
    row = 0.0
    placed: Set[str] = set()
    for n in names:
        if n in placed:
            continue
        component = []
        queue = deque([n])
        seen = {n}
        while queue:
            m = queue.popleft()
            component.append(m)
            for k in adjacency[m]:
                if k not in seen:
                    seen.add(k)
                    queue.append(k)
        component.sort(key=rank.__getitem__)
        root = _root(component, adjacency, [p for p in prefer if p in seen][:1] if cloud is not None else [])
        if cloud is None:
            root = _root(component, adjacency, [])
        row = _tidy(root, adjacency, rank, pos, order, row, kinds, ladder_order) + 0.6
        placed.update(component)
    for name, (x, y) in pos.items():
        nodes[name].x, nodes[name].y = float(x), float(y)
    return TopologyModel(nodes, links, groups, order, ladder_order)
