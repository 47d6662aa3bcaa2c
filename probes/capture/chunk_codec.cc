#include "probes/capture/chunk_codec.h"

#include <zstd.h>

#include "absl/strings/str_cat.h"

namespace overseer {

struct ChunkEncoder::Context {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~Context() { ZSTD_freeCCtx(cctx); }
};

ChunkEncoder::ChunkEncoder(int zstd_level)
    : level_(zstd_level), context_(std::make_unique<Context>()) {}

ChunkEncoder::~ChunkEncoder() = default;

absl::Status ChunkEncoder::Encode(ChunkType type,
                                  absl::Span<const uint8_t> raw,
                                  std::vector<uint8_t>* out) {
  if (raw.size() > kMaxChunkPayload) {
    return absl::InvalidArgumentError(
        absl::StrCat("record of ", raw.size(), " bytes is over the ",
                     kMaxChunkPayload, "-byte chunk limit"));
  }
  ChunkHeader h;
  h.type = static_cast<uint8_t>(type);
  h.raw_size = static_cast<uint32_t>(raw.size());
  absl::Span<const uint8_t> stored = raw;
  if (level_ > 0 && raw.size() > 32 && context_->cctx != nullptr) {
    scratch_.resize(ZSTD_compressBound(raw.size()));
    const size_t n = ZSTD_compressCCtx(context_->cctx, scratch_.data(),
                                       scratch_.size(), raw.data(), raw.size(),
                                       level_);
    if (ZSTD_isError(n)) {
      return absl::InternalError(
          absl::StrCat("zstd compression failed: ", ZSTD_getErrorName(n)));
    }
    if (n < raw.size()) {
      stored = absl::MakeConstSpan(scratch_.data(), n);
      h.flags |= kChunkFlagZstd;
    }
  }
  h.stored_size = static_cast<uint32_t>(stored.size());
  h.crc = ChunkCrc(h, stored);
  const auto header = EncodeChunkHeader(h);
  out->insert(out->end(), header.begin(), header.end());
  out->insert(out->end(), stored.begin(), stored.end());
  return absl::OkStatus();
}

absl::StatusOr<std::string> DecodeChunkPayload(const ChunkHeader& h,
                                               absl::Span<const uint8_t> stored,
                                               uint64_t offset) {
  if ((h.flags & kChunkFlagZstd) == 0) {
    return std::string(stored.begin(), stored.end());
  }
  // The frame must declare its size, and agree with the header, before any
  // memory is set aside for it.
  const unsigned long long declared =
      ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (declared != h.raw_size) {
    return DataLossAt(offset, "zstd frame size disagrees with the header");
  }
  std::string raw(h.raw_size, '\0');
  const size_t n =
      ZSTD_decompress(raw.data(), raw.size(), stored.data(), stored.size());
  if (ZSTD_isError(n)) {
    return DataLossAt(offset, absl::StrCat("zstd payload does not decompress: ",
                                           ZSTD_getErrorName(n)));
  }
  if (n != h.raw_size) {
    return DataLossAt(offset, absl::StrCat("payload decompresses to ", n,
                                           " bytes, header says ", h.raw_size));
  }
  return raw;
}

}  // namespace overseer
