// A host's stub resolver, as glibc's getaddrinfo() resolves a name for ping, curl or a UDP client
// with /etc/nsswitch.conf's default "hosts: files dns":
//
// - files: the hosts table (/etc/hosts) first; a literal address ("10.0.1.20") needs no lookup.
// - dns (resolv/res_query.c, res_send.c): the names to try come from the search list as
//   __res_context_search builds them: a name with at least `ndots` dots (default 1) or a trailing
//   dot is tried as it is first, then with each search domain; a shorter one with the search
//   domains first and as it is last. NXDOMAIN or an empty answer moves to the next name; SERVFAIL,
//   REFUSED and NOTIMP (or an ICMP error: ECONNREFUSED) move to the next nameserver; a name whose
//   every query timed out ends the search (TRY_AGAIN without SERVFAIL stops res_nsearch).
// - Each name is sent `attempts` times (RES_DFLRETRY 2) round the nameservers in order, each query
//   waiting send_dg's time: `timeout` << ns, divided by the number of servers when ns > 0, at least
//   1 s (RES_TIMEOUT 5 s). One server: 5 s then 5 s; two: 5, 5, 5, 5.
// - Each query is an A query with a new random 16-bit id from a new socket (a random ephemeral
//   port), RD set; an answer counts only from the server's address and port, with the query's id
//   and question (send_dg's checks). Its first A record (after any CNAMEs) is the address.
//
// Not modelled: AAAA queries (vpcsim is IPv4: getaddrinfo with AF_INET sends A only), TCP retry on
// a truncated answer, `options rotate`, nscd and systemd-resolved caches (each lookup asks again).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::node {

struct StubResolverConfig {
  std::vector<wire::Ipv4Address> nameservers;  ///< at most 3 (glibc's MAXNS); none: 127.0.0.1
  std::vector<std::string> search;              ///< at most 6 domains (MAXDNSRCH)
  std::uint32_t ndots = 1;
  std::uint32_t timeout_s = 5;  ///< `options timeout:` (1-30)
  std::uint32_t attempts = 2;   ///< `options attempts:` (1-5)
  std::vector<std::pair<std::string, wire::Ipv4Address>> hosts;  ///< /etc/hosts: name, address
};

/// How a lookup ended. `not_found`: every name was NXDOMAIN or had no A record (EAI_NONAME);
/// `timeout`: no server answered (EAI_AGAIN after the timeouts); `failure`: servers answered
/// SERVFAIL, REFUSED or NOTIMP (EAI_AGAIN, "Temporary failure in name resolution").
enum class LookupStatus : std::uint8_t { pending, found, not_found, timeout, failure };
std::string_view to_string(LookupStatus status);

/// One query on the wire and what came of it.
struct DnsQueryRecord {
  core::Time sent_at = 0;
  wire::Ipv4Address server;
  std::string name;
  std::uint16_t id = 0;
  std::uint16_t src_port = 0;
  bool answered = false;
  std::uint8_t rcode = 0;       ///< when answered
  core::Time answered_at = 0;   ///< when answered
  bool icmp_error = false;      ///< an ICMP error (port unreachable, ...) came back instead
};

struct LookupResult {
  std::string name;                  ///< as asked
  LookupStatus status = LookupStatus::pending;
  wire::Ipv4Address address;         ///< when found
  std::string canonical_name;        ///< the name whose A record answered (after CNAMEs), or the hosts entry
  std::string source;                ///< "hosts", "literal" or "dns"
  wire::Ipv4Address server;          ///< the server whose answer decided (or the last one tried)
  std::uint8_t rcode = 0;            ///< that answer's RCODE (not_found, failure, found via DNS)
  std::vector<DnsQueryRecord> queries;
  core::Time started_at = 0;
  core::Time finished_at = 0;
  /// "db -> 10.0.1.20 (db.example.internal from 10.0.0.2)", "db: NXDOMAIN from 10.0.0.2", ...
  std::string to_string() const;
};

class LookupHandler {
 public:
  virtual void on_lookup(IpNode& node, const LookupResult& result) = 0;

 protected:
  ~LookupHandler() = default;
};

class StubResolver final : public Application, public UdpHandler, public core::EventHandler {
 public:
  using Config = StubResolverConfig;
  /// Throws core::ConfigError for more than 3 nameservers or 6 search domains, a bad domain name,
  /// timeout outside 1-30 or attempts outside 1-5.
  StubResolver(IpNode& node, StubResolverConfig config);
  ~StubResolver() override;
  StubResolver(const StubResolver&) = delete;
  StubResolver& operator=(const StubResolver&) = delete;

  const StubResolverConfig& config() const { return config_; }
  /// Starts resolving `name` now; `handler` hears the result (at once for the hosts table or an
  /// address). Returns the lookup's index in lookups().
  std::size_t lookup(std::string name, LookupHandler* handler);
  const std::vector<LookupResult>& lookups() const { return results_; }

  std::string_view kind() const override { return "resolver"; }
  std::string summary() const override;
  /// reply once every lookup found its name, timeout if one timed out, pending while one runs.
  Outcome outcome() const override;

  void on_datagram(IpNode& node, const ReceivedDatagram& datagram) override;
  void on_icmp_error(IpNode& node, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  struct Active;
  void send_next(std::size_t index);
  void next_server(std::size_t index);
  void next_name(std::size_t index, std::uint8_t rcode, bool servfail);
  void finish(std::size_t index, LookupStatus status);
  void close_socket(Active& active);
  Active* active_for_port(std::uint16_t port, std::size_t* index);

  IpNode& node_;
  StubResolverConfig config_;
  std::vector<LookupResult> results_;
  std::vector<std::unique_ptr<Active>> active_;  ///< by lookup index; null once finished
};

/// The resolver attached to `node` (the first StubResolver among its applications), or nullptr.
StubResolver* find_resolver(IpNode& node);

}  // namespace vpcsim::node
