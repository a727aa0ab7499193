// Opens the replay source a path names: the one place the command line, Python and scenario files
// turn a file into a ReplaySource, so a new kind of source (VPC Flow Logs) is added here once and
// every front end takes it.
#pragma once

#include <memory>
#include <string>

#include "libnet/replay/replay_source.h"

namespace vpcsim::replay {

/// A capture libpcap reads (PcapSource). Throws core::ConfigError(path, ...) naming what is wrong.
std::unique_ptr<ReplaySource> open_source(const std::string& path);

}  // namespace vpcsim::replay
