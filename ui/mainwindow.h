#pragma once

#include <QMainWindow>

class QLabel;

namespace ranker::ui {

/// The studio's main window.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);

    /// Loads a dataset and shows what is in it; errors are shown, not thrown.
    void openDataset(const QString &path);

private:
    QLabel *m_summary = nullptr;
};

} // namespace ranker::ui
