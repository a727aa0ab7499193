"""@record: the part of @dataclasses.dataclass the scenario's specs use, for a faster start.

Every `vpcsim run` defines the 22 spec classes. With dataclasses that meant importing it (which
imports inspect, ast, dis and tokenize) and generating five methods per class: 30 ms of a 0.1 s
process start, profiled (docs/performance.md, "The command line against ns-3"). A record gets the
same __init__ (positional or keyword, class-level defaults, field(default_factory=...)), the same
__repr__ and __eq__ (fields with repr=False / compare=False left out) and __hash__ = None, from one
small generated source per class. No inheritance, __post_init__, frozen, order or slots: the specs
use none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, TypeVar

if TYPE_CHECKING:  # type checkers see records as dataclasses (PEP 681); at run time it is a no-op
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Any:
        return lambda function: function


__all__ = ["field", "record"]

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()


class _Field:
    __slots__ = ("default", "default_factory", "repr", "compare")

    def __init__(self, default: Any, default_factory: Any, repr: bool, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, repr: bool = True, compare: bool = True) -> Any:
    """As dataclasses.field, for what records support."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot give both default and default_factory")
    return _Field(default, default_factory, repr, compare)


@dataclass_transform(field_specifiers=(field,))
def record(cls: T) -> T:
    """Adds __init__, __repr__ and __eq__ over the class's annotated fields, in order."""
    names = list(cls.__dict__.get("__annotations__", {}))
    space: Dict[str, Any] = {"_MISSING": _MISSING}
    params: List[str] = []
    body: List[str] = []
    shown: List[str] = []
    compared: List[str] = []
    for name in names:
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, _Field) else _Field(value, _MISSING, True, True)
        if spec.default_factory is not _MISSING:
            space[f"_factory_{name}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            body.append(f"    self.{name} = _factory_{name}() if {name} is _MISSING else {name}")
            if isinstance(value, _Field):
                delattr(cls, name)  # as dataclasses: no class attribute for a factory field
        else:
            if spec.default is not _MISSING:
                space[f"_default_{name}"] = spec.default
                params.append(f"{name}=_default_{name}")
                setattr(cls, name, spec.default)
            elif params and "=" in params[-1]:
                raise TypeError(f"{cls.__name__}: non-default field '{name}' follows a default one")  # type: ignore[attr-defined]
            else:
                params.append(name)
            body.append(f"    self.{name} = {name}")
        if spec.repr:
            shown.append(name)
        if spec.compare:
            compared.append(name)
    qualname = cls.__qualname__  # type: ignore[attr-defined]
    fields_repr = ", ".join(f"{n}={{self.{n}!r}}" for n in shown)
    own = "(" + "".join(f"self.{n}, " for n in compared) + ")"
    other = "(" + "".join(f"other.{n}, " for n in compared) + ")"
    source = "\n".join([
        f"def __init__(self, {', '.join(params)}):" if params else "def __init__(self):",
        *(body or ["    pass"]),
        "def __repr__(self):",
        f"    return f\"{qualname}({fields_repr})\"",
        "def __eq__(self, other):",
        "    if other.__class__ is not self.__class__:",
        "        return NotImplemented",
        f"    return {own} == {other}",
    ])
    exec(compile(source, f"<record {qualname}>", "exec"), space)
    methods: Dict[str, Callable[..., Any]] = {n: space[n] for n in ("__init__", "__repr__", "__eq__")}
    for name, method in methods.items():
        method.__qualname__ = f"{qualname}.{name}"
        setattr(cls, name, method)
    setattr(cls, "__hash__", None)  # as dataclasses with eq and not frozen: mutable, not hashable
    return cls
