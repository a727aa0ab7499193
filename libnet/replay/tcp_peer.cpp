// TcpPeer: learning a real peer's sequence space and acknowledging it (see tcp_peer.h).
#include "libnet/replay/tcp_peer.h"

namespace vpcsim::replay {
namespace {

constexpr std::uint8_t kSynAck = wire::kTcpSyn | wire::kTcpAck;

/// RFC 793 sequence arithmetic: a is after b (mod 2^32).
bool after(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

}  // namespace

void TcpPeer::note_captured(const wire::TcpView& tcp) {
  if ((tcp.flags() & kSynAck) != kSynAck || captured_isn_known) return;
  captured_isn_known = true;
  captured_isn = tcp.seq();
}

bool TcpPeer::learn(const wire::TcpView& tcp) {
  const std::uint8_t flags = tcp.flags();
  const std::uint32_t end = tcp.seq() + static_cast<std::uint32_t>(tcp.payload().size()) +
                            ((flags & wire::kTcpSyn) != 0 ? 1 : 0) + ((flags & wire::kTcpFin) != 0 ? 1 : 0);
  if ((flags & kSynAck) == kSynAck && !learned) {
    learned = true;
    isn = tcp.seq();
    next = end;
    return true;
  }
  if (!learned || (flags & wire::kTcpRst) != 0) return false;
  if (after(end, next)) next = end;
  if ((flags & wire::kTcpFin) != 0 && !peer_fin) {
    peer_fin = true;
    return closes_after_peer;
  }
  return false;
}

bool TcpPeer::must_wait(std::uint8_t flags) const {
  if (replayed || waited) return false;
  if (!learned) return syn_sent && (flags & (wire::kTcpSyn | wire::kTcpAck)) != wire::kTcpSyn;  // SYNs go
  return closes_after_peer && (flags & wire::kTcpFin) != 0 && !peer_fin;
}

void TcpPeer::fix_ack(const wire::TcpViewMut& tcp) const {
  if (replayed || !learned || (tcp.flags() & wire::kTcpAck) == 0) return;
  std::uint32_t ack = next;
  if (captured_isn_known) {
    ack = tcp.ack() + (isn - captured_isn);
    if (after(ack, next)) ack = next;
  }
  tcp.set_ack(ack);
}

}  // namespace vpcsim::replay
