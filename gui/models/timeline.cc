#include "gui/models/timeline.h"

#include <algorithm>

namespace overseer {

Timeline::Timeline(QObject* parent) : QObject(parent) {
  connect(&timer_, &QTimer::timeout, this, &Timeline::Step);
  UpdateTimerInterval();
}

Timeline::~Timeline() = default;

void Timeline::Reset() {
  Pause();
  sample_count_ = 0;
  index_ = 0;
  follow_live_ = true;
  emit SampleCountChanged(0);
  emit FollowLiveChanged(true);
}

void Timeline::SetSampleCount(size_t count) {
  if (count == sample_count_) return;
  bool first = sample_count_ == 0;
  sample_count_ = count;
  emit SampleCountChanged(count);
  if (count == 0) return;
  if (follow_live_ && !playing()) {
    index_ = count - 1;
    emit IndexChanged(index_);
  } else if (first || index_ >= count) {
    index_ = std::min(index_, count - 1);
    emit IndexChanged(index_);
  }
}

void Timeline::SetIndex(size_t index) {
  if (sample_count_ == 0) return;
  index = std::min(index, sample_count_ - 1);
  bool at_end = index + 1 == sample_count_;
  if (follow_live_ != at_end) {
    follow_live_ = at_end;
    emit FollowLiveChanged(at_end);
  }
  if (index == index_) return;
  index_ = index;
  emit IndexChanged(index_);
}

void Timeline::SetFollowLive(bool follow) {
  if (follow == follow_live_) return;
  follow_live_ = follow;
  emit FollowLiveChanged(follow);
  if (follow && sample_count_ > 0 && index_ + 1 != sample_count_) {
    index_ = sample_count_ - 1;
    emit IndexChanged(index_);
  }
}

void Timeline::Play() {
  if (playing() || sample_count_ < 2) return;
  if (index_ + 1 >= sample_count_) SetIndex(0);  // replay from the start
  timer_.start();
  emit PlayingChanged(true);
}

void Timeline::Pause() {
  if (!playing()) return;
  timer_.stop();
  emit PlayingChanged(false);
}

void Timeline::SetSpeed(double speed) {
  speed_ = std::clamp(speed, 0.1, 100.0);
  UpdateTimerInterval();
}

void Timeline::SetSampleInterval(std::chrono::nanoseconds interval) {
  if (interval.count() > 0) interval_ = interval;
  UpdateTimerInterval();
}

void Timeline::UpdateTimerInterval() {
  double ms = std::chrono::duration<double, std::milli>(interval_).count() / speed_;
  // Faster than 25 steps a second shows nothing more: loads are merged.
  timer_.setInterval(static_cast<int>(std::clamp(ms, 40.0, 60'000.0)));
}

void Timeline::Step() {
  if (index_ + 1 >= sample_count_) {
    Pause();
    return;
  }
  SetIndex(index_ + 1);
}

}  // namespace overseer
