// Two small UDP applications: a responder that answers every datagram on a port with a fixed reply
// (or echoes it when the reply is empty and `echo` is set), and a client that sends datagrams and
// waits for an answer or an ICMP error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/node/application.h"
#include "libnet/node/sockets.h"

namespace vpcsim::node {

struct UdpResponderConfig {
  std::uint16_t port = 0;
  std::string reply = {};  ///< empty: receive only
};

class UdpResponder final : public Application, public UdpHandler {
 public:
  using Config = UdpResponderConfig;
  /// An empty reply means: receive only.
  UdpResponder(IpNode& node, std::uint16_t port, std::string reply);
  UdpResponder(IpNode& node, Config config) : UdpResponder(node, config.port, std::move(config.reply)) {}
  ~UdpResponder() override;

  std::uint16_t port() const { return port_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t replied() const { return replied_; }
  /// Payloads kept: the first kKeptPayloads received, in order (a long run counts the rest only).
  static constexpr std::size_t kKeptPayloads = 64;
  /// The first payloads received, in order (as text).
  const std::vector<std::string>& payloads() const { return payloads_; }

  std::string_view kind() const override { return "udp-listen"; }
  std::string summary() const override;
  Outcome outcome() const override { return received_ > 0 ? Outcome::reply : Outcome::timeout; }

  void on_datagram(IpNode& node, const ReceivedDatagram& datagram) override;
  void on_icmp_error(IpNode&, const IcmpErrorReport&) override {}

 private:
  IpNode& node_;
  std::uint16_t port_;
  std::string reply_;
  std::uint64_t received_ = 0;
  std::uint64_t replied_ = 0;
  std::vector<std::string> payloads_;
};

struct UdpClientConfig {
  wire::Ipv4Address destination;
  std::uint16_t dst_port = 0;
  std::uint16_t src_port = 0;  ///< 0: an ephemeral port
  std::string data;
  core::Time start = 0;
  std::uint32_t count = 1;
  core::Time interval = core::kSecond;
};

class UdpClient final : public Application, public UdpHandler, public core::EventHandler {
 public:
  using Config = UdpClientConfig;
  UdpClient(IpNode& node, UdpClientConfig config);
  ~UdpClient() override;

  const UdpClientConfig& config() const { return config_; }
  std::uint16_t src_port() const { return src_port_; }
  std::uint32_t sent() const { return sent_; }
  const std::vector<std::string>& replies() const { return results().replies; }
  /// RTT of each reply, from the latest send before it.
  const std::vector<core::Time>& rtts() const { return results().rtts; }
  const std::vector<IcmpErrorReport>& errors() const { return results().errors; }
  const std::vector<SendStatus>& send_failures() const { return results().send_failures; }

  static constexpr std::string_view kKind = "udp";
  std::string_view kind() const override { return kKind; }
  std::string summary() const override;
  Outcome outcome() const override;

  void on_datagram(IpNode& node, const ReceivedDatagram& datagram) override;
  void on_icmp_error(IpNode& node, const IcmpErrorReport& error) override;
  void handle_event(const core::Event& event) override;

 private:
  IpNode& node_;
  UdpClientConfig config_;
  std::uint16_t src_port_;
  std::uint32_t sent_ = 0;
  core::Time last_sent_at_ = 0;
  // What came back, allocated with the first of it: a client whose peer only listens (every
  // benchmark flow) keeps 8 bytes here instead of four empty vectors (96).
  struct Results {
    std::vector<std::string> replies;
    std::vector<core::Time> rtts;
    std::vector<IcmpErrorReport> errors;
    std::vector<SendStatus> send_failures;
  };
  const Results& results() const;
  Results& results_to_fill();
  std::unique_ptr<Results> results_;
};

}  // namespace vpcsim::node
