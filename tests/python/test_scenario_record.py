"""vpcsim.scenario.record: the specs' stand-in for @dataclass behaves as dataclasses does for what
the specs use (fields in order, defaults, factories, repr=False / compare=False, equality)."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional

import pytest

from vpcsim.scenario.record import field, record


def make(decorator: Any, field_fn: Any) -> Any:
    class Spec:
        name: str
        count: int
        note: Optional[str] = None
        items: List[int] = field_fn(default_factory=list)
        where: Dict[str, int] = field_fn(default_factory=dict)
        cache: Any = field_fn(default=None, repr=False, compare=False)

    return decorator(Spec)


OURS = make(record, field)
THEIRS = make(dataclasses.dataclass, dataclasses.field)


@pytest.mark.parametrize("args, kwargs", [
    (("a", 1), {}),
    (("a", 1, "n", [1]), {"cache": 5}),
    ((), {"name": "b", "count": 2, "where": {"x": 1}}),
])
def test_same_init_repr_and_equality_as_dataclasses(args: Any, kwargs: Any) -> None:
    ours, theirs = OURS(*args, **kwargs), THEIRS(*args, **kwargs)
    assert vars(ours) == vars(theirs)
    assert repr(ours).replace("make.<locals>.", "") == repr(theirs).replace("make.<locals>.", "")
    assert ours == OURS(*args, **kwargs) and ours != THEIRS(*args, **kwargs)
    assert OURS("a", 1, cache=1) == OURS("a", 1, cache=2)  # compare=False
    assert OURS("a", 1) != OURS("a", 2)


def test_factories_give_a_new_object_each_time_and_class_defaults_stay() -> None:
    first, second = OURS("a", 1), OURS("a", 1)
    first.items.append(3)
    assert second.items == []
    assert OURS.note is None and not hasattr(OURS, "items")
    assert OURS.__hash__ is None


def test_mistakes_are_caught() -> None:
    with pytest.raises(TypeError):
        OURS("a")  # a required field missing
    with pytest.raises(ValueError):
        field(default=1, default_factory=list)
    with pytest.raises(TypeError, match="non-default field"):
        class Bad:
            a: int = 1
            b: int

        record(Bad)
