// Files vpcsim writes (pcaps, trace.jsonl, flow logs) stay where they were asked for (issue 20): a
// symlink planted under an output's name is never followed (one overwrote a file elsewhere), and an
// existing directory, FIFO or device under that name is refused rather than written into or blocked on.
//
// The file is opened in place with O_NOFOLLOW and checked with fstat on the descriptor (no window
// between check and use), not written under a temporary name and renamed: a capture is flushed to its
// final name while the simulation runs, for readers that follow it (InterfaceCapture::flush). Files
// written whole from Python (results.json) are written to a temporary name and renamed.
#pragma once

#include <cstdio>
#include <string>

namespace vpcsim::core {

/// Opens `path` for writing, truncated. Throws core::ConfigError(path, field, ...) if it is a symbolic
/// link, exists and is not a regular file, or cannot be opened.
std::FILE* open_output(const std::string& path, const char* field);

}  // namespace vpcsim::core
