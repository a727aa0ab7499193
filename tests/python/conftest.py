"""Shared fixtures for the Python tests: where things are, what a test needs, the command line, tshark, and a
one-line summary of an Ethernet frame in the format of the C++ tests' FrameLog
(tests/cpp/support/frame_log.h), so Python tests can compare links with the C++ expectations."""

from __future__ import annotations

import functools
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Callable, List, NoReturn, Sequence

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# Under CI (CI=true) .ci/setup.sh has installed every tool and built every program the tests use.
IN_CI = os.environ.get("CI", "").lower() == "true"


def build_dir() -> Path:
    """The C++ build directory the tests use: $VPCSIM_BUILD_DIR, else <repository>/build."""
    return Path(os.environ.get("VPCSIM_BUILD_DIR") or REPO_ROOT / "build")


def unavailable(what: str) -> NoReturn:
    """Skips a test whose tool, program or data is missing, saying which (`what`, with how to get
    it); under CI fails instead, since there a missing tool is a broken setup that a skip would hide."""
    if IN_CI:
        pytest.fail(f"{what} (CI=true: every test must run)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    return REPO_ROOT / "scenarios"


@pytest.fixture(scope="session")
def test_data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess]:
    """Runs `python -m vpcsim ARGS...` in a subprocess; returns the CompletedProcess (text)."""

    def run(*args: str, cwd: Path = REPO_ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "vpcsim", *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


# --- tshark (tests/cpp/support/tshark.h, in Python) ----------------------------------------------

_TSHARK_BAD = (
    "Malformed",
    "Expert Info (Error",
    "[incorrect",
    "Bad checksum",
    "Checksum Status: Bad",
    "cut short",
    "damaged",
    "tshark:",
    "Exception",
)


@functools.lru_cache(maxsize=1)
def _tshark_checksum_options() -> List[str]:
    prefs = subprocess.run(["tshark", "-G", "defaultprefs"], capture_output=True, text=True).stdout
    options: List[str] = []
    for proto in ("eth", "ip", "icmp", "udp", "tcp"):
        pref = f"{proto}.check_checksum"
        if f"#{pref}:" in prefs:
            options += ["-o", f"{pref}:TRUE"]
    return options


def tshark_problems(path: Path, options: Sequence[str] = ()) -> List[str]:
    """Every line of `tshark -V` (checksum validation on, plus `options`) that shows a problem; empty
    when clean."""
    result = subprocess.run(
        ["tshark", "-n", *_tshark_checksum_options(), *options, "-r", str(path), "-V"],
        capture_output=True,
        text=True,
    )
    problems = [] if result.returncode == 0 else [f"tshark exited with {result.returncode}"]
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("Running as user"):
            continue
        if any(bad in line for bad in _TSHARK_BAD):
            problems.append(line)
    return problems


@pytest.fixture(scope="session")
def tshark() -> Callable[[Path], List[str]]:
    """tshark_problems(path); skips the test when tshark is not installed."""
    if shutil.which("tshark") is None:
        pytest.skip("tshark is not installed")
    return tshark_problems


# --- FrameLog lines -------------------------------------------------------------------------------


def _ipv4_line(data: bytes, quoted: bool = False) -> str:
    if len(data) < 20:
        return "IPv4 malformed"
    ihl = (data[0] & 0x0F) * 4
    tos, total_len, flags = data[1], struct.unpack("!H", data[2:4])[0], struct.unpack("!H", data[6:8])[0]
    ttl, proto = data[8], data[9]
    src, dst = ".".join(map(str, data[12:16])), ".".join(map(str, data[16:20]))
    df = 1 if flags & 0x4000 else 0
    text = f"IPv4 {src}>{dst} ttl={ttl} tos=0x{tos:02x} df={df} len={total_len}"
    if not quoted and _checksum(data[:ihl]) != 0xFFFF:
        text += " BADSUM"
    l4 = data[ihl:] if quoted else data[ihl:total_len]
    if proto == 1 and len(l4) >= 8:
        icmp_type, code = l4[0], l4[1]
        if icmp_type in (0, 8):
            name = "echo-request" if icmp_type == 8 else "echo-reply"
            text += f" ICMP {name} seq={struct.unpack('!H', l4[6:8])[0]}"
        else:
            name = {3: "dest-unreachable", 11: "time-exceeded"}.get(icmp_type, "other")
            text += f" ICMP {name} code={code}"
            if not quoted and len(l4) > 8:
                text += f" quoting[{_ipv4_line(l4[8:], True)} ({len(l4) - 8} bytes)]"
        if not quoted and _checksum(l4) != 0xFFFF:
            text += " BADSUM"
    elif proto == 17 and len(l4) >= 8:
        sport, dport, length = struct.unpack("!HHH", l4[:6])
        text += f" UDP {sport}>{dport} len={length}"
        if not quoted:
            pseudo = data[12:20] + struct.pack("!BBH", 0, 17, len(l4))
            if _checksum(pseudo + l4) != 0xFFFF:
                text += " BADSUM"
    return text


def _checksum(data: bytes) -> int:
    """The one's complement sum, folded: 0xffff over a block whose checksum is right."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def frame_line(frame: bytes) -> str:
    """The C++ FrameLog summary of one Ethernet frame: 'ARP request bcast who-has 10.0.1.20 tell
    10.0.1.10', 'IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1', ..."""
    if len(frame) < 14:
        return "malformed"
    ethertype = struct.unpack("!H", frame[12:14])[0]
    payload = frame[14:]
    if ethertype == 0x0806:
        if len(payload) < 28:
            return "ARP malformed"
        op = struct.unpack("!H", payload[6:8])[0]
        sender_ip = ".".join(map(str, payload[14:18]))
        target_ip = ".".join(map(str, payload[24:28]))
        if op == 1:
            cast = "bcast" if frame[:6] == b"\xff" * 6 else "ucast"
            return f"ARP request {cast} who-has {target_ip} tell {sender_ip}"
        return f"ARP reply {sender_ip} is-at"
    if ethertype == 0x0800:
        return _ipv4_line(payload)
    return f"ethertype {ethertype}"


@pytest.fixture(scope="session")
def pcap_lines() -> Callable[[Path], List[str]]:
    """pcap_lines(path): the FrameLog line of every frame in a capture."""
    import vpcsim

    def lines(path: Path) -> List[str]:
        return [frame_line(r.data) for r in vpcsim.PcapReader(str(path)).read_all()]

    return lines


@pytest.fixture(scope="session")
def pcap_times() -> Callable[[Path], List[int]]:
    """pcap_times(path): the timestamp (ns) of every frame in a capture."""
    import vpcsim

    def times(path: Path) -> List[int]:
        return [r.ts_ns for r in vpcsim.PcapReader(str(path)).read_all()]

    return times
