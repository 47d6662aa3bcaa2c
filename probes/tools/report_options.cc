#include "probes/tools/report_options.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace overseer {
namespace {

absl::Status Usage(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

absl::StatusOr<size_t> ParseCount(const std::string& flag, const std::string& text) {
  uint64_t n = 0;
  if (!absl::SimpleAtoi(text, &n) || absl::StartsWith(text, "-")) {
    return Usage(absl::StrCat(flag, " wants a count, got '", text, "'"));
  }
  return static_cast<size_t>(n);
}

absl::StatusOr<ReportFormat> ParseFormat(const std::string& text) {
  if (text == "text") return ReportFormat::kText;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "json") return ReportFormat::kJson;
  return Usage(absl::StrCat("--format wants text, csv or json, got '", text, "'"));
}

// Applies one flag that takes a value.
absl::Status ApplyValue(const std::string& flag, const std::string& value,
                        ReportOptions& o) {
  if (flag == "--top") {
    absl::StatusOr<size_t> n = ParseCount(flag, value);
    if (!n.ok()) return n.status();
    o.top = *n;
  } else if (flag == "--sort") {
    std::optional<SortKey> key = ParseSortKey(value);
    if (!key) {
      return Usage(
          absl::StrCat("--sort wants memory, msgq, held, growth, reductions, "
                       "peak_memory, peak_msgq or peak_mailbox_bytes, got '",
                       value, "'"));
    }
    o.sort = *key;
  } else if (flag == "--from" || flag == "--to") {
    absl::StatusOr<int64_t> t = ParseTimeArg(value);
    if (!t.ok()) return Usage(absl::StrCat(flag, ": ", t.status().message()));
    (flag == "--from" ? o.from_ns : o.to_ns) = *t;
  } else if (flag == "--at" || flag == "--since" || flag == "--rate-span") {
    absl::StatusOr<int64_t> t = ParseTimeArg(value);
    if (!t.ok()) return Usage(absl::StrCat(flag, ": ", t.status().message()));
    if (flag == "--at") o.at_ns = *t;
    if (flag == "--since") o.since_ns = *t;
    if (flag == "--rate-span") o.rate_span_ns = *t;
  } else if (flag == "--format") {
    absl::StatusOr<ReportFormat> f = ParseFormat(value);
    if (!f.ok()) return f.status();
    o.format = *f;
  } else if (flag == "--pid") {
    absl::StatusOr<uint64_t> pid = ParsePidArg(value);
    if (!pid.ok()) return pid.status();
    o.pid = *pid;
  } else if (flag == "--filter") {
    o.filter = value;
  } else {
    return Usage(absl::StrCat("unknown flag ", flag));
  }
  return absl::OkStatus();
}

bool TakesValue(const std::string& flag) {
  static const char* const kFlags[] = {"--top",    "--sort",      "--at",   "--since",
                                       "--format", "--pid",       "--filter", "--rate-span",
                                       "--from",   "--to"};
  return std::any_of(std::begin(kFlags), std::end(kFlags),
                     [&](const char* f) { return flag == f; });
}

// Reads "--export chrome-trace OUT.json" starting at args[i] == "--export".
absl::Status ParseExport(const std::vector<std::string>& args, size_t i,
                         ReportOptions& o) {
  if (i + 1 >= args.size()) {
    return Usage("--export wants a kind and a file: --export chrome-trace OUT.json");
  }
  if (args[i + 1] != "chrome-trace") {
    return Usage(
        absl::StrCat("--export knows only chrome-trace, got '", args[i + 1], "'"));
  }
  if (i + 2 >= args.size()) {
    return Usage("--export chrome-trace wants an output file");
  }
  o.chrome_trace_path = args[i + 2];
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseTimeArg(const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d)) {
    bool bare =
        !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
    return absl::InvalidArgumentError(
        bare ? absl::StrCat("'", text,
                            "' needs a unit, like 30s, 1m30s or "
                            "1500ms")
             : absl::StrCat("'", text,
                            "' is not a time like 30s, 1m30s or "
                            "1500ms"));
  }
  if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a time from the start of the run"));
  }
  return absl::ToInt64Nanoseconds(d);
}

absl::StatusOr<uint64_t> ParsePidArg(const std::string& text) {
  absl::string_view digits = text;
  bool erlang_form = absl::ConsumePrefix(&digits, "<0.");
  bool well_formed = !erlang_form || absl::ConsumeSuffix(&digits, ".0>");
  uint64_t pid = 0;
  if (!well_formed || digits.empty() ||
      digits.find_first_not_of("0123456789") != absl::string_view::npos ||
      !absl::SimpleAtoi(digits, &pid)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--pid wants a pid like 42 or <0.42.0>, got '", text, "'"));
  }
  return pid;
}

absl::StatusOr<ReportOptions> ParseReportArgs(const std::vector<std::string>& args) {
  ReportOptions o;
  std::vector<std::string> positional;
  bool flags_done = false;
  bool compare = false;  // --compare A B: the two captures are the positionals
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg == "-" || !absl::StartsWith(arg, "-")) {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
    } else if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--profile") {
      o.profile = true;
    } else if (arg == "--suspects") {
      o.suspects_only = true;
    } else if (arg == "--compare") {
      compare = true;
    } else if (arg == "--export") {
      absl::Status parsed = ParseExport(args, i, o);
      if (!parsed.ok()) return parsed;
      i += 2;
    } else {
      std::string flag = arg;
      std::string value;
      size_t eq = arg.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        flag = arg.substr(0, eq);
        value = arg.substr(eq + 1);
      }
      if (!TakesValue(flag)) return Usage(absl::StrCat("unknown flag ", flag));
      if (!inline_value) {
        if (i + 1 >= args.size()) {
          return Usage(absl::StrCat(flag, " wants a value"));
        }
        value = args[++i];
      }
      absl::Status applied = ApplyValue(flag, value, o);
      if (!applied.ok()) return applied;
    }
  }
  if (o.help) return o;
  if (o.from_ns && o.to_ns && *o.from_ns > *o.to_ns) {
    return Usage("--from is after --to");
  }
  if (compare) {
    if (positional.size() != 2) {
      return Usage("--compare wants two captures: overseer-report --compare A.ovc B.ovc");
    }
    if (o.profile || o.suspects_only || o.pid || !o.chrome_trace_path.empty()) {
      return Usage("--compare prints the comparison only (no --profile, --suspects, --pid "
                   "or --export)");
    }
    o.capture_path = positional[0];
    o.compare_path = positional[1];
    return o;
  }
  if (o.profile && o.suspects_only) {
    return Usage("--profile and --suspects are two different reports; pick one");
  }
  if (positional.empty()) {
    return Usage("which capture? usage: overseer-report FILE [flags]");
  }
  if (positional.size() > 1) {
    return Usage(absl::StrCat("one capture at a time, got '", positional[0], "' and '",
                              positional[1], "'"));
  }
  o.capture_path = positional[0];
  return o;
}

std::string ReportUsage() {
  return R"(usage: overseer-report FILE [flags]
       overseer-report --compare A.ovc B.ovc [--format F] [--top N]

Prints what a capture shows: a summary of the run, the suspects (ranked
findings over the whole run, each with its evidence), then the top
processes, with outliers flagged and the reason why, and their peaks over
the run.

  --top N             how many processes (default 10; 0: all)
  --sort KEY          memory (default), msgq, held, growth, reductions,
                      reductions_delta, mailbox_bytes, binary, pid, name,
                      current_function, or a peak over the run (or the
                      --from/--to window): peak_memory, peak_msgq,
                      peak_mailbox_bytes; sorting by a peak also lists the
                      processes that ended before --at
  --suspects          only the suspects: what went wrong in the run, who,
                      why, and the figures with the instants they were seen
  --from TIME, --to TIME
                      the window the suspects and the peaks cover
                      (default: the whole run)
  --compare A B       compare two captures: processes matched by name or
                      initial call, peaks, rates, timeouts, throughput and
                      profiles, with the ratio B/A
  --at TIME           the instant to show, from the start of the run
                      (30s, 1m30s, 1500ms; default: the last sample)
  --filter TEXT       only processes whose name, pid or current function
                      contains TEXT (any case)
  --pid PID           one process (42 or <0.42.0>)
  --rate-span TIME    measure growth and reductions over this span
                      (default 5s; 0: since the sample before)
  --format FORMAT     text (default), csv or json; csv and json give exact
                      bytes
  --profile           the eprof-like profile of timed zones instead of the
                      process table: all processes, or --pid's
  --since TIME        with --profile: only what happened after TIME
  --export chrome-trace OUT.json
                      write the whole run as Chrome trace event JSON, for
                      ui.perfetto.dev or chrome://tracing, and nothing else
  -h, --help          this text

Exit status: 0 done (a damaged tail only warns), 1 unreadable capture,
2 bad command line.
)";
}

}  // namespace overseer
