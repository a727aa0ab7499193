"""Objects of two Networks (issue 20): every API that joins two objects refuses one of another Network
or Cloud with a ConfigError naming both, and objects that outlive their Python network never crash.

Before: cloud.add_peering(name, vpc_of_net1, vpc_of_net2) was accepted, pings timed out, and once the
second network was collected run() segfaulted (ASan: use-after-free at ip_node.cpp:394). The crash
runs in a subprocess, so that on old code the test fails instead of taking pytest down."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Tuple

import pytest

import vpcsim

# The package under test (the worktree's, or the ASan build's copy in .ci/asan), for subprocesses,
# which also inherit the environment (LD_PRELOAD and ASAN_OPTIONS under .ci/asan).
BINDINGS = Path(vpcsim.__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(BINDINGS)}


def cloud_with_vpc(seed: int, name: str = "main") -> Tuple[vpcsim.Network, vpcsim.Cloud, vpcsim.Vpc]:
    net = vpcsim.Network(seed=seed)
    cloud = vpcsim.Cloud(net)
    return net, cloud, cloud.add_vpc(name, "10.0.0.0/16" if seed == 1 else "10.9.0.0/16")


def test_peering_a_vpc_of_another_network_is_refused_and_never_crashes() -> None:
    code = f"""
        import gc, sys
        sys.path.insert(0, {str(BINDINGS)!r})
        import vpcsim
        net1 = vpcsim.Network(seed=1); c1 = vpcsim.Cloud(net1)
        v1 = c1.add_vpc("a", "10.0.0.0/16"); s1 = v1.add_subnet("s", "10.0.1.0/24"); i1 = v1.add_instance("i1", s1)
        net2 = vpcsim.Network(seed=2); c2 = vpcsim.Cloud(net2)
        v2 = c2.add_vpc("b", "10.9.0.0/16"); s2 = v2.add_subnet("s", "10.9.1.0/24"); i2 = v2.add_instance("i2", s2)
        try:
            c1.add_peering("pcx", v1, v2)
        except vpcsim.ConfigError as error:
            print("refused:", error)
        del net2, c2, v2, s2, i2
        gc.collect()
        i1.ping("10.9.1.4", count=3)
        net1.run()
        print("ran")
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, env=ENV)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-2000:]}"
    assert "refused: pcx: vpcs: VPC b belongs to another Cloud" in result.stdout
    assert "ran" in result.stdout


def test_route_targets_of_another_cloud_are_refused_naming_both() -> None:
    _, c1, v1 = cloud_with_vpc(1)
    _, c2, v2 = cloud_with_vpc(2)  # the same VPC name: only the object tells them apart
    s2 = v2.add_subnet("s", "10.9.1.0/24")
    igw2 = v2.attach_internet_gateway("igw")
    nat2 = v2.add_nat_gateway("nat", s2, public_ip="198.51.100.9")
    inst2 = v2.add_instance("i", s2)
    v1.attach_internet_gateway("igw")  # a namesake in the first VPC, which the name would have found
    other = c2.add_vpc("other", "10.20.0.0/16")
    pcx2 = c2.add_peering("pcx", v2, other)
    table = v1.add_route_table("rt")
    for target, what in [(igw2, "internet gateway igw"), (nat2, "NAT gateway nat"), (inst2, "instance i")]:
        with pytest.raises(vpcsim.ConfigError, match=f"{what} belongs to VPC main of another Cloud, not to VPC main"):
            table.add_route("0.0.0.0/0", target)
    with pytest.raises(vpcsim.ConfigError, match="peering connection pcx joins VPCs main and other of another Cloud"):
        table.add_route("10.20.0.0/16", pcx2)
    assert [r.destination for r in table.routes()] == [v1.cidr]  # only `local`: nothing was added


def test_groups_and_acls_of_another_cloud_are_refused_naming_both() -> None:
    _, _, v1 = cloud_with_vpc(1)
    _, _, v2 = cloud_with_vpc(2)
    s1 = v1.add_subnet("s", "10.0.1.0/24")
    g1 = v1.add_security_group("web")
    g2 = v2.add_security_group("web")  # same names, other cloud
    acl2 = v2.add_network_acl("acl")
    v1.add_network_acl("acl")
    with pytest.raises(vpcsim.ConfigError, match="group web is in VPC main of another Cloud, not in VPC main"):
        g1.add_ingress("tcp", 80, group=g2)
    with pytest.raises(vpcsim.ConfigError, match="group web belongs to VPC main of another Cloud, not to VPC main"):
        v1.add_instance("i", s1, security_groups=[g2])
    inst = v1.add_instance("j", s1)
    with pytest.raises(vpcsim.ConfigError, match="group web belongs to VPC main of another Cloud"):
        inst.add_security_group(g2)
    with pytest.raises(vpcsim.ConfigError, match="network ACL 'acl' belongs to VPC 'main' of another Cloud"):
        s1.set_network_acl(acl2)
    with pytest.raises(vpcsim.ConfigError, match="subnet s is in VPC"):
        v2.add_instance("k", s1)


def test_a_security_group_of_another_vpc_of_the_same_cloud_is_refused_for_an_instance() -> None:
    _, cloud, v1 = cloud_with_vpc(1)
    v2 = cloud.add_vpc("second", "10.30.0.0/16")
    s1 = v1.add_subnet("s", "10.0.1.0/24")
    inst = v1.add_instance("i", s1)
    with pytest.raises(vpcsim.ConfigError, match="group default belongs to VPC second, not to VPC main of instance i"):
        inst.add_security_group(v2.default_security_group)


def test_a_second_cloud_on_one_network_is_refused() -> None:
    net = vpcsim.Network()
    vpcsim.Cloud(net)
    with pytest.raises(vpcsim.ConfigError, match="this network has a cloud already"):
        vpcsim.Cloud(net)


def test_objects_outliving_their_python_network_keep_it_alive() -> None:
    net, cloud, vpc = cloud_with_vpc(1)
    subnet = vpc.add_subnet("s", "10.0.1.0/24")
    web = vpc.add_instance("web", subnet)
    db = vpc.add_instance("db", subnet)
    ping = web.ping(db.private_ip, count=2)
    trace = net.trace
    del net, vpc, subnet, db
    gc.collect()
    cloud.network.run()  # the Cloud keeps its Network
    assert ping.received == 2
    del cloud, web
    gc.collect()
    # The ping keeps its node, the trace its network: reading them is safe, not a use-after-free.
    assert ping.received == 2 and len(trace.events) > 0
