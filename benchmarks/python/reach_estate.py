"""A generated VPC estate for the reachability benchmark: N instances in S subnets of one VPC.

Tiers as a real estate has them: the first quarter of the subnets are public (web tier: 80 and 443
from anywhere, 22 from the bastion group), the next half are application subnets (8080 from the web
tier, 22 from the bastion), the rest data subnets (5432 from the app tier) behind a network ACL
that only admits the VPC's own block and return traffic. A bastion and two internet hosts.

    python3 benchmarks/python/reach_estate.py --instances 1000 --subnets 20 > /tmp/estate.yaml
"""

from __future__ import annotations

import argparse
import sys
from typing import List


def estate(instances: int, subnets: int) -> str:
    """The scenario YAML text."""
    if subnets < 4 or subnets > 250:
        raise ValueError("subnets: 4 to 250")
    public = max(1, subnets // 4)
    data = max(1, subnets // 4)
    lines: List[str] = [
        f"name: estate-{instances}x{subnets}",
        "seed: 1",
        "vpcs:",
        "  main:",
        "    cidr: 10.0.0.0/16",
        "    internet_gateway: igw-main",
        "    subnets:",
    ]
    tiers = []
    for s in range(subnets):
        tier = "web" if s < public else ("data" if s >= subnets - data else "app")
        tiers.append(tier)
        rtb = "public" if tier == "web" else "private"
        acl = ", network_acl: acl-data" if tier == "data" else ""
        lines.append(f"      {tier}-{s}: {{cidr: 10.0.{s}.0/24, route_table: {rtb}{acl}}}")
    lines += [
        "    nat_gateways:",
        "      nat-a: {subnet: web-0}",
        "    route_tables:",
        "      public: [{to: 0.0.0.0/0, target: igw-main}]",
        "      private: [{to: 0.0.0.0/0, target: nat-a}]",
        "    network_acls:",
        "      acl-data:",
        "        inbound:",
        "          - {rule: 100, proto: all, from: 10.0.0.0/16, action: allow}",
        "          - {rule: 200, proto: tcp, port: 1024-65535, from: 0.0.0.0/0, action: allow}",
        "        outbound: [{rule: 100, proto: all, to: 0.0.0.0/0, action: allow}]",
        "    security_groups:",
        "      bastion-sg: {ingress: [{proto: tcp, port: 22, from: 0.0.0.0/0}]}",
        "      web-sg:",
        "        ingress: [{proto: tcp, port: 80, from: 0.0.0.0/0}, {proto: tcp, port: 443, from: 0.0.0.0/0},",
        "                  {proto: tcp, port: 22, from_sg: bastion-sg}]",
        "      app-sg:",
        "        ingress: [{proto: tcp, port: 8080, from_sg: web-sg}, {proto: tcp, port: 22, from_sg: bastion-sg}]",
        "      data-sg:",
        "        ingress: [{proto: tcp, port: 5432, from_sg: app-sg}, {proto: tcp, port: 22, from_sg: bastion-sg}]",
        "    instances:",
        "      bastion: {subnet: web-0, ip: 10.0.0.250, public_ip: auto, security_groups: [bastion-sg]}",
    ]
    for i in range(instances - 1):
        s = i % subnets
        tier = tiers[s]
        host = 10 + i // subnets
        # The Elastic IP pool (198.51.100.100-254) holds 155: the first web servers are public.
        public_ip = ", public_ip: auto" if tier == "web" and i < 100 else ""
        lines.append(f"      {tier}{i}: {{subnet: {tier}-{s}, ip: 10.0.{s}.{host}{public_ip}, security_groups: [{tier}-sg]}}")
    lines += ["internet:", "  hosts:", "    ext: {ip: 203.0.113.10}", "    partner: {ip: 192.0.2.77}", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--subnets", type=int, default=20)
    args = parser.parse_args()
    sys.stdout.write(estate(args.instances, args.subnets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
