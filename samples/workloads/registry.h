// The registry of every demo workload, for the launcher (overseer-demo
// --list), the GUI's Demo menu and the headless recorder, which all start
// workloads by name.
//
// Example:
//   for (const WorkloadEntry& e : Workloads()) std::puts(e.name);
//   absl::StatusOr<std::unique_ptr<Workload>> w =
//       MakeWorkload("buffered-task", {"--mode", "closure", "--backlog", "1M"});
#ifndef OVERSEER_SAMPLES_WORKLOADS_REGISTRY_H_
#define OVERSEER_SAMPLES_WORKLOADS_REGISTRY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "samples/common/workload.h"

namespace overseer {

struct WorkloadEntry {
  const char* name;                     // as on the command line
  std::unique_ptr<Workload> (*make)();  // a new instance, default flags
};

// Every workload, in the order --list shows them. Thread-safe.
absl::Span<const WorkloadEntry> Workloads();

// A new instance of the workload called `name`, with `args` parsed as its
// flags. NotFound (listing the names) for an unknown name; InvalidArgument
// naming the flag for a bad one.
absl::StatusOr<std::unique_ptr<Workload>> MakeWorkload(
    absl::string_view name, absl::Span<const std::string> args = {});

}  // namespace overseer

#endif  // OVERSEER_SAMPLES_WORKLOADS_REGISTRY_H_
