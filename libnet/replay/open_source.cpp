// Which ReplaySource reads a file (see open_source.h).
#include "libnet/replay/open_source.h"

#include "libnet/replay/pcap_source.h"

namespace vpcsim::replay {

std::unique_ptr<ReplaySource> open_source(const std::string& path) { return std::make_unique<PcapSource>(path); }

}  // namespace vpcsim::replay
