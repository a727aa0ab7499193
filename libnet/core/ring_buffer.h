// A FIFO queue in one power-of-two array that grows by doubling and never shrinks.
//
// Links and ARP queues push at the back and pop at the front millions of times; std::deque would
// allocate and free a block every few dozen elements as the queue moves through memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace vpcsim::core {

template <class T>
class RingBuffer {
 public:
  RingBuffer() = default;
  RingBuffer(RingBuffer&& other) noexcept
      : slots_(std::move(other.slots_)),
        capacity_(std::exchange(other.capacity_, 0)),
        head_(std::exchange(other.head_, 0)),
        size_(std::exchange(other.size_, 0)) {}
  /// A moved-from buffer is empty and usable.
  RingBuffer& operator=(RingBuffer&& other) noexcept {
    if (this != &other) {
      slots_ = std::move(other.slots_);
      capacity_ = std::exchange(other.capacity_, 0);
      head_ = std::exchange(other.head_, 0);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  T& back() { return slots_[(head_ + size_ - 1) & mask()]; }
  T& operator[](std::size_t i) { return slots_[(head_ + i) & mask()]; }
  const T& operator[](std::size_t i) const { return slots_[(head_ + i) & mask()]; }

  void push_back(T value) {
    if (size_ == capacity_) grow();
    slots_[(head_ + size_) & mask()] = std::move(value);
    ++size_;
  }
  T pop_front() {
    T value = std::move(slots_[head_]);
    head_ = (head_ + 1) & mask();
    --size_;
    return value;
  }
  void clear() {
    while (!empty()) pop_front();
  }

 private:
  std::uint32_t mask() const { return capacity_ - 1; }
  void grow() {
    const std::uint32_t capacity = capacity_ == 0 ? 4 : capacity_ * 2;
    auto slots = std::make_unique<T[]>(capacity);
    for (std::uint32_t i = 0; i < size_; ++i) slots[i] = std::move(slots_[(head_ + i) & mask()]);
    slots_ = std::move(slots);
    capacity_ = capacity;
    head_ = 0;
  }
  // 32-bit counts: a queue never holds 4 billion frames, and every link lane, ARP entry and node holds
  // rings, so 24 bytes instead of 32 each adds up over 100,000 hosts.
  std::unique_ptr<T[]> slots_;
  std::uint32_t capacity_ = 0;
  std::uint32_t head_ = 0;
  std::uint32_t size_ = 0;
};

}  // namespace vpcsim::core
