#include "probes/capture/byte_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace overseer {
namespace {

absl::Status ErrnoStatus(int error, const std::string& what) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(what, ": ", std::strerror(error)));
}

class FileSink final : public ByteSink {
 public:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  absl::Status Write(absl::Span<const uint8_t> bytes) override {
    if (fd_ < 0) return absl::FailedPreconditionError("file sink is closed");
    const uint8_t* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, absl::StrCat("writing ", path_));
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (fd_ < 0) return absl::OkStatus();
    absl::Status status;
    if (::fsync(fd_) != 0 && errno != EINVAL) {
      status = ErrnoStatus(errno, absl::StrCat("syncing ", path_));
    }
    if (::close(fd_) != 0 && status.ok()) {
      status = ErrnoStatus(errno, absl::StrCat("closing ", path_));
    }
    fd_ = -1;
    return status;
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSink>> OpenFileSink(
    const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return ErrnoStatus(errno, absl::StrCat("creating ", path));
  }
  return std::make_unique<FileSink>(fd, path);
}

MemorySink::MemorySink(std::shared_ptr<std::vector<uint8_t>> out)
    : out_(std::move(out)) {}

absl::Status MemorySink::Write(absl::Span<const uint8_t> bytes) {
  out_->insert(out_->end(), bytes.begin(), bytes.end());
  return absl::OkStatus();
}

FunctionSink::FunctionSink(WriteFn write) : write_(std::move(write)) {}

absl::Status FunctionSink::Write(absl::Span<const uint8_t> bytes) {
  return write_(bytes);
}

}  // namespace overseer
