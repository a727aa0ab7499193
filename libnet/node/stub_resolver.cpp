#include "libnet/node/stub_resolver.h"

#include <algorithm>

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/dns.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::node {

std::string_view to_string(LookupStatus status) {
  switch (status) {
    case LookupStatus::pending: return "pending";
    case LookupStatus::found: return "found";
    case LookupStatus::not_found: return "not_found";
    case LookupStatus::timeout: return "timeout";
    case LookupStatus::failure: return "failure";
  }
  return "unknown";
}

std::string LookupResult::to_string() const {
  switch (status) {
    case LookupStatus::pending: return name + ": pending";
    case LookupStatus::found: {
      std::string text = name + " -> " + address.to_string() + " (";
      if (source == "dns") return text + canonical_name + " from " + server.to_string() + ")";
      return text + source + ")";
    }
    case LookupStatus::not_found: return name + ": " + wire::dns_rcode_text(rcode) + " from " + server.to_string();
    case LookupStatus::timeout:
      return name + ": no answer from " + server.to_string() + " (" + std::to_string(queries.size()) + " queries)";
    case LookupStatus::failure:
      if (queries.empty() || !queries.back().answered)
        return name + ": no server reachable (last " + server.to_string() + ")";
      return name + ": " + wire::dns_rcode_text(rcode) + " from " + server.to_string();
  }
  return name;
}

/// A lookup in progress: the names to try and where in glibc's loops (name, attempt, server) it is.
struct StubResolver::Active {
  LookupHandler* handler = nullptr;
  std::vector<std::string> names;
  std::size_t name_index = 0;
  std::uint32_t attempt = 0;
  std::uint32_t ns = 0;
  std::uint16_t port = 0;  ///< the socket of the query in flight (0: none)
  std::uint16_t id = 0;
  std::uint64_t generation = 0;
  bool name_servfail = false;  ///< this name got SERVFAIL from a server
  bool name_refused = false;   ///< this name got REFUSED/NOTIMP or an ICMP error
  bool name_timed_out = false;
  bool got_nodata = false;
  bool got_servfail = false;
};

namespace {

void check_name(const std::string& owner, std::string_view what, const std::string& name) {
  const std::string problem = wire::dns_name_problem(name);
  if (!problem.empty() || name.empty())
    throw core::ConfigError(owner, std::string(what), "'" + name + "': " + (name.empty() ? "empty" : problem));
}

}  // namespace

StubResolver::StubResolver(IpNode& node, StubResolverConfig config) : node_(node), config_(std::move(config)) {
  const std::string who = node.name();
  if (config_.nameservers.size() > 3)
    throw core::ConfigError(who, "nameservers", std::to_string(config_.nameservers.size()) +
                            " nameservers, glibc uses at most 3 (MAXNS)");
  if (config_.search.size() > 6)
    throw core::ConfigError(who, "search", std::to_string(config_.search.size()) +
                            " search domains, glibc uses at most 6 (MAXDNSRCH)");
  if (config_.timeout_s < 1 || config_.timeout_s > 30)
    throw core::ConfigError(who, "timeout", std::to_string(config_.timeout_s) + " s is outside glibc's 1-30");
  if (config_.attempts < 1 || config_.attempts > 5)
    throw core::ConfigError(who, "attempts", std::to_string(config_.attempts) + " is outside glibc's 1-5");
  if (config_.ndots > 15) throw core::ConfigError(who, "ndots", std::to_string(config_.ndots) + " is above glibc's 15");
  for (const auto& domain : config_.search) check_name(who, "search", domain);
  for (const auto& [name, address] : config_.hosts) check_name(who, "hosts", name);
  if (config_.nameservers.empty()) config_.nameservers.push_back(wire::Ipv4Address::parse("127.0.0.1"));
}

StubResolver::~StubResolver() {
  for (auto& active : active_)
    if (active) close_socket(*active);
}

StubResolver* find_resolver(IpNode& node) {
  for (const auto& app : node.applications())
    if (auto* resolver = dynamic_cast<StubResolver*>(app.get())) return resolver;
  return nullptr;
}

std::size_t StubResolver::lookup(std::string name, LookupHandler* handler) {
  const std::size_t index = results_.size();
  LookupResult& result = results_.emplace_back();
  result.name = name;
  result.started_at = node_.network().now();
  active_.emplace_back();
  if (auto literal = wire::Ipv4Address::try_parse(name)) {
    result.address = *literal;
    result.canonical_name = name;
    result.source = "literal";
    active_.back() = std::make_unique<Active>();
    active_.back()->handler = handler;
    finish(index, LookupStatus::found);
    return index;
  }
  for (const auto& [host, address] : config_.hosts) {
    if (!wire::dns_name_equal(host, name)) continue;
    result.address = address;
    result.canonical_name = host;
    result.source = "hosts";
    active_.back() = std::make_unique<Active>();
    active_.back()->handler = handler;
    finish(index, LookupStatus::found);
    return index;
  }
  auto active = std::make_unique<Active>();
  active->handler = handler;
  // __res_context_search's order of names.
  const bool trailing_dot = !name.empty() && name.back() == '.';
  const std::string bare = trailing_dot ? name.substr(0, name.size() - 1) : name;
  const auto dots = static_cast<std::uint32_t>(std::count(bare.begin(), bare.end(), '.'));
  const bool as_is_first = trailing_dot || dots >= config_.ndots;
  if (as_is_first) active->names.push_back(bare);
  if (!trailing_dot)
    for (const auto& domain : config_.search) active->names.push_back(bare + "." + wire::dns_name_key(domain));
  if (!as_is_first) active->names.push_back(bare);
  // A name that cannot go on the wire is not found without a query (res_mkquery fails).
  std::erase_if(active->names, [](const std::string& n) { return n.empty() || !wire::dns_name_problem(n).empty(); });
  active_.back() = std::move(active);
  if (active_.back()->names.empty()) {
    result.rcode = static_cast<std::uint8_t>(wire::DnsRcode::name_error);
    finish(index, LookupStatus::not_found);
    return index;
  }
  result.source = "dns";
  send_next(index);
  return index;
}

void StubResolver::close_socket(Active& active) {
  if (active.port != 0) node_.unbind_udp(active.port);
  active.port = 0;
}

void StubResolver::send_next(std::size_t index) {
  Active& a = *active_[index];
  LookupResult& result = results_[index];
  core::Simulation& sim = node_.network().simulation();
  close_socket(a);
  const wire::Ipv4Address server = config_.nameservers[a.ns];
  a.port = node_.ephemeral_port(wire::kIpProtoUdp);
  node_.bind_udp(a.port, *this);
  a.id = static_cast<std::uint16_t>(sim.rng().below(0x10000));
  const auto query = wire::DnsRepr::query(a.id, a.names[a.name_index], wire::dns_type::a).to_bytes();
  result.server = server;
  result.queries.push_back(DnsQueryRecord{sim.now(), server, a.names[a.name_index], a.id, a.port});
  const SendStatus status = node_.send_udp(a.port, server, wire::kDnsPort, query);
  if (status != SendStatus::sent) {
    // sendto failed (no route): send_dg gives up on this server at once.
    result.queries.back().icmp_error = true;
    a.name_refused = true;
    next_server(index);
    return;
  }
  // send_dg: retrans << ns seconds, divided among the servers after the first, at least 1 s.
  std::uint64_t seconds = static_cast<std::uint64_t>(config_.timeout_s) << a.ns;
  if (a.ns > 0) seconds /= config_.nameservers.size();
  seconds = std::max<std::uint64_t>(seconds, 1);
  sim.schedule_in(static_cast<core::Time>(seconds) * core::kSecond, *this, 0, ++a.generation,
                  static_cast<std::uint32_t>(index));
}

void StubResolver::next_server(std::size_t index) {
  Active& a = *active_[index];
  ++a.generation;  // the pending timer no longer applies
  close_socket(a);
  if (++a.ns >= config_.nameservers.size()) {
    a.ns = 0;
    ++a.attempt;
  }
  if (a.attempt < config_.attempts) {
    send_next(index);
    return;
  }
  // Every try of this name is spent. res_nsearch goes on to the next name only after SERVFAIL;
  // a name no server answered (TRY_AGAIN) or that was refused ends the search.
  if (a.name_servfail) {
    next_name(index, static_cast<std::uint8_t>(wire::DnsRcode::server_failure), true);
    return;
  }
  finish(index, a.name_timed_out && !a.name_refused ? LookupStatus::timeout : LookupStatus::failure);
}

void StubResolver::next_name(std::size_t index, std::uint8_t rcode, bool servfail) {
  Active& a = *active_[index];
  results_[index].rcode = rcode;
  if (servfail) a.got_servfail = true;
  if (rcode == static_cast<std::uint8_t>(wire::DnsRcode::no_error)) a.got_nodata = true;
  ++a.generation;
  close_socket(a);
  if (++a.name_index < a.names.size()) {
    a.attempt = 0;
    a.ns = 0;
    a.name_servfail = a.name_refused = a.name_timed_out = false;
    send_next(index);
    return;
  }
  // The last name failed: NO_DATA before TRY_AGAIN (SERVFAIL) before HOST_NOT_FOUND.
  finish(index, !a.got_nodata && a.got_servfail ? LookupStatus::failure : LookupStatus::not_found);
}

void StubResolver::finish(std::size_t index, LookupStatus status) {
  Active& a = *active_[index];
  close_socket(a);
  LookupHandler* handler = a.handler;
  active_[index].reset();
  LookupResult& result = results_[index];
  result.status = status;
  result.finished_at = node_.network().now();
  if (handler != nullptr) {
    const LookupResult copy = result;  // the handler may start lookups, which grow results_
    handler->on_lookup(node_, copy);
  }
}

StubResolver::Active* StubResolver::active_for_port(std::uint16_t port, std::size_t* index) {
  for (std::size_t i = 0; i < active_.size(); ++i) {
    if (active_[i] && active_[i]->port == port) {
      *index = i;
      return active_[i].get();
    }
  }
  return nullptr;
}

void StubResolver::on_datagram(IpNode&, const ReceivedDatagram& datagram) {
  std::size_t index = 0;
  Active* a = active_for_port(datagram.dst_port, &index);
  if (a == nullptr) return;
  LookupResult& result = results_[index];
  // send_dg's checks: from the server we asked, with our id and our question; anything else is ignored.
  if (datagram.src != config_.nameservers[a->ns] || datagram.src_port != wire::kDnsPort) return;
  auto view = wire::DnsView::parse(datagram.payload);
  if (!view || !view->is_response() || view->id() != a->id) return;
  auto answer = wire::DnsRepr::parse(*view);
  if (!answer) return;
  const std::string& asked = a->names[a->name_index];
  if (answer->questions.size() != 1 || !wire::dns_name_equal(answer->questions[0].name, asked) ||
      answer->questions[0].type != wire::dns_type::a)
    return;
  DnsQueryRecord& query = result.queries.back();
  query.answered = true;
  query.rcode = answer->rcode;
  query.answered_at = node_.network().now();
  result.rcode = answer->rcode;
  result.server = datagram.src;
  switch (static_cast<wire::DnsRcode>(answer->rcode)) {
    case wire::DnsRcode::no_error: {
      // Follow the CNAME chain from the name asked, then take the first A record of its end.
      std::string owner = asked;
      for (int hops = 0; hops < 16; ++hops) {
        const auto cname = std::find_if(answer->answers.begin(), answer->answers.end(), [&](const wire::DnsRecord& r) {
          return r.type == wire::dns_type::cname && wire::dns_name_equal(r.name, owner);
        });
        if (cname == answer->answers.end()) break;
        owner = cname->target;
      }
      for (const auto& record : answer->answers) {
        if (record.type != wire::dns_type::a || !wire::dns_name_equal(record.name, owner)) continue;
        result.address = record.address;
        result.canonical_name = owner;
        finish(index, LookupStatus::found);
        return;
      }
      next_name(index, answer->rcode, false);  // NODATA
      return;
    }
    case wire::DnsRcode::name_error: next_name(index, answer->rcode, false); return;
    case wire::DnsRcode::server_failure:
      a->name_servfail = true;
      next_server(index);
      return;
    case wire::DnsRcode::refused:
    case wire::DnsRcode::not_implemented:
      a->name_refused = true;
      next_server(index);
      return;
    default: finish(index, LookupStatus::failure); return;  // FORMERR and others: NO_RECOVERY
  }
}

void StubResolver::on_icmp_error(IpNode&, const IcmpErrorReport& error) {
  // The error quotes our query; its source port is ours. ECONNREFUSED: the next server.
  for (std::size_t i = 0; i < active_.size(); ++i) {
    Active* a = active_[i].get();
    if (a == nullptr || a->port == 0 || error.original_dst != config_.nameservers[a->ns] ||
        error.original_dst_port != wire::kDnsPort)
      continue;
    results_[i].queries.back().icmp_error = true;
    a->name_refused = true;
    next_server(i);
    return;
  }
}

void StubResolver::handle_event(const core::Event& event) {
  const std::size_t index = event.aux;
  if (index >= active_.size() || !active_[index] || active_[index]->generation != event.arg) return;
  active_[index]->name_timed_out = true;
  next_server(index);
}

std::string StubResolver::summary() const {
  std::size_t found = 0;
  for (const auto& r : results_) found += r.status == LookupStatus::found ? 1 : 0;
  std::string text = "resolver (nameserver";
  for (const auto& ns : config_.nameservers) text += " " + ns.to_string();
  text += "): " + std::to_string(results_.size()) + " lookups, " + std::to_string(found) + " found";
  return text;
}

Outcome StubResolver::outcome() const {
  for (const auto& r : results_) {
    if (r.status == LookupStatus::pending) return Outcome::pending;
    if (r.status == LookupStatus::timeout) return Outcome::dns_timeout;
    if (r.status != LookupStatus::found) return Outcome::name_not_found;
  }
  return Outcome::reply;
}

}  // namespace vpcsim::node
