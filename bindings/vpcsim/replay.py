"""Replay: the tables of a :meth:`vpcsim.Network.replay` as pandas DataFrames, and the flow-by-flow
comparison of two runs (the what-if: which flows does a change break).

    >>> r = net.replay("home.pcap", at="nat.eth0", server_at="nat.eth1")
    >>> net.run()
    >>> r.flows()          # DataFrame, one row per flow (both directions joined)
    >>> r.flow_records()   # the same rows as dicts, as results.json holds them
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from vpcsim.tables import _frame

Record = Dict[str, Any]

FLOW_COLUMNS = (
    "protocol", "client", "client_port", "server", "server_port",
    "translated_client", "translated_client_port", "translated_server", "translated_server_port",
    "packets_to_server", "bytes_to_server", "packets_to_client", "bytes_to_client",
    "delivered_to_server", "delivered_to_client", "dropped", "answers", "resets", "icmp_errors", "icmp_error",
    "outcome", "code", "reason", "component", "rule",
    "first_sent_ns", "last_sent_ns",
)
PACKET_COLUMNS = (
    "index", "record", "side", "flow", "wire_len", "sent_ns", "arrived_ns", "outcome", "where", "arrived_as", "reason",
    "detail",
)
DIFF_COLUMNS = ("flow", "before", "after", "code_before", "code_after", "component_after", "rule_after")


def flows_frame(rows: List[Record]) -> Any:
    """Flow records as a DataFrame (the columns present even with no rows)."""
    return _frame("replay flows", rows, FLOW_COLUMNS)


def packets_frame(rows: List[Record]) -> Any:
    """Packet fates as a DataFrame."""
    return _frame("replay packets", rows, PACKET_COLUMNS)


def flow_name(row: Record) -> str:
    """``tcp 10.0.2.15:44188 -> 192.0.47.59:43``: the key two runs are compared by."""
    if row["protocol"] in ("tcp", "udp"):
        return f'{row["protocol"]} {row["client"]}:{row["client_port"]} -> {row["server"]}:{row["server_port"]}'
    return f'{row["protocol"]} {row["client"]} -> {row["server"]}'


def diff_records(before: Sequence[Record], after: Sequence[Record]) -> List[Record]:
    """Flows whose outcome or code differs between two runs of the same capture, in the order of the
    first run (flows only one run has come last). A flow present in one run only is compared with
    ``absent``."""
    old = {flow_name(r): r for r in before}
    new = {flow_name(r): r for r in after}
    names = [flow_name(r) for r in before] + [n for n in (flow_name(r) for r in after) if n not in old]
    rows: List[Record] = []
    for name in names:
        a, b = old.get(name), new.get(name)
        outcome_a = a["outcome"] if a else "absent"
        outcome_b = b["outcome"] if b else "absent"
        code_a = a["code"] if a else ""
        code_b = b["code"] if b else ""
        if (outcome_a, code_a) == (outcome_b, code_b):
            continue
        rows.append({
            "flow": name, "before": outcome_a, "after": outcome_b, "code_before": code_a, "code_after": code_b,
            "component_after": b["component"] if b else "", "rule_after": b["rule"] if b else "",
        })
    return rows


def diff(before: Sequence[Record], after: Sequence[Record]) -> Any:
    """:func:`diff_records` as a DataFrame."""
    return _frame("replay diff", diff_records(before, after), DIFF_COLUMNS)


__all__ = ["FLOW_COLUMNS", "PACKET_COLUMNS", "DIFF_COLUMNS", "flows_frame", "packets_frame", "flow_name",
           "diff_records", "diff"]
