#include "libnet/io/interface_capture.h"

#include <utility>

namespace vpcsim::io {

InterfaceCapture::InterfaceCapture(link::Interface& interface, std::string path, core::Time epoch_offset_ns)
    : interface_(interface), writer_(std::move(path), epoch_offset_ns) {
  interface_.add_tap(*this);
}

InterfaceCapture::~InterfaceCapture() { interface_.remove_tap(*this); }

void InterfaceCapture::capture(const link::Interface&, link::Direction direction, core::Time at,
                               std::span<const std::uint8_t> frame) {
  writer_.write(at, frame);
  if (direction == link::Direction::rx)
    ++rx_frames_;
  else
    ++tx_frames_;
}

}  // namespace vpcsim::io
