#include "libnet/core/memory_block.h"

#include <sys/mman.h>

#include <new>

namespace vpcsim::core {

MemoryBlock::MemoryBlock(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (bytes < kHugePage) {
    data_ = static_cast<std::uint8_t*>(::operator new(bytes));
    size_ = bytes;
    return;
  }
  const std::size_t size = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  // Map one huge page more than needed and trim both ends, so the block starts on a 2 MiB boundary:
  // the kernel backs only aligned 2 MiB ranges with huge pages.
  const std::size_t mapped = size + kHugePage;
  void* raw = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t end = start + mapped;
  if (end > aligned + size) ::munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  // A hint: where THP is disabled this fails (EINVAL) and the block simply keeps 4 KiB pages.
  (void)::madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
  data_ = reinterpret_cast<std::uint8_t*>(aligned);
  size_ = size;
}

void MemoryBlock::release() {
  if (data_ == nullptr) return;
  if (is_mapped()) {
    ::munmap(data_, size_);
  } else {
    ::operator delete(data_);
  }
  data_ = nullptr;
  size_ = 0;
}

}  // namespace vpcsim::core
