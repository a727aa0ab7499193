"""HTTP oracle: real curl and a real HTTP/1.1 server (Python's http.server) in two network
namespaces, against vpcsim's HttpClient and HttpServer on the same two-host topology, compared on
what goes on the wire: per TCP connection, who sends SYN, each request line and status code, who
sends FIN first, in order; and the request's header names (curl's Host, User-Agent, Accept).

Two exchanges: two requests on one keep-alive connection (the client closes after the last
response), and the same with `Connection: close` (the server closes after each response, and the
client opens a second connection). Needs root, ip, tcpdump, curl and tshark; names are prefixed
`lb-` and deleted afterwards; addresses are private and inside the namespaces only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

import vpcsim
import vpcsim.scenario

from conftest import unavailable

CLIENT, SERVER = "10.0.1.10", "10.0.1.20"

# An HTTP/1.1 origin (keep-alive) that answers every GET with a small body and Content-Length, and
# says `Connection: close` when the request did, as nginx does (Python's server alone would not say it,
# and curl would then send its next request on the closing connection).
SERVER_PY = r"""
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if self.headers.get("Connection", "").lower() == "close":
            self.send_header("Connection", "close")  # as nginx does (RFC 9112 section 9.6)
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer((sys.argv[1], 80), H).serve_forever()
"""

CASES = {
    "keep_alive": {"curl": [], "keep_alive": True},
    "connection_close": {"curl": ["-H", "Connection: close"], "keep_alive": False},
}


def _need() -> None:
    if os.geteuid() != 0:
        unavailable("the HTTP oracle needs root (network namespaces)")
    for tool in ("ip", "tcpdump", "curl", "tshark"):
        if shutil.which(tool) is None:
            unavailable(f"the HTTP oracle needs {tool} (apt-get install {'iproute2' if tool == 'ip' else tool})")


def _sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, text=True)


def kernel_capture(tmp: Path, case: str) -> Path:
    tag = f"lb-{os.getpid() % 100000}"
    c, s = f"{tag}-c", f"{tag}-s"
    pcap = tmp / f"kernel-{case}.pcap"
    procs: List[subprocess.Popen] = []
    try:
        _sh("ip", "netns", "add", c)
        _sh("ip", "netns", "add", s)
        _sh("ip", "link", "add", f"{tag}c", "netns", c, "type", "veth", "peer", "name", f"{tag}s", "netns", s)
        for ns, dev, ip in ((c, f"{tag}c", CLIENT), (s, f"{tag}s", SERVER)):
            _sh("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", dev)
            _sh("ip", "-n", ns, "link", "set", dev, "up")
            _sh("ip", "-n", ns, "link", "set", "lo", "up")
        procs.append(subprocess.Popen(["ip", "netns", "exec", s, sys.executable, "-c", SERVER_PY, SERVER],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        dump = subprocess.Popen(["ip", "netns", "exec", s, "tcpdump", "-i", f"{tag}s", "-U", "-w", str(pcap), "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(dump)
        assert dump.stderr is not None
        dump.stderr.readline()  # "listening on ...": tcpdump has opened the interface
        time.sleep(1.0)  # ... and its filter is in place
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the server listening
            ready = subprocess.run(["ip", "netns", "exec", s, "ss", "-ltn", "sport", "= :80"], capture_output=True, text=True)
            if ":80" in ready.stdout:
                break
            time.sleep(0.1)
        url = f"http://{SERVER}/api"
        subprocess.run(["ip", "netns", "exec", c, "curl", "-s", "--max-time", "5", "-H", "Host: shop.example",
                        *CASES[case]["curl"], "-o", "/dev/null", "-o", "/dev/null", url, url], check=True, timeout=20)
        time.sleep(1.0)  # the last FIN and ACK on the wire, and written
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGINT)  # tcpdump flushes and closes its file
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        for ns in (c, s):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    return pcap


def sim_capture(tmp: Path, case: str) -> Path:
    keep = "true" if CASES[case]["keep_alive"] else "false"
    text = f"""
name: http-oracle
seed: 1
nodes:
  client: {{kind: host, interfaces: {{eth0: {{ip: {CLIENT}/24}}}}}}
  web: {{kind: host, interfaces: {{eth0: {{ip: {SERVER}/24}}}}}}
links: [[client.eth0, web.eth0]]
traffic:
  - {{on: web, listen: {{http: 80, reply: "ok\\n"}}}}
  - {{from: client, http: {{to: web:80, path: /api, host: shop.example, count: 2, keep_alive: {keep}}}, expect: 200}}
capture: [web.eth0]
"""
    out = tmp / f"sim-{case}"
    run = vpcsim.scenario.loads(text, "oracle.yaml").run(out)
    assert run.all_met
    return out / "web-eth0.pcap"


def wire_events(pcap: Path) -> List[str]:
    """One line per event, in order: 'conn N client SYN', 'conn N server 200', ... (pure ACKs and
    segments that do not end an HTTP message are left out; a segment's data comes before its FIN).

    When a request said `Connection: close`, both ends close as soon as the response is out, and in
    the kernel curl's exit races the server's close: the two FINs of such a connection are compared
    as a pair, in a fixed order, rather than in the order the race happened to take."""
    fields = ["tcp.stream", "ip.src", "tcp.flags.syn", "tcp.flags.fin", "tcp.flags.reset",
              "http.request.method", "http.request.uri", "http.response.code", "http.connection"]
    out = subprocess.run(["tshark", "-n", "-r", str(pcap), "-T", "fields", "-E", "occurrence=f",
                          *[a for f in fields for a in ("-e", f)]], capture_output=True, text=True, check=True).stdout
    events: List[tuple] = []
    closing = set()
    for line in out.splitlines():
        stream, src, syn, fin, rst, method, uri, code, connection = (line.split("\t") + [""] * 9)[:9]
        side = "client" if src == CLIENT else "server"
        if method and connection.lower() == "close":
            closing.add(stream)
        if syn in ("1", "True"):
            events.append((stream, side, "SYN"))
        if method:
            events.append((stream, side, f"{method} {uri}"))
        if code:
            events.append((stream, side, code))
        if fin in ("1", "True"):
            events.append((stream, side, "FIN"))
        if rst in ("1", "True"):
            events.append((stream, side, "RST"))
    # Each closing connection's FINs: after its last other event, client's then server's.
    ordered: List[tuple] = []
    for event in events:
        if event[0] in closing and event[2] == "FIN":
            continue
        ordered.append(event)
    for stream in sorted(closing, key=int):
        fins = sorted(e for e in events if e[0] == stream and e[2] == "FIN")
        last = max(i for i, e in enumerate(ordered) if e[0] == stream)
        ordered[last + 1:last + 1] = fins
    return [f"conn {stream} {side} {what}" for stream, side, what in ordered]


def request_header_names(pcap: Path) -> List[str]:
    out = subprocess.run(["tshark", "-n", "-r", str(pcap), "-Y", "http.request", "-T", "fields", "-E",
                          "occurrence=a", "-E", "aggregator=|", "-e", "http.request.line"],
                         capture_output=True, text=True, check=True).stdout
    first = out.splitlines()[0]
    return [h.split(":", 1)[0] for h in first.split("|")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_sim_matches_curl_and_a_real_server_on_the_wire(case: str, tmp_path: Path) -> None:
    _need()
    kernel_pcap, sim_pcap = kernel_capture(tmp_path, case), sim_capture(tmp_path, case)
    kernel = wire_events(kernel_pcap)
    assert kernel, "the kernel capture is empty"
    assert wire_events(sim_pcap) == kernel
    # curl's request headers, in order, are ours (ours name another User-Agent).
    assert request_header_names(sim_pcap) == request_header_names(kernel_pcap)
