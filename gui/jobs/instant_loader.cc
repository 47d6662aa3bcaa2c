#include "gui/jobs/instant_loader.h"

#include <utility>

namespace overseer {

InstantLoader::InstantLoader(const Recording* recording, QObject* parent)
    : QObject(parent), recording_(recording) {}

InstantLoader::~InstantLoader() = default;

void InstantLoader::Request(size_t index) {
  last_index_ = index;
  requested_ = true;
  bool was_busy = jobs_.busy();
  const Recording* recording = recording_;
  TableOptions options = options_;
  jobs_.Post(
      [recording, index, options]() -> Result {
        return std::make_shared<const absl::StatusOr<Instant>>(
            ComputeInstant(*recording, index, options));
      },
      [this, index](Result result) {
        if (result->ok()) {
          emit Loaded(std::make_shared<const Instant>(**result));
        } else {
          emit LoadFailed(index, QString::fromStdString(
                                     std::string(result->status().message())));
        }
        if (!jobs_.busy()) emit BusyChanged(false);
      });
  if (!was_busy) emit BusyChanged(true);
}

void InstantLoader::SetOptions(const TableOptions& options) {
  options_ = options;
  jobs_.Invalidate();
  if (requested_) Request(last_index_);
}

}  // namespace overseer
