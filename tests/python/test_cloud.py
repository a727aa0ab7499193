"""The cloud layer from Python: the classic public/private VPC built by hand (the twin of
tests/cpp/cloud/classic_vpc.h), traffic through its gateways, route-table states, rule tables, peering,
object lifetimes and configuration errors."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

import pytest

import vpcsim
from vpcsim import tables


@dataclass
class Classic:
    net: vpcsim.Network
    cloud: vpcsim.Cloud
    vpc: vpcsim.Vpc
    pub: vpcsim.Subnet
    priv: vpcsim.Subnet
    igw: vpcsim.InternetGateway
    nat: vpcsim.NatGateway
    public_routes: vpcsim.RouteTable
    private_routes: vpcsim.RouteTable
    web: vpcsim.Instance
    db: vpcsim.Instance
    ext: vpcsim.Endpoint


def classic(seed: int = 1) -> Classic:
    net = vpcsim.Network(seed=seed)
    cloud = vpcsim.Cloud(net)
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    pub = vpc.add_subnet("public-a", "10.0.1.0/24")
    priv = vpc.add_subnet("private-a", "10.0.2.0/24")
    igw = vpc.attach_internet_gateway("igw-main")
    nat = vpc.add_nat_gateway("nat-a", pub, public_ip="198.51.100.20")
    public_routes = vpc.add_route_table("public")
    public_routes.add_route("0.0.0.0/0", igw)
    pub.associate(public_routes)
    private_routes = vpc.add_route_table("private")
    private_routes.add_route("0.0.0.0/0", "nat-a")  # by name
    priv.associate(private_routes)
    web_sg = vpc.add_security_group("web-sg")
    web_sg.add_ingress("tcp", 80, cidr="0.0.0.0/0")
    web_sg.add_ingress("icmp", cidr="0.0.0.0/0")
    db_sg = vpc.add_security_group("db-sg")
    db_sg.add_ingress("tcp", 5432, group=web_sg)
    web = vpc.add_instance("web", pub, ip="10.0.1.10", public_ip="198.51.100.10", security_groups=["web-sg"])
    db = vpc.add_instance("db", priv, ip="10.0.2.10", security_groups=[db_sg])
    ext = cloud.add_internet_host("ext", "203.0.113.10")
    return Classic(net, cloud, vpc, pub, priv, igw, nat, public_routes, private_routes, web, db, ext)


# --- what it builds ------------------------------------------------------------------------------


def test_the_cloud_makes_the_documented_nodes_and_interfaces() -> None:
    c = classic()
    assert isinstance(c.net.node("web"), vpcsim.Instance)
    assert isinstance(c.net.node("web"), vpcsim.IpNode)
    assert isinstance(c.net.node("ext"), vpcsim.Endpoint)
    assert isinstance(c.net.node("igw-main"), vpcsim.InternetGateway)
    assert isinstance(c.net.node("nat-a"), vpcsim.NatRouter)
    assert isinstance(c.net.node("main-router"), vpcsim.VpcRouter)
    assert isinstance(c.net.node("public-a"), vpcsim.Switch)
    assert isinstance(c.net.node("internet"), vpcsim.Router)
    router = [i.name for i in c.net.node("main-router").interfaces]
    assert router[:2] == ["public-a", "private-a"] and "igw" in router
    assert [i.name for i in c.igw.interfaces] == ["vpc", "internet"]
    assert [i.name for i in c.web.interfaces] == ["eth0"] and c.web.interface("eth0").mtu == 9001
    assert "internet-203-0-113" in [n.name for n in c.net.nodes]
    assert (str(c.web.private_ip), str(c.web.public_ip), c.db.public_ip) == ("10.0.1.10", "198.51.100.10", None)
    assert str(c.pub.router_address) == "10.0.1.1" and c.pub.reserved_role("10.0.1.2") is not None
    assert c.pub.reserved_role("10.0.1.10") is None and c.pub.usable_addresses == 251
    assert [s.name for s in c.vpc.subnets] == ["public-a", "private-a"]
    assert c.priv.route_table.name == "private" and c.priv.network_acl.name == "default"


def test_addresses_as_seen_from_inside_and_outside() -> None:
    c = classic()
    assert str(c.cloud.address_of("web", "ext")) == "198.51.100.10"
    assert str(c.cloud.address_of("web", "db")) == "10.0.1.10"
    assert str(c.cloud.address_of("nat-a", "ext")) == "198.51.100.20"
    assert str(c.cloud.address_of("db", "ext")) == "10.0.2.10"  # no public address: its private one


# --- traffic -------------------------------------------------------------------------------------


def test_the_internet_reaches_web_through_the_gateway_translation() -> None:
    c = classic()
    c.web.tcp_listen(80, reply=b"hello")
    client = c.ext.tcp_connect("198.51.100.10", 80, data=b"GET /")
    ping = c.ext.ping("198.51.100.10", count=2)
    c.net.run(until="5s")
    assert client.reply == b"hello" and ping.received == 2
    # The gateway maps 1:1; what the internet host saw came from the public address.
    assert [str(r.source) for r in ping.replies] == ["198.51.100.10", "198.51.100.10"]


def test_db_reaches_the_internet_through_the_nat_gateway() -> None:
    c = classic()
    c.ext.tcp_listen(443, reply=b"tls")
    client = c.db.tcp_connect("203.0.113.10", 443, data=b"hi")
    c.net.run(until="5s")
    assert client.reply == b"tls"
    rows = tables.nat_translations_records(c.nat)
    assert len(rows) == 1 and rows[0]["src"] == "10.0.2.10" and rows[0]["snat"]
    # The NAT gateway translates to its private address; the internet gateway maps that to its EIP.
    assert rows[0]["reply_dst"] == str(c.nat.private_ip) and str(c.nat.public_ip) == "198.51.100.20"
    assert c.nat.connections_to("203.0.113.10", 443, "tcp") == 1


def test_security_groups_are_stateful_and_deny_what_no_rule_allows() -> None:
    c = classic()
    c.db.tcp_listen(5432, reply=b"pg")
    c.db.tcp_listen(22, reply=b"ssh")
    allowed = c.web.tcp_connect("10.0.2.10", 5432, data=b"q")
    denied = c.web.tcp_connect("10.0.2.10", 22, data=b"q")
    c.net.run(until="30s")
    assert allowed.reply == b"pg"  # the reply passed db-sg's egress and web-sg's ingress as tracked
    assert denied.state != "established" and denied.reply == b""
    assert c.db.tracked_connections >= 1
    reasons = {d["reason"] for d in tables.drops_records(c.net)}
    assert "security_group_denied" in reasons


def test_rules_change_what_the_next_packet_meets() -> None:
    c = classic()
    c.db.tcp_listen(22, reply=b"ssh")
    c.vpc.security_group("db-sg").add_ingress("tcp", "22", cidr="10.0.1.0/24")
    client = c.web.tcp_connect("10.0.2.10", 22, data=b"hi")
    c.net.run(until="5s")
    assert client.reply == b"ssh"


# --- route tables, rules, tables ----------------------------------------------------------------


def test_route_states_follow_the_targets() -> None:
    c = classic()
    assert [(str(r), r.target_kind) for r in c.private_routes.routes()] == [
        ("10.0.0.0/16 -> local (active)", "local"),
        ("0.0.0.0/0 -> nat-a (active)", c.private_routes.routes()[1].target_kind),
    ]
    c.vpc.delete_nat_gateway("nat-a")
    assert c.nat.deleted
    assert [r.state for r in c.private_routes.routes()] == ["active", "blackhole"]
    found = c.private_routes.lookup("203.0.113.10")
    assert found is not None and found.target == "nat-a" and found.state == "blackhole"
    assert c.private_routes.lookup("10.0.2.99").target == "local"
    assert c.private_routes.remove_route("0.0.0.0/0") and c.private_routes.lookup("203.0.113.10") is None


def test_route_table_records() -> None:
    c = classic()
    rows = tables.route_tables_records(c.vpc)
    assert [(r["table"], r["destination"], r["target"], r["state"], r["subnets"]) for r in rows] == [
        ("main", "10.0.0.0/16", "local", "active", ""),
        ("public", "10.0.0.0/16", "local", "active", "public-a"),
        ("public", "0.0.0.0/0", "igw-main", "active", "public-a"),
        ("private", "10.0.0.0/16", "local", "active", "private-a"),
        ("private", "0.0.0.0/0", "nat-a", "active", "private-a"),
    ]
    assert tables.route_tables_records(c.public_routes) == rows[1:3]
    assert list(tables.route_tables(c.vpc).columns) == list(tables.ROUTE_TABLES_COLUMNS)


def test_security_group_records() -> None:
    c = classic()
    rows = tables.security_groups_records(c.vpc.security_group("db-sg"))
    assert [(r["direction"], r["proto"], r["ports"], r["cidr"], r["peer_group"]) for r in rows] == [
        ("ingress", "tcp", "5432", None, "web-sg"),
        ("egress", "all", "all", "0.0.0.0/0", None),  # a new group allows all egress
    ]
    default = tables.security_groups_records(c.vpc.default_security_group)
    assert default[0]["peer_group"] == "default"  # the default group admits its own members
    c.vpc.security_group("db-sg").clear_egress()
    assert [r.direction for r in c.vpc.security_group("db-sg").egress] == []
    assert len(tables.security_groups(c.vpc)) == len(tables.security_groups_records(c.vpc))


def test_network_acl_rules_and_records() -> None:
    c = classic()
    acl = c.vpc.add_network_acl("acl-private")
    acl.add_rule("inbound", 100, "tcp", "5432", "10.0.0.0/16")
    acl.add_rule("inbound", 90, "tcp", (22, 22), "0.0.0.0/0", "deny")
    acl.add_rule("outbound", 100, "all", None, "0.0.0.0/0")
    acl.add_rule("inbound", 200, "icmp", cidr="0.0.0.0/0", icmp_type=8)
    c.priv.set_network_acl(acl)
    assert [r.number for r in acl.rules("inbound")] == [90, 100, 200]
    rows = tables.network_acls_records(c.vpc)
    mine = [(r["direction"], r["number"], r["action"], r["ports"]) for r in rows if r["acl"] == "acl-private"]
    assert mine == [
        ("inbound", 90, "deny", "22"),
        ("inbound", 100, "allow", "5432"),
        ("inbound", 200, "allow", "type 8"),
        ("inbound", None, "deny", "all"),  # the fixed * rule
        ("outbound", 100, "allow", "all"),
        ("outbound", None, "deny", "all"),
    ]
    assert {r["subnets"] for r in rows if r["acl"] == "acl-private"} == {"private-a"}
    assert acl.remove_rule("inbound", 90) and not acl.remove_rule("inbound", 90)


def test_an_acl_without_ephemeral_ports_breaks_the_reply() -> None:
    c = classic()
    acl = c.vpc.add_network_acl("acl-private")
    acl.add_rule("inbound", 100, "tcp", 5432, "10.0.0.0/16")
    acl.add_rule("outbound", 100, "tcp", 5432, "10.0.0.0/16")  # replies go to 1024-65535
    c.priv.set_network_acl(acl)
    c.db.tcp_listen(5432, reply=b"pg")
    client = c.web.tcp_connect("10.0.2.10", 5432, data=b"q")
    c.net.run(until="10s")
    assert client.reply == b""
    denied = [d for d in tables.drops_records(c.net) if d["reason"] == "acl_denied"]
    assert denied and all(d["node"] == "main-router" for d in denied)


def test_peering_joins_two_vpcs_both_ways_with_routes_on_each_side() -> None:
    net = vpcsim.Network(seed=3)
    cloud = vpcsim.Cloud(net)
    a = cloud.add_vpc("a", "10.1.0.0/16")
    b = cloud.add_vpc("b", "10.2.0.0/16")
    sa = a.add_subnet("a-1", "10.1.1.0/24")
    sb = b.add_subnet("b-1", "10.2.1.0/24")
    pcx = cloud.add_peering("pcx-ab", a, b)
    assert (pcx.requester.name, pcx.accepter.name) == ("a", "b") and cloud.peering("pcx-ab").name == "pcx-ab"
    x = a.add_instance("x", sa)
    y = b.add_instance("y", sb)
    a.default_security_group.add_ingress("icmp", cidr="10.0.0.0/8")
    b.default_security_group.add_ingress("icmp", cidr="10.0.0.0/8")
    a.main_route_table.add_route("10.2.0.0/16", pcx)
    ping = x.ping(str(y.private_ip))
    net.run(until="5s")
    assert ping.received == 0  # b has no route back yet
    b.main_route_table.add_route("10.1.0.0/16", "pcx-ab")
    ping = x.ping(str(y.private_ip), start=net.now_ns)
    net.run(until="10s")
    assert ping.received == 1
    assert str(cloud.address_of("y", "x")) == str(y.private_ip)
    assert "pcx-ab" in [i.name for i in a.router.interfaces]


def test_elastic_ips_come_from_the_pool() -> None:
    c = classic()
    bastion = c.vpc.add_instance("bastion", c.pub, auto_public_ip=True)
    assert bastion.public_ip is not None and str(bastion.public_ip).startswith("198.51.100.")
    eips = {e.name: e for e in c.cloud.elastic_ips}
    assert eips["bastion-public"].associated_with == "bastion"
    spare = c.cloud.allocate_elastic_ip("spare")
    assert spare.associated_with is None and spare.address != bastion.public_ip


# --- lifetimes -----------------------------------------------------------------------------------


def test_cloud_objects_keep_the_network_alive() -> None:
    def make() -> Any:
        net = vpcsim.Network(seed=1)
        cloud = vpcsim.Cloud(net)
        vpc = cloud.add_vpc("main", "10.0.0.0/16")
        return vpc.add_subnet("s", "10.0.1.0/24")

    subnet = make()
    gc.collect()
    assert subnet.vpc.name == "main" and subnet.lan.name == "s"
    instance = subnet.vpc.add_instance("i", subnet)
    assert str(instance.private_ip) == "10.0.1.4"  # the lowest address AWS does not reserve


# --- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, obj, field, text",
    [
        (lambda c: c.vpc.add_subnet("x", "10.0.1.128/25"), "x", "cidr", "overlaps subnet public-a"),
        (lambda c: c.vpc.add_subnet("x", "10.9.0.0/24"), "x", "cidr", "is not inside VPC main"),
        (lambda c: c.vpc.add_instance("x", c.pub, ip="10.0.1.255"), "x", "ip", "reserved"),
        (lambda c: c.vpc.add_instance("x", c.pub, ip="10.0.1.10"), "x", "ip", "web"),
        (lambda c: c.vpc.add_instance("x", c.pub, security_groups=["nope"]), "x", "security_groups[0]", "nope"),
        (lambda c: c.vpc.add_instance("x", c.pub, public_ip="198.51.100.10"), "x", "public_ip", "web"),
        (lambda c: c.public_routes.add_route("10.8.0.0/16", "igw-nope"), "public", "target", "igw-nope"),
        (lambda c: c.public_routes.add_route("0.0.0.0/0", c.igw), "public", None, "exists already"),
        (lambda c: c.public_routes.remove_route("10.0.0.0/16"), "public", None, "local route"),
        (lambda c: c.vpc.attach_internet_gateway("igw-2"), "main", "internet_gateway", "one per VPC"),
        (lambda c: c.cloud.add_internet_host("in", "10.0.3.3"), "in", "ip", "inside VPC main"),
        (lambda c: c.cloud.add_vpc("big", "10.0.0.0/8"), "big", "cidr", "/16 to /28"),
        (lambda c: c.vpc.security_group("web-sg").add_ingress("tcp", "80-70", cidr="0.0.0.0/0"), "web-sg", None, "reversed"),
        (lambda c: c.vpc.security_group("web-sg").add_ingress("tcp", 80), "web-sg", None, "peer"),
        (lambda c: c.vpc.default_network_acl.add_rule("inbound", 0, cidr="0.0.0.0/0"), "default", None, "1-32766"),
        (lambda c: c.cloud.explain("nobody", "web", "tcp", 80), "nobody", "from", "not one"),
    ],
)
def test_configuration_errors_name_the_object_and_field(action: Any, obj: str, field: Any, text: str) -> None:
    c = classic()
    with pytest.raises(vpcsim.ConfigError) as caught:
        action(c)
    assert caught.value.object == obj and text in str(caught.value)
    if field is not None:
        assert caught.value.field == field


def test_argument_mistakes_are_python_errors() -> None:
    c = classic()
    with pytest.raises(ValueError, match="inbound"):
        c.vpc.default_network_acl.add_rule("in", 10)
    with pytest.raises(ValueError, match="allow"):
        c.vpc.default_network_acl.add_rule("inbound", 10, action="permit")
    with pytest.raises(TypeError):
        c.vpc.security_group("web-sg").add_ingress("tcp", 80.5, cidr="0.0.0.0/0")
    with pytest.raises(vpcsim.ParseError):
        c.vpc.add_subnet("x", "10.0.300.0/24")


def test_aws_subnet_rules_are_those_of_a_real_subnet() -> None:
    # What `vpcsim subnet --aws` prints comes from here: the same answers a subnet built in a VPC gives.
    cloud = vpcsim.Cloud(vpcsim.Network(seed=1))
    subnet = cloud.add_vpc("main", "10.0.0.0/16").add_subnet("a", "10.0.5.0/26")
    rules = vpcsim.aws_subnet_rules("10.0.5.0/26")
    every = [subnet.cidr.address_at(i) for i in range(subnet.cidr.num_addresses)]
    assert rules.reserved == [(a, subnet.reserved_role(a)) for a in every if subnet.reserved_role(a) is not None]
    assert [str(a) for a, _ in rules.reserved] == ["10.0.5.0", "10.0.5.1", "10.0.5.2", "10.0.5.3", "10.0.5.63"]
    assert (str(rules.first_usable), str(rules.last_usable), rules.usable) == ("10.0.5.4", "10.0.5.62", subnet.usable_addresses)
    assert (vpcsim.AWS_MIN_PREFIX_LENGTH, vpcsim.AWS_MAX_PREFIX_LENGTH) == (16, 28)
    for refused in ("10.0.0.0/29", "10.0.0.0/15"):
        with pytest.raises(vpcsim.ConfigError, match="AWS blocks are /16 to /28"):
            vpcsim.aws_subnet_rules(refused)
