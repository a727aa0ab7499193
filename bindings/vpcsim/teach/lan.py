"""Notebooks 02 and 03: one switch (ARP's broadcast, the MAC table, the ARP cache) and a default
gateway (whose MAC a frame to another subnet carries; what a wrong mask does). Answers are read from
the notebook's own network: its captures (decoded by ``vpcsim.decode``), its switch's MAC table,
its routes; the wrong-mask question builds and runs the network it describes."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from vpcsim._core import Ipv4Address, MacAddress, Network, PcapReader, Switch, decode
from vpcsim.teach.exercise import (
    Exercise,
    NotAnAnswer,
    Verdict,
    as_choice,
    as_int,
    register,
)
from vpcsim.teach.routing import longest_match


def arp_requests(pcap: str, operation: int = 1) -> List[Tuple[str, str]]:
    """(sender IP, target IP) of every ARP request (operation 1; replies: 2) in a capture, in order."""
    found = []
    for record in PcapReader(str(pcap)).read_all():
        layers = decode(record.data)
        arp = next((layer for layer in layers if layer.name == "ARP"), None)
        if arp is not None and arp["operation"].startswith(f"{operation} "):
            found.append((arp["sender_ip"], arp["target_ip"]))
    return found


def owner_of_mac(net: Network, mac: MacAddress) -> Optional[str]:
    """The node whose interface has this MAC."""
    for node in net.nodes:
        for interface in node.interfaces:
            if interface.mac == mac:
                return node.name
    return None


def interface_with_address(net: Network, address: Ipv4Address) -> Any:
    for node in net.nodes:
        for interface in node.interfaces:
            if any(a.address == address for a in interface.addresses):
                return interface
    return None


def _names(answer: Any) -> List[str]:
    if isinstance(answer, str):
        answer = answer.replace(",", " ").split()
    try:
        return sorted(str(getattr(a, "name", a)).strip() for a in answer)
    except TypeError:
        raise NotAnAnswer(f"{answer!r}: answer a list of host names, such as ['h2', 'h3']") from None


def _list(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "none"


@register
class Flood(Exercise):
    key = "02.flood"
    hint = "answer a list of host names, such as ['h2']"

    def __init__(self, pcaps: Dict[str, str], sender: str = "h1", target: str = "10.0.1.20") -> None:
        self.pcaps, self.sender, self.target = dict(pcaps), sender, target

    @property
    def question(self) -> str:
        return (f"{self.sender} broadcasts an ARP request: who has {self.target}? "
                "Which of the other hosts receive that frame?")

    def expected(self) -> List[str]:
        sender_ip = None
        requests = arp_requests(self.pcaps[self.sender])
        for ip, target in requests:
            if target == self.target:
                sender_ip = ip
                break
        if sender_ip is None:
            raise ValueError(f"{self.sender}'s capture holds no ARP request for {self.target}")
        return sorted(name for name, path in self.pcaps.items()
                      if name != self.sender and (sender_ip, self.target) in arp_requests(path))

    def why(self) -> str:
        return (f"The request goes to ff:ff:ff:ff:ff:ff, and a switch floods a broadcast out of every "
                f"port but the one it came in on, so {_list(self.expected())} all get it (only the "
                f"owner of {self.target} answers)")

    def parse(self, answer: Any) -> List[str]:
        names = _names(answer)
        unknown = [n for n in names if n not in self.pcaps]
        if unknown:
            raise NotAnAnswer(f"there is no host {_list(unknown)} here (hosts: {_list(sorted(self.pcaps))})")
        return names

    def judge(self, answer: List[str]) -> Verdict:
        right = self.expected()
        if answer == right:
            return self.right()
        if answer == [self.target_owner()]:
            return self.wrong(f"Only the owner of {self.target} answers, but everyone hears the question. {self.why()}")
        missing = [n for n in right if n not in answer]
        return self.wrong(f"{_list(missing)} got it too. {self.why()}" if missing else self.why())

    def target_owner(self) -> Optional[str]:
        """The host that answered: the reply is unicast, so only its capture and the sender's hold it."""
        for name, path in self.pcaps.items():
            if name != self.sender and any(ip == self.target for ip, _ in arp_requests(path, operation=2)):
                return name
        return None


@register
class MacTable(Exercise):
    key = "02.mac-table"
    hint = "answer a list of host names, such as ['h1']"

    def __init__(self, net: Network, switch: Switch) -> None:
        self.net, self.switch = net, switch

    @property
    def question(self) -> str:
        return f"After the pings, whose MAC addresses has {self.switch.name} learnt?"

    def expected(self) -> List[str]:
        return sorted(owner_of_mac(self.net, entry.mac) or str(entry.mac) for entry in self.switch.mac_table())

    def hosts(self) -> List[str]:
        return sorted(n.name for n in self.net.nodes if n.kind == "host")

    def why(self) -> str:
        silent = [h for h in self.hosts() if h not in self.expected()]
        return (f"A switch learns a MAC from the SOURCE of each frame it receives: it knows "
                f"{_list(self.expected())}, who sent frames; {_list(silent)} only received "
                f"(the flooded request), so the switch still does not know their ports")

    def parse(self, answer: Any) -> List[str]:
        return _names(answer)

    def judge(self, answer: List[str]) -> Verdict:
        right = self.expected()
        if answer == right:
            return self.right()
        extra = [n for n in answer if n not in right]
        if extra:
            they = "they are" if len(extra) > 1 else "it is"
            return self.wrong(f"{_list(extra)} never sent a frame, so {self.switch.name} cannot have "
                              f"learnt where {they}. {self.why()}")
        return self.wrong(self.why())


@register
class ArpRequests(Exercise):
    key = "02.arp-requests"
    hint = "answer a number"

    def __init__(self, pcap: str, ping: Any, sender: str = "h1", sender_ip: str = "10.0.1.10") -> None:
        self.pcap, self.ping, self.sender, self.sender_ip = str(pcap), ping, sender, sender_ip

    @property
    def question(self) -> str:
        return (f"{self.sender} pinged {self.ping.destination} {self.ping.sent} times. "
                f"How many ARP requests did {self.sender} send?")

    def expected(self) -> int:
        return sum(1 for sender, _ in arp_requests(self.pcap) if sender == self.sender_ip)

    def why(self) -> str:
        rtts = ", ".join(f"{r:.3f}" for r in self.ping.rtt_ms)
        return (f"{self.sender} sent {self.expected()}: the first ping found no entry for "
                f"{self.ping.destination} in the ARP cache, so it waited for the request and its reply; "
                f"the reply filled the cache and the later pings used it. That wait is why the first "
                f"round trip is the longest (rtt {rtts} ms)")

    def parse(self, answer: Any) -> int:
        return as_int(answer)

    def judge(self, answer: int) -> Verdict:
        if answer == self.expected():
            return self.right()
        if answer == self.ping.sent:
            return self.wrong(f"Not one per ping: the cache remembers the answer. {self.why()}")
        return self.wrong(self.why())


@register
class GatewayMac(Exercise):
    key = "03.gateway-mac"
    hint = "answer a MAC address such as 02:aa:bb:cc:dd:ee (net.interface('x.eth0').mac)"

    def __init__(self, net: Network, source: str = "h1", destination: str = "10.0.2.20") -> None:
        self.net, self.source, self.destination = net, net.node(source), Ipv4Address(destination)

    @property
    def question(self) -> str:
        return (f"{self.source.name} sends a ping to {self.destination}. Which destination MAC is in "
                f"the Ethernet header of the frame that leaves {self.source.name}?")

    def next_hop(self) -> Ipv4Address:
        route = longest_match(self.source, self.destination)
        if route is None:
            raise ValueError(f"{self.source.name} has no route to {self.destination}")
        return route.gateway if route.gateway is not None else self.destination

    def expected(self) -> MacAddress:
        return interface_with_address(self.net, self.next_hop()).mac

    def why(self) -> str:
        hop = self.next_hop()
        route = longest_match(self.source, self.destination)
        owner = interface_with_address(self.net, hop)
        if hop == self.destination:
            return f"{self.destination} is on {self.source.name}'s own subnet, so the frame goes straight to it: {owner.mac}"
        return (f"{self.destination} is not on {self.source.name}'s subnet, so its route ({route}) sends "
                f"the packet to the gateway {hop}; Ethernet only reaches the same link, so the frame is "
                f"addressed to the gateway's MAC ({owner.full_name}, {owner.mac}) while the IP "
                f"destination stays {self.destination}")

    def parse(self, answer: Any) -> MacAddress:
        try:
            return answer if isinstance(answer, MacAddress) else MacAddress(str(answer).strip())
        except Exception as error:  # ParseError or pybind11's TypeError
            raise NotAnAnswer(f"{answer!r} is not a MAC address ({error})") from None

    def judge(self, answer: MacAddress) -> Verdict:
        if answer == self.expected():
            return self.right()
        target = interface_with_address(self.net, self.destination)
        if target is not None and answer == target.mac:
            return self.wrong(f"{answer} is {target.full_name}'s own MAC; {self.source.name} never "
                              f"learns it (ARP only asks on its own link). {self.why()}")
        if answer == MacAddress("ff:ff:ff:ff:ff:ff"):
            return self.wrong(f"Broadcast is for the ARP request, not for the ping. {self.why()}")
        return self.wrong(self.why())


WRONG_MASK_CHOICES = {
    "a": "the ping is answered: the mask does not matter",
    "b": "h1 believes 10.0.2.20 is on its own link, asks ARP for it, nobody answers, and the ping fails",
    "c": "the router r1 drops the ping",
}


def two_subnets(h1_mask: int = 24) -> Network:
    """Notebook 03's network, h1 -- r1 -- h2 across 10.0.1.0/24 and 10.0.2.0/24, with h1's mask
    length ``h1_mask``; nothing scheduled yet."""
    net = Network(seed=1)
    h1, r1, h2 = net.add_host("h1"), net.add_router("r1"), net.add_host("h2")
    h1.add_interface("eth0", f"10.0.1.10/{h1_mask}")
    h1.set_default_gateway("10.0.1.1")
    r1.add_interface("eth0", "10.0.1.1/24")
    r1.add_interface("eth1", "10.0.2.1/24")
    h2.add_interface("eth0", "10.0.2.20/24")
    h2.set_default_gateway("10.0.2.1")
    net.connect("h1.eth0", "r1.eth0")
    net.connect("r1.eth1", "h2.eth0")
    return net


def _run_wrong_mask(mask: int) -> Tuple[str, List[Any]]:
    """h1 pings h2 with its mask set to /mask: the ping's outcome and h1's ARP table."""
    net = two_subnets(mask)
    h1 = net.node("h1")
    ping = h1.ping("10.0.2.20", count=1)
    net.run(until="10s")
    return ping.outcome, h1.arp_table()


@register
class WrongMask(Exercise):
    """Answered by building h1 with the wrong mask and running the ping."""

    key = "03.wrong-mask"
    hint = "answer a, b or c"

    def __init__(self, mask: int = 16) -> None:
        self.mask = mask
        self.outcome, self.arp = _run_wrong_mask(mask)

    @property
    def question(self) -> str:
        choices = "\n".join(f"  {k}) {v}" for k, v in WRONG_MASK_CHOICES.items())
        return f"h1 is given 10.0.1.10/{self.mask} instead of /24. What happens to its ping to 10.0.2.20?\n{choices}"

    def expected(self) -> str:
        if self.outcome == "reply":
            return "a"
        asked_itself = any(str(e.ip) == "10.0.2.20" for e in self.arp)
        return "b" if asked_itself else "c"

    def why(self) -> str:
        entries = "; ".join(str(e) for e in self.arp) or "empty"
        return (f"With /{self.mask}, 10.0.2.20 falls inside h1's own subnet, so h1 skips its gateway and "
                f"ARPs for 10.0.2.20 on its link, where nobody has that address. The ping ends "
                f"'{self.outcome}', and h1's ARP table says: {entries}")

    def parse(self, answer: Any) -> str:
        return as_choice(answer, WRONG_MASK_CHOICES)

    def judge(self, answer: str) -> Verdict:
        if answer == self.expected():
            return self.right()
        return self.wrong(f"Not '{WRONG_MASK_CHOICES[answer]}'. {self.why()}")
