#pragma once
// Blind relabelling (issue 15): the answers a reviewer gives with the stored labels hidden, kept
// apart from the labels, and how far they agree with them.

#include "core/labelling/agreement.h"

#include <QHash>
#include <QString>
#include <QVector>

#include <vector>

namespace ranker {
class LabelDocument;
}

namespace ranker::ui {

/// Agreement of the blind answers with the stored labels, overall and per item type.
struct BlindReport
{
    struct Group
    {
        QString itemType; ///< "project", or "project / skill" for a pair of two types
        Agreement agreement;
    };
    Agreement overall;
    std::vector<Group> byType; ///< sorted by itemType
    QVector<int> disagreeing;  ///< document rows whose answer differs from the stored label, ascending
};

/**
 * The blind answers of one session, by document row, in memory only: they change neither the
 * labels nor the file until the reviewer applies them (ReviewPanel's "Apply answers").
 */
class BlindSession
{
public:
    /// Records `answer` (1: A preferred, −1: B preferred, 0: tie, in the pair's own A/B terms).
    void setAnswer(int row, int answer);
    bool hasAnswer(int row) const { return m_answers.contains(row); }
    /// The answer given for `row`; 0 when there is none (see hasAnswer()).
    int answer(int row) const { return m_answers.value(row, 0); }
    /// Forgets the last answer given. @return its row, or -1 when there is none.
    int takeBack();
    void clear();
    int size() const { return int(m_answers.size()); }
    bool isEmpty() const { return m_answers.isEmpty(); }
    /// Rows answered, ascending.
    QVector<int> answeredRows() const;

    /// Compares each answer with the row's current label; removed rows are left out. A pair's item
    /// type is its items' type, or both types ("a / b", sorted) when they differ.
    BlindReport report(const LabelDocument &doc) const;

private:
    QHash<int, int> m_answers;
    QVector<int> m_order; ///< rows in the order answered, for takeBack()
};

} // namespace ranker::ui
