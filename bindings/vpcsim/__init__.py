"""vpcsim: a deterministic network simulator whose packets are real Ethernet frames.

    >>> import vpcsim
    >>> net = vpcsim.Network(seed=1)
    >>> h1, h2 = net.add_host("h1"), net.add_host("h2")
    >>> _ = net.add_switch("sw1")
    >>> _ = h1.add_interface("eth0", "10.0.1.10/24"); _ = h2.add_interface("eth0", "10.0.1.20/24")
    >>> _ = net.connect("h1.eth0", "sw1"); _ = net.connect("h2.eth0", "sw1")
    >>> ping = h1.ping("10.0.1.20", count=2)
    >>> _ = net.run()
    >>> ping.outcome, ping.received
    ('reply', 2)
"""

from vpcsim._core import (
    Application,
    FlowTuple,
    Host,
    IcmpErrorReport,
    Interface,
    InterfaceCapture,
    InterfaceCounters,
    IpCounters,
    IpNode,
    Ipv4Address,
    Ipv4InterfaceAddress,
    Ipv4Prefix,
    Layer,
    Link,
    LinkDirectionStats,
    MacAddress,
    MacTableEntry,
    NatCounters,
    NatRouter,
    NeighbourEntry,
    Network,
    Node,
    PcapReader,
    PcapRecord,
    Ping,
    PingError,
    PingReply,
    Route,
    Router,
    Switch,
    TcpClient,
    TcpConnectionInfo,
    TcpServer,
    TraceEvent,
    TraceLog,
    Traceroute,
    TracerouteHop,
    TracerouteProbe,
    Translation,
    UdpClient,
    UdpResponder,
    capture,
    decode,
    describe,
    format_duration,
    format_layers,
    parse_bandwidth,
    parse_duration,
)
from vpcsim.errors import ConfigError, Error, ParseError

# Pure-Python companions; `tables` imports pandas only when a DataFrame is asked for.
from vpcsim import craft, tables  # noqa: E402  (after _core, which they use)

__version__ = "0.1.0"

__all__ = [
    "Application",
    "ConfigError",
    "Error",
    "FlowTuple",
    "Host",
    "IcmpErrorReport",
    "Interface",
    "InterfaceCapture",
    "InterfaceCounters",
    "IpCounters",
    "IpNode",
    "Ipv4Address",
    "Ipv4InterfaceAddress",
    "Ipv4Prefix",
    "Layer",
    "Link",
    "LinkDirectionStats",
    "MacAddress",
    "MacTableEntry",
    "NatCounters",
    "NatRouter",
    "NeighbourEntry",
    "Network",
    "Node",
    "ParseError",
    "PcapReader",
    "PcapRecord",
    "Ping",
    "PingError",
    "PingReply",
    "Route",
    "Router",
    "Switch",
    "TcpClient",
    "TcpConnectionInfo",
    "TcpServer",
    "TraceEvent",
    "TraceLog",
    "Traceroute",
    "TracerouteHop",
    "TracerouteProbe",
    "Translation",
    "UdpClient",
    "UdpResponder",
    "capture",
    "craft",
    "decode",
    "describe",
    "format_duration",
    "format_layers",
    "parse_bandwidth",
    "parse_duration",
    "tables",
]
