// Opens the replay source a path names: the one place the command line, Python and scenario files
// turn a file into a ReplaySource. A capture (pcap, pcapng) or an AWS VPC Flow Log (plain or gzip
// text) are told apart by their first bytes, so `vpcsim replay FILE` and Network.replay(FILE) take
// either without a flag.
#pragma once

#include <memory>
#include <string>

#include "libnet/replay/replay_source.h"

namespace vpcsim::replay {

/// True when `path` starts like a flow log: gzip data, or text whose first word is `version` (the
/// header) or `2` (a default-format record). Captures start with a binary magic number.
bool is_flow_log_file(const std::string& path);

/// A FlowLogSource for a flow log, else a PcapSource. Throws core::ConfigError naming the file when
/// it cannot be opened.
std::unique_ptr<ReplaySource> open_source(const std::string& path);

}  // namespace vpcsim::replay
