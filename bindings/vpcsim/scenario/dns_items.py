"""DNS in a scenario: a node's `dns_server` (zones, forwarders) and `resolver` (resolv.conf and
/etc/hosts), validated field by field, attached to the built nodes, and their logs in results.json."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from vpcsim import _core
from vpcsim.errors import ConfigError, ParseError
from vpcsim.scenario.fields import _address, _check_keys, _integer, _mapping, _sequence, _text
from vpcsim.scenario.location import _At
from vpcsim.scenario.record import record

DNS_SERVER_KEYS = ("zones", "forwarders", "port")
RESOLVER_KEYS = ("nameservers", "search", "hosts", "timeout", "attempts", "ndots")


@record
class DnsServerSpec:
    zones: Dict[str, List[str]]  # origin -> zone-file lines
    forwarders: List[str]
    port: int
    at: _At


@record
class ResolverSpec:
    nameservers: List[str]
    search: List[str]
    hosts: Dict[str, str]
    timeout: int
    attempts: int
    ndots: int
    at: _At


def _name(at: _At, value: Any, what: str) -> str:
    text = _text(at, value)
    try:
        _core.check_dns_name(text)
    except (ConfigError, ParseError) as error:
        raise at.error(f"{what} '{text}': {error}") from None
    return text


def validate_dns_server(at: _At, value: Any) -> DnsServerSpec:
    data = _mapping(at, value, "a mapping such as {zones: {example.internal: ['db A 10.0.1.20']}, forwarders: [...]}")
    _check_keys(at, data, DNS_SERVER_KEYS)
    zones: Dict[str, List[str]] = {}
    if data.get("zones") is not None:
        zat = at.key(data, "zones")
        zdata = _mapping(zat, data["zones"], "a mapping of zone names to lists of records ('db A 10.0.1.20')")
        for origin, lines in zdata.items():
            oat = zat.key(zdata, origin)
            origin_text = _name(zat.key_itself(zdata, origin), origin, "zone")
            seq = _sequence(oat, lines, "a list of records such as 'db A 10.0.1.20' or 'www CNAME db'")
            records = []
            for index, line in enumerate(seq):
                lat = oat.item(seq, index)
                text = _text(lat, line)
                try:
                    _core.parse_zone_record(text, origin_text)
                except (ConfigError, ParseError) as error:
                    raise lat.error(str(error)) from None
                records.append(text)
            zones[origin_text] = records
    forwarders: List[str] = []
    if data.get("forwarders") is not None:
        fat = at.key(data, "forwarders")
        fseq = _sequence(fat, data["forwarders"], "a list of addresses")
        forwarders = [_address(fat.item(fseq, i), a) for i, a in enumerate(fseq)]
    port = 53
    if data.get("port") is not None:
        port = _integer(at.key(data, "port"), data["port"], 1, 65535, "a UDP port")
    return DnsServerSpec(zones, forwarders, port, at)


def validate_resolver(at: _At, value: Any) -> ResolverSpec:
    data = _mapping(at, value, "a mapping such as {nameservers: [10.0.0.2], search: [example.internal]}")
    _check_keys(at, data, RESOLVER_KEYS)
    nameservers: List[str] = []
    if data.get("nameservers") is not None:
        nat = at.key(data, "nameservers")
        nseq = _sequence(nat, data["nameservers"], "a list of addresses (at most 3, as glibc reads)")
        nameservers = [_address(nat.item(nseq, i), a) for i, a in enumerate(nseq)]
        if len(nameservers) > 3:
            raise nat.error(f"{len(nameservers)} nameservers: glibc uses at most 3 (MAXNS)")
    search: List[str] = []
    if data.get("search") is not None:
        sat = at.key(data, "search")
        sseq = _sequence(sat, data["search"], "a list of domains")
        search = [_name(sat.item(sseq, i), d, "search domain") for i, d in enumerate(sseq)]
        if len(search) > 6:
            raise sat.error(f"{len(search)} search domains: glibc uses at most 6 (MAXDNSRCH)")
    hosts: Dict[str, str] = {}
    if data.get("hosts") is not None:
        hat = at.key(data, "hosts")
        hdata = _mapping(hat, data["hosts"], "a mapping of names to addresses, as /etc/hosts")
        for name, address in hdata.items():
            hosts[_name(hat.key_itself(hdata, name), name, "hosts name")] = _address(hat.key(hdata, name), address)

    def option(key: str, default: int, low: int, high: int) -> int:
        if data.get(key) is None:
            return default
        return _integer(at.key(data, key), data[key], low, high, f"{key} ({low}-{high}, as glibc allows)")

    return ResolverSpec(nameservers, search, hosts, option("timeout", 5, 1, 30), option("attempts", 2, 1, 5),
                        option("ndots", 1, 0, 15), at)


def attach(node: Any, server: Optional[DnsServerSpec], resolver: Optional[ResolverSpec]) -> None:
    """Starts the node's DNS server and resolver (before its traffic, which may use the resolver)."""
    if server is not None:
        node.add_dns_server(zones=server.zones, forwarders=server.forwarders, port=server.port)
    if resolver is not None:
        node.set_resolver(nameservers=resolver.nameservers, search=resolver.search, hosts=resolver.hosts,
                          timeout=resolver.timeout, attempts=resolver.attempts, ndots=resolver.ndots)


def lookup_record(lookup: Any) -> Dict[str, Any]:
    """A LookupResult as results.json shows it."""
    return {
        "name": lookup.name,
        "status": lookup.status,
        "address": None if lookup.address is None else str(lookup.address),
        "canonical_name": lookup.canonical_name or None,
        "source": lookup.source or None,
        "server": None if lookup.server is None else str(lookup.server),
        "rcode": lookup.rcode,
        "duration_ms": lookup.duration_ms,
        "queries": [
            {"sent_ms": q.sent_ms, "server": str(q.server), "name": q.name, "id": q.id, "rcode": q.rcode,
             "icmp_error": q.icmp_error}
            for q in lookup.queries
        ],
    }


def server_log_records(server: Any) -> List[Dict[str, Any]]:
    """A DnsServer's query log as results.json shows it."""
    return [
        {"at_ms": e.at_ms, "client": f"{e.client}:{e.client_port}", "name": e.name, "type": e.type, "rcode": e.rcode,
         "answer": e.answer or None, "forwarded_to": None if e.forwarded_to is None else str(e.forwarded_to)}
        for e in server.log
    ]


def dns_tables(network: Any, names: List[str]) -> Dict[str, Any]:
    """Per node with a DNS server or resolver: its query log and its lookups."""
    tables: Dict[str, Any] = {}
    for name in names:
        node = network.node(name)
        if not isinstance(node, _core.IpNode):
            continue
        entry: Dict[str, Any] = {}
        for app in node.applications:
            if isinstance(app, _core.DnsServer):
                entry["server_log"] = server_log_records(app)
            elif isinstance(app, _core.StubResolver):
                entry["lookups"] = [lookup_record(lookup) for lookup in app.lookups]
        if entry:
            tables[name] = entry
    return tables
