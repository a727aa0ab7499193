// Many UDP flows from one node to one destination: `flows` datagrams, each from its own ephemeral port
// (so each is a new connection to a NAT or a firewall), one every `gap`. What loads a NAT gateway's
// per-destination connection limit, or a conntrack table, in a scenario.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::node {

class IpNode;

struct UdpFlowsConfig {
  wire::Ipv4Address destination;
  std::uint16_t dst_port = 0;
  std::uint32_t flows = 1;
  std::string data;
  core::Time start = 0;
  core::Time gap = 20 * core::kMicrosecond;  ///< between one flow's datagram and the next's
};

class UdpFlows final : public Application, public UdpHandler, public core::EventHandler {
 public:
  using Config = UdpFlowsConfig;
  /// Throws core::ConfigError when the node has fewer free ephemeral ports than flows.
  UdpFlows(IpNode& node, UdpFlowsConfig config);

  const UdpFlowsConfig& config() const { return config_; }
  std::uint32_t sent() const { return sent_; }
  /// Flows that got at least one datagram back.
  std::uint32_t answered() const { return answered_; }
  std::uint32_t errors() const { return errors_; }

  static constexpr std::string_view kKind = "udp_flows";
  std::string_view kind() const override { return kKind; }
  std::string summary() const override;
  /// reply when every flow was answered; timeout when some were not; unreachable when none was and an
  /// ICMP error came back.
  Outcome outcome() const override;

  void on_datagram(IpNode& node, const ReceivedDatagram& datagram) override;
  void on_icmp_error(IpNode& node, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  IpNode& node_;
  UdpFlowsConfig config_;
  std::vector<std::uint16_t> ports_;   ///< one per flow
  std::vector<bool> answered_by_port_; ///< indexed by port
  std::uint32_t sent_ = 0;
  std::uint32_t answered_ = 0;
  std::uint32_t errors_ = 0;
};

}  // namespace vpcsim::node
