#include "libnet/wire/frame_pool.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {
// Slabs are carved from chunks of about 64 KiB so that a busy simulation does not call the allocator
// per slab.
constexpr std::size_t kChunkBytes = 64 * 1024;
}  // namespace

Frame FramePool::allocate(std::size_t len) {
  if (len > kMaxFrameLen)
    throw core::ConfigError("frame pool", "length",
                            "a frame of " + std::to_string(len) + " bytes exceeds the largest supported frame (" +
                                std::to_string(kMaxFrameLen) + " bytes)");
  SizeClass& sc = class_for_slab(len + kHeadroom);
  if (sc.free.empty()) {
    const std::size_t slabs = std::max<std::size_t>(1, kChunkBytes / sc.slab_size);
    auto chunk = std::make_unique_for_overwrite<std::uint8_t[]>(sc.slab_size * slabs);
    // Hand out the chunk's slabs in address order (the free list pops from the back).
    for (std::size_t i = slabs; i-- > 0;) sc.free.push_back(chunk.get() + i * sc.slab_size);
    sc.chunks.push_back(std::move(chunk));
    sc.created += slabs;
  }
  std::uint8_t* slab = sc.free.back();
  sc.free.pop_back();
  ++sc.in_use;
  return Frame(this, slab, static_cast<std::uint32_t>(sc.slab_size), kHeadroom, static_cast<std::uint32_t>(len));
}

Frame FramePool::copy_of(std::span<const std::uint8_t> bytes) {
  Frame frame = allocate(bytes.size());
  if (!bytes.empty()) std::memcpy(frame.data(), bytes.data(), bytes.size());
  return frame;
}

void FramePool::release(std::uint8_t* slab, std::size_t capacity) {
  SizeClass& sc = class_for_slab(capacity);
  sc.free.push_back(slab);
  --sc.in_use;
}

Frame Frame::clone() const {
  Frame copy = pool_->copy_of(bytes());
  copy.meta_ = meta_;
  return copy;
}

void Frame::reset() {
  if (slab_ != nullptr) pool_->release(slab_, capacity_);
  slab_ = nullptr;
  pool_ = nullptr;
  len_ = 0;
}

}  // namespace vpcsim::wire
