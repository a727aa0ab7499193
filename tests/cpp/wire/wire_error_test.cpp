// WireError names and the Parsed<T> value-or-error (libnet/wire/wire_error.h).
#include "libnet/wire/wire_error.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace vpcsim::wire {
namespace {

TEST(WireErrorTest, NamesAreTheEnumerators) {
  EXPECT_EQ(to_string(WireError::truncated), "truncated");
  EXPECT_EQ(to_string(WireError::bad_version), "bad_version");
  EXPECT_EQ(to_string(WireError::bad_header_len), "bad_header_len");
  EXPECT_EQ(to_string(WireError::bad_total_len), "bad_total_len");
  EXPECT_EQ(to_string(WireError::bad_checksum), "bad_checksum");
  EXPECT_EQ(to_string(WireError::bad_hardware_type), "bad_hardware_type");
  EXPECT_EQ(to_string(WireError::bad_protocol_type), "bad_protocol_type");
  EXPECT_EQ(to_string(WireError::unsupported), "unsupported");
  std::ostringstream os;
  os << WireError::bad_checksum;
  EXPECT_EQ(os.str(), "bad_checksum");
}

TEST(WireErrorTest, ParsedHoldsAValue) {
  Parsed<int> p = 42;
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(static_cast<bool>(p));
  EXPECT_EQ(p.value(), 42);
  EXPECT_EQ(*p, 42);
  p.value() = 7;
  EXPECT_EQ(*p, 7);
}

TEST(WireErrorTest, ParsedHoldsAnError) {
  Parsed<std::string> p = WireError::bad_total_len;
  EXPECT_FALSE(p.ok());
  EXPECT_FALSE(p);
  EXPECT_EQ(p.error(), WireError::bad_total_len);
}

TEST(WireErrorTest, ParsedArrowReachesMembers) {
  Parsed<std::string> p = std::string("abc");
  EXPECT_EQ(p->size(), 3u);
  const Parsed<std::string>& cp = p;
  EXPECT_EQ(cp->front(), 'a');
}

}  // namespace
}  // namespace vpcsim::wire
