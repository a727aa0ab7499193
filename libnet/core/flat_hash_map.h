// A hash map from an unsigned integer key (a MAC as 48 bits, an IPv4 address, a port) to a value,
// stored inline in one array with linear probing.
//
// The tables a frame consults on every hop (a switch's MAC table, an ARP cache, a node's sockets)
// used std::unordered_map, whose lookup follows a bucket to a list node: two or three dependent cache
// misses once a network outgrows the caches. Here a lookup is one hashed index and, almost always,
// one cache line. The load factor stays at or below 1/2, so probe runs are short; erase shifts the
// following run back (no tombstones), so a table that churns does not degrade.
//
// Like std::vector, and unlike std::unordered_map, inserting may move every value: pointers and
// references returned by find()/try_emplace() are valid only until the next insertion.
// Iteration order is a function of the keys and the insertion history only, so it is deterministic.
//
// A map with InArena = true can take its slots from a core::Arena (set_arena, while empty): the
// per-host tables a network grows while it runs (each host's neighbour table) then sit in the
// network's huge-page blocks instead of in scattered 4 KiB pages, where nearly every first touch
// also missed the TLB. Slots outgrown stay in the arena until the network goes, which costs at most
// as much again as the table holds.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <memory>
#include <utility>

#include "libnet/core/arena.h"

namespace vpcsim::core {

template <class Key, class Value, bool InArena = false>
class FlatHashMap {
  static_assert(std::is_unsigned_v<Key>, "keys are unsigned integers");

 public:
  struct Slot {
    Key key{};
    bool used = false;
    Value value{};
  };

  FlatHashMap() = default;
  FlatHashMap(FlatHashMap&& other) noexcept
      : slots_(std::exchange(other.slots_, nullptr)),
        capacity_(std::exchange(other.capacity_, 0)),
        size_(std::exchange(other.size_, 0)),
        arena_(other.arena_) {}
  FlatHashMap& operator=(FlatHashMap&& other) noexcept {
    if (this != &other) {
      clear();
      slots_ = std::exchange(other.slots_, nullptr);
      capacity_ = std::exchange(other.capacity_, 0);
      size_ = std::exchange(other.size_, 0);
      arena_ = other.arena_;
    }
    return *this;
  }
  FlatHashMap(const FlatHashMap&) = delete;
  FlatHashMap& operator=(const FlatHashMap&) = delete;
  ~FlatHashMap() { clear(); }

  /// Takes slots from `arena` (null: the heap) from now on. Precondition: the map holds no slots.
  void set_arena(Arena* arena)
    requires InArena
  {
    arena_ = arena;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  Value* find(Key key) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(key);; i = next(i)) {
      Slot& slot = slots_[i];
      if (!slot.used) return nullptr;
      if (slot.key == key) return &slot.value;
    }
  }
  const Value* find(Key key) const { return const_cast<FlatHashMap*>(this)->find(key); }
  /// Prefetches the slot a lookup of `key` probes first.
  void prefetch(Key key) const {
    if (size_ != 0) __builtin_prefetch(&slots_[home(key)]);
  }
  bool contains(Key key) const { return find(key) != nullptr; }

  /// The value for `key`, default-constructed and inserted if absent; `.second` says whether it was.
  std::pair<Value*, bool> try_emplace(Key key) {
    if ((size_ + 1) * 2 > capacity_) grow();
    std::size_t i = home(key);
    for (; slots_[i].used; i = next(i))
      if (slots_[i].key == key) return {&slots_[i].value, false};
    slots_[i].key = key;
    slots_[i].used = true;
    ++size_;
    return {&slots_[i].value, true};
  }
  Value& operator[](Key key) { return *try_emplace(key).first; }

  /// Removes `key`; returns whether it was present.
  bool erase(Key key) {
    if (size_ == 0) return false;
    std::size_t hole = home(key);
    for (;; hole = next(hole)) {
      if (!slots_[hole].used) return false;
      if (slots_[hole].key == key) break;
    }
    // Backward-shift deletion: move each later member of the run into the hole if the hole lies
    // between its home and its slot, so every key stays reachable from its home without tombstones.
    for (std::size_t i = next(hole); slots_[i].used; i = next(i)) {
      const std::size_t want = home(slots_[i].key);
      const bool hole_is_on_the_way = ((i - want) & mask()) >= ((i - hole) & mask());
      if (hole_is_on_the_way) {
        slots_[hole].key = slots_[i].key;
        slots_[hole].value = std::move(slots_[i].value);
        hole = i;
      }
    }
    slots_[hole].used = false;
    slots_[hole].value = Value{};
    --size_;
    return true;
  }

  void clear() {
    free_slots(slots_, capacity_);
    slots_ = nullptr;
    capacity_ = 0;
    size_ = 0;
  }

  /// Calls f(key, value) for every entry.
  template <class F>
  void for_each(F&& f) const {
    for (std::uint32_t i = 0; i < capacity_; ++i)
      if (slots_[i].used) f(slots_[i].key, slots_[i].value);
  }

 private:
  // Two slots hold one entry: most tables here are tiny (a host's one neighbour, two routes, one socket),
  // and there are as many of them as hosts, so they start at the least and double.
  static constexpr std::uint32_t kInitialSlots = 2;

  std::size_t mask() const { return capacity_ - 1; }
  std::size_t next(std::size_t i) const { return (i + 1) & mask(); }
  // Fibonacci hashing: the top bits of key · 2^64/φ. Consecutive keys (addresses in a subnet, MACs
  // drawn in order) land far apart, and the top bits depend on every bit of the key.
  std::size_t home(Key key) const {
    const std::uint64_t h = static_cast<std::uint64_t>(key) * 0x9e3779b97f4a7c15ULL;
    return static_cast<std::size_t>(h >> (64 - std::countr_zero(capacity_)));
  }

  Slot* allocate_slots(std::uint32_t n) {
    static_assert(alignof(Slot) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    const std::size_t bytes = std::size_t{n} * sizeof(Slot);
    void* raw = nullptr;
    if constexpr (InArena) raw = arena_ != nullptr ? arena_->allocate(bytes, alignof(Slot)) : nullptr;
    if (raw == nullptr) raw = ::operator new(bytes);
    Slot* slots = static_cast<Slot*>(raw);
    std::uninitialized_value_construct_n(slots, n);
    return slots;
  }
  void free_slots(Slot* slots, std::uint32_t n) {
    if (slots == nullptr) return;
    std::destroy_n(slots, n);
    if constexpr (InArena)
      if (arena_ != nullptr) return;  // the arena keeps the memory
    ::operator delete(slots);
  }

  void grow() {
    const std::uint32_t old_capacity = std::exchange(capacity_, capacity_ == 0 ? kInitialSlots : capacity_ * 2);
    Slot* const old = std::exchange(slots_, allocate_slots(capacity_));
    struct Release {  // the old slots go even if a move throws
      FlatHashMap& map;
      Slot* slots;
      std::uint32_t n;
      ~Release() { map.free_slots(slots, n); }
    } release{*this, old, old_capacity};
    for (std::uint32_t j = 0; j < old_capacity; ++j) {
      Slot& slot = old[j];
      if (!slot.used) continue;
      std::size_t i = home(slot.key);
      while (slots_[i].used) i = next(i);
      slots_[i].key = slot.key;
      slots_[i].used = true;
      slots_[i].value = std::move(slot.value);
    }
  }

  struct NoArena {};

  // 16 bytes when empty (24 with an arena): hosts hold several of these, mostly with zero to two entries.
  Slot* slots_ = nullptr;
  std::uint32_t capacity_ = 0;  ///< a power of two, or 0
  std::uint32_t size_ = 0;
  [[no_unique_address]] std::conditional_t<InArena, Arena*, NoArena> arena_{};
};

}  // namespace vpcsim::core
