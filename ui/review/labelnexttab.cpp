#include "ui/review/labelnexttab.h"

#include "core/dataset.h"
#include "ui/numberformat.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace ranker::ui {

namespace {

enum Column { Number, ItemA, ItemB, Type, ModelP, Compared, Answer, ColumnCount };

QString labelText(int label)
{
    return label > 0 ? QObject::tr("A preferred") : label < 0 ? QObject::tr("B preferred") : QObject::tr("equal");
}

} // namespace

LabelNextTab::LabelNextTab(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("labelNextTab"));
    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("suggestCount"));
    m_count->setRange(1, 500);
    m_count->setValue(20);
    m_count->setSuffix(tr(" pairs"));
    m_withinType = new QCheckBox(tr("Same item type"), this);
    m_withinType->setObjectName(QStringLiteral("suggestWithinType"));
    m_withinType->setChecked(true);
    m_withinType->setToolTip(tr("Pair items of one item_type only, as the guide's add-pair does"));
    m_suggest = new QPushButton(tr("Suggest pairs"), this);
    m_suggest->setObjectName(QStringLiteral("suggestButton"));
    m_suggest->setToolTip(
        tr("Pairs no label names or implies, where the chosen model is least sure and items have few comparisons"));
    connect(m_suggest, &QPushButton::clicked, this, &LabelNextTab::suggestRequested);
    m_summary = new QLabel(tr("Suggest pairs to label next: the model (choose a run in Model-assisted), the labels "
                              "given and their chains pick the pairs a label teaches most. Answer them with 1 / 0 / 2; "
                              "each answer is appended to the file as a new line (Ctrl+Z takes it back)."),
                           this);
    m_summary->setObjectName(QStringLiteral("suggestSummary"));
    m_summary->setWordWrap(true);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("suggestTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("#"), tr("Item A"), tr("Item B"), tr("Type"), tr("Model P(A)"), tr("Labels A / B"), tr("Answer")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Number, 36);
    m_table->setColumnWidth(ItemA, 150);
    m_table->setColumnWidth(ItemB, 150);
    m_table->setColumnWidth(ModelP, 90);
    m_table->setColumnWidth(Compared, 100);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int) { Q_EMIT suggestionChosen(row); });
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { Q_EMIT suggestionChosen(row); });

    m_impliedLabel = new QLabel(this);
    m_impliedLabel->setObjectName(QStringLiteral("impliedSummary"));
    m_impliedLabel->setWordWrap(true);
    m_showImplied = new QPushButton(tr("Show them"), this);
    m_showImplied->setObjectName(QStringLiteral("showImpliedButton"));
    m_showImplied->setCheckable(true);
    m_showImplied->hide();
    m_implied = new QTreeWidget(this);
    m_implied->setObjectName(QStringLiteral("impliedTree"));
    m_implied->setRootIsDecorated(false);
    m_implied->setHeaderLabels({tr("Implied pair"), tr("by the chain of labels")});
    m_implied->hide();
    connect(m_showImplied, &QPushButton::toggled, this, [this](bool on) {
        m_implied->setVisible(on);
        m_table->setVisible(!on); // the tab is short: one list at a time
        m_showImplied->setText(on ? tr("Back to the suggestions") : tr("Show them"));
    });

    auto *top = new QHBoxLayout;
    top->addWidget(m_count);
    top->addWidget(m_withinType);
    top->addWidget(m_suggest);
    top->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_implied, 1);
    auto *impliedRow = new QHBoxLayout;
    impliedRow->addWidget(m_impliedLabel, 1);
    impliedRow->addWidget(m_showImplied);
    layout->addLayout(impliedRow);
}

int LabelNextTab::count() const
{
    return m_count->value();
}

bool LabelNextTab::withinType() const
{
    return m_withinType->isChecked();
}

void LabelNextTab::setSuggestEnabled(bool enabled, const QString &why)
{
    m_suggest->setEnabled(enabled);
    m_suggest->setToolTip(enabled ? tr("Pairs no label names or implies, where the chosen model is least sure and "
                                       "items have few comparisons")
                                  : why);
}

void LabelNextTab::clear()
{
    m_pairs.clear();
    m_rows.clear();
    m_table->setRowCount(0);
    m_implied->clear();
    m_showImplied->setChecked(false);
    m_showImplied->hide();
    m_impliedLabel->clear();
}

void LabelNextTab::setSuggestions(const Suggestions &found, const Dataset &ds, const QString &modelName)
{
    clear();
    m_pairs = found.pairs;
    m_rows.assign(m_pairs.size(), -1);
    m_table->setRowCount(int(m_pairs.size()));
    auto cell = [this](int row, int column, const QString &text, Qt::Alignment align = Qt::AlignLeft) {
        auto *item = new QTableWidgetItem(text);
        item->setTextAlignment(align | Qt::AlignVCenter);
        m_table->setItem(row, column, item);
    };
    for (int i = 0; i < int(m_pairs.size()); ++i) {
        const SuggestedPair &p = m_pairs[size_t(i)];
        const Item &a = ds.items[size_t(p.a)], &b = ds.items[size_t(p.b)];
        cell(i, Number, QString::number(i + 1), Qt::AlignRight);
        cell(i, ItemA, qs(a.id));
        cell(i, ItemB, qs(b.id));
        cell(i, Type, a.itemType == b.itemType ? qs(a.itemType) : qs(a.itemType + " / " + b.itemType));
        cell(i, ModelP, found.usedModel ? percentText(p.probabilityA) : tr("—"), Qt::AlignRight);
        cell(i, Compared, QStringLiteral("%1 / %2").arg(p.comparisonsA).arg(p.comparisonsB), Qt::AlignRight);
        cell(i, Answer, tr("not labelled"));
    }
    const QString how = found.usedModel
                            ? tr("where model %1 is least sure, among items with few comparisons").arg(modelName)
                            : tr("items with the fewest comparisons first (no model: choose a run in Model-assisted "
                                 "for the pairs it is least sure of)");
    m_summary->setText(tr("%1 pairs to label next, %2, from %3 candidates. Answer with 1 / 0 / 2 (← → move); each "
                          "answer becomes a new line at the end of the file, Ctrl+Z takes it back.")
                           .arg(m_pairs.size())
                           .arg(how)
                           .arg(found.candidates));
    if (found.impliedSkipped > 0) {
        m_impliedLabel->setText(
            tr("%1 pairs set aside: a chain of labels already decides them.").arg(found.impliedSkipped));
        for (const ImpliedPair &implied : found.implied) {
            QStringList chain;
            for (int32_t item : implied.chain)
                chain << qs(ds.items[size_t(item)].id);
            new QTreeWidgetItem(m_implied, {tr("%1 over %2")
                                                .arg(qs(ds.items[size_t(implied.preferred)].id),
                                                     qs(ds.items[size_t(implied.other)].id)),
                                            chain.join(QStringLiteral(" > "))});
        }
        m_showImplied->setVisible(m_implied->topLevelItemCount() > 0);
        m_implied->resizeColumnToContents(0);
    } else {
        m_impliedLabel->setText(tr("No pair is set aside as implied by a chain of labels."));
    }
}

int LabelNextTab::indexOfRow(int row) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i] == row && row >= 0)
            return int(i);
    return -1;
}

void LabelNextTab::setAnswered(int index, int row, int label, qint64 line)
{
    m_rows.at(size_t(index)) = row;
    m_table->item(index, Answer)
        ->setText(line >= 0 ? tr("%1 · line %2").arg(labelText(label)).arg(line + 1)
                            : tr("%1 · added at the end").arg(labelText(label)));
}

void LabelNextTab::setUnanswered(int index)
{
    m_rows.at(size_t(index)) = -1;
    m_table->item(index, Answer)->setText(tr("not labelled"));
}

int LabelNextTab::nextUnanswered(int index) const
{
    const int n = int(m_pairs.size());
    for (int k = 1; k <= n; ++k) {
        const int i = (index + k) % n;
        if (m_rows[size_t(i)] < 0)
            return i;
    }
    return -1;
}

int LabelNextTab::answeredCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](int row) { return row >= 0; }));
}

void LabelNextTab::setCurrent(int index)
{
    if (index < 0) {
        m_table->clearSelection();
        return;
    }
    m_table->selectRow(index);
    m_table->scrollToItem(m_table->item(index, 0));
}

} // namespace ranker::ui
