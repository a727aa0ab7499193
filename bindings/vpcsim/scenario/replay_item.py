"""The `replay` traffic item: a capture replayed into the scenario's network (docs/replay.md).

    traffic:
      - id: whois
        replay: captures/tcpdump-whois.pcap   # relative to the scenario file
        attach: home-lan            # the client side: NODE.IFACE, a switch or a router
        server_attach: internet     # the server side (optional)
        at: 0s                      # when its first packet goes, as every traffic item
        expect: delivered           # every flow delivered (or: dropped, blocked)

`at` keeps its meaning in every traffic item (the start time), so where the sides go in is `attach`
and `server_attach` (the command line's --at and --server-at)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

from vpcsim.scenario.fields import _address, _boolean, _check_keys, _duration, _integer, _mapping, _sequence, _text, _unknown
from vpcsim.scenario.location import _At
from vpcsim.scenario.specs import TrafficSpec
from vpcsim.scenario.yaml_lines import _Map

REPLAY_EXPECT_VALUES = ("delivered", "dropped", "blocked")
REPLAY_KEYS = (
    "id", "at", "replay", "attach", "server_attach", "gateway", "server_gateway", "split", "cidrs", "macs",
    "speed", "pps", "mbps", "topspeed", "loop", "limit", "map", "portmap", "endpoints", "ttl", "ttl_sub", "mtu",
    "fix_checksums", "verbatim", "expect",
)
_SPLITS = ("none", "auto", "cidr", "mac")


def _number(at: _At, value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise at.error(f"expected {what} (a positive number), got {value!r}")
    return float(value)


def _texts(at: _At, value: Any, what: str) -> List[str]:
    seq = _sequence(at, value, f"a list of {what}")
    return [_text(at.item(seq, i), v) for i, v in enumerate(seq)]


def validate_replay(at: _At, index: int, item_id: Optional[str], data: _Map, file: str) -> TrafficSpec:
    """The replay item `data` (its keys already checked against REPLAY_KEYS) as a TrafficSpec; its
    attachments are checked when the network is built (their errors carry this item's line)."""
    for required, meaning in (("attach", "where the client side goes in: NODE.IFACE, a switch or a router"),):
        if required not in data:
            raise at.error(f"missing '{required}' ({meaning})")
    capture_at = at.key(data, "replay")
    capture = Path(_text(capture_at, data["replay"]))
    if not capture.is_absolute():
        capture = Path(file).resolve().parent / capture
    if not capture.exists():
        raise capture_at.error(f"no capture at {capture}")
    p: Dict[str, Any] = {"capture": str(capture), "at": _text(at.key(data, "attach"), data["attach"])}
    if data.get("server_attach") is not None:
        p["server_at"] = _text(at.key(data, "server_attach"), data["server_attach"])
    for key in ("gateway", "server_gateway"):
        if data.get(key) is not None:
            p[key] = _address(at.key(data, key), data[key])
    if data.get("split") is not None:
        split_at = at.key(data, "split")
        split = _text(split_at, data["split"])
        if split not in _SPLITS:
            raise split_at.error(_unknown("split", split, _SPLITS))
        p["split"] = split
    if data.get("cidrs") is not None:
        p["client_cidrs"] = _texts(at.key(data, "cidrs"), data["cidrs"], "client CIDRs")
    if data.get("macs") is not None:
        p["client_macs"] = _texts(at.key(data, "macs"), data["macs"], "client MACs")
    timings = [k for k in ("speed", "pps", "mbps", "topspeed") if data.get(k) not in (None, False)]
    if len(timings) > 1:
        raise at.key_itself(data, timings[1]).error(f"give one of speed, pps, mbps, topspeed, not both {timings[0]} and {timings[1]}")
    for key, what in (("speed", "a speed multiplier"), ("pps", "packets per second"), ("mbps", "megabits per second")):
        if data.get(key) is not None:
            p[key] = _number(at.key(data, key), data[key], what)
    if data.get("topspeed") is not None:
        p["topspeed"] = _boolean(at.key(data, "topspeed"), data["topspeed"])
    for key, low, high in (("loop", 1, 1_000_000), ("limit", 0, 2**40), ("ttl", 1, 255), ("ttl_sub", 0, 254),
                           ("mtu", 68, 65535)):
        if data.get(key) is not None:
            p[key] = _integer(at.key(data, key), data[key], low, high)
    for key in ("fix_checksums", "verbatim"):
        if data.get(key) is not None:
            p[key] = _boolean(at.key(data, key), data[key])
    if data.get("map") is not None:
        mat = at.key(data, "map")
        mapping = _mapping(mat, data["map"], "a mapping of addresses or CIDRs, such as {10.0.2.15: 10.1.0.5}")
        p["maps"] = [(f"{k}/32" if "/" not in str(k) else str(k), f"{v}/32" if "/" not in str(v) else str(v))
                     for k, v in ((_text(mat.key_itself(mapping, k), k), _text(mat.key(mapping, k), v))
                                  for k, v in mapping.items())]
    if data.get("portmap") is not None:
        pat = at.key(data, "portmap")
        ports = _mapping(pat, data["portmap"], "a mapping of ports, such as {43: 80}")
        p["port_maps"] = [(_integer(pat.key_itself(ports, k), k, 0, 65535, "a port"),
                           _integer(pat.key(ports, k), v, 0, 65535, "a port")) for k, v in ports.items()]
    if data.get("endpoints") is not None:
        eat = at.key(data, "endpoints")
        pair = _texts(eat, data["endpoints"], "two addresses, the client's and the server's")
        if len(pair) != 2:
            raise eat.error("expected two addresses: [CLIENT, SERVER]")
        p["endpoints"] = (_address(eat, pair[0]), _address(eat, pair[1]))
    start = _duration(at.key(data, "at"), data["at"]) if data.get("at") is not None else 0
    expect = None
    if data.get("expect") is not None:
        expect_at = at.key(data, "expect")
        expect = _text(expect_at, data["expect"])
        if expect not in REPLAY_EXPECT_VALUES:
            raise expect_at.error(_unknown("expectation", expect, REPLAY_EXPECT_VALUES))
    node = p["at"].partition(".")[0]
    return TrafficSpec(index, "replay", item_id, node, start, expect, None, p, at)


def start_replay(net: Any, item: TrafficSpec) -> Any:
    """Attaches the ports and schedules the replay (the network runs it with everything else)."""
    options = dict(item.params)
    capture = options.pop("capture")
    name = "replay" if item.id is None else f"replay-{item.id}"
    return net.replay(capture, start=item.start, name=name, **options)


def replay_result(item: TrafficSpec, handle: Any) -> Dict[str, Any]:
    """The item's entry in results.json: the overall outcome (blocked if any flow was, else dropped if
    any was, else delivered), the summary, the flow table and the source's errors."""
    flows = handle.flow_records()
    outcomes = {f["outcome"] for f in flows}
    outcome = next((o for o in ("blocked", "dropped", "delivered") if o in outcomes), "not_replayed")
    summary = handle.summary()
    return {
        "index": item.index,
        "id": item.id,
        "kind": "replay",
        "from": item.params["at"],
        "to": item.params.get("server_at"),
        "capture": item.params["capture"],
        "outcome": outcome,
        "sent": summary["sent"],
        "sent_unit": "packets",  # the capture's packets sent from the replay ports
        "received": summary["delivered"],
        "received_unit": "packets",  # of those, the ones delivered at a port
        "rtt_ms": [],
        "errors": [{"from": None, "type": None, "code": None, "text": f"{e['file']}: byte {e['offset']}: {e['reason']}"}
                   for e in handle.errors()],
        "summary": summary,
        "flows": flows,
        "expect": item.expect,
        "expect_met": None if item.expect is None else outcome == item.expect,
    }
