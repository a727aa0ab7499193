// Where the shared sample captures are: $VPCSIM_PCAPS, else ../shared/pcaps beside the source tree
// (the main checkout), else two levels up (a worktree under /work/wt/<name>).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace vpcsim::replay {

inline std::string pcaps_dir() {
  if (const char* env = std::getenv("VPCSIM_PCAPS"); env != nullptr && *env != '\0') return std::string(env) + "/";
  for (const char* relative : {"/../shared/pcaps", "/../../shared/pcaps"}) {
    const std::string dir = std::string(VPCSIM_SOURCE_DIR) + relative;
    if (std::filesystem::is_directory(dir)) return dir + "/";
  }
  return std::string(VPCSIM_SOURCE_DIR) + "/../shared/pcaps/";
}

}  // namespace vpcsim::replay
