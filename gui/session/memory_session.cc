#include "gui/session/memory_session.h"

#include <QMetaObject>

#include <utility>

namespace overseer {

MemorySession::MemorySession(std::shared_ptr<MemoryRecording> recording,
                             Options options, QObject* parent)
    : Session(parent),
      recording_(std::move(recording)),
      options_(std::move(options)),
      live_(options_.live),
      interval_ms_(options_.refresh_interval.count()) {}

MemorySession::~MemorySession() = default;

std::chrono::milliseconds MemorySession::refresh_interval() const {
  return std::chrono::milliseconds(interval_ms_.load());
}

void MemorySession::SetRefreshInterval(std::chrono::milliseconds interval) {
  if (!options_.live || interval.count() <= 0 ||
      interval.count() == interval_ms_.load()) {
    return;
  }
  interval_ms_.store(interval.count());
  emit ControlsChanged();
}

void MemorySession::SetPaused(bool paused) {
  if (!options_.live || paused_.exchange(paused) == paused) return;
  emit ControlsChanged();
}

void MemorySession::NotifySamplesAdded() {
  // Only the first notification since the last emit posts a call: a fast
  // producer cannot flood the GUI thread's queue.
  if (notify_pending_.exchange(true)) return;
  QMetaObject::invokeMethod(this, &MemorySession::EmitSamplesAdded,
                            Qt::QueuedConnection);
}

void MemorySession::EmitSamplesAdded() {
  notify_pending_.store(false);
  emit SamplesAdded(recording_->sample_count());
}

void MemorySession::NotifyFailure(const QString& message) {
  QMetaObject::invokeMethod(
      this,
      [this, message] {
        live_.store(false);
        ReportFailure(message);
      },
      Qt::QueuedConnection);
}

void MemorySession::NotifyFinished() {
  QMetaObject::invokeMethod(
      this,
      [this] {
        live_.store(false);
        emit ControlsChanged();
      },
      Qt::QueuedConnection);
}

}  // namespace overseer
