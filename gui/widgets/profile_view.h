// ProfileView: the eprof-like table (function, calls, % time, µs, µs per
// call) of the timed zones, over every process or for one, at the instant
// the timeline shows (cumulative since the run's start). The process list
// offers the busiest processes and the one selected in the Processes view.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_PROFILE_VIEW_H_
#define OVERSEER_GUI_WIDGETS_PROFILE_VIEW_H_

#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

#include "gui/jobs/serial_jobs.h"
#include "gui/models/instant.h"
#include "gui/models/process_detail_models.h"

class QComboBox;
class QLabel;

namespace overseer {

class ProfileView final : public QWidget {
  Q_OBJECT

 public:
  explicit ProfileView(QWidget* parent = nullptr);
  ~ProfileView() override;

  void SetInstant(std::shared_ptr<const Instant> instant);
  // Shows the profile of `pid` (0: every process).
  void ShowPid(uint64_t pid);
  // Offers `pid` in the process list (the Processes view's selection).
  void OfferPid(uint64_t pid);

  ProfileModel* model() { return &model_; }
  uint64_t shown_pid() const { return pid_; }
  void WaitForIdle() { jobs_.WaitForIdle(); }

 private:
  struct Result {
    std::shared_ptr<const Profile> profile;
    std::vector<std::pair<uint64_t, QString>> busiest;
  };
  void Recompute();
  void FillChoices(const std::vector<std::pair<uint64_t, QString>>& busiest);

  ProfileModel model_;
  QComboBox* choice_ = nullptr;
  QLabel* summary_ = nullptr;
  std::shared_ptr<const Instant> instant_;
  uint64_t pid_ = 0;
  uint64_t offered_ = 0;
  bool filling_ = false;
  SerialJobs<std::shared_ptr<const Result>> jobs_{this};
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_PROFILE_VIEW_H_
