// BeamSampler: reads a running BEAM node, through a BeamConnection, into the
// data model: one Snapshot per Take(), plus Events for the processes that
// appeared and went since the previous one.
//
// What one sample costs the node: one erlang:processes/0, one
// erlang:memory/0, erlang:statistics(run_queue) and
// erlang:statistics(scheduler_wall_time), then one erlang:process_info/2
// per process with a list of items (several calls in flight at once), and,
// once per process whose initial call is proc_lib:init_p/5 or /3, one
// process_info(P, dictionary) for its '$initial_call' (and, before OTP 25,
// which has the `parent` item, its '$ancestors'), kept for the pid's life:
// they never change. No code is loaded and no flag is set on the node.
//
// Figures the BEAM does not give (mailbox bytes, held child specs, per-process
// message and send counts, peaks between samples, ...) are listed in
// CaptureInfo::absent and left 0.
//
// Example:
//   BeamSampler sampler(connection, {});
//   absl::StatusOr<CaptureInfo> info = sampler.Describe(absl::Seconds(1));
//   absl::StatusOr<BeamReading> r = sampler.Take();
//
// Thread contract: one thread, the connection's.
#ifndef OVERSEER_PROBES_BEAM_BEAM_SAMPLER_H_
#define OVERSEER_PROBES_BEAM_BEAM_SAMPLER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "probes/beam/beam_connection.h"
#include "probes/model/model.h"

namespace overseer {

struct BeamSamplerOptions {
  // A sample is given up (DeadlineExceeded) when the node answers none of
  // its calls for this long; a big node that answers steadily is waited for.
  absl::Duration timeout = absl::Seconds(5);
  // process_info calls in flight at once.
  int pipeline = 32;
};

// One sample and what happened since the previous one.
struct BeamReading {
  Snapshot snapshot;
  std::vector<Event> events;  // spawns and exits, at the sample's time
};

class BeamSampler {
 public:
  // `connection` must outlive the sampler.
  BeamSampler(BeamConnection& connection, BeamSamplerOptions options);

  // Reads what the node is (OTP release, schedulers, word size) and returns
  // the capture's description; time 0 of the run is now. Call once, first.
  // Errors: those of BeamConnection::Call.
  absl::StatusOr<CaptureInfo> Describe(absl::Duration interval);

  // Reads every process of the node. Errors: DeadlineExceeded when the node
  // answered nothing for the timeout (the sample is lost, the sampler stays
  // usable); Unavailable when the connection is gone.
  absl::StatusOr<BeamReading> Take();

  // Samples given up since Describe.
  uint64_t skipped() const { return skipped_; }

 private:
  struct Pending;  // one sample being read
  absl::Status ReadSystem(Pending& p);
  absl::Status ReadProcesses(Pending& p);
  absl::Status Apply(Pending& p, size_t index, bool dictionary, Term value);
  void Finish(Pending& p, BeamReading* out);
  struct Lineage;
  static void ApplyLineage(const Lineage& l, ProcessSample& s);

  BeamConnection& connection_;
  BeamSamplerOptions options_;
  int64_t start_ns_ = 0;  // monotonic time of time 0
  int otp_release_ = 0;
  uint64_t word_size_ = 8;
  std::vector<std::string> items_;  // process_info items asked for
  // What proc_lib keeps in a process's dictionary; never changes.
  struct Lineage {
    std::string initial_call;  // '$initial_call'
    uint64_t parent = 0;       // head of '$ancestors' (before OTP 25)
    std::string parent_name;   // ... when it is a registered name
  };
  absl::flat_hash_map<uint64_t, Lineage> lineage_;            // by pid
  std::vector<uint64_t> previous_pids_;                       // sorted
  std::vector<std::pair<uint64_t, uint64_t>> previous_wall_;  // per scheduler
  uint64_t skipped_ = 0;
  bool described_ = false;
};

// "mod:fun/arity" of an {M, F, A} term, Elixir's modules without "Elixir."
// ("Indexer.BufferedTask:init/1"); "" for anything else.
std::string FormatMfa(const Term& mfa);

// What kind of process an initial call (as FormatMfa wrote it) makes.
ProcessKind KindOfInitialCall(const std::string& initial_call);

}  // namespace overseer

#endif  // OVERSEER_PROBES_BEAM_BEAM_SAMPLER_H_
