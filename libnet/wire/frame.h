// A frame is bytes (DESIGN.md, decision 1): the Ethernet frame exactly as on the wire, in one slab
// from the simulation's FramePool, with headroom in front for pushing an encapsulation.
//
// Frame is a move-only handle: a frame travels hop to hop by std::move and returns its slab to the
// pool when the last hop drops or delivers it. Copies are explicit: clone() copies the bytes (a tap
// that must outlive the hop); share() makes a second handle on the same bytes (a switch flooding a
// broadcast to thousands of ports), as Linux's skb_clone shares the data until skb_cow: the first
// write through a shared handle (the non-const data() or bytes()) copies the bytes into a slab of its
// own, unless it is the last handle left. Reading through a const Frame never copies. Its metadata is
// a small fixed struct, per handle, not a bag of flags that grows with every feature.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace vpcsim::wire {

class FramePool;

inline constexpr std::uint32_t kNoInterface = 0xffffffff;

struct FrameMeta {
  std::uint64_t packet_id = 0;                    ///< stable across hops and clones; links trace events of one packet
  std::uint32_t ingress_interface = kNoInterface;  ///< the interface it arrived on at the current node
  /// Linux's skb->dst_pending_confirm: the next node to send it to a neighbour confirms that
  /// neighbour's entry (ip_finish_output2 -> neigh_confirm). Set by a TCP socket whose ACKs made
  /// progress, or UDP's MSG_CONFIRM; cleared by a link whose medium does not carry it (link/link.h).
  bool confirm_neighbour = false;
  /// Switches it crossed since an IP node last received it (in the padding: the meta stays 16 bytes).
  /// A frame going round a loop of switches counts up without end (Network's max_bridge_hops).
  std::uint16_t bridge_hops = 0;
};

class Frame {
 public:
  Frame() = default;
  Frame(Frame&& other) noexcept { steal(other); }
  Frame& operator=(Frame&& other) noexcept {
    if (this != &other) {
      reset();
      steal(other);
    }
    return *this;
  }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  ~Frame() {
    if (slab_ != nullptr) reset();  // inline: most frames destroyed are moved-from handles
  }

  explicit operator bool() const { return slab_ != nullptr; }
  /// Writable bytes: a shared frame gets its own copy first (see share()).
  std::uint8_t* data() {
    if (shared_) [[unlikely]] unshare();
    return slab_ + offset_;
  }
  const std::uint8_t* data() const { return slab_ + offset_; }
  std::size_t size() const { return len_; }
  std::span<std::uint8_t> bytes() { return {data(), len_}; }
  std::span<const std::uint8_t> bytes() const { return {data(), len_}; }
  /// Whether other handles may hold the same bytes.
  bool is_shared() const { return shared_; }
  std::size_t headroom() const { return offset_; }
  std::size_t tailroom() const { return capacity_ - offset_ - len_; }

  /// Changes the length, keeping the start. Returns false (and changes nothing) if it does not fit.
  bool resize(std::size_t len) {
    if (len > capacity_ - offset_) return false;
    len_ = static_cast<std::uint32_t>(len);
    return true;
  }
  /// Grows the frame at the front by n bytes of headroom (e.g. to add a VLAN tag). False if no room.
  bool push_front(std::size_t n) {
    if (n > offset_) return false;
    offset_ -= static_cast<std::uint32_t>(n);
    len_ += static_cast<std::uint32_t>(n);
    return true;
  }
  /// Drops n bytes from the front. False if the frame is shorter.
  bool pull_front(std::size_t n) {
    if (n > len_) return false;
    offset_ += static_cast<std::uint32_t>(n);
    len_ -= static_cast<std::uint32_t>(n);
    return true;
  }

  FrameMeta& meta() { return meta_; }
  const FrameMeta& meta() const { return meta_; }

  /// A new frame from the same pool with the same bytes and metadata.
  Frame clone() const;
  /// A second handle on the same bytes, with the same metadata; both are shared from then on. (A
  /// frame whose headroom is all used, which leaves no room for the count of handles, is cloned.)
  Frame share();
  /// Returns the slab to the pool now; the handle becomes empty.
  void reset();

 private:
  friend class FramePool;
  Frame(FramePool* pool, std::uint8_t* slab, std::uint32_t capacity, std::uint32_t offset, std::uint32_t len)
      : pool_(pool), slab_(slab), capacity_(capacity), offset_(offset), len_(len) {}
  void steal(Frame& other) {
    pool_ = std::exchange(other.pool_, nullptr);
    slab_ = std::exchange(other.slab_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    offset_ = std::exchange(other.offset_, 0);
    len_ = std::exchange(other.len_, 0);
    shared_ = std::exchange(other.shared_, false);
    meta_ = other.meta_;
  }
  /// The number of handles on a shared slab, kept in its first bytes: the headroom, which only
  /// push_front() uses and which a shared frame is never written through.
  std::uint32_t& handles() const { return *reinterpret_cast<std::uint32_t*>(slab_); }
  /// Gives this handle bytes of its own: the slab if it is the last handle, else a copy.
  void unshare();

  FramePool* pool_ = nullptr;
  std::uint8_t* slab_ = nullptr;
  std::uint32_t capacity_ = 0;
  std::uint32_t offset_ = 0;
  std::uint32_t len_ = 0;
  bool shared_ = false;  ///< in the padding before meta_: the handle stays 48 bytes
  FrameMeta meta_;
};

}  // namespace vpcsim::wire
