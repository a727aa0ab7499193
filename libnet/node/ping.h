// ping, as iputils ping sends it: ICMP echo requests with a random identifier, sequence numbers from
// 1, 56 bytes of data (a 16-byte timestamp, then bytes 0x10, 0x11, ...), TTL 64, DF set, one per
// interval. It records each reply's RTT and TTL and each ICMP error, like the lines ping prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"

namespace vpcsim::node {

struct PingConfig {
  wire::Ipv4Address destination;
  std::uint32_t count = 1;
  core::Time interval = core::kSecond;
  core::Time start = 0;          ///< absolute simulated time of the first request
  std::uint16_t data_len = 56;
  std::uint8_t ttl = 64;
};

struct PingReply {
  std::uint16_t seq = 0;
  core::Time rtt = 0;
  std::uint8_t ttl = 0;
  wire::Ipv4Address from;
};

struct PingError {
  std::uint16_t seq = 0;
  wire::Ipv4Address from;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::string text;  ///< as ping prints it: "Destination Host Unreachable"
};

class Ping final : public Application, public EchoHandler, public core::EventHandler {
 public:
  using Config = PingConfig;
  Ping(IpNode& node, PingConfig config);
  ~Ping() override;

  const PingConfig& config() const { return config_; }
  std::uint16_t identifier() const { return id_; }
  std::uint32_t sent() const { return sent_; }
  std::uint32_t received() const { return static_cast<std::uint32_t>(replies_.size()); }
  const std::vector<PingReply>& replies() const { return replies_; }
  const std::vector<PingError>& errors() const { return errors_; }
  /// Local send failures ("connect: Network is unreachable"), by sequence number.
  const std::vector<std::pair<std::uint16_t, SendStatus>>& send_failures() const { return send_failures_; }

  static constexpr std::string_view kKind = "ping";
  std::string_view kind() const override { return kKind; }
  std::string summary() const override;
  Outcome outcome() const override;

  void on_echo_reply(IpNode& node, const ReceivedEchoReply& reply) override;
  void on_icmp_error(IpNode& node, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  IpNode& node_;
  PingConfig config_;
  std::uint16_t id_;
  std::uint32_t sent_ = 0;
  std::vector<core::Time> sent_at_;  ///< by seq - 1
  std::vector<PingReply> replies_;
  std::vector<PingError> errors_;
  std::vector<std::pair<std::uint16_t, SendStatus>> send_failures_;
};

/// The text ping prints for an ICMP error: "Destination Host Unreachable", "Time to live exceeded", ...
std::string icmp_error_text(std::uint8_t type, std::uint8_t code);

}  // namespace vpcsim::node
