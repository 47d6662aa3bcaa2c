// Session: where the views get a run from. One interface for a capture file,
// an attached program and an in-process demo, so that every widget works the
// same on all three (GammaRay's habit: views see a model plus an abstract
// command interface). A session exposes a Recording, says whether it is live,
// announces new samples and failures, and offers the controls a live run has
// (refresh interval, pause); a recorded run simply ignores them.
//
// Example:
//   std::unique_ptr<Session> s = std::make_unique<MemorySession>(recording);
//   QObject::connect(s.get(), &Session::SamplesAdded, view, &View::Update);
//   size_t n = s->recording().sample_count();
//
// Thread contract: a Session lives on the GUI thread and emits its signals
// there; recording() may be read from any thread (Recording is thread-safe)
// for as long as the session exists.
#ifndef OVERSEER_GUI_SESSION_SESSION_H_
#define OVERSEER_GUI_SESSION_SESSION_H_

#include <QObject>
#include <QString>

#include <chrono>
#include <cstddef>

#include "probes/model/recording.h"

namespace overseer {

class Session : public QObject {
  Q_OBJECT

 public:
  enum class Source { kFile, kAttach, kInProcess, kMemory };

  explicit Session(QObject* parent = nullptr) : QObject(parent) {}
  ~Session() override = default;

  // The run this session shows; valid for the session's lifetime.
  virtual const Recording& recording() const = 0;

  // What the run comes from, and a short label for people ("capture
  // leak.ovsc", "attached to pid 4242", "demo buffered-task").
  virtual Source source() const = 0;
  virtual QString label() const = 0;

  // Whether samples can still arrive (attached and in-process runs).
  virtual bool is_live() const = 0;

  // Live controls. A session that has none returns false from
  // has_live_controls() and ignores the setters.
  virtual bool has_live_controls() const { return false; }
  virtual std::chrono::milliseconds refresh_interval() const {
    return std::chrono::milliseconds(0);
  }
  virtual void SetRefreshInterval(std::chrono::milliseconds /*interval*/) {}
  virtual bool paused() const { return false; }
  virtual void SetPaused(bool /*paused*/) {}

  // The message of the failure that ended the session, empty while healthy.
  QString failure() const { return failure_; }

 signals:
  // The recording now holds `sample_count` samples (live sessions; a file
  // session emits it once when its samples are known).
  void SamplesAdded(size_t sample_count);
  // The run ended with an error (lost connection, damaged data). What was
  // read stays readable through recording().
  void Failed(const QString& message);
  // A live control changed (interval or pause).
  void ControlsChanged();

 protected:
  // Records the failure and emits Failed once; later calls are ignored so a
  // broken stream does not flood the window. GUI thread only.
  void ReportFailure(const QString& message);

 private:
  QString failure_;
};

// "file", "attach", "in-process" or "memory".
QString ToString(Session::Source source);

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_SESSION_H_
