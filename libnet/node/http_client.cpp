#include "libnet/node/http_client.h"

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_sockets.h"

namespace vpcsim::node {
namespace {
std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

bool is_method(std::string_view m) {
  if (m.empty()) return false;
  for (char c : m)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) return false;
  return true;
}
}  // namespace

HttpClient::HttpClient(IpNode& node, Config config) : node_(node), config_(std::move(config)) {
  if (config_.requests.empty()) throw core::ConfigError(node.name(), "http", "no request to send");
  for (const HttpRequestSpec& r : config_.requests) {
    if (!is_method(r.method)) throw core::ConfigError(node.name(), "http method", "'" + r.method + "' is not a method");
    if (r.path.empty() || r.path.front() != '/' || r.path.find_first_of(" \r\n") != std::string::npos)
      throw core::ConfigError(node.name(), "http path", "'" + r.path + "' must start with '/' and hold no space");
  }
  if (config_.host.find_first_of(" \r\n") != std::string::npos)
    throw core::ConfigError(node.name(), "http host", "'" + config_.host + "' holds a space or line break");
  node_.network().simulation().schedule_at(config_.start, *this, 0);
}

HttpClient::~HttpClient() = default;

std::string HttpClient::host_header() const {
  if (!config_.host.empty()) return config_.host;
  std::string host = config_.destination.to_string();
  if (config_.port != 80) host += ":" + std::to_string(config_.port);
  return host;
}

std::size_t HttpClient::responses() const {
  std::size_t n = 0;
  for (const HttpExchange& e : exchanges_) n += e.status != 0;
  return n;
}

void HttpClient::handle_event(const core::Event&) { open(); }

void HttpClient::open() {
  if (next_ >= config_.requests.size()) {
    done_ = true;
    return;
  }
  const TcpConnectResult result = node_.tcp().connect(config_.destination, config_.port, 0, *this);
  if (result.status != SendStatus::sent) {
    send_failure_ = result.status;
    done_ = true;
    return;
  }
  id_ = result.id;
  ++connections_;
  closing_ = false;
  awaiting_ = false;
  buffer_.clear();
  if (const stack::TcpConnection* c = node_.tcp().connection(result.id)) src_port_ = c->endpoints().local_port;
}

void HttpClient::send_next(TcpSocketId id) {
  const HttpRequestSpec& spec = config_.requests[next_];
  wire::HttpRequestRepr request;
  request.method = spec.method;
  request.target = spec.path;
  request.headers.push_back({"Host", host_header()});
  request.headers.push_back({"User-Agent", "vpcsim-http/1"});
  request.headers.push_back({"Accept", "*/*"});
  for (const wire::HttpHeader& h : spec.headers) request.headers.push_back(h);
  if (!spec.body.empty() && !request.header("content-length"))
    request.headers.push_back({"Content-Length", std::to_string(spec.body.size())});
  if (!config_.keep_alive) request.headers.push_back({"Connection", "close"});
  request.body = spec.body;
  HttpExchange& e = exchanges_.emplace_back();
  e.request = next_;
  e.connection = connections_;
  e.src_port = src_port_;
  e.sent_at = node_.network().now();
  ++next_;
  awaiting_ = true;
  node_.tcp().send(id, as_bytes(request.emit()));
}

bool HttpClient::take_response(bool at_eof) {
  if (!awaiting_ || exchanges_.empty()) return false;
  HttpExchange& e = exchanges_.back();
  const bool head = config_.requests[e.request].method == "HEAD";
  auto parsed = wire::parse_http_response(buffer_, head, at_eof);
  if (parsed.status == wire::HttpParseStatus::incomplete) return false;
  if (parsed.status == wire::HttpParseStatus::error) {
    parse_error_ = parsed.error;
    done_ = true;
    awaiting_ = false;
    return false;
  }
  buffer_.erase(0, parsed.consumed);
  // The connection persists only if both sides want it (RFC 9112 §9.6).
  if (!parsed.message.keeps_alive()) closing_ = true;
  e.status = parsed.message.status;
  e.reason = std::move(parsed.message.reason);
  e.headers = std::move(parsed.message.headers);
  e.body = std::move(parsed.message.body);
  e.response_time = node_.network().now() - e.sent_at;
  awaiting_ = false;
  return true;
}

void HttpClient::finish(TcpSocketId id) {
  closing_ = true;
  node_.tcp().close(id);
}

void HttpClient::after_response(TcpSocketId id) {
  const bool more = next_ < config_.requests.size();
  if (more && config_.keep_alive && !closing_) {
    send_next(id);
    return;
  }
  // This connection is done: close it (its TIME_WAIT is no reason to wait) and open the next one
  // at once, as curl does.
  finish(id);
  id_.reset();
  if (more)
    node_.network().simulation().schedule_in(0, *this, 1);
  else
    done_ = true;
}

void HttpClient::on_tcp_established(IpNode&, TcpSocketId id) { send_next(id); }

void HttpClient::on_tcp_data(IpNode&, TcpSocketId id, std::span<const std::uint8_t> data) {
  if (id_ != id) return;  // an earlier connection, closing
  buffer_.append(data.begin(), data.end());
  if (take_response(false)) {
    after_response(id);
  } else if (done_) {
    finish(id);  // a response that is not HTTP
    id_.reset();
  }
}

void HttpClient::on_tcp_peer_closed(IpNode&, TcpSocketId id) {
  if (id_ != id) {
    node_.tcp().close(id);
    return;
  }
  if (take_response(true)) {
    after_response(id);
    return;
  }
  // The server closed without (finishing) an answer: stop here, as curl reports an empty reply.
  finish(id);
  id_.reset();
  done_ = true;
}

void HttpClient::on_tcp_closed(IpNode&, TcpSocketId id, stack::TcpError error) {
  if (id_ != id) return;  // a connection we had already finished with
  id_.reset();
  if (error != stack::TcpError::none) error_ = error;
  done_ = true;
}

void HttpClient::on_tcp_icmp_error(IpNode&, TcpSocketId, const IcmpErrorReport& error) { icmp_errors_.push_back(error); }

Outcome HttpClient::outcome() const {
  if (responses() == config_.requests.size()) return Outcome::reply;
  if (send_failure_) return Outcome::unreachable;
  if (error_ == stack::TcpError::none || error_ == stack::TcpError::timed_out) return Outcome::timeout;
  return Outcome::unreachable;
}

std::string HttpClient::summary() const {
  std::string text = "http " + config_.destination.to_string() + ":" + std::to_string(config_.port) + " (" +
                     host_header() + "): " + std::to_string(responses()) + " of " +
                     std::to_string(config_.requests.size()) + " answered over " + std::to_string(connections_) +
                     " connection" + (connections_ == 1 ? "" : "s");
  if (!exchanges_.empty() && exchanges_.front().status != 0) text += ", first " + std::to_string(exchanges_.front().status);
  if (send_failure_) text += ", connect failed: " + std::string(to_string(*send_failure_));
  if (error_ != stack::TcpError::none) text += ", " + std::string(stack::to_string(error_));
  if (parse_error_ != wire::HttpError::none) text += ", bad response: " + std::string(wire::to_string(parse_error_));
  return text;
}

}  // namespace vpcsim::node
