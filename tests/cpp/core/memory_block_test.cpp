// MemoryBlock: small blocks from operator new, large ones mapped on a 2 MiB boundary in whole huge
// pages and marked for transparent huge pages (checked against the kernel's own record, the VmFlags
// of the mapping in /proc/self/smaps), and ownership that moves.
#include "libnet/core/memory_block.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace vpcsim::core {
namespace {

/// The VmFlags line of the mapping containing `address`, or nothing if /proc/self/smaps has none.
std::optional<std::string> vm_flags_of(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto target = reinterpret_cast<std::uintptr_t>(address);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t start = 0, end = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> start >> dash >> end && dash == '-' && line.find(':') > line.find(' ')) {
      inside = start <= target && target < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return std::nullopt;
}

bool thp_enabled() {
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(mode, text);
  return !text.empty() && text.find("[never]") == std::string::npos;
}

TEST(MemoryBlock, SmallBlockIsPlainMemoryOfTheSizeAsked) {
  MemoryBlock block(1000);
  ASSERT_NE(block.data(), nullptr);
  EXPECT_EQ(block.size(), 1000u);
  EXPECT_FALSE(block.is_mapped());
  std::memset(block.data(), 0xab, block.size());  // writable end to end (ASan checks the bounds)
}

TEST(MemoryBlock, LargeBlockIsWholeHugePagesOnAHugePageBoundary) {
  MemoryBlock block(MemoryBlock::kHugePage + 1);
  EXPECT_TRUE(block.is_mapped());
  EXPECT_EQ(block.size(), 2 * MemoryBlock::kHugePage);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block.data()) % MemoryBlock::kHugePage, 0u);
  std::memset(block.data(), 0x5a, block.size());
  EXPECT_EQ(block.data()[block.size() - 1], 0x5a);
}

TEST(MemoryBlock, LargeBlockIsMarkedForTransparentHugePages) {
  if (!thp_enabled()) GTEST_SKIP() << "transparent huge pages are disabled on this kernel";
  MemoryBlock block(MemoryBlock::kHugePage);
  const auto flags = vm_flags_of(block.data());
  ASSERT_TRUE(flags.has_value()) << "no mapping in /proc/self/smaps holds the block";
  EXPECT_NE(flags->find(" hg"), std::string::npos) << *flags;  // hg: MADV_HUGEPAGE
}

TEST(MemoryBlock, MovingTransfersOwnership) {
  MemoryBlock a(MemoryBlock::kHugePage);
  std::uint8_t* data = a.data();
  MemoryBlock b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.data(), data);
  MemoryBlock c(16);
  c = std::move(b);  // releases c's own block first
  EXPECT_EQ(c.data(), data);
  EXPECT_TRUE(c.is_mapped());
}

}  // namespace
}  // namespace vpcsim::core
