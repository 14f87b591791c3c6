#include "ui/historypanel.h"

#include "core/runs.h"

#include <QDesktopServices>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

namespace ranker::ui {

namespace {
QString numberText(const nlohmann::json &m, const char *key, bool percent = false)
{
    const auto it = m.find(key);
    if (it == m.end() || !it->is_number())
        return QStringLiteral("–");
    const double v = it->get<double>();
    if (!std::isfinite(v))
        return QStringLiteral("–");
    return percent ? QLocale().toString(100.0 * v, 'f', 1) + QLatin1Char('%') : QLocale().toString(v, 'g', 5);
}
QString stringText(const nlohmann::json &m, const char *key)
{
    const auto it = m.find(key);
    if (it == m.end())
        return {};
    if (it->is_string())
        return QString::fromStdString(it->get<std::string>());
    if (it->is_number_integer())
        return QString::number(it->get<long long>());
    return {};
}
} // namespace

HistoryPanel::HistoryPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("historyHeading"));
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("historyRefreshButton"));
    connect(refreshButton, &QPushButton::clicked, this, [this] { refresh(m_folder); });
    top->addWidget(m_heading, 1);
    top->addWidget(refreshButton);
    layout->addLayout(top);

    m_runs = new QTreeWidget(this);
    m_runs->setObjectName(QStringLiteral("runList"));
    m_runs->setRootIsDecorated(false);
    m_runs->setAlternatingRowColors(true);
    m_runs->setSortingEnabled(true);
    m_runs->setHeaderLabels({tr("Run"), tr("Model"), tr("Ended"), tr("Epochs"), tr("Final train loss"),
                             tr("Best val accuracy"), tr("Dataset"), tr("Created")});
    m_runs->setToolTip(tr("Double-click a run to open its folder"));
    connect(m_runs, &QTreeWidget::itemDoubleClicked, this, [](QTreeWidgetItem *item) {
        QDesktopServices::openUrl(QUrl::fromLocalFile(item->data(0, Qt::UserRole).toString()));
    });
    layout->addWidget(m_runs, 1);
    auto *note = new QLabel(tr("Comparing runs side by side arrives with the run-history release."), this);
    note->setStyleSheet(QStringLiteral("color: gray"));
    layout->addWidget(note);
}

int HistoryPanel::runCount() const
{
    return m_runs->topLevelItemCount();
}

void HistoryPanel::refresh(const QString &runsFolder)
{
    m_folder = runsFolder;
    m_runs->setSortingEnabled(false);
    m_runs->clear();
    const std::vector<RunInfo> runs =
        QDir(runsFolder).exists() ? listRuns(runsFolder.toStdString()) : std::vector<RunInfo>{};
    for (const RunInfo &run : runs) {
        auto *item = new QTreeWidgetItem(m_runs);
        const QString folder = QString::fromStdString(run.folder);
        item->setText(0, QDir(folder).dirName());
        item->setData(0, Qt::UserRole, folder);
        item->setText(1, QString::fromStdString(run.name));
        if (run.broken) {
            item->setText(2, tr("unreadable: %1").arg(QString::fromStdString(run.problem)));
            item->setForeground(2, QColor(0xb3, 0x26, 0x1e));
            continue;
        }
        const nlohmann::json &m = run.metadata;
        const QString ended = stringText(m, "ended");
        item->setText(2, ended);
        if (ended == QLatin1String("diverged"))
            item->setForeground(2, QColor(0xb3, 0x26, 0x1e));
        else if (ended == QLatin1String("cancelled"))
            item->setForeground(2, QColor(0x8a, 0x5a, 0x00));
        item->setText(3, tr("%1 of %2").arg(stringText(m, "epochs_completed"), stringText(m, "epochs")));
        item->setText(4, numberText(m, "final_train_loss"));
        item->setText(5, numberText(m, "best_val_accuracy", true));
        if (m.contains("dataset") && m["dataset"].is_object())
            item->setText(6, QDir(stringText(m["dataset"], "path")).dirName());
        item->setText(7, stringText(m, "created_at"));
    }
    m_runs->setSortingEnabled(true);
    m_runs->sortByColumn(0, Qt::DescendingOrder);
    for (int c = 0; c < m_runs->columnCount(); ++c)
        m_runs->resizeColumnToContents(c);
    m_heading->setText(tr("<b>Runs: %1</b> in %2").arg(runs.size()).arg(runsFolder.toHtmlEscaped()));
}

} // namespace ranker::ui
