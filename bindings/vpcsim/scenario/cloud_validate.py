"""The cloud layer of scenario files: ``vpcs``, ``peerings``, ``internet`` and ``explain``
(docs/scenario-format.md, "The cloud layer").

Validation here checks what the YAML alone can tell (keys, types, addresses, names that refer to
each other: a subnet's route table, a route's target, a rule's peer group, an instance's groups);
building hands each object to ``vpcsim.Cloud`` and reports the simulator's own checks (overlapping
blocks, reserved addresses, routes AWS refuses) at the field that caused them."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from vpcsim import _core
from vpcsim.scenario.cloud_specs import (
    CloudSpec,
    ExplainSpec,
    InstanceSpec,
    InternetHostSpec,
    NatGatewaySpec,
    NetworkAclSpec,
    PeeringSpec,
    RouteSpec,
    RuleSpec,
    SecurityGroupSpec,
    SubnetSpec,
    VpcSpec,
)
from vpcsim.scenario.fields import (
    _address,
    _boolean,
    _check_keys,
    _integer,
    _looks_like_address,
    _mapping,
    _parsed,
    _sequence,
    _suggest,
    _text,
    _type_name,
    _unknown,
)
from vpcsim.scenario.location import _At
from vpcsim.scenario.yaml_lines import _Map


EXPLAIN_EXPECT_VALUES = ("reachable", "unreachable")
EXPLAIN_PROTOCOLS = ("tcp", "udp", "icmp")

_VPC_KEYS = ("cidr", "subnets", "internet_gateway", "nat_gateways", "route_tables", "security_groups",
             "network_acls", "instances")
_SUBNET_KEYS = ("cidr", "route_table", "network_acl")
_NAT_GATEWAY_KEYS = ("subnet", "public_ip")
_ROUTE_KEYS = ("to", "target")
_SG_KEYS = ("ingress", "egress")
_SG_RULE_KEYS = {
    "ingress": ("proto", "port", "from", "from_sg", "icmp_type", "icmp_code", "description"),
    "egress": ("proto", "port", "to", "to_sg", "icmp_type", "icmp_code", "description"),
}
_ACL_KEYS = ("inbound", "outbound")
_ACL_RULE_KEYS = {
    "inbound": ("rule", "proto", "port", "from", "action", "icmp_type", "icmp_code"),
    "outbound": ("rule", "proto", "port", "to", "action", "icmp_type", "icmp_code"),
}
_INSTANCE_KEYS = ("subnet", "ip", "public_ip", "security_groups", "source_dest_check")
_PEERING_KEYS = ("vpcs",)
_INTERNET_KEYS = ("hosts",)
_HOST_KEYS = ("ip",)
_EXPLAIN_KEYS = ("id", "from", "to", "proto", "port", "expect", "blocked_by")
_PROTOCOLS = ("all", "tcp", "udp", "icmp")


def _items(at: _At, data: _Map, key: str, what: str) -> List[Tuple[str, _At, Any]]:
    """(name, where, value) of a mapping of named objects under `key`, in file order."""
    if data.get(key) is None:
        return []
    kat = at.key(data, key)
    mapping = _mapping(kat, data[key], f"a mapping of {what}")
    out = []
    for name, value in mapping.items():
        if not isinstance(name, str) or not name:
            raise kat.key_itself(mapping, name).error(f"a name must be text, got {_type_name(name)}")
        out.append((name, kat.key(mapping, name), value))
    return out


def _required(at: _At, data: _Map, key: str, hint: str) -> _At:
    if data.get(key) is None:
        raise at.error(f"missing '{key}' ({hint})")
    return at.key(data, key)


def _prefix(at: _At, value: Any) -> str:
    text = _text(at, value)
    if text == "default":
        return "0.0.0.0/0"
    return str(_parsed(at, text, _core.Ipv4Prefix))


def _name_in(at: _At, value: Any, known: List[str], what: str) -> str:
    name = _text(at, value)
    if name not in known:
        raise at.error(_unknown(what, name, known))
    return name


class CloudValidator:
    """Validates the cloud sections of one file; `nodes` are the file's low-level node names."""

    def __init__(self, top: _At, data: _Map, nodes: List[str]) -> None:
        self.top = top
        self.data = data
        self.nodes = nodes
        self.spec = CloudSpec()

    def validate(self) -> CloudSpec:
        for name, at, value in _items(self.top, self.data, "vpcs", "VPC names to VPCs"):
            self.spec.vpcs[name] = self.vpc(at, name, value)
        for name, at, value in _items(self.top, self.data, "peerings", "peering connection names to {vpcs: [a, b]}"):
            self.spec.peerings[name] = self.peering(at, name, value)
        for vpc in self.spec.vpcs.values():
            self.routes(vpc)
        if self.data.get("internet") is not None:
            iat = self.top.key(self.data, "internet")
            internet = _mapping(iat, self.data["internet"], "a mapping {hosts: {name: {ip: ...}}}")
            _check_keys(iat, internet, _INTERNET_KEYS)
            for name, at, value in _items(iat, internet, "hosts", "host names to {ip: ADDRESS}"):
                self.spec.hosts[name] = self.host(at, name, value)
        return self.spec

    def claim(self, at: _At, name: str, what: str) -> None:
        """A node the cloud makes under a name the file gives: unique among all node names."""
        if name in self.nodes:
            raise at.error(f"{what} '{name}' has the name of node '{name}' (node names are shared)")
        if name in self.spec.names:
            first = self.spec.names[name]
            raise at.error(f"{what} '{name}': the name is used by {first.path} (line {first.line})")
        self.spec.names[name] = at

    # -- a VPC --------------------------------------------------------------------------------------

    def vpc(self, at: _At, name: str, value: Any) -> VpcSpec:
        data = _mapping(at, value, "a VPC such as {cidr: 10.0.0.0/16, subnets: {...}}")
        _check_keys(at, data, _VPC_KEYS)
        cidr_at = _required(at, data, "cidr", "the VPC's block, such as 10.0.0.0/16")
        cidr = _prefix(cidr_at, data["cidr"])
        self.claim(at, f"{name}-router", "the VPC router of")
        vpc = VpcSpec(name, cidr, {}, None, {}, {}, {}, {}, {}, {}, at, {"cidr": cidr_at})
        # Route tables, ACLs and groups first: subnets and instances refer to them by name.
        for tname, tat, tvalue in _items(at, data, "route_tables", "route table names to lists of routes"):
            _sequence(tat, tvalue, "a list of routes such as [{to: 0.0.0.0/0, target: igw-main}]")
            vpc.route_tables[tname] = []
            vpc.route_table_at[tname] = tat
        for aname, aat, avalue in _items(at, data, "network_acls", "network ACL names to {inbound, outbound}"):
            vpc.network_acls[aname] = NetworkAclSpec(aname, None, None, aat)
        for gname, gat, _ in _items(at, data, "security_groups", "security group names to {ingress, egress}"):
            vpc.security_groups[gname] = SecurityGroupSpec(gname, None, None, gat)
        groups = list(dict.fromkeys(["default", *vpc.security_groups]))
        for gname, gat, gvalue in _items(at, data, "security_groups", "security group names to {ingress, egress}"):
            vpc.security_groups[gname] = self.security_group(gat, gname, gvalue, groups)
        for aname, aat, avalue in _items(at, data, "network_acls", "network ACL names to {inbound, outbound}"):
            vpc.network_acls[aname] = self.network_acl(aat, aname, avalue)
        tables = list(dict.fromkeys(["main", *vpc.route_tables]))
        acls = list(dict.fromkeys(["default", *vpc.network_acls]))
        for sname, sat, svalue in _items(at, data, "subnets", "subnet names to {cidr, route_table, network_acl}"):
            self.claim(sat, sname, "subnet")
            vpc.subnets[sname] = self.subnet(sat, sname, svalue, tables, acls)
        if data.get("internet_gateway") is not None:
            gat = at.key(data, "internet_gateway")
            vpc.internet_gateway = _text(gat, data["internet_gateway"])
            vpc.fields["internet_gateway"] = gat
            self.claim(gat, vpc.internet_gateway, "internet gateway")
        subnets = list(vpc.subnets)
        for nname, nat_at, nvalue in _items(at, data, "nat_gateways", "NAT gateway names to {subnet, public_ip}"):
            self.claim(nat_at, nname, "NAT gateway")
            vpc.nat_gateways[nname] = self.nat_gateway(nat_at, nname, nvalue, subnets)
            self.spec.endpoints[nname] = "NAT gateway"
        for iname, iat, ivalue in _items(at, data, "instances", "instance names to {subnet, ip, security_groups, ...}"):
            self.claim(iat, iname, "instance")
            vpc.instances[iname] = self.instance(iat, iname, ivalue, subnets, groups)
            self.spec.endpoints[iname] = "instance"
        return vpc

    def subnet(self, at: _At, name: str, value: Any, tables: List[str], acls: List[str]) -> SubnetSpec:
        if isinstance(value, str):  # shorthand: public-a: 10.0.1.0/24
            return SubnetSpec(name, _prefix(at, value), None, None, at, {"cidr": at})
        data = _mapping(at, value, "a subnet such as {cidr: 10.0.1.0/24, route_table: public}")
        _check_keys(at, data, _SUBNET_KEYS)
        cidr_at = _required(at, data, "cidr", "the subnet's block, such as 10.0.1.0/24")
        fields = {"cidr": cidr_at}
        table = acl = None
        if data.get("route_table") is not None:
            fields["route_table"] = at.key(data, "route_table")
            table = _name_in(fields["route_table"], data["route_table"], tables, "route table")
        if data.get("network_acl") is not None:
            fields["network_acl"] = at.key(data, "network_acl")
            acl = _name_in(fields["network_acl"], data["network_acl"], acls, "network ACL")
        return SubnetSpec(name, _prefix(cidr_at, data["cidr"]), table, acl, at, fields)

    def nat_gateway(self, at: _At, name: str, value: Any, subnets: List[str]) -> NatGatewaySpec:
        data = _mapping(at, value, "a NAT gateway such as {subnet: public-a, public_ip: 198.51.100.20}")
        _check_keys(at, data, _NAT_GATEWAY_KEYS)
        sat = _required(at, data, "subnet", "the (public) subnet it lives in")
        fields = {"subnet": sat}
        public_ip = None
        if data.get("public_ip") is not None:
            fields["public_ip"] = at.key(data, "public_ip")
            public_ip = _address(fields["public_ip"], data["public_ip"])
        return NatGatewaySpec(name, _name_in(sat, data["subnet"], subnets, "subnet"), public_ip, at, fields)

    def instance(self, at: _At, name: str, value: Any, subnets: List[str], groups: List[str]) -> InstanceSpec:
        data = _mapping(at, value, "an instance such as {subnet: public-a, ip: 10.0.1.10, security_groups: [web-sg]}")
        _check_keys(at, data, _INSTANCE_KEYS)
        sat = _required(at, data, "subnet", "the subnet it lives in")
        fields = {"subnet": sat, "name": at}
        spec = InstanceSpec(name, _name_in(sat, data["subnet"], subnets, "subnet"), None, None, False, [], True, at, fields)
        if data.get("ip") is not None:
            fields["ip"] = at.key(data, "ip")
            spec.ip = _address(fields["ip"], data["ip"])
        if data.get("public_ip") is not None:
            fields["public_ip"] = at.key(data, "public_ip")
            if data["public_ip"] == "auto":
                spec.auto_public_ip = True
            else:
                spec.public_ip = _address(fields["public_ip"], data["public_ip"])
        if data.get("security_groups") is not None:
            gat = at.key(data, "security_groups")
            seq = _sequence(gat, data["security_groups"], "a list of security group names")
            for index, item in enumerate(seq):
                fields[f"security_groups[{index}]"] = iat = gat.item(seq, index)
                group = _name_in(iat, item, groups, "security group")
                if group in spec.security_groups:
                    raise iat.error(f"security group '{group}' is listed twice")
                spec.security_groups.append(group)
        if data.get("source_dest_check") is not None:
            fields["source_dest_check"] = at.key(data, "source_dest_check")
            spec.source_dest_check = _boolean(fields["source_dest_check"], data["source_dest_check"])
        return spec

    # -- rules ----------------------------------------------------------------------------------------

    def traffic(self, at: _At, data: _Map) -> Tuple[str, Optional[str], Optional[int], Optional[int]]:
        """proto, ports, icmp_type, icmp_code of a rule (the simulator checks ranges and combinations)."""
        pat = _required(at, data, "proto", "all, tcp, udp, icmp or a protocol number")
        proto_value = data["proto"]
        if isinstance(proto_value, int) and not isinstance(proto_value, bool):
            proto = str(_integer(pat, proto_value, -1, 255, "a protocol number"))
        else:
            proto = _text(pat, proto_value)
            if proto not in _PROTOCOLS and proto != "-1":
                raise pat.error(_unknown("proto", proto, _PROTOCOLS) + ", or a protocol number")
        ports = None
        if data.get("port") is not None:
            port_at = at.key(data, "port")
            port = data["port"]
            if isinstance(port, int) and not isinstance(port, bool):
                ports = str(_integer(port_at, port, 0, 65535, "a port"))
            else:
                ports = _text(port_at, port)
            if proto not in ("tcp", "udp", "6", "17"):
                hint = " (icmp takes icmp_type and icmp_code)" if proto == "icmp" else ""
                raise port_at.error(f"'port' is for proto tcp or udp, not {proto}{hint}")
        icmp: List[Optional[int]] = []
        for key in ("icmp_type", "icmp_code"):
            if data.get(key) is None:
                icmp.append(None)
                continue
            if proto not in ("icmp", "1"):
                raise at.key(data, key).error(f"'{key}' is for proto icmp, not {proto}")
            icmp.append(_integer(at.key(data, key), data[key], -1, 255, "an ICMP type or code"))
        return proto, ports, icmp[0], icmp[1]

    def security_group(self, at: _At, name: str, value: Any, groups: List[str]) -> SecurityGroupSpec:
        spec = SecurityGroupSpec(name, None, None, at)
        if value is None:
            return spec
        data = _mapping(at, value, "a security group such as {ingress: [{proto: tcp, port: 80, from: 0.0.0.0/0}]}")
        _check_keys(at, data, _SG_KEYS)
        for direction in _SG_KEYS:
            if direction not in data:
                continue
            dat = at.key(data, direction)
            seq = _sequence(dat, [] if data[direction] is None else data[direction], f"a list of {direction} rules")
            peer, peer_sg = ("from", "from_sg") if direction == "ingress" else ("to", "to_sg")
            rules = []
            for index, item in enumerate(seq):
                rat = dat.item(seq, index)
                rule = _mapping(rat, item, f"a rule such as {{proto: tcp, port: 443, {peer}: 0.0.0.0/0}}")
                other = "egress" if direction == "ingress" else "ingress"
                _check_keys(rat, rule, _SG_RULE_KEYS[direction], elsewhere={
                    k: f"'{k}' is for {other} rules; {direction} rules take '{peer}' or '{peer_sg}'"
                    for k in _SG_RULE_KEYS[other] if k not in _SG_RULE_KEYS[direction]
                })
                proto, ports, icmp_type, icmp_code = self.traffic(rat, rule)
                has = [k for k in (peer, peer_sg) if rule.get(k) is not None]
                if len(has) != 1:
                    what = "not both" if has else "one of them"
                    raise rat.error(f"a rule needs '{peer}' (a CIDR block) or '{peer_sg}' (a security group), {what}")
                cidr = group = None
                if has[0] == peer:
                    cidr = _prefix(rat.key(rule, peer), rule[peer])
                else:
                    group = _name_in(rat.key(rule, peer_sg), rule[peer_sg], groups, "security group")
                description = ""
                if rule.get("description") is not None:
                    description = _text(rat.key(rule, "description"), rule["description"], empty_ok=True)
                rules.append(RuleSpec(proto, ports, cidr, group, icmp_type, icmp_code, rat, description=description))
            setattr(spec, direction, rules)
        return spec

    def network_acl(self, at: _At, name: str, value: Any) -> NetworkAclSpec:
        spec = NetworkAclSpec(name, None, None, at)
        if value is None:
            return spec
        data = _mapping(at, value, "a network ACL such as {inbound: [{rule: 100, proto: all, from: 0.0.0.0/0, action: allow}]}")
        _check_keys(at, data, _ACL_KEYS)
        for direction in _ACL_KEYS:
            if direction not in data:
                continue
            dat = at.key(data, direction)
            seq = _sequence(dat, [] if data[direction] is None else data[direction], f"a list of {direction} rules")
            peer = "from" if direction == "inbound" else "to"
            other = "to" if peer == "from" else "from"
            rules = []
            numbers: Dict[int, _At] = {}
            for index, item in enumerate(seq):
                rat = dat.item(seq, index)
                rule = _mapping(rat, item, f"a rule such as {{rule: 100, proto: tcp, port: 443, {peer}: 0.0.0.0/0, action: allow}}")
                _check_keys(rat, rule, _ACL_RULE_KEYS[direction], elsewhere={
                    other: f"'{other}' is for {'outbound' if direction == 'inbound' else 'inbound'} rules; "
                           f"{direction} rules take '{peer}'"
                })
                nat = _required(rat, rule, "rule", "its number, 1-32766: the lowest matching number decides")
                number = _integer(nat, rule["rule"], 1, 32766, "a rule number")
                if number in numbers:
                    first = numbers[number]
                    raise nat.error(f"rule {number} is given twice in {direction} (also {first.path}, line {first.line})")
                numbers[number] = rat
                proto, ports, icmp_type, icmp_code = self.traffic(rat, rule)
                cidr = _prefix(_required(rat, rule, peer, "the peer's CIDR block, such as 0.0.0.0/0"), rule[peer])
                aat = _required(rat, rule, "action", "allow or deny")
                action = _name_in(aat, rule["action"], ["allow", "deny"], "action")
                rules.append(RuleSpec(proto, ports, cidr, None, icmp_type, icmp_code, rat, number=number, action=action))
            setattr(spec, direction, rules)
        return spec

    # -- routes (after every VPC and peering is known) --------------------------------------------------------

    def routes(self, vpc: VpcSpec) -> None:
        targets: Dict[str, str] = {}
        if vpc.internet_gateway is not None:
            targets[vpc.internet_gateway] = "internet gateway"
        targets.update({name: "NAT gateway" for name in vpc.nat_gateways})
        targets.update({name: "instance" for name in vpc.instances})
        targets.update({name: "peering connection" for name, p in self.spec.peerings.items() if vpc.name in p.vpcs})
        for tname, tat in vpc.route_table_at.items():
            seq = _sequence(tat, self.route_items(vpc, tname))
            for index, item in enumerate(seq):
                rat = tat.item(seq, index)
                route = _mapping(rat, item, "a route such as {to: 0.0.0.0/0, target: igw-main}")
                _check_keys(rat, route, _ROUTE_KEYS)
                to_at = _required(rat, route, "to", "the destination block, such as 0.0.0.0/0 or default")
                target_at = _required(rat, route, "target", "an internet gateway, NAT gateway, instance or peering connection")
                target = _text(target_at, route["target"])
                if target not in targets:
                    known = list(targets)
                    hint = _suggest(target, known)
                    what = f"; {hint}" if hint else (f"; it has: {', '.join(known)}" if known else "")
                    raise target_at.error(
                        f"VPC {vpc.name} has no internet gateway, NAT gateway, instance or peering connection named "
                        f"'{target}'{what}"
                    )
                vpc.route_tables[tname].append(RouteSpec(_prefix(to_at, route["to"]), target, rat, {"target": target_at}))

    def route_items(self, vpc: VpcSpec, table: str) -> Any:
        tables = self.data["vpcs"][vpc.name]["route_tables"]
        return tables[table] if tables[table] is not None else []

    # -- peerings, the internet ------------------------------------------------------------------------

    def peering(self, at: _At, name: str, value: Any) -> PeeringSpec:
        data = _mapping(at, value, "a peering connection such as {vpcs: [a, b]}")
        _check_keys(at, data, _PEERING_KEYS)
        vat = _required(at, data, "vpcs", "the two VPCs it joins, such as [a, b]")
        seq = _sequence(vat, data["vpcs"], "a list of two VPC names")
        if len(seq) != 2:
            raise vat.error(f"a peering connection joins two VPCs, got {len(seq)}")
        vpcs = [_name_in(vat.item(seq, i), seq[i], list(self.spec.vpcs), "VPC") for i in range(2)]
        if vpcs[0] == vpcs[1]:
            raise vat.error(f"VPC {vpcs[0]} cannot be peered with itself")
        return PeeringSpec(name, (vpcs[0], vpcs[1]), at)

    def host(self, at: _At, name: str, value: Any) -> InternetHostSpec:
        self.claim(at, name, "internet host")
        self.spec.endpoints[name] = "internet host"
        if isinstance(value, str):  # shorthand: ext: 203.0.113.10
            return InternetHostSpec(name, _address(at, value), at)
        data = _mapping(at, value, "a host such as {ip: 203.0.113.10}")
        _check_keys(at, data, _HOST_KEYS)
        return InternetHostSpec(name, _address(_required(at, data, "ip", "its address, such as 203.0.113.10"), data["ip"]), at)

    # -- explain ---------------------------------------------------------------------------------------

    def explain(self, at: _At, value: Any, ids: Dict[str, _At]) -> List[ExplainSpec]:
        seq = _sequence(at, value, "a list of questions such as {from: ext, to: web, proto: tcp, port: 80}")
        items = []
        senders = self.spec.senders()
        for index, item in enumerate(seq):
            iat = at.item(seq, index)
            data = _mapping(iat, item, "a question such as {from: ext, to: web, proto: tcp, port: 80}")
            _check_keys(iat, data, _EXPLAIN_KEYS)
            fields: Dict[str, _At] = {}
            item_id = None
            if data.get("id") is not None:
                item_id = _text(iat.key(data, "id"), data["id"])
                if item_id in ids:
                    first = ids[item_id]
                    raise iat.error(f"duplicate id '{item_id}' (also {first.path}, line {first.line})")
                ids[item_id] = iat
            fields["from"] = fat = _required(iat, data, "from", "an instance or internet host")
            source = _text(fat, data["from"])
            if source not in senders:
                kind = self.spec.endpoints.get(source)
                if kind is not None:
                    raise fat.error(f"{source} is a {kind}: explain starts at an instance or internet host")
                if source in self.nodes:
                    raise fat.error(f"{source} is a node outside the cloud: explain starts at an instance or internet host")
                raise fat.error(_unknown("instance or internet host", source, senders))
            fields["to"] = tat = _required(iat, data, "to", "an instance, internet host, NAT gateway or address")
            to = _text(tat, data["to"])
            if _looks_like_address(to):
                to = _address(tat, to)
            elif to not in self.spec.endpoints:
                raise tat.error(_unknown("instance, internet host or NAT gateway", to, list(self.spec.endpoints)))
            fields["proto"] = pat = _required(iat, data, "proto", "tcp, udp or icmp")
            proto = _name_in(pat, data["proto"], list(EXPLAIN_PROTOCOLS), "proto")
            port = 0
            if proto == "icmp":
                if data.get("port") is not None:
                    raise iat.key(data, "port").error("an icmp probe (echo request) has no port")
            else:
                fields["port"] = port_at = _required(iat, data, "port", f"the {proto} destination port")
                port = _integer(port_at, data["port"], 1, 65535, "a port (1-65535)")
            expect = blocked_by = None
            if data.get("expect") is not None:
                fields["expect"] = eat = iat.key(data, "expect")
                expect = _name_in(eat, data["expect"], list(EXPLAIN_EXPECT_VALUES), "expectation")
            if data.get("blocked_by") is not None:
                fields["blocked_by"] = bat = iat.key(data, "blocked_by")
                blocked_by = _name_in(bat, data["blocked_by"], self.spec.components(), "component")
                if expect == "reachable":
                    raise bat.error("blocked_by names what stops the probe: it does not go with expect: reachable")
            items.append(ExplainSpec(index, item_id, source, to, proto, port, expect, blocked_by, iat, fields))
        return items
