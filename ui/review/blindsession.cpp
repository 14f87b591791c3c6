#include "ui/review/blindsession.h"

#include "core/label_document.h"

#include <algorithm>
#include <map>

namespace ranker::ui {

void BlindSession::setAnswer(int row, int answer)
{
    m_answers.insert(row, answer);
    m_order.removeAll(row);
    m_order.append(row);
}

int BlindSession::takeBack()
{
    if (m_order.isEmpty())
        return -1;
    const int row = m_order.takeLast();
    m_answers.remove(row);
    return row;
}

void BlindSession::clear()
{
    m_answers.clear();
    m_order.clear();
}

QVector<int> BlindSession::answeredRows() const
{
    QVector<int> rows = m_answers.keys().toVector();
    std::sort(rows.begin(), rows.end());
    return rows;
}

BlindReport BlindSession::report(const LabelDocument &doc) const
{
    BlindReport out;
    std::map<QString, Agreement> byType;
    const auto &items = doc.dataset().items;
    for (int row : answeredRows()) {
        if (row < 0 || row >= doc.rowCount() || doc.row(row).removed)
            continue;
        const LabelDocument::Row &r = doc.row(row);
        const int answer = m_answers.value(row);
        out.overall.add(r.label, answer);
        if (answer != r.label)
            out.disagreeing << row;
        QString typeA = QString::fromStdString(items[size_t(r.a)].itemType);
        QString typeB = QString::fromStdString(items[size_t(r.b)].itemType);
        if (typeA.isEmpty())
            typeA = QStringLiteral("(no type)");
        if (typeB.isEmpty())
            typeB = QStringLiteral("(no type)");
        if (typeB < typeA)
            std::swap(typeA, typeB);
        byType[typeA == typeB ? typeA : typeA + QStringLiteral(" / ") + typeB].add(r.label, answer);
    }
    for (const auto &[type, agreement] : byType)
        out.byType.push_back({type, agreement});
    return out;
}

} // namespace ranker::ui
