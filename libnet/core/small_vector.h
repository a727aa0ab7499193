// A vector of small trivially copyable values that keeps its first element inline: 16 bytes and no
// heap block while it holds one (an interface's single address, on every host), a heap array that
// doubles past that. Only what its users need: append, read, iterate.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace vpcsim::core {

template <class T>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(T*), "small trivially copyable values");

 public:
  SmallVector() : one_{} {}
  SmallVector(const SmallVector&) = delete;
  SmallVector& operator=(const SmallVector&) = delete;
  ~SmallVector() {
    if (on_heap()) delete[] heap_;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* begin() const { return on_heap() ? heap_ : &one_; }
  const T* end() const { return begin() + size_; }
  const T& front() const { return *begin(); }
  const T& operator[](std::size_t i) const { return begin()[i]; }

  void push_back(const T& value) {
    if (size_ == capacity_) grow();
    (on_heap() ? heap_ : &one_)[size_++] = value;
  }

 private:
  bool on_heap() const { return capacity_ > 1; }
  void grow() {
    T* bigger = new T[capacity_ * 2];
    std::copy(begin(), end(), bigger);
    if (on_heap()) delete[] heap_;
    heap_ = bigger;
    capacity_ *= 2;
  }

  union {
    T one_;    ///< while capacity_ is 1
    T* heap_;  ///< after
  };
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = 1;
};

}  // namespace vpcsim::core
