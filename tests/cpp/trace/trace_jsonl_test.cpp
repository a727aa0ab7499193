#include "libnet/trace/trace_jsonl.h"

#include "libnet/core/error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Records the same events into a log: a note before any sink, then packets, a drop and a note.
void record(TraceLog& log, std::uint32_t node, std::uint32_t iface, bool before_only) {
  if (before_only) {
    log.note(1, TraceKind::arp_resolved, node, iface, 0, "10.0.0.2 is at 02:00:00:00:00:02");
    return;
  }
  log.packet(5, TraceKind::sent, node, iface, 7);
  log.drop(9, DropReason::ttl_exceeded, node, iface, 7, "TTL \"0\"\n");
  log.packet(12, TraceKind::received, node, kNoId, 8);
  log.note(15, TraceKind::icmp_error, node, iface, 8, "time exceeded");
}

TEST(TraceJsonl, StreamWritesTheSameBytesAsWriteJsonlAndKeepsOnlyRareEvents) {
  const std::string dir = ::testing::TempDir();
  TraceLog kept;
  auto r1 = kept.register_node("r\"1");
  auto eth0 = kept.register_interface(r1, "eth0");
  record(kept, r1, eth0, true);
  record(kept, r1, eth0, false);
  const std::string whole = dir + "/whole.jsonl";
  write_jsonl(kept, whole);

  TraceLog streamed;
  streamed.register_node("r\"1");
  streamed.register_interface(r1, "eth0");
  record(streamed, r1, eth0, true);
  const std::string path = dir + "/streamed.jsonl";
  streamed.set_sink(std::make_unique<JsonlStream>(path));  // the note already kept goes first
  record(streamed, r1, eth0, false);
  std::unique_ptr<TraceSink> sink = streamed.take_sink();
  auto& stream = dynamic_cast<JsonlStream&>(*sink);
  stream.close();

  EXPECT_EQ(read_file(path), read_file(whole));
  EXPECT_EQ(stream.lines(), 5u);
  EXPECT_EQ(stream.bytes(), read_file(whole).size());
  EXPECT_EQ(kept.events().size(), 5u);
  ASSERT_EQ(streamed.events().size(), 3u);  // the note, the drop, the ICMP note: no packet events
  EXPECT_EQ(streamed.events()[1].kind, TraceKind::dropped);
  EXPECT_EQ(streamed.drops().size(), 1u);
  std::filesystem::remove(path);
  std::filesystem::remove(whole);
}

TEST(TraceJsonl, KeepPacketsKeepsThemWhileStreaming) {
  const std::string path = ::testing::TempDir() + "/kept.jsonl";
  TraceLog log;
  auto r1 = log.register_node("r1");
  log.set_sink(std::make_unique<JsonlStream>(path));
  log.packet(1, TraceKind::sent, r1, kNoId, 1);
  log.set_keep_packets(true);  // what explain does while its probe runs
  log.packet(2, TraceKind::received, r1, kNoId, 1);
  log.set_keep_packets(false);
  log.packet(3, TraceKind::sent, r1, kNoId, 2);
  auto sink = log.take_sink();
  dynamic_cast<JsonlStream&>(*sink).close();
  EXPECT_EQ(dynamic_cast<JsonlStream&>(*sink).lines(), 3u);
  ASSERT_EQ(log.events().size(), 1u);
  EXPECT_EQ(log.events()[0].at, 2);
  std::filesystem::remove(path);
}

TEST(TraceJsonl, TranslationsAreRecordedWithPacketsOrOnTheirOwn) {
  TraceLog log;
  EXPECT_TRUE(log.record_translations());  // record_packets is on by default
  log.set_record_packets(false);
  EXPECT_FALSE(log.record_translations());
  log.set_record_translations(true);
  EXPECT_TRUE(log.record_translations());
}

TEST(TraceJsonl, StreamToAnUnwritablePathIsAConfigError) {
  EXPECT_THROW(JsonlStream("/nonexistent-dir/trace.jsonl"), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::trace
