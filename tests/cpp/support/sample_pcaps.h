// Where the sample captures are, one setting shared with the Python tests (tests/python/conftest.py):
//   $VPCSIM_PCAPS         the captures vendored in the repository, default tests/data/pcaps;
//   $VPCSIM_SHARED_PCAPS  Wireshark's GPL-2.0 captures, which the MIT repository does not carry
//                         (tests/data/pcaps/README.md), default ../shared/pcaps beside the repository.
// A relative setting is relative to the repository. A test that needs a missing folder skips, and
// under CI (CI=true) fails instead, since there a missing folder is a broken setup.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace vpcsim::testing {

/// $`variable` (absolute, or relative to the repository), else `fallback` relative to the repository; ends in '/'.
inline std::string repository_setting(const char* variable, std::string_view fallback) {
  const char* value = std::getenv(variable);
  const std::filesystem::path path = (value != nullptr && *value != '\0') ? value : std::string(fallback);
  return (std::filesystem::path(VPCSIM_SOURCE_DIR) / path).lexically_normal().string() + "/";
}

inline std::string sample_pcaps_dir() { return repository_setting("VPCSIM_PCAPS", "tests/data/pcaps"); }
inline std::string gpl_pcaps_dir() { return repository_setting("VPCSIM_SHARED_PCAPS", "../shared/pcaps"); }

/// The path of one sample capture: Wireshark's ("wireshark-*") from the GPL folder, the others vendored.
inline std::string sample_pcap(std::string_view file) {
  return (file.starts_with("wireshark-") ? gpl_pcaps_dir() : sample_pcaps_dir()) + std::string(file);
}

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

/// Why `dir` cannot serve (no MANIFEST.tsv in it), or nothing when it can.
inline std::optional<std::string> missing_captures(const std::string& dir, const char* variable) {
  if (std::filesystem::exists(dir + "MANIFEST.tsv")) return std::nullopt;
  return "sample captures not found at " + dir + " (set " + variable + ")";
}

/// One row of a MANIFEST.tsv (tests/data/pcaps/README.md says what each column holds).
struct ManifestEntry {
  std::string file;
  std::string path;  ///< where the file is
  int link_type = 0;
  std::string link_name;
  std::uint64_t packets = 0;
  std::string first_ts;  ///< epoch seconds with 6 or 9 decimals, or "n/a"
  std::string tags;
};

/// The rows of `dir`'s MANIFEST.tsv whose file names start with `prefix`.
inline std::vector<ManifestEntry> read_manifest(const std::string& dir, std::string_view prefix = "") {
  std::vector<ManifestEntry> entries;
  std::ifstream in(dir + "MANIFEST.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    ManifestEntry entry;
    std::string sha, link, packets;
    for (std::string* field : {&entry.file, &sha, &link, &packets, &entry.first_ts, &entry.tags})
      std::getline(fields, *field, '\t');
    if (entry.file.empty() || !entry.file.starts_with(prefix)) continue;
    entry.path = dir + entry.file;
    entry.link_type = std::stoi(link.substr(0, link.find(':')));
    entry.link_name = link.substr(link.find(':') + 1);
    entry.packets = std::stoull(packets);
    entries.push_back(entry);
  }
  return entries;
}

/// Every sample capture: the vendored ones and, when the GPL folder is there, Wireshark's (a test of
/// its own requires that folder, so that CI cannot lose them silently).
inline std::vector<ManifestEntry> sample_manifest() {
  auto entries = read_manifest(sample_pcaps_dir());
  for (auto& entry : read_manifest(gpl_pcaps_dir(), "wireshark-")) entries.push_back(entry);
  return entries;
}

}  // namespace vpcsim::testing

/// Skips the test when the captures folder is missing, or fails it under CI.
#define VPCSIM_REQUIRE_CAPTURES(dir, variable)                                      \
  if (const auto why_missing = ::vpcsim::testing::missing_captures(dir, variable)) { \
    if (::vpcsim::testing::in_ci()) FAIL() << *why_missing << " (CI=true)";          \
    GTEST_SKIP() << *why_missing;                                                    \
  }
#define VPCSIM_REQUIRE_SAMPLE_PCAPS() VPCSIM_REQUIRE_CAPTURES(::vpcsim::testing::sample_pcaps_dir(), "VPCSIM_PCAPS")
#define VPCSIM_REQUIRE_GPL_PCAPS() VPCSIM_REQUIRE_CAPTURES(::vpcsim::testing::gpl_pcaps_dir(), "VPCSIM_SHARED_PCAPS")
