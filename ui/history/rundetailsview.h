#pragma once

#include "core/run_history.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace ranker::ui {

/// Everything about one run: its full configuration and metrics (the metadata as a tree), its
/// files with their sizes, buttons to open the folder and copy paths, and editable notes and tags
/// saved to the run's sidecar.
class RunDetailsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunDetailsView)

public:
    explicit RunDetailsView(QWidget *parent = nullptr);

    /// Shows `run` (re-reading its metadata for the full tree). Unsaved notes of the previous run
    /// are saved first.
    void setRun(const RunSummary &run);
    void clear();
    QString folder() const { return m_folder; }

    /// Saves the notes and tags typed so far. @return false (and says why) when it could not.
    bool saveNotes();
    /// Notes or tags were edited since they were last loaded or saved.
    bool hasUnsavedNotes() const { return m_dirty; }

Q_SIGNALS:
    /// The sidecar of the run in `folder` was written.
    void notesSaved(const QString &folder);

private:
    void fillMetadata(const nlohmann::json &metadata);
    void fillFiles();
    void copyPaths();

    QString m_folder;
    RunNotes m_notes; ///< as last read or saved
    bool m_loading = false;
    bool m_dirty = false;

    QLabel *m_title = nullptr;
    QLabel *m_problem = nullptr;
    QTreeWidget *m_metadata = nullptr;
    QTreeWidget *m_files = nullptr;
    QPushButton *m_openFolder = nullptr;
    QPushButton *m_copyPaths = nullptr;
    QPlainTextEdit *m_notesEdit = nullptr;
    QLineEdit *m_tagsEdit = nullptr;
    QPushButton *m_saveNotes = nullptr;
    QLabel *m_notesStatus = nullptr;
};

} // namespace ranker::ui
