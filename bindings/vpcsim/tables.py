"""Tables of what a simulation holds and did: as pandas DataFrames, or as plain lists of dicts.

Each table comes twice. ``<name>_records(...)`` returns a list of dicts (one per row, the same keys
in the same order for every row) and needs nothing but vpcsim; ``<name>(...)`` builds a
``pandas.DataFrame`` from those records, with the columns present even when there are no rows.
pandas is optional (``pip install vpcsim[pandas]``) and imported only when a DataFrame is asked for::

    from vpcsim import tables
    tables.arp_table_records(h1)
    # [{'ip': '10.0.1.20', 'mac': '02:b8:8d:5d:97:f0', 'state': 'reachable', 'interface': 'eth0'}]
    tables.trace(net).query("kind == 'dropped'")[["time", "node", "reason", "detail"]]

Addresses are strings and times are numbers (``time`` in seconds, ``time_ns`` exact in
nanoseconds, ``rtt_ms`` in milliseconds), so the rows compare, sort, group and serialise as JSON
without vpcsim's own types.

| table | one row per | columns |
|---|---|---|
| ``arp_table(node)`` | neighbour entry | ip, mac, state, interface |
| ``routes(node)`` | route | destination, type, gateway, interface, origin, text |
| ``mac_table(switch)`` | learnt MAC | mac, port, age_ms |
| ``trace(net)`` | trace event | time, time_ns, kind, node, interface, packet, reason, detail |
| ``drops(net)`` | dropped packet | as trace |
| ``interfaces(net)`` | interface | node, kind, interface, name, mac, addresses, mtu, connected, rx_packets, rx_bytes, tx_packets, tx_bytes, tx_dropped |
| ``ping_results(ping)`` | echo request | seq, status, source, ttl, rtt_ms, error, icmp_type, icmp_code |
| ``traceroute_hops(tr)`` | probe | ttl, probe, port, answered, source, rtt_ms, icmp_type, icmp_code |
| ``nat_translations(nat)`` | conntrack entry | protocol, state, tcp_state, src, src_port, dst, dst_port, reply_src, reply_src_port, reply_dst, reply_dst_port, snat, dnat, expires_in_s, text |
| ``route_tables(vpc or table)`` | VPC route | vpc, table, main, destination, target, target_kind, state, subnets, text |
| ``security_groups(vpc or group)`` | security-group rule | vpc, group, direction, proto, ports, cidr, peer_group, description, text |
| ``network_acls(vpc or acl)`` | network ACL rule (with the final ``*``) | vpc, acl, direction, number, proto, ports, cidr, action, subnets, text |
| ``explain_hops(answer)`` | component the probe met | step, direction, kind, component, action, detail |

``explain_record(answer)`` is one explain answer as a dict (what results.json holds for it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple

from vpcsim._core import (
    ExplainAnswer,
    IpNode,
    NatRouter,
    Network,
    NetworkAcl,
    Ping,
    RouteTable,
    SecurityGroup,
    Switch,
    TraceEvent,
    Traceroute,
    Vpc,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]

__all__ = [
    "ARP_TABLE_COLUMNS",
    "DROPS_COLUMNS",
    "EXPLAIN_HOPS_COLUMNS",
    "INTERFACES_COLUMNS",
    "MAC_TABLE_COLUMNS",
    "NAT_TRANSLATIONS_COLUMNS",
    "NETWORK_ACLS_COLUMNS",
    "PING_RESULTS_COLUMNS",
    "ROUTES_COLUMNS",
    "ROUTE_TABLES_COLUMNS",
    "SECURITY_GROUPS_COLUMNS",
    "TRACEROUTE_HOPS_COLUMNS",
    "TRACE_COLUMNS",
    "Record",
    "arp_table",
    "arp_table_records",
    "drops",
    "drops_records",
    "explain_hops",
    "explain_hops_records",
    "explain_record",
    "interfaces",
    "interfaces_records",
    "mac_table",
    "mac_table_records",
    "nat_translations",
    "nat_translations_records",
    "network_acls",
    "network_acls_records",
    "ping_results",
    "ping_results_records",
    "route_tables",
    "route_tables_records",
    "routes",
    "routes_records",
    "security_groups",
    "security_groups_records",
    "trace",
    "trace_records",
    "traceroute_hops",
    "traceroute_hops_records",
]

Record = Dict[str, Any]

ARP_TABLE_COLUMNS = ("ip", "mac", "state", "interface")
ROUTES_COLUMNS = ("destination", "type", "gateway", "interface", "origin", "text")
MAC_TABLE_COLUMNS = ("mac", "port", "age_ms")
NAT_TRANSLATIONS_COLUMNS = (
    "protocol",
    "state",
    "tcp_state",
    "src",
    "src_port",
    "dst",
    "dst_port",
    "reply_src",
    "reply_src_port",
    "reply_dst",
    "reply_dst_port",
    "snat",
    "dnat",
    "expires_in_s",
    "text",
)
TRACE_COLUMNS = ("time", "time_ns", "kind", "node", "interface", "packet", "reason", "detail")
DROPS_COLUMNS = TRACE_COLUMNS
INTERFACES_COLUMNS = (
    "node",
    "kind",
    "interface",
    "name",
    "mac",
    "addresses",
    "mtu",
    "connected",
    "rx_packets",
    "rx_bytes",
    "tx_packets",
    "tx_bytes",
    "tx_dropped",
)
PING_RESULTS_COLUMNS = ("seq", "status", "source", "ttl", "rtt_ms", "error", "icmp_type", "icmp_code")
TRACEROUTE_HOPS_COLUMNS = ("ttl", "probe", "port", "answered", "source", "rtt_ms", "icmp_type", "icmp_code")
ROUTE_TABLES_COLUMNS = ("vpc", "table", "main", "destination", "target", "target_kind", "state", "subnets", "text")
SECURITY_GROUPS_COLUMNS = ("vpc", "group", "direction", "proto", "ports", "cidr", "peer_group", "description", "text")
NETWORK_ACLS_COLUMNS = ("vpc", "acl", "direction", "number", "proto", "ports", "cidr", "action", "subnets", "text")
EXPLAIN_HOPS_COLUMNS = ("step", "direction", "kind", "component", "action", "detail")

_NO_ID = 0xFFFFFFFF


def _pandas(table: str) -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError as error:
        raise ImportError(
            f"vpcsim.tables.{table}() builds a pandas DataFrame, and pandas is not installed: "
            f"pip install vpcsim[pandas] (or use tables.{table}_records(), which needs no pandas)"
        ) from error


def _frame(table: str, rows: List[Record], columns: Sequence[str]) -> "pandas.DataFrame":
    pd = _pandas(table)
    return pd.DataFrame.from_records(rows, columns=list(columns))


def _require(table: str, value: object, kind: "type | Tuple[type, ...]", what: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"tables.{table}() takes {what}, got {type(value).__name__}")


# --- records: plain Python, no pandas -------------------------------------------------------------


def arp_table_records(node: IpNode) -> List[Record]:
    """The neighbour (ARP) cache of a host or router, as ``ip neigh`` shows it."""
    _require("arp_table", node, IpNode, "a host or router")
    return [
        {"ip": str(e.ip), "mac": str(e.mac), "state": e.state, "interface": e.interface} for e in node.arp_table()
    ]


def routes_records(node: IpNode) -> List[Record]:
    """The routing table of a host or router; ``text`` is the ``ip route`` line."""
    _require("routes", node, IpNode, "a host or router")
    return [
        {
            "destination": str(r.destination),
            "type": r.type,
            "gateway": None if r.gateway is None else str(r.gateway),
            "interface": r.interface or None,
            "origin": r.origin,
            "text": str(r),
        }
        for r in node.routes()
    ]


def mac_table_records(switch: Switch) -> List[Record]:
    """The MAC table a switch has learnt: which port each source MAC was last seen on."""
    _require("mac_table", switch, Switch, "a switch")
    return [{"mac": str(e.mac), "port": e.port, "age_ms": e.age_ms} for e in switch.mac_table()]


def nat_translations_records(nat: NatRouter) -> List[Record]:
    """The NAT box's conntrack entries, oldest first: ``src``..``dst_port`` as the flow's first packet
    arrived, ``reply_*`` as its answers arrive (so ``reply_dst``:``reply_dst_port`` is the outside
    address a masqueraded flow got), ``snat``/``dnat`` whether source/destination were rewritten."""
    _require("nat_translations", nat, NatRouter, "a NatRouter (net.add_nat)")
    rows = []
    for t in nat.translations():
        o, r = t.original, t.reply
        rows.append(
            {
                "protocol": t.protocol,
                "state": t.state,
                "tcp_state": t.tcp_state if t.protocol == "tcp" else None,
                "src": str(o.src),
                "src_port": o.src_port,
                "dst": str(o.dst),
                "dst_port": o.dst_port,
                "reply_src": str(r.src),
                "reply_src_port": r.src_port,
                "reply_dst": str(r.dst),
                "reply_dst_port": r.dst_port,
                "snat": t.source_translated,
                "dnat": t.destination_translated,
                "expires_in_s": t.expires_in_ns / 1e9,
                "text": f"{o} | reply {r}",
            }
        )
    return rows


def _event_record(net: Network, event: TraceEvent) -> Record:
    log = net.trace
    return {
        "time": event.at_ns / 1e9,
        "time_ns": event.at_ns,
        "kind": event.kind,
        "node": None if event.node_id == _NO_ID else log.node_name(event.node_id),
        "interface": None if event.interface_id == _NO_ID else log.interface_name(event.interface_id),
        "packet": event.packet_id or None,
        "reason": None if event.reason == "none" else event.reason,
        "detail": event.detail,
    }


def _events(net: Network, events: Iterable[TraceEvent]) -> List[Record]:
    return [_event_record(net, e) for e in events]


def trace_records(net: Network) -> List[Record]:
    """Every trace event, in order. ``interface`` is ``node.iface``; ``packet`` the packet id (None
    when the event is not about one packet); ``reason`` the drop reason (None unless dropped)."""
    _require("trace", net, Network, "a Network")
    return _events(net, net.trace.events)


def drops_records(net: Network) -> List[Record]:
    """The trace events of kind ``dropped``: where, when and why a packet was dropped."""
    _require("drops", net, Network, "a Network")
    return _events(net, (e for e in net.trace.events if e.kind == "dropped"))


def interfaces_records(net: Network) -> List[Record]:
    """Every interface of every node with its addresses and counters, in creation order.
    ``interface`` is ``node.iface``; ``addresses`` is space-separated, as ``ip -br addr`` shows."""
    _require("interfaces", net, Network, "a Network")
    rows = []
    for node in net.nodes:
        for iface in node.interfaces:
            c = iface.counters
            rows.append(
                {
                    "node": node.name,
                    "kind": node.kind,
                    "interface": iface.full_name,
                    "name": iface.name,
                    "mac": str(iface.mac),
                    "addresses": " ".join(str(a) for a in iface.addresses),
                    "mtu": iface.mtu,
                    "connected": iface.is_connected,
                    "rx_packets": c.rx_packets,
                    "rx_bytes": c.rx_bytes,
                    "tx_packets": c.tx_packets,
                    "tx_bytes": c.tx_bytes,
                    "tx_dropped": c.tx_dropped,
                }
            )
    return rows


def ping_results_records(ping: Ping) -> List[Record]:
    """One row per echo request sent, by sequence number: ``status`` is ``reply``, ``error`` (an
    ICMP error came back; ``error`` says which) or ``lost``. A duplicate answer adds a row."""
    _require("ping_results", ping, Ping, "a Ping (from node.ping())")
    rows: List[Record] = []
    answered = set()
    for r in ping.replies:
        answered.add(r.seq)
        rows.append(_ping_row(r.seq, "reply", source=str(r.source), ttl=r.ttl, rtt_ms=r.rtt_ms))
    for e in ping.errors:
        answered.add(e.seq)
        rows.append(_ping_row(e.seq, "error", source=str(e.source), error=e.text, icmp_type=e.type, icmp_code=e.code))
    for seq in range(1, ping.sent + 1):
        if seq not in answered:
            rows.append(_ping_row(seq, "lost"))
    rows.sort(key=lambda row: row["seq"])  # stable: a reply stays before a later duplicate
    return rows


def _ping_row(
    seq: int,
    status: str,
    source: Optional[str] = None,
    ttl: Optional[int] = None,
    rtt_ms: Optional[float] = None,
    error: Optional[str] = None,
    icmp_type: Optional[int] = None,
    icmp_code: Optional[int] = None,
) -> Record:
    return {
        "seq": seq,
        "status": status,
        "source": source,
        "ttl": ttl,
        "rtt_ms": rtt_ms,
        "error": error,
        "icmp_type": icmp_type,
        "icmp_code": icmp_code,
    }


def traceroute_hops_records(tr: Traceroute) -> List[Record]:
    """One row per probe, hop by hop (``probe`` counts from 1 within a hop); an unanswered probe
    (traceroute's ``*``) has ``answered`` False and no source or time."""
    _require("traceroute_hops", tr, Traceroute, "a Traceroute (from node.traceroute())")
    rows = []
    for hop in tr.hops:
        for index, p in enumerate(hop.probes, start=1):
            rows.append(
                {
                    "ttl": hop.ttl,
                    "probe": index,
                    "port": p.port,
                    "answered": p.answered,
                    "source": None if p.source is None else str(p.source),
                    "rtt_ms": p.rtt_ms,
                    "icmp_type": p.type if p.answered else None,
                    "icmp_code": p.code if p.answered else None,
                }
            )
    return rows


# --- the cloud: VPC route tables, security groups, network ACLs, explain -------------------------------


def _each(table: str, value: object, kind: type, plural: str, what: str) -> List[Any]:
    """The objects a cloud table is about: one of `kind`, or all of them in a Vpc (its `plural`)."""
    if isinstance(value, Vpc):
        return list(getattr(value, plural))
    _require(table, value, (kind, Vpc), what)
    return [value]


def _subnets_using(vpc: Vpc, attribute: str, name: str) -> str:
    return " ".join(s.name for s in vpc.subnets if getattr(s, attribute).name == name)


def route_tables_records(value: "Vpc | RouteTable") -> List[Record]:
    """Every route of a route table (or of each table of a VPC), ``local`` first, with its state
    (``active``, or ``blackhole`` when its target is gone) and the subnets that use the table
    (space-separated; the main table counts the subnets without a table of their own)."""
    rows = []
    for table in _each("route_tables", value, RouteTable, "route_tables", "a Vpc or a RouteTable"):
        vpc = table.vpc
        subnets = _subnets_using(vpc, "route_table", table.name)
        for route in table.routes():
            rows.append(
                {
                    "vpc": vpc.name,
                    "table": table.name,
                    "main": table.is_main,
                    "destination": str(route.destination),
                    "target": route.target,
                    "target_kind": route.target_kind,
                    "state": route.state,
                    "subnets": subnets,
                    "text": str(route),
                }
            )
    return rows


def security_groups_records(value: "Vpc | SecurityGroup") -> List[Record]:
    """Every rule of a security group (or of each group of a VPC): ingress rules, then egress.
    The peer is ``cidr`` or ``peer_group`` (the other is None)."""
    rows = []
    for group in _each("security_groups", value, SecurityGroup, "security_groups", "a Vpc or a SecurityGroup"):
        for rule in list(group.ingress) + list(group.egress):
            rows.append(
                {
                    "vpc": group.vpc,
                    "group": group.name,
                    "direction": rule.direction,
                    "proto": rule.proto,
                    "ports": rule.ports,
                    "cidr": None if rule.cidr is None else str(rule.cidr),
                    "peer_group": rule.group,
                    "description": rule.description,
                    "text": str(rule),
                }
            )
    return rows


def network_acls_records(value: "Vpc | NetworkAcl") -> List[Record]:
    """Every rule of a network ACL (or of each ACL of a VPC), inbound then outbound, lowest number
    first, each direction closed by the fixed ``*`` rule (``number`` None) that denies the rest.
    ``subnets`` lists the subnets the ACL is applied to (from a Vpc only: an ACL alone does not know)."""
    rows = []
    vpc = value if isinstance(value, Vpc) else None
    for acl in _each("network_acls", value, NetworkAcl, "network_acls", "a Vpc or a NetworkAcl"):
        subnets = _subnets_using(vpc, "network_acl", acl.name) if vpc is not None else None
        for direction in ("inbound", "outbound"):
            for rule in acl.rules(direction):
                rows.append(
                    {
                        "vpc": acl.vpc,
                        "acl": acl.name,
                        "direction": direction,
                        "number": rule.number,
                        "proto": rule.proto,
                        "ports": rule.ports,
                        "cidr": str(rule.cidr),
                        "action": rule.action,
                        "subnets": subnets,
                        "text": str(rule),
                    }
                )
            rows.append(
                {
                    "vpc": acl.vpc,
                    "acl": acl.name,
                    "direction": direction,
                    "number": None,
                    "proto": "all",
                    "ports": "all",
                    "cidr": "0.0.0.0/0",
                    "action": "deny",
                    "subnets": subnets,
                    "text": "rule * (deny all traffic)",
                }
            )
    return rows


def explain_hops_records(answer: ExplainAnswer) -> List[Record]:
    """What each component decided about explain's probe (``request``) and its ``reply``, in order."""
    _require("explain_hops", answer, ExplainAnswer, "an ExplainAnswer (from cloud.explain())")
    return [
        {
            "step": step,
            "direction": hop.direction,
            "kind": hop.kind,
            "component": hop.component,
            "action": hop.action,
            "detail": hop.detail,
        }
        for step, hop in enumerate(answer.hops, start=1)
    ]


def explain_record(answer: ExplainAnswer) -> Record:
    """One explain answer as plain data: the question, the verdict (``code`` is REACHABLE or why
    not), where it was blocked (``direction`` request or reply, ``blocked_kind``, ``blocked_by``;
    None when reachable), ``reason``, ``suggestion`` and the ``hops``, without the step numbers."""
    _require("explain_record", answer, ExplainAnswer, "an ExplainAnswer (from cloud.explain())")
    q = answer.query
    return {
        "from": q.from_,
        "to": q.to,
        "proto": q.protocol,
        "port": None if q.protocol == "icmp" else q.port,
        "destination": answer.destination,
        "reachable": answer.reachable,
        "code": answer.code,
        "blocked_by": answer.blocked_by,
        "blocked_kind": answer.blocked_kind,
        "direction": answer.blocked_direction,
        "reason": answer.reason or None,
        "suggestion": answer.suggestion or None,
        "hops": [{k: v for k, v in hop.items() if k != "step"} for hop in explain_hops_records(answer)],
    }


# --- DataFrames -------------------------------------------------------------------------------------


def arp_table(node: IpNode) -> "pandas.DataFrame":
    """:func:`arp_table_records` as a DataFrame."""
    return _frame("arp_table", arp_table_records(node), ARP_TABLE_COLUMNS)


def routes(node: IpNode) -> "pandas.DataFrame":
    """:func:`routes_records` as a DataFrame."""
    return _frame("routes", routes_records(node), ROUTES_COLUMNS)


def mac_table(switch: Switch) -> "pandas.DataFrame":
    """:func:`mac_table_records` as a DataFrame."""
    return _frame("mac_table", mac_table_records(switch), MAC_TABLE_COLUMNS)


def nat_translations(nat: NatRouter) -> "pandas.DataFrame":
    return _frame("nat_translations", nat_translations_records(nat), NAT_TRANSLATIONS_COLUMNS)


def route_tables(value: "Vpc | RouteTable") -> "pandas.DataFrame":
    """:func:`route_tables_records` as a DataFrame."""
    return _frame("route_tables", route_tables_records(value), ROUTE_TABLES_COLUMNS)


def security_groups(value: "Vpc | SecurityGroup") -> "pandas.DataFrame":
    """:func:`security_groups_records` as a DataFrame."""
    return _frame("security_groups", security_groups_records(value), SECURITY_GROUPS_COLUMNS)


def network_acls(value: "Vpc | NetworkAcl") -> "pandas.DataFrame":
    """:func:`network_acls_records` as a DataFrame."""
    return _frame("network_acls", network_acls_records(value), NETWORK_ACLS_COLUMNS)


def explain_hops(answer: ExplainAnswer) -> "pandas.DataFrame":
    """:func:`explain_hops_records` as a DataFrame."""
    return _frame("explain_hops", explain_hops_records(answer), EXPLAIN_HOPS_COLUMNS)


def trace(net: Network) -> "pandas.DataFrame":
    """:func:`trace_records` as a DataFrame."""
    return _frame("trace", trace_records(net), TRACE_COLUMNS)


def drops(net: Network) -> "pandas.DataFrame":
    """:func:`drops_records` as a DataFrame."""
    return _frame("drops", drops_records(net), DROPS_COLUMNS)


def interfaces(net: Network) -> "pandas.DataFrame":
    """:func:`interfaces_records` as a DataFrame."""
    return _frame("interfaces", interfaces_records(net), INTERFACES_COLUMNS)


def ping_results(ping: Ping) -> "pandas.DataFrame":
    """:func:`ping_results_records` as a DataFrame."""
    return _frame("ping_results", ping_results_records(ping), PING_RESULTS_COLUMNS)


def traceroute_hops(tr: Traceroute) -> "pandas.DataFrame":
    """:func:`traceroute_hops_records` as a DataFrame."""
    return _frame("traceroute_hops", traceroute_hops_records(tr), TRACEROUTE_HOPS_COLUMNS)
