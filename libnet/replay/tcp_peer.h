// TcpPeer: what a replay port knows of a real TCP stack on the other side of a flow it replays.
//
// When only one side of a TCP conversation is replayed (a pcap's client side into a topology whose
// server is a simulated host; a flow log's rebuilt client segments) the replayed acknowledgement
// numbers refer to the captured server's sequence space, or, rebuilt from a flow log, to none at all:
// the simulated server's stack, like Linux's, answers them with an RST. A TcpPeer learns the real
// peer's ISN from the SYN-ACK the port absorbs, and how far the peer has sent, and rewrites the ack
// number of every later replayed segment of the flow: the captured ack shifted by (real ISN - captured
// ISN), never beyond what the peer has actually sent (what the captured server sent and the simulated
// one did not is not acknowledged); with no captured ISN (a flow log), exactly what the peer sent.
// Segments after the SYN wait for the SYN-ACK (ReplayEngine holds them, kHandshakeWait at most).
// Rebuilt segments (a flow log's: `closes_after_peer`) carry no timing of their own relative to the
// peer, so their FIN also waits for the peer's FIN and acknowledges it: the conversation closes
// cleanly on both ends with exactly the logged number of client packets, instead of the server
// retransmitting its unacknowledged FIN for minutes.
// SACK blocks and timestamp echoes are left as captured (Linux ignores SACK blocks outside its
// window and does not check TSecr).
#pragma once

#include <cstdint>
#include <vector>

#include "libnet/core/time.h"
#include "libnet/wire/frame.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::replay {

struct TcpPeer {
  /// How long a replayed flow's segments wait for the peer's SYN-ACK before going as captured (the
  /// SYN was dropped, or nothing listens): Linux's first SYN retransmission timeout.
  static constexpr core::Time kHandshakeWait = core::kSecond;

  struct Held {
    wire::Frame frame;
    std::uint64_t seq;
  };

  bool replayed = false;           ///< the captured peer's own packets are replayed too: no real peer
  bool closes_after_peer = false;  ///< the replayed FIN waits for the peer's (rebuilt sources)
  bool syn_sent = false;           ///< the replayed side sent the flow's SYN
  bool waited = false;             ///< gave up waiting (kHandshakeWait): segments go as they are
  bool peer_fin = false;           ///< the real peer sent its FIN
  bool captured_isn_known = false;
  std::uint32_t captured_isn = 0;  ///< the captured peer's ISN (its SYN-ACK in the capture)
  bool learned = false;            ///< the real peer's SYN-ACK was absorbed
  std::uint32_t isn = 0;           ///< the real peer's ISN
  std::uint32_t next = 0;          ///< the real peer's highest sequence number sent, plus one
  std::vector<Held> held;          ///< replayed segments waiting for the SYN-ACK (or the peer's FIN)
  core::Time wait_until = 0;       ///< when the current wait ends

  /// A captured segment of the peer (replayed or not): its SYN-ACK gives the captured ISN.
  void note_captured(const wire::TcpView& tcp);
  /// A segment the real peer sent. Returns true when it is what held segments wait for: the SYN-ACK
  /// that teaches the ISN, or the peer's FIN.
  bool learn(const wire::TcpView& tcp);
  /// Whether a replayed segment must wait for the SYN-ACK before it can be sent.
  bool must_wait(std::uint8_t flags) const;
  /// Rewrites the replayed segment's ack number (checksum updated) once the peer is known.
  void fix_ack(const wire::TcpViewMut& tcp) const;
};

}  // namespace vpcsim::replay
