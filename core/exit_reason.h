// ExitReason: why a process ended, with OTP's meanings: "normal" and
// "shutdown" are clean; "kill" as a signal cannot be trapped and ends the
// target with "killed"; anything else is a crash ("exception: ...").
#ifndef OVERSEER_CORE_EXIT_REASON_H_
#define OVERSEER_CORE_EXIT_REASON_H_

#include <string>
#include <utility>

namespace overseer {

class ExitReason {
 public:
  ExitReason() : text_("normal") {}
  explicit ExitReason(std::string text) : text_(std::move(text)) {}

  static ExitReason Normal() { return ExitReason("normal"); }
  static ExitReason Shutdown() { return ExitReason("shutdown"); }
  static ExitReason Kill() { return ExitReason("kill"); }
  static ExitReason Killed() { return ExitReason("killed"); }
  static ExitReason NoProc() { return ExitReason("noproc"); }

  bool normal() const { return text_ == "normal"; }
  // shutdown or {shutdown, _}: a clean stop ordered by a supervisor.
  bool shutdown() const { return text_.rfind("shutdown", 0) == 0; }
  bool kill() const { return text_ == "kill"; }
  // Whether a transient child ending so should be restarted.
  bool abnormal() const { return !normal() && !shutdown(); }

  const std::string& text() const { return text_; }
  friend bool operator==(const ExitReason&, const ExitReason&) = default;

 private:
  std::string text_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_EXIT_REASON_H_
