#pragma once
// The Ranking place's table: one row per item, the model's rank beside the labels' (Bradley–Terry),
// and the proxy that filters it by item type and sorts it by disagreement or either rank.

#include "ui/ranking/rankingworker.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <optional>

namespace ranker::ui {

/// Every item of one RankingResult, in item order; the data is replaced in one call.
class RankingTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RankingTableModel)

public:
    enum Column {
        DifferenceColumn,
        ModelRankColumn,
        LabelRankColumn,
        IdColumn,
        TypeColumn,
        ScoreColumn,
        StrengthColumn,
        IntervalColumn,
        ComparisonsColumn,
        WinsColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< a number (or the text) to sort the column by
        ItemIdRole,                  ///< the item's id
        ItemTypeRole,                ///< the item's item_type ("" for none)
        ItemIndexRole,               ///< index into Dataset::items
    };

    explicit RankingTableModel(QObject *parent = nullptr);

    void setResult(RankingResultPtr result);
    const RankingResultPtr &result() const { return m_result; }
    const RankingRow *rowAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    RankingResultPtr m_result;
};

/// Filters the table by item type and sorts it: by disagreement (the largest |model rank − label
/// rank| first, equal ones by label rank; items without both ranks last), or by either rank
/// (items without one last), or by any other column.
class RankingFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RankingFilterModel)

public:
    explicit RankingFilterModel(QObject *parent = nullptr);

    /// Shows only the items of `type` ("" for the items without one); std::nullopt shows every item.
    void setItemType(const std::optional<QString> &type);
    const std::optional<QString> &itemType() const { return m_type; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    std::optional<QString> m_type;
};

} // namespace ranker::ui
