"""DNS oracle: the same query bytes to vpcsim's DnsServer and to dnsmasq (Debian's dnsmasq-base) in a
network namespace, serving the same records; the answers must mean the same (RCODE, and the answer
records as name, type, TTL and data). The answers are decoded here by a small independent reader,
not by vpcsim's wire/dns.

dnsmasq serves the zone as `--host-record` (A and PTR), `--cname` and `--local` (NXDOMAIN for other
names in the domain), with `--local-ttl=300` (the zone's TTL). Needs root, `ip netns` and dnsmasq;
skips without them (fails under CI)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import time
from typing import List, Tuple

import pytest

import vpcsim
from conftest import unavailable

QUERIES = [
    ("db.example.internal", 1),
    ("www.example.internal", 1),  # CNAME, then the A record
    ("cache.example.internal", 1),  # NXDOMAIN
    ("20.1.0.10.in-addr.arpa", 12),  # PTR
]


def query(qid: int, name: str, qtype: int) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + struct.pack("!HH", qtype, 1)


def read_name(msg: bytes, pos: int) -> Tuple[str, int]:
    labels: List[str] = []
    end = -1
    for _ in range(128):
        n = msg[pos]
        if n >= 0xC0:
            if end < 0:
                end = pos + 2
            pos = ((n & 0x3F) << 8) | msg[pos + 1]
            continue
        if n == 0:
            return ".".join(labels).lower(), (end if end >= 0 else pos + 1)
        labels.append(msg[pos + 1:pos + 1 + n].decode())
        pos += 1 + n
    raise ValueError("name loops")


def meaning(msg: bytes) -> Tuple[int, List[Tuple[str, int, int, str]]]:
    """(RCODE, sorted answer records (name, type, ttl, data))."""
    _, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    pos = 12
    for _ in range(qd):
        _, pos = read_name(msg, pos)
        pos += 4
    records = []
    for _ in range(an):
        name, pos = read_name(msg, pos)
        rtype, _, ttl, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
        pos += 10
        data = ".".join(str(b) for b in msg[pos:pos + 4]) if rtype == 1 else read_name(msg, pos)[0]
        records.append((name, rtype, ttl, data))
        pos += rdlen
    return flags & 0xF, sorted(records)


def simulator_answers() -> List[bytes]:
    net = vpcsim.Network(seed=1)
    net.add_switch("sw")
    for name, ip in (("client", "10.0.1.10/24"), ("ns", "10.0.1.53/24")):
        net.add_host(name).add_interface("eth0", ip)
        net.connect(f"{name}.eth0", "sw")
    net.node("ns").add_dns_server(zones={
        "example.internal": ["db A 10.0.1.20", "www CNAME db"],
        "1.0.10.in-addr.arpa": ["20 PTR db.example.internal."],
    })
    clients = [net.node("client").udp_send("10.0.1.53", 53, data=query(i + 1, n, t), start=f"{i}s")
               for i, (n, t) in enumerate(QUERIES)]
    net.run()
    return [c.replies[0] for c in clients]


NS = f"dns-oracle-{os.getpid()}"


@pytest.fixture()
def dnsmasq_ns():
    if os.geteuid() != 0:
        unavailable("the dnsmasq oracle needs root (network namespaces)")
    if shutil.which("dnsmasq") is None:
        unavailable("dnsmasq is not installed (apt-get install dnsmasq-base)")
    if subprocess.run(["ip", "netns", "add", NS], capture_output=True).returncode != 0:
        unavailable("cannot create a network namespace")
    proc = None
    try:
        subprocess.run(["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"], check=True)
        proc = subprocess.Popen(
            ["ip", "netns", "exec", NS, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
             "--no-hosts", "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53", "--local-ttl=300",
             "--local=/example.internal/", "--local=/1.0.10.in-addr.arpa/", "--user=root",
             "--host-record=db.example.internal,10.0.1.20", "--cname=www.example.internal,db.example.internal"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        yield NS
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=5)
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


ASK = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(bytes.fromhex(sys.argv[1]), ("127.0.0.1", 53))
sys.stdout.write(s.recv(4096).hex())
"""


def test_simulator_answers_as_dnsmasq(dnsmasq_ns: str) -> None:
    sim = simulator_answers()
    for (name, qtype), answer in zip(QUERIES, sim):
        q = query(0x4242, name, qtype)
        out = subprocess.run(["ip", "netns", "exec", dnsmasq_ns, sys.executable, "-c", ASK, q.hex()],
                             capture_output=True, text=True, check=True).stdout
        real = bytes.fromhex(out)
        assert meaning(answer) == meaning(real), (name, meaning(answer), meaning(real))
