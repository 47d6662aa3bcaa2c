// Small helpers for absl::Status, since the Abseil on Debian 12 (20220623)
// ships neither absl/log nor status macros.
//
//   RETURN_IF_ERROR(writer.Begin(info));
//   ASSIGN_OR_RETURN(auto file, OpenFileSink(path));
//   OVERSEER_CHECK(ptr != nullptr) << "why";   // aborts with a message
#ifndef OVERSEER_CORE_STATUS_MACROS_H_
#define OVERSEER_CORE_STATUS_MACROS_H_

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define OVERSEER_STATUS_CONCAT_INNER(a, b) a##b
#define OVERSEER_STATUS_CONCAT(a, b) OVERSEER_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status overseer_status_ = (expr);          \
    if (!overseer_status_.ok()) return overseer_status_; \
  } while (0)

#define OVERSEER_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr)                                          \
  OVERSEER_ASSIGN_OR_RETURN_IMPL(                                            \
      OVERSEER_STATUS_CONCAT(overseer_statusor_, __LINE__), lhs, expr)

namespace overseer::internal {

// Streams a message, then aborts: for broken invariants, never for input.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition) {
    stream_ << file << ":" << line << ": check failed: " << condition << " ";
  }
  [[noreturn]] ~CheckFailure() {
    std::fprintf(stderr, "%s\n", stream_.str().c_str());
    std::abort();
  }
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace overseer::internal

#define OVERSEER_CHECK(condition)                   \
  if (condition) {                                  \
  } else                                            \
    ::overseer::internal::CheckFailure(__FILE__, __LINE__, #condition).stream()

#endif  // OVERSEER_CORE_STATUS_MACROS_H_
