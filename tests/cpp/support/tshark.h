// Test support: decode a capture with tshark and collect everything it complains about.
//
// DESIGN.md: "Captures we write are decoded by tshark in tests and must decode without a single
// malformed-packet warning." tshark_problems() runs `tshark -r FILE -V` with checksum validation on
// (every <proto>.check_checksum preference this tshark has; tshark 4.0 has ip/udp/tcp but no icmp
// one — it always checks ICMP) and returns the lines that show a problem: malformed packets, expert
// errors, bad or incorrect checksums, and tshark's own complaints about the file (cut short,
// damaged). An empty result means the file is clean.
//
// Tests call tshark_available() first and GTEST_SKIP() without it:
//   if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
//   EXPECT_THAT(testing::tshark_problems(path), ::testing::IsEmpty());
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace vpcsim::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

/// Runs `command` with /bin/sh and returns its exit code and standard output.
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), got);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// Quotes `text` as one word for /bin/sh.
inline std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

inline bool tshark_available() {
  static const bool available = run_command("tshark -v >/dev/null 2>&1").exit_code == 0;
  return available;
}

/// The "-o <proto>.check_checksum:TRUE" options for every checksum preference this tshark knows
/// (asking for one it does not know makes tshark refuse to start).
inline const std::string& tshark_checksum_options() {
  static const std::string options = [] {
    const std::string prefs = run_command("tshark -G defaultprefs 2>/dev/null").output;
    std::string text;
    for (const char* proto : {"eth", "ip", "icmp", "udp", "tcp"}) {
      const std::string pref = std::string(proto) + ".check_checksum";
      if (prefs.find("#" + pref + ":") != std::string::npos) text += " -o " + pref + ":TRUE";
    }
    return text;
  }();
  return options;
}

/// `tshark -r path <args>` with checksum validation on; standard error is merged into the output,
/// without tshark's "Running as user root" notice.
inline CommandResult run_tshark(const std::string& path, const std::string& args) {
  CommandResult result =
      run_command("tshark -n" + tshark_checksum_options() + " -r " + shell_quote(path) + " " + args + " 2>&1");
  std::string kept;
  for (const std::string& line : split_lines(result.output))
    if (line.rfind("Running as user", 0) != 0) kept += line + "\n";
  result.output = std::move(kept);
  return result;
}

/// Every line of `tshark -V` that shows a problem with the capture; empty when it is clean. A failed
/// tshark run is reported as a problem too.
inline std::vector<std::string> tshark_problems(const std::string& path) {
  static constexpr std::array<std::string_view, 9> kBad = {
      "Malformed",    "Expert Info (Error", "[incorrect", "Bad checksum", "Checksum Status: Bad",
      "cut short",    "damaged",            "tshark:",    "Exception",
  };
  const CommandResult result = run_tshark(path, "-V");
  std::vector<std::string> problems;
  if (result.exit_code != 0) problems.push_back("tshark exited with " + std::to_string(result.exit_code));
  for (const std::string& line : split_lines(result.output)) {
    for (std::string_view bad : kBad) {
      if (line.find(bad) != std::string::npos) {
        problems.push_back(line);
        break;
      }
    }
  }
  return problems;
}

/// The values of one field (`-T fields -e field`), one per packet.
inline std::vector<std::string> tshark_field(const std::string& path, const std::string& field) {
  const CommandResult result = run_tshark(path, "-T fields -e " + shell_quote(field));
  std::vector<std::string> values;
  for (std::string& line : split_lines(result.output))
    if (!line.empty()) values.push_back(std::move(line));
  return values;
}

}  // namespace vpcsim::testing
