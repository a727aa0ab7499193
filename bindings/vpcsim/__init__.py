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
    AWS_MAX_PREFIX_LENGTH,
    AWS_MIN_PREFIX_LENGTH,
    Application,
    AwsSubnetRules,
    Cloud,
    CloudRoute,
    DnsQuery,
    DnsServer,
    DnsServerLogEntry,
    ElasticIp,
    Endpoint,
    EniFlowLog,
    ExplainAnswer,
    ExplainHop,
    ExplainQuery,
    FlowLogFile,
    FlowLogRecord,
    FlowLogWriter,
    FlowTuple,
    Host,
    IcmpErrorReport,
    Instance,
    Interface,
    InterfaceCapture,
    InterfaceCounters,
    InternetGateway,
    IpCounters,
    IpNode,
    Ipv4Address,
    Ipv4InterfaceAddress,
    Ipv4Prefix,
    Layer,
    Link,
    LinkDirectionStats,
    LookupResult,
    MacAddress,
    MacTableEntry,
    NatCounters,
    NatGateway,
    NameLookup,
    NatRouter,
    NeighbourEntry,
    Network,
    NetworkAcl,
    NetworkAclRule,
    Node,
    PcapReader,
    PcapRecord,
    Ping,
    PingError,
    PingReply,
    Resolving,
    Route,
    RouteTable,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    StubResolver,
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
    UdpDatagram,
    UdpResponder,
    UdpSocket,
    Vpc,
    VpcPeering,
    VpcRouter,
    aws_subnet_rules,
    capture,
    decode,
    describe,
    flow_log_epoch,
    format_duration,
    format_layers,
    is_flow_log_file,
    parse_bandwidth,
    parse_duration,
    parse_flow_log_line,
    read_flow_log,
)
from typing import Any, Optional

from vpcsim.errors import ConfigError, Error, ParseError

# Pure-Python companions; `tables` imports pandas only when a DataFrame is asked for.
from vpcsim import craft, tables  # noqa: E402  (after _core, which they use)



def sweep(scenario: Any, grid: Any = None, *, client: Any = None, workers: Optional[int] = None,
          progress: Any = None) -> Any:
    """Runs a scenario over a grid of seeds, overrides and files on Dask; a pandas DataFrame with a
    row per variant and item (vpcsim.sweeps.sweep; docs/sweeps.md)."""
    from vpcsim.sweeps import sweep as run

    return run(scenario, grid, client=client, workers=workers, progress=progress)


def reachability(scenario: Any, sources: str = "all", destinations: str = "all", ports: Any = "22,80,443/tcp",
                 **options: Any) -> Any:
    """The reachability matrix of a scenario file, every pair answered by explain, on Dask; a pandas
    DataFrame with a row per pair (vpcsim.reach.reachability; docs/sweeps.md)."""
    from vpcsim.reach import reachability as matrix

    return matrix(scenario, sources, destinations, ports, **options)


# Written once, in CMakeLists.txt's project(VERSION), and compiled into the extension.
from vpcsim._core import __version__ as __version__  # noqa: E402

__all__ = [
    "AWS_MAX_PREFIX_LENGTH",
    "AWS_MIN_PREFIX_LENGTH",
    "Application",
    "AwsSubnetRules",
    "Cloud",
    "CloudRoute",
    "DnsQuery",
    "DnsServer",
    "DnsServerLogEntry",
    "ConfigError",
    "ElasticIp",
    "Endpoint",
    "EniFlowLog",
    "Error",
    "ExplainAnswer",
    "ExplainHop",
    "ExplainQuery",
    "FlowLogFile",
    "FlowLogRecord",
    "FlowLogWriter",
    "FlowTuple",
    "Host",
    "IcmpErrorReport",
    "Instance",
    "Interface",
    "InterfaceCapture",
    "InterfaceCounters",
    "InternetGateway",
    "IpCounters",
    "IpNode",
    "Ipv4Address",
    "Ipv4InterfaceAddress",
    "Ipv4Prefix",
    "Layer",
    "Link",
    "LinkDirectionStats",
    "LookupResult",
    "MacAddress",
    "MacTableEntry",
    "NatCounters",
    "NatGateway",
    "NameLookup",
    "NatRouter",
    "NeighbourEntry",
    "Network",
    "NetworkAcl",
    "NetworkAclRule",
    "Node",
    "ParseError",
    "PcapReader",
    "PcapRecord",
    "Ping",
    "PingError",
    "PingReply",
    "Resolving",
    "Route",
    "RouteTable",
    "Router",
    "SecurityGroup",
    "SecurityGroupRule",
    "Subnet",
    "StubResolver",
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
    "UdpDatagram",
    "UdpResponder",
    "UdpSocket",
    "Vpc",
    "VpcPeering",
    "VpcRouter",
    "aws_subnet_rules",
    "capture",
    "craft",
    "decode",
    "describe",
    "flow_log_epoch",
    "format_duration",
    "format_layers",
    "is_flow_log_file",
    "parse_bandwidth",
    "parse_duration",
    "parse_flow_log_line",
    "reachability",
    "read_flow_log",
    "sweep",
    "tables",
]
