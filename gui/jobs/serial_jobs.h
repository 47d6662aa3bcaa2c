// SerialJobs: background work for a model or a loader, one job at a time on
// Qt's thread pool, results handed back on the owner's thread through a
// queued call (hotspot's habit). While a job runs, a newer request waits and
// replaces any older waiting one, so scrubbing a timeline or typing in a
// filter box never piles up work. Invalidate() bumps the job id: whatever
// was asked before it is dropped when it finishes (a new session, new
// options).
//
// Example:
//   SerialJobs<std::vector<uint32_t>> jobs_{this};
//   jobs_.Post([rows] { return SelectRows(*rows, query); },
//              [this](std::vector<uint32_t> order) { Apply(order); });
//
// Thread contract: construct, Post, Invalidate and destroy on the owner's
// thread (the thread of `context`); `done` runs there too. The work function
// runs on a pool thread and must only touch what it captured.
#ifndef OVERSEER_GUI_JOBS_SERIAL_JOBS_H_
#define OVERSEER_GUI_JOBS_SERIAL_JOBS_H_

#include <QCoreApplication>
#include <QEventLoop>
#include <QFuture>
#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace overseer {

template <typename Result>
class SerialJobs {
 public:
  using Work = std::function<Result()>;
  using Done = std::function<void(Result)>;

  explicit SerialJobs(QObject* context) : context_(context) {}
  SerialJobs(const SerialJobs&) = delete;
  SerialJobs& operator=(const SerialJobs&) = delete;

  // Waits for the running job: its work may read what the owner keeps alive.
  ~SerialJobs() {
    waiting_.reset();
    QFuture<void> running = work_future_;
    running.waitForFinished();
  }

  // Runs `work` after the running job, replacing any job still waiting.
  void Post(Work work, Done done) {
    Q_ASSERT(QThread::currentThread() == context_->thread());
    if (waiting_.has_value()) DropInBackground(std::move(*waiting_));
    waiting_ = Job{next_id_++, std::move(work), std::move(done)};
    if (!running_) StartWaiting();
  }

  // Drops the waiting job and the result of the running one.
  void Invalidate() {
    Q_ASSERT(QThread::currentThread() == context_->thread());
    if (waiting_.has_value()) DropInBackground(std::move(*waiting_));
    waiting_.reset();
    dropped_below_ = next_id_;
  }

  // Whether a job runs or waits.
  bool busy() const { return running_ || waiting_.has_value(); }

  // Blocks until no job runs or waits, delivering results as they come.
  // For tests and benchmarks; the GUI never calls it.
  void WaitForIdle() {
    while (busy()) {
      QFuture<void> running = work_future_;  // Finish may replace the member
      running.waitForFinished();
      QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
  }

 private:
  struct Job {
    uint64_t id = 0;
    Work work;
    Done done;
  };

  void StartWaiting() {
    Job job = std::move(*waiting_);
    waiting_.reset();
    running_ = true;
    // The result always comes back as a queued call, even when the work is
    // done at once or stolen by a waiting thread, so `done` never runs
    // inside Post. Qt drops the call if context_ is gone by then.
    work_future_ = QtConcurrent::run(
        [this, id = job.id, work = std::move(job.work), done = std::move(job.done),
         context = context_] {
          Result result = work();
          QMetaObject::invokeMethod(
              context, [this, id, done, result] { Finish(id, done, result); },
              Qt::QueuedConnection);
        });
  }

  void Finish(uint64_t id, const Done& done, Result result) {
    running_ = false;
    if (id >= dropped_below_) {
      done(std::move(result));
    } else {
      DropInBackground(std::move(result));
    }
    if (waiting_.has_value() && !running_) StartWaiting();
  }

  // What a job captured or produced may be a million rows: freeing it is
  // work for the pool, not for the GUI thread.
  template <typename T>
  static void DropInBackground(T value) {
    auto holder = std::make_shared<T>(std::move(value));
    QThreadPool::globalInstance()->start([holder]() mutable { holder.reset(); });
  }

  QObject* const context_;
  std::optional<Job> waiting_;
  bool running_ = false;
  uint64_t next_id_ = 1;
  uint64_t dropped_below_ = 0;
  QFuture<void> work_future_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_JOBS_SERIAL_JOBS_H_
