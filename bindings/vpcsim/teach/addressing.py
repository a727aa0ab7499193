"""Notebook 01's exercises: masks, host counts, which subnet holds an address, AWS's reserved five.
Answers come from ``Ipv4Prefix`` and from an AWS subnet built with ``vpcsim.Cloud``."""

from __future__ import annotations

from typing import Any

from vpcsim._core import Cloud, Ipv4Address, Ipv4Prefix, Network
from vpcsim.teach.exercise import Exercise, Verdict, as_address, as_int, as_prefix, register


def _mask_length(mask: Ipv4Address) -> int:
    """The prefix length of a netmask, or -1 when its one-bits are not contiguous."""
    value = int(mask)
    ones = bin(value).count("1")
    return ones if value == ((0xFFFFFFFF << (32 - ones)) & 0xFFFFFFFF) else -1


def _bits(address: Ipv4Address) -> str:
    return ".".join(f"{int(octet):08b}" for octet in str(address).split("."))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _span(prefix: Ipv4Prefix) -> str:
    return f"{prefix.network} - {prefix.broadcast}"


@register
class Netmask(Exercise):
    key = "01.netmask"
    hint = "write the mask in dotted decimal, such as 255.255.255.0"

    def __init__(self, length: int = 20) -> None:
        self.length = length

    @property
    def question(self) -> str:
        return f"What is the netmask of a /{self.length}, in dotted decimal?"

    def expected(self) -> Ipv4Address:
        return Ipv4Prefix.containing("0.0.0.0", self.length).netmask

    def why(self) -> str:
        mask = self.expected()
        return (f"A /{self.length} has {self.length} one-bits then {32 - self.length} zero-bits: "
                f"{_bits(mask)} = {mask}")

    def parse(self, answer: Any) -> Ipv4Address:
        return as_address(answer)

    def judge(self, answer: Ipv4Address) -> Verdict:
        if answer == self.expected():
            return self.right()
        length = _mask_length(answer)
        if length < 0:
            return self.wrong(f"{answer} ({_bits(answer)}) is not a netmask at all: a mask's one-bits "
                              f"come first, without gaps. {self.why()}")
        return self.wrong(f"{answer} is the mask of a /{length} ({length} one-bits). {self.why()}")


@register
class UsableHosts(Exercise):
    key = "01.usable-hosts"
    hint = "count the addresses, then take away the two that no host may have"

    def __init__(self, cidr: str = "10.0.1.0/26") -> None:
        self.prefix = Ipv4Prefix(cidr)

    @property
    def question(self) -> str:
        return f"How many hosts can have an address in {self.prefix} (an ordinary network, not AWS)?"

    def expected(self) -> int:
        if self.prefix.length >= 31:  # RFC 3021 point-to-point and single hosts: every address
            return self.prefix.num_addresses
        return int(self.prefix.last_host) - int(self.prefix.first_host) + 1

    def why(self) -> str:
        p = self.prefix
        return (f"A /{p.length} holds 2^{32 - p.length} = {p.num_addresses} addresses; the first "
                f"({p.network}) names the network and the last ({p.broadcast}) is its broadcast, so "
                f"hosts get {p.first_host} - {p.last_host}: {self.expected()}")

    def parse(self, answer: Any) -> int:
        return as_int(answer)

    def judge(self, answer: int) -> Verdict:
        p = self.prefix
        if answer == self.expected():
            return self.right()
        if answer == p.num_addresses:
            return self.wrong(f"{answer} counts every address, the network and broadcast addresses "
                              f"too. {self.why()}")
        if answer == p.num_addresses - 5:
            return self.wrong(f"{answer} is what AWS leaves (it reserves 5 per subnet); an ordinary "
                              f"network reserves 2. {self.why()}")
        return self.wrong(self.why())


@register
class WhichSubnet(Exercise):
    key = "01.which-subnet"
    hint = "write a subnet such as 10.0.0.0/20"

    def __init__(self, address: str = "10.0.17.5", parent: str = "10.0.0.0/16", length: int = 20) -> None:
        self.address = Ipv4Address(address)
        self.parent = Ipv4Prefix(parent)
        self.length = length
        if self.address not in self.parent:
            raise ValueError(f"{address} is not in {parent}")

    @property
    def question(self) -> str:
        return (f"{self.parent} is cut into /{self.length} subnets. "
                f"Which of them holds {self.address}?")

    def expected(self) -> Ipv4Prefix:
        return Ipv4Prefix.containing(self.address, self.length)

    def why(self) -> str:
        right = self.expected()
        size = right.num_addresses
        return (f"{self.address} is in {right} ({_span(right)}): the /{self.length}s of {self.parent} "
                f"start every {size} addresses, and {self.address} falls in the "
                f"{_ordinal(self.parent.split(self.length).index(right) + 1)} of them")

    def parse(self, answer: Any) -> Ipv4Prefix:
        return as_prefix(answer)

    def judge(self, answer: Ipv4Prefix) -> Verdict:
        if answer == self.expected():
            return self.right()
        if answer.length != self.length:
            return self.wrong(f"{answer} is a /{answer.length}; the question cuts {self.parent} into "
                              f"/{self.length}s. {self.why()}")
        if not self.parent.contains_prefix(answer):
            return self.wrong(f"{answer} is not one of the subnets of {self.parent}. {self.why()}")
        return self.wrong(f"{answer} runs from {answer.network} to {answer.broadcast}, so {self.address} is not in it. {self.why()}")


@register
class AwsFirstUsable(Exercise):
    """Answered by an AWS subnet that vpcsim builds: its ``reserved_role`` says what each of the
    reserved five is for."""

    key = "01.aws-first-usable"
    hint = "AWS keeps the first four addresses and the last one of every subnet"

    def __init__(self, cidr: str = "10.0.32.0/20") -> None:
        self.prefix = Ipv4Prefix(cidr)
        cloud = Cloud(Network(seed=1))
        vpc = cloud.add_vpc("teach", str(Ipv4Prefix.containing(self.prefix.network, min(16, self.prefix.length))))
        self.subnet = vpc.add_subnet("subnet", str(self.prefix))

    @property
    def question(self) -> str:
        return f"An AWS subnet is {self.prefix}. Which is the first address an instance can get?"

    def expected(self) -> Ipv4Address:
        index = 0
        while self.subnet.reserved_role(self.prefix.address_at(index)) is not None:
            index += 1
        return self.prefix.address_at(index)

    def reserved(self) -> "list[tuple[str, str]]":
        """The reserved addresses and what AWS keeps them for, as vpcsim's subnet reports them."""
        size = self.prefix.num_addresses
        out = []
        for index in list(range(0, 4)) + [size - 1]:
            address = self.prefix.address_at(index)
            out.append((str(address), self.subnet.reserved_role(address) or ""))
        return out

    def why(self) -> str:
        kept = "; ".join(f"{a} {role}" for a, role in self.reserved()[:4])
        return f"AWS reserves the first four addresses ({kept}), so the first free one is {self.expected()}"

    def parse(self, answer: Any) -> Ipv4Address:
        return as_address(answer)

    def judge(self, answer: Ipv4Address) -> Verdict:
        if answer == self.expected():
            return self.right()
        if answer not in self.prefix:
            return self.wrong(f"{answer} is not in {self.prefix} ({_span(self.prefix)}).")
        role = self.subnet.reserved_role(answer)
        if role:
            return self.wrong(f"{answer} is reserved by AWS: {role}. {self.why()}")
        return self.wrong(f"{answer} is free for an instance, but it is not the first one. {self.why()}")
