#!/bin/bash
# The kernel side of the replay comparison (docs/faithfulness.md, "Replay ports"): the client side of
# a capture tcpreplayed into a masquerading Linux NAT in network namespaces, captured with tcpdump on
# both NAT interfaces (kernel-nat-eth0.pcap, kernel-nat-eth1.pcap). Needs root, iproute2, iptables,
# ethtool, tcpdump, tcpreplay/tcprewrite (Debian: tcpreplay).
#   tests/oracle/replay_client_side.sh CAPTURE OUTDIR
# The simulator side: vpcsim replay CAPTURE --into SCENARIO --at nat.eth0 --split auto --out DIR with
# a nat (10.0.2.2/24, 203.0.113.2/24, masquerade) and a host 203.0.113.1; compare with
#   tests/oracle/normalize.py.
set -e
CAP=$(realpath "${1:-$(dirname "$0")/../data/pcaps/tcpdump-whois.pcap}"); OUT=${2:-.}; cd "$OUT"
P=vr$$
cleanup() { for n in cli nat up; do ip netns del $P-$n 2>/dev/null || true; done; }
trap cleanup EXIT
for n in cli nat up; do ip netns add $P-$n; ip -n $P-$n link set lo up; ip netns exec $P-$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add c0 netns $P-cli type veth peer name eth0 netns $P-nat
ip link add eth1 netns $P-nat type veth peer name eth0 netns $P-up
ip -n $P-cli link set c0 up
ip -n $P-nat addr add 10.0.2.2/24 dev eth0; ip -n $P-nat link set eth0 up
ip -n $P-nat addr add 203.0.113.2/24 dev eth1; ip -n $P-nat link set eth1 up
ip -n $P-up addr add 203.0.113.1/24 dev eth0; ip -n $P-up link set eth0 up
ip -n $P-nat route add default via 203.0.113.1
ip netns exec $P-nat sysctl -qw net.ipv4.ip_forward=1
ip netns exec $P-nat iptables -t nat -A POSTROUTING -s 10.0.2.0/24 -o eth1 -j MASQUERADE
for ns in cli nat up; do for i in $(ip -n $P-$ns -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v lo); do ip netns exec $P-$ns ethtool -K $i tx off >/dev/null 2>&1 || true; done; done
MAC=$(ip -n $P-nat -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | awk '{print $2}')
tcpdump -r "$CAP" -w client.pcap 'src host 10.0.2.15' 2>/dev/null
tcprewrite --enet-dmac=$MAC --fixcsum -i client.pcap -o client2.pcap
sleep 1
ip netns exec $P-nat tcpdump -i eth1 -w kernel-nat-eth1.pcap -U -n -s 0 --immediate-mode 2>/dev/null & T1=$!
ip netns exec $P-nat tcpdump -i eth0 -w kernel-nat-eth0.pcap -U -n -s 0 --immediate-mode 2>/dev/null & T2=$!
sleep 1.5
ip netns exec $P-cli tcpreplay -q -i c0 client2.pcap
sleep 1
kill -INT $T1 $T2; wait $T1 $T2 || true
ip netns exec $P-nat conntrack -L 2>/dev/null || ip netns exec $P-nat cat /proc/net/nf_conntrack 2>/dev/null || true
