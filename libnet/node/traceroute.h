// traceroute, as Linux traceroute's default UDP method probes: datagrams of 60 bytes (32 bytes of
// data "@ABC..."), destination port 33434 incremented by every probe, `queries` probes per TTL from
// `first_ttl` up, until the destination answers (port unreachable) or `max_hops`. Each probe waits up
// to `wait` for its ICMP answer.
//
// Difference from the real tool, on purpose: probes go one at a time (traceroute -N 1); Linux
// traceroute sends up to 16 at once by default, which makes the order of packets on the wire depend
// on timing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"

namespace vpcsim::node {

struct TracerouteConfig {
  wire::Ipv4Address destination;
  core::Time start = 0;
  std::uint8_t first_ttl = 1;
  std::uint8_t max_hops = 30;
  std::uint32_t queries = 3;
  core::Time wait = 5 * core::kSecond;
  std::uint16_t base_port = 33434;
  std::uint16_t packet_len = 60;
};

struct TracerouteProbe {
  std::uint16_t port = 0;
  bool answered = false;
  wire::Ipv4Address from;
  core::Time rtt = 0;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
};

struct TracerouteHop {
  std::uint8_t ttl = 0;
  std::vector<TracerouteProbe> probes;
};

class Traceroute final : public Application, public UdpHandler, public core::EventHandler {
 public:
  using Config = TracerouteConfig;
  Traceroute(IpNode& node, TracerouteConfig config);
  ~Traceroute() override;

  const TracerouteConfig& config() const { return config_; }
  const std::vector<TracerouteHop>& hops() const { return hops_; }
  bool finished() const { return finished_; }
  /// Whether the destination itself answered.
  bool reached() const { return reached_; }
  /// No probe could leave the node (no route to the destination).
  bool send_failed() const { return send_failed_; }

  static constexpr std::string_view kKind = "traceroute";
  std::string_view kind() const override { return kKind; }
  std::string summary() const override;
  Outcome outcome() const override;

  void on_datagram(IpNode&, const ReceivedDatagram&) override {}
  void on_icmp_error(IpNode& node, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  void send_probe();
  void advance();
  void release_port();

  IpNode& node_;
  TracerouteConfig config_;
  std::uint16_t src_port_ = 0;  ///< the current probe's source port; 0 when none is bound
  std::vector<TracerouteHop> hops_;
  std::uint8_t ttl_;
  std::uint32_t query_ = 0;
  std::uint32_t probes_sent_ = 0;
  bool waiting_ = false;
  core::Time sent_at_ = 0;
  std::uint64_t generation_ = 0;
  bool finished_ = false;
  bool reached_ = false;
  bool stop_after_hop_ = false;
  bool send_failed_ = false;  ///< "connect: Network is unreachable": no probe left the node
};

}  // namespace vpcsim::node
