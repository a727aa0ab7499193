#include "libnet/core/names.h"

#include <gtest/gtest.h>

#include <string>

namespace vpcsim::core {
namespace {

TEST(Printable, EscapesControlCharacters) {
  EXPECT_EQ(printable(std::string("a\x01" "b")), "a\\x01b");
}

TEST(Printable, ALongNameIsCutWithItsLengthInBytes) {
  const std::string name(100, 'x');
  EXPECT_EQ(printable(name), std::string(64, 'x') + "... (100 bytes)");
}

// Found by tests/fuzz/scenario_fuzz.py: a name of U+FFFD characters (3 bytes each) was cut at byte 64,
// inside a character, and the error's message was no longer UTF-8 (Python could not decode it).
TEST(Printable, ALongNameIsCutBetweenUtf8Characters) {
  std::string name;
  for (int i = 0; i < 95; ++i) name += "\xef\xbf\xbd";
  std::string expected;
  for (int i = 0; i < 21; ++i) expected += "\xef\xbf\xbd";  // 63 bytes: the 22nd would end at byte 66
  EXPECT_EQ(printable(name), expected + "... (285 bytes)");
}

}  // namespace
}  // namespace vpcsim::core
