"""Writes the fuzz targets' seed corpora, tests/fuzz/corpus/<target>/, from real captures and scenarios.

    PYTHONPATH=bindings python3 tests/fuzz/seed_corpora.py [--pcaps DIR]

Sources: the small third-party captures in tests/data/pcaps, or $VPCSIM_PCAPS (tcpdump, libpcap, zeek,
gopacket, PcapPlusPlus, joincap: see corpus/README.md; Wireshark's GPL files are not among them), and the pcaps
vpcsim writes for the scenarios in scenarios/. Frames are read with vpcsim's own PcapReader; each
Ethernet frame seeds ethernet_fuzz, its ARP or IPv4 payload arp_fuzz or ipv4_fuzz, and the IPv4
payload icmp_fuzz, udp_fuzz or tcp_fuzz by protocol. Whole capture files (up to 8 KiB) seed
pcap_reader_fuzz, scenario files scenario_fuzz. replay_pipeline_fuzz gets runs of our own frames in its
input format (an options byte, then records of a 2-byte length and a frame), flow_log_fuzz the VPC Flow
Logs of scenarios/ (whole files and single records under the header). Files are named by their SHA-1, so a rerun adds only
what is new; each target keeps at most MAX_PER_TARGET seeds, spread evenly over the sizes found.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

import vpcsim

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fuzz" / "corpus"
MAX_PER_TARGET = 60
MAX_FILE = 8192
SCENARIOS = ["dns_names", "public_private_vpc", "home_nat", "three_router_traceroute", "nat_port_clash", "docker_port_publish"]


def split_frame(frame: bytes, seeds: Dict[str, List[bytes]]) -> None:
    """Adds the frame and the protocol payloads inside it to the seeds of each target."""
    seeds["ethernet_fuzz"].append(frame)
    offset, ethertype = 14, struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
    while ethertype in (0x8100, 0x88A8) and len(frame) >= offset + 4:  # VLAN tags (802.1Q, 802.1ad)
        ethertype = struct.unpack("!H", frame[offset + 2:offset + 4])[0]
        offset += 4
    payload = frame[offset:]
    if ethertype == 0x0806:
        seeds["arp_fuzz"].append(payload)
    elif ethertype == 0x0800 and len(payload) >= 20:
        seeds["ipv4_fuzz"].append(payload)
        ihl = (payload[0] & 0x0F) * 4
        total = struct.unpack("!H", payload[2:4])[0]
        l4 = payload[ihl:max(ihl, min(total, len(payload)))]
        target = {1: "icmp_fuzz", 17: "udp_fuzz", 6: "tcp_fuzz"}.get(payload[9])
        if target and l4:
            seeds[target].append(l4)
        if payload[9] == 17 and len(l4) > 8 and 53 in struct.unpack("!HH", l4[:4]):
            seeds["dns_fuzz"].append(l4[8:])  # a DNS message, from or to port 53


REPLAY_OPTIONS = [0x00, 0x04, 0x08, 0x0C, 0x10, 0x20, 0x40, 0x80, 0x2C]  # split modes, verbatim, rewrite, TTL, loop


def replay_seeds(frames: List[bytes]) -> List[bytes]:
    """replay_pipeline_fuzz inputs (tests/fuzz/replay_pipeline_fuzz.cpp): an options byte, then records."""
    seeds = []
    for index, options in enumerate(REPLAY_OPTIONS):
        run = frames[index * 6:index * 6 + 12] or frames[:12]
        seeds.append(bytes([options]) + b"".join(struct.pack("!H", len(f)) + f for f in run))
    return seeds


def flow_log_seeds() -> List[bytes]:
    """flow_log_fuzz inputs: each flow log of scenarios/ whole, and each of its records under its header."""
    seeds = []
    for path in sorted((REPO / "scenarios").rglob("*.log")):
        text = path.read_bytes()
        seeds.append(text)
        header, *records = text.splitlines(keepends=True)
        seeds.extend(header + record for record in records)
    return seeds


def frames_of(path: Path) -> List[bytes]:
    try:
        reader = vpcsim.PcapReader(str(path))
    except vpcsim.ConfigError:
        return []
    if reader.link_type != 1:  # Ethernet
        return []
    return [record.data for record in reader.read_all()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pcaps", type=Path, default=REPO / os.environ.get("VPCSIM_PCAPS", "tests/data/pcaps"))
    parser.add_argument("--only", nargs="+", metavar="TARGET", help="write these targets' corpora only")
    args = parser.parse_args()

    names = ["ethernet_fuzz", "arp_fuzz", "ipv4_fuzz", "icmp_fuzz", "udp_fuzz", "tcp_fuzz",
             "pcap_reader_fuzz", "scenario_fuzz", "replay_pipeline_fuzz", "flow_log_fuzz"]
    seeds: Dict[str, List[bytes]] = {name: [] for name in names}
    captures = sorted(p for p in args.pcaps.glob("*.pcap*") if not p.name.startswith("wireshark-"))
    with tempfile.TemporaryDirectory() as out:
        for name in SCENARIOS:
            subprocess.run([sys.executable, "-m", "vpcsim", "run", str(REPO / "scenarios" / f"{name}.yaml"),
                            "--out", f"{out}/{name}"], check=False, capture_output=True)
        ours = sorted(Path(out).glob("*/*.pcap"))
        for path in captures + ours:
            for frame in frames_of(path):
                split_frame(frame, seeds)
        for path in captures + ours[:4]:
            if path.stat().st_size <= MAX_FILE:
                seeds["pcap_reader_fuzz"].append(path.read_bytes())
        for path in ours[:6]:
            seeds["replay_pipeline_fuzz"].extend(replay_seeds(frames_of(path)))
    seeds["flow_log_fuzz"].extend(flow_log_seeds())
    for path in sorted((REPO / "scenarios").glob("*.yaml")) + sorted((REPO / "tests/python/data").rglob("*.yaml")):
        if path.stat().st_size <= MAX_FILE:
            seeds["scenario_fuzz"].append(path.read_bytes())

    for name, items in seeds.items():
        if args.only and name not in args.only:
            continue
        folder = CORPUS / name
        folder.mkdir(parents=True, exist_ok=True)
        unique = {hashlib.sha1(item).hexdigest(): item for item in items}
        ordered = sorted(unique.items(), key=lambda kv: (len(kv[1]), kv[0]))
        step = max(1.0, len(ordered) / MAX_PER_TARGET)
        kept = [ordered[int(i * step)] for i in range(min(MAX_PER_TARGET, len(ordered)))]
        for digest, item in kept:
            (folder / digest).write_bytes(item)
        print(f"{name}: {len(kept)} seeds ({len(unique)} distinct)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
