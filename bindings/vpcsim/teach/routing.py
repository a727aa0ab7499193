"""Notebook 04: longest-prefix match, TTL and traceroute, a missing route. Answers come from a node's
routes (``IpNode.routes()``), a finished ``Traceroute``, and the network's trace of drops."""

from __future__ import annotations

from typing import Any, List, Optional

from vpcsim._core import Ipv4Address, IpNode, Network, Route, Traceroute
from vpcsim.teach.exercise import Exercise, NotAnAnswer, Verdict, as_address, as_name, as_prefix, register


def longest_match(node: IpNode, destination: Any) -> Optional[Route]:
    """The route ``node`` uses for ``destination``: of the routes whose prefix holds it, the one
    with the longest prefix (Linux's FIB lookup, one table, no metrics or policy rules)."""
    address = Ipv4Address(str(destination))
    matching = [route for route in node.routes() if route.destination.contains(address)]
    return max(matching, key=lambda route: route.destination.length, default=None)


@register
class LongestPrefix(Exercise):
    key = "04.longest-prefix"
    hint = "answer the route's destination, such as 10.0.0.0/8 (or 0.0.0.0/0 for the default route)"

    def __init__(self, node: IpNode, destination: str) -> None:
        self.node, self.destination = node, Ipv4Address(destination)

    @property
    def question(self) -> str:
        return f"Which of {self.node.name}'s routes carries a packet to {self.destination}?"

    def expected(self) -> Any:
        route = longest_match(self.node, self.destination)
        if route is None:
            raise ValueError(f"{self.node.name} has no route to {self.destination}")
        return route.destination

    def matching(self) -> List[Route]:
        return sorted((r for r in self.node.routes() if r.destination.contains(self.destination)),
                      key=lambda r: -r.destination.length)

    def why(self) -> str:
        routes = self.matching()
        others = ", ".join(str(r.destination) for r in routes[1:])
        verb = "match too, but are shorter" if len(routes) > 2 else "matches too, but is shorter"
        also = f" ({others} {verb})" if others else ""
        return (f"Of the routes whose prefix holds {self.destination}, the longest wins: "
                f"{routes[0]}{also}")

    def parse(self, answer: Any) -> Any:
        text = str(answer).strip()
        return as_prefix("0.0.0.0/0" if text == "default" else text)

    def judge(self, answer: Any) -> Verdict:
        if answer == self.expected():
            return self.right()
        if not any(r.destination == answer for r in self.node.routes()):
            return self.wrong(f"{self.node.name} has no route {answer}. {self.why()}")
        if not answer.contains(self.destination):
            return self.wrong(f"{answer} does not hold {self.destination} "
                              f"({answer.network} - {answer.broadcast}). {self.why()}")
        return self.wrong(f"{answer} matches, but a longer prefix matches too. {self.why()}")


@register
class TtlHop(Exercise):
    key = "04.ttl-hop"
    hint = "answer the IP address that replied, as traceroute prints it"

    def __init__(self, traceroute: Traceroute, ttl: int = 2) -> None:
        self.traceroute, self.ttl = traceroute, ttl

    @property
    def question(self) -> str:
        return (f"traceroute to {self.traceroute.destination}: which address answers the probe sent "
                f"with TTL {self.ttl}?")

    def hop(self) -> Any:
        for hop in self.traceroute.hops:
            if hop.ttl == self.ttl:
                return hop
        raise ValueError(f"the traceroute has no hop with TTL {self.ttl}")

    def expected(self) -> Ipv4Address:
        probe = next((p for p in self.hop().probes if p.answered), None)
        if probe is None:
            raise ValueError(f"no probe with TTL {self.ttl} was answered")
        return Ipv4Address(str(probe.source))

    def why(self) -> str:
        probe = next(p for p in self.hop().probes if p.answered)
        return (f"Every router takes one from the TTL; the one that brings it to 0 drops the probe "
                f"and answers '{probe.text}' from the address of the interface the probe came in on: "
                f"with TTL {self.ttl} that is {self.expected()}, hop {self.ttl}")

    def parse(self, answer: Any) -> Ipv4Address:
        return as_address(answer)

    def judge(self, answer: Ipv4Address) -> Verdict:
        if answer == self.expected():
            return self.right()
        for hop in self.traceroute.hops:
            if any(p.answered and str(p.source) == str(answer) for p in hop.probes):
                return self.wrong(f"{answer} answers TTL {hop.ttl}, not {self.ttl}. {self.why()}")
        return self.wrong(self.why())


@register
class MissingRoute(Exercise):
    """Answered from the network's trace: the node that dropped the packet with ``no_route``."""

    key = "04.missing-route"
    hint = "answer a router's name, such as r1"

    def __init__(self, net: Network, destination: str) -> None:
        self.net, self.destination = net, destination

    @property
    def question(self) -> str:
        return (f"A packet to {self.destination} is dropped because a router has no route for it. "
                "Which router?")

    def drop(self) -> Any:
        for event in self.net.trace.events:
            if event.kind == "dropped" and event.reason in ("no_route", "unreachable_route") \
                    and self.destination in event.detail:
                return event
        raise ValueError(f"no packet to {self.destination} was dropped for want of a route")

    def expected(self) -> str:
        return self.net.trace.node_name(self.drop().node_id)

    def why(self) -> str:
        event = self.drop()
        return (f"The trace says: {self.net.trace.format(event)}. {self.expected()} has no route "
                f"that holds {self.destination} (and no default route), so it drops the packet and "
                "sends ICMP destination unreachable back to the source")

    def parse(self, answer: Any) -> str:
        name = as_name(answer)
        if name not in [n.name for n in self.net.nodes]:
            raise NotAnAnswer(f"there is no node {name!r} here")
        return name

    def judge(self, answer: str) -> Verdict:
        if answer == self.expected():
            return self.right()
        return self.wrong(f"{answer} forwards it (it has a route). {self.why()}")

