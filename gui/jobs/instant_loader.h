// InstantLoader: turns "show sample i" into an Instant built on a pool
// thread, so that moving the timeline over a million-process capture never
// blocks the window. Requests made while a load runs are merged: only the
// newest waits. Changing the options or the recording drops what is in
// flight.
//
// Example:
//   InstantLoader loader(&session.recording());
//   connect(&loader, &InstantLoader::Loaded, window, &Window::Show);
//   loader.Request(41);
//
// Thread contract: GUI thread only; the recording must outlive the loader.
#ifndef OVERSEER_GUI_JOBS_INSTANT_LOADER_H_
#define OVERSEER_GUI_JOBS_INSTANT_LOADER_H_

#include <QObject>
#include <QString>

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "gui/jobs/serial_jobs.h"
#include "gui/models/instant.h"

namespace overseer {

class InstantLoader final : public QObject {
  Q_OBJECT

 public:
  explicit InstantLoader(const Recording* recording, QObject* parent = nullptr);
  ~InstantLoader() override;

  // Loads sample `index`; Loaded or LoadFailed follows.
  void Request(size_t index);
  // Applies `options` to later loads and reloads the last requested sample.
  void SetOptions(const TableOptions& options);
  const TableOptions& options() const { return options_; }

  bool busy() const { return jobs_.busy(); }
  // Blocks until the loads asked for have been delivered. Tests only.
  void WaitForIdle() { jobs_.WaitForIdle(); }

 signals:
  void Loaded(std::shared_ptr<const Instant> instant);
  void LoadFailed(size_t index, const QString& message);
  void BusyChanged(bool busy);

 private:
  using Result = std::shared_ptr<const absl::StatusOr<Instant>>;

  const Recording* recording_;
  TableOptions options_;
  size_t last_index_ = 0;
  bool requested_ = false;
  SerialJobs<Result> jobs_{this};
};

}  // namespace overseer

#endif  // OVERSEER_GUI_JOBS_INSTANT_LOADER_H_
