// CRC-32C (Castagnoli): the checksum of every chunk of a capture. A small
// table-driven implementation (slicing by 8), so the format needs no extra
// library and a reader in another language can match it bit for bit.
//
// Parameters: reflected polynomial 0x82F63B78, initial value 0xFFFFFFFF,
// final XOR 0xFFFFFFFF (the iSCSI / ext4 / Snappy CRC). Crc32c("123456789")
// is 0xE3069283.
//
// Example:
//   uint32_t crc = Crc32c(header_bytes);
//   crc = Crc32cExtend(crc, payload_bytes);  // same as one call over both
#ifndef OVERSEER_PROBES_CAPTURE_CRC32C_H_
#define OVERSEER_PROBES_CAPTURE_CRC32C_H_

#include <cstdint>

#include "absl/types/span.h"

namespace overseer {

// Extends a finished CRC-32C `crc` (of some bytes A) with `bytes`, giving the
// CRC-32C of A followed by `bytes`. Crc32cExtend(0, x) == Crc32c(x).
// Thread-safe (pure function).
uint32_t Crc32cExtend(uint32_t crc, absl::Span<const uint8_t> bytes);

// The CRC-32C of `bytes`. Thread-safe (pure function).
inline uint32_t Crc32c(absl::Span<const uint8_t> bytes) {
  return Crc32cExtend(0, bytes);
}

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_CRC32C_H_
