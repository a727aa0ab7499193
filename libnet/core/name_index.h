// Finds an element of its owner's array by name, in 8 bytes per slot: the name's hash and the
// element's position, never the name itself (the owner's array holds that). A network's node names and
// a big switch's port names are looked up through one of these; a std::map or std::unordered_map
// spends a heap block of 40-80 bytes per name.
//
// Open addressing with linear probing at a load of at most 3/4; insert-only (nodes and interfaces
// are never removed). Lookups compare the stored hash first and the name only on a hash match, so
// two names with one hash are still told apart.
#pragma once

#include <bit>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

namespace vpcsim::core {

class NameIndex {
 public:
  static constexpr std::uint32_t kAbsent = 0xffffffff;

  std::size_t size() const { return size_; }

  /// The position of the element named `name`, or kAbsent. `name_of(position)` returns an element's name.
  template <class NameOf>
  std::uint32_t find(std::string_view name, const NameOf& name_of) const {
    if (size_ == 0) return kAbsent;
    const std::uint32_t hash = hash_of(name);
    for (std::uint32_t i = home(hash);; i = next(i)) {
      const Slot& slot = slots_[i];
      if (slot.position == kAbsent) return kAbsent;
      if (slot.hash == hash && std::string_view(name_of(slot.position)) == name) return slot.position;
    }
  }

  /// Records that the element at `position` is named `name`, which must not be in the index yet.
  void insert(std::string_view name, std::uint32_t position) {
    if ((size_ + 1) * 4 > capacity_ * 3) grow();
    place(Slot{hash_of(name), position});
    ++size_;
  }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t position = kAbsent;
  };
  static constexpr std::uint32_t kInitialSlots = 16;

  static std::uint32_t hash_of(std::string_view name) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(name));
  }
  // Fibonacci hashing of the 32-bit hash: its top bits pick the slot.
  std::uint32_t home(std::uint32_t hash) const {
    return static_cast<std::uint32_t>((hash * 0x9e3779b9u) >> (32 - std::countr_zero(capacity_)));
  }
  std::uint32_t next(std::uint32_t i) const { return (i + 1) & (capacity_ - 1); }
  void place(Slot slot) {
    std::uint32_t i = home(slot.hash);
    while (slots_[i].position != kAbsent) i = next(i);
    slots_[i] = slot;
  }
  void grow() {
    const std::uint32_t old_capacity = std::exchange(capacity_, capacity_ == 0 ? kInitialSlots : capacity_ * 2);
    std::unique_ptr<Slot[]> old = std::exchange(slots_, std::make_unique<Slot[]>(capacity_));
    for (std::uint32_t j = 0; j < old_capacity; ++j)
      if (old[j].position != kAbsent) place(old[j]);
  }

  std::unique_ptr<Slot[]> slots_;
  std::uint32_t capacity_ = 0;  ///< a power of two, or 0
  std::uint32_t size_ = 0;
};

}  // namespace vpcsim::core
