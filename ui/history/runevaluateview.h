#pragma once

#include "ui/history/evaluationworker.h"
#include "ui/history/historysettings.h"

#include <QThread>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace ranker::ui {

/// Runs the selected run's model on a dataset file, on a worker thread: pairwise accuracy overall
/// and per item type, tie agreement, label × predicted side, the pairs it gets most wrong; and
/// ranks a file's items by score, best first.
class RunEvaluateView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunEvaluateView)

public:
    explicit RunEvaluateView(HistorySettings *settings, QWidget *parent = nullptr);
    ~RunEvaluateView() override;

    /// The run to evaluate: its checkpoint, its margin and a name to show. An empty path disables.
    void setRun(const QString &name, const QString &pthPath, double margin, const QString &trainedOn);
    void setDatasetPath(const QString &path);
    QString datasetPath() const;

    bool isBusy() const { return m_busy; }
    /// The last result shown (evaluation or ranking), or null.
    EvaluationResultPtr lastResult() const { return m_last; }

public Q_SLOTS:
    void startEvaluation();
    void startRanking();

Q_SIGNALS:
    /// Emitted on the GUI thread when a request ends, either way.
    void done();

private:
    void showResult(const EvaluationResultPtr &result);
    void showError(const QString &message);
    void setBusy(bool busy);
    void browse();

    HistorySettings *m_settings = nullptr;
    QThread m_thread;
    EvaluationWorker *m_worker = nullptr;
    EvaluationResultPtr m_last;
    bool m_busy = false;
    QString m_pthPath;
    double m_margin = 1.0;

    QLabel *m_runLabel = nullptr;
    QLineEdit *m_dataset = nullptr;
    QPushButton *m_browse = nullptr;
    QPushButton *m_useTraining = nullptr;
    QPushButton *m_evaluate = nullptr;
    QPushButton *m_rank = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_overall = nullptr;
    QTabWidget *m_results = nullptr;
    QTableWidget *m_byType = nullptr;
    QTableWidget *m_confusion = nullptr;
    QTableWidget *m_mostWrong = nullptr;
    QTableWidget *m_ranking = nullptr;
    QString m_trainedOn;
};

} // namespace ranker::ui
