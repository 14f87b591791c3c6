#pragma once

#include "core/run_history.h"
#include "ui/history/historysettings.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableView;

namespace ranker::ui {

class ChartInteraction;
class ComparisonModel;
class DifferencesFilterModel;
class ParallelCoordinatesView;

/// Compares runs: their train and validation curves overlaid (loss and accuracy, one colour per
/// run, optionally smoothed), their settings and results side by side, and a scatter of a chosen
/// setting against best validation accuracy over every listed run.
class RunCompareView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunCompareView)

public:
    explicit RunCompareView(HistorySettings *settings, QWidget *parent = nullptr);

    /// The runs to compare (broken ones are left out).
    void setCompared(const std::vector<RunSummary> &runs);
    /// Every listed run, for the scatter.
    void setListed(const std::vector<const RunSummary *> &runs);

    /// Names for the legend and the table's columns: display names, with the folder's name added
    /// where two runs share one.
    static QStringList runLabels(const std::vector<RunSummary> &runs);

    int comparedCount() const { return int(m_compared.size()); }
    /// The best of the compared runs by the selection figure (as a sweep ranks), -1 when none.
    int bestCompared() const { return m_best; }
    QString bestComparedFolder() const;
    ParallelCoordinatesView *parallelCoordinates() const { return m_parallel; }
    ComparisonModel *comparisonModel() const { return m_comparison; }

    /**
     * Writes comparison.csv and NAME-epochs.csv for each compared run into `folder`.
     * @return the files written; on failure an empty list and `error` says why.
     */
    QStringList exportCsv(const QString &folder, QString *error = nullptr) const;

private:
    void rebuildCurves();
    void rebuildScatter();
    void fillChart(QChart *chart, bool accuracy);
    std::vector<double> smoothed(const std::vector<double> &values) const;
    void smoothingChanged();

    struct ListedRun
    {
        QString name;
        QString folder;
        std::vector<double> numbers; ///< comparisonFields()' numbers
        double bestValAccuracy = 0;  ///< selectionQuality(): validation (or CV) on held-out data
    };

    HistorySettings *m_settings = nullptr;
    std::vector<RunSummary> m_compared;
    std::vector<ListedRun> m_listed;
    QStringList m_names; ///< runLabels(m_compared)
    int m_best = -1;     ///< bestCompared()
    bool m_logLoss = false;

    QComboBox *m_smoothing = nullptr;
    QSpinBox *m_window = nullptr;
    QDoubleSpinBox *m_weight = nullptr;
    QLabel *m_hint = nullptr;
    QChartView *m_lossView = nullptr;
    QChartView *m_accuracyView = nullptr;
    ComparisonModel *m_comparison = nullptr;
    DifferencesFilterModel *m_differences = nullptr;
    QTableView *m_table = nullptr;
    QCheckBox *m_differencesOnly = nullptr;
    QComboBox *m_scatterParameter = nullptr;
    QChartView *m_scatterView = nullptr;
    ParallelCoordinatesView *m_parallel = nullptr;
};

} // namespace ranker::ui
