"""What results.json and the CLI say about load balancers: each target's health and how many new
flows it got (the traffic split), the health changes over time, and the first flows' targets."""

from __future__ import annotations

from typing import IO, Any, Callable, Dict, List

# Flow choices kept in results.json per balancer; the per-target counts cover every flow.
MAX_FLOWS = 1000


def lb_result(lb: Any) -> Dict[str, Any]:
    targets = lb.target_health()
    total = sum(t.flows for t in targets)
    return {
        "listeners": [{"protocol": p, "port": port, "target_group": g} for p, port, g in lb.listeners],
        "targets": [
            {"group": t.group, "target": t.target, "health": t.health, "reason": t.reason, "flows": t.flows,
             "share": round(t.flows / total, 4) if total else 0.0, "checks_passed": t.checks_passed,
             "checks_failed": t.checks_failed}
            for t in targets
        ],
        "flows": total,
        "flows_without_target": lb.flows_without_target,
        "health_changes": [
            {"at_ns": c.at_ns, "group": c.group, "target": c.target, "from": c.previous, "to": c.health,
             "reason": c.reason}
            for c in lb.health_changes
        ],
        "flow_choices": [
            {"at_ns": c.at_ns, "client": f"{c.flow.src}:{c.flow.src_port}", "target": c.target,
             "source_translated": c.source_translated}
            for c in lb.flow_choices[:MAX_FLOWS]
        ],
    }


def print_load_balancers(balancers: Dict[str, Dict[str, Any]], out: IO[str],
                         table: Callable[[List[List[str]], IO[str]], None]) -> None:
    """The CLI's table: one row per target, with its share of the new flows."""
    if not balancers:
        return
    out.write("\nload balancers:\n")
    rows = [["balancer", "group", "target", "health", "flows", "share", "checks ok/failed"]]
    for name, lb in balancers.items():
        for t in lb["targets"]:
            rows.append([name, t["group"], t["target"], t["health"], str(t["flows"]), f"{100 * t['share']:.1f}%",
                         f"{t['checks_passed']}/{t['checks_failed']}"])
    table(rows, out)
