#include "libnet/core/arena.h"

#include <algorithm>

namespace vpcsim::core {
namespace {
constexpr std::size_t kFirstBlockBytes = 64 * 1024;
}  // namespace

void* Arena::allocate(std::size_t bytes, std::size_t alignment) {
  auto aligned = [alignment](std::uint8_t* p) {
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    return reinterpret_cast<std::uint8_t*>((address + alignment - 1) & ~(alignment - 1));
  };
  std::uint8_t* at = next_ == nullptr ? nullptr : aligned(next_);
  if (at == nullptr || bytes > static_cast<std::size_t>(end_ - at)) {
    // Blocks double up to a huge page; an object larger than the next block gets a block of its own.
    const std::size_t doubling = kFirstBlockBytes << std::min<std::size_t>(blocks_.size(), 5);
    const std::size_t size = std::max(std::min(doubling, MemoryBlock::kHugePage), bytes + alignment);
    blocks_.emplace_back(size);
    next_ = blocks_.back().data();
    end_ = next_ + blocks_.back().size();
    at = aligned(next_);
  }
  next_ = at + bytes;
  allocated_ += bytes;
  return at;
}

std::size_t Arena::bytes_reserved() const {
  std::size_t total = 0;
  for (const MemoryBlock& block : blocks_) total += block.size();
  return total;
}

}  // namespace vpcsim::core
