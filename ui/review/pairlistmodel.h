#pragma once
// The pairs that pass the Review panel's filters, as a table (one row per pair).

#include <QAbstractTableModel>
#include <QVector>

#include <vector>

namespace ranker::ui {

class BlindSession;
class ReviewDocument;

class PairListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairListModel)

public:
    enum Column { PairColumn, LineColumn, ItemAColumn, ItemBColumn, LabelColumn, TagsColumn, ScoreColumn, ColumnCount };

    explicit PairListModel(ReviewDocument *document, QObject *parent = nullptr);

    /// Replaces the listed document rows in one call.
    void setRows(QVector<int> rows);
    const QVector<int> &rows() const { return m_rows; }
    /// The list position of document row `row`, or -1.
    int positionOf(int row) const;
    /// score_diff per document row (NaN: none); empty hides the column's values.
    void setScoreDiffs(const std::vector<double> *diffs);
    /// Blind mode hides everything that tells the stored label: items, label, tags, model score.
    void setBlind(bool blind);
    /// The blind answers, shown as "answered" in the label column in blind mode.
    void setBlindAnswers(const BlindSession *answers) { m_blindAnswers = answers; }
    void refreshRow(int row);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    ReviewDocument *m_document;
    QVector<int> m_rows;
    std::vector<int> m_position; ///< document row → list position, -1 when filtered out
    const std::vector<double> *m_scoreDiffs = nullptr;
    bool m_blind = false;
    const BlindSession *m_blindAnswers = nullptr;
};

} // namespace ranker::ui
