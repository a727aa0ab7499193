#include "libnet/node/tcp_sockets.h"

#include <algorithm>

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::node {
namespace {
constexpr std::uint32_t kIpTcpHeaders = 40;  // MSS = MTU - 20 (IPv4) - 20 (TCP)
}  // namespace

TcpSockets::TcpSockets(IpNode& node) : node_(node) {}
TcpSockets::~TcpSockets() = default;

void TcpSockets::listen(std::uint16_t port, TcpHandler& handler) {
  if (port == 0) throw core::ConfigError(node_.name(), "tcp port", "port 0 cannot be listened on");
  auto [it, inserted] = listeners_.try_emplace(port, &handler);
  if (!inserted) throw core::ConfigError(node_.name(), "tcp port " + std::to_string(port), "already listening");
}

TcpSocketId TcpSockets::open(const stack::TcpEndpoints& endpoints, TcpHandler& handler) {
  TcpSocketId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<TcpSocketId>(slots_.size());
    slots_.emplace_back();
  }
  const IpNode::RouteInfo route = node_.route_info(endpoints.remote);
  const std::uint32_t mtu = route.mtu > kIpTcpHeaders ? route.mtu : 576;
  core::Rng& rng = node_.network().simulation().rng();
  const auto iss = static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32));
  const auto ts_offset = static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32));
  slots_[id].connection = std::make_unique<stack::TcpConnection>(
      *this, config_, endpoints, iss, static_cast<std::uint16_t>(std::min<std::uint32_t>(mtu - kIpTcpHeaders, 65535)),
      ts_offset, id);
  slots_[id].handler = &handler;
  slots_[id].accepted = false;
  by_endpoints_[endpoints] = id;
  return id;
}

TcpConnectResult TcpSockets::connect(wire::Ipv4Address dst, std::uint16_t dst_port, std::uint16_t src_port,
                                     TcpHandler& handler) {
  if (dst_port == 0) throw core::ConfigError(node_.name(), "tcp connect", "destination port 0");
  const IpNode::RouteInfo route = node_.route_info(dst);
  if (route.status != SendStatus::sent) return {route.status, 0};
  const std::uint16_t port = src_port != 0 ? src_port : node_.ephemeral_port(wire::kIpProtoTcp);
  const stack::TcpEndpoints endpoints{route.source, port, dst, dst_port};
  if (by_endpoints_.contains(endpoints)) return {SendStatus::address_in_use, 0};  // e.g. still in TIME_WAIT
  Guard guard(*this);
  const TcpSocketId id = open(endpoints, handler);
  slots_[id].connection->connect();
  return {SendStatus::sent, id};
}

stack::TcpConnection* TcpSockets::live(TcpSocketId id) {
  if (id >= slots_.size() || !slots_[id].connection) return nullptr;
  stack::TcpConnection* connection = slots_[id].connection.get();
  return connection->state() == stack::TcpState::closed ? nullptr : connection;
}

const stack::TcpConnection* TcpSockets::connection(TcpSocketId id) const {
  return id < slots_.size() ? slots_[id].connection.get() : nullptr;
}

bool TcpSockets::send(TcpSocketId id, std::span<const std::uint8_t> data) {
  Guard guard(*this);
  stack::TcpConnection* connection = live(id);
  return connection != nullptr && connection->send(data);
}

void TcpSockets::close(TcpSocketId id) {
  Guard guard(*this);
  if (stack::TcpConnection* connection = live(id)) connection->close();
}

bool TcpSockets::port_in_use(std::uint16_t port) const {
  if (listeners_.contains(port)) return true;
  for (const auto& [endpoints, id] : by_endpoints_)
    if (endpoints.local_port == port) return true;
  return false;
}

std::vector<TcpSocketInfo> TcpSockets::table() const {
  std::vector<TcpSocketInfo> rows;
  for (const auto& [endpoints, id] : by_endpoints_) {
    const stack::TcpConnection& c = *slots_[id].connection;
    rows.push_back(TcpSocketInfo{id, endpoints, c.state(), c.snd_una(), c.snd_nxt(), c.rcv_nxt(), c.send_queue_len(),
                                 c.timer_at()});
  }
  std::sort(rows.begin(), rows.end(), [](const TcpSocketInfo& a, const TcpSocketInfo& b) { return a.endpoints < b.endpoints; });
  return rows;
}

TcpDelivery TcpSockets::receive(wire::Ipv4Address src, wire::Ipv4Address dst, const wire::TcpRepr& segment) {
  Guard guard(*this);
  const stack::TcpEndpoints endpoints{dst, segment.dst_port, src, segment.src_port};
  if (auto found = by_endpoints_.find(endpoints); found != by_endpoints_.end()) {
    slots_[found->second].connection->on_segment(segment);
    return TcpDelivery::delivered;
  }
  auto listener = listeners_.find(segment.dst_port);
  if (listener == listeners_.end()) return TcpDelivery::no_socket;
  if ((segment.flags & wire::kTcpRst) != 0) return TcpDelivery::discarded;
  if ((segment.flags & wire::kTcpAck) != 0) return TcpDelivery::no_socket;  // tcp_v4_do_rcv: reset
  if ((segment.flags & wire::kTcpSyn) == 0) return TcpDelivery::discarded;
  const TcpSocketId id = open(endpoints, *listener->second);
  slots_[id].connection->accept(segment);
  return TcpDelivery::delivered;
}

bool TcpSockets::icmp_error(const stack::TcpEndpoints& endpoints, std::uint32_t seq, const IcmpErrorReport& report) {
  Guard guard(*this);
  auto found = by_endpoints_.find(endpoints);
  if (found == by_endpoints_.end()) return false;
  const TcpSocketId id = found->second;
  if (!slots_[id].connection->passive() || slots_[id].accepted) slots_[id].handler->on_tcp_icmp_error(node_, id, report);
  slots_[id].connection->on_icmp_error(report.type, report.code, seq);  // slots_ may have grown in the handler
  return true;
}

void TcpSockets::handle_event(const core::Event& event) {
  Guard guard(*this);
  if (event.aux < slots_.size() && slots_[event.aux].connection) slots_[event.aux].connection->on_timer(event.arg);
}

void TcpSockets::reap() {
  while (!closed_.empty()) {
    const TcpSocketId id = closed_.back();
    closed_.pop_back();
    Slot& slot = slots_[id];
    if (!slot.connection) continue;
    by_endpoints_.erase(slot.connection->endpoints());
    slot.connection.reset();
    slot.handler = nullptr;
    free_.push_back(id);
  }
}

// ---------------------------------------------------------------------------------------------
// stack::TcpConnectionOwner

core::Time TcpSockets::tcp_now() const { return node_.network().now(); }

void TcpSockets::tcp_transmit(stack::TcpConnection& connection, const wire::TcpRepr& segment) {
  const stack::TcpEndpoints& e = connection.endpoints();
  node_.send_tcp(e.local, e.remote, segment, connection.take_neighbour_confirm());
}

std::uint64_t TcpSockets::tcp_arm_timer(stack::TcpConnection& connection, core::Time at) {
  const std::uint64_t token = ++next_timer_token_;
  node_.network().simulation().schedule_at(at, *this, 0, token, connection.tag());
  return token;
}

void TcpSockets::tcp_data(stack::TcpConnection& connection, std::span<const std::uint8_t> data) {
  slots_[connection.tag()].handler->on_tcp_data(node_, connection.tag(), data);
}

void TcpSockets::tcp_established(stack::TcpConnection& connection) {
  slots_[connection.tag()].accepted = true;
  slots_[connection.tag()].handler->on_tcp_established(node_, connection.tag());
}

void TcpSockets::tcp_peer_closed(stack::TcpConnection& connection) {
  slots_[connection.tag()].handler->on_tcp_peer_closed(node_, connection.tag());
}

void TcpSockets::tcp_closed(stack::TcpConnection& connection) {
  const TcpSocketId id = connection.tag();
  closed_.push_back(id);
  // A passive connection that never completed its handshake was never accepted: nobody to tell.
  if (connection.passive() && !slots_[id].accepted) return;
  slots_[id].handler->on_tcp_closed(node_, id, connection.error());
}

}  // namespace vpcsim::node
