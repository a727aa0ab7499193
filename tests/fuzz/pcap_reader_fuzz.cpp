// libFuzzer target: bytes as a capture file for io::PcapReader (classic pcap in either byte order and
// timestamp precision, pcapng, and the reader's own repair of pcapng files whose interfaces disagree
// on the snapshot length).
//
// PcapReader reads a path through libpcap, so each input is written to an anonymous in-memory file
// (memfd_create) and opened as /proc/self/fd/N: no disk, nothing left behind. A file libpcap refuses
// must be a core::ConfigError; one it accepts is read to the end, and every record must be whole
// (captured bytes no longer than the original frame unless libpcap says so, counts that add up).
// Any other exception, a crash or a sanitizer report is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "libnet/core/error.h"
#include "libnet/io/pcap_reader.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

volatile std::uint64_t g_sink;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memfd_create("pcap_reader_fuzz", MFD_CLOEXEC);
  if (fd < 0) __builtin_trap();
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) __builtin_trap();
    written += static_cast<std::size_t>(n);
  }
  try {
    vpcsim::io::PcapReader reader("/proc/self/fd/" + std::to_string(fd));
    g_sink = reader.link_type_name().size() + reader.snaplen() + reader.format().size() + (reader.is_swapped() ? 1 : 0);
    try {
      reader.require_ethernet();
      check(reader.is_ethernet());
    } catch (const vpcsim::core::ConfigError&) {
      check(!reader.is_ethernet());
    }
    std::uint64_t records = 0, truncated = 0;
    vpcsim::io::PcapRecord record;
    while (reader.next(record)) {
      ++records;
      if (record.is_truncated()) ++truncated;
      std::uint64_t sum = static_cast<std::uint64_t>(record.ts_ns) + record.orig_len;
      for (std::uint8_t b : record.bytes) sum += b;  // every byte readable
      g_sink = sum;
    }
    check(reader.at_end());
    check(reader.records_read() == records && reader.truncated_records() == truncated);
    check(reader.has_error() == !reader.error().empty());
    check(!reader.next(record));  // stays at the end
  } catch (const vpcsim::core::ConfigError&) {
    // a file libpcap refuses: the documented outcome
  }
  close(fd);
  return 0;
}
