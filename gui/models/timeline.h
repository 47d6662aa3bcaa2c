// Timeline: which sample every view shows. The scrub bar, the play button,
// the log view (click an event to jump there) and a live session (follow the
// newest sample) all move it; the views only listen to IndexChanged. It holds
// no widget, so tests drive it directly.
//
// Example:
//   Timeline timeline;
//   timeline.SetSampleCount(120);
//   timeline.SetIndex(45);        // IndexChanged(45)
//   timeline.Play();              // steps one sample per interval / speed
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_MODELS_TIMELINE_H_
#define OVERSEER_GUI_MODELS_TIMELINE_H_

#include <QObject>
#include <QTimer>

#include <chrono>
#include <cstddef>

namespace overseer {

class Timeline final : public QObject {
  Q_OBJECT

 public:
  explicit Timeline(QObject* parent = nullptr);
  ~Timeline() override;

  size_t sample_count() const { return sample_count_; }
  size_t index() const { return index_; }
  bool playing() const { return timer_.isActive(); }
  bool follow_live() const { return follow_live_; }
  double speed() const { return speed_; }

  // The run now has `count` samples. While following a live run, the shown
  // sample moves to the newest one.
  void SetSampleCount(size_t count);
  // Shows sample `index` (clamped). A person moving back in a live run stops
  // following it; moving to the newest sample follows again.
  void SetIndex(size_t index);
  // Whether to keep showing the newest sample as samples arrive.
  void SetFollowLive(bool follow);
  // Steps through the samples at `speed` times the recorded pace.
  void Play();
  void Pause();
  void SetSpeed(double speed);
  // The recorded time between two samples, the pace of Play at speed 1.
  void SetSampleInterval(std::chrono::nanoseconds interval);
  void Reset();

 signals:
  void IndexChanged(size_t index);
  void SampleCountChanged(size_t count);
  void PlayingChanged(bool playing);
  void FollowLiveChanged(bool follow);

 private:
  void Step();
  void UpdateTimerInterval();

  size_t sample_count_ = 0;
  size_t index_ = 0;
  bool follow_live_ = true;
  double speed_ = 1.0;
  std::chrono::nanoseconds interval_{std::chrono::seconds(1)};
  QTimer timer_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_TIMELINE_H_
