// A simulated Ethereum JSON-RPC node (Parity, as BlockScout used), standing
// in for the HTTP endpoint the real fetchers called. It answers each batch
// request after a configurable latency, without holding a scheduler thread
// (the reply waits on a timer), and fails a configurable share of requests,
// deterministically in (seed, request, attempt) so that two runs fail the
// same requests. Its answers are deterministic in the seed too.
//
// Example (inside a task):
//   absl::StatusOr<Message> reply = co_await task.Call(
//       task.runtime().Whereis(kJsonRpcNode),
//       FetchInternalTransactions{batch, retries}, absl::Seconds(60));
#ifndef OVERSEER_SAMPLES_BUFFERED_TASK_JSON_RPC_H_
#define OVERSEER_SAMPLES_BUFFERED_TASK_JSON_RPC_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "core/gen_server.h"
#include "samples/buffered_task/entry.h"

namespace overseer::indexer {

// json_rpc_named_arguments: which transport and node a fetcher talks to.
// The URL names the simulated node's registered name.
struct JsonRpcNamedArguments {
  std::string transport = "EthereumJSONRPC.HTTP";
  std::string url = "EthereumJSONRPC.SimulatedNode";
  std::string variant = "EthereumJSONRPC.Parity";
};

// trace_replayTransaction for each entry (one batch request).
struct FetchInternalTransactions {
  Batch params;
  int attempt = 0;  // part of the request id: the same request fails alike
};
struct InternalTransaction {
  int64_t block_number = 0;
  Binary transaction_hash;
  int index = 0;
  Binary to_address_hash;
};
struct InternalTransactionsReply {
  bool ok = false;
  std::string error;
  std::vector<InternalTransaction> internal_transactions;
};

// eth_getBlockByNumber for blocks first down to last (first >= last).
struct FetchBlocks {
  int64_t first = 0;
  int64_t last = 0;
};
struct BlocksReply {
  std::vector<Transaction> transactions;
};

// eth_getBalance for each {block_number, address} entry.
struct FetchBalances {
  Batch params;
  int attempt = 0;
};
struct BalancesReply {
  bool ok = false;
  std::string error;
  int64_t fetched = 0;
};

struct NodeOptions {
  absl::Duration latency = absl::Milliseconds(20);         // traces, balances
  absl::Duration block_latency = absl::Milliseconds(250);  // a range of blocks
  double error_rate = 0;                                   // 0..1
  uint64_t seed = 1;
};

std::string OverseerDescribe(const FetchInternalTransactions& r);
std::string OverseerDescribe(const FetchBalances& r);
std::string OverseerDescribe(const FetchBlocks& r);

using NodeReply = std::variant<InternalTransactionsReply, BlocksReply, BalancesReply>;
// A reply waiting for its latency to pass (a message to the node itself).
struct NodeRespond {
  From from;
  NodeReply reply;
};
struct NodeState {};

class SimulatedNode : public GenServer<NodeState> {
 public:
  explicit SimulatedNode(NodeOptions options) : options_(options) {}
  std::string InitialCall() const override {
    return "EthereumJSONRPC.SimulatedNode:init";
  }

 protected:
  Co HandleCall(NodeState& state, Message& request, From from) override;
  Co HandleInfo(NodeState& state, Message& message) override;

 private:
  void Answer(From from, NodeReply reply, absl::Duration latency);
  InternalTransactionsReply Traces(const FetchInternalTransactions& r) const;
  BalancesReply Balances(const FetchBalances& r) const;
  const NodeOptions options_;
};

}  // namespace overseer::indexer

#endif  // OVERSEER_SAMPLES_BUFFERED_TASK_JSON_RPC_H_
