"""The `nlb` node kind: a layer-4 load balancer with AWS Network Load Balancer semantics.

    lb:
      kind: nlb
      interfaces: {eth0: {ip: 10.0.1.1/24}, eth1: {ip: 10.0.2.1/24}}
      target_groups:
        web:
          targets: [t1:80, 10.0.2.12:80]          # NODE:PORT or ADDRESS:PORT
          type: instance                         # or ip
          health: {interval: 5s, timeout: 2s, healthy_threshold: 2, unhealthy_threshold: 2}
          deregister: [{target: t1:80, at: 40s}]  # draining starts then
      listeners: [{port: 80, target_group: web}]
      idle_timeout: 350s
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict

from vpcsim.scenario.fields import (
    _boolean,
    _check_keys,
    _duration,
    _integer,
    _mapping,
    _sequence,
    _text,
    _unknown,
)
from vpcsim.scenario.location import _At

NLB_KEYS = ("target_groups", "listeners", "idle_timeout")
GROUP_KEYS = ("targets", "protocol", "type", "health", "deregistration_delay", "connection_termination",
              "preserve_client_ip", "deregister")
HEALTH_KEYS = ("enabled", "interval", "timeout", "healthy_threshold", "unhealthy_threshold", "port")
LISTENER_KEYS = ("port", "protocol", "target_group")
_PROTOCOLS = ("tcp", "udp")


def _target(at: _At, value: Any, resolve: Callable[[_At, str], str]) -> str:
    text = _text(at, value)
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise at.error(f"a target is NODE:PORT or ADDRESS:PORT, such as t1:80, not '{text}'")
    return f"{resolve(at, host)}:{port}"


def validate_nlb(at: _At, data: Any, resolve: Callable[[_At, str], str]) -> Dict[str, Any]:
    """The balancer's target groups and listeners; `resolve` turns a node name into its address
    (deferred: the name is kept and resolved when the network is built)."""
    spec: Dict[str, Any] = {"groups": [], "listeners": [], "idle_timeout": None, "at": at}
    if data.get("target_groups") is None:
        raise at.error("missing 'target_groups' (a mapping of names to {targets: [NODE:PORT, ...]})")
    gat = at.key(data, "target_groups")
    groups = _mapping(gat, data["target_groups"], "a mapping of target group names to {targets: [...]}")
    for name, value in groups.items():
        g_at = gat.key(groups, name)
        g = _mapping(g_at, value, "a target group such as {targets: [t1:80, t2:80]}")
        _check_keys(g_at, g, GROUP_KEYS)
        group: Dict[str, Any] = {"name": str(name), "at": g_at, "protocol": "tcp", "type": "instance", "targets": [],
                                 "health": {}, "deregister": []}
        if g.get("protocol") is not None:
            group["protocol"] = _text(g_at.key(g, "protocol"), g["protocol"])
            if group["protocol"] not in _PROTOCOLS:
                raise g_at.key(g, "protocol").error(_unknown("protocol", group["protocol"], _PROTOCOLS))
        if g.get("type") is not None:
            group["type"] = _text(g_at.key(g, "type"), g["type"])
            if group["type"] not in ("instance", "ip"):
                raise g_at.key(g, "type").error(_unknown("target type", group["type"], ("instance", "ip")))
        if g.get("targets") is not None:
            t_at = g_at.key(g, "targets")
            items = _sequence(t_at, g["targets"], "a list of targets such as [t1:80, 10.0.2.12:80]")
            group["targets"] = [_target(t_at.item(items, i), item, resolve) for i, item in enumerate(items)]
        if g.get("health") is not None:
            h_at = g_at.key(g, "health")
            h = _mapping(h_at, g["health"], "health check settings such as {interval: 10s, healthy_threshold: 3}")
            _check_keys(h_at, h, HEALTH_KEYS)
            health = group["health"]
            if h.get("enabled") is not None:
                health["health_checks"] = _boolean(h_at.key(h, "enabled"), h["enabled"])
            for key, out in (("interval", "health_interval"), ("timeout", "health_timeout")):
                if h.get(key) is not None:
                    health[out] = _duration(h_at.key(h, key), h[key], positive=True)
            for key in ("healthy_threshold", "unhealthy_threshold"):
                if h.get(key) is not None:
                    health[key] = _integer(h_at.key(h, key), h[key], 2, 10, "a count in 2..10 (AWS's range)")
            if h.get("port") is not None:
                health["health_port"] = _integer(h_at.key(h, "port"), h["port"], 1, 65535, "a port")
        if g.get("deregistration_delay") is not None:
            group["deregistration_delay"] = _duration(g_at.key(g, "deregistration_delay"), g["deregistration_delay"])
        for key in ("connection_termination", "preserve_client_ip"):
            if g.get(key) is not None:
                group[key] = _boolean(g_at.key(g, key), g[key])
        if g.get("deregister") is not None:
            d_at = g_at.key(g, "deregister")
            items = _sequence(d_at, g["deregister"], "a list such as [{target: t1:80, at: 40s}]")
            for i, item in enumerate(items):
                i_at = d_at.item(items, i)
                d = _mapping(i_at, item, "{target: NODE:PORT, at: TIME}")
                _check_keys(i_at, d, ("target", "at"))
                if "target" not in d or "at" not in d:
                    raise i_at.error("a deregistration needs 'target' and 'at'")
                target = _target(i_at.key(d, "target"), d["target"], resolve)
                if target not in group["targets"]:
                    raise i_at.key(d, "target").error(f"{target} is not among {name}'s targets")
                group["deregister"].append({"target": target, "at": _duration(i_at.key(d, "at"), d["at"]), "where": i_at})
        spec["groups"].append(group)
    names = [g["name"] for g in spec["groups"]]
    if data.get("listeners") is None:
        raise at.error("missing 'listeners' (such as [{port: 80, target_group: web}])")
    l_at = at.key(data, "listeners")
    items = _sequence(l_at, data["listeners"], "a list of listeners such as [{port: 80, target_group: web}]")
    for i, item in enumerate(items):
        i_at = l_at.item(items, i)
        listener = _mapping(i_at, item, "a listener such as {port: 80, target_group: web}")
        _check_keys(i_at, listener, LISTENER_KEYS)
        if "port" not in listener or "target_group" not in listener:
            raise i_at.error("a listener needs 'port' and 'target_group'")
        group_name = _text(i_at.key(listener, "target_group"), listener["target_group"])
        if group_name not in names:
            raise i_at.key(listener, "target_group").error(_unknown("target group", group_name, names))
        protocol = "tcp"
        if listener.get("protocol") is not None:
            protocol = _text(i_at.key(listener, "protocol"), listener["protocol"])
            if protocol not in _PROTOCOLS:
                raise i_at.key(listener, "protocol").error(_unknown("protocol", protocol, _PROTOCOLS))
        port = _integer(i_at.key(listener, "port"), listener["port"], 1, 65535, "a port")
        spec["listeners"].append({"port": port, "protocol": protocol, "target_group": group_name, "at": i_at})
    if data.get("idle_timeout") is not None:
        spec["idle_timeout"] = _duration(at.key(data, "idle_timeout"), data["idle_timeout"], positive=True)
        spec["idle_timeout_at"] = at.key(data, "idle_timeout")
    return spec


def build_nlb(lb: Any, spec: Dict[str, Any], guarded: Callable[[_At, Callable[[], Any]], Any],
              address_of: Callable[[str], str]) -> None:
    """Configures the balancer from its validated spec; node names in targets become addresses."""
    def target(text: str) -> str:
        host, _, port = text.rpartition(":")
        return f"{address_of(host)}:{port}"

    def add_group(g: Dict[str, Any]) -> None:
        options = {k: g[k] for k in ("deregistration_delay", "connection_termination", "preserve_client_ip") if k in g}
        lb.add_target_group(g["name"], protocol=g["protocol"], target_type=g["type"],
                            targets=[target(t) for t in g["targets"]], **g["health"], **options)

    for g in spec["groups"]:
        guarded(g["at"], partial(add_group, g))
        for d in g["deregister"]:
            guarded(d["where"], partial(lambda name, text, at: lb.deregister_target_at(name, target(text), at),
                                        g["name"], d["target"], d["at"]))
    for listener in spec["listeners"]:
        guarded(listener["at"], partial(lb.add_listener, listener["port"], listener["target_group"], listener["protocol"]))
    if spec["idle_timeout"] is not None:
        guarded(spec["idle_timeout_at"], partial(setattr, lb, "tcp_idle_timeout_ns", spec["idle_timeout"]))
