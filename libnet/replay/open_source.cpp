// Which ReplaySource reads a file (see open_source.h).
#include "libnet/replay/open_source.h"

#include <fstream>

#include "libnet/replay/flow_log_source.h"
#include "libnet/replay/pcap_source.h"

namespace vpcsim::replay {

bool is_flow_log_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  const std::streamsize n = in.gcount();
  if (n >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) return true;
  const std::string text(head, static_cast<std::size_t>(n));
  return text.rfind("version ", 0) == 0 || text.rfind("2 ", 0) == 0;
}

std::unique_ptr<ReplaySource> open_source(const std::string& path) {
  if (is_flow_log_file(path)) return std::make_unique<FlowLogSource>(path);
  return std::make_unique<PcapSource>(path);
}

}  // namespace vpcsim::replay
