#include "libnet/node/http_server.h"

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_sockets.h"

namespace vpcsim::node {
namespace {
std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Whether `path` falls under the route prefix `prefix` (a whole segment or the whole prefix), or
// is exactly `prefix` without its '=' (nginx's `location = /`).
bool under(std::string_view path, std::string_view prefix) {
  if (prefix.front() == '=') return path == prefix.substr(1);
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}
}  // namespace

wire::HttpResponseRepr make_http_response(int status, const std::vector<wire::HttpHeader>& extra, std::string body,
                                          bool close, bool head) {
  wire::HttpResponseRepr r;
  r.status = status;
  r.reason = wire::http_reason_phrase(status);
  r.headers.push_back({"Server", "vpcsim"});
  const bool bodiless = status < 200 || status == 204 || status == 304;
  if (!bodiless) {
    if (!wire::find_http_header(extra, "content-type")) r.headers.push_back({"Content-Type", "text/plain"});
    r.headers.push_back({"Content-Length", std::to_string(body.size())});
  }
  for (const wire::HttpHeader& h : extra) r.headers.push_back(h);
  if (close) r.headers.push_back({"Connection", "close"});
  if (!head && !bodiless) r.body = std::move(body);
  return r;
}

HttpServer::HttpServer(IpNode& node, Config config) : node_(node), config_(std::move(config)) {
  for (std::size_t i = 0; i < config_.routes.size(); ++i) {
    const HttpRoute& r = config_.routes[i];
    const std::string field = "http route " + std::to_string(i + 1);
    const std::string_view path = !r.path.empty() && r.path.front() == '=' ? std::string_view(r.path).substr(1) : r.path;
    if (path.empty() || path.front() != '/')
      throw core::ConfigError(node.name(), field, "path '" + r.path + "' must start with '/' (or '=/' for an exact match)");
    if (r.status < 100 || r.status > 599)
      throw core::ConfigError(node.name(), field, "status " + std::to_string(r.status) + " is not in 100..599");
    if (r.service_time < 0) throw core::ConfigError(node.name(), field, "service time is negative");
  }
  route_hits_.assign(config_.routes.size(), 0);
  node_.tcp().listen(config_.port, *this);
}

HttpServer::~HttpServer() = default;

const HttpRoute* HttpServer::route_for(const wire::HttpRequestRepr& request, std::size_t& index) const {
  const HttpRoute* best = nullptr;
  const std::string_view path = request.path();
  for (std::size_t i = 0; i < config_.routes.size(); ++i) {
    const HttpRoute& r = config_.routes[i];
    if (!r.method.empty() && r.method != request.method) continue;
    if (!under(path, r.path)) continue;
    // An exact match wins outright; else the longest prefix (nginx's order).
    if (r.path.front() == '=') {
      index = i;
      return &r;
    }
    if (best == nullptr || r.path.size() > best->path.size()) {
      best = &r;
      index = i;
    }
  }
  return best;
}

void HttpServer::on_tcp_established(IpNode& node, TcpSocketId id) {
  Session s;
  s.serial = ++connections_;
  if (const stack::TcpConnection* c = node.tcp().connection(id)) {
    s.peer = c->endpoints().remote;
    s.peer_port = c->endpoints().remote_port;
  }
  sessions_[id] = std::move(s);
}

void HttpServer::on_tcp_data(IpNode&, TcpSocketId id, std::span<const std::uint8_t> data) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.closing) return;
  it->second.buffer.append(data.begin(), data.end());
  serve(id, it->second);
}

void HttpServer::serve(TcpSocketId id, Session& s) {
  while (!s.busy && !s.closing) {
    auto parsed = wire::parse_http_request(s.buffer);
    if (parsed.status == wire::HttpParseStatus::incomplete) break;
    if (parsed.status == wire::HttpParseStatus::error) {
      ++bad_requests_;
      ++responses_[400];
      send_response(id, s, make_http_response(400, {}, "bad request\n", true).emit(), true);
      return;
    }
    s.buffer.erase(0, parsed.consumed);
    const wire::HttpRequestRepr& request = parsed.message;
    ++requests_;
    std::size_t index = 0;
    const HttpRoute* route = route_for(request, index);
    const int status = route != nullptr ? route->status : 404;
    const bool close = !request.keeps_alive();
    const bool head = request.method == "HEAD";
    std::string bytes = route != nullptr ? make_http_response(status, route->headers, route->body, close, head).emit()
                                         : make_http_response(404, {}, "not found\n", close, head).emit();
    if (route != nullptr)
      ++route_hits_[index];
    else
      ++unrouted_;
    ++responses_[status];
    if (log_.size() < kKeptRequests) {
      HttpServedRequest& entry = log_.emplace_back();
      entry.at = node_.network().now();
      entry.client = s.peer;
      entry.client_port = s.peer_port;
      entry.connection = s.serial;
      entry.method = request.method;
      entry.target = request.target;
      entry.host = request.header("host").value_or("");
      entry.x_forwarded_for = request.header("x-forwarded-for").value_or("");
      entry.status = status;
    }
    const core::Time service = route != nullptr ? route->service_time : 0;
    if (service > 0) {
      s.busy = true;
      s.pending = std::move(bytes);
      s.close_after = close;
      node_.network().simulation().schedule_in(service, *this, 0, s.serial, id);
      return;
    }
    send_response(id, s, bytes, close);
  }
  if (s.peer_closed && !s.busy && !s.closing) {
    s.closing = true;
    node_.tcp().close(id);
  }
}

void HttpServer::send_response(TcpSocketId id, Session& s, const std::string& bytes, bool close) {
  node_.tcp().send(id, as_bytes(bytes));
  if (close) {
    s.closing = true;
    node_.tcp().close(id);
  }
}

void HttpServer::handle_event(const core::Event& event) {
  auto it = sessions_.find(static_cast<TcpSocketId>(event.aux));
  if (it == sessions_.end() || it->second.serial != event.arg) return;  // the connection is gone
  Session& s = it->second;
  s.busy = false;
  const std::string bytes = std::move(s.pending);
  s.pending.clear();
  send_response(it->first, s, bytes, s.close_after);
  serve(it->first, s);
}

void HttpServer::on_tcp_peer_closed(IpNode&, TcpSocketId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second.peer_closed = true;
  serve(id, it->second);
}

void HttpServer::on_tcp_closed(IpNode&, TcpSocketId id, stack::TcpError) { sessions_.erase(id); }

std::string HttpServer::summary() const {
  std::string text = "http server :" + std::to_string(config_.port) + ": " + std::to_string(connections_) +
                     " connection" + (connections_ == 1 ? "" : "s") + ", " + std::to_string(requests_) + " request" +
                     (requests_ == 1 ? "" : "s");
  for (const auto& [status, count] : responses_) text += ", " + std::to_string(count) + "x" + std::to_string(status);
  return text;
}

}  // namespace vpcsim::node
