// The values the indexer moves around, shaped as BlockScout's were: an
// entry is a block number and a hash ("0x" + 64 hex digits, 66 bytes); a
// batch is a list of entries; the BufferedTask queue holds {batch, retries}.
//
// A hash is a Binary: on the BEAM a 66-byte binary is stored off-heap and
// shared by reference (a refc binary), so copying a batch copies handles,
// not the bytes. Here too: a copy of an entry costs its 24-byte struct and
// a reference to the shared hash, counted in the holder's binary bytes.
//
// Everything here is deterministic in a seed, so that two runs (closure and
// mfa mode) see the same chain, the same backlog and the same failures.
//
// Example:
//   Entry e = UnfetchedTransaction(/*seed=*/1, /*index=*/42);
//   e.hash_data.view();   // "0x5e1b...", 66 bytes
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_ENTRY_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_ENTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/binary.h"

namespace overseer::indexer {

// %{block_number: integer, hash_data: "0x..."}: a transaction whose
// internal transactions are to be fetched; for the coin-balance fetcher,
// an address ("0x" + 40 hex digits) and the block to read its balance at.
struct Entry {
  int64_t block_number = 0;
  Binary hash_data;
};
using Batch = std::vector<Entry>;

// An element of the BufferedTask queue: {batch, retries}.
struct PendingBatch {
  Batch batch;
  int retries = 0;
};

// A transaction as a fetched block lists it.
struct Transaction {
  int64_t block_number = 0;
  Binary hash;
  Binary from_address_hash;
  Binary to_address_hash;
};

// SplitMix64 of `a` and `b`: the deterministic randomness of the demo.
uint64_t Mix(uint64_t a, uint64_t b);
// Whether the attempt `attempt` at the request `key` fails, `rate` of the
// time (0..1), the same way in every run with the same seed.
bool Fails(uint64_t seed, uint64_t key, int attempt, double rate);

// "0x" + 64 hex digits derived from (seed, n): 66 bytes.
Binary TransactionHash(uint64_t seed, uint64_t n);
// "0x" + 40 hex digits derived from (seed, n): 42 bytes.
Binary AddressHash(uint64_t seed, uint64_t n);

// The index-th transaction whose internal transactions are not fetched
// yet (index 0 is the newest, in the newest block).
Entry UnfetchedTransaction(uint64_t seed, int64_t index);
// The index-th address whose coin balance is not fetched yet.
Entry UnfetchedBalance(uint64_t seed, int64_t index);
// The transactions of `block` (0 to 3 of them, 1.5 on average).
std::vector<Transaction> BlockTransactions(uint64_t seed, int64_t block);

// A 64-bit digest of a binary's bytes (FNV-1a).
uint64_t Digest(const Binary& bytes);
// A 64-bit digest of a batch's hashes (order-independent), to compare runs.
uint64_t BatchKey(const Batch& batch);

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_ENTRY_H_
