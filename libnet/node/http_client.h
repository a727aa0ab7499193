// An HTTP/1.1 client over the node's TCP, as curl with several URLs on one command line behaves: it
// opens a connection, sends its requests one after another (the next once the previous response is
// complete; no pipelining), keeps the connection open between them (keep-alive) unless told not to
// or the server says `Connection: close`, opens a new connection for what is left when the server
// closed one, and closes its connection after the last response.
//
// Each request carries Host (the configured name, else the destination address, with the port when
// it is not 80), User-Agent, Accept: */*, Content-Length when it has a body, and
// `Connection: close` when keep-alive is off. The outcome: `reply` once every request has its
// response, `unreachable` when a connection was refused or reset or an ICMP error ended it, and
// `timeout` otherwise (a server that never answered, or the run ended first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/time.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"
#include "libnet/stack/tcp_connection.h"
#include "libnet/wire/http.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::node {

struct HttpRequestSpec {
  std::string method = "GET";
  std::string path = "/";
  std::vector<wire::HttpHeader> headers;  ///< added after the client's own
  std::string body;
};

struct HttpClientConfig {
  wire::Ipv4Address destination;
  std::uint16_t port = 80;
  std::string host;  ///< the Host header; "" for the destination address (and port when not 80)
  std::vector<HttpRequestSpec> requests;  ///< at least one
  bool keep_alive = true;
  core::Time start = 0;
};

/// One request and what came back.
struct HttpExchange {
  std::size_t request = 0;      ///< index into config().requests
  std::uint64_t connection = 0;  ///< 1 for the first connection the client opened, ...
  std::uint16_t src_port = 0;
  core::Time sent_at = 0;
  std::optional<core::Time> response_time;  ///< request sent to response complete
  int status = 0;                           ///< 0 while no response came
  std::string reason;
  std::vector<wire::HttpHeader> headers;
  std::string body;
};

class HttpClient final : public Application, public TcpHandler, public core::EventHandler {
 public:
  using Config = HttpClientConfig;
  /// Throws core::ConfigError without requests, for a method that is not a token or a path that
  /// does not start with '/'.
  HttpClient(IpNode& node, Config config);
  ~HttpClient() override;

  const Config& config() const { return config_; }
  /// The exchanges so far, one per request sent, in order.
  const std::vector<HttpExchange>& exchanges() const { return exchanges_; }
  std::uint64_t connections() const { return connections_; }
  /// Responses complete.
  std::size_t responses() const;
  /// Why the client stopped early: a TCP error, a send failure, or a response that did not parse.
  stack::TcpError error() const { return error_; }
  std::optional<SendStatus> send_failure() const { return send_failure_; }
  wire::HttpError parse_error() const { return parse_error_; }
  const std::vector<IcmpErrorReport>& icmp_errors() const { return icmp_errors_; }
  bool done() const { return done_; }
  /// The Host header the requests carry.
  std::string host_header() const;

  std::string_view kind() const override { return "http"; }
  std::string summary() const override;
  Outcome outcome() const override;

  void on_tcp_established(IpNode& node, TcpSocketId id) override;
  void on_tcp_data(IpNode& node, TcpSocketId id, std::span<const std::uint8_t> data) override;
  void on_tcp_peer_closed(IpNode& node, TcpSocketId id) override;
  void on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) override;
  void on_tcp_icmp_error(IpNode& node, TcpSocketId id, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  void open();
  void send_next(TcpSocketId id);
  /// Parses what has arrived; true when a response completed.
  bool take_response(bool at_eof);
  void finish(TcpSocketId id);
  /// A response completed on `id`: the next request on it, or a new connection, or done.
  void after_response(TcpSocketId id);

  IpNode& node_;
  Config config_;
  std::vector<HttpExchange> exchanges_;
  std::size_t next_ = 0;  ///< the next request to send
  std::optional<TcpSocketId> id_;
  std::uint16_t src_port_ = 0;
  std::uint64_t connections_ = 0;
  bool awaiting_ = false;  ///< a request is out, its response not complete
  bool closing_ = false;
  bool done_ = false;
  std::string buffer_;
  stack::TcpError error_ = stack::TcpError::none;
  std::optional<SendStatus> send_failure_;
  wire::HttpError parse_error_ = wire::HttpError::none;
  std::vector<IcmpErrorReport> icmp_errors_;
};

}  // namespace vpcsim::node
