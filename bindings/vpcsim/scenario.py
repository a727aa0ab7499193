"""Scenario files: a topology, its traffic and what to capture, in YAML (docs/scenario-format.md).

    >>> from vpcsim import scenario
    >>> sc = scenario.load("scenarios/two_subnets.yaml")     # validates every field, or raises
    >>> run = sc.run(out="out/two-subnets")                  # builds, runs, writes pcaps + results
    >>> run.results["traffic"][1]["outcome"], run.all_met
    ('reply', True)

Every mistake in a file raises :class:`ScenarioError` (a :class:`vpcsim.ConfigError`) whose text
starts with the file and line, then the path of the field, then what is wrong::

    scenarios/bad.yaml:12: links[3]: unknown interface 'r1.eth7' (r1 has eth0, eth1)

Loading checks the YAML against the format *and* builds the network once without running it, so
the simulator's own checks (a gateway that is not on a connected subnet, overlapping subnets, a
MAC used twice) are reported by ``load`` too, with the line of the field that caused them.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import json
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple, Union

import yaml
import yaml.composer
import yaml.constructor
import yaml.parser
import yaml.reader
import yaml.resolver
import yaml.scanner

from vpcsim import _core
from vpcsim import tables as _tables
from vpcsim.errors import ConfigError, ParseError

__all__ = [
    "EXPECT_VALUES",
    "Run",
    "Scenario",
    "ScenarioError",
    "load",
    "loads",
    "run",
]

EXPECT_VALUES = ("reply", "unreachable", "timeout")

_NO_ID = 0xFFFFFFFF
_MAX_U64 = 2**64 - 1

ProgressFn = Callable[[int, int], None]


class ScenarioError(ConfigError):
    """A scenario file that cannot be run. ``str(e)`` is ``FILE:LINE: PATH: MESSAGE``.

    Attributes: ``file``, ``line`` (1-based), ``path`` (the field, e.g. ``links[3].delay``; empty for
    the file as a whole) and ``message``. As a ConfigError, ``object`` is the file and ``field`` the path.
    """

    def __init__(self, file: str, line: Optional[int], path: str, message: str) -> None:
        self.file = file
        self.line = line
        self.path = path
        self.message = message
        self.object = file
        self.field = path
        prefix = f"{file}: " if line is None else f"{file}:{line}: "
        super().__init__(prefix + (f"{path}: " if path else "") + message)


# --- YAML with line numbers ----------------------------------------------------------------------
#
# The loader resolves plain scalars as YAML 1.2's core schema does, not YAML 1.1's: only
# true/false are booleans (so `on: h2` is the text "on", not True), integers are decimal (no octal
# 010, no sexagesimal 1:30 — a MAC such as 12:34:56:00:00:01 stays text) and nothing becomes a date.
# Mappings and sequences are built as _Map / _Seq, which remember the line of every key and value.


class _Map(Dict[Any, Any]):
    """A YAML mapping that remembers where each key and value is."""

    # Slots, not an instance dict: a large file has tens of thousands of these.
    __slots__ = ("line", "key_lines", "value_lines")
    line: int
    key_lines: Dict[Any, int]
    value_lines: Dict[Any, int]


class _Seq(List[Any]):
    """A YAML sequence that remembers where each item is."""

    __slots__ = ("line", "item_lines")
    line: int
    item_lines: List[int]


class _Resolver(yaml.resolver.BaseResolver):  # type: ignore[misc]
    pass


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


class _Loader(
    yaml.reader.Reader,  # type: ignore[misc]
    yaml.scanner.Scanner,  # type: ignore[misc]
    yaml.parser.Parser,  # type: ignore[misc]
    yaml.composer.Composer,  # type: ignore[misc]
    yaml.constructor.SafeConstructor,  # type: ignore[misc]
    _Resolver,
):
    filename = "<string>"

    def __init__(self, stream: str, filename: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.filename = filename


def _construct_int(loader: _Loader, node: yaml.Node) -> int:
    return int(loader.construct_scalar(node), 10)


def _construct_float(loader: _Loader, node: yaml.Node) -> float:
    return float(loader.construct_scalar(node))


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[_Map]:
    data = _Map()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.value_lines = {}
    yield data
    own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    first_own = len(node.value) - own  # merged (<<) pairs come first; the mapping's own keys override them
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, (dict, list)):
            raise ScenarioError(loader.filename, line, "", "a key must be text, not a mapping or a list")
        if key in data and index >= first_own and data.key_lines.get(key, 0) >= 0:
            previous = data.key_lines[key]
            raise ScenarioError(loader.filename, line, "", f"duplicate key '{key}' (first given on line {previous})")
        data[key] = loader.construct_object(value_node, deep=True)
        # A key that came from a merge is marked negative until the mapping's own key replaces it.
        data.key_lines[key] = line if index >= first_own else -line
        data.value_lines[key] = value_node.start_mark.line + 1
    for key, line in data.key_lines.items():
        data.key_lines[key] = abs(line)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[_Seq]:
    data = _Seq()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


# --- the fast path: libyaml, in the extension, straight into _Map / _Seq --------------------------
#
# The loader above is PyYAML's pure-Python scanner and parser: about 1.5 ms per host of a large
# scenario (30 s for 20,000 hosts). The fast path, _core.read_yaml (bindings/bind_yaml.cpp), reads
# the same text with libyaml and builds the same _Map / _Seq objects with the same lines, resolving
# plain scalars as _Resolver does, without a Python object per event. It covers what scenario files
# use: mappings, sequences and scalars, plain or quoted, with no anchors' aliases, tags, merge keys,
# keys that are collections or tab characters. Anything else, and every error (YAML syntax, a second
# document, a duplicate key), is handed to the loader above, so that the result and every message
# stay exactly what it gives.


class _Fallback(Exception):
    """The fast path does not handle this text: use the full loader."""


def _parse_yaml_fast(text: str) -> Any:
    """The document as _Loader would build it, or _Fallback."""
    if not isinstance(text, str):
        raise _Fallback()  # bytes: the full loader decodes them as PyYAML does
    try:
        return _core.read_yaml(text, _Map, _Seq)
    except _core.YamlFallback:
        raise _Fallback() from None


def _parse_yaml(text: str, filename: str) -> Any:
    try:
        return _parse_yaml_fast(text)
    except _Fallback:
        pass
    try:
        loader = _Loader(text, filename)
    except yaml.reader.ReaderError as error:
        # PyYAML checks a whole str for characters YAML forbids (NUL, most control characters) before
        # parsing; it reports an offset, not a line (found by tests/fuzz/scenario_fuzz.py).
        line = text.count("\n", 0, error.position) + 1
        raise ScenarioError(
            filename, line, "", f"YAML: character #x{error.character:04x} is not allowed in a YAML file"
        ) from None
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "not valid YAML"
        if error.context and error.problem and error.context_mark is not None:
            problem = f"{problem} ({error.context} from line {error.context_mark.line + 1})"
        raise ScenarioError(filename, line, "", f"YAML syntax: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(filename, 1, "", f"YAML: {error}") from None
    finally:
        loader.dispose()


# --- where a value is: a path and a line ---------------------------------------------------------


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key_text(key: Any) -> str:
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else repr(text)


_KEY, _INDEX, _SAME = 0, 1, 2  # how an _At's path follows from its parent's


class _At:
    """Where a value is: the file, the path of the field (``links[3].delay``) and the line.

    Validating a large file makes hundreds of thousands of these, and almost all of them are never
    shown, so the path is put together from the parent's only when it is asked for (an error)."""

    __slots__ = ("file", "line", "_path", "_parent", "_step", "_how")

    def __init__(self, file: str, path: str, line: int) -> None:
        self.file = file
        self.line = line
        self._path: Optional[str] = path
        self._parent: Optional[_At] = None
        self._step: Any = None
        self._how = _SAME

    def _child(self, line: int, step: Any, how: int) -> "_At":
        at = _At.__new__(_At)
        at.file = self.file
        at.line = line
        at._path = None
        at._parent = self
        at._step = step
        at._how = how
        return at

    @property
    def path(self) -> str:
        path = self._path
        if path is None:
            assert self._parent is not None
            parent = self._parent.path
            if self._how == _KEY:
                key = _key_text(self._step)
                path = f"{parent}.{key}" if parent else key
            elif self._how == _INDEX:
                path = f"{parent}[{self._step}]"
            else:
                path = parent
            self._path = path
            self._parent = None
        return path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _At):
            return NotImplemented
        return (self.file, self.path, self.line) == (other.file, other.path, other.line)

    def __hash__(self) -> int:
        return hash((self.file, self.path, self.line))

    def __repr__(self) -> str:
        return f"_At(file={self.file!r}, path={self.path!r}, line={self.line!r})"

    def key(self, container: _Map, key: Any) -> "_At":
        """The value under `key` of a mapping."""
        # _child written out: the validator asks for one of these for most fields of a file.
        at = _At.__new__(_At)
        at.file = self.file
        at.line = container.value_lines.get(key, container.line)
        at._path = None
        at._parent = self
        at._step = key
        at._how = _KEY
        return at

    def key_itself(self, container: _Map, key: Any) -> "_At":
        """The key itself (for an unknown or unsupported key)."""
        return self._child(container.key_lines.get(key, container.line), key, _KEY)

    def item(self, container: _Seq, index: int) -> "_At":
        lines = getattr(container, "item_lines", None)
        at = _At.__new__(_At)  # _child written out, as in key()
        at.file = self.file
        at.line = lines[index] if lines and index < len(lines) else self.line
        at._path = None
        at._parent = self
        at._step = index
        at._how = _INDEX
        return at

    def at_line(self, line: int) -> "_At":
        """The same path at another line."""
        return self._child(line, None, _SAME)

    def error(self, message: str) -> ScenarioError:
        return ScenarioError(self.file, self.line, self.path, message)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ('{value}')"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _unknown(what: str, word: Any, choices: Sequence[str]) -> str:
    hint = _suggest(str(word), choices)
    if hint:
        return f"unknown {what} '{word}' ({hint})"
    if choices:
        return f"unknown {what} '{word}' (expected one of: {', '.join(choices)})"
    return f"unknown {what} '{word}'"


def _mapping(at: _At, value: Any, what: str = "a mapping") -> _Map:
    if value.__class__ is _Map:  # what the YAML readers make: the common case first
        return value  # type: ignore[no-any-return]
    if not isinstance(value, dict):
        raise at.error(f"expected {what}, got {_type_name(value)}")
    if not isinstance(value, _Map):  # a mapping built in Python (loads() of a dict): no lines
        wrapped = _Map(value)
        wrapped.line, wrapped.key_lines, wrapped.value_lines = at.line, {}, {}
        return wrapped
    return value


def _sequence(at: _At, value: Any, what: str = "a list") -> _Seq:
    if not isinstance(value, list):
        raise at.error(f"expected {what}, got {_type_name(value)}")
    if not isinstance(value, _Seq):
        wrapped = _Seq(value)
        wrapped.line, wrapped.item_lines = at.line, []
        return wrapped
    return value


def _check_keys(
    at: _At,
    data: _Map,
    allowed: Sequence[str],
    *,
    elsewhere: Optional[Dict[str, str]] = None,
) -> None:
    """Rejects keys not in `allowed`: keys known in another kind of object say where they belong
    (`elsewhere` maps key -> message), others get a suggestion."""
    for key in data:
        if key in allowed:
            continue
        where = at.key_itself(data, key)
        if not isinstance(key, str):
            raise where.error(f"unknown key {key!r}: keys are text")
        if elsewhere and key in elsewhere:
            raise where.error(elsewhere[key])
        raise where.error(_unknown("key", key, allowed))


def _text(at: _At, value: Any, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise at.error(f"expected text, got {_type_name(value)}")
    if not value and not empty_ok:
        raise at.error("must not be empty")
    return value


def _integer(at: _At, value: Any, low: int, high: int, what: str = "a whole number") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise at.error(f"expected {what}, got {_type_name(value)}")
    if not low <= value <= high:
        raise at.error(f"{value} is outside {low}..{high}")
    return value


def _boolean(at: _At, value: Any) -> bool:
    if not isinstance(value, bool):
        raise at.error(f"expected true or false, got {_type_name(value)}")
    return value


def _duration(at: _At, value: Any, *, positive: bool = False) -> int:
    """'10ms' -> 10_000_000 ns. A bare 0 is accepted; other numbers need a unit."""
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise at.error(f"expected a duration such as 10ms, got {_type_name(value)}")
    if not isinstance(value, str):
        if value != 0:
            raise at.error(f"a duration needs a unit (ns, us, ms, s): write {value}s or {value}ms, not {value}")
        ns = 0
    else:
        try:
            ns = _core.parse_duration(value)
        except ParseError as error:
            raise at.error(str(error)) from None
    if positive and ns <= 0:
        raise at.error("must be longer than 0")
    return ns


def _bandwidth(at: _At, value: Any) -> int:
    if not isinstance(value, str):
        raise at.error(f"expected a bandwidth such as 1Gbps, got {_type_name(value)}")
    try:
        return _core.parse_bandwidth(value)
    except ParseError as error:
        raise at.error(str(error)) from None


def _parsed(at: _At, value: Any, parse: Callable[[str], Any]) -> Any:
    text = value if value.__class__ is str and value else _text(at, value)
    try:
        return parse(text)
    except ParseError as error:
        raise at.error(str(error)) from None


@lru_cache(maxsize=1024)
def _address_text(text: str) -> str:
    """An address in its usual form (raises ParseError). Cached: thousands of hosts share a gateway."""
    return str(_core.Ipv4Address(text))


def _address(at: _At, value: Any) -> str:
    return _parsed(at, value, _address_text)  # type: ignore[no-any-return]


def _looks_like_address(text: str) -> bool:
    return re.fullmatch(r"[0-9.]+", text) is not None


# --- the validated scenario ---------------------------------------------------------------------


@dataclass
class InterfaceSpec:
    name: str
    ip: Optional[str]
    mac: Optional[str]
    mtu: Optional[int]
    at: _At
    ip_at: _At
    mac_at: _At
    mtu_at: _At


@dataclass
class RouteSpec:
    to: str
    type: str  # gateway | dev | unreachable | blackhole | prohibit
    via: Optional[str]
    dev: Optional[str]
    at: _At


@dataclass
class SnatSpec:
    source: str  # a prefix
    out: str  # an interface of the nat node
    to: Optional[str]  # None: masquerade as out's address
    ports: Optional[Tuple[int, int]]
    at: _At


@dataclass
class DnatSpec:
    proto: str  # tcp | udp
    port: int
    interface: str  # `in`
    to: str
    to_port: Optional[int]
    at: _At


@dataclass
class OneToOneSpec:
    private: str
    public: str
    at: _At


@dataclass
class NatSpec:
    snat: List[SnatSpec]
    dnat: List[DnatSpec]
    one_to_one: List[OneToOneSpec]
    timeouts: Dict[str, int]  # conntrack timeout name -> ns
    timeouts_at: Optional[_At] = None


@dataclass
class NodeSpec:
    name: str
    kind: str  # host | router | switch | nat
    interfaces: List[InterfaceSpec]
    gateway: Optional[str]
    routes: List[RouteSpec]
    at: _At
    gateway_at: Optional[_At] = None
    nat: Optional[NatSpec] = None

    @property
    def is_ip(self) -> bool:
        return self.kind != "switch"

    def interface_names(self) -> List[str]:
        return [i.name for i in self.interfaces]


@dataclass
class LinkSpec:
    index: int
    a: str
    b: str
    delay: Optional[int]
    bandwidth: Optional[int]
    queue: int
    at: _At
    a_at: _At
    b_at: _At
    ends: Tuple[str, str] = ("", "")  # "node.iface" of both ends once known (switch ports: sw1.p1)


@dataclass
class TrafficSpec:
    index: int
    kind: str  # ping | udp | tcp | traceroute | listen
    id: Optional[str]
    node: str
    start: int
    expect: Optional[str]
    destination: Optional[str]  # as written: an address or a node name
    params: Dict[str, Any]
    at: _At
    destination_at: Optional[_At] = None


@dataclass
class Scenario:
    """A validated scenario file, ready to run any number of times (each run builds a new Network)."""

    name: str
    description: str
    seed: int
    until: Optional[int]  # ns, or None: until no event is left
    nodes: Dict[str, NodeSpec]
    links: List[LinkSpec]
    traffic: List[TrafficSpec]
    capture: List[str]  # "node.iface" endpoints, in order
    file: str
    capture_at: Dict[str, _At] = field(default_factory=dict)
    cloud: "_cloud.CloudSpec" = field(default_factory=lambda: _cloud.CloudSpec())
    # Captures of nodes the cloud makes, whose interfaces are known once it is built: the items
    # ("node" or "node.iface") with where they are, and whether `capture: all` takes them all.
    capture_cloud: List[Tuple[str, _At]] = field(default_factory=list)
    capture_all: bool = False
    # `trace: drops` keeps drops and notable events only (no per-packet sent/forwarded/received):
    # for scenarios of many thousands of packets, whose trace.jsonl would be hundreds of megabytes.
    trace_packets: bool = True
    # The network load() built to check the file, never run: the first build() with the same seed
    # (and nothing to capture) returns it instead of building the same network again.
    _validated: Optional["Run"] = field(default=None, repr=False, compare=False)

    # -- building --------------------------------------------------------------------------------

    def build(self, seed: Optional[int] = None, out: Union[str, "os.PathLike[str]", None] = None) -> "Run":
        """Builds the network and schedules the traffic, without running. With `out`, captures go to
        OUT/<node>-<interface>.pcap. Simulator errors are raised as ScenarioError at their field."""
        seed = self.seed if seed is None else seed
        validated, self._validated = self._validated, None
        if validated is not None and validated.seed == seed and (out is None or not validated.captured):
            return validated
        return _Builder(self, seed, out).build()

    def run(
        self,
        out: Union[str, "os.PathLike[str]", None] = None,
        *,
        seed: Optional[int] = None,
        until: Union[str, int, None] = None,
        progress: Optional[ProgressFn] = None,
    ) -> "Run":
        """Builds, runs and collects the results; with `out`, writes results.json, trace.jsonl and the
        pcaps into that directory. `seed` and `until` ('5s' or ns) override the file's.

        `progress(now_ns, end_ns)` is called between slices of simulated time when there is an end
        time (the file's or the argument's `until`); the results do not depend on it."""
        until_ns = self.until
        if isinstance(until, str):
            until_ns = _core.parse_duration(until)  # raises vpcsim.ParseError
        elif until is not None:
            if isinstance(until, bool) or not isinstance(until, int) or until < 0:
                raise TypeError(f"until: expected a duration such as '5s' or nanoseconds, got {until!r}")
            until_ns = until
        result = self.build(seed=seed, out=out)
        result.execute(until_ns, progress)
        if out is not None:
            result.write(out)
        return result

    def summary(self) -> str:
        counts: Dict[str, int] = {}
        for node in self.nodes.values():
            counts[node.kind] = counts.get(node.kind, 0) + 1
        parts = ", ".join(f"{c} {k}{'s' if c != 1 else ''}" for k, c in counts.items())
        captured = len(self.capture) if self._validated is None else len(self._validated.captured)
        cloud = ""
        if not self.cloud.empty:
            vpcs = self.cloud.vpcs.values()
            cloud = (
                f"{len(vpcs)} VPC{'s' if len(vpcs) != 1 else ''} ({sum(len(v.subnets) for v in vpcs)} subnets, "
                f"{sum(len(v.instances) for v in vpcs)} instances), {len(self.cloud.hosts)} internet hosts, "
            )
        explain = f", {len(self.cloud.explain)} explain items" if self.cloud.explain else ""
        return (
            f"{self.name}: {len(self.nodes)} nodes{f' ({parts})' if parts else ''}, {len(self.links)} links, {cloud}"
            f"{len(self.traffic)} traffic items{explain}, {captured} captured interfaces"
        )


# --- validation ---------------------------------------------------------------------------------

_TOP_KEYS = (
    "name", "description", "seed", "until", "nodes", "links", "vpcs", "peerings", "internet", "traffic", "explain",
    "capture", "trace",
)
_TRACE_LEVELS = ("packets", "drops")
_NODE_KINDS = ("host", "switch", "router", "nat")
_IP_NODE_KEYS = ("kind", "interfaces", "gateway", "routes")
_IP_NODE_KEY_SET = frozenset(_IP_NODE_KEYS)
_NAT_KEYS = ("snat", "dnat", "one_to_one", "timeouts")
_NAT_NODE_KEYS = _IP_NODE_KEYS + _NAT_KEYS
_NAT_ONLY = {k: f"'{k}' is for nodes of kind: nat (a router that translates)" for k in _NAT_KEYS}
_SNAT_KEYS = ("from", "out", "to", "ports")
_DNAT_KEYS = ("proto", "port", "in", "to")
_ONE_TO_ONE_KEYS = ("private", "public")
_NAT_TIMEOUTS = (
    "udp", "udp_stream", "icmp", "tcp_syn_sent", "tcp_syn_recv", "tcp_established",
    "tcp_fin_wait", "tcp_close_wait", "tcp_last_ack", "tcp_time_wait", "tcp_close",
)
_INTERFACE_KEYS = ("ip", "mac", "mtu")
_INTERFACE_KEY_SET = frozenset(_INTERFACE_KEYS)
_ROUTE_KEYS = ("to", "via", "dev", "unreachable", "blackhole", "prohibit")
_ROUTE_SPECIAL = ("unreachable", "blackhole", "prohibit")
_LINK_KEYS = ("a", "b", "delay", "bandwidth", "queue")
_TRAFFIC_KINDS = ("ping", "udp", "tcp", "traceroute", "listen")
_TRAFFIC_COMMON = ("id", "at", "from", "expect")
_TRAFFIC_KEYS = {
    "ping": _TRAFFIC_COMMON + ("ping", "count", "interval", "ttl", "size"),
    "udp": _TRAFFIC_COMMON + ("udp",),
    "tcp": _TRAFFIC_COMMON + ("tcp",),
    "traceroute": _TRAFFIC_COMMON + ("traceroute", "max_hops", "queries", "wait", "first_ttl"),
    "listen": ("id", "on", "listen", "expect"),
}
# Linux's ephemeral range 32768-60999 holds this many ports: the most flows one node can open.
_MAX_UDP_FLOWS = 60999 - 32768 + 1
_UDP_KEYS = ("to", "from_port", "data", "count", "interval", "flows", "gap")
_TCP_KEYS = ("to", "from_port", "data")
_LISTEN_KEYS = ("udp", "tcp", "reply")


class _Validator:
    def __init__(self, data: Any, file: str) -> None:
        self.data = data
        self.file = file
        self.top = _At(file, "", 1)
        self.interface_sets: Dict[str, FrozenSet[str]] = {}  # node -> its interface names, for links
        self.switch_ends: Dict[str, Tuple[str, None]] = {}  # a link end that names a switch -> endpoint()
        self.cloud = _cloud.CloudSpec()

    def validate(self) -> Scenario:
        if self.data is None:
            raise self.top.error("the file is empty: a scenario needs at least a name and nodes")
        data = _mapping(self.top, self.data, "a mapping (name, nodes, links, traffic, ...)")
        _check_keys(self.top, data, _TOP_KEYS)
        if "name" not in data:
            raise _At(self.file, "", data.line).error("missing 'name' (every scenario is named)")
        name = _text(self.top.key(data, "name"), data["name"])
        description = ""
        if data.get("description") is not None:
            description = _text(self.top.key(data, "description"), data["description"], empty_ok=True)
        seed = 1
        if "seed" in data:
            seed = _integer(self.top.key(data, "seed"), data["seed"], 0, _MAX_U64)
        until = None
        if data.get("until") is not None:
            until = _duration(self.top.key(data, "until"), data["until"])
        has_cloud = data.get("vpcs") is not None or data.get("internet") is not None
        if "nodes" not in data and not has_cloud:
            raise _At(self.file, "", data.line).error("missing 'nodes' (the hosts, switches and routers)")
        nodes: Dict[str, NodeSpec] = {}
        if "nodes" in data:
            nodes = self.nodes(self.top.key(data, "nodes"), data["nodes"], empty_ok=has_cloud)
        cloud_validator = _cloud.CloudValidator(self.top, data, list(nodes))
        self.cloud = cloud_validator.validate()
        links: List[LinkSpec] = []
        if data.get("links") is not None:
            links = self.links(self.top.key(data, "links"), data["links"], nodes)
        traffic: List[TrafficSpec] = []
        ids: Dict[str, _At] = {}
        if data.get("traffic") is not None:
            traffic = self.traffic(self.top.key(data, "traffic"), data["traffic"], nodes, ids)
        if data.get("explain") is not None:
            eat = self.top.key(data, "explain")
            if self.cloud.empty:
                raise eat.error("explain answers questions about the cloud: add vpcs (and internet hosts) to ask them")
            self.cloud.explain = cloud_validator.explain(eat, data["explain"], ids)
        capture: List[str] = []
        capture_at: Dict[str, _At] = {}
        sc = Scenario(name, description, seed, until, nodes, links, traffic, capture, self.file, capture_at, cloud=self.cloud)
        if data.get("capture") is not None:
            self.capture(sc, self.top.key(data, "capture"), data["capture"], nodes, links)
        if data.get("trace") is not None:
            level = _text(self.top.key(data, "trace"), data["trace"])
            if level not in _TRACE_LEVELS:
                raise self.top.key(data, "trace").error(_unknown("trace", level, _TRACE_LEVELS))
            sc.trace_packets = level == "packets"
        return sc

    # -- nodes -----------------------------------------------------------------------------------

    def nodes(self, at: _At, value: Any, *, empty_ok: bool = False) -> Dict[str, NodeSpec]:
        if value is None and empty_ok:
            return {}
        data = _mapping(at, value, "a mapping of node names to nodes")
        if not data and not empty_ok:
            raise at.error("a scenario needs at least one node")
        nodes: Dict[str, NodeSpec] = {}
        for name, spec in data.items():
            where = at.key(data, name)
            if not isinstance(name, str) or not name:
                raise at.key_itself(data, name).error(f"a node name must be text, got {_type_name(name)}")
            nodes[name] = self.node(where, name, spec)
        return nodes

    def node(self, at: _At, name: str, value: Any) -> NodeSpec:
        data = _mapping(at, value, "a mapping with a kind (host, switch or router)")
        if "kind" not in data:
            raise at.error("missing 'kind' (host, switch or router)")
        kind = data["kind"]
        if kind.__class__ is not str or kind not in _NODE_KINDS:  # (the _At only for an error)
            kind_at = at.key(data, "kind")
            kind = _text(kind_at, kind)
            raise kind_at.error(_unknown("kind", kind, _NODE_KINDS))
        if kind == "switch":
            switch_only = {
                "interfaces": "a switch has no interfaces to declare: each link to it makes a new port (p1, p2, ...)",
                "gateway": "a switch has no IP stack: 'gateway' is for hosts and routers",
                "routes": "a switch has no IP stack: 'routes' is for hosts and routers",
            }
            _check_keys(at, data, ("kind",), elsewhere={**_NAT_ONLY, **switch_only})
            return NodeSpec(name, kind, [], None, [], at)
        if kind == "nat":
            _check_keys(at, data, _NAT_NODE_KEYS)
        elif not data.keys() <= _IP_NODE_KEY_SET:
            _check_keys(at, data, _IP_NODE_KEYS, elsewhere=_NAT_ONLY)
        interfaces: List[InterfaceSpec] = []
        if data.get("interfaces") is not None:
            iat = at.key(data, "interfaces")
            idata = _mapping(iat, data["interfaces"], "a mapping of interface names to {ip, mac, mtu}")
            for iname, ispec in idata.items():
                if not isinstance(iname, str) or not iname:
                    raise iat.key_itself(idata, iname).error(f"an interface name must be text, got {_type_name(iname)}")
                interfaces.append(self.interface(iat.key(idata, iname), iname, ispec))
        gateway = None
        gateway_at = None
        if data.get("gateway") is not None:
            gateway_at = at.key(data, "gateway")
            gateway = _address(gateway_at, data["gateway"])
        routes: List[RouteSpec] = []
        if data.get("routes") is not None:
            rat = at.key(data, "routes")
            rdata = _sequence(rat, data["routes"], "a list of routes ({to, via} or {to, unreachable: true})")
            for index, rspec in enumerate(rdata):
                routes.append(self.route(rat.item(rdata, index), rspec, [i.name for i in interfaces], name))
        nat = self.nat(at, data, [i.name for i in interfaces]) if kind == "nat" else None
        return NodeSpec(name, kind, interfaces, gateway, routes, at, gateway_at, nat)

    # -- nat -------------------------------------------------------------------------------------

    def nat(self, at: _At, data: _Map, interfaces: List[str]) -> NatSpec:
        spec = NatSpec([], [], [], {})

        def items(key: str, what: str) -> Iterator[Tuple[_At, _Map]]:
            if data.get(key) is None:
                return
            kat = at.key(data, key)
            seq = _sequence(kat, data[key], f"a list of {what}")
            for index, item in enumerate(seq):
                iat = kat.item(seq, index)
                yield iat, _mapping(iat, item, what)

        def interface(iat: _At, item: _Map, key: str, example: str) -> str:
            if key not in item:
                raise iat.error(f"missing '{key}' (an interface of this node, such as {example})")
            kat = iat.key(item, key)
            name = _text(kat, item[key])
            if name not in interfaces:
                raise kat.error(_unknown("interface", name, interfaces))
            return name

        def required(iat: _At, item: _Map, key: str, hint: str) -> _At:
            if item.get(key) is None:
                raise iat.error(f"missing '{key}' ({hint})")
            return iat.key(item, key)

        for iat, item in items("snat", "source NAT rules such as {from: 10.0.0.0/24, out: eth1}"):
            _check_keys(iat, item, _SNAT_KEYS)
            fat = required(iat, item, "from", "the inside prefix, such as 10.0.0.0/24")
            source = str(_parsed(fat, _text(fat, item["from"]), _core.Ipv4Prefix))
            out = interface(iat, item, "out", "eth1")
            to = _address(iat.key(item, "to"), item["to"]) if item.get("to") is not None else None
            ports = self.port_range(iat.key(item, "ports"), item["ports"]) if item.get("ports") is not None else None
            spec.snat.append(SnatSpec(source, out, to, ports, iat))
        for iat, item in items("dnat", "port forwards such as {proto: tcp, port: 8080, in: eth1, to: 172.17.0.2:80}"):
            _check_keys(iat, item, _DNAT_KEYS)
            pat = required(iat, item, "proto", "tcp or udp")
            proto = _text(pat, item["proto"])
            if proto not in ("tcp", "udp"):
                raise pat.error(_unknown("proto", proto, ("tcp", "udp")))
            port = _integer(required(iat, item, "port", "the outside port"), item["port"], 1, 65535, "a port (1-65535)")
            into = interface(iat, item, "in", "eth1")
            tat = required(iat, item, "to", "the inside address and port, such as 172.17.0.2:80")
            to, to_port = self.address_port(tat, item["to"])
            spec.dnat.append(DnatSpec(proto, port, into, to, to_port, iat))
        for iat, item in items("one_to_one", "1:1 mappings such as {private: 10.0.1.10, public: 198.51.100.10}"):
            _check_keys(iat, item, _ONE_TO_ONE_KEYS)
            private = _address(required(iat, item, "private", "the inside address"), item["private"])
            public = _address(required(iat, item, "public", "the outside address"), item["public"])
            spec.one_to_one.append(OneToOneSpec(private, public, iat))
        if data.get("timeouts") is not None:
            tat = at.key(data, "timeouts")
            tdata = _mapping(tat, data["timeouts"], "a mapping of conntrack timeouts such as {udp: 60s}")
            _check_keys(tat, tdata, _NAT_TIMEOUTS)
            spec.timeouts = {k: _duration(tat.key(tdata, k), v, positive=True) for k, v in tdata.items()}
            spec.timeouts_at = tat
        return spec

    @staticmethod
    def port_range(at: _At, value: Any) -> Tuple[int, int]:
        if isinstance(value, str) and "-" in value:
            low_text, _, high_text = value.partition("-")
            if not (low_text.strip().isdigit() and high_text.strip().isdigit()):
                raise at.error(f"expected a port range such as 1024-65535, got '{value}'")
            low, high = int(low_text), int(high_text)
        elif isinstance(value, list) and len(value) == 2:
            low = _integer(at, value[0], 1, 65535, "a port (1-65535)")
            high = _integer(at, value[1], 1, 65535, "a port (1-65535)")
        else:
            raise at.error(f"expected a port range such as 1024-65535 or [1024, 65535], got {_type_name(value)}")
        if not 1 <= low <= high <= 65535:
            raise at.error(f"port range {low}-{high} must satisfy 1 <= low <= high <= 65535")
        return low, high

    @staticmethod
    def address_port(at: _At, value: Any) -> Tuple[str, Optional[int]]:
        text = _text(at, value)
        address, colon, port_text = text.partition(":")
        if not colon:
            return _address(at, address), None
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise at.error(f"expected ADDRESS:PORT with a port 1-65535, got '{text}'")
        return _address(at, address), int(port_text)

    def interface(self, at: _At, name: str, value: Any) -> InterfaceSpec:
        if value is None:
            return InterfaceSpec(name, None, None, None, at, at, at, at)
        if isinstance(value, str):  # shorthand: eth0: 10.0.1.10/24
            shorthand: str = _parsed(at, value, _core.interface_address_text)
            return InterfaceSpec(name, shorthand, None, None, at, at, at, at)
        data = _mapping(at, value, "a mapping {ip, mac, mtu} or an address such as 10.0.1.10/24")
        if not data.keys() <= _INTERFACE_KEY_SET:
            _check_keys(at, data, _INTERFACE_KEYS)
        ip: Optional[str] = None
        mac: Optional[str] = None
        mtu: Optional[int] = None
        # The _At of a field that is not given is never used (errors are about given fields): the
        # interface's own stands in for it.
        ip_at = at.key(data, "ip") if "ip" in data else at
        mac_at = at.key(data, "mac") if "mac" in data else at
        mtu_at = at.key(data, "mtu") if "mtu" in data else at
        if data.get("ip") is not None:
            ip = _parsed(ip_at, data["ip"], _core.interface_address_text)
        if data.get("mac") is not None:
            mac = str(_parsed(mac_at, data["mac"], _core.MacAddress))
        if data.get("mtu") is not None:
            mtu = _integer(mtu_at, data["mtu"], 68, 9001, "an MTU in bytes")
        return InterfaceSpec(name, ip, mac, mtu, at, ip_at, mac_at, mtu_at)

    def route(self, at: _At, value: Any, interfaces: List[str], node: str) -> RouteSpec:
        data = _mapping(at, value, "a route mapping such as {to: 10.9.0.0/16, via: 10.0.1.254}")
        _check_keys(at, data, _ROUTE_KEYS)
        if "to" not in data:
            raise at.error("missing 'to' (the destination prefix, such as 10.9.0.0/16 or default)")
        to_at = at.key(data, "to")
        to_text = _text(to_at, data["to"])
        to = "0.0.0.0/0" if to_text == "default" else str(_parsed(to_at, to_text, _core.Ipv4Prefix))
        kinds = [k for k in ("via", "dev") if data.get(k) is not None]
        for special in _ROUTE_SPECIAL:
            if special in data and _boolean(at.key(data, special), data[special]):
                kinds.append(special)
        if not kinds:
            raise at.error("a route needs one of: via (a gateway), dev (an interface), unreachable, blackhole, prohibit")
        if len(kinds) > 1:
            raise at.error(f"a route takes one of via, dev, unreachable, blackhole, prohibit, not both '{kinds[0]}' and '{kinds[1]}'")
        kind = kinds[0]
        via = dev = None
        if kind == "via":
            via = _address(at.key(data, "via"), data["via"])
            kind = "gateway"
        elif kind == "dev":
            dev_at = at.key(data, "dev")
            dev = _text(dev_at, data["dev"])
            if dev not in interfaces:
                raise dev_at.error(_unknown("interface", dev, interfaces))
        return RouteSpec(to, kind, via, dev, at)

    # -- links -----------------------------------------------------------------------------------

    def endpoint(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> Tuple[str, Optional[str]]:
        if value.__class__ is str:
            known = self.switch_ends.get(value)  # a switch's name recurs in each of its links
            if known is not None:
                return known
        text = _text(at, value)
        node_name, _, iface = text.partition(".")
        if node_name not in nodes:
            raise at.error(_unknown("node", node_name, list(nodes)))
        node = nodes[node_name]
        if node.kind == "switch":
            if iface:
                raise at.error(f"{node_name} is a switch: write just '{node_name}' (each link makes a new port)")
            self.switch_ends[text] = (node_name, None)
            return node_name, None
        if not iface:
            names = node.interface_names()
            example = f" ({node_name}.{names[0]})" if names else ""
            raise at.error(f"{node_name} is a {node.kind}: name one of its interfaces{example}")
        if len(node.interfaces) == 1:  # most hosts: one name to compare, no set to make
            found = node.interfaces[0].name == iface
        else:
            known = self.interface_sets.get(node_name)
            if known is None:
                known = self.interface_sets[node_name] = frozenset(node.interface_names())
            found = iface in known
        if not found:
            has = ", ".join(node.interface_names()) or "no interfaces"
            hint = _suggest(iface, node.interface_names())
            raise at.error(f"unknown interface '{text}' ({node_name} has {has}{'; ' + hint if hint else ''})")
        return node_name, iface

    def links(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> List[LinkSpec]:
        data = _sequence(at, value, "a list of links")
        links: List[LinkSpec] = []
        linked: Dict[str, _At] = {}
        ports: Dict[str, int] = {}
        for index, item in enumerate(data):
            lat = at.item(data, index)
            if isinstance(item, list):
                if len(item) != 2:
                    raise lat.error(f"a link has two ends: [A, B], got {len(item)}")
                # Errors about an end of [A, B] name the link (links[3]) at the line of that end.
                lines = item.item_lines if item.__class__ is _Seq else _sequence(lat, item).item_lines
                # (lat itself when the end is on the link's line, as in `- [h1.eth0, sw1]`: the same
                # path and line, without another _At per end.)
                a_at = lat if not lines or lines[0] == lat.line else lat.at_line(lines[0])
                b_at = lat if not lines or lines[1] == lat.line else lat.at_line(lines[1])
                a, b = item[0], item[1]
                delay = bandwidth = None
                queue = 1000
            elif isinstance(item, dict):
                item_map = _mapping(lat, item)
                _check_keys(lat, item_map, _LINK_KEYS)
                for end in ("a", "b"):
                    if end not in item_map:
                        raise lat.error(f"missing '{end}' (a link is {{a: h1.eth0, b: sw1, delay: 10us, ...}})")
                a_at, b_at = lat.key(item_map, "a"), lat.key(item_map, "b")
                a, b = item_map["a"], item_map["b"]
                delay = None
                if item_map.get("delay") is not None:
                    delay = _duration(lat.key(item_map, "delay"), item_map["delay"])
                bandwidth = None
                if item_map.get("bandwidth") is not None:
                    bandwidth = _bandwidth(lat.key(item_map, "bandwidth"), item_map["bandwidth"])
                queue = 1000
                if item_map.get("queue") is not None:
                    queue = _integer(lat.key(item_map, "queue"), item_map["queue"], 1, 2**32 - 1, "a number of frames")
            else:
                raise lat.error(f"expected a link, [A, B] or {{a: A, b: B, ...}}, got {_type_name(item)}")
            a_node, a_iface = self.endpoint(a_at, a, nodes)
            b_node, b_iface = self.endpoint(b_at, b, nodes)
            if a == b:
                if a_iface is None:
                    raise lat.error(f"cannot link the switch {a} to itself")
                raise lat.error(f"both ends are {a}: a link joins two different interfaces")
            ends = []
            for node_name, iface, end_at in ((a_node, a_iface, a_at), (b_node, b_iface, b_at)):
                if iface is None:
                    ports[node_name] = ports.get(node_name, 0) + 1
                    ends.append(f"{node_name}.p{ports[node_name]}")
                    continue
                endpoint = f"{node_name}.{iface}"
                if endpoint in linked:
                    first = linked[endpoint]
                    raise end_at.error(f"{endpoint} is already linked by {first.path} (line {first.line})")
                linked[endpoint] = lat
                ends.append(endpoint)
            links.append(LinkSpec(index, a, b, delay, bandwidth, queue, lat, a_at, b_at, (ends[0], ends[1])))
        return links

    # -- traffic ---------------------------------------------------------------------------------

    def destination(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> str:
        text = _text(at, value)
        if _looks_like_address(text):
            return _address(at, text)
        if text in self.cloud.endpoints:
            return text  # its address depends on the sender (Cloud.address_of)
        if text not in nodes:
            known = list(nodes) + list(self.cloud.endpoints)
            hint = _suggest(text, known) or f"nodes: {', '.join(known)}"
            raise at.error(f"'{text}' is neither an address nor a node ({hint})")
        node = nodes[text]
        if not node.is_ip:
            raise at.error(f"{text} is a switch: it has no address to send to")
        if not any(i.ip for i in node.interfaces):
            raise at.error(f"{text} has no address: give one of its interfaces an ip")
        return text

    def sender(self, at: _At, value: Any, nodes: Dict[str, NodeSpec]) -> str:
        name = _text(at, value)
        kind = self.cloud.endpoints.get(name)
        if kind is not None:
            if kind == "NAT gateway":
                raise at.error(f"{name} is a NAT gateway: it runs no applications (use an instance or internet host)")
            return name
        if name not in nodes:
            raise at.error(_unknown("node", name, list(nodes) + self.cloud.senders()))
        if not nodes[name].is_ip:
            raise at.error(f"{name} is a switch: it runs no applications (use a host or a router)")
        return name

    def traffic(self, at: _At, value: Any, nodes: Dict[str, NodeSpec], ids: Dict[str, _At]) -> List[TrafficSpec]:
        data = _sequence(at, value, "a list of traffic items")
        items: List[TrafficSpec] = []
        listening: Dict[Tuple[str, int], _At] = {}
        for index, item in enumerate(data):
            iat = at.item(data, index)
            spec = self.traffic_item(iat, index, item, nodes)
            if spec.id is not None:
                if spec.id in ids:
                    first = ids[spec.id]
                    raise iat.error(f"duplicate id '{spec.id}' (also {first.path}, line {first.line})")
                ids[spec.id] = iat
            if spec.kind == "listen":
                key = (spec.node, spec.params["protocol"], spec.params["port"])
                if key in listening:
                    first = listening[key]
                    raise iat.error(
                        f"{spec.node} already listens on {key[1].upper()} {key[2]} ({first.path}, line {first.line})"
                    )
                listening[key] = iat
            items.append(spec)
        return items

    def traffic_item(self, at: _At, index: int, value: Any, nodes: Dict[str, NodeSpec]) -> TrafficSpec:
        data = _mapping(at, value, "a traffic item such as {from: h1, ping: 10.0.2.20}")
        kinds = [k for k in _TRAFFIC_KINDS if k in data]
        if not kinds:
            raise at.error("a traffic item needs one of: ping, udp, tcp, traceroute, listen")
        if len(kinds) > 1:
            raise at.error(
                f"a traffic item is one of ping, udp, tcp, traceroute, listen, not both '{kinds[0]}' and '{kinds[1]}'"
            )
        kind = kinds[0]
        allowed = _TRAFFIC_KEYS[kind]
        others = {
            key: f"'{key}' does not apply to a {kind} item (it takes: {', '.join(allowed)})"
            for keys in _TRAFFIC_KEYS.values()
            for key in keys
            if key not in allowed
        }
        if kind == "listen":
            others["from"] = "a listener takes 'on' (the node that listens), not 'from'"
            others["at"] = "a listener listens from the start: it takes no 'at'"
        else:
            others["on"] = f"'on' is for listen items: a {kind} takes 'from'"
        _check_keys(at, data, allowed, elsewhere=others)

        item_id = None
        if data.get("id") is not None:
            item_id = _text(at.key(data, "id"), data["id"])
        expect = None
        if data.get("expect") is not None:
            expect_at = at.key(data, "expect")
            expect = _text(expect_at, data["expect"])
            choices = ("reply", "timeout") if kind == "listen" else EXPECT_VALUES
            if expect not in choices:
                if kind == "listen" and expect == "unreachable":
                    raise expect_at.error("a listener expects reply (something arrived) or timeout (nothing did)")
                raise expect_at.error(_unknown("expectation", expect, choices))

        if kind == "listen":
            if "on" not in data:
                raise at.error("missing 'on' (the node that listens)")
            node = self.sender(at.key(data, "on"), data["on"], nodes)
            lat = at.key(data, "listen")
            ldata = _mapping(lat, data["listen"], "a mapping such as {udp: 9000, reply: pong} or {tcp: 8080, reply: hello}")
            _check_keys(lat, ldata, _LISTEN_KEYS)
            if "udp" in ldata and "tcp" in ldata:
                raise lat.error("listen on one of udp or tcp, not both (use two listen items)")
            if "udp" not in ldata and "tcp" not in ldata:
                raise lat.error("missing 'udp' or 'tcp' (the port to listen on)")
            protocol = "tcp" if "tcp" in ldata else "udp"
            port = _integer(lat.key(ldata, protocol), ldata[protocol], 1, 65535, f"a {protocol.upper()} port")
            reply = ""
            if ldata.get("reply") is not None:
                reply = _text(lat.key(ldata, "reply"), ldata["reply"], empty_ok=True)
            params = {"protocol": protocol, "port": port, "reply": reply}
            return TrafficSpec(index, kind, item_id, node, 0, expect, None, params, at)

        if "from" not in data:
            raise at.error(f"missing 'from' (the node that sends the {kind})")
        node = self.sender(at.key(data, "from"), data["from"], nodes)
        start = 0
        if data.get("at") is not None:
            start = _duration(at.key(data, "at"), data["at"])
        params: Dict[str, Any] = {}
        if kind == "ping":
            dest_at = at.key(data, "ping")
            destination = self.destination(dest_at, data["ping"], nodes)
            params["count"] = self.opt_int(at, data, "count", 1, 1, 2**32 - 1)
            params["interval"] = self.opt_duration(at, data, "interval", 10**9, positive=False)
            params["ttl"] = self.opt_int(at, data, "ttl", 64, 1, 255)
            params["size"] = self.opt_int(at, data, "size", 56, 0, 65507)
        elif kind == "traceroute":
            dest_at = at.key(data, "traceroute")
            destination = self.destination(dest_at, data["traceroute"], nodes)
            params["max_hops"] = self.opt_int(at, data, "max_hops", 30, 1, 255)
            params["queries"] = self.opt_int(at, data, "queries", 3, 1, 10)
            params["wait"] = self.opt_duration(at, data, "wait", 5 * 10**9, positive=True)
            params["first_ttl"] = self.opt_int(at, data, "first_ttl", 1, 1, 255)
            if params["first_ttl"] > params["max_hops"]:
                raise at.key(data, "first_ttl").error(f"first_ttl {params['first_ttl']} is above max_hops {params['max_hops']}")
        else:  # udp or tcp: {to: ADDRESS:PORT, ...}
            example = "{to: 10.0.2.20:9000, data: hi}" if kind == "udp" else "{to: 10.0.2.20:8080, data: 'GET /'}"
            uat = at.key(data, kind)
            udata = _mapping(uat, data[kind], f"a mapping such as {example}")
            _check_keys(uat, udata, _UDP_KEYS if kind == "udp" else _TCP_KEYS)
            if "to" not in udata:
                raise uat.error("missing 'to' (ADDRESS:PORT or NODE:PORT, such as 10.0.2.20:9000)")
            dest_at = uat.key(udata, "to")
            to_text = _text(dest_at, udata["to"])
            host, colon, port_text = to_text.rpartition(":")
            if not colon or not host:
                raise dest_at.error(f"expected ADDRESS:PORT or NODE:PORT, such as 10.0.2.20:9000, got '{to_text}'")
            if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
                raise dest_at.error(f"port '{port_text}' is not a number in 1..65535")
            destination = self.destination(dest_at, host, nodes)
            params["port"] = int(port_text)
            params["from_port"] = self.opt_int(uat, udata, "from_port", 0, 1, 65535)
            params["data"] = ""
            if udata.get("data") is not None:
                params["data"] = _text(uat.key(udata, "data"), udata["data"], empty_ok=True)
            if kind == "udp":
                params["count"] = self.opt_int(uat, udata, "count", 1, 1, 2**32 - 1)
                params["interval"] = self.opt_duration(uat, udata, "interval", 10**9, positive=False)
                # flows: N datagrams, each from its own ephemeral port (N new connections to a NAT)
                params["flows"] = self.opt_int(uat, udata, "flows", 0, 1, _MAX_UDP_FLOWS)
                params["gap"] = self.opt_duration(uat, udata, "gap", 20_000, positive=True)
                if params["flows"]:
                    for clash in ("from_port", "count", "interval"):
                        if udata.get(clash) is not None:
                            raise uat.key(udata, clash).error(
                                f"'{clash}' does not go with 'flows' (each flow is one datagram from its own port)")
                elif udata.get("gap") is not None:
                    raise uat.key(udata, "gap").error("'gap' is the time between flows: it needs 'flows'")
        return TrafficSpec(index, kind, item_id, node, start, expect, destination, params, at, dest_at)

    @staticmethod
    def opt_int(at: _At, data: _Map, key: str, default: int, low: int, high: int) -> int:
        if data.get(key) is None:
            return default
        return _integer(at.key(data, key), data[key], low, high)

    @staticmethod
    def opt_duration(at: _At, data: _Map, key: str, default: int, *, positive: bool) -> int:
        if data.get(key) is None:
            return default
        return _duration(at.key(data, key), data[key], positive=positive)

    # -- capture ---------------------------------------------------------------------------------

    def capture(self, sc: Scenario, at: _At, value: Any, nodes: Dict[str, NodeSpec], links: List[LinkSpec]) -> None:
        """The endpoints to capture: `all`, or a list of node.iface, switch ports (sw1.p2) and node
        names (every interface of that node). Nodes the cloud makes are checked when it is built."""
        ports: Dict[str, List[str]] = {name: [] for name, n in nodes.items() if n.kind == "switch"}
        for link in links:
            for end in link.ends:
                node_name, _, iface = end.partition(".")
                if node_name in ports:
                    ports[node_name].append(iface)

        def interfaces_of(name: str) -> List[str]:
            node = nodes[name]
            return ports[name] if node.kind == "switch" else node.interface_names()

        chosen: List[str] = []
        where: Dict[str, _At] = {}
        if isinstance(value, str):
            if value != "all":
                raise at.error(f"expected all or a list of interfaces, got '{value}'")
            sc.capture_all = True
            for name in nodes:
                for iface in interfaces_of(name):
                    chosen.append(f"{name}.{iface}")
                    where[chosen[-1]] = at
        else:
            data = _sequence(at, value, "all or a list of interfaces such as [h1.eth0, r1.eth1]")
            for index, item in enumerate(data):
                iat = at.item(data, index)
                text = _text(iat, item)
                node_name, dot, iface = text.partition(".")
                if node_name not in nodes and _cloud.makes_node(self.cloud, node_name):
                    sc.capture_cloud.append((text, iat))
                    continue
                if node_name not in nodes:
                    raise iat.error(_unknown("node", node_name, list(nodes) + list(self.cloud.names)))
                names = interfaces_of(node_name)
                if not dot:
                    if not names:
                        raise iat.error(f"{node_name} has no interfaces to capture")
                    picked = [f"{node_name}.{i}" for i in names]
                elif iface not in names:
                    has = ", ".join(names) or "no interfaces"
                    hint = _suggest(iface, names)
                    if nodes[node_name].kind == "switch":
                        hint = "a switch's ports are p1, p2, ... in link order"
                    raise iat.error(f"unknown interface '{text}' ({node_name} has {has}{'; ' + hint if hint else ''})")
                else:
                    picked = [text]
                for endpoint in picked:
                    if endpoint in where:
                        first = where[endpoint]
                        raise iat.error(f"{endpoint} is captured twice (also {first.path}, line {first.line})")
                    chosen.append(endpoint)
                    where[endpoint] = iat
        files: Dict[str, str] = {}
        for endpoint in chosen:
            file_name = _pcap_name(endpoint)
            if file_name in files:
                raise where[endpoint].error(f"{endpoint} and {files[file_name]} would both be written to {file_name}")
            files[file_name] = endpoint
        sc.capture, sc.capture_at = chosen, where


def _pcap_name(endpoint: str) -> str:
    node, _, iface = endpoint.partition(".")
    return f"{node}-{iface}.pcap"


# --- building and running -----------------------------------------------------------------------


class _Builder:
    def __init__(self, scenario: Scenario, seed: int, out: Union[str, "os.PathLike[str]", None]) -> None:
        self.sc = scenario
        self.seed = seed
        self.out = None if out is None else Path(out)

    def guarded(self, at: _At, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except ScenarioError:
            raise
        except (ConfigError, ParseError) as error:
            raise at.error(str(error)) from None

    def build(self) -> "Run":
        sc = self.sc
        net = _core.Network(seed=self.seed)
        net.trace.record_packets = sc.trace_packets
        add = {"host": net.add_host, "router": net.add_router, "switch": net.add_switch, "nat": net.add_nat}
        # The hot loops call the simulator directly in a try block rather than through guarded():
        # with tens of thousands of nodes, a closure per call is a good part of the build.
        made: Dict[str, Any] = {}
        specs = list(sc.nodes.values())
        if all(node.kind in _BULK_KINDS for node in specs):
            # One call for all the nodes, and no Python object for each (made stays empty).
            try:
                _core.add_nodes(net, [(node.kind, node.name) for node in specs])
            except (ConfigError, ParseError) as error:
                raise specs[error.index].at.error(str(error)) from None
        else:
            for node in sc.nodes.values():
                try:
                    made[node.name] = add[node.kind](node.name)
                except (ConfigError, ParseError) as error:
                    raise node.at.error(str(error)) from None
        ip_nodes = [node for node in sc.nodes.values() if node.kind != "switch"]
        # Interfaces, default gateways and links go to the simulator in one bulk call each: one call
        # per object spent as long crossing into C++ as C++ spent building. A bulk call stops at the
        # first item that fails; what the one-by-one order would have reported first still is.
        # Addresses were checked by the validator: text goes straight to the simulator.
        ifaces = [(node.name, iface) for node in ip_nodes for iface in node.interfaces]
        failed = _bulk(_core.add_interfaces, net, [(name, i.name, i.ip, i.mac) for name, i in ifaces])
        for name, iface in ifaces[: len(ifaces) if failed is None else failed[0]]:
            if iface.mtu is not None:
                created = net.interface(f"{name}.{iface.name}")
                self.guarded(iface.mtu_at, partial(setattr, created, "mtu", iface.mtu))
        if failed is not None:
            iface = ifaces[failed[0]][1]
            raise (iface.mac_at if iface.mac is not None else iface.ip_at).error(str(failed[1])) from None
        gateways = [node for node in ip_nodes if node.gateway is not None]
        failed = _bulk(_core.set_default_gateways, net, [(node.name, node.gateway) for node in gateways])
        failed_node = None if failed is None else gateways[failed[0]]
        for node in ip_nodes:
            if failed is not None and node is failed_node:
                assert node.gateway_at is not None
                raise node.gateway_at.error(str(failed[1])) from None
            if node.routes:
                ip_node = made[node.name] if node.name in made else net.node(node.name)
                for route in node.routes:
                    self.guarded(route.at, partial(_add_route, ip_node, route))
            if node.nat is not None:
                _add_nat_rules(self, made[node.name] if node.name in made else net.node(node.name), node.nat)
        try:
            ends = _core.connect_all(net, [(link.a, link.b, link.delay, link.bandwidth, link.queue) for link in sc.links])
        except (ConfigError, ParseError) as error:
            raise sc.links[error.index].at.error(str(error)) from None
        for link, actual in zip(sc.links, ends):
            if actual != link.ends:  # the port names documented (p1, p2, ... in link order) must hold
                raise link.at.error(f"internal: expected ends {link.ends}, the simulator made {actual}")
        cloud = _cloud.build(net, sc.cloud)
        captured, where = self.captured(net)
        captures = []
        if self.out is not None and captured:
            self.out.mkdir(parents=True, exist_ok=True)
            for endpoint in captured:
                path = str(self.out / _pcap_name(endpoint))
                captures.append(self.guarded(where[endpoint], partial(_core.capture, net, endpoint, path)))
        apps: List[Any] = []
        resolved: List[Optional[str]] = []
        for item in sc.traffic:
            sender: Any = net.node(item.node)
            address = None
            if item.destination is not None:
                address = item.destination
                if address in sc.cloud.endpoints:
                    # Private from the same or a peered VPC, public from anywhere else.
                    address = str(cloud.address_of(address, item.node))
                elif not _looks_like_address(address):
                    target: Any = net.node(address)
                    address = str(target.primary_address)
            resolved.append(address)
            apps.append(self.guarded(item.at, partial(_start, sender, item, address)))
        return Run(sc, self.seed, net, apps, resolved, captures, cloud, captured)

    def captured(self, net: Any) -> Tuple[List[str], Dict[str, _At]]:
        """Every endpoint to capture ("node.iface"), with where the file asks for it: the validated
        ones, then those of nodes the cloud made (all of them for `capture: all`), in creation order."""
        sc = self.sc
        captured = list(sc.capture)
        where = {e: sc.capture_at.get(e, _At(sc.file, "capture", 1)) for e in captured}
        if sc.cloud.empty:
            return captured, where
        requests: List[Tuple[str, _At]] = list(sc.capture_cloud)
        if sc.capture_all:
            at = next(iter(sc.capture_at.values()), _At(sc.file, "capture", 1))
            requests = [(node.name, at) for node in net.nodes if node.name not in sc.nodes and node.interfaces]
        files = {_pcap_name(e): e for e in captured}
        for text, at in requests:
            node_name, dot, iface = text.partition(".")
            node: Any = net.node(node_name)
            names = [i.name for i in node.interfaces]
            if dot and iface not in names:
                hint = _suggest(iface, names)
                raise at.error(f"unknown interface '{text}' ({node_name} has {', '.join(names) or 'no interfaces'}"
                               f"{'; ' + hint if hint else ''})")
            if not names:
                raise at.error(f"{node_name} has no interfaces to capture")
            for endpoint in [text] if dot else [f"{node_name}.{i}" for i in names]:
                if endpoint in where:
                    first = where[endpoint]
                    raise at.error(f"{endpoint} is captured twice (also {first.path}, line {first.line})")
                file_name = _pcap_name(endpoint)
                if file_name in files:
                    raise at.error(f"{endpoint} and {files[file_name]} would both be written to {file_name}")
                files[file_name] = endpoint
                captured.append(endpoint)
                where[endpoint] = at
        return captured, where


def _add_nat_rules(builder: _Builder, nat: Any, spec: NatSpec) -> None:
    for s in spec.snat:
        builder.guarded(s.at, partial(nat.add_snat, s.source, s.out, s.to, s.ports))
    for d in spec.dnat:
        builder.guarded(d.at, partial(nat.add_dnat, d.proto, d.port, d.interface, d.to, d.to_port))
    for o in spec.one_to_one:
        builder.guarded(o.at, partial(nat.add_one_to_one, o.private, o.public))
    if spec.timeouts:
        assert spec.timeouts_at is not None
        builder.guarded(spec.timeouts_at, partial(nat.set_timeouts, spec.timeouts))


_BULK_KINDS = frozenset(("host", "router", "switch"))  # the kinds _core.add_nodes makes


def _bulk(call: Callable[[Any, List[Any]], None], net: Any, items: List[Any]) -> Optional[Tuple[int, Exception]]:
    """Runs one of _core's bulk calls: None, or the index of the item that failed and its error."""
    try:
        call(net, items)
    except (ConfigError, ParseError) as error:
        return error.index, error
    return None


def _add_route(node: Any, route: RouteSpec) -> None:
    if route.type == "gateway":
        node.add_route(route.to, via=route.via)
    elif route.type == "dev":
        node.add_route(route.to, dev=route.dev)
    elif route.type == "unreachable":
        node.add_unreachable_route(route.to)
    elif route.type == "blackhole":
        node.add_blackhole_route(route.to)
    else:
        node.add_prohibit_route(route.to)


def _start(node: Any, item: TrafficSpec, address: Optional[str]) -> Any:
    p = item.params
    if item.kind == "listen":
        if p["protocol"] == "tcp":
            return node.tcp_listen(p["port"], reply=p["reply"].encode())
        return node.udp_listen(p["port"], reply=p["reply"].encode())
    if item.kind == "tcp":
        return node.tcp_connect(address, p["port"], data=p["data"].encode(), source_port=p["from_port"], start=item.start)
    if item.kind == "ping":
        return node.ping(address, count=p["count"], interval=p["interval"], start=item.start, data_len=p["size"], ttl=p["ttl"])
    if item.kind == "traceroute":
        return node.traceroute(
            address, max_hops=p["max_hops"], queries=p["queries"], wait=p["wait"], start=item.start, first_ttl=p["first_ttl"]
        )
    if p.get("flows"):
        return node.udp_flows(address, p["port"], p["flows"], data=p["data"].encode(), start=item.start, gap=p["gap"])
    return node.udp_send(
        address,
        p["port"],
        data=p["data"].encode(),
        source_port=p["from_port"],
        start=item.start,
        count=p["count"],
        interval=p["interval"],
    )


class Run:
    """One run of a scenario: the Network, the applications (one per traffic item) and, once
    executed, ``results`` (the dict written to results.json)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        network: Any,
        apps: List[Any],
        destinations: List[Optional[str]],
        captures: List[Any],
        cloud: Any = None,
        captured: Optional[List[str]] = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.network = network
        self.cloud = cloud  # the vpcsim.Cloud, when the file has vpcs or internet hosts
        self.apps = apps
        self.destinations = destinations
        self.captured = list(scenario.capture) if captured is None else captured  # "node.iface", in order
        self.answers: List[Any] = []  # an ExplainAnswer per explain item, once executed
        self._captures = captures
        self.results: Dict[str, Any] = {}
        self.wall_seconds = 0.0

    def execute(self, until: Optional[int], progress: Optional[ProgressFn] = None) -> None:
        """Runs the simulation to `until` (ns) or until no event is left, then collects the results.

        With `progress` and an end time, runs in slices of simulated time sized to take about a tenth
        of a second each, calling progress(now_ns, until) after each. Slicing does not change what
        happens: the simulation stops between slices with nothing scheduled from outside."""
        net = self.network
        started = time.monotonic()
        if until is None:
            net.run()
        elif progress is None:
            net.run(until=until)
        else:
            step = max(until // 1000, 1)
            while True:
                target = min(net.now_ns + step, until)
                t0 = time.monotonic()
                net.run(until=target)
                spent = time.monotonic() - t0
                progress(net.now_ns, until)
                if target >= until:
                    break
                if spent < 0.05:
                    step *= 2
                elif spent > 0.2:
                    step = max(step // 2, 1)
        # Explain's probes go out once the traffic is done (or the run reached `until`), one by one.
        self.answers = [
            self.cloud.explain(e.source, e.to, e.proto, e.port) for e in self.scenario.cloud.explain
        ]
        self.wall_seconds = time.monotonic() - started
        for capture in self._captures:
            capture.flush()
        self._captures = []  # closes the files
        self.results = self._collect()

    # -- results -----------------------------------------------------------------------------------

    @property
    def traffic(self) -> List[Dict[str, Any]]:
        traffic: List[Dict[str, Any]] = self.results.get("traffic", [])
        return traffic

    @property
    def explained(self) -> List[Dict[str, Any]]:
        explained: List[Dict[str, Any]] = self.results.get("explain", [])
        return explained

    @property
    def failed(self) -> List[Dict[str, Any]]:
        """The traffic and explain items whose expectation was not met."""
        return [t for t in self.traffic + self.explained if t["expect_met"] is False]

    @property
    def all_met(self) -> bool:
        return not self.failed

    def _collect(self) -> Dict[str, Any]:
        net = self.network
        traffic = [self._traffic_result(item, app, dest) for item, app, dest in zip(self.scenario.traffic, self.apps, self.destinations)]
        tables: Dict[str, Any] = {}
        # The file's nodes, then (with a cloud) every node it made, in creation order.
        nodes = [net.node(name) for name in self.scenario.nodes]
        if self.cloud is not None:
            nodes += [node for node in net.nodes if node.name not in self.scenario.nodes]
        for node in nodes:
            if isinstance(node, _core.IpNode):
                tables[node.name] = {
                    "arp": [
                        {"ip": str(e.ip), "mac": str(e.mac), "state": e.state, "interface": e.interface}
                        for e in node.arp_table()
                    ],
                    "routes": [str(r) for r in node.routes()],
                }
                if isinstance(node, _core.NatRouter):
                    tables[node.name]["translations"] = _tables.nat_translations_records(node)
            else:
                tables[node.name] = {
                    "macs": [{"mac": str(e.mac), "port": e.port, "age_ms": e.age_ms} for e in node.mac_table()]
                }
        drops = self._drop_records()
        results = {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "simulated_seconds": net.now_ns / 1e9,
            "traffic": traffic,
            "tables": tables,
            "drops": drops,
            "explain": [_cloud.explain_result(e, a) for e, a in zip(self.scenario.cloud.explain, self.answers)],
        }
        if self.cloud is not None:
            results["vpcs"] = {
                vpc.name: {
                    "route_tables": _tables.route_tables_records(vpc),
                    "security_groups": _tables.security_groups_records(vpc),
                    "network_acls": _tables.network_acls_records(vpc),
                }
                for vpc in self.cloud.vpcs
            }
        return results

    def _traffic_result(self, item: TrafficSpec, app: Any, destination: Optional[str]) -> Dict[str, Any]:
        outcome = app.outcome
        result: Dict[str, Any] = {
            "index": item.index,
            "id": item.id,
            "kind": item.kind,
            "from": item.node,
            "to": destination,
        }
        errors: List[Dict[str, Any]] = []
        hops: Optional[List[Dict[str, Any]]] = None
        if item.kind == "listen" and item.params["protocol"] == "tcp":
            result["protocol"] = "tcp"
            result["port"] = item.params["port"]
            result["connections"] = app.accepted
            sent, received, rtts = app.replied, app.bytes_received, []
        elif item.kind == "listen":
            result["port"] = item.params["port"]
            sent, received, rtts = app.replied, app.received, []
        elif item.kind == "ping":
            sent, received, rtts = app.sent, app.received, list(app.rtt_ms)
            errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
        elif item.kind == "udp" and item.params.get("flows"):
            result["port"] = item.params["port"]
            result["flows"] = app.flows
            sent, received, rtts = app.sent, app.answered, []
            errors = []
            if app.errors:
                errors.append({"from": None, "type": None, "code": None, "text": f"{app.errors} ICMP errors"})
        elif item.kind == "udp":
            result["port"] = item.params["port"]
            result["from_port"] = app.source_port
            sent, received, rtts = app.sent, len(app.replies), list(app.rtt_ms)
            errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
        elif item.kind == "tcp":
            result["port"] = item.params["port"]
            result["from_port"] = app.source_port
            result["state"] = app.state
            result["error"] = app.error
            result["segments_sent"] = app.segments_sent
            result["segments_received"] = app.segments_received
            result["retransmissions"] = app.retransmissions
            result["reply"] = app.reply.decode("utf-8", "replace")
            sent, received = app.bytes_sent, app.bytes_received
            rtts = [app.connect_time_ms] if app.connect_time_ms is not None else []
            errors = [_error(e.source, e.type, e.code, e.text) for e in app.errors]
            if app.error == "connection_refused" and not errors:
                errors.append({"from": destination, "type": None, "code": None, "text": "connection refused (RST)"})
            elif app.error == "connection_reset" and not errors:
                errors.append({"from": destination, "type": None, "code": None, "text": "connection reset (RST)"})
            elif app.send_failure is not None:
                errors.append({"from": None, "type": None, "code": None, "text": f"send failed: {app.send_failure}"})
        else:  # traceroute
            hops = []
            sent = received = 0
            rtts = []
            for hop in app.hops:
                for number, probe in enumerate(hop.probes, start=1):
                    sent += 1
                    source = None if probe.source is None else str(probe.source)
                    hops.append({"ttl": hop.ttl, "probe": number, "from": source, "rtt_ms": probe.rtt_ms})
                    if not probe.answered:
                        continue
                    received += 1
                    if source == destination and probe.type == 3:
                        rtts.append(probe.rtt_ms)  # the destination's own answer
                    if probe.type == 3 and not (source == destination and probe.code == 3):
                        errors.append(_error(probe.source, probe.type, probe.code, probe.text))
        if outcome == "unreachable" and not errors:
            # The node could not send at all (no route from it): no ICMP error exists to report.
            errors.append({"from": None, "type": None, "code": None, "text": _send_failure_text(app)})
        result.update({"outcome": outcome, "sent": sent, "received": received, "rtt_ms": rtts, "errors": errors})
        if hops is not None:
            result["hops"] = hops
            result["reached"] = app.reached
        result["expect"] = item.expect
        result["expect_met"] = None if item.expect is None else outcome == item.expect
        return result

    def _names(self) -> Tuple[Callable[[int], Optional[str]], Callable[[int], Optional[str]]]:
        """Node and interface names by trace id, looked up once each."""
        log = self.network.trace
        nodes: Dict[int, Optional[str]] = {_NO_ID: None}
        ifaces: Dict[int, Optional[str]] = {_NO_ID: None}

        def node(node_id: int) -> Optional[str]:
            if node_id not in nodes:
                nodes[node_id] = log.node_name(node_id)
            return nodes[node_id]

        def iface(iface_id: int) -> Optional[str]:
            if iface_id not in ifaces:
                ifaces[iface_id] = log.interface_name(iface_id)
            return ifaces[iface_id]

        return node, iface

    def _record(self, event: Any, node: Callable[[int], Optional[str]], iface: Callable[[int], Optional[str]]) -> Dict[str, Any]:
        reason = event.reason
        return {
            "at_ns": event.at_ns,
            "kind": event.kind,
            "node": node(event.node_id),
            "interface": iface(event.interface_id),
            "packet_id": event.packet_id or None,
            "reason": None if reason == "none" else reason,
            "detail": event.detail or None,
        }

    def trace_records(self) -> Iterator[Dict[str, Any]]:
        """One dict per trace event, as written to trace.jsonl."""
        node, iface = self._names()
        for event in self.network.trace.events:
            yield self._record(event, node, iface)

    def _drop_records(self) -> List[Dict[str, Any]]:
        node, iface = self._names()
        drops = []
        for event in self.network.trace.events:
            if event.kind == "dropped":
                record = self._record(event, node, iface)
                del record["kind"]
                drops.append(record)
        return drops

    def write(self, out: Union[str, "os.PathLike[str]"]) -> None:
        """Writes OUT/results.json and OUT/trace.jsonl (the pcaps were written during the run)."""
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / "results.json", "w", encoding="utf-8", newline="\n") as f:
            json.dump(self.results, f, indent=2, ensure_ascii=False)
            f.write("\n")
        # Written by the C++ trace layer: the same objects as trace_records(), millions per second.
        self.network.trace.write_jsonl(str(directory / "trace.jsonl"))

    def pcap_paths(self, out: Union[str, "os.PathLike[str]"]) -> List[Path]:
        return [Path(out) / _pcap_name(e) for e in self.captured]


def _error(source: Any, icmp_type: int, code: int, text: str) -> Dict[str, Any]:
    return {"from": str(source), "type": icmp_type, "code": code, "text": text}


def _send_failure_text(app: Any) -> str:
    """Why an application could not send: the socket error (e.g. network_unreachable)."""
    failures = app.send_failures if hasattr(app, "send_failures") else []
    if failures:
        first = failures[0]
        return f"send failed: {first[1] if isinstance(first, tuple) else first}"
    return "send failed: the packet could not leave the node (no route)"


# --- entry points -------------------------------------------------------------------------------


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: loading a large file creates hundreds of thousands of
    objects that all stay alive, and the collections they trigger would only walk them again and
    again (a third of the validation time at 20,000 hosts). Collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads(text: str, filename: str = "<string>") -> Scenario:
    """Validates a scenario given as YAML text (or as an already-parsed dict) and builds it once
    without running, so that every error is raised here."""
    with _gc_paused():
        data = text if isinstance(text, dict) else _parse_yaml(text, filename)
        scenario = _Validator(data, filename).validate()
        # The simulator's own checks, reported at their field; the network is kept for the first run.
        scenario._validated = scenario.build()
    return scenario


def load(path: Union[str, "os.PathLike[str]"]) -> Scenario:
    """Reads and validates a scenario file. Raises ScenarioError (file:line: field: message)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        raise ScenarioError(name, None, "", f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ScenarioError(name, 1, "", "not a text file (a scenario is YAML in UTF-8)") from None
    return loads(text, name)


def run(
    path: Union[str, "os.PathLike[str]"],
    out: Union[str, "os.PathLike[str]", None] = None,
    *,
    seed: Optional[int] = None,
    until: Union[str, int, None] = None,
    progress: Optional[ProgressFn] = None,
) -> Run:
    """load(path).run(...): the whole `vpcsim run` in one call."""
    return load(path).run(out, seed=seed, until=until, progress=progress)


# The cloud layer's sections (after everything above, which it uses).
from vpcsim import scenario_cloud as _cloud  # noqa: E402
