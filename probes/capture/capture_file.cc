// OpenCaptureFile: a capture file is the capture stream, fed to a
// StreamRecording in pieces.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "probes/capture/capture_reader.h"

namespace overseer {
namespace {

constexpr size_t kReadPiece = 1 << 20;

absl::Status FileError(int error, const std::string& what,
                       const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(what, " ", path, ": ", std::strerror(error)));
}

// Closes the descriptor on every return path.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Recording>> OpenCaptureFile(
    const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("capture file ", path, " does not exist"));
    }
    return FileError(errno, "cannot open", path);
  }
  FdCloser closer{fd};
  auto recording = std::make_unique<StreamRecording>();
  std::vector<uint8_t> piece(kReadPiece);
  uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, piece.data(), piece.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError(errno, "cannot read", path);
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    absl::Status s =
        recording->Feed(absl::MakeConstSpan(piece.data(), static_cast<size_t>(n)));
    if (s.code() == absl::StatusCode::kInvalidArgument ||
        s.code() == absl::StatusCode::kUnimplemented) {
      return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
    }
    if (!s.ok()) break;  // damaged: keep what came before it
  }
  if (total == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is empty: not an Overseer capture"));
  }
  recording->EndOfStream().IgnoreError();  // status() reports it
  return std::unique_ptr<Recording>(std::move(recording));
}

}  // namespace overseer
