// ReleaseInBackground: frees a large value (a million-row table, a decoded
// snapshot) on a pool thread. Freeing one takes longer than a frame, and the
// GUI thread drops such values every time the timeline moves, so every
// holder of a shared Instant, table or tree hands its old pointer here
// instead of letting it go.
//
// Example:
//   ReleaseInBackground(std::exchange(table_, std::move(new_table)));
//
// Thread-safe. When other holders remain, this only drops one reference; the
// last holder, if it also comes here, frees the value on the pool.
#ifndef OVERSEER_GUI_JOBS_RELEASE_H_
#define OVERSEER_GUI_JOBS_RELEASE_H_

#include <QThreadPool>

#include <memory>
#include <utility>

namespace overseer {

template <typename T>
void ReleaseInBackground(std::shared_ptr<T> value) {
  if (!value) return;
  if (value.use_count() > 1) return;  // not the last: dropping is cheap
  QThreadPool::globalInstance()->start(
      [value = std::move(value)]() mutable { value.reset(); });
}

}  // namespace overseer

#endif  // OVERSEER_GUI_JOBS_RELEASE_H_
