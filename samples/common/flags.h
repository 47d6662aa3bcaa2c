// FlagSet: the command-line flags of a workload (and of the demo launcher),
// each bound to a field of a configuration struct, parsed from
// "--name value" or "--name=value". Durations are written like "30s", "2m"
// or "20ms"; counts like "5000", "100k" or "1M". A bad or unknown flag is an
// InvalidArgument naming it; nothing is half-applied that the caller keeps
// using, since the caller stops at the first error.
//
// Example:
//   struct Config { absl::Duration latency = absl::Milliseconds(20); };
//   Config config;
//   FlagSet flags;
//   flags.AddDuration("rpc-latency", &config.latency, "latency of one call");
//   absl::Status s = flags.Parse({"--rpc-latency", "5ms"});
#ifndef OVERSEER_SAMPLES_COMMON_FLAGS_H_
#define OVERSEER_SAMPLES_COMMON_FLAGS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace overseer {

// "30s", "2m", "20ms", "1.5s": a non-negative duration with a unit.
absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view text);
// "5000", "100k", "1M" (k = 1000, M = 1000000): a non-negative count.
absl::StatusOr<int64_t> ParseCountFlag(absl::string_view text);

class FlagSet {
 public:
  FlagSet() = default;
  FlagSet(const FlagSet&) = delete;
  FlagSet& operator=(const FlagSet&) = delete;

  // Each Add binds `--name` to `*out`, whose current value is the default
  // shown by Usage(). `out` must outlive the FlagSet. Not thread-safe.
  void AddDuration(std::string name, absl::Duration* out, std::string help);
  void AddCount(std::string name, int64_t* out, std::string help);
  void AddInt(std::string name, int* out, std::string help);
  void AddDouble(std::string name, double* out, std::string help);
  void AddString(std::string name, std::string* out, std::string help);
  // A string that must be one of `choices`.
  void AddChoice(std::string name, std::string* out, std::vector<std::string> choices,
                 std::string help);
  // "--name" alone sets true; "--name=false" or "--no-name" sets false.
  void AddBool(std::string name, bool* out, std::string help);

  // Parses every argument; each must be a declared flag. Returns
  // InvalidArgument naming the first bad flag or value.
  absl::Status Parse(absl::Span<const std::string> args);
  // Whether the last Parse() set `name`.
  bool WasSet(absl::string_view name) const;
  // One line per flag: name, default, help.
  std::string Usage() const;

 private:
  struct Flag {
    std::string name;
    std::string help;
    std::string default_text;
    bool is_bool = false;
    bool set = false;
    std::function<absl::Status(absl::string_view)> apply;
  };
  Flag* Find(absl::string_view name);
  void Add(Flag flag);

  std::vector<Flag> flags_;
};

}  // namespace overseer

#endif  // OVERSEER_SAMPLES_COMMON_FLAGS_H_
