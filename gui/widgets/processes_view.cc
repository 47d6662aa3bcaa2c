#include "gui/widgets/processes_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QTableView>
#include <QVBoxLayout>

#include "probes/analysis/format.h"

namespace overseer {

ProcessesView::ProcessesView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout();
  filter_ = new QLineEdit(this);
  filter_->setPlaceholderText(QStringLiteral("Filter by name, pid or function (Ctrl+F)"));
  filter_->setClearButtonEnabled(true);
  reductions_ = new QComboBox(this);
  reductions_->addItem(QStringLiteral("Reductions since rate base"));
  reductions_->addItem(QStringLiteral("Reductions in total"));
  bar->addWidget(filter_, 1);
  bar->addWidget(reductions_);
  layout->addLayout(bar);

  view_ = new QTableView(this);
  view_->setModel(&model_);
  view_->verticalHeader()->hide();
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 4);
  view_->horizontalHeader()->setHighlightSections(false);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setShowGrid(false);
  view_->setWordWrap(false);
  view_->setAlternatingRowColors(true);
  view_->setSortingEnabled(true);
  view_->horizontalHeader()->setSortIndicator(ProcessTableModel::kMemory, Qt::DescendingOrder);
  view_->horizontalHeader()->setSectionsMovable(true);
  view_->setColumnWidth(ProcessTableModel::kPid, 90);
  view_->setColumnWidth(ProcessTableModel::kName, 330);
  view_->setColumnWidth(ProcessTableModel::kReductions, 100);
  view_->setColumnWidth(ProcessTableModel::kMemory, 90);
  view_->setColumnWidth(ProcessTableModel::kPeakMemory, 100);
  view_->setColumnWidth(ProcessTableModel::kMsgq, 70);
  view_->setColumnWidth(ProcessTableModel::kPeakMsgq, 80);
  view_->setColumnWidth(ProcessTableModel::kCurrentFunction, 230);
  view_->setColumnWidth(ProcessTableModel::kHeldSpecBytes, 120);
  layout->addWidget(view_, 1);
  status_ = new QLabel(this);
  layout->addWidget(status_);

  // A short pause after typing so a million rows are filtered once per word,
  // not once per key.
  filter_delay_ = new QTimer(this);
  filter_delay_->setSingleShot(true);
  filter_delay_->setInterval(150);
  connect(filter_, &QLineEdit::textChanged, filter_delay_,
          qOverload<>(&QTimer::start));
  connect(filter_delay_, &QTimer::timeout, this,
          [this] { model_.SetFilter(filter_->text()); });
  connect(reductions_, &QComboBox::currentIndexChanged, this, [this](int i) {
    model_.SetReductionsMode(i == 0 ? ProcessTableModel::ReductionsMode::kDelta
                                    : ProcessTableModel::ReductionsMode::kTotal);
  });
  connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
    emit OpenProcess(i.data(ProcessTableModel::kPidRole).toULongLong());
  });
  connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) {
            if (restoring_ || !current.isValid()) return;
            selected_pid_ = current.data(ProcessTableModel::kPidRole).toULongLong();
            emit SelectedPidChanged(selected_pid_);
          });
  connect(&model_, &ProcessTableModel::OrderApplied, this, [this] {
    RestoreSelection();
    UpdateStatus();
  });
  connect(&model_, &ProcessTableModel::BusyChanged, this,
          [this] { UpdateStatus(); });
  UpdateStatus();
}

ProcessesView::~ProcessesView() = default;

void ProcessesView::SetInstant(std::shared_ptr<const Instant> instant) {
  model_.SetTable(instant->table);
}

void ProcessesView::SortBy(int column, Qt::SortOrder order) {
  view_->horizontalHeader()->setSortIndicator(column, order);  // calls model_.sort
}

void ProcessesView::SetFilter(const QString& text) {
  filter_->setText(text);
  filter_delay_->stop();
  model_.SetFilter(text);
}

void ProcessesView::FocusFilter() {
  filter_->setFocus();
  filter_->selectAll();
}

void ProcessesView::SelectPid(uint64_t pid) {
  selected_pid_ = pid;
  RestoreSelection();
}

void ProcessesView::RestoreSelection() {
  if (selected_pid_ == 0) return;
  std::optional<int> row = model_.RowOfPid(selected_pid_);
  if (!row) return;
  restoring_ = true;
  QModelIndex i = model_.index(*row, 0);
  view_->selectionModel()->setCurrentIndex(
      i, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  restoring_ = false;
}

QString ProcessesView::status_text() const { return status_->text(); }

void ProcessesView::UpdateStatus() {
  QString text = QStringLiteral("%1 processes, %2 shown, %3 outliers")
                     .arg(QString::fromStdString(FormatCount(model_.total_count())),
                          QString::fromStdString(FormatCount(
                              static_cast<uint64_t>(model_.rowCount()))),
                          QString::fromStdString(FormatCount(model_.outlier_count())));
  if (model_.busy()) text += QStringLiteral(" \u2014 sorting\u2026");
  status_->setText(text);
}

}  // namespace overseer
