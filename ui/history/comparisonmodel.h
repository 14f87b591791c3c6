#pragma once

#include "core/run_history.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <vector>

namespace ranker::ui {

/// Hyperparameters and results of the compared runs side by side: one row per field, one column
/// per run after the field's name. Rows whose values differ are highlighted.
class ComparisonModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComparisonModel)

public:
    enum Role {
        DiffersRole = Qt::UserRole, ///< bool: the run values of this row are not all equal
        KeyRole,                    ///< the field's key (learning_rate, …)
        HyperparameterRole          ///< bool: a setting rather than a result
    };

    explicit ComparisonModel(QObject *parent = nullptr);

    void setComparison(std::vector<ComparisonRow> rows, QStringList runNames);
    const std::vector<ComparisonRow> &rows() const { return m_rows; }
    /// The row of field `key`, or -1.
    int rowOfKey(const QString &key) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<ComparisonRow> m_rows;
    QStringList m_runNames;
};

/// Shows only the rows whose values differ, when asked.
class DifferencesFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DifferencesFilterModel)

public:
    explicit DifferencesFilterModel(QObject *parent = nullptr);
    void setDifferencesOnly(bool on);
    bool differencesOnly() const { return m_differencesOnly; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool m_differencesOnly = false;
};

} // namespace ranker::ui
