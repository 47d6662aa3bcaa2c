#include "samples/common/flags.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace overseer {

absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view text) {
  absl::Duration d;
  if (text.empty() || !absl::ParseDuration(std::string(text), &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a duration (write it like 30s, 2m or 20ms)"));
  }
  if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a finite, non-negative duration"));
  }
  return d;
}

absl::StatusOr<int64_t> ParseCountFlag(absl::string_view text) {
  double scale = 1;
  absl::string_view digits = text;
  if (!digits.empty()) {
    char last = digits.back();
    if (last == 'k' || last == 'K') scale = 1e3;
    if (last == 'M') scale = 1e6;
    if (scale != 1) digits.remove_suffix(1);
  }
  double value = 0;
  if (digits.empty() || !absl::SimpleAtod(digits, &value) || !std::isfinite(value) ||
      value < 0 || value * scale > 9e15) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a count (write it like 5000, 100k or 1M)"));
  }
  return static_cast<int64_t>(std::llround(value * scale));
}

void FlagSet::Add(Flag flag) { flags_.push_back(std::move(flag)); }

FlagSet::Flag* FlagSet::Find(absl::string_view name) {
  for (Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void FlagSet::AddDuration(std::string name, absl::Duration* out, std::string help) {
  Add({std::move(name), std::move(help), absl::FormatDuration(*out), false, false,
       [out](absl::string_view v) -> absl::Status {
         absl::StatusOr<absl::Duration> d = ParseDurationFlag(v);
         if (!d.ok()) return d.status();
         *out = *d;
         return absl::OkStatus();
       }});
}

void FlagSet::AddCount(std::string name, int64_t* out, std::string help) {
  Add({std::move(name), std::move(help), absl::StrCat(*out), false, false,
       [out](absl::string_view v) -> absl::Status {
         absl::StatusOr<int64_t> n = ParseCountFlag(v);
         if (!n.ok()) return n.status();
         *out = *n;
         return absl::OkStatus();
       }});
}

void FlagSet::AddInt(std::string name, int* out, std::string help) {
  Add({std::move(name), std::move(help), absl::StrCat(*out), false, false,
       [out](absl::string_view v) -> absl::Status {
         absl::StatusOr<int64_t> n = ParseCountFlag(v);
         if (!n.ok()) return n.status();
         if (*n > 1'000'000'000) {
           return absl::InvalidArgumentError(absl::StrCat("'", v, "' is too large"));
         }
         *out = static_cast<int>(*n);
         return absl::OkStatus();
       }});
}

void FlagSet::AddDouble(std::string name, double* out, std::string help) {
  Add({std::move(name), std::move(help), absl::StrCat(*out), false, false,
       [out](absl::string_view v) -> absl::Status {
         double d = 0;
         if (!absl::SimpleAtod(v, &d) || !std::isfinite(d)) {
           return absl::InvalidArgumentError(absl::StrCat("'", v, "' is not a number"));
         }
         *out = d;
         return absl::OkStatus();
       }});
}

void FlagSet::AddString(std::string name, std::string* out, std::string help) {
  Add({std::move(name), std::move(help), *out, false, false, [out](absl::string_view v) {
         *out = std::string(v);
         return absl::OkStatus();
       }});
}

void FlagSet::AddChoice(std::string name, std::string* out,
                        std::vector<std::string> choices, std::string help) {
  std::string all = absl::StrJoin(choices, "|");
  Add({std::move(name), absl::StrCat(help, " (", all, ")"), *out, false, false,
       [out, choices = std::move(choices), all](absl::string_view v) -> absl::Status {
         if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
           return absl::InvalidArgumentError(
               absl::StrCat("'", v, "' is not one of ", all));
         }
         *out = std::string(v);
         return absl::OkStatus();
       }});
}

void FlagSet::AddBool(std::string name, bool* out, std::string help) {
  Add({std::move(name), std::move(help), *out ? "true" : "false", true, false,
       [out](absl::string_view v) -> absl::Status {
         if (v == "true" || v == "1" || v == "yes") {
           *out = true;
         } else if (v == "false" || v == "0" || v == "no") {
           *out = false;
         } else {
           return absl::InvalidArgumentError(
               absl::StrCat("'", v, "' is not true or false"));
         }
         return absl::OkStatus();
       }});
}

absl::Status FlagSet::Parse(absl::Span<const std::string> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", arg, "' (flags start with --)"));
    }
    arg.remove_prefix(2);
    absl::string_view name = arg;
    std::optional<absl::string_view> value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    Flag* flag = Find(name);
    if (flag == nullptr && !value && absl::StartsWith(name, "no-")) {
      flag = Find(name.substr(3));
      if (flag != nullptr && flag->is_bool)
        value = "false";
      else
        flag = nullptr;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!value) {
      if (flag->is_bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
    }
    absl::Status s = flag->apply(*value);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", s.message()));
    }
    flag->set = true;
  }
  return absl::OkStatus();
}

bool FlagSet::WasSet(absl::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return f.set;
  }
  return false;
}

std::string FlagSet::Usage() const {
  size_t width = 0;
  for (const Flag& f : flags_) width = std::max(width, f.name.size());
  std::string out;
  for (const Flag& f : flags_) {
    absl::StrAppend(&out, "  --", f.name, std::string(width - f.name.size() + 2, ' '),
                    f.help);
    if (!f.default_text.empty()) absl::StrAppend(&out, " [", f.default_text, "]");
    out += "\n";
  }
  return out;
}

}  // namespace overseer
