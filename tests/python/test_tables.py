"""vpcsim.tables: the records (plain lists of dicts) everywhere, and the pandas DataFrames built from
them when pandas is installed; a clear ImportError when it is not."""

from __future__ import annotations

import json
import sys

import pytest

import vpcsim
from vpcsim import tables

from conftest import same_subnet as lan, unavailable

try:
    import pandas as pd
except ImportError:  # pragma: no cover - exercised where pandas is absent
    pd = None

@pytest.fixture
def needs_pandas() -> None:
    if pd is None:
        unavailable("pandas is not installed (pip install vpcsim[pandas])")


def chain(routers=3):
    """h1 - r1 - r2 - ... - rN - h2, one /24 per link: 10.0.<i>.0/24."""
    net = vpcsim.Network(seed=7)
    h1, h2 = net.add_host("h1"), net.add_host("h2")
    rs = [net.add_router(f"r{i}") for i in range(1, routers + 1)]
    h1.add_interface("eth0", "10.0.1.10/24")
    h1.set_default_gateway("10.0.1.1")
    for i, r in enumerate(rs, start=1):
        r.add_interface("eth0", f"10.0.{i}.1/24")
        r.add_interface("eth1", f"10.0.{i + 1}.2/24")
    last = routers + 1
    h2.add_interface("eth0", f"10.0.{last}.20/24")
    h2.set_default_gateway(f"10.0.{last}.2")
    net.connect("h1.eth0", "r1.eth0")
    for i in range(1, routers):
        net.connect(f"r{i}.eth1", f"r{i + 1}.eth0")
    net.connect(f"r{routers}.eth1", "h2.eth0")
    # Forward routes to the far end and return routes to h1's subnet.
    for i, r in enumerate(rs, start=1):
        if i < routers:
            r.add_route(f"10.0.{last}.0/24", via=f"10.0.{i + 1}.1")
        if i > 1:
            r.add_route("10.0.1.0/24", via=f"10.0.{i}.2")
    return net, h1, h2, rs


# --- records ----------------------------------------------------------------------------------------


def test_lan_records_after_a_ping():
    net, h1, h2, sw = lan()
    ping = h1.ping("10.0.1.20", count=3)
    net.run()
    mac1, mac2 = str(net.interface("h1.eth0").mac), str(net.interface("h2.eth0").mac)

    # The run goes on until no event is left: the last is the entry's reachable timer (a
    # reachable_time drawn from the seed), which leaves it stale at 32.22 s, as `ip neigh` shows
    # an entry unused for that long. The switch last saw each MAC 27.22 s before that, at 5.0 s:
    # h2's unicast ARP probe for h1 (its entry, used by the replies, went DELAY then PROBE) and h1's
    # answer.
    assert net.now_ns == 32_223_213_689
    arp = tables.arp_table_records(h1)
    assert arp == [{"ip": "10.0.1.20", "mac": mac2, "state": "stale", "interface": "eth0"}]
    assert list(arp[0]) == list(tables.ARP_TABLE_COLUMNS)

    assert tables.mac_table_records(sw) == [
        {"mac": mac1, "port": "p1", "age_ms": 27223.117033},
        {"mac": mac2, "port": "p2", "age_ms": 27223.138377},
    ]

    routes = tables.routes_records(h1)
    assert routes == [
        {
            "destination": "10.0.1.0/24",
            "type": "unicast",
            "gateway": None,
            "interface": "eth0",
            "origin": "connected",
            "text": "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10",
        }
    ]

    results = tables.ping_results_records(ping)
    assert [(r["seq"], r["status"], r["source"], r["ttl"]) for r in results] == [
        (1, "reply", "10.0.1.20", 64),
        (2, "reply", "10.0.1.20", 64),
        (3, "reply", "10.0.1.20", 64),
    ]
    assert all(r["rtt_ms"] > 0 for r in results)
    assert tables.drops_records(net) == []


def test_interfaces_records_count_both_ends_of_each_link():
    net, h1, h2, sw = lan()
    h1.ping("10.0.1.20", count=2)
    net.run()
    rows = {r["interface"]: r for r in tables.interfaces_records(net)}
    assert list(rows) == ["h1.eth0", "h2.eth0", "sw1.p1", "sw1.p2"]
    assert rows["h1.eth0"]["addresses"] == "10.0.1.10/24"
    assert rows["sw1.p1"]["addresses"] == ""
    assert (rows["h1.eth0"]["node"], rows["h1.eth0"]["kind"], rows["h1.eth0"]["name"]) == ("h1", "host", "eth0")
    assert rows["sw1.p1"]["kind"] == "switch"
    assert all(r["connected"] and r["mtu"] == 1500 for r in rows.values())
    # A link delivers what it carries: what one end sends, the other receives.
    for a, b in [("h1.eth0", "sw1.p1"), ("h2.eth0", "sw1.p2")]:
        assert rows[a]["tx_packets"] == rows[b]["rx_packets"] > 0
        assert rows[a]["tx_bytes"] == rows[b]["rx_bytes"]
        assert rows[b]["tx_packets"] == rows[a]["rx_packets"] > 0


def test_trace_records_name_nodes_interfaces_and_packets():
    net, h1, h2, sw = lan()
    h1.ping("10.0.1.20", count=1)
    net.run()
    rows = tables.trace_records(net)
    assert len(rows) == len(net.trace.events) > 0
    assert all(list(r) == list(tables.TRACE_COLUMNS) for r in rows)
    assert [r["time_ns"] for r in rows] == sorted(r["time_ns"] for r in rows)
    assert all(r["time"] == r["time_ns"] / 1e9 for r in rows)
    assert {r["node"] for r in rows} == {"h1", "h2", "sw1"}
    assert {r["kind"] for r in rows} >= {"sent", "flooded", "switched", "arp_resolved"}
    assert all(r["interface"] is None or r["interface"].split(".")[0] == r["node"] for r in rows)
    assert all(r["reason"] is None for r in rows)  # nothing dropped
    resolved = next(r for r in rows if r["kind"] == "arp_resolved")
    assert resolved["packet"] is None and "10.0.1.20 is at" in resolved["detail"]
    # The rows are plain data: they survive JSON.
    assert json.loads(json.dumps(rows)) == rows


def test_drops_and_ping_errors_for_a_router_without_a_route():
    net, h1, h2, (r1, r2, r3) = chain()
    ping = h1.ping("10.0.99.1", count=2)
    net.run()
    drops = tables.drops_records(net)
    assert [(d["node"], d["kind"], d["reason"]) for d in drops] == [("r1", "dropped", "no_route")] * 2
    assert all("10.0.99.1" in d["detail"] and d["packet"] for d in drops)
    results = tables.ping_results_records(ping)
    assert [(r["seq"], r["status"], r["source"], r["error"], r["icmp_type"], r["icmp_code"]) for r in results] == [
        (1, "error", "10.0.1.1", "Destination Net Unreachable", 3, 0),
        (2, "error", "10.0.1.1", "Destination Net Unreachable", 3, 0),
    ]


def test_ping_results_mark_silent_losses():
    net, h1, h2, (r1, r2, r3) = chain()
    r2.remove_route("10.0.4.0/24")
    r2.add_blackhole_route("10.0.4.0/24")
    ping = h1.ping("10.0.4.20", count=2, interval="1s")
    net.run()
    results = tables.ping_results_records(ping)
    assert [(r["seq"], r["status"], r["source"], r["rtt_ms"]) for r in results] == [
        (1, "lost", None, None),
        (2, "lost", None, None),
    ]
    assert [d["reason"] for d in tables.drops_records(net)] == ["blackhole_route", "blackhole_route"]


def test_traceroute_hops_records():
    net, h1, h2, rs = chain()
    tr = h1.traceroute("10.0.4.20", queries=2)
    net.run()
    rows = tables.traceroute_hops_records(tr)
    assert [(r["ttl"], r["probe"], r["source"]) for r in rows] == [
        (1, 1, "10.0.1.1"),
        (1, 2, "10.0.1.1"),
        (2, 1, "10.0.2.1"),
        (2, 2, "10.0.2.1"),
        (3, 1, "10.0.3.1"),
        (3, 2, "10.0.3.1"),
        (4, 1, "10.0.4.20"),
        (4, 2, "10.0.4.20"),
    ]
    assert all(r["answered"] and r["rtt_ms"] > 0 for r in rows)
    assert [(r["icmp_type"], r["icmp_code"]) for r in rows[:6]] == [(11, 0)] * 6  # time exceeded
    assert [(r["icmp_type"], r["icmp_code"]) for r in rows[6:]] == [(3, 3)] * 2  # port unreachable
    assert len({r["port"] for r in rows}) == len(rows)  # each probe its own port


def test_unanswered_traceroute_probes_have_no_source():
    net, h1, h2, (r1, r2, r3) = chain()
    r2.remove_route("10.0.4.0/24")
    r2.add_blackhole_route("10.0.4.0/24")
    tr = h1.traceroute("10.0.4.20", queries=1, max_hops=3, wait="1s")
    net.run()
    rows = tables.traceroute_hops_records(tr)
    assert [(r["ttl"], r["answered"], r["source"]) for r in rows] == [
        (1, True, "10.0.1.1"),
        (2, False, None),  # r2's blackhole route discards before the TTL check, as Linux does
        (3, False, None),
    ]
    assert rows[2]["rtt_ms"] is None and rows[2]["icmp_type"] is None


def test_wrong_argument_types_say_what_was_expected():
    net, h1, h2, sw = lan()
    with pytest.raises(TypeError, match=r"tables.mac_table\(\) takes a switch, got Host"):
        tables.mac_table_records(h1)
    with pytest.raises(TypeError, match=r"tables.arp_table\(\) takes a host or router, got Switch"):
        tables.arp_table_records(sw)
    with pytest.raises(TypeError, match="takes a Network"):
        tables.trace_records(h1)
    with pytest.raises(TypeError, match="takes a Ping"):
        tables.ping_results_records(net)


# --- DataFrames -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("needs_pandas")
def test_dataframes_hold_the_records():
    net, h1, h2, sw = lan()
    ping = h1.ping("10.0.1.20", count=2)
    tr = h1.traceroute("10.0.1.20", queries=1)
    net.run()
    cases = [
        (tables.arp_table, tables.arp_table_records, h1, tables.ARP_TABLE_COLUMNS),
        (tables.routes, tables.routes_records, h1, tables.ROUTES_COLUMNS),
        (tables.mac_table, tables.mac_table_records, sw, tables.MAC_TABLE_COLUMNS),
        (tables.trace, tables.trace_records, net, tables.TRACE_COLUMNS),
        (tables.interfaces, tables.interfaces_records, net, tables.INTERFACES_COLUMNS),
        (tables.ping_results, tables.ping_results_records, ping, tables.PING_RESULTS_COLUMNS),
        (tables.traceroute_hops, tables.traceroute_hops_records, tr, tables.TRACEROUTE_HOPS_COLUMNS),
    ]
    for frame_of, records_of, arg, columns in cases:
        df = frame_of(arg)
        assert isinstance(df, pd.DataFrame)
        assert list(df.columns) == list(columns), frame_of.__name__
        records = records_of(arg)
        assert len(df) == len(records) > 0, frame_of.__name__
        assert df.iloc[0]["ttl" if "ttl" in columns else columns[0]] == records[0]["ttl" if "ttl" in columns else columns[0]]


@pytest.mark.usefixtures("needs_pandas")
def test_empty_tables_keep_their_columns():
    net, h1, h2, sw = lan()
    df = tables.drops(net)
    assert len(df) == 0
    assert list(df.columns) == list(tables.DROPS_COLUMNS)
    assert list(tables.arp_table(h1).columns) == list(tables.ARP_TABLE_COLUMNS)
    assert list(tables.mac_table(sw).columns) == list(tables.MAC_TABLE_COLUMNS)


@pytest.mark.usefixtures("needs_pandas")
def test_dataframes_query_group_and_sum():
    net, h1, h2, (r1, r2, r3) = chain()
    h1.ping("10.0.99.1", count=3)
    h1.ping("10.0.4.20", count=2, start="5s")
    net.run()
    drops = tables.drops(net)
    assert drops.groupby("reason").size().to_dict() == {"no_route": 3}
    trace = tables.trace(net)
    assert (trace.query("kind == 'dropped'")["node"] == "r1").all()
    assert trace["time_ns"].is_monotonic_increasing
    ifaces = tables.interfaces(net)
    assert int(ifaces["tx_packets"].sum()) == int(ifaces["rx_packets"].sum())  # no frame lost on a link
    assert set(ifaces.loc[ifaces["kind"] == "router", "node"]) == {"r1", "r2", "r3"}


def test_without_pandas_the_dataframe_builders_say_how_to_get_it(monkeypatch):
    net, h1, h2, sw = lan()
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` raise ImportError
    with pytest.raises(ImportError, match=r"pip install vpcsim\[pandas\]") as info:
        tables.arp_table(h1)
    assert "tables.arp_table_records()" in str(info.value)
    with pytest.raises(ImportError, match=r"pip install vpcsim\[pandas\]"):
        tables.trace(net)
    # The records need no pandas.
    assert tables.interfaces_records(net)[0]["interface"] == "h1.eth0"


def test_importing_vpcsim_does_not_import_pandas():
    import subprocess

    code = "import sys, vpcsim, vpcsim.tables; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
