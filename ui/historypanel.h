#pragma once

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace ranker::ui {

/// The runs in the workspace, newest first. (The run-history issue adds comparing runs.)
class HistoryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryPanel)

public:
    explicit HistoryPanel(QWidget *parent = nullptr);

    /// Lists the runs found in `runsFolder` (WORKSPACE/runs) again.
    void refresh(const QString &runsFolder);
    int runCount() const;

private:
    QTreeWidget *m_runs = nullptr;
    QLabel *m_heading = nullptr;
    QString m_folder;
};

} // namespace ranker::ui
