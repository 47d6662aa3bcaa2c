#include "samples/workloads/registry.h"

#include "absl/strings/str_cat.h"
#include "samples/buffered_task/buffered_task_workload.h"
#include "samples/workloads/binary_hoarder.h"
#include "samples/workloads/healthy_pool.h"
#include "samples/workloads/held_spec.h"
#include "samples/workloads/mailbox_flood.h"

namespace overseer {
namespace {

template <typename W>
std::unique_ptr<Workload> Make() {
  return std::make_unique<W>();
}

const WorkloadEntry kWorkloads[] = {
    {"buffered-task", &Make<indexer::BufferedTaskWorkload>},
    {"mailbox-flood", &Make<workloads::MailboxFloodWorkload>},
    {"binary-hoarder", &Make<workloads::BinaryHoarderWorkload>},
    {"held-spec", &Make<workloads::HeldSpecWorkload>},
    {"healthy-pool", &Make<workloads::HealthyPoolWorkload>},
};

}  // namespace

absl::Span<const WorkloadEntry> Workloads() { return kWorkloads; }

absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(
    absl::string_view name, absl::Span<const std::string> args) {
  for (const WorkloadEntry& e : kWorkloads) {
    if (name != e.name) continue;
    std::unique_ptr<Workload> w = e.make();
    FlagSet flags;
    w->DefineFlags(flags);
    if (absl::Status s = flags.Parse(args); !s.ok()) return s;
    return w;
  }
  std::string names;
  for (const WorkloadEntry& e : kWorkloads) absl::StrAppend(&names, " ", e.name);
  return absl::NotFoundError(
      absl::StrCat("no workload called '", name, "'; there are:", names));
}

}  // namespace overseer
