"""Scenario validation: each broken file in data/bad/ gives exactly the message in the table below
(FILE:LINE: PATH: MESSAGE), and the YAML dialect (YAML 1.2 scalars, duplicate keys, merge keys)."""

from __future__ import annotations

from pathlib import Path

import pytest

import vpcsim
from vpcsim import scenario
from vpcsim.scenario import ScenarioError

BAD_DIR = Path(__file__).resolve().parent / "data" / "bad"

# file -> "LINE: PATH: MESSAGE" (the message is str(error) without the leading "FILE:").
EXPECTED = {
    "bad_bandwidth.yaml": "8: links[0].bandwidth: invalid bandwidth '1Gbs': unknown unit 'Gbs' (one of bps, Kbps, Mbps, Gbps, Tbps)",
    "bad_duration.yaml": "6: links[0].delay: invalid duration '10xs': unknown unit 'xs' (one of ns, us, ms, s)",
    "bad_expect.yaml": "5: traffic[0].expect: unknown expectation 'replied' (did you mean 'reply'?)",
    "bad_interface_address.yaml": "6: nodes.h1.interfaces.eth0.ip: invalid IPv4 interface address '10.0.1.300/24': octet 300 is greater than 255",
    "bad_mac.yaml": "6: nodes.h1.interfaces.eth0.mac: invalid MAC address '02:00:00:00:01': expected 6 groups of two hex digits, found 5",
    "bad_node_name.yaml": "3: nodes.'web server': web server: name: node names have 1-255 characters, none of '.', '/', '\\', spaces or control characters",
    "bad_route_prefix.yaml": "8: nodes.h1.routes[0].to: invalid IPv4 prefix '10.9.0.1/16': host bits are set (the network is 10.9.0.0/16)",
    "capture_unknown_port.yaml": "9: capture[1]: unknown interface 'sw1.p3' (sw1 has p1, p2; a switch's ports are p1, p2, ... in link order)",
    "cloud_acl_duplicate_rule.yaml": "11: vpcs.main.network_acls.acl-a.inbound[1].rule: rule 100 is given twice in inbound (also vpcs.main.network_acls.acl-a.inbound[0], line 10)",
    "cloud_capture_unknown_interface.yaml": "7: capture[0]: unknown interface 'main-router.public-b' (main-router has public-a; did you mean 'public-a'?)",
    "cloud_explain_port_on_icmp.yaml": "11: explain[0].port: an icmp probe (echo request) has no port",
    "cloud_explain_unknown_component.yaml": "11: explain[0].blocked_by: unknown component 'web-gs' (did you mean 'web'?)",
    "cloud_explain_unknown_from.yaml": "10: explain[0].from: unknown instance or internet host 'wbe' (did you mean 'web'?)",
    "cloud_internet_host_in_vpc.yaml": "9: internet.hosts.ext: ext: ip: 10.0.1.50 is inside VPC main (10.0.0.0/16); internet hosts live outside every VPC",
    "cloud_name_clash.yaml": "9: vpcs.main.instances.web: instance 'web' has the name of node 'web' (node names are shared)",
    "cloud_overlapping_subnets.yaml": "7: vpcs.main.subnets.public-b.cidr: public-b: cidr: 10.0.1.128/25 overlaps subnet public-a (10.0.1.0/24)",
    "cloud_peering_unknown_vpc.yaml": "8: peerings.pcx-ab.vpcs[1]: unknown VPC 'other' (expected one of: main)",
    "cloud_public_ip_taken.yaml": "9: vpcs.main.instances.api.public_ip: api: public_ip: 198.51.100.10 is already the public address of web",
    "cloud_reserved_address.yaml": "8: vpcs.main.instances.web.ip: web: ip: 10.0.1.1 is reserved by AWS in subnet public-a: the VPC router (the first four addresses and the last one of every subnet are)",
    "cloud_route_inside_vpc.yaml": "9: vpcs.main.route_tables.public[0]: public: routes[10.0.1.0/25]: a route more specific than the local route 10.0.0.0/16 must match a subnet's block exactly and point at a NAT gateway or an instance",
    "cloud_sg_port_on_icmp.yaml": "9: vpcs.main.security_groups.web-sg.ingress[0].port: 'port' is for proto tcp or udp, not icmp (icmp takes icmp_type and icmp_code)",
    "cloud_sg_rule_two_peers.yaml": "10: vpcs.main.security_groups.web-sg.ingress[0]: a rule needs 'from' (a CIDR block) or 'from_sg' (a security group), not both",
    "cloud_subnet_outside_vpc.yaml": "7: vpcs.main.subnets.outside.cidr: outside: cidr: 10.1.0.0/24 is not inside VPC main (10.0.0.0/16)",
    "cloud_traffic_unknown_destination.yaml": "10: traffic[0].ping: 'nat-b' is neither an address nor a node (nodes: web)",
    "cloud_unknown_group.yaml": "11: vpcs.main.instances.web.security_groups[0]: unknown security group 'web-gs' (did you mean 'web-sg'?)",
    "cloud_unknown_route_target.yaml": "9: vpcs.main.route_tables.public[0].target: VPC main has no internet gateway, NAT gateway, instance or peering connection named 'igw-mian'; did you mean 'igw-main'?",
    "cloud_unknown_subnet.yaml": "8: vpcs.main.instances.web.subnet: unknown subnet 'publc-a' (did you mean 'public-a'?)",
    "cloud_unknown_vpc_key.yaml": "7: vpcs.main.subnet: unknown key 'subnet' (did you mean 'subnets'?)",
    "cloud_vpc_too_big.yaml": "3: vpcs.main.cidr: main: cidr: 10.0.0.0/8: AWS blocks are /16 to /28, not /8",
    "count_on_traceroute.yaml": "5: traffic[0].count: 'count' does not apply to a traceroute item (it takes: id, at, from, expect, traceroute, max_hops, queries, wait, first_ttl)",
    "duplicate_id.yaml": "6: traffic[1]: duplicate id 'p' (also traffic[0], line 5)",
    "duplicate_mac.yaml": "10: nodes.h2.interfaces.eth0.mac: h2.eth0: mac: 02:00:00:00:00:01 is already used by another interface",
    "duplicate_node.yaml": "5: duplicate key 'h1' (first given on line 3)",
    "duration_without_unit.yaml": "5: traffic[0].at: a duration needs a unit (ns, us, ms, s): write 5s or 5ms, not 5",
    "empty.yaml": "1: the file is empty: a scenario needs at least a name and nodes",
    "explain.yaml": "5: explain: explain answers questions about the cloud: add vpcs (and internet hosts) to ask them",
    "gateway_off_subnet.yaml": "7: nodes.h1.gateway: h1: route 0.0.0.0/0 via 10.0.2.1: gateway 10.0.2.1 is not on a connected subnet of h1 (Linux: 'Nexthop has invalid gateway')",
    "host_without_interface_in_link.yaml": "6: links[0]: h1 is a host: name one of its interfaces (h1.eth0)",
    "interfaces_as_list.yaml": "5: nodes.h1.interfaces: expected a mapping of interface names to {ip, mac, mtu}, got a list",
    "linked_twice.yaml": "8: links[1]: h1.eth0 is already linked by links[0] (line 7)",
    "listen_tcp_and_udp.yaml": "6: traffic[0].listen: listen on one of udp, tcp or http, not both udp and tcp (use two listen items)",
    "listen_twice.yaml": "6: traffic[1]: h1 already listens on UDP 9000 (traffic[0], line 5)",
    "listen_with_at.yaml": "5: traffic[0].at: a listener listens from the start: it takes no 'at'",
    "missing_name.yaml": "1: missing 'name' (every scenario is named)",
    "mtu_out_of_range.yaml": "6: nodes.h1.interfaces.eth0.mtu: 70000 is outside 68..9001",
    "nat_bad_port_range.yaml": "6: nodes.nat1.snat[0].ports: port range 3000-2000 must satisfy 1 <= low <= high <= 65535",
    "nat_dnat_bad_proto.yaml": "6: nodes.nat1.dnat[0].proto: unknown proto 'icmp' (expected one of: tcp, udp)",
    "nat_dnat_bad_target.yaml": "6: nodes.nat1.dnat[0].to: expected ADDRESS:PORT with a port 1-65535, got '10.0.0.2:99999'",
    "nat_dnat_duplicate.yaml": "8: nodes.nat1.dnat[1]: nat1: dnat[1]: tcp port 8080 on eth1 is already forwarded by dnat[0]",
    "nat_one_to_one_own_address.yaml": "6: nodes.nat1.one_to_one[0]: nat1: one_to_one[0].public: 203.0.113.1 is already an address of nat1",
    "nat_unknown_out.yaml": "6: nodes.nat1.snat[0].out: unknown interface 'eth9' (did you mean 'eth1'?)",
    "nat_unknown_timeout.yaml": "6: nodes.nat1.timeouts.udp_unreplied: unknown key 'udp_unreplied' (expected one of: udp, udp_stream, icmp, tcp_syn_sent, tcp_syn_recv, tcp_established, tcp_fin_wait, tcp_close_wait, tcp_last_ack, tcp_time_wait, tcp_close)",
    "negative_seed.yaml": "2: seed: -1 is outside 0..18446744073709551615",
    "overlapping_subnets.yaml": "7: nodes.r1.interfaces.eth1.ip: r1.eth1: ip: 10.0.1.2/25 overlaps 10.0.1.1/24 on r1.eth0",
    "ping_from_switch.yaml": "6: traffic[0].from: sw1 is a switch: it runs no applications (use a host or a router)",
    "route_to_nowhere.yaml": "8: nodes.h1.routes[0]: h1: route 10.9.0.0/16 via 10.0.5.1: gateway 10.0.5.1 is not on a connected subnet of h1 (Linux: 'Nexthop has invalid gateway')",
    "route_two_kinds.yaml": "7: nodes.r1.routes[0]: a route takes one of via, dev, unreachable, blackhole, prohibit, not both 'via' and 'unreachable'",
    "self_link.yaml": "5: links[0]: cannot link the switch sw1 to itself",
    "snat_on_router.yaml": "6: nodes.r1.snat: 'snat' is for nodes of kind: nat (a router that translates)",
    "switch_with_interfaces.yaml": "5: nodes.sw1.interfaces: a switch has no interfaces to declare: each link to it makes a new port (p1, p2, ...)",
    "tcp_count.yaml": "5: traffic[0].tcp.count: unknown key 'count' (expected one of: to, from_port, data)",
    "udp_port_in_use.yaml": "6: traffic[1]: h1: udp port 5353: already in use",
    "udp_without_port.yaml": "6: traffic[0].udp.to: expected ADDRESS:PORT or NODE:PORT, such as 10.0.2.20:9000, got '10.0.1.20'",
    "unknown_destination.yaml": "6: traffic[0].ping: 'h3' is neither an address nor a node (nodes: h1, h2)",
    "unknown_interface.yaml": "15: links[3]: unknown interface 'r1.eth7' (r1 has eth0, eth1; did you mean 'eth1'?)",
    "unknown_kind.yaml": "3: nodes.h1.kind: unknown kind 'hots' (did you mean 'host'?)",
    "unknown_node_in_link.yaml": "6: links[0]: unknown node 'h3' (expected one of: h1, h2)",
    "unknown_node_key.yaml": "5: nodes.h1.intefaces: unknown key 'intefaces' (did you mean 'interfaces'?)",
    "unknown_top_key.yaml": "2: nodez: unknown key 'nodez' (did you mean 'nodes'?)",
    "yaml_syntax.yaml": "4: YAML syntax: expected ',' or '}', but got ':' (while parsing a flow mapping from line 3)",
}


def test_every_bad_file_is_in_the_table() -> None:
    assert sorted(p.name for p in BAD_DIR.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_its_message(name: str) -> None:
    path = BAD_DIR / name
    with pytest.raises(ScenarioError) as caught:
        scenario.load(path)
    error = caught.value
    assert str(error) == f"{path}:{EXPECTED[name]}"
    line, _, rest = EXPECTED[name].partition(": ")
    assert error.file == str(path) and error.line == int(line)
    assert str(error).endswith(error.message)
    assert error.path == "" or rest.startswith(error.path + ": ")
    # a ScenarioError is a vpcsim.ConfigError, and a ValueError
    assert isinstance(error, vpcsim.ConfigError) and isinstance(error, ValueError)
    assert (error.object, error.field) == (error.file, error.path)


def test_an_unreadable_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"^.*missing\.yaml: cannot read: No such file or directory$"):
        scenario.load(tmp_path / "missing.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ScenarioError, match="not a text file"):
        scenario.load(binary)


def test_a_character_yaml_forbids_names_its_line() -> None:
    # Found by tests/fuzz/scenario_fuzz.py: PyYAML's ReaderError (NUL and most control characters)
    # escaped the loader as a traceback; it is a ScenarioError at the character's line.
    with pytest.raises(ScenarioError) as caught:
        scenario.loads("name: t\nnodes:\n  \0 h1: {kind: host}\n", "nul.yaml")
    assert str(caught.value) == "nul.yaml:3: not YAML text: special characters are not allowed (character 0)"
    with pytest.raises(ScenarioError, match=r"^bell\.yaml:1: not YAML text: special characters are not allowed \(character 7\)"):
        scenario.loads("name: \a\n", "bell.yaml")


def load_text(text: str) -> scenario.Scenario:
    return scenario.loads(text, "inline.yaml")


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_text(text)
    return str(caught.value)


HOST = "name: t\nnodes:\n  h1: {kind: host, interfaces: {eth0: {ip: 10.0.1.10/24}}}\n"


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: t\n", "inline.yaml:1: missing 'nodes' (the hosts, switches and routers)"),
        ("- a\n- b\n", "inline.yaml:1: expected a mapping (name, nodes, links, traffic, ...), got a list"),
        ("name: 5\nnodes: {h1: {kind: host}}\n", "inline.yaml:1: name: expected text, got a number (5)"),
        ("name: t\nnodes: {}\n", "inline.yaml:2: nodes: a scenario needs at least one node"),
        ("name: t\nnodes: {h1: {}}\n", "inline.yaml:2: nodes.h1: missing 'kind' (host, switch or router)"),
        ("name: t\nseed: true\nnodes: {h1: {kind: host}}\n", "inline.yaml:2: seed: expected a whole number, got true"),
        ("name: t\nuntil: 1.5\nnodes: {h1: {kind: host}}\n",
         "inline.yaml:2: until: a duration needs a unit (ns, us, ms, s): write 1.5s or 1.5ms, not 1.5"),
        ("name: t\nuntil: -1s\nnodes: {h1: {kind: host}}\n",
         "inline.yaml:2: until: invalid duration '-1s': expected a number followed by a unit"),
        ("name: t\ncapture: some\nnodes: {h1: {kind: host}}\n",
         "inline.yaml:2: capture: expected all or a list of interfaces, got 'some'"),
        (HOST + "traffic:\n  - {from: h1}\n", "inline.yaml:5: traffic[0]: a traffic item needs one of: ping, udp, tcp, http, traceroute, listen, replay"),
        (HOST + "traffic:\n  - {from: h1, ping: 10.0.1.10, udp: {to: 10.0.1.10:9}}\n",
         "inline.yaml:5: traffic[0]: a traffic item is one of ping, udp, tcp, http, traceroute, listen, replay, not both 'ping' and 'udp'"),
        (HOST + "traffic:\n  - {ping: 10.0.1.10}\n", "inline.yaml:5: traffic[0]: missing 'from' (the node that sends the ping)"),
        (HOST + "traffic:\n  - {on: h1, ping: 10.0.1.10}\n", "inline.yaml:5: traffic[0].on: 'on' is for listen items: a ping takes 'from'"),
        (HOST + "traffic:\n  - {from: h1, listen: {udp: 9}}\n",
         "inline.yaml:5: traffic[0].from: a listener takes 'on' (the node that listens), not 'from'"),
        (HOST + "traffic:\n  - {on: h1, listen: {udp: 9}, expect: unreachable}\n",
         "inline.yaml:5: traffic[0].expect: a listener expects reply (something arrived) or timeout (nothing did)"),
        (HOST + "traffic:\n  - {from: h1, ping: 10.0.1.10, count: 0}\n", "inline.yaml:5: traffic[0].count: 0 is outside 1..4294967295"),
        (HOST + "traffic:\n  - {from: h1, ping: 10.0.1}\n",
         "inline.yaml:5: traffic[0].ping: invalid IPv4 address '10.0.1': expected 4 octets separated by '.', found 3 (shorthand forms like 10.1 are not accepted)"),
        (HOST + "traffic:\n  - {from: h1, udp: {to: 10.0.1.10:70000}}\n",
         "inline.yaml:5: traffic[0].udp.to: port '70000' is not a number in 1..65535"),
        (HOST + "traffic:\n  - {from: h1, udp: {to: 10.0.1.10:9, data: 42}}\n",
         "inline.yaml:5: traffic[0].udp.data: expected text, got a number (42)"),
        (HOST + "traffic:\n  - {from: h1, traceroute: 10.0.1.10, wait: 0s}\n", "inline.yaml:5: traffic[0].wait: must be longer than 0"),
        (HOST + "traffic:\n  - {from: h1, traceroute: 10.0.1.10, max_hops: 3, first_ttl: 4}\n",
         "inline.yaml:5: traffic[0].first_ttl: first_ttl 4 is above max_hops 3"),
        (HOST + "  sw1: {kind: switch}\ntraffic:\n  - {from: h1, ping: sw1}\n",
         "inline.yaml:6: traffic[0].ping: sw1 is a switch: it has no address to send to"),
        (HOST + "  h2: {kind: host}\ntraffic:\n  - {from: h1, ping: h2}\n",
         "inline.yaml:6: traffic[0].ping: h2 has no address: give one of its interfaces an ip"),
        (HOST + "  sw1: {kind: switch}\nlinks:\n  - [h1.eth0]\n", "inline.yaml:6: links[0]: a link has two ends: [A, B], got 1"),
        (HOST + "  sw1: {kind: switch}\nlinks:\n  - {a: h1.eth0}\n",
         "inline.yaml:6: links[0]: missing 'b' (a link is {a: h1.eth0, b: sw1, delay: 10us, ...})"),
        (HOST + "  sw1: {kind: switch}\nlinks:\n  - [h1.eth0, sw1.p1]\n",
         "inline.yaml:6: links[0]: sw1 is a switch: write just 'sw1' (each link makes a new port)"),
        (HOST + "  sw1: {kind: switch}\nlinks:\n  - {a: h1.eth0, b: sw1, queue: 0}\n", "inline.yaml:6: links[0].queue: 0 is outside 1..4294967295"),
        (HOST + "  sw1: {kind: switch}\nlinks:\n  - {a: h1.eth0, b: sw1, medium: wifi}\n",
         "inline.yaml:6: links[0].medium: medium must be ethernet or veth, got 'wifi'"),
        (HOST + "  sw1: {kind: switch}\nlinks:\n  - {a: h1.eth0, b: sw1, delay: 10}\n",
         "inline.yaml:6: links[0].delay: a duration needs a unit (ns, us, ms, s): write 10s or 10ms, not 10"),
        (HOST + "links:\n  - [h1.eth0, h1.eth0]\n", "inline.yaml:5: links[0]: both ends are h1.eth0: a link joins two different interfaces"),
        (HOST + "capture: [h1.eth0, h1]\n", "inline.yaml:4: capture[1]: h1.eth0 is captured twice (also capture[0], line 4)"),
        ("name: t\nnodes:\n  h1:\n    kind: host\n    interfaces: {eth0: 10.0.1.10/24}\n    routes: [{via: 10.0.1.1}]\n",
         "inline.yaml:6: nodes.h1.routes[0]: missing 'to' (the destination prefix, such as 10.9.0.0/16 or default)"),
        ("name: t\nnodes:\n  h1:\n    kind: host\n    interfaces: {eth0: 10.0.1.10/24}\n    routes: [{to: 10.9.0.0/16}]\n",
         "inline.yaml:6: nodes.h1.routes[0]: a route needs one of: via (a gateway), dev (an interface), unreachable, blackhole, prohibit"),
        ("name: t\nnodes:\n  h1:\n    kind: host\n    interfaces: {eth0: 10.0.1.10/24}\n    routes: [{to: 10.9.0.0/16, dev: eth9}]\n",
         "inline.yaml:6: nodes.h1.routes[0].dev: unknown interface 'eth9' (did you mean 'eth0'?)"),
        ("name: t\nnodes:\n  h1:\n    kind: host\n    interfaces: {eth0: 10.0.1.10/24}\n    routes: [{to: 10.9.0.0/16, unreachable: yes}]\n",
         "inline.yaml:6: nodes.h1.routes[0].unreachable: expected true or false, got text ('yes')"),
        ("name: t\nnodes:\n  h1:\n    kind: host\n    interfaces: {eth0: 10.0.1.10/24}\n    gateway: 10.0.1.1\n    routes: [{to: default, via: 10.0.1.2}]\n",
         "inline.yaml:7: nodes.h1.routes[0]: h1: routes: a route to 0.0.0.0/0 already exists (default via 10.0.1.1 dev eth0)"),
        ("name: t\nnodes:\n  h1: {kind: host, interfaces: {a.b: 10.0.1.10/24}}\n",
         "inline.yaml:3: nodes.h1.interfaces.'a.b': h1: interfaces: invalid interface name 'a.b' (1-255 characters, "
         "none of '.', '/', '\\', whitespace or control characters)"),
        ("name: t\nnodes:\n  1: {kind: host}\n", "inline.yaml:3: nodes.1: a node name must be text, got a number (1)"),
    ],
)
def test_inline_mistakes(text: str, message: str) -> None:
    assert error_of(text) == message


# --- the YAML dialect -------------------------------------------------------------------------------


def test_on_is_a_key_not_a_boolean() -> None:
    sc = load_text(HOST + "traffic:\n  - {on: h1, listen: {udp: 9000, reply: pong}}\n")
    assert sc.traffic[0].kind == "listen" and sc.traffic[0].node == "h1"


def test_mac_without_quotes_stays_text() -> None:
    # YAML 1.1 would read 12:34:56:00:00:01 as a sexagesimal integer.
    sc = load_text("name: t\nnodes:\n  h1: {kind: host, interfaces: {eth0: {mac: 12:34:56:00:00:01}}}\n")
    assert sc.nodes["h1"].interfaces[0].mac == "12:34:56:00:00:01"


def test_integers_are_decimal() -> None:
    sc = load_text("name: t\nseed: 010\nnodes: {h1: {kind: host}}\n")
    assert sc.seed == 10


def test_yes_and_no_are_text() -> None:
    sc = load_text("name: yes\ndescription: no\nnodes: {h1: {kind: host}}\n")
    assert (sc.name, sc.description) == ("yes", "no")


def test_anchors_and_merge_keys() -> None:
    text = """
name: merge
defaults: &fast {delay: 1us, bandwidth: 10Gbps}
nodes:
  h1: {kind: host, interfaces: {eth0: 10.0.1.10/24}}
  h2: {kind: host, interfaces: {eth0: 10.0.1.20/24}}
links:
  - {<<: *fast, a: h1.eth0, b: h2.eth0, delay: 2us}
"""
    # `defaults` is not a field: the anchor has to live somewhere known, so use a link instead.
    assert error_of(text) == "inline.yaml:3: defaults: unknown key 'defaults' (expected one of: name, description, seed, until, nodes, links, vpcs, peerings, internet, traffic, explain, capture, trace, tables, flow_logs)"
    text = """
name: merge
nodes:
  h1: {kind: host, interfaces: {eth0: 10.0.1.10/24, eth1: 10.0.2.10/24}}
  h2: {kind: host, interfaces: {eth0: 10.0.1.20/24, eth1: 10.0.2.20/24}}
links:
  - &fast {a: h1.eth0, b: h2.eth0, delay: 1us, bandwidth: 10Gbps}
  - {<<: *fast, a: h1.eth1, b: h2.eth1, delay: 2us}
"""
    sc = load_text(text)
    assert [(l.a, l.b, l.delay, l.bandwidth) for l in sc.links] == [
        ("h1.eth0", "h2.eth0", 1000, 10_000_000_000),
        ("h1.eth1", "h2.eth1", 2000, 10_000_000_000),
    ]


def test_a_duplicate_key_in_any_mapping_is_an_error() -> None:
    assert error_of(HOST + "traffic:\n  - {from: h1, ping: 10.0.1.10, ping: 10.0.1.11}\n") == (
        "inline.yaml:5: duplicate key 'ping' (first given on line 5)"
    )


def test_a_mapping_as_a_key_is_an_error() -> None:
    assert error_of("name: t\n? {a: 1}\n: x\n") == "inline.yaml:2: a key must be text, not a mapping or a list"


# --- the validated object -------------------------------------------------------------------------------


def test_load_returns_the_fields_with_their_defaults(scenarios_dir: Path) -> None:
    sc = scenario.load(scenarios_dir / "two_subnets.yaml")
    assert (sc.name, sc.seed, sc.until) == ("two-subnets", 1, 4_000_000_000)
    assert list(sc.nodes) == ["h1", "r1", "h2"]
    assert sc.nodes["h1"].gateway == "10.0.1.1"
    assert [(l.a, l.b, l.delay, l.bandwidth, l.queue) for l in sc.links] == [
        ("h1.eth0", "r1.eth0", None, None, 1000),
        ("r1.eth1", "h2.eth0", None, None, 1000),
    ]
    kinds = [(t.kind, t.node, t.start, t.expect) for t in sc.traffic]
    assert kinds == [
        ("listen", "h2", 0, "reply"),
        ("ping", "h1", 0, "reply"),
        ("udp", "h1", 1_000_000_000, "reply"),
        ("udp", "h1", 2_000_000_000, "unreachable"),
    ]
    assert sc.traffic[1].params == {"count": 1, "interval": 1_000_000_000, "ttl": 64, "size": 56}
    assert sc.capture == ["h1.eth0", "r1.eth0", "r1.eth1", "h2.eth0"]
    assert "3 nodes (2 hosts, 1 router), 2 links, 4 traffic items" in sc.summary()


def test_loads_accepts_a_dict() -> None:
    sc = scenario.loads({"name": "d", "nodes": {"h1": {"kind": "host", "interfaces": {"eth0": "10.0.1.10/24"}}}})
    assert sc.nodes["h1"].interfaces[0].ip == "10.0.1.10/24"
    with pytest.raises(ScenarioError, match=r"^<string>:1: nodes.h1.kind: unknown kind 'hots'"):
        scenario.loads({"name": "d", "nodes": {"h1": {"kind": "hots"}}})


def test_a_scenario_runs_more_than_once() -> None:
    sc = load_text(HOST + "  h2: {kind: host, interfaces: {eth0: 10.0.1.20/24}}\nlinks: [[h1.eth0, h2.eth0]]\n"
                   "traffic:\n  - {from: h1, ping: h2, expect: reply}\n")
    first, second = sc.run(), sc.run()
    assert first.results == second.results and first.all_met
    assert first.network is not second.network


def test_a_long_non_ascii_node_name_is_a_scenario_error() -> None:
    # Found by tests/fuzz/scenario_fuzz.py: the C++ error cut the name inside a UTF-8 character, and
    # turning the message into a Python str raised UnicodeDecodeError instead of the ScenarioError.
    name = "\ufffd" * 95
    text = f"name: t\nnodes:\n  {name}:\n    kind: host\n"
    with pytest.raises(ScenarioError, match=r"^long\.yaml:\d+: .*\(285 bytes\)"):
        scenario.loads(text, "long.yaml")
