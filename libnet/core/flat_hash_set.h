// A set of nonzero 64-bit keys in one array, 8 bytes per slot: the network's registry of MAC
// addresses in use (two per host: its interface and its switch port), where std::unordered_set spent
// a 32-byte heap block per key plus its bucket. Zero marks an empty slot; no MAC in use is zero.
//
// Linear probing at a load of at most 3/4; insert-only.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <utility>

namespace vpcsim::core {

class FlatHashSet {
 public:
  std::size_t size() const { return size_; }

  bool contains(std::uint64_t key) const {
    if (size_ == 0) return false;
    for (std::uint64_t i = home(key);; i = next(i)) {
      if (slots_[i] == key) return true;
      if (slots_[i] == 0) return false;
    }
  }

  /// Adds `key` (nonzero); returns false if it was already there.
  bool insert(std::uint64_t key) {
    if (contains(key)) return false;
    if ((size_ + 1) * 4 > capacity_ * 3) grow();
    place(key);
    ++size_;
    return true;
  }

 private:
  static constexpr std::uint64_t kInitialSlots = 16;

  // Fibonacci hashing: the top bits of key · 2^64/φ.
  std::uint64_t home(std::uint64_t key) const { return (key * 0x9e3779b97f4a7c15ULL) >> (64 - std::countr_zero(capacity_)); }
  std::uint64_t next(std::uint64_t i) const { return (i + 1) & (capacity_ - 1); }
  void place(std::uint64_t key) {
    std::uint64_t i = home(key);
    while (slots_[i] != 0) i = next(i);
    slots_[i] = key;
  }
  void grow() {
    const std::uint64_t old_capacity = std::exchange(capacity_, capacity_ == 0 ? kInitialSlots : capacity_ * 2);
    std::unique_ptr<std::uint64_t[]> old = std::exchange(slots_, std::make_unique<std::uint64_t[]>(capacity_));
    for (std::uint64_t j = 0; j < old_capacity; ++j)
      if (old[j] != 0) place(old[j]);
  }

  std::unique_ptr<std::uint64_t[]> slots_;
  std::uint64_t capacity_ = 0;  ///< a power of two, or 0
  std::uint64_t size_ = 0;
};

}  // namespace vpcsim::core
