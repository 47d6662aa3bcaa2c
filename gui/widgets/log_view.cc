#include "gui/widgets/log_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace overseer {
namespace {

// Keeps the events of one kind (or all) whose text matches.
class EventFilter final : public QSortFilterProxyModel {
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void SetKind(int kind) {
    kind_ = kind;
    invalidateFilter();
  }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
    QModelIndex i = sourceModel()->index(row, 0, parent);
    if (kind_ >= 0 && i.data(EventModel::kKindRole).toInt() != kind_) return false;
    return QSortFilterProxyModel::filterAcceptsRow(row, parent);
  }

 private:
  int kind_ = -1;
};

}  // namespace

LogView::LogView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout();
  kind_ = new QComboBox(this);
  kind_->addItem(QStringLiteral("All events"), -1);
  for (EventKind k : {EventKind::kCallTimeout, EventKind::kExit,
                      EventKind::kRestart, EventKind::kSpawn,
                      EventKind::kIntensityExceeded, EventKind::kLog,
                      EventKind::kDropped}) {
    kind_->addItem(QString::fromLatin1(ToString(k)), static_cast<int>(k));
  }
  text_ = new QLineEdit(this);
  text_->setPlaceholderText(QStringLiteral("Filter details"));
  text_->setClearButtonEnabled(true);
  bar->addWidget(kind_);
  bar->addWidget(text_, 1);
  bar->addWidget(new QLabel(QStringLiteral("Click an event to move the timeline there"), this));
  layout->addLayout(bar);

  auto* proxy = new EventFilter(this);
  proxy_ = proxy;
  proxy_->setSourceModel(&model_);
  proxy_->setFilterKeyColumn(EventModel::kText);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  view_ = new QTableView(this);
  view_->setModel(proxy_);
  view_->verticalHeader()->hide();
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setAlternatingRowColors(true);
  view_->setWordWrap(false);
  view_->setColumnWidth(EventModel::kTime, 80);
  view_->setColumnWidth(EventModel::kKind, 130);
  layout->addWidget(view_, 1);

  connect(kind_, &QComboBox::currentIndexChanged, this,
          [this, proxy](int i) { proxy->SetKind(kind_->itemData(i).toInt()); });
  connect(text_, &QLineEdit::textChanged, proxy_,
          &QSortFilterProxyModel::setFilterFixedString);
  connect(view_, &QTableView::clicked, this, [this](const QModelIndex& i) {
    emit JumpTo(i.data(EventModel::kTimeRole).toLongLong());
  });
}

LogView::~LogView() = default;

void LogView::SetKindFilter(int kind) {
  int at = kind_->findData(kind);
  if (at >= 0) kind_->setCurrentIndex(at);
}

}  // namespace overseer
