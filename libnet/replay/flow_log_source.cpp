#include "libnet/replay/flow_log_source.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "libnet/io/flow_log_reader.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/mac_address.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"

namespace vpcsim::replay {
namespace {

constexpr std::uint64_t kMaxDataPerPacket = 9001 - 40;  // the VPC's MTU less IPv4 and TCP headers
constexpr std::uint64_t kMaxSynOptions = 40;  // TCP's option space
constexpr std::uint16_t kTcpWindow = 64240;
constexpr std::uint8_t kNops[kMaxSynOptions] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: seeds per-flow values
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::uint64_t header_len(std::uint8_t protocol) {
  switch (protocol) {
    case wire::kIpProtoTcp: return 40;
    case wire::kIpProtoUdp: return 28;
    case wire::kIpProtoIcmp: return 28;
    default: return 20;
  }
}

bool has_ports(std::uint8_t protocol) { return protocol == wire::kIpProtoTcp || protocol == wire::kIpProtoUdp; }

wire::MacAddress mac_for(std::uint8_t tag, wire::Ipv4Address a) {
  const std::uint32_t v = a.to_u32();
  return wire::MacAddress({0x02, tag, static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                           static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
}

/// One direction of a 5-tuple, plus the record's start: what identifies a record logged twice.
struct RecordKey {
  std::uint32_t src, dst;
  std::uint16_t sport, dport;
  std::uint8_t protocol;
  std::int64_t start;
  bool operator==(const RecordKey&) const = default;
};
struct RecordKeyHash {
  std::size_t operator()(const RecordKey& k) const {
    return mix((static_cast<std::uint64_t>(k.src) << 32 | k.dst) ^
               mix(static_cast<std::uint64_t>(k.sport) << 24 | static_cast<std::uint64_t>(k.dport) << 8 | k.protocol) ^
               mix(static_cast<std::uint64_t>(k.start)));
  }
};

/// The direction-free conversation: the lower endpoint first.
struct PairKey {
  std::uint64_t a, b;  ///< address << 16 | port, a <= b
  std::uint8_t protocol;
  bool operator==(const PairKey&) const = default;
};
struct PairKeyHash {
  std::size_t operator()(const PairKey& k) const { return mix(k.a ^ mix(k.b ^ k.protocol)); }
};

PairKey pair_of(const io::FlowLogRecord& r) {
  const bool ports = has_ports(r.protocol);
  const std::uint64_t s = static_cast<std::uint64_t>(r.srcaddr.to_u32()) << 16 | (ports ? r.srcport : 0);
  const std::uint64_t d = static_cast<std::uint64_t>(r.dstaddr.to_u32()) << 16 | (ports ? r.dstport : 0);
  return PairKey{std::min(s, d), std::max(s, d), r.protocol};
}

}  // namespace

FlowLogSource::FlowLogSource(const std::string& path, FlowLogSourceOptions options) : name_(path), options_(options) {
  io::FlowLogReader reader(path);
  std::vector<io::FlowLogRecord> records;
  std::vector<std::uint64_t> lines;
  io::FlowLogRecord r;
  while (reader.next(r)) {
    records.push_back(std::move(r));
    lines.push_back(reader.lines());
  }
  for (const io::FlowLogIssue& issue : reader.issues()) {
    errors_.add(ReplayError{path, 0, issue.line == 0 ? 0 : issue.line - 1, "line " + std::to_string(issue.line) + ": " + issue.message});
    if (issue.message.rfind("gzip stream error", 0) == 0) errors_.stopped_early = true;
  }
  errors_.malformed += reader.bad_records() - reader.issues().size();  // counted beyond the kept ones
  errors_.records = reader.records() + reader.bad_records();
  build(std::move(records), lines);
}

FlowLogSource::FlowLogSource(std::vector<io::FlowLogRecord> records, std::string name, FlowLogSourceOptions options)
    : name_(std::move(name)), options_(options) {
  errors_.records = records.size();
  const std::vector<std::uint64_t> lines(records.size(), 0);
  build(std::move(records), lines);
}

void FlowLogSource::build(std::vector<io::FlowLogRecord> records, const std::vector<std::uint64_t>& lines) {
  records_read_ = records.size();
  // Records that describe a flow, once each (the client's and the server's ENI both log it).
  std::vector<std::uint32_t> kept;
  std::unordered_set<RecordKey, RecordKeyHash> seen;
  std::int64_t first_start = 0;
  for (std::uint32_t i = 0; i < records.size(); ++i) {
    const io::FlowLogRecord& r = records[i];
    if (!r.has_flow()) continue;
    const bool ports = has_ports(r.protocol);
    if (!seen.insert(RecordKey{r.srcaddr.to_u32(), r.dstaddr.to_u32(), ports ? r.srcport : std::uint16_t{0},
                               ports ? r.dstport : std::uint16_t{0}, r.protocol, r.start}).second)
      continue;
    first_start = kept.empty() ? r.start : std::min(first_start, r.start);
    kept.push_back(i);
  }
  const std::int64_t align = std::max<std::int64_t>(1, options_.epoch_align_s);
  epoch_ = first_start - ((first_start % align) + align) % align;
  // Earliest first (file order among equals): decides each conversation's client and its order.
  std::stable_sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) { return records[a].start < records[b].start; });

  std::unordered_map<PairKey, std::uint32_t, PairKeyHash> conversation;
  std::vector<std::vector<std::uint32_t>> members;
  for (std::uint32_t i : kept) {
    auto [it, inserted] = conversation.try_emplace(pair_of(records[i]), static_cast<std::uint32_t>(flows_.size()));
    if (inserted) {
      const io::FlowLogRecord& r = records[i];
      bool client_is_src = true;  // the earliest record's source, unless the ports say otherwise
      if (has_ports(r.protocol)) {
        const bool src_service = r.srcport < 1024, dst_service = r.dstport < 1024;
        if (src_service != dst_service) client_is_src = dst_service;
        else if (r.srcport != r.dstport) client_is_src = r.srcport > r.dstport;
      }
      FlowLogFlow flow;
      flow.key = client_is_src ? FlowKey{r.protocol, r.srcaddr, r.srcport, r.dstaddr, r.dstport}
                               : FlowKey{r.protocol, r.dstaddr, r.dstport, r.srcaddr, r.srcport};
      if (!has_ports(r.protocol)) flow.key.client_port = flow.key.server_port = 0;
      if (r.protocol == wire::kIpProtoIcmp) {  // the echo identifier stands for the ports (conntrack's key)
        const auto id = static_cast<std::uint16_t>(mix(options_.seed ^ mix(flows_.size() + 1)) >> 48);
        flow.key.client_port = flow.key.server_port = id;
      }
      flows_.push_back(flow);
      members.emplace_back();
    }
    members[it->second].push_back(i);
  }

  for (std::uint32_t f = 0; f < flows_.size(); ++f) {
    FlowLogFlow& flow = flows_[f];
    std::vector<std::uint32_t> client;
    for (std::uint32_t i : members[f]) {
      const io::FlowLogRecord& r = records[i];
      flow.rejected = flow.rejected || r.action == io::FlowLogAction::reject;
      if (r.srcaddr == flow.key.client && (!has_ports(r.protocol) || r.srcport == flow.key.client_port)) client.push_back(i);
      else ++flow.server_records;
    }
    const bool tcp = flow.key.protocol == wire::kIpProtoTcp;
    const bool syn_only = tcp && !client.empty() && std::all_of(client.begin(), client.end(), [&](std::uint32_t i) {
      return records[i].action == io::FlowLogAction::reject;
    });
    for (std::size_t n = 0; n < client.size(); ++n) {
      const io::FlowLogRecord& r = records[client[n]];
      Plan plan;
      plan.flow = f;
      plan.line = lines[client[n]];
      plan.start = (r.start - epoch_) * core::kSecond;
      plan.span = (r.end - r.start) * core::kSecond;
      plan.syn_only = syn_only;
      plan.opens = tcp && n == 0 && !syn_only;
      plan.closes = tcp && n + 1 == client.size() && !syn_only;
      plan.packets = r.packets;
      if (plan.packets > options_.max_packets_per_record) {
        plan.packets = options_.max_packets_per_record;
        ++errors_.truncated;
      }
      if (plan.packets == 0) continue;
      const std::uint64_t headers = header_len(r.protocol) * plan.packets;
      const std::uint64_t carriers = plan.packets - (plan.opens ? 1 : 0);
      plan.payload = r.bytes > headers ? r.bytes - headers : 0;
      if (carriers == 0) plan.payload = 0;
      const std::uint64_t max_per_packet = syn_only ? kMaxSynOptions : kMaxDataPerPacket;
      if (plan.payload > carriers * max_per_packet) {
        plan.payload = carriers * max_per_packet;
        ++errors_.truncated;
      }
      ++flow.records;
      flow.packets += plan.packets;
      flow.bytes += headers + plan.payload;
      packets_total_ += plan.packets;
      plans_.push_back(plan);
    }
  }
  std::stable_sort(plans_.begin(), plans_.end(), [](const Plan& a, const Plan& b) { return a.start < b.start; });
  reset_state();
}

void FlowLogSource::reset_state() {
  state_.assign(flows_.size(), FlowState{});
  for (std::size_t f = 0; f < flows_.size(); ++f) {
    const std::uint64_t r = mix(options_.seed * 0x100000001b3ull ^ mix(f));
    state_[f].seq = static_cast<std::uint32_t>(r);
    state_[f].ip_id = static_cast<std::uint16_t>(r >> 32);
  }
  heap_.clear();
  next_plan_ = 0;
  emitted_ = 0;
}

void FlowLogSource::rewind() { reset_state(); }

core::Time FlowLogSource::time_of(const Plan& plan, std::uint64_t index) const {
  if (plan.packets < 2) return plan.start;
  return plan.start + static_cast<core::Time>(static_cast<__int128>(plan.span) * index / (plan.packets - 1));
}

void FlowLogSource::push(Cursor cursor) {
  heap_.push_back(cursor);
  std::push_heap(heap_.begin(), heap_.end(), [](const Cursor& a, const Cursor& b) {
    return a.at != b.at ? a.at > b.at : a.plan > b.plan;
  });
}

FlowLogSource::Cursor FlowLogSource::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), [](const Cursor& a, const Cursor& b) {
    return a.at != b.at ? a.at > b.at : a.plan > b.plan;
  });
  const Cursor c = heap_.back();
  heap_.pop_back();
  return c;
}

bool FlowLogSource::next(ReplayPacket& packet) {
  if (heap_.empty()) {
    if (next_plan_ == plans_.size()) return false;
    push(Cursor{plans_[next_plan_].start, static_cast<std::uint32_t>(next_plan_), 0});
    ++next_plan_;
  }
  while (next_plan_ < plans_.size() && plans_[next_plan_].start <= heap_.front().at) {
    push(Cursor{plans_[next_plan_].start, static_cast<std::uint32_t>(next_plan_), 0});
    ++next_plan_;
  }
  const Cursor c = pop();
  const Plan& plan = plans_[c.plan];
  emit(plan, c.index, packet);
  packet.ts = c.at;
  if (c.index + 1 < plan.packets) push(Cursor{time_of(plan, c.index + 1), c.plan, c.index + 1});
  return true;
}

void FlowLogSource::emit(const Plan& plan, std::uint64_t index, ReplayPacket& packet) {
  const FlowKey& key = flows_[plan.flow].key;
  FlowState& st = state_[plan.flow];
  const bool syn = (plan.opens && index == 0) || plan.syn_only;
  const bool fin = plan.closes && index + 1 == plan.packets && !syn;
  std::uint64_t data = 0;
  if ((!syn || plan.syn_only) && plan.payload > 0) {
    const std::uint64_t carriers = plan.packets - (plan.opens ? 1 : 0);
    const std::uint64_t j = index - (plan.opens ? 1 : 0);
    data = plan.payload / carriers + (j < plan.payload % carriers ? 1 : 0);
  }
  std::size_t options = 0;
  if (plan.syn_only) {  // a SYN's extra bytes are options, in whole 4-byte words
    options = static_cast<std::size_t>(data / 4 * 4);
    data = 0;
  }
  const std::size_t l4_header = key.protocol == wire::kIpProtoTcp   ? wire::kTcpMinHeaderLen + options
                                : key.protocol == wire::kIpProtoUdp ? wire::kUdpHeaderLen
                                : key.protocol == wire::kIpProtoIcmp ? wire::kIcmpHeaderLen
                                                                     : 0;
  const std::size_t l4_len = l4_header + data;
  const std::size_t ip_at = wire::kEthernetHeaderLen, l4_at = ip_at + wire::kIpv4MinHeaderLen;
  frame_.assign(l4_at + l4_len, 0);
  const std::span<std::uint8_t> buf(frame_);
  wire::EthernetRepr{mac_for(1, key.server), mac_for(0, key.client), wire::kEthertypeIpv4, {}}.emit(buf);
  wire::Ipv4Repr ip{key.client, key.server, key.protocol, 64, 0, st.ip_id++, true, static_cast<std::uint16_t>(l4_len)};
  ip.emit(buf.subspan(ip_at));
  const std::span<std::uint8_t> l4 = buf.subspan(l4_at);
  const std::span<const std::uint8_t> payload(frame_.data() + l4_at + l4_header, data);  // zeros, in place
  switch (key.protocol) {
    case wire::kIpProtoTcp: {
      wire::TcpRepr tcp;
      tcp.src_port = key.client_port;
      tcp.dst_port = key.server_port;
      tcp.seq = st.seq;
      tcp.flags = syn ? wire::kTcpSyn : static_cast<std::uint8_t>(wire::kTcpAck | (data > 0 ? wire::kTcpPsh : 0) | (fin ? wire::kTcpFin : 0));
      tcp.window = kTcpWindow;
      tcp.options = std::span<const std::uint8_t>(kNops, options);
      tcp.payload = payload;
      tcp.emit(l4, key.client, key.server);
      if (!plan.syn_only) st.seq += static_cast<std::uint32_t>(data) + (syn || fin ? 1 : 0);
      break;
    }
    case wire::kIpProtoUdp:
      wire::UdpRepr{key.client_port, key.server_port, payload}.emit(l4, key.client, key.server);
      break;
    case wire::kIpProtoIcmp:
      wire::IcmpRepr::echo_request(key.client_port, st.icmp_seq++, payload).emit(l4);
      break;
    default: break;  // a bare IPv4 packet of that protocol, zero-filled
  }
  packet.bytes = std::span<const std::uint8_t>(frame_);
  packet.orig_len = static_cast<std::uint32_t>(frame_.size());
  packet.record = plan.line == 0 ? emitted_ : plan.line - 1;
  packet.offset = 0;
  packet.side_hint = Side::client;
  ++emitted_;
}

}  // namespace vpcsim::replay
