#include "libnet/core/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "libnet/core/error.h"

namespace vpcsim::core {

std::FILE* open_output(const std::string& path, const char* field) {
  if (path.empty()) throw ConfigError("<empty path>", field, "no file name given");
  // O_NONBLOCK: opening a FIFO planted under the name must fail or return, never wait for a reader.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0) {
    const int error = errno;
    if (error == ELOOP)
      throw ConfigError(path, field, "is a symbolic link; vpcsim never writes through one (remove it, or write elsewhere)");
    if (error == EISDIR) throw ConfigError(path, field, "is a directory");
    if (error == ENXIO)  // O_NONBLOCK on a FIFO without a reader
      throw ConfigError(path, field, "exists and is not a regular file (a FIFO); vpcsim writes only regular files");
    throw ConfigError(path, field, std::string("cannot open for writing: ") + std::strerror(error));
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw ConfigError(path, field, "exists and is not a regular file (a FIFO, socket or device); vpcsim writes only "
                                   "regular files");
  }
  if (::ftruncate(fd, 0) != 0 || ::fcntl(fd, F_SETFL, 0) != 0) {
    const int error = errno;
    ::close(fd);
    throw ConfigError(path, field, std::string("cannot open for writing: ") + std::strerror(error));
  }
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    const int error = errno;
    ::close(fd);
    throw ConfigError(path, field, std::string("cannot open for writing: ") + std::strerror(error));
  }
  return file;
}

}  // namespace vpcsim::core
