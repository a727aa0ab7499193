// A FIFO queue in one power-of-two array that grows by doubling and never shrinks.
//
// Links and ARP queues push at the back and pop at the front millions of times; std::deque would
// allocate and free a block every few dozen elements as the queue moves through memory.
//
// Slots are raw storage: an element is constructed by push_back and destroyed by pop_front, so a push
// writes its slot without first reading it. (Move-assigning into a moved-from Frame read the old
// handle to see whether it held a slab: a cache miss on every link transmit, since a link's ring
// slot was last touched a frame earlier.)
//
// With InArena = true a ring can take its slots from a core::Arena (set_arena, while it has none), as
// a link's rings do: they are made on a link's first frame, while the network runs, and would
// otherwise land in scattered 4 KiB pages (see core/flat_hash_map.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

#include "libnet/core/arena.h"

namespace vpcsim::core {

template <class T, bool InArena = false>
class RingBuffer {
 public:
  /// The most elements a ring holds (size_ has 27 bits); more throws std::length_error.
  static constexpr std::uint32_t kMaxSize = (std::uint32_t{1} << 27) - 1;

  RingBuffer() = default;
  RingBuffer(RingBuffer&& other) noexcept { take(other); }
  /// A moved-from buffer is empty and usable.
  RingBuffer& operator=(RingBuffer&& other) noexcept {
    if (this != &other) {
      clear();
      free_slots(slots_);
      take(other);
    }
    return *this;
  }
  ~RingBuffer() {
    clear();
    free_slots(slots_);
  }
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;

  /// Takes slots from `arena` (null: the heap) from now on. Precondition: the ring holds no slots.
  void set_arena(Arena* arena)
    requires InArena
  {
    arena_ = arena;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return slots_[head_].value; }
  const T& front() const { return slots_[head_].value; }
  T& back() { return slots_[(head_ + size_ - 1) & mask()].value; }
  T& operator[](std::size_t i) { return slots_[(head_ + i) & mask()].value; }
  const T& operator[](std::size_t i) const { return slots_[(head_ + i) & mask()].value; }

  void push_back(T value) {
    if (size_ == capacity()) grow();
    std::construct_at(&slots_[(head_ + size_) & mask()].value, std::move(value));
    ++size_;
  }
  T pop_front() {
    T& slot = slots_[head_].value;
    T value = std::move(slot);
    std::destroy_at(&slot);
    head_ = (head_ + 1) & mask();
    --size_;
    return value;
  }
  void clear() {
    while (!empty()) pop_front();
  }

 private:
  /// Storage for one element, constructed and destroyed by the ring, not by the array.
  union Slot {
    Slot() {}
    ~Slot() {}
    T value;
  };

  std::uint32_t capacity() const { return slots_ ? std::uint32_t{1} << log2_capacity_ : 0; }
  std::uint32_t mask() const { return (std::uint32_t{1} << log2_capacity_) - 1; }
  void grow() {
    if (size_ == kMaxSize) throw std::length_error("RingBuffer: more than 2^27 - 1 elements");
    const std::uint32_t log2_capacity = slots_ ? log2_capacity_ + 1 : 2;  // 4 slots first, then doubling
    Slot* const slots = allocate_slots(std::size_t{1} << log2_capacity);
    for (std::uint32_t i = 0; i < size_; ++i) {
      T& old = slots_[(head_ + i) & mask()].value;
      std::construct_at(&slots[i].value, std::move(old));
      std::destroy_at(&old);
    }
    free_slots(std::exchange(slots_, slots));
    log2_capacity_ = log2_capacity & 0x1f;  // at most 27 (kMaxSize), so the 5-bit field holds it
    head_ = 0;
  }
  Slot* allocate_slots(std::size_t n) {
    static_assert(alignof(Slot) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    void* raw = nullptr;
    if constexpr (InArena) raw = arena_ != nullptr ? arena_->allocate(n * sizeof(Slot), alignof(Slot)) : nullptr;
    Slot* slots = static_cast<Slot*>(raw != nullptr ? raw : ::operator new(n * sizeof(Slot)));
    std::uninitialized_default_construct_n(slots, n);  // no-op: storage whose elements the ring manages
    return slots;
  }
  /// Slots hold no live element here: the ring constructs and destroys elements itself.
  void free_slots(Slot* slots) {
    if (slots == nullptr) return;
    if constexpr (InArena)
      if (arena_ != nullptr) return;  // the arena keeps the memory
    ::operator delete(slots);
  }

  void take(RingBuffer& other) {
    slots_ = std::exchange(other.slots_, nullptr);
    arena_ = other.arena_;
    head_ = std::exchange(other.head_, 0);
    size_ = other.size_;
    log2_capacity_ = other.log2_capacity_;
    other.size_ = 0;
    other.log2_capacity_ = 0;
  }

  // 16 bytes: every link lane, ARP entry and node holds rings, so the capacity is kept as its log2
  // beside a 27-bit size instead of in a third 32-bit count (24 bytes with padding).
  struct NoArena {};

  Slot* slots_ = nullptr;
  std::uint32_t head_ = 0;
  std::uint32_t size_ : 27 = 0;
  std::uint32_t log2_capacity_ : 5 = 0;  ///< capacity is 1 << this while slots_ is set, else 0
  [[no_unique_address]] std::conditional_t<InArena, Arena*, NoArena> arena_{};
};

}  // namespace vpcsim::core
