"""The four oracle topologies as plain data.

Each topology is built twice: from Linux network namespaces by netns.py (the reference) and by the
simulator's C++ scenario tests (gtest filter Oracle*<gtest_name>*, run with VPCSIM_PCAP_OUT=DIR, which
write DIR/<node>-<iface>.pcap per captured link).
compare.py then checks that every captured link shows the same normalized packet sequence.

Everything here is data; nothing touches the system.  Conventions:

- A node is a host, a router (net.ipv4.ip_forward=1) or a switch (a Linux bridge `br0`, STP off,
  whose ports are the node's interfaces; a switch's interfaces carry no address).
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
- `window_s` is how long captures keep running after t=0.  Windows are chosen so that no packet the
  kernel sends lands within about half a second of the window's end (see README.md: neighbour
  DELAY->PROBE fires 5 s after a STALE entry is first used).
- `captured` lists the links captured, as "node-iface" (also the pcap file stem).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    name: str
    kind: str  # "host" | "router" | "switch"
    # interface name -> "address/prefixlen" ("" for a switch port)
    ifaces: dict[str, str]
    routes: tuple[tuple[str, str], ...] = ()  # (destination, gateway), "default" allowed
    unreachable: tuple[str, ...] = ()  # prefixes with an `unreachable` route


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

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"topology {self.name}: no node {name!r}")


SAME_SUBNET = Topology(
    name="same_subnet",
    description=(
        "h1 and h2 on one /24 behind a learning bridge; h1 pings h2 three times. The window is long "
        "enough to see h2's neighbour entry for h1 (STALE from the ARP request) go DELAY on the first "
        "reply and PROBE 5 s later: a unicast ARP request."
    ),
    nodes=(
        Node("h1", "host", {"eth0": "10.0.1.10/24"}),
        Node("h2", "host", {"eth0": "10.0.1.20/24"}),
        Node("sw1", "switch", {"p1": "", "p2": ""}),
    ),
    links=(Link("h1.eth0", "sw1.p1"), Link("h2.eth0", "sw1.p2")),
    traffic=(Step(0.0, "h1", "ping", {"dst": "10.0.1.20", "count": 3, "interval_s": 1}),),
    window_s=7.0,
    captured=("h1-eth0", "h2-eth0"),
    gtest_name="SameSubnet",
)

TWO_SUBNETS = Topology(
    name="two_subnets",
    description=(
        "h1 -- r1 -- h2 over two /24s. h1 pings h2, sends a UDP datagram to h2's echo server on "
        "port 9000 (answered with 'pong') and one to closed port 9999 (ICMP port unreachable)."
    ),
    nodes=(
        Node("h1", "host", {"eth0": "10.0.1.10/24"}, routes=(("default", "10.0.1.1"),)),
        Node("r1", "router", {"eth0": "10.0.1.1/24", "eth1": "10.0.2.1/24"}),
        Node("h2", "host", {"eth0": "10.0.2.20/24"}, routes=(("default", "10.0.2.1"),)),
    ),
    links=(Link("h1.eth0", "r1.eth0"), Link("r1.eth1", "h2.eth0")),
    traffic=(
        Step(-1.0, "h2", "udp_echo_server", {"port": 9000, "reply": "pong"}),
        Step(0.0, "h1", "ping", {"dst": "10.0.2.20", "count": 1, "interval_s": 1}),
        Step(1.0, "h1", "udp_send",
             {"src_port": 5000, "dst": "10.0.2.20", "dst_port": 9000, "payload": "hi",
              "reply_timeout_s": 0.5}),
        Step(2.0, "h1", "udp_send",
             {"src_port": 5001, "dst": "10.0.2.20", "dst_port": 9999, "payload": "hi",
              "reply_timeout_s": 0.5}),
    ),
    window_s=4.0,
    captured=("h1-eth0", "r1-eth0", "r1-eth1", "h2-eth0"),
    gtest_name="TwoSubnets",
)

THREE_ROUTERS = Topology(
    name="three_routers",
    description=(
        "h1 -- r1 -- r2 -- r3 -- h2 with static routes; h1 traceroutes h2 (UDP probes from "
        "destination port 33434 up, one probe at a time, three per hop)."
    ),
    nodes=(
        Node("h1", "host", {"eth0": "10.0.1.10/24"}, routes=(("default", "10.0.1.1"),)),
        Node("r1", "router", {"eth0": "10.0.1.1/24", "eth1": "10.0.12.1/24"},
             routes=(("default", "10.0.12.2"),)),
        Node("r2", "router", {"eth0": "10.0.12.2/24", "eth1": "10.0.23.2/24"},
             routes=(("10.0.1.0/24", "10.0.12.1"), ("10.0.3.0/24", "10.0.23.3"))),
        Node("r3", "router", {"eth0": "10.0.23.3/24", "eth1": "10.0.3.1/24"},
             routes=(("default", "10.0.23.2"),)),
        Node("h2", "host", {"eth0": "10.0.3.20/24"}, routes=(("default", "10.0.3.1"),)),
    ),
    links=(
        Link("h1.eth0", "r1.eth0"),
        Link("r1.eth1", "r2.eth0"),
        Link("r2.eth1", "r3.eth0"),
        Link("r3.eth1", "h2.eth0"),
    ),
    traffic=(
        Step(0.0, "h1", "traceroute",
             {"dst": "10.0.3.20", "probes_per_hop": 3, "wait_s": 1, "max_ttl": 8,
              "sim_queries": 1}),
    ),
    window_s=4.0,
    captured=("h1-eth0", "r1-eth0", "r1-eth1", "r2-eth0", "r2-eth1", "r3-eth0", "r3-eth1",
              "h2-eth0"),
    gtest_name="ThreeRouters",
)

NO_ROUTE = Topology(
    name="no_route",
    description=(
        "h1 -- r1 -- h2; r1 has no default route and an `unreachable` route for 198.51.100.0/24. "
        "h1 pings 203.0.113.9 (no route: ICMP net unreachable) and, at t=1 s, 198.51.100.7 "
        "(unreachable route: ICMP host unreachable)."
    ),
    nodes=(
        Node("h1", "host", {"eth0": "10.0.1.10/24"}, routes=(("default", "10.0.1.1"),)),
        Node("r1", "router", {"eth0": "10.0.1.1/24", "eth1": "10.0.2.1/24"},
             unreachable=("198.51.100.0/24",)),
        Node("h2", "host", {"eth0": "10.0.2.20/24"}),
    ),
    links=(Link("h1.eth0", "r1.eth0"), Link("r1.eth1", "h2.eth0")),
    traffic=(
        Step(0.0, "h1", "ping", {"dst": "203.0.113.9", "count": 1, "interval_s": 1}),
        Step(1.0, "h1", "ping", {"dst": "198.51.100.7", "count": 1, "interval_s": 1}),
    ),
    window_s=3.0,
    captured=("h1-eth0", "r1-eth0"),
    gtest_name="NoRoute",
)

TOPOLOGIES: dict[str, Topology] = {
    t.name: t for t in (SAME_SUBNET, TWO_SUBNETS, THREE_ROUTERS, NO_ROUTE)
}


def get(name: str) -> Topology:
    try:
        return TOPOLOGIES[name]
    except KeyError:
        raise KeyError(f"unknown topology {name!r}; known: {', '.join(TOPOLOGIES)}") from None
