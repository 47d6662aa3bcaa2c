#include "samples/buffered_task/json_rpc.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace overseer::indexer {

std::string OverseerDescribe(const FetchInternalTransactions& r) {
  return absl::StrCat("trace_replayTransaction x", r.params.size(), " (attempt ",
                      r.attempt, ")");
}

std::string OverseerDescribe(const FetchBalances& r) {
  return absl::StrCat("eth_getBalance x", r.params.size(), " (attempt ", r.attempt, ")");
}

std::string OverseerDescribe(const FetchBlocks& r) {
  return absl::StrCat("eth_getBlockByNumber ", r.first, "..", r.last);
}

Co SimulatedNode::HandleCall(NodeState&, Message& request, From from) {
  SetCurrentFunction("EthereumJSONRPC.SimulatedNode.handle_request/2");
  if (const auto* traces = request.As<FetchInternalTransactions>()) {
    Answer(std::move(from), Traces(*traces), options_.latency);
  } else if (const auto* balances = request.As<FetchBalances>()) {
    Answer(std::move(from), Balances(*balances), options_.latency);
  } else if (const auto* blocks = request.As<FetchBlocks>()) {
    BlocksReply reply;
    for (int64_t b = blocks->first; b >= blocks->last && b >= 0; --b) {
      for (Transaction& t : BlockTransactions(options_.seed, b)) {
        reply.transactions.push_back(std::move(t));
      }
    }
    Answer(std::move(from), std::move(reply), options_.block_latency);
  } else {
    Reply(from, UnknownCall{request.type_name()});
  }
  return {};
}

Co SimulatedNode::HandleInfo(NodeState&, Message& message) {
  if (auto* respond = message.AsMutable<NodeRespond>()) {
    std::visit([&](const auto& reply) { Reply(respond->from, reply); }, respond->reply);
  }
  return {};
}

void SimulatedNode::Answer(From from, NodeReply reply, absl::Duration latency) {
  if (latency <= absl::ZeroDuration()) {
    std::visit([&](const auto& r) { Reply(from, r); }, reply);
    return;
  }
  SendAfter(self(), NodeRespond{std::move(from), std::move(reply)}, latency);
}

InternalTransactionsReply SimulatedNode::Traces(
    const FetchInternalTransactions& r) const {
  InternalTransactionsReply reply;
  if (Fails(options_.seed, BatchKey(r.params), r.attempt, options_.error_rate)) {
    reply.error = "{:error, :timeout}";
    return reply;
  }
  reply.ok = true;
  for (const Entry& e : r.params) {
    uint64_t h = Mix(options_.seed, Digest(e.hash_data));
    int count = 1 + static_cast<int>(h % 3);
    for (int i = 0; i < count; ++i) {
      reply.internal_transactions.push_back(InternalTransaction{
          e.block_number, e.hash_data, i, AddressHash(options_.seed, Mix(h, i))});
    }
  }
  return reply;
}

BalancesReply SimulatedNode::Balances(const FetchBalances& r) const {
  BalancesReply reply;
  if (Fails(options_.seed ^ 0xba1a, BatchKey(r.params), r.attempt, options_.error_rate)) {
    reply.error = "{:error, :timeout}";
    return reply;
  }
  reply.ok = true;
  reply.fetched = static_cast<int64_t>(r.params.size());
  return reply;
}

}  // namespace overseer::indexer
