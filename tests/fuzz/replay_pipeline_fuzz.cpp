// libFuzzer target for the replay pipeline (issue 13): arbitrary records, as a capture of any link
// type might hold them, through the cooked/raw adapter and the whole engine: flow split, rewrites,
// replay ports (ARP, next hop), a masquerading NAT between the two sides, absorption and the tables.
//
// The input's first byte picks the link type (Ethernet, LINUX_SLL, LINUX_SLL2, RAW) and the options
// (split, verbatim, a CIDR map, TTL); the rest is records, each a 2-byte big-endian length and that
// many bytes. Properties: nothing crashes or reads out of bounds (ASan, UBSan), the run ends (bounded
// simulated time), and the summary adds up: every packet taken was sent, held or not sent.
//
//   CXX=clang++-14 cmake -S . -B build-fuzz -DVPCSIM_FUZZ=ON -DVPCSIM_PYTHON=OFF -DVPCSIM_TESTS=OFF
//   cmake --build build-fuzz --target replay_pipeline_fuzz && build-fuzz/tests/fuzz/replay_pipeline_fuzz -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "libnet/node/nat_router.h"
#include "libnet/node/network.h"
#include "libnet/replay/replay_engine.h"
#include "libnet/wire/cooked_link.h"

namespace {

using namespace vpcsim;

class FuzzSource final : public replay::ReplaySource {
 public:
  FuzzSource(int link_type, const std::uint8_t* data, std::size_t size) : link_type_(link_type) {
    while (size >= 2) {
      const std::size_t len = std::min<std::size_t>((std::size_t{data[0]} << 8) | data[1], size - 2);
      records_.emplace_back(data + 2, data + 2 + len);
      data += 2 + len;
      size -= 2 + len;
    }
  }
  bool next(replay::ReplayPacket& packet) override {
    while (next_ < records_.size()) {
      const auto& record = records_[next_];
      packet.record = next_++;
      std::span<const std::uint8_t> frame = record;
      if (link_type_ != 1) {
        if (wire::adapt_to_ethernet(link_type_, record, adapted_)) {
          errors_.add(replay::ReplayError{"fuzz", 0, packet.record, "not adaptable"});
          continue;
        }
        frame = adapted_;
      }
      if (frame.size() < 14) {
        errors_.add(replay::ReplayError{"fuzz", 0, packet.record, "short"});
        continue;
      }
      packet.ts = static_cast<core::Time>(packet.record) * core::kMicrosecond;
      packet.bytes = frame;
      packet.orig_len = static_cast<std::uint32_t>(frame.size());
      return true;
    }
    return false;
  }
  void rewind() override { next_ = 0; }
  const replay::ReplayErrors& errors() const override { return errors_; }
  std::string name() const override { return "fuzz"; }

 private:
  int link_type_;
  std::vector<std::vector<std::uint8_t>> records_;
  std::size_t next_ = 0;
  std::vector<std::uint8_t> adapted_;
  replay::ReplayErrors errors_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr int kLinkTypes[] = {1, wire::kLinkTypeLinuxSll, wire::kLinkTypeLinuxSll2, wire::kLinkTypeRaw};
  const std::uint8_t options = data[0];
  node::Network net(1);
  auto& nat = net.add_nat("nat");
  nat.add_interface("eth0", "10.0.2.2/24");
  nat.add_interface("eth1", "203.0.113.2/24");
  nat.set_default_gateway(wire::Ipv4Address::parse("203.0.113.1"));
  nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/8"), "eth1", {}, {}});
  replay::ReplayConfig config;
  config.client.at = "nat.eth0";
  config.server = replay::Attachment{"nat.eth1", std::nullopt};
  config.split = static_cast<replay::SplitMode>((options >> 2) & 3);
  if (config.split == replay::SplitMode::cidr) config.client_cidrs = {wire::Ipv4Prefix::parse("10.0.0.0/8")};
  if (config.split == replay::SplitMode::mac) config.client_macs = {wire::MacAddress::parse("02:00:00:00:00:01")};
  config.verbatim = (options & 0x10) != 0;
  if (options & 0x20) {
    config.rewrite.addresses.push_back({wire::Ipv4Prefix::parse("192.0.0.0/8"), wire::Ipv4Prefix::parse("10.0.0.0/8")});
  }
  if (options & 0x40) config.rewrite.ttl_decrement = 3;
  config.timing.loop = (options & 0x80) ? 2 : 1;
  auto engine = replay::replay(
      net, std::make_unique<FuzzSource>(kLinkTypes[options & 3], data + 1, size - 1), config);
  net.run_until(400 * core::kSecond);  // past every ARP retry and NAT timeout that matters here
  const auto results = engine->results();
  const auto& s = results.summary;
  if (s.sent + s.held + s.not_sent != s.packets) __builtin_trap();
  return 0;
}
