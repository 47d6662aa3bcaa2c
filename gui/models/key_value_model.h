// KeyValueModel: groups of "figure: value" lines, as Observer's System tab
// and the process window's information page show them. It wraps a plain
// vector of groups whose values were formatted by the analysis layer's
// Format* functions; the model itself only hands them to the view.
//
// Example:
//   KeyValueModel model;
//   model.SetGroups({{"Memory", {{"Total", "31.0 MB"}, {"Mailboxes", "2.1 MB"}}}});
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_MODELS_KEY_VALUE_MODEL_H_
#define OVERSEER_GUI_MODELS_KEY_VALUE_MODEL_H_

#include <QAbstractItemModel>
#include <QString>

#include <vector>

namespace overseer {

struct KeyValue {
  QString key;
  QString value;
  QString tooltip;  // optional: what the figure means
};

struct KeyValueGroup {
  QString title;
  std::vector<KeyValue> rows;
};

class KeyValueModel final : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Column { kKey = 0, kValue, kColumnCount };

  explicit KeyValueModel(QObject* parent = nullptr);
  ~KeyValueModel() override;

  QModelIndex index(int row, int column,
                    const QModelIndex& parent = {}) const final;
  QModelIndex parent(const QModelIndex& child) const final;
  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role) const final;

  // Replaces the content. When only the values changed (same groups and
  // keys), rows stay put and only dataChanged is emitted, so a view keeps its
  // scroll position while a live run updates.
  void SetGroups(std::vector<KeyValueGroup> groups);
  const std::vector<KeyValueGroup>& groups() const { return groups_; }

  // The value shown for `key` in group `title`, or a null string.
  QString ValueOf(const QString& title, const QString& key) const;

 private:
  std::vector<KeyValueGroup> groups_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_KEY_VALUE_MODEL_H_
