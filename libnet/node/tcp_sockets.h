// A node's TCP: the listening ports, the connections (stack::TcpConnection) by their four-tuple,
// and the owner side of each connection (segments out through the node's IPv4, timers as events,
// data and state changes to the application's TcpHandler).
//
// IpNode holds one of these behind a pointer that stays empty until something listens or connects,
// so a host that never uses TCP pays 8 bytes for it; a segment for a closed port is answered with a
// RST by IpNode without creating one. A connection lives in a slot until it reaches CLOSED (after
// TIME_WAIT for the side that closed first); a slot is freed only once the call that closed it has
// returned, so handlers may call send() and close() from inside their callbacks.
//
// Demultiplexing, as Linux's __inet_lookup: an exact four-tuple match first, else a listener on the
// destination port. A listener turns a SYN into a new connection in SYN_RECV (Linux's request sock)
// and hands it to the application when the handshake completes (accept()); an ACK to a listener with
// no connection gets a RST, anything else without SYN is discarded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/sockets.h"
#include "libnet/stack/tcp_connection.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::node {

class IpNode;

/// One row of the node's connection table (`ss -tan`).
struct TcpSocketInfo {
  TcpSocketId id = 0;
  stack::TcpEndpoints endpoints;
  stack::TcpState state = stack::TcpState::closed;
  std::uint32_t snd_una = 0;
  std::uint32_t snd_nxt = 0;
  std::uint32_t rcv_nxt = 0;
  std::size_t send_queue = 0;
  core::Time timer_at = core::kTimeNever;  ///< when its timer fires (retransmission, TIME_WAIT, ...)
};

/// The result of connect(): a connection, or why none was made (ENETUNREACH, ...).
struct TcpConnectResult {
  SendStatus status = SendStatus::sent;
  TcpSocketId id = 0;
};

/// What happened to a segment handed to receive().
enum class TcpDelivery : std::uint8_t { delivered, discarded, no_socket };

class TcpSockets final : public stack::TcpConnectionOwner, public core::EventHandler {
 public:
  explicit TcpSockets(IpNode& node);
  ~TcpSockets();
  TcpSockets(const TcpSockets&) = delete;
  TcpSockets& operator=(const TcpSockets&) = delete;

  /// Throws core::ConfigError if the port is 0 or already listened on.
  void listen(std::uint16_t port, TcpHandler& handler);
  void unlisten(std::uint16_t port) { listeners_.erase(port); }
  /// Opens a connection (SYN now). `src_port` 0: an ephemeral port. A route failure, or a four-tuple
  /// already in use (a fixed source port whose last connection is in TIME_WAIT: EADDRINUSE), is
  /// returned as the status, not thrown: connect() is called while the simulation runs.
  TcpConnectResult connect(wire::Ipv4Address dst, std::uint16_t dst_port, std::uint16_t src_port, TcpHandler& handler);
  /// Queues data on an open connection; false if it is closing or gone.
  bool send(TcpSocketId id, std::span<const std::uint8_t> data);
  void close(TcpSocketId id);
  /// The connection, or nullptr once it has closed and its slot was freed (a handler's
  /// on_tcp_closed still sees it, in state closed, with its final counters).
  const stack::TcpConnection* connection(TcpSocketId id) const;

  /// Whether any listener or connection uses `port` locally (ephemeral ports avoid them).
  bool port_in_use(std::uint16_t port) const;
  /// The connection table, by four-tuple.
  std::vector<TcpSocketInfo> table() const;
  const stack::TcpConfig& config() const { return config_; }
  /// Applies to connections opened afterwards.
  void set_config(const stack::TcpConfig& config) { config_ = config; }

  /// A segment (checksum verified) from `src` to `dst`, one of the node's addresses.
  TcpDelivery receive(wire::Ipv4Address src, wire::Ipv4Address dst, const wire::TcpRepr& segment);
  /// An ICMP error quoting a segment we sent; false if no connection matches.
  bool icmp_error(const stack::TcpEndpoints& endpoints, std::uint32_t seq, const IcmpErrorReport& report);

  // stack::TcpConnectionOwner
  core::Time tcp_now() const override;
  void tcp_transmit(stack::TcpConnection& connection, const wire::TcpRepr& segment) override;
  std::uint64_t tcp_arm_timer(stack::TcpConnection& connection, core::Time at) override;
  void tcp_data(stack::TcpConnection& connection, std::span<const std::uint8_t> data) override;
  void tcp_established(stack::TcpConnection& connection) override;
  void tcp_peer_closed(stack::TcpConnection& connection) override;
  void tcp_closed(stack::TcpConnection& connection) override;

  void handle_event(const core::Event& event) override;

 private:
  struct Slot {
    std::unique_ptr<stack::TcpConnection> connection;
    TcpHandler* handler = nullptr;
    bool accepted = false;  ///< the handler has heard of it (connect, or accept() returned it)
  };
  /// Frees the slots of connections that closed, once no call into a connection is under way.
  class Guard {
   public:
    explicit Guard(TcpSockets& sockets) : sockets_(sockets) { ++sockets_.depth_; }
    ~Guard() {
      if (--sockets_.depth_ == 0) sockets_.reap();
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    TcpSockets& sockets_;
  };
  TcpSocketId open(const stack::TcpEndpoints& endpoints, TcpHandler& handler);
  void reap();
  stack::TcpConnection* live(TcpSocketId id);

  IpNode& node_;
  stack::TcpConfig config_;
  std::vector<Slot> slots_;
  std::vector<TcpSocketId> free_;
  std::vector<TcpSocketId> closed_;  ///< slots to free when depth_ returns to 0
  struct EndpointsHash {
    std::size_t operator()(const stack::TcpEndpoints& e) const {
      std::uint64_t x = (std::uint64_t{e.local.to_u32()} << 32 | e.remote.to_u32()) ^
                        (std::uint64_t{e.local_port} << 16 | e.remote_port) * 0x9e3779b97f4a7c15ull;
      x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ull;
      return static_cast<std::size_t>(x ^ (x >> 29));
    }
  };
  /// Hashed: a server with thousands of connections (a replayed flow log) looks one up per segment.
  /// table() sorts, so what people read keeps its order.
  std::unordered_map<stack::TcpEndpoints, TcpSocketId, EndpointsHash> by_endpoints_;
  std::map<std::uint16_t, TcpHandler*> listeners_;
  std::uint64_t next_timer_token_ = 0;
  std::uint32_t depth_ = 0;
};

}  // namespace vpcsim::node
