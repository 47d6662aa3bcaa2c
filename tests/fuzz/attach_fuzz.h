// The attach protocol's fuzz entry point, as a plain function so that both
// the libFuzzer executable (with -DOVERSEER_BUILD_FUZZERS=ON and clang) and
// the ordinary test suite (seed corpus plus deterministic mutations) run it.
//
// Input layout: byte 0 controls the run, the rest is what one side receives.
//   bit 0     0: the program's side (a viewer hello, then viewer frames);
//             1: the viewer's side (a program hello, then the program's
//             capture stream with attach frames between its chunks);
//   bits 1-3  k: feed the bytes after the hello in pieces of 2^(k-1) bytes
//             (k = 0: whole);
//   bit 4     recompute every chunk checksum first, so that mutations reach
//             the record decoders instead of stopping at a checksum.
//
// Example:
//   std::vector<uint8_t> input = {0x11};  // viewer side, repair, whole
//   input.insert(input.end(), hello_and_stream.begin(), hello_and_stream.end());
//   FuzzAttachInput(input.data(), input.size());
#ifndef OVERSEER_TESTS_FUZZ_ATTACH_FUZZ_H_
#define OVERSEER_TESTS_FUZZ_ATTACH_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace overseer {

// The token the program side of the fuzz target expects.
inline constexpr char kFuzzToken[] = "fuzz-token";

// Parses the input as the program or the viewer would and checks the
// protocol code's promises (pieces tile the bytes, the same pieces whole or
// fed in parts, nothing after the first error, the capture bytes reach the
// decoder unchanged, no crash). Aborts on a broken promise; returns 0
// otherwise. Thread-safe.
int FuzzAttachInput(const uint8_t* data, size_t size);

// Fuzz inputs (control byte included): good and refused hellos of both
// sides, control requests, a finish frame, and a program stream carrying
// samples, events, notices, replies with a process detail and an error.
std::vector<std::vector<uint8_t>> AttachFuzzSeeds();

}  // namespace overseer

#endif  // OVERSEER_TESTS_FUZZ_ATTACH_FUZZ_H_
