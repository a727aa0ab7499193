// libFuzzer target for the VPC Flow Logs parser and what replays it: any bytes as a flow log file's
// text. Reading never throws or reads out of bounds; every line is a record or an issue; records
// re-emit to a line that parses back to the same record; and the records, turned into packets by
// FlowLogSource (with a small cap, so a huge count stays quick), give whole IPv4 frames in time order.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "libnet/io/flow_log_reader.h"
#include "libnet/replay/flow_log_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vpcsim;
  auto reader = io::FlowLogReader::from_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  std::vector<io::FlowLogRecord> records;
  io::FlowLogRecord r;
  while (reader.next(r)) {
    std::string error;
    const auto again = io::parse_flow_log_line(r.to_line(), error);
    if (!again || !(*again == r)) std::abort();  // emit is the inverse of parse
    records.push_back(r);
  }
  if (reader.records() != records.size() || reader.issues().size() > io::FlowLogReader::kMaxIssues) std::abort();
  replay::FlowLogSource source(std::move(records), "fuzz", {.max_packets_per_record = 16});
  replay::ReplayPacket p;
  core::Time last = INT64_MIN;
  std::uint64_t n = 0;
  while (source.next(p)) {
    if (p.ts < last || p.bytes.size() < 34 || p.orig_len != p.bytes.size()) std::abort();
    last = p.ts;
    if (++n > source.packets_total()) std::abort();
  }
  if (n != source.packets_total()) std::abort();
  return 0;
}
