// A block of raw memory for the simulation's own pools, backed by transparent huge pages when large.
//
// A big topology touches its per-host state (a node, its interfaces, its link, its neighbour table, a
// frame in flight) in an order that jumps across tens of megabytes, so with 4 KiB pages nearly every
// such touch also misses the TLB and pays a page walk. Blocks of 2 MiB and more are mapped 2 MiB-aligned
// and marked MADV_HUGEPAGE: one TLB entry then covers 512 times as much. Debian and most distributions
// ship THP in "madvise" mode, which is what this asks for; where THP is off, the block is ordinary
// memory and only the speed differs. Small blocks come from operator new, so a small simulation keeps a
// small footprint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

namespace vpcsim::core {

class MemoryBlock {
 public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  MemoryBlock() = default;
  /// `bytes` of uninitialised memory (at least 1). From kHugePage on, rounded up to a multiple of it
  /// and aligned to it. Throws std::bad_alloc when memory is exhausted.
  explicit MemoryBlock(std::size_t bytes);
  MemoryBlock(MemoryBlock&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MemoryBlock& operator=(MemoryBlock&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  MemoryBlock(const MemoryBlock&) = delete;
  MemoryBlock& operator=(const MemoryBlock&) = delete;
  ~MemoryBlock() { release(); }

  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool is_mapped() const { return size_ >= kHugePage; }

 private:
  void release();

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace vpcsim::core
