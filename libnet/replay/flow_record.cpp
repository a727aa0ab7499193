// Names and hashing for the replay engine's flow records (see flow_record.h, replay_source.h).
#include "libnet/replay/flow_record.h"

#include "libnet/replay/replay_source.h"

namespace vpcsim::replay {

std::string_view to_string(Side side) {
  switch (side) {
    case Side::client: return "client";
    case Side::server: return "server";
    case Side::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_string(FlowOutcome outcome) {
  switch (outcome) {
    case FlowOutcome::delivered: return "delivered";
    case FlowOutcome::dropped: return "dropped";
    case FlowOutcome::blocked: return "blocked";
    case FlowOutcome::not_replayed: return "not_replayed";
  }
  return "unknown";
}

std::string protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    default: return std::to_string(protocol);
  }
}

std::uint64_t FlowKey::hash() const {
  // splitmix64's finaliser over the packed fields: cheap, and every input bit reaches every output bit.
  std::uint64_t x = (std::uint64_t{client.to_u32()} << 32) | server.to_u32();
  x ^= (std::uint64_t{client_port} << 40) ^ (std::uint64_t{server_port} << 16) ^ protocol;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::string to_string(const FlowKey& key) {
  std::string text = protocol_name(key.protocol) + " ";
  if (key.protocol == 6 || key.protocol == 17) {
    text += key.client.to_string() + ":" + std::to_string(key.client_port) + " -> " + key.server.to_string() + ":" +
            std::to_string(key.server_port);
  } else {
    text += key.client.to_string() + " -> " + key.server.to_string();
    if (key.protocol == 1) text += " id " + std::to_string(key.client_port);
  }
  return text;
}

}  // namespace vpcsim::replay
