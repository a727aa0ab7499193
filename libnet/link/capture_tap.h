// A capture tap sees every frame an interface sends or receives, with its time, like an AF_PACKET
// socket (tcpdump) on a Linux interface. Taps get borrowed bytes: one that keeps them copies them.
#pragma once

#include <cstdint>
#include <span>

#include "libnet/core/time.h"

namespace vpcsim::link {

class Interface;

enum class Direction : std::uint8_t { rx, tx };

class CaptureTap {
 public:
  virtual void capture(const Interface& interface, Direction direction, core::Time at,
                       std::span<const std::uint8_t> frame) = 0;

 protected:
  ~CaptureTap() = default;
};

}  // namespace vpcsim::link
