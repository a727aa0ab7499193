#include "libnet/node/dns_server.h"

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::node {

/// The socket a forwarded query goes out of: hands what comes back to the server.
class DnsServer::UpstreamSocket final : public UdpHandler {
 public:
  UpstreamSocket(DnsServer& server, std::size_t index) : server_(server), index_(index) {}
  void on_datagram(IpNode&, const ReceivedDatagram& datagram) override { server_.on_upstream(index_, datagram); }
  void on_icmp_error(IpNode&, const IcmpErrorReport&) override {}

 private:
  DnsServer& server_;
  std::size_t index_;
};

/// A query being forwarded: the client's, and where upstream it stands.
struct DnsServer::Forward {
  Forward(DnsServer& server, std::size_t index) : socket(server, index) {}
  UpstreamSocket socket;
  wire::DnsRepr query;         ///< the client's
  wire::Ipv4Address local;     ///< the address the client asked
  wire::Ipv4Address client;
  std::uint16_t client_port = 0;
  std::size_t log_index = 0;
  std::size_t forwarder = 0;   ///< index into config_.forwarders
  std::uint16_t port = 0;      ///< the upstream socket (0: none)
  std::uint16_t id = 0;
  std::uint64_t generation = 0;
};

namespace {

std::string answer_text(const std::vector<wire::DnsRecord>& records) {
  std::string text;
  for (const auto& r : records) text += (text.empty() ? "" : "; ") + r.to_string();
  return text;
}

}  // namespace

DnsServer::DnsServer(IpNode& node, DnsServerConfig config)
    : node_(node), config_(std::move(config)), zones_("dns server on " + node.name(), config_.zones) {
  node_.bind_udp(config_.port, *this);
}

DnsServer::~DnsServer() {
  for (auto& f : forwards_)
    if (f && f->port != 0) node_.unbind_udp(f->port);
}

void DnsServer::on_datagram(IpNode&, const ReceivedDatagram& datagram) { answer_query(datagram); }

void DnsServer::answer_query(const ReceivedDatagram& datagram) {
  auto view = wire::DnsView::parse(datagram.payload);
  if (!view || view->is_response()) return;  // not a query: nothing to answer
  DnsServerLogEntry& entry = log_.emplace_back();
  entry.at = node_.network().now();
  entry.client = datagram.src;
  entry.client_port = datagram.src_port;
  auto parsed = wire::DnsRepr::parse(*view);
  if (!parsed) {
    // FORMERR with the header echoed and no sections (RFC 1035 4.1.1).
    wire::DnsRepr error;
    error.id = view->id();
    error.response = true;
    error.opcode = view->opcode();
    error.recursion_desired = view->recursion_desired();
    error.rcode = static_cast<std::uint8_t>(wire::DnsRcode::format_error);
    reply(datagram.dst, datagram.src, datagram.src_port, std::move(error), entry);
    return;
  }
  const wire::DnsRepr& query = *parsed;
  if (!query.questions.empty()) {
    entry.name = query.questions.front().name;
    entry.type = query.questions.front().type;
  }
  auto rcode_only = [&](wire::DnsRcode rcode) {
    auto message = wire::DnsRepr::reply_to(query, static_cast<std::uint8_t>(rcode));
    message.recursion_available = !config_.forwarders.empty();
    reply(datagram.dst, datagram.src, datagram.src_port, std::move(message), entry);
  };
  if (query.opcode != 0) return rcode_only(wire::DnsRcode::not_implemented);
  if (query.questions.size() != 1) return rcode_only(wire::DnsRcode::format_error);
  const wire::DnsQuestion& question = query.questions.front();
  if (question.klass != wire::kDnsClassIn) return rcode_only(wire::DnsRcode::refused);
  if (zones_.zone_of(question.name)) {
    auto found = zones_.answer(question);
    auto message = wire::DnsRepr::reply_to(query, found.rcode);
    message.authoritative = true;
    message.recursion_available = !config_.forwarders.empty();
    message.answers = std::move(found.records);
    reply(datagram.dst, datagram.src, datagram.src_port, std::move(message), entry);
    return;
  }
  if (config_.forwarders.empty()) return rcode_only(wire::DnsRcode::refused);
  const std::size_t index = forwards_.size();
  auto& f = *forwards_.emplace_back(std::make_unique<Forward>(*this, index));
  f.query = query;
  f.local = datagram.dst;
  f.client = datagram.src;
  f.client_port = datagram.src_port;
  f.log_index = log_.size() - 1;
  forward(index);
}

void DnsServer::reply(wire::Ipv4Address from, wire::Ipv4Address to, std::uint16_t to_port, wire::DnsRepr message,
                      DnsServerLogEntry& entry) {
  if (message.wire_len() > wire::kDnsMaxUdpLen) {
    // RFC 2181 9: set TC and send what fits; this model sends the header and question.
    message.truncated = true;
    message.answers.clear();
    message.authorities.clear();
    message.additionals.clear();
  }
  entry.rcode = message.rcode;
  entry.answer = answer_text(message.answers);
  entry.answered = true;
  SendOptions options;
  options.source = from;
  node_.send_udp(config_.port, to, to_port, message.to_bytes(), options);
}

void DnsServer::forward(std::size_t index) {
  Forward& f = *forwards_[index];
  core::Simulation& sim = node_.network().simulation();
  if (f.port != 0) node_.unbind_udp(f.port);
  f.port = 0;
  while (f.forwarder < config_.forwarders.size()) {
    f.port = node_.ephemeral_port(wire::kIpProtoUdp);
    node_.bind_udp(f.port, f.socket);
    f.id = static_cast<std::uint16_t>(sim.rng().below(0x10000));
    const auto upstream = wire::DnsRepr::query(f.id, f.query.questions.front().name, f.query.questions.front().type);
    if (node_.send_udp(f.port, config_.forwarders[f.forwarder], wire::kDnsPort, upstream.to_bytes()) == SendStatus::sent) {
      sim.schedule_in(config_.forward_timeout, *this, 0, ++f.generation, static_cast<std::uint32_t>(index));
      return;
    }
    node_.unbind_udp(f.port);
    f.port = 0;
    ++f.forwarder;
  }
  // Every forwarder failed: SERVFAIL.
  auto message = wire::DnsRepr::reply_to(f.query, static_cast<std::uint8_t>(wire::DnsRcode::server_failure));
  message.recursion_available = true;
  reply(f.local, f.client, f.client_port, std::move(message), log_[f.log_index]);
  forwards_[index].reset();
}

void DnsServer::on_upstream(std::size_t index, const ReceivedDatagram& datagram) {
  if (index >= forwards_.size() || !forwards_[index]) return;
  Forward& f = *forwards_[index];
  if (datagram.src != config_.forwarders[f.forwarder] || datagram.src_port != wire::kDnsPort) return;
  auto view = wire::DnsView::parse(datagram.payload);
  if (!view || !view->is_response() || view->id() != f.id) return;
  auto upstream = wire::DnsRepr::parse(*view);
  if (!upstream) return;
  auto message = wire::DnsRepr::reply_to(f.query, upstream->rcode);
  message.recursion_available = true;
  message.answers = std::move(upstream->answers);
  message.authorities = std::move(upstream->authorities);
  DnsServerLogEntry& entry = log_[f.log_index];
  entry.forwarded_to = datagram.src;
  node_.unbind_udp(f.port);
  f.port = 0;
  reply(f.local, f.client, f.client_port, std::move(message), entry);
  forwards_[index].reset();
}

void DnsServer::handle_event(const core::Event& event) {
  const std::size_t index = event.aux;
  if (index >= forwards_.size() || !forwards_[index] || forwards_[index]->generation != event.arg) return;
  ++forwards_[index]->forwarder;
  forward(index);
}

std::string DnsServer::summary() const {
  std::size_t nx = 0;
  for (const auto& e : log_) nx += e.rcode == static_cast<std::uint8_t>(wire::DnsRcode::name_error) ? 1 : 0;
  return "dns server :" + std::to_string(config_.port) + ": " + std::to_string(zones_.record_count()) + " records, " +
         std::to_string(log_.size()) + " queries, " + std::to_string(nx) + " NXDOMAIN";
}

}  // namespace vpcsim::node
