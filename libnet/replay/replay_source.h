// What the replay engine consumes: a stream of timestamped Ethernet frames from anywhere (a pcap or
// pcapng file, a VPC Flow Log turned into packets, a generator), plus what went wrong reading it.
//
// This is the contract between the engine (replay/replay_engine.h) and its sources: the engine
// never sees a file format, so a capture (PcapSource), a flow log (FlowLogSource) or a synthetic
// trace feeds the same ports, the same direction split and the same per-flow table. A source turns
// whatever it reads into whole Ethernet frames (adapting cooked and raw-IP captures, see
// link_adapter.h); records it cannot turn into a frame are counted in errors() with where they were
// (file and byte offset) and skipped, so the rest still replays (DESIGN.md, decision 6).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "libnet/core/time.h"

namespace vpcsim::replay {

/// Which side of a conversation a packet belongs to (tcpprep's client/server split).
enum class Side : std::uint8_t { client, server, unknown };
std::string_view to_string(Side side);

/// One frame to replay. `bytes` is borrowed: valid until the next call to ReplaySource::next().
struct ReplayPacket {
  core::Time ts = 0;                    ///< the record's timestamp (ns; any origin, only differences matter)
  std::span<const std::uint8_t> bytes;  ///< a whole Ethernet frame (possibly cut short of orig_len)
  std::uint32_t orig_len = 0;           ///< the frame's length on the wire (>= bytes.size())
  std::uint64_t record = 0;             ///< the record's position in the source, from 0 (for reports)
  std::uint64_t offset = 0;             ///< the record's byte offset in its file (0 when not a file)
  /// A side the source knows (a flow log knows who sent a record); unknown lets the engine's split
  /// decide.
  Side side_hint = Side::unknown;
};

/// One record a source could not replay, and where it is.
struct ReplayError {
  std::string file;          ///< the source's path (or name)
  std::uint64_t offset = 0;  ///< byte offset of the record in the file
  std::uint64_t record = 0;  ///< its position, from 0
  std::string reason;        ///< "truncated dump file; ...", "IPv4 header length 16 below 20", ...
};

/// What a source could not replay. The engine copies it into its results.
struct ReplayErrors {
  static constexpr std::size_t kKeptErrors = 100;  ///< the first errors are kept; all are counted

  std::uint64_t records = 0;    ///< records read (whole or not)
  std::uint64_t malformed = 0;  ///< records skipped: not a frame the engine can send
  std::uint64_t truncated = 0;  ///< records captured short of their length (snaplen); still replayed
  std::uint64_t adapted = 0;    ///< records given an Ethernet header (LINUX_SLL, LINUX_SLL2, RAW)
  /// Set when reading stopped early (a file cut short, a corrupt block): what came before replays.
  bool stopped_early = false;
  std::vector<ReplayError> errors;  ///< the first kKeptErrors, in file order

  void add(ReplayError error) {
    ++malformed;
    if (errors.size() < kKeptErrors) errors.push_back(std::move(error));
  }
};

/// A stream of frames to replay. Single pass; the engine reads it once per loop (rewind()).
class ReplaySource {
 public:
  virtual ~ReplaySource() = default;
  /// The next frame, or false at the end (or where reading stopped; see errors()).
  virtual bool next(ReplayPacket& packet) = 0;
  /// Starts again from the first record (for --loop). Errors are counted once, on the first pass.
  virtual void rewind() = 0;
  virtual const ReplayErrors& errors() const = 0;
  /// The path or a name, for reports ("capture.pcap", "flowlogs.gz").
  virtual std::string name() const = 0;
  /// Whether the packets are rebuilt (a flow log's) rather than captured: their TCP segments carry
  /// no timing relative to the peer's, so the engine closes them after the peer (tcp_peer.h).
  virtual bool rebuilt() const { return false; }
};

}  // namespace vpcsim::replay
