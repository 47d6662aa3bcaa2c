// SuspectsView: the Suspects tab. The ranked findings of the whole run (or
// of what a live run has recorded so far) from FindSuspects: rank, kind,
// process, score and the sentence that explains it; below, the selected
// finding's explanation and evidence with the instants they were seen at.
// Choosing a finding asks the main window to move the timeline to its
// instant and to select its process (FindingChosen); a double click opens
// the process window. A run without findings says so in a sentence.
//
// The view shows a RunAnalysis computed by RunAnalyzer off the GUI thread;
// a newer analysis of a live run keeps the selected finding selected.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_SUSPECTS_VIEW_H_
#define OVERSEER_GUI_WIDGETS_SUSPECTS_VIEW_H_

#include <QWidget>

#include <cstdint>
#include <memory>

#include "gui/jobs/run_analyzer.h"
#include "gui/models/analysis_models.h"

class QLabel;
class QTableView;

namespace overseer {

class SuspectsView final : public QWidget {
  Q_OBJECT

 public:
  explicit SuspectsView(QWidget* parent = nullptr);
  ~SuspectsView() override;

  // Shows the findings of `analysis` (null: none yet, as after Clear).
  void SetAnalysis(std::shared_ptr<const RunAnalysis> analysis);
  // Says an analysis is running (the list stays until the new one comes).
  void SetAnalysing(bool analysing);
  // Says why the run could not be analysed; the last list stays.
  void SetFailure(const QString& message);
  void Clear();
  // Selects finding `row` as a click does (FindingChosen follows).
  void SelectRow(int row);

  SuspectModel* model() { return &model_; }
  EvidenceModel* evidence_model() { return &evidence_; }
  QTableView* table_view() const { return view_; }
  QString status_text() const;
  int selected_row() const { return selected_row_; }

 signals:
  // The person chose finding `row`: its process and instant.
  void FindingChosen(uint64_t pid, int64_t at_ns);
  void OpenProcess(uint64_t pid);

 private:
  void UpdateStatus();
  void ShowDetail(int row);

  SuspectModel model_;
  EvidenceModel evidence_;
  std::shared_ptr<const RunAnalysis> analysis_;
  QLabel* status_ = nullptr;
  QTableView* view_ = nullptr;
  QLabel* detail_ = nullptr;
  QTableView* evidence_view_ = nullptr;
  QString failure_;
  bool analysing_ = false;
  bool restoring_ = false;
  int selected_row_ = -1;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_SUSPECTS_VIEW_H_
