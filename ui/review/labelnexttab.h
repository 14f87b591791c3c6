#pragma once
// The Review place's "Label next" tab (issue 15): pairs not yet labelled that would teach the model
// most (core/labelling/suggest.h), answered with the review keys and appended to the file.

#include "core/labelling/suggest.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;

namespace ranker {
struct Dataset;
}

namespace ranker::ui {

class LabelNextTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabelNextTab)

public:
    explicit LabelNextTab(QWidget *parent = nullptr);

    int count() const;
    bool withinType() const;
    /// Shows a new batch; `modelName` empty when the batch was chosen without a model.
    void setSuggestions(const Suggestions &found, const Dataset &ds, const QString &modelName);
    void clear();
    const std::vector<SuggestedPair> &suggestions() const { return m_pairs; }
    int size() const { return int(m_pairs.size()); }
    /// The document row an answered suggestion became, -1 while unanswered.
    int answeredRow(int index) const { return m_rows.at(size_t(index)); }
    /// The suggestion whose answer is document row `row`, or -1.
    int indexOfRow(int row) const;
    void setAnswered(int index, int row, int label, qint64 line);
    void setUnanswered(int index);
    /// The first unanswered suggestion after `index` (wrapping), or -1 when all are answered.
    int nextUnanswered(int index) const;
    int answeredCount() const;
    /// Highlights the suggestion shown in the cards (-1: none).
    void setCurrent(int index);
    void setSuggestEnabled(bool enabled, const QString &why);

Q_SIGNALS:
    void suggestRequested();
    /// A click or Enter on a suggestion: show it in the cards.
    void suggestionChosen(int index);

private:
    QSpinBox *m_count = nullptr;
    QCheckBox *m_withinType = nullptr;
    QPushButton *m_suggest = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_impliedLabel = nullptr;
    QPushButton *m_showImplied = nullptr;
    QTreeWidget *m_implied = nullptr;
    std::vector<SuggestedPair> m_pairs;
    std::vector<int> m_rows; ///< per suggestion: the document row of its answer, -1 before
};

} // namespace ranker::ui
