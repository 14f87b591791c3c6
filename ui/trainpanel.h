#pragma once

#include "ui/datasetloader.h"

#include <QElapsedTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QToolButton;

namespace ranker {
struct TrainConfig;
struct EpochReport;
struct BatchReport;
struct PhaseReport;
} // namespace ranker

namespace ranker::ui {

class LossChart;
class Settings;
class SweepPanel;
class TrainingController;
struct RunOutcome;

/// The hyperparameter form, Start/Stop, the live chart, the log and the run's results.
class TrainPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainPanel)

public:
    explicit TrainPanel(Settings *settings, QWidget *parent = nullptr);

    /// @param embeddingsFile the embeddings file it was read with (recorded in the run's metadata).
    void setDataset(const DatasetPtr &dataset, const QString &embeddingsFile = {});
    bool isTraining() const;
    TrainingController *controller() const { return m_controller; }

    /// The form's values as the engine's configuration.
    ranker::TrainConfig config() const;
    void setConfig(const ranker::TrainConfig &config);
    /// Writes the form's values to the settings (not to disk).
    void storeForm();
    /// The next run continues from this checkpoint (its weights, Adam state and loss history);
    /// an empty path trains from scratch again.
    void setResumeCheckpoint(const QString &pthPath);
    QString resumeCheckpoint() const { return m_resumePath; }
    /// The test file the next runs are evaluated on (empty: none); kept between runs.
    void setTestFile(const QString &path);
    /// A line in the status area (amber when `warning`), e.g. which dataset the next run uses.
    void showNotice(const QString &text, bool warning = false);
    QString testFile() const { return m_testPath; }

    /// Training finished but its files could not be written: the trained run waits in memory.
    bool hasUnsavedRun() const;
    /// Writes that run into a new run folder under `parentFolder`. @return false when there is none.
    bool saveUnsavedRun(const QString &parentFolder);
    void discardUnsavedRun();

public Q_SLOTS:
    void startTraining();
    void stopTraining();
    void restoreDefaults();

Q_SIGNALS:
    /// The user asked to read the dataset again with another embedding dimension.
    void reloadRequested(int embeddingDim);
    void trainingStarted();
    /// A run ended and its folder holds the three files.
    void runFinished(const QString &runDir);
    /// A run ended without a folder: failed, or trained but not written (see hasUnsavedRun()).
    void runFailed(const QString &message);
    /// A sweep from the Sweep tab ended; `folder` holds sweep.json and its trials' run folders.
    void sweepFinished(const QString &folder);

private:
    QWidget *createForm();
    QWidget *createMonitor();
    void updateButtons();
    void updateDimensionCheck();
    /// What the validation settings will measure, for the loaded dataset (a warning when too few pairs).
    void updateValidationNote();
    void chooseTestFile();
    void onPhase(const ranker::PhaseReport &phase);
    void onEpoch(const ranker::EpochReport &report);
    void onBatch(const ranker::BatchReport &report);
    void onFinished(const RunOutcome &outcome);
    void onFailed(const QString &message);
    void onExportFailed(const QString &message);
    void chooseFolderForUnsavedRun();
    void appendLog(const QString &text);
    void setStatus(const QString &text, const QString &color = {});
    void updateProgress(double fractionDone);

    Settings *m_settings = nullptr;
    DatasetPtr m_dataset;
    QString m_embeddingsFile;
    QString m_resumePath;
    QString m_runFolderName; ///< of the run in progress (or unsaved): YYYYMMDD-HHMMSS-NAME
    TrainingController *m_controller = nullptr;

    QLineEdit *m_name = nullptr;
    QSpinBox *m_embeddingDim = nullptr;
    QLabel *m_dimNote = nullptr;
    QPushButton *m_reload = nullptr;
    QSpinBox *m_hiddenDim = nullptr;
    QDoubleSpinBox *m_learningRate = nullptr;
    QSpinBox *m_batchSize = nullptr;
    QSpinBox *m_epochs = nullptr;
    QDoubleSpinBox *m_margin = nullptr;
    QDoubleSpinBox *m_valSplit = nullptr;
    QComboBox *m_valBy = nullptr;
    QSpinBox *m_cvFolds = nullptr;
    QCheckBox *m_refit = nullptr;
    QLabel *m_testFile = nullptr;
    QPushButton *m_chooseTest = nullptr;
    QToolButton *m_clearTest = nullptr;
    QLabel *m_validationNote = nullptr;
    QDoubleSpinBox *m_dropout = nullptr;
    QDoubleSpinBox *m_weightDecay = nullptr;
    QSpinBox *m_patience = nullptr;
    QSpinBox *m_seed = nullptr;
    QComboBox *m_ties = nullptr;
    QComboBox *m_keep = nullptr;
    QSpinBox *m_threads = nullptr;
    QComboBox *m_device = nullptr;
    QLabel *m_deviceNote = nullptr;
    QPushButton *m_restore = nullptr;
    QPushButton *m_train = nullptr;
    QPushButton *m_stop = nullptr;

    QLabel *m_status = nullptr;
    QLabel *m_verdict = nullptr; ///< the finished run's verdict: green, amber or red, with the reasons
    QProgressBar *m_progress = nullptr;
    QLabel *m_epochLabel = nullptr;
    QLabel *m_etaLabel = nullptr;
    QLabel *m_speedLabel = nullptr;
    LossChart *m_chart = nullptr;
    QTabWidget *m_bottomTabs = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QWidget *m_results = nullptr;
    QLabel *m_resultFigures = nullptr;
    QLabel *m_runFolder = nullptr;
    QPushButton *m_openFolder = nullptr;
    QPushButton *m_copyOnnx = nullptr;
    QPushButton *m_saveElsewhere = nullptr; ///< shown while a trained run waits to be written
    SweepPanel *m_sweep = nullptr;

    QElapsedTimer m_clock;
    int m_firstEpoch = 1;
    int m_lastEpoch = 1;
    QString m_phaseText; ///< "Fold 2 of 5 · ", "Refit · " or empty
    QString m_testPath;
    QString m_onnxPath;
    QString m_runDir;
    std::string m_parentRun; ///< the folder of the run being continued (empty: from scratch)
};

} // namespace ranker::ui
