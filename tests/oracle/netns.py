"""Build an oracle topology from Linux network namespaces, run its traffic, capture every link.

    python3 tests/oracle/netns.py TOPOLOGY --out DIR      (TOPOLOGY from topologies.py, or `all`)
    python3 tests/oracle/netns.py --cleanup               (remove leftovers of dead runs)

The foundation topologies (same_subnet, two_subnets, three_routers, no_route) are read from their
scenario files through vpcsim's loader (topologies.py), so vpcsim must be importable: installed, or
PYTHONPATH=bindings with the extension built.

Needs root, iproute2 (`ip`, `bridge`), tcpdump, traceroute, iputils ping, ethtool and python3;
topologies with iptables rules (NAT, the VPC) also need `iptables` (nft or legacy backend; the one
used is recorded in meta.json).
Writes DIR/<node>-<iface>.pcap for every captured link, the normalized lines beside it
(<node>-<iface>.txt, and .timed.txt with seconds since t=0), run.log (every command and the
traffic programs' output) and meta.json (kernel, tool versions, pinned sysctls, timings).

Isolation: every node is its own namespace `vpcsim-<pid>-<node>`; links are veth pairs created
directly between node namespaces (nothing is ever placed in the root namespace); IPv6 is disabled
in every namespace before any link exists (no ND/MLD noise); the sysctls that shape the behaviour
are pinned to the kernel defaults (a new namespace inherits IPv4 conf from the root namespace);
tx checksum offload is turned off on every veth so captured checksums are the real ones.
Traffic is bounded (fixed counts, every program killed at the end of the window) and the
namespaces are always torn down (try/finally, also on Ctrl-C and SIGTERM).  Namespaces named
`vpcsim-<pid>-*` whose pid is no longer running are leftovers and are removed on start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import normalize  # noqa: E402
import topologies  # noqa: E402
from topologies import Step, Topology  # noqa: E402

NS_ROOT = "vpcsim-"
_NS_RE = re.compile(r"^vpcsim-(\d+)-")
REQUIRED_TOOLS = ("ip", "bridge", "tcpdump", "traceroute", "ping", "ethtool", "python3")
# Lines closer than this to the end of the window make a run unstable (timer jitter).
WINDOW_MARGIN_S = 0.5

# Pinned per namespace before any link is created.  Values are the kernel's defaults; they are
# pinned because a new namespace copies net.ipv4.conf.{all,default}.* from the root namespace.
PINNED_SYSCTLS = {
    "net.ipv6.conf.all.disable_ipv6": "1",
    "net.ipv6.conf.default.disable_ipv6": "1",
    "net.ipv4.conf.all.rp_filter": "0",
    "net.ipv4.conf.default.rp_filter": "0",
    "net.ipv4.conf.all.arp_ignore": "0",
    "net.ipv4.conf.default.arp_ignore": "0",
    "net.ipv4.conf.all.arp_announce": "0",
    "net.ipv4.conf.default.arp_announce": "0",
    "net.ipv4.conf.all.arp_notify": "0",
    "net.ipv4.conf.default.arp_notify": "0",
    "net.ipv4.conf.all.send_redirects": "1",
    "net.ipv4.conf.default.send_redirects": "1",
    "net.ipv4.conf.all.accept_local": "0",
    "net.ipv4.ip_default_ttl": "64",
    "net.ipv4.ip_no_pmtu_disc": "0",
    "net.ipv4.icmp_ratelimit": "1000",
    "net.ipv4.icmp_ratemask": "6168",
    "net.ipv4.icmp_msgs_per_sec": "1000",
    "net.ipv4.icmp_msgs_burst": "50",
    "net.ipv4.icmp_errors_use_inbound_ifaddr": "0",
    "net.ipv4.icmp_echo_ignore_all": "0",
    "net.ipv4.ip_local_port_range": "32768\t60999",
}

# Neighbour parameters exist only per interface inside a namespace (net.ipv4.neigh.default is the
# root namespace's, and new interfaces copy it), so they are pinned per interface once it exists.
PINNED_NEIGH = {
    "delay_first_probe_time": "5",
    "base_reachable_time_ms": "30000",
    "retrans_time_ms": "1000",
    "ucast_solicit": "3",
    "mcast_solicit": "3",
    "app_solicit": "0",
    "gc_stale_time": "60",
}

UDP_ECHO_SERVER = r"""
import socket, sys, time
port, reply, life = int(sys.argv[1]), sys.argv[2].encode(), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", port))
print("ready", flush=True)
end = time.monotonic() + life
for _ in range(100):
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        break
    s.sendto(reply, peer)
    print(f"got {data!r} from {peer[0]}:{peer[1]}, replied {reply!r}", flush=True)
"""

UDP_SEND = r"""
import socket, sys
sport, dst, dport, payload, wait = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
s.sendto(payload.encode(), (dst, dport))
s.settimeout(wait)
try:
    data, peer = s.recvfrom(2048)
    print(f"reply {data!r} from {peer[0]}:{peer[1]}", flush=True)
except socket.timeout:
    print("no reply", flush=True)
except OSError as e:
    print(f"error {e}", flush=True)
"""

# One connection at a time, as node::TcpServer: accept, read the request, send the reply, close.
TCP_SERVER = r"""
import socket, sys, time
port, reply, life = int(sys.argv[1]), sys.argv[2].encode(), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(8)
print("ready", flush=True)
end = time.monotonic() + life
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        c, peer = s.accept()
    except socket.timeout:
        break
    c.settimeout(max(0.1, end - time.monotonic()))
    try:
        data = c.recv(2048)
        if data:
            c.sendall(reply)
        print(f"got {data!r} from {peer[0]}:{peer[1]}, replied {reply!r}", flush=True)
    except OSError as e:
        print(f"error {e}", flush=True)
    c.close()
"""

# As node::TcpClient: connect, send, read until the server closes, close.
TCP_EXCHANGE = r"""
import socket, sys
sport, dst, dport, payload, wait = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
if sport:
    s.bind(("0.0.0.0", sport))
s.settimeout(wait)
try:
    s.connect((dst, dport))
    s.sendall(payload.encode())
    got = b""
    while True:
        data = s.recv(2048)
        if not data:
            break
        got += data
    print(f"reply {got!r}", flush=True)
except OSError as e:
    print(f"error {e}", flush=True)
s.close()
"""


class OracleError(RuntimeError):
    pass


NAT_TOOLS = ("iptables",)


def missing_requirements(topo: Topology | None = None) -> list[str]:
    """What this machine lacks to run the oracle (for `topo`, or any topology; empty when it can)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (euid 0)")
    needs_nat = topo is None or any(n.kind == "nat" or n.iptables_tables() for n in topo.nodes)
    for tool in REQUIRED_TOOLS + (NAT_TOOLS if needs_nat else ()):
        if shutil.which(tool) is None:
            missing.append(f"tool `{tool}`")
    return missing


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def list_namespaces() -> list[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _kill_ns_pids(ns: str) -> None:
    out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True,
                         check=False).stdout
    for word in out.split():
        try:
            os.kill(int(word), signal.SIGKILL)
        except (ValueError, ProcessLookupError):
            pass


def delete_namespace(ns: str) -> None:
    _kill_ns_pids(ns)
    subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)


def cleanup_leftovers(log=print, own_prefix: str | None = None) -> list[str]:
    """Deletes namespaces `vpcsim-<pid>-*` whose pid is dead (or whose prefix is `own_prefix`)."""
    removed = []
    for ns in list_namespaces():
        m = _NS_RE.match(ns)
        if not m:
            continue
        if (own_prefix and ns.startswith(own_prefix)) or not _pid_alive(int(m.group(1))):
            delete_namespace(ns)
            removed.append(ns)
    if removed:
        log(f"removed leftover namespaces: {', '.join(removed)}")
    return removed


class _Proc:
    """A process started in a namespace; stderr/stdout are collected by threads."""

    def __init__(self, label: str, argv: list[str], ready_text: str | None = None,
                 ready_stream: str = "stdout"):
        self.label = label
        self.argv = argv
        self.popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      stdin=subprocess.DEVNULL, text=True,
                                      start_new_session=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self.ready = threading.Event()
        self._threads = [
            threading.Thread(target=self._pump, args=(self.popen.stdout, self.out,
                                                      ready_text if ready_stream == "stdout" else None),
                             daemon=True),
            threading.Thread(target=self._pump, args=(self.popen.stderr, self.err,
                                                      ready_text if ready_stream == "stderr" else None),
                             daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _pump(self, stream, sink: list[str], ready_text: str | None) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))
            if ready_text and ready_text in line:
                self.ready.set()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.02):
            if self.popen.poll() is not None:
                for t in self._threads:
                    t.join(1)
                raise OracleError(f"{self.label} exited ({self.popen.returncode}) before it was "
                                  f"ready: {' | '.join(self.err + self.out)}")
            if time.monotonic() > deadline:
                raise OracleError(f"{self.label} not ready after {timeout} s")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 5.0) -> None:
        if self.popen.poll() is None:
            try:
                self.popen.send_signal(sig)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
            except ProcessLookupError:
                pass
        for t in self._threads:
            t.join(2)


class NetnsLab:
    """One topology instantiated as namespaces.  Use as a context manager (always tears down)."""

    def __init__(self, topo: Topology, out_dir: Path, log=print):
        self.topo = topo
        self.out_dir = Path(out_dir)
        self.prefix = f"{NS_ROOT}{os.getpid()}-"
        self.log_lines: list[str] = []
        self._print = log
        self.procs: list[_Proc] = []
        self.created: list[str] = []
        self.meta: dict = {"topology": topo.name}

    # ---------------------------------------------------------------------------- helpers
    def log(self, text: str) -> None:
        self.log_lines.append(text)
        self._print(text)

    def ns(self, node: str) -> str:
        return self.prefix + node

    def sh(self, *argv: str, check: bool = True) -> str:
        self.log_lines.append("$ " + " ".join(argv))
        r = subprocess.run(list(argv), capture_output=True, text=True, check=False)
        if check and r.returncode != 0:
            raise OracleError(f"command failed ({r.returncode}): {' '.join(argv)}\n{r.stderr.strip()}")
        return r.stdout

    def nsexec(self, node: str, *argv: str, check: bool = True) -> str:
        return self.sh("ip", "netns", "exec", self.ns(node), *argv, check=check)

    # ------------------------------------------------------------------------------ build
    def __enter__(self) -> "NetnsLab":
        return self

    def __exit__(self, *exc) -> None:
        self.teardown()

    def build(self) -> None:
        cleanup_leftovers(self.log, own_prefix=self.prefix)
        for node in self.topo.nodes:
            name = self.ns(node.name)
            self.sh("ip", "netns", "add", name)
            self.created.append(name)
            sysctls = dict(PINNED_SYSCTLS)
            sysctls["net.ipv4.ip_forward"] = "1" if node.kind in ("router", "nat") else "0"
            self.nsexec(node.name, "sysctl", "-q", "-w", *(f"{k}={v}" for k, v in sysctls.items()))
            self.sh("ip", "-n", name, "link", "set", "lo", "up")
        for link in self.topo.links:
            (a_node, a_if), (b_node, b_if) = (e.split(".") for e in (link.a, link.b))
            self.sh("ip", "-n", self.ns(a_node), "link", "add", a_if, "mtu", "1500", "type", "veth",
                    "peer", "name", b_if, "mtu", "1500", "netns", self.ns(b_node))
            for n, i in ((a_node, a_if), (b_node, b_if)):
                self.nsexec(n, "ethtool", "-K", i, "tx", "off")
                self.nsexec(n, "sysctl", "-q", "-w",
                            *(f"net.ipv4.neigh.{i}.{k}={v}" for k, v in PINNED_NEIGH.items()))
        for node in self.topo.nodes:
            name = self.ns(node.name)
            if node.kind == "switch":
                # mcast_snooping off: with it on, br0 (no address) joins the all-snoopers group
                # 224.0.0.106 and sends an IGMPv3 report from 0.0.0.0 up to ~1 s after it comes up.
                self.sh("ip", "-n", name, "link", "add", "br0", "type", "bridge", "stp_state", "0",
                        "mcast_snooping", "0")
                for iface in node.ifaces:
                    self.sh("ip", "-n", name, "link", "set", iface, "master", "br0")
                self.sh("ip", "-n", name, "link", "set", "br0", "up")
            for iface, addr in node.ifaces.items():
                if addr:
                    self.sh("ip", "-n", name, "addr", "add", addr, "dev", iface)
                self.sh("ip", "-n", name, "link", "set", iface, "up")
        for node in self.topo.nodes:
            for dest, gw in node.routes:
                self.sh("ip", "-n", self.ns(node.name), "route", "add", dest, "via", gw)
            for prefix in node.unreachable:
                self.sh("ip", "-n", self.ns(node.name), "route", "add", "unreachable", prefix)
            for prefix in node.blackhole:
                self.sh("ip", "-n", self.ns(node.name), "route", "add", "blackhole", prefix)
            for iface, addr in node.extra_addrs:
                self.sh("ip", "-n", self.ns(node.name), "addr", "add", addr, "dev", iface)
            for rule in node.nat_rules:
                self.nsexec(node.name, "iptables", "-t", "nat", *shlex.split(rule))
            for rule in node.iptables_rules:
                self.nsexec(node.name, "iptables", *shlex.split(rule))
            for policy in node.policy_tables:
                for route in policy.routes:
                    self.sh("ip", "-n", self.ns(node.name), "route", "add", *shlex.split(route),
                            "table", str(policy.table))
                self.sh("ip", "-n", self.ns(node.name), "rule", "add", "iif", policy.iif, "table",
                        str(policy.table))
        self._wait_links_up()
        self._record_state()

    def _wait_links_up(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            pending = []
            for node in self.topo.nodes:
                links = json.loads(self.sh("ip", "-n", self.ns(node.name), "-j", "link", "show"))
                state = {l["ifname"]: l.get("operstate") for l in links}
                names = list(node.ifaces) + (["br0"] if node.kind == "switch" else [])
                pending += [f"{node.name}.{i}={state.get(i)}" for i in names if state.get(i) != "UP"]
                if node.kind == "switch":
                    ports = json.loads(self.sh("bridge", "-n", self.ns(node.name), "-j", "link",
                                               "show"))
                    pending += [f"{node.name}.{p['ifname']} {p.get('state')}" for p in ports
                                if p.get("state") != "forwarding"]
            if not pending:
                return
            if time.monotonic() > deadline:
                raise OracleError(f"links not up after {timeout} s: {', '.join(pending)}")
            time.sleep(0.05)

    def _record_state(self) -> None:
        keys = sorted(set(PINNED_SYSCTLS) | {"net.ipv4.ip_forward"})
        self.meta["kernel"] = platform.release()
        self.meta["sysctls"] = {}
        for node in self.topo.nodes:
            neigh = [f"net.ipv4.neigh.{i}.{k}" for i in node.ifaces for k in PINNED_NEIGH]
            out = self.nsexec(node.name, "sysctl", "-e", *keys, *neigh, check=False)
            self.meta["sysctls"][node.name] = dict(
                line.split(" = ", 1) for line in out.splitlines() if " = " in line)
            what_all = [("addr",), ("route",), ("-d", "link")]
            if node.policy_tables:
                what_all += [("rule",), ("route", "show", "table", "all")]
            for what in what_all:
                self.log_lines.append(f"# {node.name}: ip {' '.join(what)}")
                self.log_lines.append(self.sh("ip", "-n", self.ns(node.name), *what).rstrip())
        versions = {}
        for tool, arg in (("tcpdump", "--version"), ("traceroute", "--version"), ("ping", "-V"),
                          ("ip", "-V")):
            r = subprocess.run([tool, arg], capture_output=True, text=True, check=False)
            versions[tool] = (r.stdout + r.stderr).strip().splitlines()[0]
        if any(n.iptables_tables() for n in self.topo.nodes):
            versions["iptables"] = self.sh("iptables", "-V").strip()  # "(nf_tables)" or "(legacy)"
            for node in self.topo.nodes:
                for table in node.iptables_tables():
                    self.log_lines.append(f"# {node.name}: iptables -t {table} -S")
                    self.log_lines.append(self.nsexec(node.name, "iptables", "-t", table,
                                                      "-S").rstrip())
                if node.nat_rules:
                    self.meta["sysctls"][node.name].update(dict(
                        line.split(" = ", 1) for line in self.nsexec(
                            node.name, "sysctl", "-e", "net.netfilter.nf_conntrack_udp_timeout",
                            "net.netfilter.nf_conntrack_udp_timeout_stream",
                            "net.netfilter.nf_conntrack_icmp_timeout", check=False).splitlines()
                        if " = " in line))
        self.meta["tools"] = versions

    # ---------------------------------------------------------------------------- traffic
    def _step_argv(self, step: Step) -> tuple[list[str], str | None]:
        p = step.params
        base = ["ip", "netns", "exec", self.ns(step.node)]
        if step.kind == "ping":
            return base + ["ping", "-n", "-c", str(p["count"]), "-i", str(p["interval_s"]),
                           str(p["dst"])], None
        if step.kind == "traceroute":
            return base + ["traceroute", "-n", "-N", str(p["sim_queries"]),
                           "-q", str(p["probes_per_hop"]), "-w", str(p["wait_s"]),
                           "-m", str(p["max_ttl"]), str(p["dst"])], None
        if step.kind == "udp_send":
            return base + ["python3", "-u", "-c", UDP_SEND, str(p["src_port"]), str(p["dst"]),
                           str(p["dst_port"]), str(p["payload"]), str(p["reply_timeout_s"])], None
        if step.kind == "udp_echo_server":
            life = self.topo.window_s + 5.0
            return base + ["python3", "-u", "-c", UDP_ECHO_SERVER, str(p["port"]), str(p["reply"]),
                           str(life)], "ready"
        if step.kind == "tcp_server":
            life = self.topo.window_s + 5.0
            return base + ["python3", "-u", "-c", TCP_SERVER, str(p["port"]), str(p["reply"]),
                           str(life)], "ready"
        if step.kind == "tcp_exchange":
            return base + ["python3", "-u", "-c", TCP_EXCHANGE, str(p.get("src_port", 0)), str(p["dst"]),
                           str(p["dst_port"]), str(p["payload"]), str(p["timeout_s"])], None
        raise OracleError(f"unknown traffic step kind {step.kind!r}")

    def _start(self, label: str, argv: list[str], ready: str | None = None,
               ready_stream: str = "stdout") -> _Proc:
        self.log_lines.append("$ " + " ".join(a if "\n" not in a else "<script>" for a in argv))
        proc = _Proc(label, argv, ready, ready_stream)
        self.procs.append(proc)
        return proc

    def run(self) -> dict[str, Path]:
        """Starts captures, runs the traffic, stops captures; returns link -> pcap path."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for step in self.topo.traffic:
            if step.at_s < 0:  # background services, started before the captures
                argv, ready = self._step_argv(step)
                self._start(f"{step.node} {step.kind}", argv, ready).wait_ready(10)
        pcaps: dict[str, Path] = {}
        captures: list[_Proc] = []
        for link in self.topo.captured:
            node, iface = self.topo.split_link(link)
            path = (self.out_dir / f"{link}.pcap").resolve()
            path.unlink(missing_ok=True)
            argv = ["ip", "netns", "exec", self.ns(node), "tcpdump", "-i", iface, "-w", str(path),
                    "-U", "-Z", "root", "-n", "-s", "0", "--immediate-mode"]
            captures.append(self._start(f"tcpdump {link}", argv, "listening on", "stderr"))
            pcaps[link] = path
        for cap in captures:
            cap.wait_ready(10)
        time.sleep(0.2)  # the socket is bound before "listening on"; a little slack anyway

        t0_wall, t0 = time.time(), time.monotonic()
        self.meta["t0_wall"] = t0_wall
        self.meta["steps"] = []
        traffic: list[_Proc] = []
        for step in sorted((s for s in self.topo.traffic if s.at_s >= 0), key=lambda s: s.at_s):
            delay = t0 + step.at_s - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            argv, _ = self._step_argv(step)
            started = time.monotonic() - t0
            traffic.append(self._start(f"{step.node} {step.kind} @{step.at_s}", argv))
            self.meta["steps"].append({"at_s": step.at_s, "started_s": round(started, 4),
                                       "node": step.node, "kind": step.kind})
        remaining = t0 + self.topo.window_s - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        self.meta["window_end_s"] = round(time.monotonic() - t0, 4)
        for cap in captures:
            cap.stop(signal.SIGINT)
            stats = " ".join(cap.err[-3:])
            m = re.search(r"(\d+) packets dropped by kernel", stats)
            if m and int(m.group(1)):
                self.log(f"warning: {cap.label}: {m.group(0)}")
        for proc in self.procs:
            if proc not in captures:
                proc.stop(signal.SIGTERM, 2)
        for node in self.topo.nodes:
            for table in node.iptables_tables():  # rule hit counts: which rules matched what
                self.log_lines.append(f"# {node.name}: iptables -t {table} -L -v -n after the window")
                self.log_lines.append(self.nsexec(node.name, "iptables", "-t", table, "-L", "-v",
                                                  "-n", check=False).rstrip())
        for proc in self.procs:
            self.log_lines.append(f"# {proc.label}: exit {proc.popen.returncode}")
            self.log_lines += [f"  out: {l}" for l in proc.out] + [f"  err: {l}" for l in proc.err]
        return pcaps

    def write_results(self, pcaps: dict[str, Path]) -> dict[str, list[str]]:
        results: dict[str, list[str]] = {}
        t0_ns = int(self.meta["t0_wall"] * 1e9)
        late: list[str] = []
        early: list[str] = []
        # NAT topologies: one set of flow labels across links, fed in `captured` order (as compare.py).
        fields = normalize.FlowLabels(self.topo.literal_ports()) if self.topo.nat else normalize.CLASSIC
        for link in self.topo.captured:
            path = pcaps[link]
            lines = normalize.normalize_pcap(str(path), warn=self.log, fields=fields)
            linktype, records = normalize.read_pcap(str(path), warn=self.log)
            timed = []
            for rec in records:
                line = normalize.normalize_frame(rec.data, warn=lambda m: None, fields=fields)
                if line is None:
                    continue
                t = (rec.ts_ns - t0_ns) / 1e9
                timed.append(f"+{t:7.3f} {line}")
                if t > self.topo.window_s - WINDOW_MARGIN_S:
                    late.append(f"{link} +{t:.3f}s {line}")
                if t < 0:
                    early.append(f"{link} {t:.3f}s {line}")
            (self.out_dir / f"{link}.txt").write_text("".join(l + "\n" for l in lines))
            (self.out_dir / f"{link}.timed.txt").write_text("".join(l + "\n" for l in timed))
            results[link] = lines
        for item in late:
            self.log(f"warning: within {WINDOW_MARGIN_S} s of the window end, may be unstable: "
                     f"{item}")
        for item in early:
            self.log(f"warning: frame before the traffic started (setup noise): {item}")
        self.meta["late_frames"] = late
        self.meta["early_frames"] = early
        (self.out_dir / "meta.json").write_text(json.dumps(self.meta, indent=2) + "\n")
        (self.out_dir / "run.log").write_text("\n".join(self.log_lines) + "\n")
        return results

    # --------------------------------------------------------------------------- teardown
    def teardown(self) -> None:
        for proc in self.procs:
            try:
                proc.stop(signal.SIGKILL, 2)
            except Exception:  # noqa: BLE001 - teardown must go on
                pass
        for name in reversed(self.created):
            delete_namespace(name)
        self.created.clear()
        if self.out_dir.exists() and self.log_lines:
            try:
                (self.out_dir / "run.log").write_text("\n".join(self.log_lines) + "\n")
            except OSError:
                pass


def _raise_interrupt(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt(f"signal {signum}")


def run_topology(name: str, out_dir: Path, log=print) -> dict[str, list[str]]:
    """Builds, runs and tears down one topology; returns link -> normalized lines."""
    topo = topologies.get(name)
    missing = missing_requirements(topo)
    if missing:
        raise OracleError("cannot run the netns oracle, missing: " + ", ".join(missing))
    with NetnsLab(topo, out_dir, log) as lab:
        lab.build()
        pcaps = lab.run()
        return lab.write_results(pcaps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topology", nargs="?",
                        help=f"one of {', '.join(topologies.TOPOLOGIES)}, or `all`")
    parser.add_argument("--out", type=Path, help="output directory (for `all`: one per topology)")
    parser.add_argument("--write-expected", action="store_true",
                        help="also store the normalized lines as tests/oracle/expected/<topology>/")
    parser.add_argument("--cleanup", action="store_true",
                        help="only delete leftover vpcsim-<dead pid>-* namespaces")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    log = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    if args.cleanup:
        cleanup_leftovers(log)
        return 0
    if not args.topology or not args.out:
        parser.error("TOPOLOGY and --out are required (or --cleanup)")
    names = list(topologies.TOPOLOGIES) if args.topology == "all" else [args.topology]
    unknown = [n for n in names if n not in topologies.TOPOLOGIES]
    if unknown:
        parser.error(f"unknown topology {unknown[0]!r}; known: {', '.join(topologies.TOPOLOGIES)}")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)  # even if started with SIGINT ignored
    try:
        for name in names:
            out = args.out / name if args.topology == "all" else args.out
            log(f"== {name} -> {out}")
            results = run_topology(name, out, log)
            for link, lines in results.items():
                print(f"--- {name} {link} ({len(lines)} frames)")
                for line in lines:
                    print(line)
            if args.write_expected:
                exp = Path(__file__).resolve().parent / "expected" / name
                exp.mkdir(parents=True, exist_ok=True)
                for link, lines in results.items():
                    (exp / f"{link}.txt").write_text("".join(l + "\n" for l in lines))
    except KeyboardInterrupt:
        print("interrupted; namespaces torn down", file=sys.stderr)
        return 130
    except OracleError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
