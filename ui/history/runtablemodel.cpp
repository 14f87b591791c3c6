#include "ui/history/runtablemodel.h"

#include "core/base/text_format.h"
#include "ui/history/bestrun.h"
#include "ui/history/elidedtext.h"
#include "ui/numberformat.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QDir>

#include <cmath>
#include <filesystem>
#include <unordered_map>

namespace ranker::ui {

namespace {

/// "trial-003-lr0.001-m0.5" of ".../trial-003-lr0.001-m0.5/" (with or without the slash).
std::string folderName(const std::string &folder)
{
    std::filesystem::path path = std::filesystem::path(folder).lexically_normal();
    if (path.filename().empty())
        path = path.parent_path();
    return path.filename().string();
}

QVariant numberOrNone(double value)
{
    return std::isfinite(value) ? QVariant(value) : QVariant();
}

QVariant intOrNone(int64_t value)
{
    return value >= 0 ? QVariant(qlonglong(value)) : QVariant();
}

} // namespace

RunTableModel::RunTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void RunTableModel::setRuns(std::vector<RunSummary> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    m_text.clear();
    m_text.reserve(m_runs.size());
    m_folders.clear();
    // Everything a cell, a tooltip or the filter shows is made here, once, and shortened: the
    // view asks for it at every paint, and a foreign file's strings may be of any length.
    // The best trial of each sweep, as the sweep ranks them (rankTrials()): a completed run's
    // selection figure (validation or CV, never the test file), then its one-new-item accuracy,
    // then the earlier trial.
    std::unordered_map<std::string, size_t> bestOfSweep;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        const RunSummary &run = m_runs[i];
        if (run.sweepFolder.empty() || !isRankable(run))
            continue;
        auto [it, added] = bestOfSweep.emplace(run.sweepFolder, i);
        if (!added && ranksAbove(run, m_runs[it->second]))
            it->second = i;
    }
    // Each sweep's lead stands for it in the list: its best trial, or its first without one.
    std::unordered_map<std::string, std::pair<size_t, int>> leadAndSize;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        if (m_runs[i].sweepFolder.empty())
            continue;
        auto best = bestOfSweep.find(m_runs[i].sweepFolder);
        auto [it, added] =
            leadAndSize.emplace(m_runs[i].sweepFolder, std::make_pair(best != bestOfSweep.end() ? best->second : i, 0));
        ++it->second.second;
    }
    for (size_t row = 0; row < m_runs.size(); ++row) {
        const RunSummary &run = m_runs[row];
        Text t;
        if (!run.sweepFolder.empty()) {
            const auto &[lead, size] = leadAndSize.at(run.sweepFolder);
            t.groupKey = QDir::cleanPath(qs(run.sweepFolder));
            t.leadRow = int(lead);
            t.groupSize = size;
            auto best = bestOfSweep.find(run.sweepFolder);
            t.bestOfSweep = best != bestOfSweep.end() && best->second == row;
            t.group =
                (t.bestOfSweep ? QStringLiteral("★ ") : QString()) + tr("sweep %1").arg(elidedText(run.sweepName));
            t.groupTip = t.bestOfSweep
                             ? tr("The best trial of sweep %1 by %2")
                                   .arg(elidedText(run.sweepName), elidedText(run.selection.label))
                             : tr("A trial of sweep %1 (%2)")
                                   .arg(elidedText(run.sweepName), elidedText(run.sweepFolder, kShownCharsLong));
        } else if (!run.parentFolder.empty()) {
            t.group =
                run.parentName.empty() ? tr("continues a run") : tr("continues %1").arg(elidedText(run.parentName));
            t.groupTip = tr("Resumed at epoch %1 from %2%3")
                             .arg(run.firstEpoch)
                             .arg(elidedText(run.parentFolder, kShownCharsLong))
                             .arg(run.parentIndex < 0 ? tr(" (not in this list)") : QString());
        }
        QDateTime when = QDateTime::fromString(elidedText(run.createdAt, 64), Qt::ISODate);
        t.started = when.isValid() ? when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
        // A sweep's trials share their model name; their folders say which settings they tried.
        const bool namedTrial = !run.sweepFolder.empty() && run.notes.displayName.empty();
        t.name = elidedText(run.broken && run.metadataPath.empty() ? run.folder
                            : namedTrial                           ? folderName(run.folder)
                                                                   : run.displayName());
        if (!run.datasetFile.empty())
            t.dataset = run.datasetSha256.empty()
                            ? elidedText(run.datasetFile)
                            : QStringLiteral("%1 (%2)").arg(elidedText(run.datasetFile), elidedText(run.shortHash()));
        t.device = elidedText(run.device);
        t.ended = run.broken ? QStringLiteral("broken: %1").arg(elidedText(run.problem)) : elidedText(run.ended);
        t.tags = elidedText(joinTags(run.notes.tags));
        t.problem = elidedText(run.problem, kShownCharsLong);
        t.endMessage = elidedText(run.endMessage, kShownCharsLong);
        t.datasetTip =
            elidedText(run.datasetPath, kShownCharsLong) + QStringLiteral("\nsha256 ") + elidedText(run.datasetSha256);
        t.notes = elidedText(run.notes.notes, kShownCharsLong);
        t.sortName = elidedText(run.displayName(), kShownCharsLong).toLower();
        t.filter = QStringList{elidedText(run.displayName(), kShownCharsLong),
                               elidedText(run.modelName, kShownCharsLong),
                               elidedText(run.datasetFile, kShownCharsLong),
                               elidedText(run.shortHash()),
                               t.tags,
                               t.group,
                               t.notes,
                               t.device,
                               run.broken ? QStringLiteral("broken ") + t.problem : t.ended,
                               QString::fromStdString(std::string(toString(run.verdict.level))),
                               elidedText(run.folder, kShownCharsLong)}
                       .join(QLatin1Char('\n'))
                       .toLower();
        m_folders << QDir::cleanPath(qs(run.folder));
        m_text.push_back(std::move(t));
    }
    endResetModel();
}

int RunTableModel::rowOfFolder(const QString &folder) const
{
    return m_folders.indexOf(QDir::cleanPath(folder));
}

QStringList RunTableModel::checkedFolders() const
{
    QStringList folders;
    for (const QString &folder : m_folders)
        if (m_checked.contains(folder))
            folders << folder;
    return folders;
}

void RunTableModel::setChecked(const QString &folder, bool checked)
{
    const QString clean = QDir::cleanPath(folder);
    if (checked == m_checked.contains(clean))
        return;
    if (checked)
        m_checked << clean;
    else
        m_checked.removeAll(clean);
    const int row = rowOfFolder(clean);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, Name), index(row, Name), {Qt::CheckStateRole});
}

void RunTableModel::setGroupOpen(const QString &groupKey, bool open)
{
    if (groupKey.isEmpty() || open == m_openGroups.contains(groupKey))
        return;
    if (open)
        m_openGroups << groupKey;
    else
        m_openGroups.removeAll(groupKey);
    for (size_t row = 0; row < m_text.size(); ++row)
        if (m_text[row].groupKey == groupKey)
            Q_EMIT dataChanged(index(int(row), Group), index(int(row), Group), {Qt::DisplayRole, InClosedGroupRole});
    Q_EMIT groupsChanged();
}

bool RunTableModel::leadsGroup(int row) const
{
    const Text &t = m_text.at(size_t(row));
    return t.leadRow == row && t.groupSize > 1;
}

int RunTableModel::groupLead(int row) const
{
    const Text &t = m_text.at(size_t(row));
    return t.groupKey.isEmpty() || t.groupSize < 2 ? -1 : t.leadRow;
}

std::vector<int> RunTableModel::groupMembers(int row) const
{
    std::vector<int> members;
    if (!leadsGroup(row))
        return members;
    const QString &key = m_text[size_t(row)].groupKey;
    for (size_t r = 0; r < m_text.size(); ++r)
        if (int(r) != row && m_text[r].groupKey == key)
            members.push_back(int(r));
    return members;
}

QVariant RunTableModel::groupDisplay(int row) const
{
    const Text &t = m_text[size_t(row)];
    if (t.group.isEmpty())
        return QVariant();
    if (t.groupKey.isEmpty())
        return t.group;
    if (t.leadRow != row)
        return QStringLiteral("└ ") + t.group; // a trial under its lead
    const QString trials = t.groupSize == 1 ? tr("1 trial") : tr("%1 trials").arg(t.groupSize);
    if (t.groupSize == 1)
        return QStringLiteral("%1 · %2").arg(t.group, trials);
    return QStringLiteral("%1 %2 · %3")
        .arg(m_openGroups.contains(t.groupKey) ? QStringLiteral("▾") : QStringLiteral("▸"), t.group, trials);
}

void RunTableModel::setBestCompared(const QString &folder)
{
    const QString clean = folder.isEmpty() ? QString() : QDir::cleanPath(folder);
    if (clean == m_bestCompared)
        return;
    const int before = rowOfFolder(m_bestCompared);
    m_bestCompared = clean;
    for (int row : {before, rowOfFolder(clean)})
        if (row >= 0)
            Q_EMIT dataChanged(index(row, Name), index(row, Name), {Qt::DisplayRole, Qt::ToolTipRole});
}

Qt::ItemFlags RunTableModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Name)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool RunTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.column() != Name || role != Qt::CheckStateRole || index.row() >= int(m_runs.size()))
        return false;
    setChecked(m_folders.at(index.row()), value.toInt() == Qt::Checked);
    return true;
}

int RunTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::display(const RunSummary &run, int row, int column) const
{
    const Text &t = m_text[size_t(row)];
    switch (column) {
    case Name:
        return m_folders.at(row) == m_bestCompared ? QStringLiteral("★ ") + t.name : t.name;
    case Group:
        return groupDisplay(row);
    case Started:
        return t.started;
    case Dataset:
        return t.dataset.isEmpty() ? QVariant() : QVariant(t.dataset);
    case Pairs:
        return intOrNone(run.pairs);
    case Epochs:
        if (run.epochsDone < 0)
            return QVariant();
        return run.epochsAsked >= 0 ? QStringLiteral("%1 / %2").arg(run.epochsDone).arg(run.epochsAsked)
                                    : QString::number(run.epochsDone);
    case LearningRate:
        return std::isfinite(run.learningRate) ? QString::number(run.learningRate, 'g', 4) : QVariant();
    case HiddenDim:
        return intOrNone(run.hiddenDim);
    case BatchSize:
        return intOrNone(run.batchSize);
    case Margin:
        return std::isfinite(run.margin) ? QString::number(run.margin, 'g', 4) : QVariant();
    case FinalTrainLoss:
        return std::isfinite(run.finalTrainLoss) ? QString::number(run.finalTrainLoss, 'f', 4) : QVariant();
    case Quality:
        return run.quality.kind == QualityFigure::None ? QVariant() : qs(run.quality.shortLabel);
    case TestAccuracy:
        return std::isfinite(run.testAccuracy) ? percentText(run.testAccuracy) : QVariant();
    case VerdictColumn:
        if (run.broken)
            return QVariant();
        return run.verdict.level == VerdictLevel::Good      ? tr("✔ good")
               : run.verdict.level == VerdictLevel::Warning ? tr("⚠ look again")
                                                            : tr("✖ failed");
    case TrainingTime:
        return qs(ranker::formatDuration(run.trainingTime));
    case Device:
        return t.device;
    case Ended:
        return t.ended;
    case Tags:
        return t.tags;
    default:
        return QVariant();
    }
}

QVariant RunTableModel::sortValue(const RunSummary &run, int row, int column) const
{
    switch (column) {
    case Name:
        return m_text[size_t(row)].sortName;
    case Group: {
        const Text &t = m_text[size_t(row)];
        return t.group.isEmpty() ? QVariant()
                                 : QVariant((t.bestOfSweep ? QStringLiteral("0") : QStringLiteral("1")) + t.group);
    }
    case Started:
        return elidedText(run.createdAt, 64);
    case Pairs:
        return intOrNone(run.pairs);
    case Epochs:
        return run.epochsDone >= 0 ? QVariant(run.epochsDone) : QVariant();
    case LearningRate:
        return numberOrNone(run.learningRate);
    case HiddenDim:
        return intOrNone(run.hiddenDim);
    case BatchSize:
        return intOrNone(run.batchSize);
    case Margin:
        return numberOrNone(run.margin);
    case FinalTrainLoss:
        return numberOrNone(run.finalTrainLoss);
    case Quality:
        return run.quality.kind == QualityFigure::None ? QVariant() : QVariant(run.quality.accuracy);
    case TestAccuracy:
        return numberOrNone(run.testAccuracy);
    case VerdictColumn:
        return run.broken ? QVariant() : QVariant(int(run.verdict.level));
    case TrainingTime:
        return numberOrNone(run.trainingTime);
    default:
        return display(run, row, column);
    }
}

QVariant RunTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_runs.size()))
        return QVariant();
    const RunSummary &run = m_runs[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(run, index.row(), index.column());
    case SortRole:
        return sortValue(run, index.row(), index.column());
    case FolderRole:
        return m_folders.at(index.row());
    case FilterRole:
        return m_text[size_t(index.row())].filter;
    case BrokenRole:
        return run.broken;
    case GroupKeyRole:
        return m_text[size_t(index.row())].groupKey;
    case GroupLeadRole: {
        const Text &t = m_text[size_t(index.row())];
        return !t.groupKey.isEmpty() && t.leadRow == index.row();
    }
    case GroupSortRole: {
        const Text &t = m_text[size_t(index.row())];
        const int lead = t.groupKey.isEmpty() ? index.row() : t.leadRow;
        return sortValue(m_runs[size_t(lead)], lead, index.column());
    }
    case InClosedGroupRole: {
        const Text &t = m_text[size_t(index.row())];
        return !t.groupKey.isEmpty() && t.leadRow != index.row() && !m_openGroups.contains(t.groupKey);
    }
    case Qt::CheckStateRole:
        if (index.column() == Name)
            return m_checked.contains(m_folders.at(index.row())) ? Qt::Checked : Qt::Unchecked;
        return QVariant();
    case Qt::ToolTipRole: {
        const Text &t = m_text[size_t(index.row())];
        if (run.broken)
            return t.problem;
        if (index.column() == Ended && !run.endMessage.empty())
            return t.endMessage;
        if (index.column() == Quality && run.quality.kind != QualityFigure::None)
            return elidedText(run.quality.label, kShownCharsLong);
        if (index.column() == VerdictColumn) {
            QString reasons;
            for (const std::string &reason : run.verdict.reasons)
                reasons += QStringLiteral("• %1\n").arg(elidedText(reason, kShownCharsLong));
            return reasons.isEmpty() ? elidedText(run.verdict.summary, kShownCharsLong) : reasons.trimmed();
        }
        if (index.column() == Dataset)
            return t.datasetTip;
        if (index.column() == Group && leadsGroup(index.row()))
            return t.groupTip +
                   tr("\nClick here, or press + and −, to open or close the sweep's %1 trials").arg(t.groupSize);
        if (index.column() == Group && !t.groupTip.isEmpty())
            return t.groupTip;
        if (index.column() == Name && m_folders.at(index.row()) == m_bestCompared)
            return tr("★ The best of the compared runs by %1").arg(elidedText(run.selection.label, kShownCharsLong));
        if (index.column() == Name && run.displayName().size() > size_t(kShownChars))
            return elidedText(run.displayName(), kShownCharsLong); // more of a long name
        return run.notes.notes.empty() ? m_folders.at(index.row()) : t.notes;
    }
    case Qt::ForegroundRole:
        if (run.broken)
            return QBrush(QColor(0xb0, 0x20, 0x20));
        if (index.column() == Ended && run.ended != "completed")
            return QBrush(QColor(0xa0, 0x60, 0x00));
        if (index.column() == Group && m_text[size_t(index.row())].bestOfSweep)
            return QBrush(QColor(0x1e, 0x5a, 0xa0));
        if (index.column() == VerdictColumn || index.column() == Quality)
            return QBrush(run.verdict.level == VerdictLevel::Good      ? QColor(0x1e, 0x7b, 0x34)
                          : run.verdict.level == VerdictLevel::Warning ? QColor(0x8a, 0x5a, 0x00)
                                                                       : QColor(0xb3, 0x26, 0x1e));
        return QVariant();
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case Pairs:
        case Epochs:
        case LearningRate:
        case HiddenDim:
        case BatchSize:
        case Margin:
        case FinalTrainLoss:
        case Quality:
        case TestAccuracy:
        case TrainingTime:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    default:
        return QVariant();
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == Name)
        return tr("Tick the runs to compare (Ctrl-click selection compares too when none is ticked)");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *names[ColumnCount] = {"Name", "Group",   "Started", "Dataset", "Pairs",      "Epochs",
                                             "LR",   "Hidden",  "Batch",   "Margin",  "Train loss", "Quality",
                                             "Test", "Verdict", "Time",    "Device",  "Ended",      "Tags"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

RunFilterProxyModel::RunFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RunTableModel::SortRole);
}

void RunFilterProxyModel::setFilterText(const QString &text)
{
    m_words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateRowsFilter();
}

void RunFilterProxyModel::setShowBroken(bool show)
{
    m_showBroken = show;
    invalidateRowsFilter();
}

bool RunFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_showBroken && index.data(RunTableModel::BrokenRole).toBool())
        return false;
    if (m_words.isEmpty() && index.data(RunTableModel::InClosedGroupRole).toBool())
        return false;
    const QString text = index.data(RunTableModel::FilterRole).toString();
    for (const QString &word : m_words)
        if (!text.contains(word))
            return false;
    return true;
}

namespace {

/// −1, 0 or 1 as `a` sorts before, with or after `b` in ascending order; a missing value sorts
/// after every present one whatever the order (the proxy reverses the whole order for descending).
int compareSortValues(const QVariant &a, const QVariant &b, bool ascending)
{
    if (!a.isValid() || !b.isValid()) {
        if (a.isValid() == b.isValid())
            return 0;
        return a.isValid() == ascending ? -1 : 1;
    }
    if (a.userType() == QMetaType::QString || b.userType() == QMetaType::QString) {
        const int c = QString::localeAwareCompare(a.toString(), b.toString());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    const double x = a.toDouble(), y = b.toDouble();
    return x < y ? -1 : x > y ? 1 : 0;
}

} // namespace

bool RunFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const bool ascending = sortOrder() == Qt::AscendingOrder;
    // A sweep sorts where its lead does, as one block (sweeps tied on the lead's value in folder
    // order); runs of their own carry an empty key, so ties between them keep the list's order.
    const QString leftGroup = left.data(RunTableModel::GroupKeyRole).toString();
    const QString rightGroup = right.data(RunTableModel::GroupKeyRole).toString();
    if (leftGroup != rightGroup) {
        const int c = compareSortValues(left.data(RunTableModel::GroupSortRole),
                                        right.data(RunTableModel::GroupSortRole), ascending);
        return c != 0 ? c < 0 : leftGroup < rightGroup;
    }
    // Inside a sweep its lead comes first in either order.
    const bool leftLead = left.data(RunTableModel::GroupLeadRole).toBool();
    const bool rightLead = right.data(RunTableModel::GroupLeadRole).toBool();
    if (leftLead != rightLead)
        return ascending ? leftLead : rightLead;
    return compareSortValues(left.data(sortRole()), right.data(sortRole()), ascending) < 0;
}

} // namespace ranker::ui
