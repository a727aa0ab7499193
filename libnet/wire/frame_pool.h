// Per-simulation pool of frame buffers ("slabs").
//
// Every frame in a simulation lives in a slab from its Network's pool, after 64 bytes of headroom: a
// small slab holds up to 192 bytes (ARP, ICMP echo, TCP acknowledgements, short datagrams), a standard
// slab a 1500-byte-MTU Ethernet frame (plus an 802.1Q tag), a jumbo slab a 9001-byte-MTU frame (the
// AWS in-VPC MTU). A frame is given the smallest slab that fits its length, so the copies of a flooded
// ARP broadcast take 256 bytes each, not 2 KiB, and stay in far fewer cache lines and pages; a frame
// can grow at the back only within its slab (Frame::tailroom()), which no hop needs: headers are
// pushed into the headroom. Released slabs go on a free list and are reused, so a
// simulation in steady state allocates no memory per packet. Single-threaded by design: a simulation
// runs on one thread, so there are no locks, and the only count of references is that of a shared
// frame's handles (Frame::share), kept in its slab. Chunks of slabs grow to 2 MiB huge-page blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "libnet/core/memory_block.h"
#include "libnet/wire/frame.h"

namespace vpcsim::wire {

class FramePool {
 public:
  static constexpr std::size_t kHeadroom = 64;
  static constexpr std::size_t kSmallSlab = 256;
  static constexpr std::size_t kStandardSlab = 2048;
  static constexpr std::size_t kJumboSlab = 9216 + kHeadroom;
  static constexpr std::size_t kMaxFrameLen = kJumboSlab - kHeadroom;

  FramePool() = default;
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;

  /// A frame of `len` uninitialised bytes. Throws core::ConfigError if len > kMaxFrameLen.
  Frame allocate(std::size_t len);
  /// A frame holding a copy of `bytes`.
  Frame copy_of(std::span<const std::uint8_t> bytes);

  std::size_t slabs_created() const { return small_.created + standard_.created + jumbo_.created; }
  std::size_t slabs_in_use() const { return small_.in_use + standard_.in_use + jumbo_.in_use; }
  /// Bytes of the slabs frames hold now (in queues, on links, in flight).
  std::size_t bytes_in_use() const {
    return small_.in_use * kSmallSlab + standard_.in_use * kStandardSlab + jumbo_.in_use * kJumboSlab;
  }
  std::size_t bytes_reserved() const {
    return small_.created * kSmallSlab + standard_.created * kStandardSlab + jumbo_.created * kJumboSlab;
  }

 private:
  friend class Frame;
  struct SizeClass {
    std::size_t slab_size;
    std::vector<std::uint8_t*> free;
    std::vector<core::MemoryBlock> chunks;
    std::size_t created = 0;
    std::size_t in_use = 0;
  };
  SizeClass& class_for_slab(std::size_t slab_size) {
    return slab_size <= kSmallSlab ? small_ : slab_size <= kStandardSlab ? standard_ : jumbo_;
  }
  void release(std::uint8_t* slab, std::size_t capacity);

  SizeClass small_{kSmallSlab, {}, {}};
  SizeClass standard_{kStandardSlab, {}, {}};
  SizeClass jumbo_{kJumboSlab, {}, {}};
};

}  // namespace vpcsim::wire
