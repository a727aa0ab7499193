// A DNS server on UDP port 53: authoritative for its zones (dns_zones.h) and, with forwarders, a
// forwarding resolver for every other name, as dnsmasq with `server=` lines or the Amazon-provided
// VPC resolver (which forwards what it does not know to public DNS).
//
// Per query (RFC 1035 4.3.1, RFC 1034 4.3.2): a message that is not a query (QR set) is ignored; an
// opcode other than QUERY gets NOTIMP; not exactly one question, FORMERR; a class other than IN,
// REFUSED. A name in the zones gets the authoritative answer. Any other name is forwarded to the
// forwarders in order, each given `forward_timeout` (a new id from a new port, RD set); the upstream
// answer goes back with the client's id and RA set; if no forwarder answers, SERVFAIL (what dnsmasq
// and unbound answer when upstream fails). Without forwarders, REFUSED (a non-recursive server, as
// BIND answers with `recursion no`). Answers longer than 512 bytes are truncated with TC set.
//
// The server answers from the address the query was sent to, so one server can listen on several
// addresses (the VPC resolver's base + 2 and 169.254.169.253). Every query is logged.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/application.h"
#include "libnet/node/dns_zones.h"
#include "libnet/node/sockets.h"

namespace vpcsim::node {

struct DnsServerConfig {
  std::uint16_t port = 53;
  std::vector<DnsZone> zones;
  std::vector<wire::Ipv4Address> forwarders;
  core::Time forward_timeout = 2 * core::kSecond;
};

/// One query the server received and what it answered.
struct DnsServerLogEntry {
  core::Time at = 0;           ///< when the query arrived
  wire::Ipv4Address client;
  std::uint16_t client_port = 0;
  std::string name;
  std::uint16_t type = 0;
  std::uint8_t rcode = 0;      ///< of the answer sent
  std::string answer;          ///< the answer records, "; "-separated
  wire::Ipv4Address forwarded_to;  ///< the forwarder that answered (0.0.0.0: answered locally)
  bool answered = false;       ///< false while forwarding (or if the query was ignored)
};

class DnsServer final : public Application, public UdpHandler, public core::EventHandler {
 public:
  using Config = DnsServerConfig;
  /// Throws core::ConfigError for bad zones (DnsZones) or if the port is taken.
  DnsServer(IpNode& node, DnsServerConfig config);
  ~DnsServer() override;
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  const DnsServerConfig& config() const { return config_; }
  const DnsZones& zones() const { return zones_; }
  const std::vector<DnsServerLogEntry>& log() const { return log_; }
  std::uint64_t queries() const { return log_.size(); }

  std::string_view kind() const override { return "dns-server"; }
  std::string summary() const override;
  Outcome outcome() const override { return log_.empty() ? Outcome::timeout : Outcome::reply; }

  void on_datagram(IpNode& node, const ReceivedDatagram& datagram) override;
  void on_icmp_error(IpNode&, const IcmpErrorReport&) override {}
  void handle_event(const core::Event& event) override;

 private:
  struct Forward;
  class UpstreamSocket;
  void answer_query(const ReceivedDatagram& datagram);
  void reply(wire::Ipv4Address from, wire::Ipv4Address to, std::uint16_t to_port, wire::DnsRepr message,
             DnsServerLogEntry& entry);
  void forward(std::size_t index);
  void on_upstream(std::size_t index, const ReceivedDatagram& datagram);

  IpNode& node_;
  DnsServerConfig config_;
  DnsZones zones_;
  std::vector<DnsServerLogEntry> log_;
  std::vector<std::unique_ptr<Forward>> forwards_;  ///< by index; null once done
};

}  // namespace vpcsim::node
