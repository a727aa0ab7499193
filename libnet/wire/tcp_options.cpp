#include "libnet/wire/tcp_options.h"

#include <cassert>

#include "libnet/wire/bytes.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::wire {

TcpOptions TcpOptions::parse(std::span<const std::uint8_t> bytes) {
  TcpOptions options;
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t kind = bytes[i];
    if (kind == kTcpOptionEnd) break;
    if (kind == kTcpOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= bytes.size()) break;
    const std::size_t len = bytes[i + 1];
    if (len < 2 || i + len > bytes.size()) break;
    const std::uint8_t* value = bytes.data() + i + 2;
    switch (kind) {
      case kTcpOptionMss:
        if (len == 4) options.mss = load_be16(value);
        break;
      case kTcpOptionWindowScale:
        if (len == 3) options.window_scale = value[0] > kTcpMaxWindowScale ? kTcpMaxWindowScale : value[0];
        break;
      case kTcpOptionSackPermitted:
        if (len == 2) options.sack_permitted = true;
        break;
      case kTcpOptionTimestamp:
        if (len == 10) options.timestamp = TcpTimestamp{load_be32(value), load_be32(value + 4)};
        break;
      default: break;
    }
    i += len;
  }
  return options;
}

std::size_t TcpOptions::wire_len() const {
  std::size_t len = 0;
  if (mss) len += 4;
  if (timestamp) {
    len += 12;  // SACK_PERM TS, or NOP NOP TS
  } else if (sack_permitted) {
    len += 4;  // NOP NOP SACK_PERM
  }
  if (window_scale) len += 4;  // NOP WS
  return len;
}

std::size_t TcpOptions::emit(std::span<std::uint8_t> out) const {
  assert(out.size() >= wire_len());
  std::uint8_t* p = out.data();
  if (mss) {
    p[0] = kTcpOptionMss;
    p[1] = 4;
    store_be16(p + 2, *mss);
    p += 4;
  }
  if (timestamp) {
    if (sack_permitted) {
      p[0] = kTcpOptionSackPermitted;
      p[1] = 2;
    } else {
      p[0] = kTcpOptionNop;
      p[1] = kTcpOptionNop;
    }
    p[2] = kTcpOptionTimestamp;
    p[3] = 10;
    store_be32(p + 4, timestamp->value);
    store_be32(p + 8, timestamp->echo);
    p += 12;
  } else if (sack_permitted) {
    p[0] = kTcpOptionNop;
    p[1] = kTcpOptionNop;
    p[2] = kTcpOptionSackPermitted;
    p[3] = 2;
    p += 4;
  }
  if (window_scale) {
    p[0] = kTcpOptionNop;
    p[1] = kTcpOptionWindowScale;
    p[2] = 3;
    p[3] = *window_scale;
    p += 4;
  }
  return static_cast<std::size_t>(p - out.data());
}

}  // namespace vpcsim::wire
