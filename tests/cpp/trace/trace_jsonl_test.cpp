#include "libnet/trace/trace_jsonl.h"

#include <gtest/gtest.h>

#include <sstream>

namespace vpcsim::trace {
namespace {

TEST(TraceJsonl, OneObjectPerEventWithNamesAndNulls) {
  TraceLog log;
  auto r1 = log.register_node("r1");
  auto eth0 = log.register_interface(r1, "eth0");
  log.packet(5, TraceKind::forwarded, r1, eth0, 7);
  log.drop(21344, DropReason::no_route, r1, kNoId, 0, "no route to 203.0.113.9 at r1");
  std::ostringstream out;
  write_jsonl(log, out);
  EXPECT_EQ(out.str(),
            "{\"at_ns\":5,\"kind\":\"forwarded\",\"node\":\"r1\",\"interface\":\"r1.eth0\",\"packet_id\":7,"
            "\"reason\":null,\"detail\":null}\n"
            "{\"at_ns\":21344,\"kind\":\"dropped\",\"node\":\"r1\",\"interface\":null,\"packet_id\":null,"
            "\"reason\":\"no_route\",\"detail\":\"no route to 203.0.113.9 at r1\"}\n");
}

TEST(TraceJsonl, EscapesAsJsonRequiresAndKeepsUtf8) {
  EXPECT_EQ(json_string("a\"b\\c\n\x01 \xc3\xa9"), "\"a\\\"b\\\\c\\n\\u0001 \xc3\xa9\"");
}

}  // namespace
}  // namespace vpcsim::trace
