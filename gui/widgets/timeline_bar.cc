#include "gui/widgets/timeline_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

#include "gui/models/timeline.h"
#include "probes/analysis/format.h"
#include "probes/model/recording.h"

namespace overseer {

TimelineBar::TimelineBar(Timeline* timeline, QWidget* parent)
    : QWidget(parent), timeline_(timeline) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(6, 2, 6, 2);
  play_ = new QToolButton(this);
  play_->setToolTip(QStringLiteral("Play / pause (Space)"));
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setTracking(true);
  slider_->setToolTip(QStringLiteral("Scrub through the run (Left / Right)"));
  time_ = new QLabel(this);
  time_->setMinimumWidth(160);
  time_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  speed_ = new QComboBox(this);
  for (double s : {0.5, 1.0, 2.0, 5.0, 10.0}) {
    speed_->addItem(QStringLiteral("%1x").arg(s), s);
  }
  speed_->setCurrentIndex(1);
  speed_->setToolTip(QStringLiteral("Play speed"));
  follow_ = new QToolButton(this);
  follow_->setText(QStringLiteral("Live"));
  follow_->setCheckable(true);
  follow_->setToolTip(QStringLiteral("Follow the newest sample (End)"));
  layout->addWidget(play_);
  layout->addWidget(slider_, 1);
  layout->addWidget(time_);
  layout->addWidget(speed_);
  layout->addWidget(follow_);

  connect(play_, &QToolButton::clicked, this, [this] {
    timeline_->playing() ? timeline_->Pause() : timeline_->Play();
  });
  connect(slider_, &QSlider::valueChanged, this, [this](int v) {
    timeline_->SetIndex(static_cast<size_t>(std::max(v, 0)));
  });
  connect(speed_, &QComboBox::currentIndexChanged, this, [this](int i) {
    timeline_->SetSpeed(speed_->itemData(i).toDouble());
  });
  connect(follow_, &QToolButton::toggled, timeline_, &Timeline::SetFollowLive);
  connect(timeline_, &Timeline::IndexChanged, this, &TimelineBar::Sync);
  connect(timeline_, &Timeline::SampleCountChanged, this, &TimelineBar::Sync);
  connect(timeline_, &Timeline::PlayingChanged, this, &TimelineBar::Sync);
  connect(timeline_, &Timeline::FollowLiveChanged, this, &TimelineBar::Sync);
  Sync();
}

TimelineBar::~TimelineBar() = default;

void TimelineBar::SetRecording(const Recording* recording, bool live) {
  recording_ = recording;
  live_ = live;
  Sync();
}

QString TimelineBar::time_text() const { return time_->text(); }

void TimelineBar::Sync() {
  size_t count = timeline_->sample_count();
  {
    QSignalBlocker block(slider_);
    slider_->setRange(0, count == 0 ? 0 : static_cast<int>(count - 1));
    slider_->setValue(static_cast<int>(timeline_->index()));
    slider_->setPageStep(std::max(1, static_cast<int>(count / 20)));
  }
  slider_->setEnabled(count > 1);
  play_->setEnabled(count > 1);
  play_->setIcon(style()->standardIcon(timeline_->playing() ? QStyle::SP_MediaPause
                                                            : QStyle::SP_MediaPlay));
  {
    QSignalBlocker block(follow_);
    follow_->setChecked(timeline_->follow_live());
  }
  follow_->setVisible(live_);
  if (recording_ == nullptr || count == 0) {
    time_->setText(QStringLiteral("no samples"));
    return;
  }
  int64_t now = recording_->sample_time_ns(timeline_->index());
  int64_t end = recording_->sample_time_ns(count - 1);
  time_->setText(QStringLiteral("%1 / %2  (sample %3 of %4)")
                     .arg(QString::fromStdString(FormatDuration(now)),
                          QString::fromStdString(FormatDuration(end)))
                     .arg(timeline_->index() + 1)
                     .arg(count));
}

}  // namespace overseer
