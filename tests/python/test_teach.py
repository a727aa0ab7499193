"""vpcsim.teach: every exercise says Right for the right answer and Not quite, with the reason a
student can act on, for the usual wrong ones; the right answer follows the simulation it is about."""
from __future__ import annotations

from pathlib import Path

import pytest

import vpcsim
from vpcsim import teach


def right(verdict: teach.Verdict) -> None:
    assert verdict and verdict.message.startswith("Right: "), verdict.message


def wrong(verdict: teach.Verdict, *reasons: str) -> None:
    assert not verdict and verdict.message.startswith("Not quite: "), verdict.message
    for reason in reasons:
        assert reason in verdict.message, verdict.message


# --- registry and answers that are not answers ----------------------------------------------------


def test_every_notebook_exercise_is_registered() -> None:
    keys = teach.exercises()
    assert {"01.netmask", "01.which-subnet", "02.flood", "03.gateway-mac", "04.ttl-hop",
            "05.port-clash", "06.blocked-by"} <= set(keys)
    assert keys == sorted(keys)


def test_unknown_exercise_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="01.netmask"):
        teach.exercise("01.nope")


def test_no_answer_and_unreadable_answers() -> None:
    ex = teach.exercise("01.which-subnet")
    for blank in (None, "", "  "):
        verdict = ex.check(blank)
        assert not verdict and verdict.message.startswith("No answer yet: ")
    wrong(ex.check("10.0.16.0"), "not a CIDR block")
    wrong(ex.check("10.0.300.0/20"), "not a subnet")
    wrong(teach.exercise("01.netmask").check("255.255.x.0"), "not an IPv4 address")
    wrong(teach.exercise("01.usable-hosts").check("lots"), "not a whole number")
    assert repr(ex.check(None)) == str(ex.check(None)) == ex.check(None).message


# --- 01: addressing --------------------------------------------------------------------------------


def test_netmask() -> None:
    ex = teach.exercise("01.netmask", length=20)
    right(ex.check("255.255.240.0"))
    wrong(ex.check("255.255.255.0"), "mask of a /24", "255.255.240.0")
    wrong(ex.check("255.0.255.0"), "not a netmask at all")
    right(teach.exercise("01.netmask", length=26).check(" 255.255.255.192 "))


def test_usable_hosts() -> None:
    ex = teach.exercise("01.usable-hosts", cidr="10.0.1.0/26")
    right(ex.check(62))
    right(ex.check("62"))
    wrong(ex.check(64), "network and broadcast")
    wrong(ex.check(59), "AWS")
    wrong(ex.check(30), "10.0.1.1 - 10.0.1.62")
    assert teach.exercise("01.usable-hosts", cidr="10.0.0.0/31").expected() == 2  # RFC 3021


def test_which_subnet() -> None:
    ex = teach.exercise("01.which-subnet", address="10.0.17.5", parent="10.0.0.0/16", length=20)
    right(ex.check("10.0.16.0/20"))
    right(ex.check(vpcsim.Ipv4Prefix("10.0.16.0/20")))
    wrong(ex.check("10.0.17.0/20"), "host bits are set", "10.0.16.0/20")
    wrong(ex.check("10.0.32.0/20"), "runs from 10.0.32.0 to 10.0.47.255")
    wrong(ex.check("10.0.17.0/24"), "is a /24")
    wrong(ex.check("10.1.16.0/20"), "not one of the subnets of 10.0.0.0/16")
    assert str(teach.exercise("01.which-subnet", address="10.0.200.1").expected()) == "10.0.192.0/20"
    with pytest.raises(ValueError):
        teach.exercise("01.which-subnet", address="192.0.2.1")


def test_aws_first_usable_follows_the_subnet_vpcsim_builds() -> None:
    ex = teach.exercise("01.aws-first-usable", cidr="10.0.32.0/20")
    right(ex.check("10.0.32.4"))
    wrong(ex.check("10.0.32.1"), "reserved by AWS", "VPC router")
    wrong(ex.check("10.0.32.0"), "network address")
    wrong(ex.check("10.0.32.9"), "not the first one")
    wrong(ex.check("10.0.48.4"), "is not in 10.0.32.0/20")
    assert [a for a, _ in ex.reserved()] == ["10.0.32.0", "10.0.32.1", "10.0.32.2", "10.0.32.3", "10.0.47.255"]


# --- 02 and 03: one switch; a default gateway -------------------------------------------------------


@pytest.fixture(scope="module")
def lan(tmp_path_factory: pytest.TempPathFactory) -> dict:
    directory = tmp_path_factory.mktemp("teach-lan")
    net = vpcsim.Network(seed=1)
    switch = net.add_switch("sw1")
    captures, pcaps = [], {}
    for i in range(1, 5):
        host = net.add_host(f"h{i}")
        host.add_interface("eth0", f"10.0.1.{10 * i}/24")
        net.connect(f"h{i}.eth0", "sw1")
        pcaps[f"h{i}"] = str(directory / f"h{i}.pcap")
        captures.append(vpcsim.capture(net, f"h{i}.eth0", pcaps[f"h{i}"]))
    ping = net.node("h1").ping("10.0.1.20", count=3)
    net.run(until="3s")
    for capture in captures:
        capture.flush()
    return {"net": net, "switch": switch, "pcaps": pcaps, "ping": ping}


def test_flood(lan: dict) -> None:
    ex = teach.exercise("02.flood", pcaps=lan["pcaps"], sender="h1", target="10.0.1.20")
    assert ex.expected() == ["h2", "h3", "h4"]
    right(ex.check(["h4", "h2", "h3"]))
    right(ex.check("h2, h3, h4"))
    wrong(ex.check(["h2"]), "everyone hears the question")
    wrong(ex.check(["h2", "h3"]), "h4 got it too")
    wrong(ex.check(["h9"]), "no host h9")


def test_mac_table_learns_only_senders(lan: dict) -> None:
    ex = teach.exercise("02.mac-table", net=lan["net"], switch=lan["switch"])
    assert ex.expected() == ["h1", "h2"]
    right(ex.check(["h2", "h1"]))
    wrong(ex.check(["h1", "h2", "h3"]), "h3 never sent a frame", "where it is")
    wrong(ex.check(["h1"]), "SOURCE")


def test_arp_requests(lan: dict) -> None:
    ex = teach.exercise("02.arp-requests", pcap=lan["pcaps"]["h1"], ping=lan["ping"])
    right(ex.check(1))
    wrong(ex.check(3), "Not one per ping")
    wrong(ex.check(0), "first round trip is the longest")


@pytest.fixture(scope="module")
def two_subnets() -> vpcsim.Network:
    return teach.lan.two_subnets()


def test_gateway_mac(two_subnets: vpcsim.Network) -> None:
    net = two_subnets
    ex = teach.exercise("03.gateway-mac", net=net, source="h1", destination="10.0.2.20")
    right(ex.check(str(net.interface("r1.eth0").mac)))
    right(ex.check(net.interface("r1.eth0").mac))
    wrong(ex.check(str(net.interface("h2.eth0").mac)), "h2.eth0's own MAC", "gateway")
    wrong(ex.check("ff:ff:ff:ff:ff:ff"), "Broadcast is for the ARP request")
    wrong(ex.check("not-a-mac"), "not a MAC address")
    on_link = teach.exercise("03.gateway-mac", net=net, source="r1", destination="10.0.2.20")
    right(on_link.check(str(net.interface("h2.eth0").mac)))


def test_wrong_mask_runs_the_network_it_asks_about() -> None:
    ex = teach.exercise("03.wrong-mask", mask=16)
    assert ex.outcome != "reply"
    right(ex.check("b"))
    right(ex.check("B)"))
    wrong(ex.check("c"), "Not 'the router r1 drops the ping'", "failed")
    wrong(ex.check("d"), "answer one of a, b, c")
    assert teach.exercise("03.wrong-mask", mask=24).expected() == "a"  # the right mask: answered


# --- 04: routing -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain() -> vpcsim.Network:
    net = vpcsim.Network(seed=1)
    nodes = {"h1": net.add_host("h1"), "r1": net.add_router("r1"), "r2": net.add_router("r2"),
             "h2": net.add_host("h2")}
    for name, iface, ip in (("h1", "eth0", "10.0.1.10/24"), ("r1", "eth0", "10.0.1.1/24"),
                            ("r1", "eth1", "10.0.12.1/24"), ("r2", "eth0", "10.0.12.2/24"),
                            ("r2", "eth1", "10.0.3.1/24"), ("h2", "eth0", "10.0.3.20/24")):
        nodes[name].add_interface(iface, ip)
    nodes["h1"].set_default_gateway("10.0.1.1")
    nodes["h2"].set_default_gateway("10.0.3.1")
    nodes["r1"].set_default_gateway("10.0.12.2")
    nodes["r1"].add_route("10.0.0.0/16", via="10.0.12.2")
    nodes["r2"].add_route("10.0.1.0/24", via="10.0.12.1")
    for a, b in (("h1.eth0", "r1.eth0"), ("r1.eth1", "r2.eth0"), ("r2.eth1", "h2.eth0")):
        net.connect(a, b)
    return net


def test_longest_prefix(chain: vpcsim.Network) -> None:
    r1 = chain.node("r1")
    ex = teach.exercise("04.longest-prefix", node=r1, destination="10.0.99.1")
    right(ex.check("10.0.0.0/16"))
    wrong(ex.check("default"), "a longer prefix matches too")
    wrong(ex.check("10.0.1.0/24"), "does not hold 10.0.99.1")
    wrong(ex.check("10.0.0.0/8"), "r1 has no route 10.0.0.0/8")
    right(teach.exercise("04.longest-prefix", node=r1, destination="192.0.2.1").check("default"))
    right(teach.exercise("04.longest-prefix", node=r1, destination="10.0.12.9").check("10.0.12.0/24"))


def test_ttl_hop_and_missing_route(chain: vpcsim.Network) -> None:
    tr = chain.node("h1").traceroute("10.0.3.20", queries=1, wait="1s")
    lost = chain.node("h1").ping("10.0.99.1", start="5s")  # r1 sends 10.0.0.0/16 to r2, which has no route
    chain.run(until="10s")
    ex = teach.exercise("04.ttl-hop", traceroute=tr, ttl=2)
    right(ex.check("10.0.12.2"))
    wrong(ex.check("10.0.1.1"), "10.0.1.1 answers TTL 1, not 2")
    wrong(ex.check("10.0.99.99"), "Time to live exceeded")
    assert lost.outcome == "unreachable"
    missing = teach.exercise("04.missing-route", net=chain, destination="10.0.99.1")
    right(missing.check("r2"))
    right(missing.check(chain.node("r2")))
    wrong(missing.check("r1"), "no route to 10.0.99.1 at r2")
    wrong(missing.check("r9"), "no node 'r9'")


# --- 05: NAT ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home() -> dict:
    net = vpcsim.Network(seed=1)
    pcs = [net.add_host("pc1"), net.add_host("pc2")]
    nat, srv = net.add_nat("nat1"), net.add_host("srv")
    net.add_switch("lan")
    for i, pc in enumerate(pcs, start=1):
        pc.add_interface("eth0", f"192.168.1.{10 * i}/24")
        pc.set_default_gateway("192.168.1.1")
        net.connect(f"pc{i}.eth0", "lan")
    nat.add_interface("eth0", "192.168.1.1/24")
    nat.add_interface("eth1", "203.0.113.1/24")
    nat.add_snat("192.168.1.0/24", out="eth1")
    srv.add_interface("eth0", "203.0.113.10/24")
    net.connect("nat1.eth0", "lan")
    net.connect("nat1.eth1", "srv.eth0")
    srv.udp_listen(9000, reply=b"pong")
    for pc in pcs:
        pc.udp_send("203.0.113.10", 9000, b"hi", source_port=40000)
    knock = srv.tcp_connect("203.0.113.1", 22, b"hello", start="1s")
    net.run(until="3s")
    return {"nat": nat, "knock": knock}


def test_outside_source(home: dict) -> None:
    ex = teach.exercise("05.outside-source", nat=home["nat"], source="192.168.1.10", source_port=40000)
    right(ex.check(ex.expected()))
    assert ex.expected().startswith("203.0.113.1:")
    wrong(ex.check("192.168.1.10:40000"), "private address")
    wrong(ex.check("203.0.113.1"), "answer address:port")
    with pytest.raises(ValueError, match="tracks no flow"):
        teach.exercise("05.outside-source", nat=home["nat"], source="192.168.1.99", source_port=1).expected()


def test_inbound(home: dict) -> None:
    ex = teach.exercise("05.inbound", client=home["knock"], nat=home["nat"])
    assert home["knock"].outcome != "reply"
    right(ex.check("no"))
    right(ex.check(False))
    wrong(ex.check("yes"), "translates only flows it has seen leave")
    wrong(ex.check("maybe"), "answer yes or no")


def test_port_clash(home: dict) -> None:
    ex = teach.exercise("05.port-clash", nat=home["nat"], sources=["192.168.1.10", "192.168.1.20"],
                        source_port=40000)
    first, second = ex.expected()
    assert first == 40000 and second != 40000
    right(ex.check([first, second]))
    right(ex.check(f"{first}, {second}"))
    wrong(ex.check([40000, 40000]), "could not be told apart")
    wrong(ex.check([second, first]), f"first flow keeps {first}")
    wrong(ex.check([40000]), "give 2 ports")


# --- 06: the cloud ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cloud() -> vpcsim.Cloud:
    cloud = vpcsim.Cloud(vpcsim.Network(seed=1))
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    pub, priv = vpc.add_subnet("public-a", "10.0.1.0/24"), vpc.add_subnet("private-a", "10.0.2.0/24")
    public = vpc.add_route_table("public")
    public.add_route("0.0.0.0/0", vpc.attach_internet_gateway("igw-main"))
    pub.associate(public)
    web_sg = vpc.add_security_group("web-sg")
    web_sg.add_ingress("tcp", 80, cidr="0.0.0.0/0")
    vpc.add_instance("web", pub, ip="10.0.1.10", public_ip="198.51.100.10", security_groups=[web_sg])
    vpc.add_instance("db", priv, ip="10.0.2.10")
    cloud.add_internet_host("ext", "203.0.113.10")
    return cloud


def test_reachable_and_blocked_by(cloud: vpcsim.Cloud) -> None:
    right(teach.exercise("06.reachable", cloud=cloud, from_="ext", to="web", protocol="tcp", port=80).check("yes"))
    wrong(teach.exercise("06.reachable", cloud=cloud, from_="ext", to="db", protocol="tcp", port=5432).check("yes"),
          "NO_ROUTE_TO_DESTINATION")
    ex = teach.exercise("06.blocked-by", cloud=cloud, from_="db", to="web", protocol="tcp", port=22)
    right(ex.check("web-sg"))
    wrong(ex.check("public"), "public lets it through", "add an ingress rule to web-sg")
    cloud.vpc("main").security_group("web-sg").add_ingress("tcp", 22, cidr="10.0.2.10/32")
    fixed = teach.exercise("06.blocked-by", cloud=cloud, from_="db", to="web", protocol="tcp", port=22)
    assert fixed.expected() == "nothing"  # the rules are live: the answer follows them


def test_route_target(cloud: vpcsim.Cloud) -> None:
    table = cloud.vpc("main").route_table("public")
    right(teach.exercise("06.route-target", table=table, destination="8.8.8.8").check("igw-main"))
    right(teach.exercise("06.route-target", table=table, destination="10.0.2.10").check("local"))
    wrong(teach.exercise("06.route-target", table=table, destination="8.8.8.8").check("local"),
          "0.0.0.0/0 -> igw-main")


def test_notebooks_use_only_registered_exercises() -> None:
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    text = "".join(p.read_text(encoding="utf-8") for p in notebooks.glob("*.ipynb"))
    import re

    used = set(re.findall(r'teach\.exercise\(\\"([0-9a-z.-]+)\\"', text))
    assert used and used <= set(teach.exercises())
