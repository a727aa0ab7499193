"""The shape every exercise shares: a question, an answer computed from vpcsim, and a verdict that
says why. Subclasses implement ``expected()`` (the computed answer), ``judge(answer)`` (a verdict
for a parsed answer) and may override ``parse`` (text to a value, or a reason it is not one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Type

from vpcsim._core import Ipv4Address, Ipv4Prefix
from vpcsim.errors import Error


@dataclass(frozen=True)
class Verdict:
    """A checked answer: ``right`` and a message that starts with "Right:", "Not quite:" or
    "No answer yet:" and gives the reason a student can act on. True when right."""

    right: bool
    message: str

    def __bool__(self) -> bool:
        return self.right

    def __repr__(self) -> str:  # what a notebook shows for a cell ending in ex.check(...)
        return self.message

    __str__ = __repr__


class NotAnAnswer(Exception):
    """Raised by ``Exercise.parse`` when the answer cannot be read; its text says why."""


class Exercise:
    """One question. ``check(answer)`` returns a :class:`Verdict`; ``solution()`` the answer with
    its reason; ``question`` the text to show; ``hint`` what to look at first."""

    key = ""
    hint = ""

    @property
    def question(self) -> str:
        raise NotImplementedError

    def expected(self) -> Any:
        """The right answer, computed from vpcsim."""
        raise NotImplementedError

    def parse(self, answer: Any) -> Any:
        return answer

    def judge(self, answer: Any) -> Verdict:
        raise NotImplementedError

    def why(self) -> str:
        """The reason the expected answer is right (used by ``solution`` and right verdicts)."""
        raise NotImplementedError

    def check(self, answer: Any) -> Verdict:
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return Verdict(False, f"No answer yet: {self.hint or 'replace None with your answer.'}")
        try:
            value = self.parse(answer)
        except NotAnAnswer as error:
            return Verdict(False, f"Not quite: {error}")
        return self.judge(value)

    def right(self, text: str = "") -> Verdict:
        return Verdict(True, f"Right: {text or self.why()}")

    @staticmethod
    def wrong(text: str) -> Verdict:
        return Verdict(False, f"Not quite: {text}")

    def solution(self) -> str:
        return f"{_show(self.expected())}: {self.why()}"

    def __repr__(self) -> str:
        return f"<exercise {self.key}: {self.question}>"


_REGISTRY: Dict[str, Callable[..., Exercise]] = {}


def register(cls: Type[Exercise]) -> Type[Exercise]:
    """Class decorator: makes ``exercise(cls.key, **context)`` build ``cls(**context)``."""
    if cls.key in _REGISTRY:
        raise ValueError(f"exercise {cls.key} is registered twice")
    _REGISTRY[cls.key] = cls
    return cls


def exercise(key: str, **context: Any) -> Exercise:
    """The exercise named ``key`` ("01.which-subnet"), given the objects it asks about."""
    try:
        factory = _REGISTRY[key]
    except KeyError:
        raise KeyError(f"no exercise named {key!r}; there are: {', '.join(exercises())}") from None
    return factory(**context)


def exercises() -> List[str]:
    """Every exercise's key, in notebook order."""
    return sorted(_REGISTRY)


# --- reading answers -------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value)
    return str(value)


def as_address(answer: Any) -> Ipv4Address:
    if isinstance(answer, Ipv4Address):
        return answer
    try:
        return Ipv4Address(str(answer).strip())
    except (Error, TypeError, ValueError) as error:
        raise NotAnAnswer(f"{answer!r} is not an IPv4 address ({error})") from None


def as_prefix(answer: Any) -> Ipv4Prefix:
    """A CIDR block; one with host bits set is refused with the network it meant."""
    if isinstance(answer, Ipv4Prefix):
        return answer
    text = str(answer).strip()
    if "/" not in text:
        raise NotAnAnswer(f"{text!r} is not a CIDR block: write the network and its length, such as 10.0.0.0/20")
    try:
        return Ipv4Prefix(text)
    except (Error, TypeError, ValueError) as error:
        raise NotAnAnswer(f"{text!r} is not a subnet: {error}") from None


def as_int(answer: Any) -> int:
    if isinstance(answer, bool):
        raise NotAnAnswer(f"{answer!r} is not a number")
    try:
        return int(str(answer).strip())
    except ValueError:
        raise NotAnAnswer(f"{answer!r} is not a whole number") from None


def as_yes_no(answer: Any) -> bool:
    if isinstance(answer, bool):
        return answer
    text = str(answer).strip().lower()
    if text in ("yes", "y", "true"):
        return True
    if text in ("no", "n", "false"):
        return False
    raise NotAnAnswer(f"{answer!r}: answer yes or no")


def as_choice(answer: Any, choices: Dict[str, str]) -> str:
    text = str(answer).strip().lower().rstrip(")")
    if text not in choices:
        raise NotAnAnswer(f"{answer!r}: answer one of {', '.join(sorted(choices))}")
    return text


def as_name(answer: Any) -> str:
    return str(getattr(answer, "name", answer)).strip()
