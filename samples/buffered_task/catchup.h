// Indexer.BlockFetcher.Catchup: imports the chain from its head down, in
// ranges of blocks_batch_size (10) blocks, blocks_concurrency (10) ranges at
// a time, each in a task under Indexer.BlockFetcher.TaskSupervisor. After a
// range is imported its task calls, in order (async_import_remaining_block_data):
//   1. CoinBalance.Fetcher.async_fetch_balances   (a buffer call, 5 s)
//   2. InternalTransaction.Fetcher.async_fetch     (a buffer call, 10 s)
// The second is the call that timed out in the seed's stack trace. Each
// call's duration and timeout is counted, and a timeout is logged with the
// call, as the seed's log showed it.
//
// Example: a child of Indexer.BlockFetcher.Supervisor,
//   ChildSpec::Worker<Catchup>(kCatchup, CatchupOptions{...});
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_CATCHUP_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_CATCHUP_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "core/child_spec.h"
#include "core/gen_server.h"
#include "core/task.h"
#include "samples/buffered_task/environment.h"

namespace overseer::indexer {

// Blocks first down to last (first >= last), as 5569266..5569257.
struct BlockRange {
  int64_t first = 0;
  int64_t last = 0;
};

struct CatchupOptions {
  Environment* environment = nullptr;
  int64_t head_block = 6'000'000;  // the newest block; catchup goes down to 0
  int blocks_batch_size = 10;
  int blocks_concurrency = 10;
  // Unscaled, as in the code; the environment's time scale divides them.
  absl::Duration internal_transactions_timeout = absl::Seconds(10);
  absl::Duration balances_timeout = absl::Seconds(5);
  absl::Duration json_rpc_timeout = absl::Seconds(60);
};

struct CatchupIndex {};  // :catchup_index

struct CatchupState {
  int64_t next_block = 0;  // the first block of the next range; -1: done
  absl::flat_hash_map<uint64_t, BlockRange> tasks;  // ref => range in flight
};

class Catchup : public GenServer<CatchupState> {
 public:
  explicit Catchup(CatchupOptions options) : options_(options) {}
  std::string InitialCall() const override {
    return "Indexer.BlockFetcher.Catchup:init/1";
  }

 protected:
  absl::Status Init(CatchupState& state) override;
  Co HandleInfo(CatchupState& state, Message& message) override;

 private:
  // Starts ranges until blocks_concurrency are in flight.
  Co Fill(CatchupState& state);
  const CatchupOptions options_;
};

// Indexer.BlockFetcher.Supervisor (one_for_one): its task supervisor and
// the catchup.
ChildSpec BlockFetcherSupervisorSpec(const CatchupOptions& options);

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_CATCHUP_H_
