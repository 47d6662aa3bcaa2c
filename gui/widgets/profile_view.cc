#include "gui/widgets/profile_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <utility>

#include "gui/jobs/release.h"
#include "probes/analysis/format.h"
#include "probes/analysis/row_query.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }
constexpr size_t kBusiest = 20;

}  // namespace

ProfileView::ProfileView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout();
  bar->addWidget(new QLabel(QStringLiteral("Profile of"), this));
  choice_ = new QComboBox(this);
  choice_->setMinimumContentsLength(40);
  choice_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  bar->addWidget(choice_, 1);
  summary_ = new QLabel(this);
  bar->addWidget(summary_);
  layout->addLayout(bar);

  auto* proxy = new QSortFilterProxyModel(this);
  proxy->setSourceModel(&model_);
  proxy->setSortRole(kValueTableSortRole);
  auto* view = new QTreeView(this);
  view->setModel(proxy);
  view->setRootIsDecorated(false);
  view->setAlternatingRowColors(true);
  view->setSortingEnabled(true);
  view->sortByColumn(ProfileModel::kMicros, Qt::DescendingOrder);
  view->header()->setStretchLastSection(false);
  view->header()->setSectionResizeMode(ProfileModel::kZone, QHeaderView::Stretch);
  for (int c = ProfileModel::kCalls; c <= ProfileModel::kMicrosPerCall; ++c) {
    view->setColumnWidth(c, 120);
  }
  layout->addWidget(view, 1);

  connect(choice_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (filling_ || i < 0) return;
    ShowPid(choice_->itemData(i).toULongLong());
  });
}

ProfileView::~ProfileView() = default;

void ProfileView::SetInstant(std::shared_ptr<const Instant> instant) {
  ReleaseInBackground(std::exchange(instant_, std::move(instant)));
  Recompute();
}

void ProfileView::ShowPid(uint64_t pid) {
  if (pid == pid_) return;
  pid_ = pid;
  Recompute();
}

void ProfileView::OfferPid(uint64_t pid) { offered_ = pid; }

void ProfileView::Recompute() {
  if (!instant_) return;
  std::shared_ptr<const Instant> now = instant_;
  uint64_t pid = pid_;
  uint64_t offered = offered_;
  jobs_.Post(
      [now, pid, offered]() -> std::shared_ptr<const Result> {
        auto result = std::make_shared<Result>();
        result->profile = pid == 0 ? now->profile
                                   : std::make_shared<const Profile>(
                                         BuildProfile(now->snapshot->zones, pid));
        const std::vector<ProcessRow>& rows = now->table->rows;
        RowQuery busiest{.sort = SortKey::kReductionsDelta, .limit = kBusiest};
        std::vector<uint32_t> top = SelectRows(rows, busiest);
        for (uint64_t extra : {pid, offered}) {
          if (extra == 0) continue;
          std::optional<uint32_t> n = now->tree->Find(extra);
          if (n && std::find(top.begin(), top.end(), *n) == top.end()) top.push_back(*n);
        }
        for (uint32_t i : top) {
          result->busiest.emplace_back(
              rows[i].pid, QStringLiteral("%1 %2").arg(Q(FormatPid(rows[i].pid)),
                                                       Q(rows[i].name)));
        }
        return result;
      },
      [this](std::shared_ptr<const Result> result) {
        model_.SetRows(result->profile->rows);
        summary_->setText(QStringLiteral("%1 calls, %2 in all, %3 processes")
                              .arg(Q(FormatCount(result->profile->total_calls)),
                                   Q(FormatDuration(static_cast<int64_t>(
                                       result->profile->total_ns))))
                              .arg(result->profile->process_count));
        FillChoices(result->busiest);
      });
}

void ProfileView::FillChoices(
    const std::vector<std::pair<uint64_t, QString>>& busiest) {
  filling_ = true;
  choice_->clear();
  choice_->addItem(QStringLiteral("All processes"), QVariant::fromValue<qulonglong>(0));
  for (const auto& [pid, label] : busiest) {
    choice_->addItem(label, QVariant::fromValue<qulonglong>(pid));
  }
  int at = choice_->findData(QVariant::fromValue<qulonglong>(pid_));
  choice_->setCurrentIndex(at < 0 ? 0 : at);
  filling_ = false;
}

}  // namespace overseer
