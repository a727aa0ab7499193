#include "libnet/wire/frame_pool.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {
// Slabs are carved from chunks so that a busy simulation does not call the allocator per slab. Chunks
// start at 64 KiB and double up to 2 MiB, from which on they are huge-page blocks (core::MemoryBlock):
// a small simulation stays small, and a big one's frames cost few TLB entries.
constexpr std::size_t kFirstChunkBytes = 64 * 1024;
constexpr std::size_t kLargestChunkBytes = core::MemoryBlock::kHugePage;
}  // namespace

Frame FramePool::allocate(std::size_t len) {
  if (len > kMaxFrameLen)
    throw core::ConfigError("frame pool", "length",
                            "a frame of " + std::to_string(len) + " bytes exceeds the largest supported frame (" +
                                std::to_string(kMaxFrameLen) + " bytes)");
  SizeClass& sc = class_for_slab(len + kHeadroom);
  if (sc.free.empty()) {
    const std::size_t chunk_bytes = std::min(kLargestChunkBytes, kFirstChunkBytes << std::min<std::size_t>(sc.chunks.size(), 8));
    const std::size_t slabs = std::max<std::size_t>(1, chunk_bytes / sc.slab_size);
    core::MemoryBlock chunk(sc.slab_size * slabs);
    // Hand out the chunk's slabs in address order (the free list pops from the back).
    for (std::size_t i = slabs; i-- > 0;) sc.free.push_back(chunk.data() + i * sc.slab_size);
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

Frame Frame::share() {
  if (offset_ < sizeof(std::uint32_t)) return clone();
  if (shared_) {
    ++handles();
  } else {
    handles() = 2;
    shared_ = true;
  }
  Frame other(pool_, slab_, capacity_, offset_, len_);
  other.shared_ = true;
  other.meta_ = meta_;
  return other;
}

void Frame::unshare() {
  shared_ = false;
  if (handles() == 1) return;  // the others are gone: the slab is this handle's alone
  --handles();
  // A copy in a fresh slab of the same size class, at the same offset, so the headroom is kept.
  Frame copy = pool_->allocate(capacity_ - FramePool::kHeadroom);
  copy.offset_ = offset_;
  copy.len_ = len_;
  std::memcpy(copy.slab_ + offset_, slab_ + offset_, len_);
  slab_ = std::exchange(copy.slab_, nullptr);
}

void Frame::reset() {
  if (slab_ != nullptr && (!shared_ || --handles() == 0)) pool_->release(slab_, capacity_);
  slab_ = nullptr;
  shared_ = false;
  pool_ = nullptr;
  len_ = 0;
}

}  // namespace vpcsim::wire
