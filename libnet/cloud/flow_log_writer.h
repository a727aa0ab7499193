// VPC Flow Logs out: records in AWS's default (version 2) format for chosen instances' network
// interfaces, with AWS's ACCEPT/REJECT semantics, aggregated per capture window.
//
// AWS captures, per network interface, each direction of each 5-tuple in an aggregation interval
// (60 s or 600 s) as one record with its packets and bytes
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html). The action says whether
// the interface's security groups and its subnet's network ACL let the traffic through; AWS's own
// example (flow-logs-records-examples.html#flow-log-example-security-groups): a ping allowed in by
// both and answered, but whose reply the ACL denies outbound, is one ACCEPT record (the request) and
// one REJECT record (the reply); a request the security group denies is one REJECT record.
//
// Where vpcsim decides, and so where the writer is told:
// - inbound, the subnet's network ACL at the VPC router (only across the subnet's boundary, as AWS
//   evaluates ACLs) and then the security groups at the instance: a packet either denies is REJECT,
//   one both pass is ACCEPT;
// - outbound, the security groups at the instance and then the subnet's outbound ACL: the instance
//   asks the ACL as the router will (NetworkAcl::decide is a pure function) for a destination outside
//   its subnet, so the packet is logged once, ACCEPT or REJECT, where it leaves.
// A packet dropped later for another reason (no route, ARP, a NAT gateway) is still ACCEPT, as on
// AWS, where those are not the interface's decisions.
//
// Records: srcaddr/dstaddr are the packet's (the instance's private address, as AWS logs it), ports
// are 0 for protocols without them (ICMP too, as AWS's example shows), bytes are the IPv4 total
// length, start/end the Unix seconds (floor) of the window's first and last packet, with simulated
// time 0 at `epoch`. Windows are [k*interval, (k+1)*interval) of Unix time (epoch + simulated time),
// so every run, and a replay of a log, cuts the same minutes whatever its epoch. One record per
// (window, direction of the 5-tuple, action), in the order the windows close and, within one, the
// order flows were first seen: deterministic, like everything else. NODATA records for idle windows
// are not written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "libnet/cloud/flow_log_config.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/core/time.h"
#include "libnet/io/flow_log_record.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::cloud {

class Cloud;
class Instance;
struct PacketSummary;

/// One network interface's flow log: the aggregation of what its instance sent and received.
class EniFlowLog {
 public:
  EniFlowLog(const FlowLogConfig& config, std::string eni_id, std::string instance);
  const std::string& eni_id() const { return eni_id_; }
  const std::string& instance() const { return instance_; }

  /// One packet seen at the interface with the interface's decision; `now` is simulated time.
  void observe(core::Time now, const PacketSummary& packet, std::uint32_t ip_bytes, bool accepted);
  /// The records so far (open windows included), in window order, then first-seen order.
  std::vector<io::FlowLogRecord> records() const;
  std::uint64_t packets_seen() const { return packets_; }

 private:
  struct Key {
    std::int64_t window;
    std::uint32_t src, dst;
    std::uint16_t sport, dport;
    std::uint8_t protocol;
    bool accepted;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(hash(k)); }
  };
  struct Aggregate {
    Key key;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    core::Time first = 0;
    core::Time last = 0;
  };
  static std::uint64_t hash(const Key& k);
  Aggregate& aggregate(const Key& key, core::Time now);
  const FlowLogConfig* config_;
  std::string eni_id_;
  std::string instance_;
  /// Per packet: one probe of a flat table keyed by the key's 64-bit hash (checked against the
  /// stored key); keys whose hash collides with another's go to `collisions_`.
  core::FlatHashMap<std::uint64_t, std::uint32_t> index_;
  std::unordered_map<Key, std::uint32_t, KeyHash> collisions_;
  std::vector<Aggregate> flows_;  ///< in first-seen order
  std::uint64_t packets_ = 0;
};

/// The flow logs of one cloud. Created by Cloud::enable_flow_logs; watching an instance attaches its
/// EniFlowLog to the instance (and to the VPC router's ACL checks, by address).
class FlowLogWriter {
 public:
  FlowLogWriter(Cloud& cloud, FlowLogConfig config);
  FlowLogWriter(const FlowLogWriter&) = delete;  // instances point at its logs
  FlowLogWriter& operator=(const FlowLogWriter&) = delete;
  const FlowLogConfig& config() const { return config_; }
  Cloud& cloud() const { return *cloud_; }
  /// Sets the epoch (Unix seconds at simulated time 0), e.g. to a replayed flow log's.
  void set_epoch(std::int64_t epoch) { config_.epoch = epoch; }

  /// Starts logging `instance`'s interface. `eni_id` empty: a stable id derived from the VPC and
  /// instance names ("eni-" and 17 hex digits, as AWS's look). Throws core::ConfigError for an
  /// instance watched already or an id in use.
  EniFlowLog& watch(Instance& instance, std::string eni_id = {});
  /// Every instance of every VPC that is not watched yet.
  void watch_all();
  const std::vector<std::unique_ptr<EniFlowLog>>& logs() const { return logs_; }
  EniFlowLog* find(const std::string& instance_or_eni) const;

  /// The VPC router denied `packet` by the destination subnet's inbound ACL: a REJECT for the
  /// watched interface that has its destination address, if any.
  void inbound_acl_denied(core::Time now, const PacketSummary& packet, std::uint32_t ip_bytes);

  /// "<eni>.log" for each watched interface under `directory` (created), the header line first.
  /// Returns the paths written.
  std::vector<std::string> write(const std::string& directory) const;
  /// One interface's log as text (header and records, newline-terminated).
  std::string text(const EniFlowLog& log) const;

  /// The id watch() gives `instance` when none is asked for.
  static std::string default_eni_id(const std::string& vpc, const std::string& instance);

 private:
  Cloud* cloud_;
  FlowLogConfig config_;
  std::vector<std::unique_ptr<EniFlowLog>> logs_;
  std::unordered_map<std::uint32_t, EniFlowLog*> by_address_;
};

}  // namespace vpcsim::cloud
