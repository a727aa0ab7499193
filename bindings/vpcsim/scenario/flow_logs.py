"""A scenario's `flow_logs` section: VPC Flow Logs for chosen instances (docs/scenario-format.md).

    flow_logs:
      instances: [web]          # or all (the default)
      interval: 60s             # the aggregation window (AWS: 60s or 10m)
      epoch: 1700000000         # Unix seconds at simulated time 0
      account_id: "123456789012"
      traffic: ALL              # ACCEPT, REJECT or ALL
      interface_ids: {web: eni-0a1b2c3d4e5f60718}

`vpcsim run --out DIR` writes DIR/flow-logs/<interface-id>.log for each; results.json has a
`flow_logs` section (interface id, instance and the record lines).
"""

from __future__ import annotations

import re
from vpcsim.scenario.record import field, record
from pathlib import Path
from typing import Any, Dict, List, Optional

from vpcsim.errors import ConfigError
from vpcsim.scenario.cloud_specs import CloudSpec
from vpcsim.scenario.fields import _check_keys, _duration, _integer, _mapping, _sequence, _text, _unknown
from vpcsim.scenario.location import _At

_KEYS = ("instances", "interval", "epoch", "account_id", "traffic", "interface_ids")
_TRAFFIC = ("ALL", "ACCEPT", "REJECT")
_ENI = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@record
class FlowLogsSpec:
    instances: Optional[List[str]]  # None: every instance
    interval: int  # ns
    epoch: int
    account_id: str
    traffic: str
    interface_ids: Dict[str, str] = field(default_factory=dict)
    at: Optional[_At] = None


def validate(at: _At, value: Any, cloud: CloudSpec) -> FlowLogsSpec:
    """The `flow_logs` mapping checked field by field against the cloud's instances."""
    data = _mapping(at, value, "a mapping (instances, interval, epoch, account_id, traffic, interface_ids)")
    _check_keys(at, data, _KEYS)
    if cloud.empty or not any(v.instances for v in cloud.vpcs.values()):
        raise at.error("flow logs record what instances' interfaces send and receive: add vpcs with instances")
    known = [name for name, kind in cloud.endpoints.items() if kind == "instance"]
    instances: Optional[List[str]] = None
    if data.get("instances") is not None and data["instances"] != "all":
        iat = at.key(data, "instances")
        items = _sequence(iat, data["instances"], "a list of instance names, or all")
        instances = []
        for index, item in enumerate(items):
            name = _text(iat.item(items, index), item)
            if name not in known:
                raise iat.item(items, index).error(_unknown("instance", name, known))
            if name in instances:
                raise iat.item(items, index).error(f"'{name}' is listed twice")
            instances.append(name)
    interval = 60_000_000_000
    if data.get("interval") is not None:
        interval = _duration(at.key(data, "interval"), data["interval"], positive=True)
    epoch = 0
    if "epoch" in data:
        epoch = _integer(at.key(data, "epoch"), data["epoch"], 0, 2**62 // 1_000_000_000, "Unix seconds")
    account_id = "123456789012"
    if "account_id" in data:
        aat = at.key(data, "account_id")
        raw = data["account_id"]
        account_id = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else _text(aat, raw)
        if not _ENI.match(account_id):
            raise aat.error(f"'{account_id}' must be one word (AWS's are 12 digits)")
    traffic = "ALL"
    if "traffic" in data:
        tat = at.key(data, "traffic")
        traffic = _text(tat, data["traffic"])
        if traffic not in _TRAFFIC:
            raise tat.error(_unknown("traffic", traffic, _TRAFFIC))
    ids: Dict[str, str] = {}
    if data.get("interface_ids") is not None:
        eat = at.key(data, "interface_ids")
        mapping = _mapping(eat, data["interface_ids"], "a mapping of instance name to interface id")
        for name, eni in mapping.items():
            if name not in known:
                raise eat.key_itself(mapping, name).error(_unknown("instance", name, known))
            text = _text(eat.key(mapping, name), eni)
            if not _ENI.match(text):
                raise eat.key(mapping, name).error(f"'{text}' is not an interface id (one word, such as eni-0a1b2c3d)")
            ids[name] = text
    return FlowLogsSpec(instances, interval, epoch, account_id, traffic, ids, at)


def build(cloud: Any, spec: FlowLogsSpec) -> Any:
    """Turns the flow logs on; returns the vpcsim FlowLogWriter."""
    try:
        return cloud.flow_logs(spec.instances, interval=spec.interval, epoch=spec.epoch, account_id=spec.account_id,
                               traffic=spec.traffic, eni_ids=spec.interface_ids)
    except ConfigError as error:
        assert spec.at is not None
        raise spec.at.error(str(error)) from None


def results(writer: Any) -> List[Dict[str, Any]]:
    """results.json's `flow_logs`: per interface, its id, instance and record lines."""
    return [
        {"interface_id": log.eni_id, "instance": log.instance, "records": [r.to_line() for r in log.records()]}
        for log in writer.logs
    ]


def write(writer: Any, out: Path) -> List[str]:
    """OUT/flow-logs/<interface-id>.log, each with AWS's header line."""
    paths: List[str] = writer.write(str(out / "flow-logs"))
    return paths
