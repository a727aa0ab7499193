// Test support: a file path under the system temp directory, unique to this process, removed when
// the test ends (whether or not the test created the file).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace vpcsim::testing {

class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_((std::filesystem::temp_directory_path() / ("vpcsim-io-" + std::to_string(::getpid()) + "-" + name))
                  .string()) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vpcsim::testing
