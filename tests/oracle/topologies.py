"""The oracle topologies as plain data.

Each topology is built twice: from Linux network namespaces by netns.py (the reference) and by the
simulator's C++ scenario tests (gtest filter Oracle*<gtest_name>*, run with VPCSIM_PCAP_OUT=DIR, which
write DIR/<node>-<iface>.pcap per captured link).
compare.py then checks that every captured link shows the same normalized packet sequence.

Everything here is data; nothing touches the system.  Conventions:

- A node is a host, a router (net.ipv4.ip_forward=1), a switch (a Linux bridge `br0`, STP off,
  whose ports are the node's interfaces; a switch's interfaces carry no address) or a nat: a router
  whose `nat_rules` are `iptables -t nat` rules (one string each, e.g. "-A POSTROUTING -s 10.0.0.0/24
  -o eth1 -j MASQUERADE"), applied after addresses and routes.  `extra_addrs` are further
  (interface, "address/prefixlen") pairs, e.g. the public address of a 1:1 NAT.
- A topology with `nat=True` is normalized with flow labels instead of `*` for ephemeral ports and
  hidden ICMP ids (normalize.py, "NAT mode"), so that the translated fields are compared.
- `iptables_rules` are further iptables rules in any table (one string of arguments each, with
  `-t TABLE` where it is not `filter`), applied after `nat_rules`; e.g. the VPC router's
  "-t mangle -A PREROUTING -j TTL --ttl-inc 1" (it does not decrement the TTL).
- `policy_tables` are `PolicyTable`s: packets arriving on `iif` are routed by their own routing table
  (`ip rule add iif IIF table ID`), whose routes are `ip route add` arguments; e.g. AWS's per-subnet
  route tables on the VPC router.
- Every interface is one end of a veth pair (MTU 1500); `Link(a, b)` names both ends as "node.iface".
- Routes are (destination prefix, gateway) pairs; `unreachable` lists prefixes given a kernel
  `ip route add unreachable PREFIX` route.
- Traffic is a list of `Step`s started `at_s` seconds after t=0 (when captures are running).  `kind`
  is one of:
    ping            params: dst, count, interval_s          -> ping -n -c COUNT -i INTERVAL DST
    traceroute      params: dst, probes_per_hop, wait_s, max_ttl, sim_queries
                                                            -> traceroute -n -N SIM -q P -w W -m M DST
    udp_send        params: src_port, dst, dst_port, payload, reply_timeout_s
                    (one datagram from a socket bound to src_port; waits up to reply_timeout_s
                    for one reply and prints it)
    udp_echo_server params: port, reply
                    (background: started before the captures; answers each datagram with `reply`)
    tcp_server      params: port, reply
                    (background: accepts, reads the request, sends `reply`, closes; node::TcpServer)
    tcp_exchange    params: dst, dst_port, payload, timeout_s [, src_port]
                    (connects, sends `payload`, reads until the server closes, closes; node::TcpClient)
- `window_s` is how long captures keep running after t=0.  Windows are chosen so that no packet the
  kernel sends lands within about half a second of the window's end (see README.md: neighbour
  DELAY->PROBE fires 5 s after a STALE entry is first used).
- `captured` lists the links captured, as "node-iface" (also the pcap file stem). Node names may
  contain "-" (`nat-a`, `main-router`), so `Topology.split_link` finds the node by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PolicyTable:
    """Packets arriving on `iif` are routed by table `table` (`ip rule add iif IIF table TABLE`)."""
    iif: str
    table: int
    routes: tuple[str, ...]  # `ip route add` arguments, e.g. "default via 10.0.1.4 dev public-a"


@dataclass(frozen=True)
class Node:
    name: str
    kind: str  # "host" | "router" | "switch" | "nat"
    # interface name -> "address/prefixlen" ("" for a switch port)
    ifaces: dict[str, str]
    routes: tuple[tuple[str, str], ...] = ()  # (destination, gateway), "default" allowed
    unreachable: tuple[str, ...] = ()  # prefixes with an `unreachable` route
    blackhole: tuple[str, ...] = ()  # prefixes with a `blackhole` route
    nat_rules: tuple[str, ...] = ()  # `iptables -t nat` arguments, one rule per string (kind "nat")
    extra_addrs: tuple[tuple[str, str], ...] = ()  # (interface, "address/prefixlen") added after ifaces
    iptables_rules: tuple[str, ...] = ()  # iptables arguments (with -t TABLE), after nat_rules
    policy_tables: tuple[PolicyTable, ...] = ()  # routing by incoming interface

    def iptables_tables(self) -> tuple[str, ...]:
        """The iptables tables this node's rules use, `nat` first."""
        tables = ["nat"] if self.nat_rules else []
        for rule in self.iptables_rules:
            words = rule.split()
            table = words[words.index("-t") + 1] if "-t" in words else "filter"
            if table not in tables:
                tables.append(table)
        return tuple(tables)


@dataclass(frozen=True)
class Link:
    a: str  # "node.iface"
    b: str


@dataclass(frozen=True)
class Step:
    at_s: float
    node: str
    kind: str  # ping | traceroute | udp_send | udp_echo_server
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Topology:
    name: str
    description: str
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    traffic: tuple[Step, ...]
    window_s: float
    captured: tuple[str, ...]
    # The CamelCase name the C++ scenario test uses: --gtest_filter=Oracle*<gtest_name>*
    gtest_name: str = ""
    # NAT topologies: ports and ICMP ids are compared as flow labels (normalize.py, NAT mode).
    nat: bool = False
    # When set, only the normalized lines starting with one of these words are compared ("ARP"):
    # for a topology about one behaviour whose other frames depend on application timing.
    compare_kinds: tuple[str, ...] = ()

    def literal_ports(self) -> frozenset[int]:
        """The ports the traffic names (bound, sent to, listened on): printed as they are in NAT
        mode, since neither side chooses them."""
        return frozenset(int(step.params[k]) for step in self.traffic
                         for k in ("src_port", "dst_port", "port") if k in step.params)

    def split_link(self, link: str) -> tuple[str, str]:
        """("node", "iface") of a captured link "node-iface"; node names may contain "-"."""
        found = [(n.name, link[len(n.name) + 1:]) for n in self.nodes
                 if link.startswith(n.name + "-") and link[len(n.name) + 1:] in n.ifaces]
        if len(found) != 1:
            raise KeyError(f"topology {self.name}: captured link {link!r} names "
                           f"{'no' if not found else 'more than one'} node interface")
        return found[0]

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"topology {self.name}: no node {name!r}")


# --- topologies written once, as scenario files ---------------------------------------------------------
#
# A topology that scenarios/ also tells is read from its scenario file (the YAML that `vpcsim run` and
# tests/python/test_scenario_files.py run, and whose pcaps that test holds byte for byte against the
# C++ Oracle* test's): nodes, addresses, routes, links and traffic come from vpcsim's own loader
# (PYTHONPATH=bindings); what only the kernel run needs (window, captured links, gtest name) is given
# here. Only what these topologies use is translated (hosts, routers, switches, gateways, routes via a
# gateway, `unreachable` and `blackhole` routes; ping, traceroute, UDP datagrams, a UDP listener);
# anything else raises ValueError naming the file, rather than building another topology than it tells.

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
_NS = 1_000_000_000


def _seconds(ns: int) -> float:
    return ns // _NS if ns % _NS == 0 else ns / _NS


def from_scenario(file: str, *, name: str, window_s: float, captured: tuple[str, ...], gtest_name: str) -> Topology:
    from vpcsim import scenario as loader  # imported here: the other topologies need no vpcsim

    spec = loader.load(SCENARIOS / file)
    where = f"scenarios/{file}"
    ports: dict[str, list[str]] = {n: [] for n, node in spec.nodes.items() if node.kind == "switch"}
    for link in spec.links:
        for end in link.ends:
            node, iface = end.split(".", 1)
            if node in ports:
                ports[node].append(iface)
    nodes = tuple(_node(where, node, ports.get(name_, [])) for name_, node in spec.nodes.items())
    addresses = {n.name: n.ifaces[next(iter(n.ifaces))].split("/")[0] for n in nodes if n.kind != "switch"}
    return Topology(
        name=name,
        description=" ".join(spec.description.split()),
        nodes=nodes,
        links=tuple(Link(*link.ends) for link in spec.links),
        traffic=tuple(_step(where, item, addresses) for item in spec.traffic),
        window_s=window_s,
        captured=captured,
        gtest_name=gtest_name,
    )


def _node(where: str, node: Any, switch_ports: list[str]) -> Node:
    if node.kind == "switch":
        return Node(node.name, "switch", {port: "" for port in switch_ports})
    if node.kind not in ("host", "router") or node.nat is not None:
        raise ValueError(f"{where}: node {node.name} ({node.kind}) has no oracle translation")
    routes: list[tuple[str, str]] = [("default", node.gateway)] if node.gateway else []
    unreachable: list[str] = []
    blackhole: list[str] = []
    for route in node.routes:
        if route.type == "gateway" and route.dev is None:
            routes.append((route.to, route.via))
        elif route.type in ("unreachable", "blackhole"):
            (unreachable if route.type == "unreachable" else blackhole).append(route.to)
        else:
            raise ValueError(f"{where}: route {route.to} ({route.type}) of {node.name} has no oracle translation")
    return Node(node.name, node.kind, {i.name: i.ip for i in node.interfaces}, routes=tuple(routes),
                unreachable=tuple(unreachable), blackhole=tuple(blackhole))


def _step(where: str, item: Any, addresses: dict[str, str]) -> Step:
    p = item.params
    dst = addresses.get(item.destination, item.destination)
    at = float(item.start / _NS)
    if item.kind == "ping" and p["ttl"] == 64 and p["size"] == 56:
        return Step(at, item.node, "ping", {"dst": dst, "count": p["count"], "interval_s": _seconds(p["interval"])})
    if item.kind == "traceroute" and p["first_ttl"] == 1:
        return Step(at, item.node, "traceroute", {"dst": dst, "probes_per_hop": p["queries"], "wait_s": _seconds(p["wait"]),
                                                  "max_ttl": p["max_hops"], "sim_queries": 1})
    if item.kind == "udp" and p["count"] == 1 and p["flows"] == 0:
        return Step(at, item.node, "udp_send", {"src_port": p["from_port"], "dst": dst, "dst_port": p["port"],
                                                "payload": p["data"], "reply_timeout_s": 0.5})
    if item.kind == "listen" and p["protocol"] == "udp" and item.start == 0:
        return Step(-1.0, item.node, "udp_echo_server", {"port": p["port"], "reply": p["reply"]})
    raise ValueError(f"{where}: traffic {item.id} ({item.kind}) has no oracle translation")


# The window is long enough to see h2's neighbour entry for h1 (STALE from the ARP request) go DELAY on
# the first reply and PROBE 5 s later: a unicast ARP request.
SAME_SUBNET = from_scenario("same_subnet_arp.yaml", name="same_subnet", window_s=7.0,
                            captured=("h1-eth0", "h2-eth0"), gtest_name="SameSubnet")

TWO_SUBNETS = from_scenario("two_subnets.yaml", name="two_subnets", window_s=4.0,
                            captured=("h1-eth0", "r1-eth0", "r1-eth1", "h2-eth0"), gtest_name="TwoSubnets")

# traceroute -N 1: one probe at a time, as the simulator's traceroute sends them.
THREE_ROUTERS = from_scenario("three_router_traceroute.yaml", name="three_routers", window_s=4.0,
                              captured=("h1-eth0", "r1-eth0", "r1-eth1", "r2-eth0", "r2-eth1", "r3-eth0",
                                        "r3-eth1", "h2-eth0"),
                              gtest_name="ThreeRouters")

NO_ROUTE = from_scenario("private_to_internet_no_nat.yaml", name="no_route", window_s=3.0,
                         captured=("h1-eth0", "r1-eth0"), gtest_name="NoRoute")

# The NAT topologies.  Public addresses come from the documentation ranges; outside hosts have no
# route to the private ranges, so only a translation makes a reply reach an inside host.

NAT_MASQUERADE = Topology(
    name="nat_masquerade",
    description=(
        "h1 and h2 (10.0.0.0/24, on a bridge) behind nat1, which masquerades them behind 203.0.113.1; "
        "r2 leads to srv 198.51.100.10 (no route back to 10.0.0.0/24). h1 pings srv, sends UDP to "
        "srv's echo server (port 9000) and to a closed port (port unreachable, translated back with "
        "its quote), traceroutes srv (time exceeded from nat1 itself and from r2, translated back), "
        "then h2 sends from the same source port as h1 to the same server port: its flow gets "
        "another outside port."
    ),
    nodes=(
        Node("h1", "host", {"eth0": "10.0.0.10/24"}, routes=(("default", "10.0.0.1"),)),
        Node("h2", "host", {"eth0": "10.0.0.20/24"}, routes=(("default", "10.0.0.1"),)),
        Node("sw1", "switch", {"p1": "", "p2": "", "p3": ""}),
        Node("nat1", "nat", {"eth0": "10.0.0.1/24", "eth1": "203.0.113.1/24"},
             routes=(("198.51.100.0/24", "203.0.113.2"),),
             nat_rules=("-A POSTROUTING -s 10.0.0.0/24 -o eth1 -j MASQUERADE",)),
        Node("r2", "router", {"eth0": "203.0.113.2/24", "eth1": "198.51.100.1/24"}),
        Node("srv", "host", {"eth0": "198.51.100.10/24"}, routes=(("default", "198.51.100.1"),)),
    ),
    links=(
        Link("h1.eth0", "sw1.p1"),
        Link("h2.eth0", "sw1.p2"),
        Link("nat1.eth0", "sw1.p3"),
        Link("nat1.eth1", "r2.eth0"),
        Link("r2.eth1", "srv.eth0"),
    ),
    traffic=(
        Step(-1.0, "srv", "udp_echo_server", {"port": 9000, "reply": "pong"}),
        Step(0.0, "h1", "ping", {"dst": "198.51.100.10", "count": 1, "interval_s": 1}),
        Step(0.5, "h1", "udp_send",
             {"src_port": 5000, "dst": "198.51.100.10", "dst_port": 9000, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(1.0, "h1", "udp_send",
             {"src_port": 5001, "dst": "198.51.100.10", "dst_port": 9999, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(1.5, "h1", "traceroute",
             {"dst": "198.51.100.10", "probes_per_hop": 1, "wait_s": 1, "max_ttl": 8,
              "sim_queries": 1}),
        Step(2.5, "h2", "udp_send",
             {"src_port": 5000, "dst": "198.51.100.10", "dst_port": 9000, "payload": "two",
              "reply_timeout_s": 0.4}),
    ),
    window_s=4.0,
    captured=("h1-eth0", "h2-eth0", "nat1-eth0", "nat1-eth1", "srv-eth0"),
    gtest_name="NatMasquerade",
    nat=True,
)

NAT_MASQUERADE_TCP = Topology(
    name="nat_masquerade_tcp",
    description=(
        "Neighbour confirmation by TCP (issue 17): h1 10.0.0.10 behind nat1, which masquerades it "
        "behind 203.0.113.1, opens a TCP connection to srv 203.0.113.10 port 80, sends a request, "
        "reads the reply and closes. Every node's first use of a neighbour it learned as STALE "
        "puts it in DELAY, yet no unicast ARP probe follows at 5 s on either link: each ACK that "
        "acknowledges new data marks its socket, the socket's next segment confirms the next hop "
        "(ip_finish_output2 -> neigh_confirm), and on veth the mark crosses to nat1, which confirms "
        "its own next hop when forwarding. The simulator matches this with `medium: veth`."
    ),
    nodes=(
        Node("h1", "host", {"eth0": "10.0.0.10/24"}, routes=(("default", "10.0.0.1"),)),
        Node("nat1", "nat", {"eth0": "10.0.0.1/24", "eth1": "203.0.113.1/24"},
             nat_rules=("-A POSTROUTING -s 10.0.0.0/24 -o eth1 -j MASQUERADE",)),
        Node("srv", "host", {"eth0": "203.0.113.10/24"}),
    ),
    links=(Link("h1.eth0", "nat1.eth0"), Link("nat1.eth1", "srv.eth0")),
    traffic=(
        Step(-1.0, "srv", "tcp_server", {"port": 80, "reply": "pong"}),
        Step(0.0, "h1", "tcp_exchange",
             {"dst": "203.0.113.10", "dst_port": 80, "payload": "hi", "timeout_s": 2}),
        # A second connection a second later confirms the entries again, well inside the 5 s that
        # DELAY waits; the first one alone confirms them only milliseconds after they entered DELAY,
        # and the kernel's timer wheel fires DELAY's timer up to ~0.3 s late, past confirmed + 5 s.
        Step(1.0, "h1", "tcp_exchange",
             {"dst": "203.0.113.10", "dst_port": 80, "payload": "hi", "timeout_s": 2}),
    ),
    # The probes the simulator without confirmation sends come at 5 s; 7 s shows they are absent.
    window_s=7.0,
    captured=("h1-eth0", "nat1-eth0", "nat1-eth1", "srv-eth0"),
    gtest_name="NeighbourConfirmTcp",  # not "NatMasquerade*": gtest filters use it as a pattern
    nat=True,
    # The ARP frames are the point. The TCP segments differ in two places that come from timing, not
    # from neighbours: the kernel's server closes a few microseconds after its reply, late enough
    # for h1's ACK of the reply to come first (the simulator's closes at the same instant), and
    # h1's kernel acknowledges the server's FIN with its own FIN, the ACK delayed until the
    # application closed (the simulator acknowledges at once, then sends its FIN).
    compare_kinds=("ARP",),
)

NAT_PORT_FORWARD = Topology(
    name="nat_port_forward",
    description=(
        "docker run -p 8080:80/udp: web 172.17.0.2 behind nat1 (172.17.0.1 inside, 203.0.113.1 "
        "outside) with DNAT of UDP 8080 arriving on eth1 to 172.17.0.2:80 and masquerade of "
        "172.17.0.0/16 (as docker sets up). The outside client 203.0.113.50 sends to "
        "203.0.113.1:8080 (answered by web's echo server on port 80), then to the unmapped port "
        "9999 (nat1 answers port unreachable itself), then to 8081, published to web's closed port "
        "81 (web's port unreachable goes out from 203.0.113.1, its quote translated back to "
        "203.0.113.1:8081); web pings the client (masqueraded) and tries the published port from "
        "inside (hairpin: the rule is for eth1 only, so nat1 answers port unreachable itself)."
    ),
    nodes=(
        Node("web", "host", {"eth0": "172.17.0.2/16"}, routes=(("default", "172.17.0.1"),)),
        Node("nat1", "nat", {"eth0": "172.17.0.1/16", "eth1": "203.0.113.1/24"},
             nat_rules=(
                 "-A PREROUTING -i eth1 -p udp --dport 8080 -m addrtype --dst-type LOCAL "
                 "-j DNAT --to-destination 172.17.0.2:80",
                 "-A PREROUTING -i eth1 -p udp --dport 8081 -m addrtype --dst-type LOCAL "
                 "-j DNAT --to-destination 172.17.0.2:81",
                 "-A POSTROUTING -s 172.17.0.0/16 -o eth1 -j MASQUERADE",
             )),
        Node("client", "host", {"eth0": "203.0.113.50/24"}),
    ),
    links=(Link("web.eth0", "nat1.eth0"), Link("nat1.eth1", "client.eth0")),
    traffic=(
        Step(-1.0, "web", "udp_echo_server", {"port": 80, "reply": "pong"}),
        Step(0.0, "client", "udp_send",
             {"src_port": 5000, "dst": "203.0.113.1", "dst_port": 8080, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(0.5, "client", "udp_send",
             {"src_port": 5001, "dst": "203.0.113.1", "dst_port": 9999, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(1.0, "client", "udp_send",
             {"src_port": 5002, "dst": "203.0.113.1", "dst_port": 8081, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(1.5, "web", "ping", {"dst": "203.0.113.50", "count": 1, "interval_s": 1}),
        Step(2.0, "web", "udp_send",
             {"src_port": 5003, "dst": "203.0.113.1", "dst_port": 8080, "payload": "hi",
              "reply_timeout_s": 0.4}),
    ),
    window_s=3.5,
    captured=("web-eth0", "nat1-eth0", "nat1-eth1", "client-eth0"),
    gtest_name="NatPortForward",
    nat=True,
)

NAT_ONE_TO_ONE = Topology(
    name="nat_one_to_one",
    description=(
        "1:1 NAT (an AWS internet gateway): vm 10.0.0.10 is 203.0.113.5 outside, through a "
        "DNAT/SNAT pair on nat1, which also holds 203.0.113.5 on its outside interface (so it "
        "answers ARP for it). vm pings ext 203.0.113.50, ext pings 203.0.113.5 (reaching vm), "
        "vm sends UDP to ext's echo server, and ext traceroutes 203.0.113.5 (nat1's time exceeded "
        "and vm's port unreachable both quote 203.0.113.5)."
    ),
    nodes=(
        Node("vm", "host", {"eth0": "10.0.0.10/24"}, routes=(("default", "10.0.0.1"),)),
        Node("nat1", "nat", {"eth0": "10.0.0.1/24", "eth1": "203.0.113.1/24"},
             extra_addrs=(("eth1", "203.0.113.5/24"),),
             nat_rules=(
                 "-A PREROUTING -d 203.0.113.5 -j DNAT --to-destination 10.0.0.10",
                 "-A POSTROUTING -s 10.0.0.10 -j SNAT --to-source 203.0.113.5",
             )),
        Node("ext", "host", {"eth0": "203.0.113.50/24"}),
    ),
    links=(Link("vm.eth0", "nat1.eth0"), Link("nat1.eth1", "ext.eth0")),
    traffic=(
        Step(-1.0, "ext", "udp_echo_server", {"port": 9000, "reply": "pong"}),
        Step(0.0, "vm", "ping", {"dst": "203.0.113.50", "count": 1, "interval_s": 1}),
        Step(0.5, "ext", "ping", {"dst": "203.0.113.5", "count": 1, "interval_s": 1}),
        Step(1.0, "vm", "udp_send",
             {"src_port": 5000, "dst": "203.0.113.50", "dst_port": 9000, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(1.5, "ext", "traceroute",
             {"dst": "203.0.113.5", "probes_per_hop": 1, "wait_s": 1, "max_ttl": 4,
              "sim_queries": 1}),
    ),
    window_s=3.5,
    captured=("vm-eth0", "nat1-eth0", "nat1-eth1", "ext-eth0"),
    gtest_name="NatOneToOne",
    nat=True,
)

# The cloud layer's classic public/private VPC (tests/cpp/cloud/classic_vpc.h), built as the cloud layer
# compiles it onto nodes (libnet/cloud/cloud.h lists the nodes, interfaces and links): same node and
# interface names, addresses and link blocks (169.254.0.0/30 router <-> internet gateway,
# 100.64.0.0/30 internet gateway <-> internet router).  AWS's pieces become Linux ones:
# - the VPC router `main-router` routes by the route table of the subnet a packet comes from (policy
#   routing by incoming interface; from the internet gateway, by the `local` routes only), does not
#   decrement the TTL (mangle TTL +1 before forwarding takes one off), and sends and answers nothing
#   but ARP (filter INPUT and OUTPUT drop every IPv4 packet of its own: no ICMP errors, no redirects);
# - the internet gateway `igw-main` is a 1:1 NAT (a DNAT/SNAT pair per public address, as
#   nat_one_to_one); the internet router holds a /32 route to it for each public address;
# - the NAT gateway `nat-a` masquerades everything it forwards out of its one interface, UDP and TCP
#   from ports 1024-65535 (iptables allows a port range only with -p udp/tcp; ICMP ids are kept);
# - subnet switches are bridges, as the other topologies' switches.
_VPC_SUBNETS = ("10.0.1.0/24 dev public-a", "10.0.2.0/24 dev private-a", "blackhole 10.0.0.0/16")

VPC_PUBLIC_PRIVATE = Topology(
    name="vpc_public_private",
    description=(
        "The classic AWS VPC 10.0.0.0/16: web 10.0.1.10 (public 198.51.100.10) and NAT gateway nat-a "
        "10.0.1.4 (Elastic IP 198.51.100.20) in public-a, routed to the internet gateway igw-main; db "
        "10.0.2.10 in private-a, routed to nat-a; the internet router `internet` with host ext "
        "203.0.113.10. ext pings web's public address; web pings ext; db pings ext through nat-a; db "
        "sends UDP to ext's echo server and to a closed port (the port unreachable is translated back "
        "by the internet gateway and then by the NAT gateway). Then web pings the VPC router itself "
        "and db pings 10.0.3.5 (in the VPC's block, in no subnet): neither gets an answer or an error."
    ),
    nodes=(
        Node("web", "host", {"eth0": "10.0.1.10/24"}, routes=(("default", "10.0.1.1"),)),
        Node("db", "host", {"eth0": "10.0.2.10/24"}, routes=(("default", "10.0.2.1"),)),
        Node("nat-a", "nat", {"eth0": "10.0.1.4/24"}, routes=(("default", "10.0.1.1"),),
             nat_rules=(
                 "-A POSTROUTING -o eth0 -p udp -j MASQUERADE --to-ports 1024-65535",
                 "-A POSTROUTING -o eth0 -p tcp -j MASQUERADE --to-ports 1024-65535",
                 "-A POSTROUTING -o eth0 -j MASQUERADE",
             )),
        Node("public-a", "switch", {"p1": "", "p2": "", "p3": ""}),
        Node("private-a", "switch", {"p1": "", "p2": ""}),
        Node("main-router", "router",
             {"public-a": "10.0.1.1/24", "private-a": "10.0.2.1/24", "igw": "169.254.0.1/30"},
             iptables_rules=(
                 "-t mangle -A PREROUTING -j TTL --ttl-inc 1",
                 "-A INPUT -j DROP",
                 "-A OUTPUT -j DROP",
             ),
             policy_tables=(
                 PolicyTable("public-a", 101, _VPC_SUBNETS + ("default via 169.254.0.2 dev igw",)),
                 PolicyTable("private-a", 102, _VPC_SUBNETS + ("default via 10.0.1.4 dev public-a",)),
                 PolicyTable("igw", 103, _VPC_SUBNETS),
             )),
        Node("igw-main", "nat", {"vpc": "169.254.0.2/30", "internet": "100.64.0.2/30"},
             routes=(("10.0.0.0/16", "169.254.0.1"), ("default", "100.64.0.1")),
             nat_rules=(
                 "-A PREROUTING -d 198.51.100.10 -j DNAT --to-destination 10.0.1.10",
                 "-A POSTROUTING -s 10.0.1.10 -j SNAT --to-source 198.51.100.10",
                 "-A PREROUTING -d 198.51.100.20 -j DNAT --to-destination 10.0.1.4",
                 "-A POSTROUTING -s 10.0.1.4 -j SNAT --to-source 198.51.100.20",
             )),
        Node("internet", "router", {"igw-main": "100.64.0.1/30", "net-203-0-113": "203.0.113.1/24"},
             routes=(("198.51.100.20/32", "100.64.0.2"), ("198.51.100.10/32", "100.64.0.2"))),
        Node("internet-203-0-113", "switch", {"p1": "", "p2": ""}),
        Node("ext", "host", {"eth0": "203.0.113.10/24"}, routes=(("default", "203.0.113.1"),)),
    ),
    links=(
        Link("main-router.public-a", "public-a.p1"),
        Link("main-router.private-a", "private-a.p1"),
        Link("main-router.igw", "igw-main.vpc"),
        Link("igw-main.internet", "internet.igw-main"),
        Link("nat-a.eth0", "public-a.p2"),
        Link("web.eth0", "public-a.p3"),
        Link("db.eth0", "private-a.p2"),
        Link("internet.net-203-0-113", "internet-203-0-113.p1"),
        Link("ext.eth0", "internet-203-0-113.p2"),
    ),
    traffic=(
        Step(-1.0, "ext", "udp_echo_server", {"port": 9000, "reply": "pong"}),
        Step(0.0, "ext", "ping", {"dst": "198.51.100.10", "count": 1, "interval_s": 1}),
        Step(0.5, "web", "ping", {"dst": "203.0.113.10", "count": 1, "interval_s": 1}),
        Step(1.0, "db", "ping", {"dst": "203.0.113.10", "count": 1, "interval_s": 1}),
        Step(1.5, "db", "udp_send",
             {"src_port": 5000, "dst": "203.0.113.10", "dst_port": 9000, "payload": "hi",
              "reply_timeout_s": 0.4}),
        Step(2.0, "db", "udp_send",
             {"src_port": 5001, "dst": "203.0.113.10", "dst_port": 9999, "payload": "hi",
              "reply_timeout_s": 0.4}),
        # The VPC router answers nothing but ARP, and refuses silently (no ICMP errors).
        Step(2.5, "web", "ping", {"dst": "10.0.1.1", "count": 1, "interval_s": 1}),
        Step(2.75, "db", "ping", {"dst": "10.0.3.5", "count": 1, "interval_s": 1}),
    ),
    window_s=3.5,
    captured=("web-eth0", "db-eth0", "nat-a-eth0", "main-router-public-a", "main-router-private-a",
              "main-router-igw", "igw-main-vpc", "igw-main-internet", "internet-igw-main",
              "internet-net-203-0-113", "ext-eth0"),
    gtest_name="VpcPublicPrivate",
    nat=True,
)

TOPOLOGIES: dict[str, Topology] = {
    t.name: t for t in (SAME_SUBNET, TWO_SUBNETS, THREE_ROUTERS, NO_ROUTE, NAT_MASQUERADE, NAT_MASQUERADE_TCP,
                        NAT_PORT_FORWARD, NAT_ONE_TO_ONE, VPC_PUBLIC_PRIVATE)
}


def get(name: str) -> Topology:
    try:
        return TOPOLOGIES[name]
    except KeyError:
        raise KeyError(f"unknown topology {name!r}; known: {', '.join(TOPOLOGIES)}") from None
