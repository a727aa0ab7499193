#include "libnet/cloud/flow_log_writer.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/packet_summary.h"
#include "libnet/core/error.h"
#include "libnet/core/output_file.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::cloud {
namespace {

bool has_ports(std::uint8_t protocol) { return protocol == wire::kIpProtoTcp || protocol == wire::kIpProtoUdp; }

/// Floor division for times that may be negative (a packet before the epoch's second).
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::uint64_t EniFlowLog::hash(const Key& k) {
  std::uint64_t h = static_cast<std::uint64_t>(k.window) * 0x9e3779b97f4a7c15ull;
  h ^= (static_cast<std::uint64_t>(k.src) << 32 | k.dst) * 0xbf58476d1ce4e5b9ull;
  h ^= (static_cast<std::uint64_t>(k.sport) << 24 | static_cast<std::uint64_t>(k.dport) << 8 | k.protocol) * 0x94d049bb133111ebull;
  h ^= k.accepted ? 0x2545f4914f6cdd1dull : 0;
  return h ^ (h >> 31);
}

EniFlowLog::Aggregate& EniFlowLog::aggregate(const Key& key, core::Time now) {
  const std::uint64_t h = hash(key);
  auto [slot, inserted] = index_.try_emplace(h);
  if (inserted) {
    *slot = static_cast<std::uint32_t>(flows_.size());
    flows_.push_back(Aggregate{key, 0, 0, now, now});
    return flows_.back();
  }
  if (flows_[*slot].key == key) return flows_[*slot];
  auto [it, added] = collisions_.try_emplace(key, static_cast<std::uint32_t>(flows_.size()));
  if (added) flows_.push_back(Aggregate{key, 0, 0, now, now});
  return flows_[it->second];
}

EniFlowLog::EniFlowLog(const FlowLogConfig& config, std::string eni_id, std::string instance)
    : config_(&config), eni_id_(std::move(eni_id)), instance_(std::move(instance)) {}

void EniFlowLog::observe(core::Time now, const PacketSummary& packet, std::uint32_t ip_bytes, bool accepted) {
  ++packets_;
  const bool ports = has_ports(packet.protocol);
  // Windows are aligned on Unix time (epoch + now), so logs of runs with different epochs, and a
  // replay of a log, cut the same minutes.
  const Key key{floor_div(config_->epoch * core::kSecond + now, config_->aggregation_interval), packet.source.to_u32(),
                packet.destination.to_u32(),
                ports ? packet.source_port : std::uint16_t{0}, ports ? packet.destination_port : std::uint16_t{0},
                packet.protocol, accepted};
  Aggregate& a = aggregate(key, now);
  ++a.packets;
  a.bytes += ip_bytes;
  a.last = now;
}

std::vector<io::FlowLogRecord> EniFlowLog::records() const {
  std::vector<const Aggregate*> order;
  order.reserve(flows_.size());
  for (const Aggregate& a : flows_) {
    if (config_->traffic == FlowLogTraffic::accept && !a.key.accepted) continue;
    if (config_->traffic == FlowLogTraffic::reject && a.key.accepted) continue;
    order.push_back(&a);
  }
  // First-seen order already sorts by window except where an older window's flow was first seen late;
  // a stable sort by window keeps first-seen order within each.
  std::stable_sort(order.begin(), order.end(), [](const Aggregate* a, const Aggregate* b) { return a->key.window < b->key.window; });
  std::vector<io::FlowLogRecord> out;
  out.reserve(order.size());
  for (const Aggregate* a : order) {
    io::FlowLogRecord r;
    r.account_id = config_->account_id;
    r.interface_id = eni_id_;
    r.srcaddr = wire::Ipv4Address(a->key.src);
    r.dstaddr = wire::Ipv4Address(a->key.dst);
    r.srcport = a->key.sport;
    r.dstport = a->key.dport;
    r.protocol = a->key.protocol;
    r.packets = a->packets;
    r.bytes = a->bytes;
    r.start = config_->epoch + floor_div(a->first, core::kSecond);
    r.end = config_->epoch + floor_div(a->last, core::kSecond);
    r.action = a->key.accepted ? io::FlowLogAction::accept : io::FlowLogAction::reject;
    out.push_back(std::move(r));
  }
  return out;
}

FlowLogWriter::FlowLogWriter(Cloud& cloud, FlowLogConfig config) : cloud_(&cloud), config_(std::move(config)) {
  if (config_.aggregation_interval <= 0)
    throw core::ConfigError("flow_logs", "aggregation_interval", "must be greater than 0 (AWS allows 60 s or 600 s)");
  if (config_.account_id.empty() || config_.account_id.find_first_of(" \t\n") != std::string::npos)
    throw core::ConfigError("flow_logs", "account_id", "'" + config_.account_id + "' must be one word");
}

std::string FlowLogWriter::default_eni_id(const std::string& vpc, const std::string& instance) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 of "<vpc>/<instance>"
  for (char c : vpc + "/" + instance) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "eni-0%016llx", static_cast<unsigned long long>(h));
  return buf;
}

EniFlowLog& FlowLogWriter::watch(Instance& instance, std::string eni_id) {
  if (&instance.cloud() != cloud_)
    throw core::ConfigError(instance.name(), "flow_logs",
                            "instance " + instance.name() + " belongs to another Cloud (another Network) than these flow logs");
  if (instance.flow_log() != nullptr)
    throw core::ConfigError(instance.name(), "flow_logs", "the instance's interface is logged already");
  if (eni_id.empty()) eni_id = default_eni_id(instance.subnet().vpc().name(), instance.name());
  if (eni_id.find_first_of(" \t\n/") != std::string::npos)
    throw core::ConfigError(instance.name(), "flow_logs", "interface id '" + eni_id + "' must be one word without '/'");
  for (const auto& log : logs_)
    if (log->eni_id() == eni_id)
      throw core::ConfigError(instance.name(), "flow_logs", "interface id '" + eni_id + "' is " + log->instance() + "'s already");
  logs_.push_back(std::make_unique<EniFlowLog>(config_, std::move(eni_id), instance.name()));
  EniFlowLog& log = *logs_.back();
  instance.set_flow_log(&log);
  by_address_[instance.private_ip().to_u32()] = &log;
  return log;
}

void FlowLogWriter::watch_all() {
  for (const auto& vpc : cloud_->vpcs())
    for (Instance* instance : vpc->instances())
      if (instance->flow_log() == nullptr) watch(*instance);
}

EniFlowLog* FlowLogWriter::find(const std::string& instance_or_eni) const {
  for (const auto& log : logs_)
    if (log->instance() == instance_or_eni || log->eni_id() == instance_or_eni) return log.get();
  return nullptr;
}

void FlowLogWriter::inbound_acl_denied(core::Time now, const PacketSummary& packet, std::uint32_t ip_bytes) {
  const auto it = by_address_.find(packet.destination.to_u32());
  if (it != by_address_.end()) it->second->observe(now, packet, ip_bytes, false);
}

std::string FlowLogWriter::text(const EniFlowLog& log) const {
  std::string out(io::kFlowLogDefaultHeader);
  out += '\n';
  for (const io::FlowLogRecord& r : log.records()) {
    out += r.to_line();
    out += '\n';
  }
  return out;
}

std::vector<std::string> FlowLogWriter::write(const std::string& directory) const {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) throw core::ConfigError(directory, "flow_logs", "cannot create the directory: " + ec.message());
  std::vector<std::string> paths;
  for (const auto& log : logs_) {
    const std::string path = (std::filesystem::path(directory) / (log->eni_id() + ".log")).string();
    std::FILE* file = core::open_output(path, "flow_logs");  // never through a planted link
    const std::string body = text(*log);
    const bool written = std::fwrite(body.data(), 1, body.size(), file) == body.size();
    if (std::fclose(file) != 0 || !written) throw core::ConfigError(path, "flow_logs", "cannot be written");
    paths.push_back(path);
  }
  return paths;
}

}  // namespace vpcsim::cloud
