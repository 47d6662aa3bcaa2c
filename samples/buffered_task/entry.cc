#include "samples/buffered_task/entry.h"

#include <cstdio>

namespace overseer::indexer {
namespace {

// The newest block of the backlog: older than what the catchup fetches.
constexpr int64_t kBacklogHeadBlock = 5'569'266;

Binary HexHash(uint64_t seed, uint64_t n, int hex_digits) {
  char text[2 + 64 + 1] = {'0', 'x'};
  uint64_t state = Mix(seed, n);
  for (int i = 0; i < hex_digits; i += 16) {
    state = Mix(state, static_cast<uint64_t>(i));
    std::snprintf(text + 2 + i, sizeof(text) - 2 - static_cast<size_t>(i), "%016llx",
                  static_cast<unsigned long long>(state));
  }
  return Binary::Copy(std::string_view(text, static_cast<size_t>(2 + hex_digits)));
}

}  // namespace

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool Fails(uint64_t seed, uint64_t key, int attempt, double rate) {
  if (rate <= 0) return false;
  uint64_t draw = Mix(Mix(seed, key), static_cast<uint64_t>(attempt)) % 1'000'000;
  return static_cast<double>(draw) < rate * 1e6;
}

Binary TransactionHash(uint64_t seed, uint64_t n) { return HexHash(seed, n, 64); }

Binary AddressHash(uint64_t seed, uint64_t n) {
  // 40 digits: the loop writes 48, the view keeps 40.
  return HexHash(Mix(seed, 0xadd7e55), n, 40);
}

Entry UnfetchedTransaction(uint64_t seed, int64_t index) {
  return Entry{kBacklogHeadBlock - index / 2,
               TransactionHash(Mix(seed, 0xbac1), static_cast<uint64_t>(index))};
}

Entry UnfetchedBalance(uint64_t seed, int64_t index) {
  return Entry{kBacklogHeadBlock - index / 4,
               AddressHash(Mix(seed, 0xba1a), static_cast<uint64_t>(index))};
}

std::vector<Transaction> BlockTransactions(uint64_t seed, int64_t block) {
  uint64_t b = static_cast<uint64_t>(block);
  int count = static_cast<int>(Mix(seed, b) % 4);
  std::vector<Transaction> out;
  out.reserve(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) {
    uint64_t n = b * 8 + static_cast<uint64_t>(k);
    out.push_back(Transaction{block, TransactionHash(seed, n), AddressHash(seed, 2 * n),
                              AddressHash(seed, 2 * n + 1)});
  }
  return out;
}

uint64_t Digest(const Binary& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes.view()) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return h;
}

uint64_t BatchKey(const Batch& batch) {
  uint64_t key = batch.size();
  for (const Entry& e : batch) {
    // A sum: the same for any order of the entries.
    key += Mix(Digest(e.hash_data), static_cast<uint64_t>(e.block_number));
  }
  return key;
}

}  // namespace overseer::indexer
