// What the accounting allocator costs: a 64-byte new/delete pair through the
// replaced global operators, with no account current, with an account in
// each mode, and, as the baseline, malloc/free of the same 64 bytes and of
// the 80 bytes our operator really asks malloc for (64 + the block header).
// The difference between a mode and "no account" is the accounting itself;
// the difference to malloc(64) is everything our operator adds.
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>

#include "benchmark/benchmark.h"
#include "core/account.h"

namespace overseer {
namespace {

constexpr size_t kBlock = 64;

constexpr int kNoAccount = -1;

// `mode`: kNoAccount, or the AccountScope::Mode of the current account.
void BM_NewDelete64(benchmark::State& state, int mode) {
  // On the heap, as a process's account is (inside its control block).
  auto owner = std::make_unique<Account>();
  Account& account = *owner;
  std::optional<AccountScope> scope;
  if (mode != kNoAccount) {
    scope.emplace(&account, static_cast<AccountScope::Mode>(mode));
  }
  {
    void* probe = ::operator new(kBlock);
    benchmark::DoNotOptimize(probe);
    const bool charged = CurrentAccount() == nullptr || mode == AccountScope::kDeferred ||
                         account.bytes() == static_cast<int64_t>(kBlock);
    ::operator delete(probe);
    if (!charged) state.SkipWithError("operator new did not charge the account");
  }
  for (auto _ : state) {
    void* p = ::operator new(kBlock);
    benchmark::DoNotOptimize(p);
    ::operator delete(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_NewDelete64, no_account, kNoAccount);
BENCHMARK_CAPTURE(BM_NewDelete64, exclusive, AccountScope::kExclusive);
BENCHMARK_CAPTURE(BM_NewDelete64, shared, AccountScope::kShared);
BENCHMARK_CAPTURE(BM_NewDelete64, deferred, AccountScope::kDeferred);

// range(0): bytes.
void BM_MallocFree(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = std::malloc(bytes);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MallocFree)
    ->ArgName("bytes")
    ->Arg(kBlock)
    ->Arg(kBlock + kAllocationHeaderBytes);

}  // namespace
}  // namespace overseer
