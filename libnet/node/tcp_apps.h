// Two small TCP applications: a server that accepts every connection on a port, answers the first
// data it receives with a fixed reply and closes ("accepts, replies, closes", like a one-shot HTTP/1.0
// server), and a client that connects, sends its data, reads the reply until the server closes (read
// returns 0, as an HTTP/1.0 client does) and then closes too.
//
// The client's outcome: `reply` once reply data arrived; `unreachable` when the connection was
// refused (RST) or reset, or an ICMP error ended the connect (EHOSTUNREACH, ...), or no route let
// the SYN leave; `timeout` when the retransmissions ran out (ETIMEDOUT) or the run ended first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libnet/core/flat_hash_map.h"
#include <utility>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"
#include "libnet/stack/tcp_connection.h"

namespace vpcsim::node {

struct TcpServerConfig {
  std::uint16_t port = 0;
  std::string reply = {};  ///< empty: close without answering once data (or the peer's FIN) arrived
};

class TcpServer final : public Application, public TcpHandler {
 public:
  using Config = TcpServerConfig;
  /// An empty reply: close without answering once data (or the peer's FIN) arrived.
  TcpServer(IpNode& node, std::uint16_t port, std::string reply);
  TcpServer(IpNode& node, Config config) : TcpServer(node, config.port, std::move(config.reply)) {}
  ~TcpServer() override;

  std::uint16_t port() const { return port_; }
  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t bytes_received() const { return bytes_received_; }
  std::uint64_t replied() const { return replied_; }
  std::uint64_t closed() const { return closed_; }
  /// Connections that ended with an error (reset, timed out).
  std::uint64_t failed() const { return failed_; }
  static constexpr std::size_t kKeptRequests = 64;
  /// What the first connections sent, one text per connection, in order of acceptance.
  const std::vector<std::string>& requests() const { return requests_; }

  std::string_view kind() const override { return "tcp-listen"; }
  std::string summary() const override;
  Outcome outcome() const override { return bytes_received_ > 0 ? Outcome::reply : Outcome::timeout; }

  void on_tcp_established(IpNode& node, TcpSocketId id) override;
  void on_tcp_data(IpNode& node, TcpSocketId id, std::span<const std::uint8_t> data) override;
  void on_tcp_peer_closed(IpNode& node, TcpSocketId id) override;
  void on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) override;

 private:
  struct Session {
    std::size_t request = 0;  ///< index into requests_, or kKeptRequests when not kept
    bool answered = false;
  };
  Session* session(TcpSocketId id);
  void answer(IpNode& node, TcpSocketId id, Session& session);

  IpNode& node_;
  std::uint16_t port_;
  std::string reply_;
  std::uint64_t accepted_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t replied_ = 0;
  std::uint64_t closed_ = 0;
  std::uint64_t failed_ = 0;
  /// Open connections by socket: a hash map, as a server replayed a flow log's 100,000 connections
  /// holds thousands at once (a vector's search was a tenth of the what-if's time).
  core::FlatHashMap<TcpSocketId, Session> sessions_;
  std::vector<std::string> requests_;
};

struct TcpClientConfig {
  wire::Ipv4Address destination;
  std::uint16_t dst_port = 0;
  std::uint16_t src_port = 0;  ///< 0: an ephemeral port
  std::string data;
  core::Time start = 0;
};

class TcpClient final : public Application, public TcpHandler, public core::EventHandler {
 public:
  using Config = TcpClientConfig;
  TcpClient(IpNode& node, TcpClientConfig config);
  ~TcpClient() override;

  const TcpClientConfig& config() const { return config_; }
  /// The source port (0 until the connection is opened).
  std::uint16_t src_port() const { return src_port_; }
  bool connected() const { return connected_; }
  /// The handshake time (SYN to SYN-ACK) and the request/reply time, once known.
  std::optional<core::Time> connect_time() const { return connect_time_; }
  std::optional<core::Time> reply_time() const { return reply_time_; }
  const std::string& reply() const { return reply_; }
  /// none while open or after an orderly close; else why the connection failed.
  stack::TcpError error() const { return error_; }
  const std::vector<IcmpErrorReport>& icmp_errors() const { return icmp_errors_; }
  /// Why the SYN could not leave at all (no route), if so.
  std::optional<SendStatus> send_failure() const { return send_failure_; }
  /// The connection's counters (final once closed).
  stack::TcpCounters counters() const;
  /// "ESTABLISHED", "TIME_WAIT", "CLOSED", ... ("" before the start).
  std::string state() const;

  static constexpr std::string_view kKind = "tcp";
  std::string_view kind() const override { return kKind; }
  std::string summary() const override;
  Outcome outcome() const override;

  void on_tcp_established(IpNode& node, TcpSocketId id) override;
  void on_tcp_data(IpNode& node, TcpSocketId id, std::span<const std::uint8_t> data) override;
  void on_tcp_peer_closed(IpNode& node, TcpSocketId id) override;
  void on_tcp_closed(IpNode& node, TcpSocketId id, stack::TcpError error) override;
  void on_tcp_icmp_error(IpNode& node, TcpSocketId id, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  IpNode& node_;
  TcpClientConfig config_;
  std::uint16_t src_port_ = 0;
  std::optional<TcpSocketId> id_;
  bool started_ = false;
  bool connected_ = false;
  bool closed_ = false;
  core::Time started_at_ = 0;
  core::Time sent_at_ = 0;
  std::optional<core::Time> connect_time_;
  std::optional<core::Time> reply_time_;
  std::string reply_;
  stack::TcpError error_ = stack::TcpError::none;
  std::vector<IcmpErrorReport> icmp_errors_;
  std::optional<SendStatus> send_failure_;
  stack::TcpCounters final_counters_;
};

}  // namespace vpcsim::node
