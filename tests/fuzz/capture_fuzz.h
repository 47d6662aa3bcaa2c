// The capture decoder's fuzz entry point, as a plain function so that both
// the libFuzzer executable (with -DOVERSEER_BUILD_FUZZERS=ON and clang) and
// the ordinary test suite (seed corpus plus deterministic mutations) run it.
//
// Input layout: byte 0 controls the run, the rest is a capture stream.
//   bit 0     recompute every checksum first, so that mutations reach the
//             zstd, protobuf and keyframe/delta decoders instead of stopping
//             at the first checksum;
//   bits 1-3  k: feed the stream in pieces of 2^(k-1) bytes (k = 0: whole).
//
// Example:
//   std::vector<uint8_t> input = {0x01};  // repair checksums, one piece
//   input.insert(input.end(), capture.begin(), capture.end());
//   FuzzCaptureStream(input.data(), input.size());
#ifndef OVERSEER_TESTS_FUZZ_CAPTURE_FUZZ_H_
#define OVERSEER_TESTS_FUZZ_CAPTURE_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace overseer {

// Decodes the input every way a reader can and checks the decoder's promises
// (same result whole or in pieces, nothing after the first error, no crash).
// Aborts on a broken promise; returns 0 otherwise. Thread-safe.
int FuzzCaptureStream(const uint8_t* data, size_t size);

// Rewrites, in place, the file header checksum and the checksum of every
// whole chunk of a capture stream so that they match the bytes.
void RepairChecksums(std::vector<uint8_t>& stream);

// Fuzz inputs (control byte included) made from small, valid captures: with
// and without events, details, an end index; one cut short.
std::vector<std::vector<uint8_t>> CaptureFuzzSeeds();

}  // namespace overseer

#endif  // OVERSEER_TESTS_FUZZ_CAPTURE_FUZZ_H_
