"""What results.json says about HTTP items: a client's responses (status, connection, time) and a
server's counts (connections, requests, responses by status, hits per route)."""

from __future__ import annotations

from typing import Any, Dict, List

# A client's per-request rows kept in results.json; the counts cover every request.
MAX_EXCHANGES = 1000


def _status_counts(statuses: List[int]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for status in statuses:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return dict(sorted(counts.items()))


def http_client_result(item: Any, app: Any) -> Dict[str, Any]:
    p = item.params
    return {
        "port": p["port"],
        "path": p["path"],
        "host": app.host,
        "method": p["method"],
        "connections": app.connections,
        "statuses": _status_counts(app.statuses),
        "exchanges": [
            {
                "request": e.request,
                "connection": e.connection,
                "source_port": e.source_port,
                "status": e.status,
                "response_time_ms": e.response_time_ms,
            }
            for e in app.exchanges[:MAX_EXCHANGES]
        ],
    }


def http_server_result(app: Any) -> Dict[str, Any]:
    return {
        "protocol": "http",
        "port": app.port,
        "connections": app.connections,
        "requests": app.requests,
        "bad_requests": app.bad_requests,
        "statuses": {str(k): v for k, v in sorted(app.responses.items())},
        "routes": [
            {"path": r.path, "method": r.method or None, "status": r.status, "hits": hits}
            for r, hits in zip(app.routes, app.route_hits)
        ],
        "unrouted": app.unrouted,
    }


def http_detail(item: Dict[str, Any]) -> str:
    """The CLI's detail cell for an HTTP client or server: statuses and connections."""
    statuses = ", ".join(f"{count}x {status}" for status, count in item.get("statuses", {}).items()) or "no response"
    connections = item.get("connections", 0)
    where = f" over {connections} connection{'s' if connections != 1 else ''}"
    return statuses + where
