#include "gui/widgets/suspects_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

#include "gui/jobs/release.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

void StyleTable(QTableView* view) {
  view->verticalHeader()->hide();
  view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->horizontalHeader()->setHighlightSections(false);
  view->horizontalHeader()->setStretchLastSection(true);
  view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setShowGrid(false);
  view->setWordWrap(false);
  view->setAlternatingRowColors(true);
}

}  // namespace

SuspectsView::SuspectsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(status_);

  auto* split = new QSplitter(Qt::Vertical, this);
  view_ = new QTableView(split);
  view_->setModel(&model_);
  StyleTable(view_);
  view_->setColumnWidth(SuspectModel::kRank, 36);
  view_->setColumnWidth(SuspectModel::kKind, 210);
  view_->setColumnWidth(SuspectModel::kProcess, 330);
  view_->setColumnWidth(SuspectModel::kScore, 60);

  auto* detail_box = new QWidget(split);
  auto* detail_layout = new QVBoxLayout(detail_box);
  detail_layout->setContentsMargins(0, 0, 0, 0);
  detail_ = new QLabel(detail_box);
  detail_->setWordWrap(true);
  detail_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  detail_->setContentsMargins(6, 6, 6, 6);
  detail_layout->addWidget(detail_);
  evidence_view_ = new QTableView(detail_box);
  evidence_view_->setModel(&evidence_);
  StyleTable(evidence_view_);
  evidence_view_->setColumnWidth(EvidenceModel::kWhat, 420);
  evidence_view_->setColumnWidth(EvidenceModel::kValue, 160);
  detail_layout->addWidget(evidence_view_, 1);
  split->addWidget(view_);
  split->addWidget(detail_box);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);

  connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) {
            if (restoring_ || !current.isValid()) return;
            selected_row_ = current.row();
            ShowDetail(selected_row_);
            emit FindingChosen(current.data(SuspectModel::kPidRole).toULongLong(),
                               current.data(SuspectModel::kTimeRole).toLongLong());
          });
  connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
    emit OpenProcess(i.data(SuspectModel::kPidRole).toULongLong());
  });
  UpdateStatus();
  ShowDetail(-1);
}

SuspectsView::~SuspectsView() = default;

void SuspectsView::SetAnalysis(std::shared_ptr<const RunAnalysis> analysis) {
  // A newer analysis of a live run: keep the finding (kind and process)
  // the person had chosen, without moving the timeline again.
  std::optional<std::pair<SuspectKind, uint64_t>> kept;
  if (selected_row_ >= 0 && selected_row_ < model_.rowCount()) {
    const Suspect& s = model_.SuspectAt(selected_row_);
    kept = std::make_pair(s.kind, s.pid);
  }
  ReleaseInBackground(std::exchange(analysis_, std::move(analysis)));
  failure_.clear();
  model_.SetReport(analysis_ ? std::shared_ptr<const SuspectReport>(analysis_, &analysis_->report)
                             : nullptr);
  selected_row_ = -1;
  if (kept) {
    for (int r = 0; r < model_.rowCount(); ++r) {
      const Suspect& s = model_.SuspectAt(r);
      if (s.kind == kept->first && s.pid == kept->second) {
        restoring_ = true;
        view_->selectionModel()->setCurrentIndex(
            model_.index(r, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        restoring_ = false;
        selected_row_ = r;
        break;
      }
    }
  }
  ShowDetail(selected_row_);
  UpdateStatus();
}

void SuspectsView::SetAnalysing(bool analysing) {
  analysing_ = analysing;
  UpdateStatus();
}

void SuspectsView::SetFailure(const QString& message) {
  failure_ = message;
  UpdateStatus();
}

void SuspectsView::Clear() {
  failure_.clear();
  analysing_ = false;
  SetAnalysis(nullptr);
}

void SuspectsView::SelectRow(int row) {
  if (row < 0 || row >= model_.rowCount()) return;
  view_->selectionModel()->setCurrentIndex(
      model_.index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QString SuspectsView::status_text() const { return status_->text(); }

void SuspectsView::ShowDetail(int row) {
  if (row < 0 || row >= model_.rowCount()) {
    detail_->setText(model_.rowCount() > 0
                         ? QStringLiteral("Choose a finding to see its evidence and move the "
                                          "timeline to the instant it was seen at.")
                         : QString());
    evidence_.SetEvidence({});
    return;
  }
  const Suspect& s = model_.SuspectAt(row);
  QString text = QStringLiteral("<b>%1</b> \u2014 %2 %3 at %4<br>%5")
                     .arg(QString::fromUtf8(Describe(s.kind)).toHtmlEscaped(),
                          Q(s.name).toHtmlEscaped(), Q(FormatPid(s.pid)).toHtmlEscaped(),
                          Q(FormatDuration(s.at_ns)), Q(s.explanation).toHtmlEscaped());
  if (s.other_pid != 0) {
    QString other = Q(s.other_name);
    QString pid = Q(FormatPid(s.other_pid));
    if (!other.contains(pid)) other = QStringLiteral("%1 %2").arg(other, pid);
    text += QStringLiteral("<br>With: %1").arg(other.toHtmlEscaped());
  }
  if (!s.explains.empty()) {
    QStringList ranks;
    for (size_t i : s.explains) ranks << QStringLiteral("#%1").arg(i + 1);
    text += QStringLiteral("<br>Accounts for %1.").arg(ranks.join(QStringLiteral(", ")));
  }
  detail_->setText(text);
  evidence_.SetEvidence(s.evidence);
}

void SuspectsView::UpdateStatus() {
  QString text;
  if (!analysis_) {
    text = analysing_ ? QStringLiteral("Scanning the run for suspects\u2026")
                      : QStringLiteral("No run analysed yet.");
  } else {
    const SuspectReport& r = analysis_->report;
    QString span = QStringLiteral("%1 samples (%2 to %3) of %4 processes")
                       .arg(QString::fromStdString(FormatCount(r.sample_count)),
                            Q(FormatDuration(r.first_ns)), Q(FormatDuration(r.last_ns)),
                            QString::fromStdString(FormatCount(r.process_count)));
    if (r.suspects.empty()) {
      text = QStringLiteral("<b>No suspects.</b> Over %1, no memory kept growing, no "
                            "mailbox backed up, no message carried its sender's state, "
                            "no supervisor held large specs and no call timed out.")
                 .arg(span);
    } else {
      text = QStringLiteral("<b>%1 %2</b> over %3, the likeliest cause first.")
                 .arg(r.suspects.size())
                 .arg(r.suspects.size() == 1 ? QStringLiteral("suspect")
                                             : QStringLiteral("suspects"))
                 .arg(span);
    }
    if (!r.has_send_sizes) {
      text += QStringLiteral(" This capture has no message sizes, so state copied into "
                             "messages could not be checked.");
    }
    if (!r.status.ok()) {
      text += QStringLiteral(" The run was read up to an error: %1.")
                  .arg(Q(std::string(r.status.message())).toHtmlEscaped());
    }
    if (analysing_) text += QStringLiteral(" Updating\u2026");
  }
  if (!failure_.isEmpty()) {
    text += QStringLiteral(" The run could not be analysed: %1").arg(failure_.toHtmlEscaped());
  }
  status_->setText(text);
}

}  // namespace overseer
