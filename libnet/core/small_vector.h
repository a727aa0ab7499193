// A vector of small values (an address, a pointer, a unique_ptr) that keeps its first element inline:
// 16 bytes and no heap block while it holds one, a heap array that doubles past that. Hosts have one
// interface, one address, one ARP cache and usually one application, and a network has as many hosts
// as it has anything: a std::vector spends 24 bytes and a 32-byte heap block on each of those. Only
// what its users need: append, read, iterate; elements never move once the vector stops growing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace vpcsim::core {

template <class T>
class SmallVector {
  static_assert(sizeof(T) <= sizeof(T*) && std::is_nothrow_move_assignable_v<T> &&
                    std::is_nothrow_default_constructible_v<T>,
                "a small value, default-constructible and movable without throwing");

 public:
  SmallVector() : one_() {}
  SmallVector(const SmallVector&) = delete;
  SmallVector& operator=(const SmallVector&) = delete;
  ~SmallVector() {
    if (on_heap()) {
      delete[] heap_;
    } else {
      one_.~T();
    }
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* begin() const { return on_heap() ? heap_ : &one_; }
  const T* end() const { return begin() + size_; }
  const T& front() const { return *begin(); }
  const T& back() const { return begin()[size_ - 1]; }
  const T& operator[](std::size_t i) const { return begin()[i]; }

  void push_back(T value) {
    if (size_ == capacity_) grow();
    (on_heap() ? heap_ : &one_)[size_++] = std::move(value);
  }

 private:
  bool on_heap() const { return capacity_ > 1; }
  void grow() {
    T* bigger = new T[std::size_t{capacity_} * 2];
    T* current = on_heap() ? heap_ : &one_;
    std::move(current, current + size_, bigger);
    if (on_heap()) {
      delete[] heap_;
    } else {
      one_.~T();
    }
    heap_ = bigger;
    capacity_ *= 2;
  }

  union {
    T one_;    ///< alive while capacity_ is 1
    T* heap_;  ///< after
  };
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = 1;
};

}  // namespace vpcsim::core
