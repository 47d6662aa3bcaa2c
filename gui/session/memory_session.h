// MemorySession: a session over a MemoryRecording that some producer fills
// while the views read it: the tests' synthetic runs, and the base of the
// in-process demo session (a sampler appends, the views follow).
//
// Example:
//   auto rec = std::make_shared<MemoryRecording>(CaptureInfo{});
//   MemorySession session(rec, {.label = "demo", .live = true});
//   rec->Append(snapshot);          // from the producer's thread
//   session.NotifySamplesAdded();   // ditto: the signal comes on the GUI thread
//
// Thread contract: the object lives on the GUI thread. NotifySamplesAdded and
// NotifyFailure may be called from any thread; the live-control getters too
// (a producer reads the interval and the pause flag).
#ifndef OVERSEER_GUI_SESSION_MEMORY_SESSION_H_
#define OVERSEER_GUI_SESSION_MEMORY_SESSION_H_

#include <atomic>
#include <chrono>
#include <memory>

#include "gui/session/session.h"
#include "probes/model/recording.h"

namespace overseer {

class MemorySession : public Session {
  Q_OBJECT

 public:
  struct Options {
    QString label = QStringLiteral("in memory");
    Source source = Source::kMemory;
    bool live = false;
    std::chrono::milliseconds refresh_interval{1000};
  };

  MemorySession(std::shared_ptr<MemoryRecording> recording, Options options,
                QObject* parent = nullptr);
  ~MemorySession() override;

  const Recording& recording() const override { return *recording_; }
  Source source() const override { return options_.source; }
  QString label() const override { return options_.label; }
  bool is_live() const override { return live_.load(); }

  bool has_live_controls() const override { return options_.live; }
  std::chrono::milliseconds refresh_interval() const override;
  void SetRefreshInterval(std::chrono::milliseconds interval) override;
  bool paused() const override { return paused_.load(); }
  void SetPaused(bool paused) override;

  // Tells the views that samples were appended. Any thread; calls made before
  // the GUI thread got to the previous one are merged into one signal.
  void NotifySamplesAdded();
  // Ends the live run with an error message (e.g. the producer died). Any
  // thread; the Failed signal comes on the GUI thread.
  void NotifyFailure(const QString& message);
  // Ends the live run normally: no more samples will come. Any thread.
  void NotifyFinished();

 private:
  void EmitSamplesAdded();

  std::shared_ptr<MemoryRecording> recording_;
  const Options options_;
  std::atomic<bool> live_;
  std::atomic<bool> paused_{false};
  std::atomic<int64_t> interval_ms_;
  std::atomic<bool> notify_pending_{false};
};

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_MEMORY_SESSION_H_
