// An arena for objects that live as long as their owner: a network's nodes, interfaces, links and
// neighbour tables, which are created while the topology is built and destroyed only with it.
//
// Objects are placed one after another in blocks, in the order they are made, so one host's node,
// interface, neighbour table, switch port and link end up side by side instead of wherever malloc
// had a hole; blocks grow from 64 KiB to 2 MiB, and from there on are huge-page blocks
// (core::MemoryBlock), so touching the per-host state of a 100,000-host topology costs few TLB misses.
// Arena::Ptr owns the object (destroys it) but not its memory, which goes back when the arena does:
// the arena must outlive every Ptr it made.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "libnet/core/memory_block.h"

namespace vpcsim::core {

class Arena {
 public:
  /// Destroys an object made by an arena; its memory stays with the arena.
  struct Destroy {
    template <class T>
    void operator()(T* object) const {
      std::destroy_at(object);
    }
  };
  template <class T>
  using Ptr = std::unique_ptr<T, Destroy>;

  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  /// A T built from `args` in this arena.
  template <class T, class... Args>
  Ptr<T> make(Args&&... args) {
    void* at = allocate(sizeof(T), alignof(T));
    return Ptr<T>(::new (at) T(std::forward<Args>(args)...));
  }

  /// `bytes` of uninitialised memory aligned to `alignment` (a power of two, at most 64).
  void* allocate(std::size_t bytes, std::size_t alignment);
  /// Bytes handed out so far (objects whose constructor threw included).
  std::size_t bytes_allocated() const { return allocated_; }
  /// Bytes of the blocks held.
  std::size_t bytes_reserved() const;

 private:
  std::vector<MemoryBlock> blocks_;
  std::uint8_t* next_ = nullptr;
  std::uint8_t* end_ = nullptr;
  std::size_t allocated_ = 0;
};

}  // namespace vpcsim::core
