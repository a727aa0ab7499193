#include "libnet/node/tcp_apps.h"

#include <algorithm>

#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_sockets.h"

namespace vpcsim::node {
namespace {
std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string plural(std::uint64_t n, const char* what) {
  std::string text = std::to_string(n) + " " + what;
  if (n != 1) text += "s";
  return text;
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// TcpServer

TcpServer::TcpServer(IpNode& node, std::uint16_t port, std::string reply)
    : node_(node), port_(port), reply_(std::move(reply)) {
  node_.tcp().listen(port_, *this);
}

TcpServer::~TcpServer() = default;

TcpServer::Session* TcpServer::session(TcpSocketId id) { return sessions_.find(id); }

void TcpServer::on_tcp_established(IpNode&, TcpSocketId id) {
  ++accepted_;
  std::size_t request = kKeptRequests;
  if (requests_.size() < kKeptRequests) {
    request = requests_.size();
    requests_.emplace_back();
  }
  *sessions_.try_emplace(id).first = Session{request, false};
}

void TcpServer::answer(IpNode& node, TcpSocketId id, Session& session) {
  session.answered = true;  // (send and close may end the session: `session` is not used after them)
  if (!reply_.empty() && node.tcp().send(id, as_bytes(reply_))) ++replied_;
  node.tcp().close(id);
}

void TcpServer::on_tcp_data(IpNode& node, TcpSocketId id, std::span<const std::uint8_t> data) {
  bytes_received_ += data.size();
  Session* s = session(id);
  if (s == nullptr) return;
  if (s->request < requests_.size()) requests_[s->request].append(data.begin(), data.end());
  if (!s->answered) answer(node, id, *s);
}

void TcpServer::on_tcp_peer_closed(IpNode& node, TcpSocketId id) {
  if (Session* s = session(id); s != nullptr && !s->answered) answer(node, id, *s);
}

void TcpServer::on_tcp_closed(IpNode&, TcpSocketId id, stack::TcpError error) {
  ++closed_;
  if (error != stack::TcpError::none) ++failed_;
  sessions_.erase(id);
}

std::string TcpServer::summary() const {
  return "tcp listen " + std::to_string(port_) + ": " + plural(accepted_, "connection") + ", " +
         plural(bytes_received_, "byte") + " received, " + std::to_string(replied_) + " replied";
}

// ---------------------------------------------------------------------------------------------
// TcpClient

TcpClient::TcpClient(IpNode& node, TcpClientConfig config) : node_(node), config_(std::move(config)) {
  node_.network().simulation().schedule_at(config_.start, *this, 0);
}

TcpClient::~TcpClient() = default;

void TcpClient::handle_event(const core::Event&) {
  started_ = true;
  started_at_ = node_.network().now();
  const TcpConnectResult result = node_.tcp().connect(config_.destination, config_.dst_port, config_.src_port, *this);
  if (result.status != SendStatus::sent) {
    send_failure_ = result.status;
    closed_ = true;
    return;
  }
  id_ = result.id;
  if (const stack::TcpConnection* c = node_.tcp().connection(result.id)) src_port_ = c->endpoints().local_port;
}

void TcpClient::on_tcp_established(IpNode& node, TcpSocketId id) {
  connected_ = true;
  connect_time_ = node.network().now() - started_at_;
  sent_at_ = node.network().now();
  if (!config_.data.empty()) node.tcp().send(id, as_bytes(config_.data));
}

void TcpClient::on_tcp_data(IpNode& node, TcpSocketId, std::span<const std::uint8_t> data) {
  if (reply_.empty()) reply_time_ = node.network().now() - sent_at_;
  reply_.append(data.begin(), data.end());
}

void TcpClient::on_tcp_peer_closed(IpNode& node, TcpSocketId id) { node.tcp().close(id); }

void TcpClient::on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) {
  if (const stack::TcpConnection* c = node.tcp().connection(id)) final_counters_ = c->counters();
  error_ = error;
  closed_ = true;
  id_.reset();
}

void TcpClient::on_tcp_icmp_error(IpNode&, TcpSocketId, const IcmpErrorReport& error) { icmp_errors_.push_back(error); }

stack::TcpCounters TcpClient::counters() const {
  if (id_) {
    if (const TcpSockets* sockets = node_.tcp_sockets())
      if (const stack::TcpConnection* c = sockets->connection(*id_)) return c->counters();
  }
  return final_counters_;
}

std::string TcpClient::state() const {
  if (!started_) return "";
  if (id_) {
    if (const TcpSockets* sockets = node_.tcp_sockets())
      if (const stack::TcpConnection* c = sockets->connection(*id_)) return std::string(stack::to_string(c->state()));
  }
  return "CLOSED";
}

Outcome TcpClient::outcome() const {
  if (!reply_.empty()) return Outcome::reply;
  if (!started_) return Outcome::pending;
  if (send_failure_) return Outcome::unreachable;
  if (error_ == stack::TcpError::none || error_ == stack::TcpError::timed_out) return Outcome::timeout;
  return Outcome::unreachable;
}

std::string TcpClient::summary() const {
  std::string text = "tcp " + config_.destination.to_string() + ":" + std::to_string(config_.dst_port);
  if (!started_) return text + ": not started";
  if (send_failure_) return text + ": connect failed: " + std::string(to_string(*send_failure_));
  const stack::TcpCounters c = counters();
  text += " from port " + std::to_string(src_port_) + ": ";
  text += connected_ ? "connected" : "not connected";
  text += ", " + plural(c.bytes_sent, "byte") + " sent, " + plural(c.bytes_received, "byte") + " received";
  if (c.retransmissions > 0) text += ", " + plural(c.retransmissions, "retransmission");
  if (error_ != stack::TcpError::none) text += ", " + std::string(stack::to_string(error_));
  if (!icmp_errors_.empty())
    text += " (" + icmp_error_text(icmp_errors_.front().type, icmp_errors_.front().code) + " from " +
            icmp_errors_.front().from.to_string() + ")";
  return text;
}

}  // namespace vpcsim::node
