#include "tests/probes/attach/attach_test_util.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "probes/attach/protocol.h"

namespace overseer::testing {

namespace {

// Removes, when the test program ends, every path that starts with one that
// FreshDirectory gave (the directory and files named after it).
void RemoveAtExit(const std::string& base) {
  static std::vector<std::string>* const bases = [] {
    auto* v = new std::vector<std::string>;
    std::atexit([] {
      for (const std::string& b : *bases) {
        std::error_code ec;
        const std::filesystem::path p(b);
        const std::string stem = p.filename().string();
        for (const auto& e : std::filesystem::directory_iterator(p.parent_path(), ec)) {
          if (e.path().filename().string().rfind(stem, 0) == 0) {
            std::filesystem::remove_all(e.path(), ec);
          }
        }
      }
    });
    return v;
  }();
  bases->push_back(base);
}

}  // namespace

std::string FreshDirectory(const std::string& name) {
  // Short: a socket path must fit in 107 bytes.
  const std::string dir =
      absl::StrCat(::testing::TempDir(), "/oa-", name, "-", ::getpid());
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  RemoveAtExit(dir);
  return dir;
}

TestProgram::TestProgram(const std::string& directory, AttachOptions options,
                         int processes, absl::Duration interval) {
  for (int i = 1; i <= processes; ++i) {
    absl::StatusOr<Pid> pid = rt.Spawn<Keeper>({.name = absl::StrCat("keeper.", i)});
    if (pid.ok()) pids.push_back(*pid);
  }
  recorder = std::make_unique<Recorder>(
      rt, RecorderOptions{.sampler = {.interval = interval}, .program = "test-program"});
  options.directory = directory;
  absl::StatusOr<std::unique_ptr<AttachServer>> opened =
      AttachServer::Open(rt, *recorder, std::move(options));
  open_status = opened.status();
  if (opened.ok()) server = *std::move(opened);
}

TestProgram::~TestProgram() {
  (void)recorder->Stop();
  server.reset();
  recorder.reset();
}

absl::Status TestProgram::Start(std::vector<std::unique_ptr<SampleSink>> extra) {
  if (!open_status.ok()) return open_status;
  for (auto& sink : extra) recorder->AddSink(std::move(sink));
  return recorder->Start();
}

std::vector<uint8_t> GoodHello(const std::string& token) {
  attach::pb::ClientHello hello;
  hello.set_token(token);
  hello.set_viewer("raw");
  return EncodeHello(hello);
}

absl::StatusOr<RawViewer> RawConnect(const std::string& path,
                                     const std::vector<uint8_t>& hello) {
  RawViewer v;
  absl::StatusOr<attach_internal::UniqueFd> fd = attach_internal::ConnectUnix(path);
  if (!fd.ok()) return fd.status();
  v.fd = *std::move(fd);
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  if (absl::Status s = attach_internal::SendAll(v.fd.get(), hello, deadline); !s.ok()) {
    return s;
  }
  uint8_t head[kHelloHeaderSize];
  if (absl::Status s =
          attach_internal::RecvExactly(v.fd.get(), absl::MakeSpan(head), deadline);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<HelloHeader> h = ParseHelloHeader(head);
  if (!h.ok()) return h.status();
  v.version = h->version;
  std::vector<uint8_t> payload(h->payload_size);
  if (absl::Status s =
          attach_internal::RecvExactly(v.fd.get(), absl::MakeSpan(payload), deadline);
      !s.ok()) {
    return s;
  }
  if (!v.hello.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::DataLossError("program hello malformed");
  }
  return v;
}

}  // namespace overseer::testing
