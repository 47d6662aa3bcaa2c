// TimelineBar: the scrub bar under every view. A slider over the samples,
// the shown time and the run's span, play/pause, speed, and "Live" to follow
// the newest sample of a live run. It edits a Timeline and shows its state.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_TIMELINE_BAR_H_
#define OVERSEER_GUI_WIDGETS_TIMELINE_BAR_H_

#include <QWidget>

#include <cstdint>

class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace overseer {

class Recording;
class Timeline;

class TimelineBar final : public QWidget {
  Q_OBJECT

 public:
  TimelineBar(Timeline* timeline, QWidget* parent = nullptr);
  ~TimelineBar() override;

  // The run whose sample times the label shows (null: none).
  void SetRecording(const Recording* recording, bool live);
  QSlider* slider() const { return slider_; }
  QString time_text() const;

 private:
  void Sync();

  Timeline* timeline_;
  const Recording* recording_ = nullptr;
  bool live_ = false;
  QToolButton* play_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* time_ = nullptr;
  QComboBox* speed_ = nullptr;
  QToolButton* follow_ = nullptr;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_TIMELINE_BAR_H_
