"""Building a scenario's cloud layer onto vpcsim.Cloud, and explain's results."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, Optional

from vpcsim import _core
from vpcsim import tables
from vpcsim.errors import ConfigError, ParseError
from vpcsim.scenario.cloud_specs import CloudSpec, ExplainSpec, RuleSpec, VpcSpec
from vpcsim.scenario.location import _At


def _guard(at: _At, fields: Dict[str, _At], action: Callable[[], Any]) -> Any:
    """Runs a simulator call; its ConfigError is reported at the YAML field it names (else at `at`)."""
    try:
        return action()
    except (ConfigError, ParseError) as error:
        where = fields.get(getattr(error, "field", ""), at)
        raise where.error(str(error)) from None


def build(net: Any, spec: CloudSpec) -> Any:
    """Makes the cloud the spec describes on `net`; returns the vpcsim.Cloud (None when there is none)."""
    if spec.empty:
        return None
    cloud = _core.Cloud(net)
    vpcs = {v.name: _build_vpc(cloud, v) for v in spec.vpcs.values()}
    for p in spec.peerings.values():
        _guard(p.at, {}, partial(cloud.add_peering, p.name, vpcs[p.vpcs[0]], vpcs[p.vpcs[1]]))
    # Routes last: their targets (gateways, instances, peering connections) exist now.
    for v in spec.vpcs.values():
        for name, routes in v.route_tables.items():
            table = vpcs[v.name].route_table(name)
            for r in routes:
                _guard(r.at, r.fields, partial(table.add_route, r.to, r.target))
    for h in spec.hosts.values():
        _guard(h.at, {}, partial(cloud.add_internet_host, h.name, h.ip))
    return cloud


def _build_vpc(cloud: Any, v: VpcSpec) -> Any:
    vpc = _guard(v.at, v.fields, partial(cloud.add_vpc, v.name, v.cidr))
    tables = {"main": vpc.main_route_table}
    for name, at in v.route_table_at.items():
        if name != "main":
            tables[name] = _guard(at, {}, partial(vpc.add_route_table, name))
    groups = {"default": vpc.default_security_group}
    for g in v.security_groups.values():
        if g.name != "default":
            groups[g.name] = _guard(g.at, {}, partial(vpc.add_security_group, g.name))
    for g in v.security_groups.values():
        for direction, rules in (("ingress", g.ingress), ("egress", g.egress)):
            if rules is None:
                continue  # as AWS made it
            getattr(groups[g.name], f"clear_{direction}")()  # a list given replaces what AWS made
            add = getattr(groups[g.name], f"add_{direction}")
            for rule in rules:
                peer = None if rule.group is None else groups[rule.group]
                _guard(rule.at, {}, partial(add, rule.proto, rule.ports, cidr=rule.cidr, group=peer,
                                            description=rule.description, **_icmp(rule)))
    acls = {"default": vpc.default_network_acl}
    for a in v.network_acls.values():
        if a.name not in acls:
            acls[a.name] = _guard(a.at, {}, partial(vpc.add_network_acl, a.name))
        acl = acls[a.name]
        for direction, acl_rules in (("inbound", a.inbound), ("outbound", a.outbound)):
            if acl_rules is None:
                continue
            for old in acl.rules(direction):  # a list given replaces what AWS made (the default's rule 100)
                acl.remove_rule(direction, old.number)
            for r in acl_rules:
                _guard(r.at, {}, partial(acl.add_rule, direction, r.number, r.proto, r.ports, r.cidr, r.action, **_icmp(r)))
    subnets = {}
    for s in v.subnets.values():
        subnet = subnets[s.name] = _guard(s.at, s.fields, partial(vpc.add_subnet, s.name, s.cidr))
        if s.route_table is not None:
            _guard(s.fields["route_table"], {}, partial(subnet.associate, tables[s.route_table]))
        if s.network_acl is not None:
            _guard(s.fields["network_acl"], {}, partial(subnet.set_network_acl, acls[s.network_acl]))
    if v.internet_gateway is not None:
        _guard(v.fields["internet_gateway"], {}, partial(vpc.attach_internet_gateway, v.internet_gateway))
    for n in v.nat_gateways.values():
        _guard(n.at, n.fields, partial(vpc.add_nat_gateway, n.name, subnets[n.subnet], n.public_ip))
    for i in v.instances.values():
        instance = _guard(i.at, i.fields, partial(
            vpc.add_instance, i.name, subnets[i.subnet], ip=i.ip, public_ip=i.public_ip,
            auto_public_ip=i.auto_public_ip, security_groups=i.security_groups, source_dest_check=i.source_dest_check))
        if not i.source_dest_check:
            instance.ip_forward = True  # what turning the check off is for: a NAT instance, an appliance
    return vpc


def _icmp(rule: RuleSpec) -> Dict[str, Optional[int]]:
    if rule.icmp_type is None and rule.icmp_code is None:
        return {}
    return {"icmp_type": rule.icmp_type, "icmp_code": rule.icmp_code}


def explain_result(item: ExplainSpec, answer: Any) -> Dict[str, Any]:
    """One explain item's entry in results.json: its question, the answer and the expectation."""
    record = tables.explain_record(answer)
    result: Dict[str, Any] = {"index": item.index, "id": item.id}
    result.update(record)
    result["expect"] = item.expect
    result["expect_blocked_by"] = item.blocked_by
    result["expect_met"] = expect_met(item, answer)
    return result


def expect_met(item: ExplainSpec, answer: Any) -> Optional[bool]:
    if item.expect is None and item.blocked_by is None:
        return None
    met = True
    if item.expect is not None:
        met = answer.reachable == (item.expect == "reachable")
    if item.blocked_by is not None:
        # A security group's block names every group of the instance ("web-sg, admin-sg").
        met = met and not answer.reachable and item.blocked_by in (answer.blocked_by or "").split(", ")
    return met
