"""vpcsim.draw.topology's layout, checked on what a reader sees: the extents matplotlib gives each
label once drawn. A node's name sits inside every box it belongs to and touches no box it does not
belong to (the bastion's name reached into the private subnet's box; the internet's box, stretched
to a second internet host drawn under the VPC, covered the VPC's router), and no interface label
hides under a name."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import pytest

import matplotlib  # noqa: F401  (required, installed by .ci/setup.sh: no skip)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

import vpcsim  # noqa: E402
from vpcsim import draw, scenario  # noqa: E402
from vpcsim.draw.topology_model import TopologyModel, topology_model  # noqa: E402

Box = Tuple[float, float, float, float]


def _vpc_of_notebook_06() -> vpcsim.Cloud:
    """Notebook 06's VPC: web and the bastion in the public subnet above db's private one."""
    net = vpcsim.Network(seed=1)
    cloud = vpcsim.Cloud(net)
    vpc = cloud.add_vpc("main", "10.0.0.0/16")
    pub, priv = vpc.add_subnet("public-a", "10.0.1.0/24"), vpc.add_subnet("private-a", "10.0.2.0/24")
    public, private = vpc.add_route_table("public"), vpc.add_route_table("private")
    public.add_route("0.0.0.0/0", vpc.attach_internet_gateway("igw-main"))
    pub.associate(public)
    private.add_route("0.0.0.0/0", vpc.add_nat_gateway("nat-a", pub, public_ip="198.51.100.20"))
    priv.associate(private)
    vpc.add_instance("web", pub, ip="10.0.1.10", public_ip="198.51.100.10")
    vpc.add_instance("bastion", pub, ip="10.0.1.20", public_ip="198.51.100.30")
    vpc.add_instance("db", priv, ip="10.0.2.10")
    cloud.add_internet_host("ext", "203.0.113.10")
    return cloud


def _extents(fig: Any, model: TopologyModel) -> Tuple[Dict[str, Box], Dict[str, Box], List[Box]]:
    """(each node's name label, each group's box, every interface label) in display pixels."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]

    def box(artist: Any) -> Box:
        b = artist.get_window_extent(renderer)
        return (b.x0, b.y0, b.x1, b.y1)

    names, interfaces = {}, []
    for text in ax.texts:
        first = text.get_text().split("\n")[0]
        patch = text.get_bbox_patch()
        if first in model.nodes and text.get_va() == "top":
            names[first] = box(patch)
        elif patch is not None and text.get_va() == "center":
            interfaces.append(box(patch))
    drawn = [g for g in model.groups if g.members]
    assert len(ax.patches) == len(drawn)
    groups = {g.name: box(p) for g, p in zip(drawn, ax.patches)}
    return names, groups, interfaces


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, b: Box) -> bool:
    return b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]


def _belongs(model: TopologyModel) -> Dict[str, Set[str]]:
    """Each group -> the nodes inside it (its members and its child groups'); its boundary nodes
    (a gateway on the VPC's edge) count as neither inside nor outside."""
    inside: Dict[str, Set[str]] = {g.name: set(g.members) for g in model.groups}
    for g in model.groups:
        if g.parent:
            inside[g.parent] |= set(g.members)
    return inside


CASES = ["notebook_06", "public_private_vpc", "bastion_ssh", "peered_vpcs", "home_nat", "two_subnets",
         "three_router_traceroute"]


@pytest.mark.parametrize("case", CASES)
def test_names_stay_in_their_own_boxes_and_clear_of_others(case: str, scenarios_dir: Path) -> None:
    if case == "notebook_06":
        cloud = _vpc_of_notebook_06()
        net: Any = cloud.network
    else:
        run = scenario.load(scenarios_dir / f"{case}.yaml").build()
        net, cloud = run.network, run.cloud
    model = topology_model(net, cloud)
    names, groups, interfaces = _extents(draw.topology(cloud if cloud is not None else net), model)
    assert sorted(names) == sorted(model.nodes)
    inside = _belongs(model)
    boundary = {g.name: set(g.boundary) for g in model.groups}
    for group, box in groups.items():
        for node, label in names.items():
            if node in boundary[group]:
                continue
            if node in inside[group]:
                assert _inside(label, box), f"{case}: {node}'s name leaves its box {group}"
            else:
                assert not _overlap(label, box), f"{case}: {node}'s name reaches into {group}"
    for node, label in names.items():
        for other, label2 in names.items():
            assert node == other or not _overlap(label, label2), f"{case}: {node} and {other}"
        hidden = [i for i in interfaces if _overlap(label, i)]
        assert not hidden, f"{case}: an interface label under {node}'s name"


def test_separate_groups_moves_a_lower_box_clear_of_the_one_above() -> None:
    """The unit that keeps sibling boxes apart: a box that grew into the one below pushes it down."""
    from vpcsim.draw.topology import separate_groups
    from vpcsim.draw.topology_model import Group, NodeInfo

    model = TopologyModel({"a": NodeInfo("a", "host", 0, 0), "b": NodeInfo("b", "host", 0, 1)}, [],
                          [Group("top", "segment", "top", ["a"]), Group("low", "segment", "low", ["b"])], ["a", "b"],
                          ["a", "b"])
    xy = {"a": (0.0, 0.0), "b": (0.0, -1.0)}

    def boxes(at: Dict[str, Tuple[float, float]]) -> Dict[str, List[float]]:
        return {"top": [-1.0, at["a"][1] - 1.5, 1.0, at["a"][1] + 0.5],  # reaches 1.5 below a
                "low": [-1.0, at["b"][1] - 0.5, 1.0, at["b"][1] + 0.5]}

    moved = separate_groups(model, xy, boxes)
    assert moved["a"] == (0.0, 0.0)
    after = boxes(moved)
    assert after["low"][3] < after["top"][1]
