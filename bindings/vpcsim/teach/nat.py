"""Notebook 05: source NAT, why the outside cannot start a connection, two hosts on one source port.
Answers are read from the NAT box's connection-tracking table (``NatRouter.translations()``), its
counters and the outside client's outcome."""

from __future__ import annotations

from typing import Any, List, Tuple

from vpcsim._core import Ipv4Address, NatRouter, TcpClient, Translation
from vpcsim.teach.exercise import Exercise, NotAnAnswer, Verdict, as_int, as_yes_no, register


def translation_of(nat: NatRouter, source: str, source_port: int) -> Translation:
    """The conntrack entry of the flow that left ``source:source_port`` from inside."""
    for entry in nat.translations():
        if str(entry.original.src) == source and entry.original.src_port == source_port:
            return entry
    raise ValueError(f"{nat.name} tracks no flow from {source}:{source_port}")


def _endpoint(answer: Any) -> Tuple[Ipv4Address, int]:
    text = str(answer).strip()
    address, colon, port = text.rpartition(":")
    if not colon:
        raise NotAnAnswer(f"{text!r}: answer address:port, such as 192.0.2.1:5000")
    try:
        return Ipv4Address(address), int(port)
    except Exception:  # ParseError, TypeError or ValueError: the text is not address:port
        raise NotAnAnswer(f"{text!r} is not address:port, such as 192.0.2.1:5000") from None


@register
class OutsideSource(Exercise):
    key = "05.outside-source"
    hint = "answer address:port, as the server sees it"

    def __init__(self, nat: NatRouter, source: str, source_port: int) -> None:
        self.nat, self.source, self.source_port = nat, source, source_port

    @property
    def question(self) -> str:
        entry = translation_of(self.nat, self.source, self.source_port)
        return (f"{self.source} sends from port {self.source_port} to {entry.original.dst}:"
                f"{entry.original.dst_port}. From which address and port does the server see it come?")

    def expected(self) -> str:
        reply = translation_of(self.nat, self.source, self.source_port).reply
        return f"{reply.dst}:{reply.dst_port}"

    def why(self) -> str:
        entry = translation_of(self.nat, self.source, self.source_port)
        return (f"{self.nat.name} rewrites the source of every packet leaving the inside for its own "
                f"public address (masquerade) and remembers the pair in its table: {entry}. The "
                f"server sees {self.expected()} and answers there; the NAT looks the reply up and "
                f"sends it back to {self.source}:{self.source_port}")

    def parse(self, answer: Any) -> str:
        address, port = _endpoint(answer)
        return f"{address}:{port}"

    def judge(self, answer: str) -> Verdict:
        if answer == self.expected():
            return self.right()
        if answer == f"{self.source}:{self.source_port}":
            return self.wrong(f"{self.source} is a private address: it never crosses the NAT, and the "
                              f"internet could not route a reply to it. {self.why()}")
        return self.wrong(self.why())


@register
class Inbound(Exercise):
    key = "05.inbound"
    hint = "answer yes or no"

    def __init__(self, client: TcpClient, nat: NatRouter) -> None:
        self.client, self.nat = client, nat

    @property
    def question(self) -> str:
        return (f"The outside host opens TCP to {self.client.destination}:{self.client.port}, the NAT's "
                "public address. Does the connection reach a host inside?")

    def expected(self) -> bool:
        return self.client.outcome == "reply"

    def why(self) -> str:
        if self.expected():
            return (f"A forwarding rule (DNAT) maps {self.client.destination}:{self.client.port} to a "
                    "host inside, so the first packet finds a translation")
        return (f"A NAT translates only flows it has seen leave, or that a forwarding rule names; the "
                f"SYN to {self.client.destination}:{self.client.port} matches neither, so it is "
                f"addressed to the NAT box itself, which has no such service: the client ends "
                f"'{self.client.outcome}' ({self.client.error}); inbound packets with no mapping so "
                f"far: {self.nat.nat_counters.unmapped_inbound}")

    def parse(self, answer: Any) -> bool:
        return as_yes_no(answer)

    def judge(self, answer: bool) -> Verdict:
        if answer == self.expected():
            return self.right()
        return self.wrong(self.why())


@register
class PortClash(Exercise):
    key = "05.port-clash"
    hint = "answer two port numbers, such as [40000, 40001]"

    def __init__(self, nat: NatRouter, sources: List[str], source_port: int) -> None:
        self.nat, self.sources, self.source_port = nat, list(sources), source_port

    @property
    def question(self) -> str:
        who = " and ".join(self.sources)
        return (f"{who} both send from port {self.source_port} to the same server and port. Which "
                f"source ports does the server see, in that order?")

    def expected(self) -> List[int]:
        return [translation_of(self.nat, s, self.source_port).reply.dst_port for s in self.sources]

    def why(self) -> str:
        ports = self.expected()
        return (f"The NAT keeps a flow's source port when that leaves the outside tuple unique: the "
                f"first flow keeps {ports[0]}. The second would then be indistinguishable from the first "
                f"on the outside (same public address, port and destination), so conntrack picks "
                f"another free port for it: {ports[1]}. Replies to each port go back to its own host")

    def parse(self, answer: Any) -> List[int]:
        if isinstance(answer, str):
            answer = answer.replace(",", " ").replace("[", " ").replace("]", " ").split()
        try:
            ports = [as_int(p) for p in answer]
        except TypeError:
            raise NotAnAnswer(f"{answer!r}: answer a list of ports") from None
        if len(ports) != len(self.sources):
            raise NotAnAnswer(f"give {len(self.sources)} ports, one per host")
        return ports

    def judge(self, answer: List[int]) -> Verdict:
        if answer == self.expected():
            return self.right()
        if len(set(answer)) < len(answer):
            return self.wrong(f"Two flows on one outside port to the same server could not be told apart "
                              f"when the replies come back. {self.why()}")
        return self.wrong(self.why())
