// An HTTP/1.1 origin server over the node's TCP: it listens on a port, serves every connection it
// accepts (keep-alive, several requests per connection, answered in order as RFC 9112 §9.3 requires),
// and answers each request from the route whose path prefix is the longest match (as nginx's prefix
// `location` blocks do; "=/x" is an exact match, `location = /x`, which wins outright), optionally
// after a service time. No route: 404. Bytes that are not HTTP:
// 400 and the connection closes, as nginx does.
//
// What it writes: the status line, `Server: vpcsim`, `Content-Type` (text/plain unless the route
// sets one) and `Content-Length` for every response (HEAD gets the length without the body), the
// route's own headers, and `Connection: close` when it will close. No `Date`: RFC 9110 §6.6.1 says an
// origin without a reliable clock must not send one, and simulated time is not a date.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/time.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"
#include "libnet/wire/http.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::node {

struct HttpRoute {
  std::string path = "/";  ///< a path prefix: "/api" serves /api, /api/x and /api?q; "=/" only "/"
  std::string method;      ///< "" for any method
  int status = 200;
  std::vector<wire::HttpHeader> headers;
  std::string body;
  core::Time service_time = 0;  ///< how long the server works on the request before answering
};

struct HttpServerConfig {
  std::uint16_t port = 80;
  std::vector<HttpRoute> routes;
};

/// One request the server answered (the first kKeptRequests of them).
struct HttpServedRequest {
  core::Time at = 0;                 ///< when the request was complete
  wire::Ipv4Address client;          ///< the TCP peer (a proxy's address behind an L7 balancer)
  std::uint16_t client_port = 0;
  std::uint64_t connection = 0;      ///< the connection's number, from 1 in order of acceptance
  std::string method;
  std::string target;
  std::string host;                  ///< the Host header ("" without one)
  std::string x_forwarded_for;       ///< the X-Forwarded-For header ("" without one)
  int status = 0;
};

class HttpServer final : public Application, public TcpHandler, public core::EventHandler {
 public:
  using Config = HttpServerConfig;
  /// Throws core::ConfigError for a port already listened on, a status outside 100-599, or a
  /// route path that does not start with '/'.
  HttpServer(IpNode& node, Config config);
  ~HttpServer() override;

  const Config& config() const { return config_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t bad_requests() const { return bad_requests_; }
  /// Responses by status code.
  const std::map<int, std::uint64_t>& responses() const { return responses_; }
  /// Requests answered by each route (same order as config().routes), and by the 404 fallback.
  const std::vector<std::uint64_t>& route_hits() const { return route_hits_; }
  std::uint64_t unrouted() const { return unrouted_; }
  static constexpr std::size_t kKeptRequests = 10000;
  const std::vector<HttpServedRequest>& log() const { return log_; }
  /// Connections open now.
  std::size_t open_connections() const { return sessions_.size(); }

  std::string_view kind() const override { return "http-server"; }
  std::string summary() const override;
  Outcome outcome() const override { return requests_ > 0 ? Outcome::reply : Outcome::timeout; }

  void on_tcp_established(IpNode& node, TcpSocketId id) override;
  void on_tcp_data(IpNode& node, TcpSocketId id, std::span<const std::uint8_t> data) override;
  void on_tcp_peer_closed(IpNode& node, TcpSocketId id) override;
  void on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) override;
  void handle_event(const core::Event& event) override;

 private:
  struct Session {
    std::uint64_t serial = 0;
    wire::Ipv4Address peer;
    std::uint16_t peer_port = 0;
    std::string buffer;        ///< received bytes not yet parsed into a request
    std::string pending;       ///< a response waiting for its service time
    bool busy = false;         ///< a request is being served (responses go out in order)
    bool close_after = false;  ///< close once the pending response is sent
    bool peer_closed = false;
    bool closing = false;
  };
  void serve(TcpSocketId id, Session& s);
  void send_response(TcpSocketId id, Session& s, const std::string& bytes, bool close);
  /// The route for a request, or nullptr (404).
  const HttpRoute* route_for(const wire::HttpRequestRepr& request, std::size_t& index) const;

  IpNode& node_;
  Config config_;
  std::map<TcpSocketId, Session> sessions_;
  std::uint64_t connections_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t bad_requests_ = 0;
  std::uint64_t unrouted_ = 0;
  std::map<int, std::uint64_t> responses_;
  std::vector<std::uint64_t> route_hits_;
  std::vector<HttpServedRequest> log_;
};

/// The response a server sends for `status` with `body`: the status line, Server, Content-Type,
/// Content-Length, `extra` headers, and Connection: close when `close`. `head`: no body bytes.
wire::HttpResponseRepr make_http_response(int status, const std::vector<wire::HttpHeader>& extra, std::string body,
                                          bool close, bool head = false);

}  // namespace vpcsim::node
