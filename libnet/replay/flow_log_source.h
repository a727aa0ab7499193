// FlowLogSource: AWS VPC Flow Logs turned into packets the replay engine can send.
//
// A flow log has no packets, only per-window counts (io/flow_log_record.h). This source rebuilds the
// client's side of each flow from them, deterministically for a seed, so that replaying it through a
// topology exercises the same security groups, ACLs and routes as the original traffic:
// - Records are grouped into conversations (the two directions of a 5-tuple). The client is the
//   side with the higher port when one is a service port (< 1024) or the ports differ, else the
//   source of the earliest record (ICMP, equal ports). The same record logged by two interfaces (the
//   client's and the server's ENI) is replayed once.
// - Only client -> server records become packets: the server's side is what the simulated topology
//   answers (its hosts' stacks, a replay port's absorbing), not a copy of the log.
// - Each record's `packets` are spread evenly over [start, end] (the first at start, the last at
//   end) and its `bytes` over them: TCP as a handshake SYN in the conversation's first record, ACK
//   (PSH|ACK with data) segments, and FIN|ACK closing its last record, with consistent sequence
//   numbers from a seeded ISN (the acknowledgement numbers cannot know the simulated server's ISN, so
//   a listening server answers the data with RSTs); a TCP conversation whose every client record is
//   REJECT never got past the handshake, so all its packets are SYN retransmissions (same ISN), their
//   bytes beyond 40 carried as NOP options (up to 40 bytes, as a real SYN's MSS, SACK, timestamp and
//   window-scale options are); UDP datagrams; ICMP echo requests with a seeded identifier; any other
//   protocol as bare IPv4 packets. A packet is at least its headers (40 bytes TCP, 28 UDP and ICMP,
//   20 other), so a record claiming fewer bytes replays that minimum; data per packet is capped at
//   8,961 bytes (the VPC's 9001 MTU) and a record above a packet cap (100,000 by default) replays
//   the cap: both count as `truncated` in errors().
// - Frames carry locally administered MACs made from the addresses (02:00:a.b.c.d source,
//   02:01:a.b.c.d destination), for the engine's ports to rewrite; TTL 64; DF set.
// Time: packet timestamps are nanoseconds from epoch(), the earliest record's start, so the first
// packet is at 0; a replay started at simulated time 0 whose FlowLogWriter has this epoch() logs
// every packet in the Unix second, and the window (the writer cuts Unix time), it was logged in. NODATA and SKIPDATA records replay
// nothing; lines that do not parse are errors() with their line (ReplayError::record is the line
// number minus one; offset is 0: the line is the position that means something in a text file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libnet/io/flow_log_record.h"
#include "libnet/replay/flow_record.h"
#include "libnet/replay/replay_source.h"

namespace vpcsim::replay {

struct FlowLogSourceOptions {
  std::uint64_t seed = 1;                          ///< ISNs, ICMP identifiers, IP ids
  std::uint64_t max_packets_per_record = 100'000;  ///< above it a record replays this many
  std::int64_t epoch_align_s = 1;                  ///< epoch() is the first start rounded down to this
};

/// One conversation the source replays: its key (client first) and what the log said.
struct FlowLogFlow {
  FlowKey key;
  std::uint64_t records = 0;         ///< client -> server records replayed
  std::uint64_t packets = 0;         ///< packets those records replay
  std::uint64_t bytes = 0;
  std::uint64_t server_records = 0;  ///< server -> client records (answered by the topology instead)
  bool rejected = false;             ///< some record of it said REJECT
};

class FlowLogSource final : public ReplaySource {
 public:
  /// Reads a plain or gzip flow log. Throws core::ConfigError(path, "flow log", ...) if the file
  /// cannot be opened; bad lines are errors().
  explicit FlowLogSource(const std::string& path, FlowLogSourceOptions options = {});
  /// From records already read (tests, Python); `name` stands for the path.
  FlowLogSource(std::vector<io::FlowLogRecord> records, std::string name, FlowLogSourceOptions options = {});

  bool next(ReplayPacket& packet) override;
  void rewind() override;
  const ReplayErrors& errors() const override { return errors_; }
  std::string name() const override { return name_; }
  bool rebuilt() const override { return true; }

  /// Unix seconds at timestamp 0.
  std::int64_t epoch() const { return epoch_; }
  /// The first packet's timestamp (ns from epoch(); 0 unless epoch_align_s rounds the epoch down).
  core::Time first_packet_time() const { return plans_.empty() ? 0 : plans_.front().start; }
  /// The conversations, in the order their first record starts.
  const std::vector<FlowLogFlow>& flows() const { return flows_; }
  /// Records read (every line that parsed, NODATA and SKIPDATA included) and those that replay.
  std::uint64_t records_read() const { return records_read_; }
  std::uint64_t packets_total() const { return packets_total_; }

 private:
  /// One client -> server record, ready to generate packets.
  struct Plan {
    std::uint32_t flow = 0;      ///< index in flows_
    std::uint64_t line = 0;      ///< 1-based line in the log (0 when built from records)
    core::Time start = 0;        ///< ns from epoch
    core::Time span = 0;         ///< end - start, ns
    std::uint64_t packets = 0;
    std::uint64_t payload = 0;   ///< bytes beyond the headers, to spread
    bool opens = false;          ///< first record of its TCP conversation: starts with SYN
    bool closes = false;         ///< last record of its TCP conversation: ends with FIN
    bool syn_only = false;       ///< a TCP conversation the log only ever REJECTed: SYN retransmissions
  };
  struct Cursor {  ///< a plan being replayed: its next packet
    core::Time at = 0;
    std::uint32_t plan = 0;
    std::uint64_t index = 0;
  };
  struct FlowState {  ///< per conversation, reset on rewind
    std::uint32_t seq = 0;
    std::uint16_t ip_id = 0;
    std::uint16_t icmp_seq = 0;
  };

  void build(std::vector<io::FlowLogRecord> records, const std::vector<std::uint64_t>& lines);
  void reset_state();
  core::Time time_of(const Plan& plan, std::uint64_t index) const;
  void emit(const Plan& plan, std::uint64_t index, ReplayPacket& packet);
  void push(Cursor cursor);
  Cursor pop();

  std::string name_;
  FlowLogSourceOptions options_;
  ReplayErrors errors_;
  std::int64_t epoch_ = 0;
  std::uint64_t records_read_ = 0;
  std::uint64_t packets_total_ = 0;
  std::vector<FlowLogFlow> flows_;
  std::vector<Plan> plans_;            ///< by start time
  std::vector<FlowState> state_;       ///< by flow
  std::vector<Cursor> heap_;           ///< min-heap of active plans by (at, plan)
  std::size_t next_plan_ = 0;          ///< plans_[next_plan_..] not started yet
  std::uint64_t emitted_ = 0;
  std::vector<std::uint8_t> frame_;
};

}  // namespace vpcsim::replay
