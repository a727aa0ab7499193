"""Reachability matrices: every (source, destination, port) of a scenario's cloud answered by explain.

For example::

    import vpcsim
    table = vpcsim.reachability("scenarios/public_private_vpc.yaml", "all", "all", "22,80,443/tcp",
                                workers=2)      # a local Dask cluster; workers=0: this process
    table.pivot_table(index="source", columns=["destination", "port"], values="code", aggfunc="first")

Each pair is one probe of ``Cloud.explain`` (a real TCP SYN, UDP datagram or ICMP echo through the
route tables, network ACLs, security groups and gateways), on the scenario's network after its own
traffic has run, as ``vpcsim explain`` does. The pairs are cut into blocks of sources (every
destination and port of a source in one block); a block is one Dask task, which builds the network
once, answers its pairs one after another and returns only their answers, so a worker holds one
network at a time. The table is sorted as the pairs were asked, whichever worker answered them.

An answer is explain's verdict: ``code`` (REACHABLE, ENI_SG_RULES_MISMATCH, ...), the component that
stopped the probe (``blocked_by``, ``blocked_kind``) and whether it stopped the ``request`` or the
``reply``. explain's hop list and reason text are left out: the reason names the probe's random
source port, which depends on the probes before it; ``vpcsim explain`` gives both for one pair.
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple, Union

from vpcsim.errors import ConfigError, Error
from vpcsim.scenario.record import record

__all__ = ["ANSWER_COLUMNS", "COLUMNS", "Block", "Endpoint", "answer_block", "answer_pairs", "diff", "endpoints",
           "parse_ports", "reachability", "select"]

Port = Tuple[str, int]  # ("tcp", 22); ("icmp", 0)
Answer = Tuple[str, Optional[str], Optional[str], Optional[str]]  # code, blocked_by, blocked_kind, direction
ANSWER_COLUMNS = ["code", "blocked_by", "blocked_kind", "direction"]
COLUMNS = ["source", "source_group", "destination", "destination_group", "protocol", "port", "reachable"] + ANSWER_COLUMNS
DEFAULT_PORTS = "22,80,443/tcp"
MIN_BLOCK = 2000  # pairs: a block's network build is amortised over at least this many probes

Paths = Union[str, "os.PathLike[str]"]


@record
class Endpoint:
    """An instance or internet host; `group` is its VPC/subnet ('main/public-a') or 'internet'."""

    name: str
    vpc: Optional[str]
    group: str


def endpoints(scenario: Any) -> List[Endpoint]:
    """The cloud's instances (VPC by VPC, in file order), then its internet hosts."""
    found = []
    for vpc in scenario.cloud.vpcs.values():
        for instance in vpc.instances.values():
            found.append(Endpoint(instance.name, vpc.name, f"{vpc.name}/{instance.subnet}"))
    found += [Endpoint(name, None, "internet") for name in scenario.cloud.hosts]
    return found


def select(everything: Sequence[Endpoint], text: str, what: str = "--from") -> List[Endpoint]:
    """The endpoints a group names: a comma-separated list of `all`, `internet`, a VPC, a subnet
    (`public-a` or `main/public-a`), an instance or host, or a glob over names (`web*`)."""
    chosen: List[Endpoint] = []
    for word in (w.strip() for w in str(text).split(",")):
        if not word:
            raise ConfigError(f"{what}: an empty name in '{text}'")
        if word == "all":
            hits = list(everything)
        elif word == "internet":
            hits = [e for e in everything if e.vpc is None]
        else:
            hits = [e for e in everything if word in (e.name, e.vpc, e.group, e.group.split("/")[-1])]
            if not hits and any(c in word for c in "*?["):
                hits = [e for e in everything if fnmatch.fnmatchcase(e.name, word)]
        if not hits:
            import difflib

            names = sorted({e.name for e in everything} | {e.group for e in everything} |
                           {e.vpc for e in everything if e.vpc} | {"all", "internet"})
            close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{what}: '{word}' names no instance, internet host, subnet or VPC{hint}")
        chosen += [e for e in hits if e not in chosen]
    return chosen


_PORT_ITEM = re.compile(r"(\d+)(?:-(\d+))?(?:/(tcp|udp))?|icmp")


def parse_ports(text: str) -> List[Port]:
    """``22,80,443/tcp`` -> tcp 22, 80, 443. A protocol written after a port applies to it and the
    ports before it that have none (``53/udp,22,80/tcp``); none at all: tcp. ``icmp`` is an echo
    request; ``8000-8002`` a range."""
    items: List[Tuple[int, int, Optional[str]]] = []
    pending: List[int] = []
    for word in (w.strip() for w in str(text).split(",")):
        match = _PORT_ITEM.fullmatch(word)
        if match is None:
            raise ConfigError(f"--ports: '{word}' is not a port, a range (8000-8002), PORT/tcp, PORT/udp or icmp")
        if word == "icmp":
            items.append((0, 0, "icmp"))
            continue
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 1 <= low <= high <= 65535:
            raise ConfigError(f"--ports: '{word}' is outside 1-65535")
        items.append((low, high, match.group(3)))
        pending.append(len(items) - 1)
        if match.group(3):
            for i in pending:
                items[i] = (items[i][0], items[i][1], match.group(3))
            pending = []
    if not items:
        raise ConfigError("--ports: no port given")
    ports: List[Port] = []
    for low, high, proto in items:
        for port in range(low, high + 1):
            if (proto or "tcp", port) not in ports:
                ports.append((proto or "tcp", port))
    return ports


def answer_pairs(cloud: Any, sources: Sequence[str], destinations: Sequence[str], ports: Sequence[Port]) -> List[Answer]:
    """explain's answer for each source x destination x port (a source is not asked about itself),
    in that order, on this live cloud. The trace's events are let go after each source's probes,
    so memory does not grow with the number of pairs."""
    trace = cloud.network.trace
    answers: List[Answer] = []
    append = answers.append
    explain = cloud.explain
    for source in sources:
        for destination in destinations:
            if destination == source:
                continue
            for protocol, port in ports:
                try:
                    a = explain(source, destination, protocol, port)
                except Error as error:  # an endpoint explain cannot start from: the cell says why
                    append(("ERROR: " + str(error), None, None, None))
                    continue
                append((a.code, a.blocked_by, a.blocked_kind, a.blocked_direction))
        trace.clear_events()
    return answers


@record
class Block:
    """One task: the pairs of `sources` with every destination and port, on the scenario's network."""

    text: str
    file: str
    seed: Optional[int]
    until: Optional[int]
    sources: List[str]
    destinations: List[str]
    ports: List[Port]


def answer_block(block: Block) -> List[Answer]:
    """Builds the scenario (its text, so a remote worker needs no shared disk), runs its traffic as
    `vpcsim explain` does, answers the block's pairs and lets the network go."""
    from vpcsim.scenario.entry import loads

    run = loads(block.text, block.file).run(seed=block.seed, until=block.until)
    return answer_pairs(run.cloud, block.sources, block.destinations, block.ports)


def _blocks(text: str, file: str, seed: Optional[int], until: Optional[int], sources: List[Endpoint],
            destinations: List[Endpoint], ports: List[Port], size: int) -> List[Block]:
    per_source = max(1, len(destinations) * len(ports))
    step = max(1, size // per_source)
    names = [d.name for d in destinations]
    return [Block(text, file, seed, until, [s.name for s in sources[i:i + step]], names, list(ports))
            for i in range(0, len(sources), step)]


def reachability(
    scenario: Paths,
    sources: str = "all",
    destinations: str = "all",
    ports: Union[str, Sequence[Port]] = DEFAULT_PORTS,
    *,
    client: Any = None,
    workers: Optional[int] = None,
    block_size: Optional[int] = None,
    seed: Optional[int] = None,
    until: Optional[int] = None,
    progress: Optional[IO[str]] = None,
) -> Any:
    """The reachability matrix of a scenario file as a pandas DataFrame, a row per pair (COLUMNS).

    `sources`/`destinations` are groups (see select); `ports` as parse_ports reads them. `client`,
    `workers`: where it runs (vpcsim.distribute). `block_size`: pairs per task (default: the pairs
    cut into four blocks per worker, at least MIN_BLOCK each)."""
    import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]

    from vpcsim.distribute import runner
    from vpcsim.scenario.entry import loads

    file = os.fspath(scenario)
    try:
        with open(file, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        raise ConfigError(f"{file}: cannot read: {error.strerror or error}") from None
    sc = loads(text, file)
    if sc.cloud.empty:
        raise ConfigError(f"{file}: has no vpcs or internet hosts: reachability is a question about the cloud")
    everything = endpoints(sc)
    froms = select(everything, sources, "--from")
    tos = select(everything, destinations, "--to")
    port_list = parse_ports(ports) if isinstance(ports, str) else list(ports)
    pairs = len(froms) * len(tos) * len(port_list)
    with runner(client, workers) as run:
        size = block_size or max(MIN_BLOCK, -(-pairs // (4 * run.workers)))
        blocks = _blocks(text, file, seed, until, froms, tos, port_list, size)
        answers = run.map(answer_block, blocks, progress=progress, label="blocks")
    groups = {e.name: e.group for e in everything}
    rows: List[Tuple[Any, ...]] = []
    for block, got in zip(blocks, answers):
        it = iter(got)
        for s in block.sources:
            for d in block.destinations:
                if d == s:
                    continue
                for protocol, port in block.ports:
                    code, by, kind, direction = next(it)
                    rows.append((s, groups[s], d, groups[d], protocol, port, code == "REACHABLE", code, by, kind,
                                 direction))
    return pd.DataFrame(rows, columns=COLUMNS)


def diff(before: Any, after: Any) -> Any:
    """The pairs whose answer differs between two matrices (a pair in only one has code None on
    the other side): source, destination, protocol, port, code_before, code_after and both
    blocked_by."""
    import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]

    keys = ["source", "destination", "protocol", "port"]
    merged = pd.merge(before[keys + ["code", "blocked_by"]], after[keys + ["code", "blocked_by"]], on=keys,
                      how="outer", suffixes=("_before", "_after"), sort=False)
    changed = merged[(merged["code_before"] != merged["code_after"]) |
                     (merged["blocked_by_before"].fillna("") != merged["blocked_by_after"].fillna(""))]
    changed = changed.astype(object).where(changed.notna(), None)
    return changed.reset_index(drop=True)


def summary(table: Any) -> Dict[str, int]:
    """How many pairs got each code, most common first."""
    counts = table["code"].value_counts()
    return {str(k): int(v) for k, v in counts.items()}
