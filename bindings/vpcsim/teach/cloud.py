"""Notebook 06: an AWS VPC. Answers come from the VPC's route tables (``RouteTable.lookup``) and from
``Cloud.explain``, which sends a real probe and reports what stopped it."""

from __future__ import annotations

from typing import Any

from vpcsim._core import Cloud, ExplainAnswer, RouteTable
from vpcsim.teach.exercise import Exercise, Verdict, as_name, as_yes_no, register


class _Explained(Exercise):
    """An exercise about one explain query, asked when the exercise is made: the question is about
    the VPC as it is then, even if the notebook fixes a rule before looking at the solution."""

    def __init__(self, cloud: Cloud, from_: str, to: str, protocol: str = "tcp", port: int = 0) -> None:
        self.cloud, self.from_, self.to, self.protocol, self.port = cloud, from_, to, protocol, port
        self._answer: ExplainAnswer = cloud.explain(from_, to, protocol, port)

    def answer(self) -> ExplainAnswer:
        return self._answer

    def traffic(self) -> str:
        return f"{self.protocol}/{self.port}" if self.port else self.protocol

    def why(self) -> str:
        a = self.answer()
        if a.reachable:
            return f"explain() sent a probe {self.from_} -> {self.to} {self.traffic()} and it was answered"
        return f"explain() says {a.code}: {a.reason}"


@register
class Reachable(_Explained):
    key = "06.reachable"
    hint = "answer yes or no"

    @property
    def question(self) -> str:
        return f"Can {self.from_} reach {self.to} on {self.traffic()}?"

    def expected(self) -> bool:
        return self.answer().reachable

    def parse(self, answer: Any) -> bool:
        return as_yes_no(answer)

    def judge(self, answer: bool) -> Verdict:
        return self.right() if answer == self.expected() else self.wrong(self.why())


@register
class BlockedBy(_Explained):
    key = "06.blocked-by"
    hint = "answer the name of the route table, network ACL or security group (such as web-sg)"

    @property
    def question(self) -> str:
        return f"{self.from_} cannot reach {self.to} on {self.traffic()}. Which component stops it?"

    def expected(self) -> str:
        return self.answer().blocked_by or "nothing"

    def why(self) -> str:
        a = self.answer()
        if a.reachable:
            return super().why()
        return f"{super().why()}. To change it: {a.suggestion}"

    def parse(self, answer: Any) -> str:
        return as_name(answer)

    def judge(self, answer: str) -> Verdict:
        if answer == self.expected():
            return self.right()
        return self.wrong(f"{answer} lets it through. {self.why()}")


@register
class RouteTarget(Exercise):
    key = "06.route-target"
    hint = "answer the target's name, such as igw-main, or local"

    def __init__(self, table: RouteTable, destination: str) -> None:
        self.table, self.destination = table, destination

    @property
    def question(self) -> str:
        return f"Route table {self.table.name}: where does a packet to {self.destination} go next?"

    def route(self) -> Any:
        route = self.table.lookup(self.destination)
        if route is None:
            raise ValueError(f"{self.table.name} has no route to {self.destination}")
        return route

    def expected(self) -> str:
        return self.route().target

    def why(self) -> str:
        route = self.route()
        return (f"The most specific route of {self.table.name} that holds {self.destination} is "
                f"{route.destination} -> {route.target} ({route.target_kind})")

    def parse(self, answer: Any) -> str:
        return as_name(answer)

    def judge(self, answer: str) -> Verdict:
        return self.right() if answer == self.expected() else self.wrong(self.why())
