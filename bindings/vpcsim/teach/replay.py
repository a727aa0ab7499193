"""Notebook 07: a real capture replayed through a NAT. Answers are read from the replay's flow table
(``Replay.flow_records()``: the flow as captured and as it arrived at the server's side) and, for the
AWS NAT gateway, from the gateway itself (its private address and its Elastic IP)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from vpcsim._core import NatGateway, Replay
from vpcsim.teach.exercise import Exercise, Verdict, as_address, register
from vpcsim.teach.nat import as_endpoint


def _flow(replay: Replay, flow: int) -> Dict[str, Any]:
    flows = replay.flow_records()
    if not 0 <= flow < len(flows):
        raise ValueError(f"the replay has {len(flows)} flows; there is no flow {flow} (run the network first?)")
    return flows[flow]


@register
class Client(Exercise):
    """Which address opened a replayed flow: the client (``replay=``, ``flow=`` its index, 0 by default)."""

    key = "07.client"
    hint = "answer an IPv4 address"

    def __init__(self, replay: Replay, flow: int = 0) -> None:
        self.replay, self.flow = replay, flow

    @property
    def question(self) -> str:
        f = _flow(self.replay, self.flow)
        return (f"The capture holds one {f['protocol'].upper()} conversation between {f['client']} and "
                f"{f['server']}. Which of them is the client, the side that opened it?")

    def expected(self) -> str:
        return str(_flow(self.replay, self.flow)["client"])

    def why(self) -> str:
        f = _flow(self.replay, self.flow)
        opener = "its first packet, the SYN" if f["protocol"] == "tcp" else "its first packet"
        return (f"{f['client']} sent {opener}, to port {f['server_port']} of {f['server']}; the other side only "
                f"answers. The replay sends the client's {f['packets_to_server']} packets in at the client's "
                f"side and the server's {f['packets_to_client']} at the server's side")

    def parse(self, answer: Any) -> str:
        return str(as_address(answer))

    def judge(self, answer: str) -> Verdict:
        f = _flow(self.replay, self.flow)
        if answer == self.expected():
            return self.right()
        if answer == str(f["server"]):
            return self.wrong(f"{f['server']} answers on port {f['server_port']}, the well-known port of the "
                              f"service: it is the server. {self.why()}")
        return self.wrong(f"{answer} is neither end of the conversation. {self.why()}")


@register
class ServerSees(Exercise):
    """The address:port the server's side saw a replayed flow come from, after the topology's NAT
    (``replay=``, ``flow=``)."""

    key = "07.server-sees"
    hint = "answer address:port, as the server sees it"

    def __init__(self, replay: Replay, flow: int = 0) -> None:
        self.replay, self.flow = replay, flow

    @property
    def question(self) -> str:
        f = _flow(self.replay, self.flow)
        return (f"{f['client']} sends from port {f['client_port']} to {f['server']}:{f['server_port']}. From "
                f"which address and port do its packets arrive at the server's side?")

    def expected(self) -> str:
        f = _flow(self.replay, self.flow)
        return f"{f['translated_client']}:{f['translated_client_port']}"

    def why(self) -> str:
        f = _flow(self.replay, self.flow)
        return (f"the NAT rewrote the source of every packet leaving the inside to its public address and "
                f"remembered the pair; the replay saw the first packet arrive as {self.expected()} and sent "
                f"each of the server's packets to exactly that, so the NAT could translate them back to "
                f"{f['client']}:{f['client_port']} ({f['delivered_to_client']} of {f['packets_to_client']} "
                f"arrived)")

    def parse(self, answer: Any) -> str:
        return as_endpoint(answer)

    def judge(self, answer: str) -> Verdict:
        if answer == self.expected():
            return self.right()
        f = _flow(self.replay, self.flow)
        if answer == f"{f['client']}:{f['client_port']}":
            return self.wrong(f"that is the address in the capture: a private address, which never crosses the "
                              f"NAT. {self.why()}")
        other = self.judge_other(answer)  # a Verdict that is wrong is false: test for None
        return other if other is not None else self.wrong(self.why())

    def judge_other(self, answer: str) -> Optional[Verdict]:
        """A verdict for a wrong answer worth its own reason (none here)."""
        return None


@register
class AwsServerSees(ServerSees):
    """:class:`ServerSees` through an AWS NAT gateway (``replay=``, ``nat_gateway=``, ``flow=``): the
    gateway translates to its private address, the internet gateway that to the Elastic IP."""

    key = "07.aws-server-sees"

    def __init__(self, replay: Replay, nat_gateway: NatGateway, flow: int = 0) -> None:
        super().__init__(replay, flow)
        self.gateway = nat_gateway

    def why(self) -> str:
        f = _flow(self.replay, self.flow)
        g = self.gateway
        return (f"two translations: {g.name} rewrote {f['client']} to its own private address {g.private_ip} "
                f"(it lives in a subnet too), and the internet gateway, which maps each private address that "
                f"has a public one 1:1, rewrote that to {g.name}'s Elastic IP {g.public_ip}. The server sees "
                f"{self.expected()}, and its answers take the same two steps back")

    def judge_other(self, answer: str) -> Optional[Verdict]:
        if answer.partition(":")[0] == str(self.gateway.private_ip):
            return self.wrong(f"that is how the packets leave {self.gateway.name}, inside the VPC; one more "
                              f"translation happens on the way out. {self.why()}")
        return None
