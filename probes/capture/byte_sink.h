// Where a CaptureWriter's bytes go: a file (a capture), memory (tests, a
// buffer to send), or any function (a socket, for live attach). The writer
// calls Write once per chunk, so a sink that passes each call straight to the
// OS loses at most the chunk being written when the program dies.
//
// Example:
//   absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink("run.ovc");
//   if (!sink.ok()) return sink.status();
//   CaptureWriter writer(*std::move(sink));
#ifndef OVERSEER_PROBES_CAPTURE_BYTE_SINK_H_
#define OVERSEER_PROBES_CAPTURE_BYTE_SINK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace overseer {

// Thread contract: one writer thread (the owner); implementations need not
// lock.
class ByteSink {
 public:
  virtual ~ByteSink() = default;

  // Writes all of `bytes` or returns why not (the sink is then unusable).
  virtual absl::Status Write(absl::Span<const uint8_t> bytes) = 0;

  // Makes what was written durable (a file: fsync) and releases the sink.
  // Further writes fail. Default: nothing to do.
  virtual absl::Status Close() { return absl::OkStatus(); }
};

// Creates (or truncates) `path` and returns a sink that hands every Write to
// write(2) at once, so the bytes survive the process being killed. Close()
// syncs and closes the file. Errors: the errno of open(2), as a status
// naming the path (NotFound, PermissionDenied, ...).
absl::StatusOr<std::unique_ptr<ByteSink>> OpenFileSink(const std::string& path);

// Appends every Write to a shared byte vector that the caller can read once
// the writer is done with it (or between writer calls, on the writer's
// thread).
class MemorySink final : public ByteSink {
 public:
  explicit MemorySink(std::shared_ptr<std::vector<uint8_t>> out);
  absl::Status Write(absl::Span<const uint8_t> bytes) override;

 private:
  std::shared_ptr<std::vector<uint8_t>> out_;
};

// Passes every Write to a function (e.g. a socket sender or a decoder's
// Feed), and returns its status.
class FunctionSink final : public ByteSink {
 public:
  using WriteFn = std::function<absl::Status(absl::Span<const uint8_t>)>;
  explicit FunctionSink(WriteFn write);
  absl::Status Write(absl::Span<const uint8_t> bytes) override;

 private:
  WriteFn write_;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_BYTE_SINK_H_
