#include "libnet/node/udp_apps.h"

#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"

namespace vpcsim::node {
namespace {
std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
}  // namespace

UdpResponder::UdpResponder(IpNode& node, std::uint16_t port, std::string reply)
    : node_(node), port_(port), reply_(std::move(reply)) {
  node_.bind_udp(port_, *this);
}

UdpResponder::~UdpResponder() = default;

void UdpResponder::on_datagram(IpNode& node, const ReceivedDatagram& datagram) {
  ++received_;
  if (payloads_.size() < kKeptPayloads) payloads_.emplace_back(datagram.payload.begin(), datagram.payload.end());
  if (reply_.empty()) return;
  SendOptions options;
  options.source = datagram.dst;
  if (node.send_udp(port_, datagram.src, datagram.src_port, as_bytes(reply_), options) == SendStatus::sent) ++replied_;
}

std::string UdpResponder::summary() const {
  return "udp listen " + std::to_string(port_) + ": " + std::to_string(received_) + " received, " +
         std::to_string(replied_) + " replied";
}

UdpClient::UdpClient(IpNode& node, UdpClientConfig config)
    : node_(node), config_(std::move(config)), src_port_(config_.src_port != 0 ? config_.src_port : node.ephemeral_port(wire::kIpProtoUdp)) {
  node_.bind_udp(src_port_, *this);
  if (config_.count > 0) node_.network().simulation().schedule_at(config_.start, *this, 0);
}

UdpClient::~UdpClient() = default;

const UdpClient::Results& UdpClient::results() const {
  static const Results kNone;
  return results_ ? *results_ : kNone;
}

UdpClient::Results& UdpClient::results_to_fill() {
  if (!results_) results_ = std::make_unique<Results>();
  return *results_;
}

void UdpClient::handle_event(const core::Event&) {
  core::Simulation& sim = node_.network().simulation();
  ++sent_;
  last_sent_at_ = sim.now();
  SendStatus status = node_.send_udp(src_port_, config_.destination, config_.dst_port, as_bytes(config_.data));
  if (status != SendStatus::sent) results_to_fill().send_failures.push_back(status);
  if (sent_ < config_.count) sim.schedule_in(config_.interval, *this, 0);
}

void UdpClient::on_datagram(IpNode& node, const ReceivedDatagram& datagram) {
  Results& results = results_to_fill();
  results.replies.emplace_back(datagram.payload.begin(), datagram.payload.end());
  results.rtts.push_back(node.network().now() - last_sent_at_);
}

void UdpClient::on_icmp_error(IpNode&, const IcmpErrorReport& error) { results_to_fill().errors.push_back(error); }

Outcome UdpClient::outcome() const {
  const Results& results = this->results();
  if (!results.replies.empty()) return Outcome::reply;
  if (!results.errors.empty() || !results.send_failures.empty()) return Outcome::unreachable;
  return sent_ < config_.count ? Outcome::pending : Outcome::timeout;
}

std::string UdpClient::summary() const {
  std::string text = "udp " + config_.destination.to_string() + ":" + std::to_string(config_.dst_port) + " from port " +
                     std::to_string(src_port_) + ": " + std::to_string(sent_) + " sent, " +
                     std::to_string(replies().size()) + " replies";
  if (!errors().empty())
    text += ", " + icmp_error_text(errors().front().type, errors().front().code) + " from " + errors().front().from.to_string();
  return text;
}

}  // namespace vpcsim::node
