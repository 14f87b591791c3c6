#include "ui/mainwindow.h"

#include "core/dataset.h"
#include "core/label_document.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/version.h"
#include "ui/datasetpanel.h"
#include "ui/filechangewatcher.h"
#include "ui/history/runhistorypanel.h"
#include "ui/ranking/rankingview.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"
#include "ui/settings.h"
#include "ui/trainingworker.h"
#include "ui/trainpanel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

// Resources of a static library must be registered by name, outside any namespace.
static void initStudioResources()
{
    Q_INIT_RESOURCE(studio);
}

namespace ranker::ui {

namespace {

/// The app icon, from the resources (resources/icons), in every size shipped.
QIcon appIcon()
{
    QIcon icon;
    for (int size : {16, 32, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/ranker-studio-%1.png").arg(size), QSize(size, size));
    return icon;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_settings(new Settings(this)), m_loader(new DatasetLoader(this))
{
    initStudioResources();
    m_settings->load();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Ranker Studio"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    m_loader->setObjectName(QStringLiteral("datasetLoader"));

    m_places = new QTabWidget(this);
    m_places->setObjectName(QStringLiteral("places"));
    m_places->setDocumentMode(true);
    m_datasetPanel = new DatasetPanel(m_places);
    m_datasetPanel->setObjectName(QStringLiteral("datasetPanel"));
    m_trainPanel = new TrainPanel(m_settings, m_places);
    m_trainPanel->setObjectName(QStringLiteral("trainPanel"));
    m_historyPanel = new RunHistoryPanel(m_settings->runsFolder(), m_places);
    m_historyPanel->setObjectName(QStringLiteral("historyPanel"));
    m_reviewPanel = new ReviewPanel(m_places);
    m_reviewPanel->setObjectName(QStringLiteral("reviewPanel"));
    m_reviewPanel->setRunsFolder(m_settings->runsFolder());
    m_rankingView = new RankingView(m_places);
    m_rankingView->setObjectName(QStringLiteral("rankingView"));
    m_rankingView->setRunsFolder(m_settings->runsFolder());
    m_places->addTab(m_datasetPanel, tr("Dataset"));
    m_places->addTab(m_reviewPanel, tr("Review"));
    m_places->addTab(m_trainPanel, tr("Train"));
    m_places->addTab(m_historyPanel, tr("History"));
    m_places->addTab(m_rankingView, tr("Ranking"));
    setCentralWidget(m_places);

    m_statusDataset = new QLabel(this);
    m_statusDataset->setObjectName(QStringLiteral("statusDataset"));
    statusBar()->addPermanentWidget(m_statusDataset);

    createActions();

    // History → Train: reuse a run's settings, or continue from its checkpoint.
    connect(m_historyPanel, &RunHistoryPanel::trainAgainRequested, this,
            [this](const QString &configJson, const QString &datasetPath) {
                applyRunConfig(configJson);
                m_trainPanel->setResumeCheckpoint(QString());
                followRunDataset(datasetPath, m_trainPanel->config().embeddingDim);
            });
    connect(m_historyPanel, &RunHistoryPanel::continueTrainingRequested, this,
            [this](const QString &pthPath, const QString &configJson, const QString &datasetPath) {
                applyRunConfig(configJson);
                m_trainPanel->setResumeCheckpoint(pthPath);
                followRunDataset(datasetPath, m_trainPanel->config().embeddingDim);
            });
    // History → Ranking: the open dataset ranked by that run's model.
    connect(m_historyPanel, &RunHistoryPanel::rankingRequested, this, [this](const QString &folder) {
        if (!m_rankingView)
            return;
        m_rankingView->showRun(folder);
        setPlace(RankingPlace);
    });
    // Ranking → Review: an item's pairs, the Review place's id filter set to it.
    connect(m_rankingView, &RankingView::itemPairsRequested, this, [this](const QString &id) {
        if (!m_reviewPanel)
            return;
        m_reviewPanel->showItemPairs(id);
        setPlace(ReviewPlace);
    });
    // The Review place follows the open dataset; it reads the file itself (byte-preserving edits).
    connect(m_places, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == int(ReviewPlace))
            syncReviewPanel();
    });

    connect(m_loader, &DatasetLoader::started, m_datasetPanel, &DatasetPanel::showLoading);
    connect(m_loader, &DatasetLoader::progress, m_datasetPanel, &DatasetPanel::setLoadProgress);
    connect(m_loader, &DatasetLoader::loaded, this, &MainWindow::onLoaded);
    connect(m_loader, &DatasetLoader::failed, this,
            [this](const QString &path, const QString &message, const QStringList &diagnostics) {
                m_trainAfterLoad = false;
                m_datasetPanel->hideLoading();
                m_datasetPanel->showLoadFailed(path, message, diagnostics);
                if (!QFileInfo::exists(path)) {
                    m_settings->removeRecentFile(path);
                    updateRecentMenu();
                }
                setPlace(DatasetPlace);
                statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 8000);
            });
    connect(m_loader, &DatasetLoader::cancelled, this, [this](const QString &path) {
        m_trainAfterLoad = false;
        m_datasetPanel->hideLoading();
        statusBar()->showMessage(
            tr("Stopped reading %1; the dataset shown stays loaded.").arg(QFileInfo(path).fileName()), 8000);
    });
    connect(m_datasetPanel, &DatasetPanel::openRequested, this, &MainWindow::chooseFile);
    connect(m_datasetPanel, &DatasetPanel::openSampleRequested, this, &MainWindow::openSample);
    connect(m_datasetPanel, &DatasetPanel::cancelLoadRequested, m_loader, &DatasetLoader::cancel);
    connect(m_datasetPanel, &DatasetPanel::embeddingsFileRequested, this, &MainWindow::chooseEmbeddingsFile);
    connect(m_datasetPanel, &DatasetPanel::reloadRequested, this, &MainWindow::reloadDataset);
    // Another program may change or remove the open dataset's file: say so, and offer to read it again.
    m_datasetWatcher = std::make_unique<FileChangeWatcher>(this, 300, [this] { checkDatasetOnDisk(); });
    // Labels saved in the Review place are what the next run should train on. The saved
    // document knows the new file: its dataset is taken as it is, not read again
    // (unless the save changed the order the items first appear in, or embeddings came from a
    // separate file the document did not read). A Save As moves the whole window to the new file.
    connect(m_reviewPanel->document(), &ReviewDocument::saved, this, [this](const QString &path) {
        if (!m_dataset)
            return;
        const LabelDocument &document = m_reviewPanel->document()->data();
        if (document.datasetMatchesFile() && m_embeddingsPath.isEmpty())
            showDataset(document.sharedDataset(), -1);
        else if (QFileInfo(path) == QFileInfo(QString::fromStdString(m_dataset->path)))
            reloadDataset();
        else
            openDataset(path, m_dataset->embeddingDim, m_embeddingsPath);
    });
    connect(m_trainPanel, &TrainPanel::reloadRequested, this, [this](int dim) {
        if (m_dataset)
            openDataset(QString::fromStdString(m_dataset->path), dim, m_embeddingsPath);
    });
    auto syncTrainActions = [this] {
        m_trainAction->setEnabled(!m_trainPanel->isTraining() && m_dataset);
        m_stopAction->setEnabled(m_trainPanel->isTraining());
    };
    connect(m_trainPanel, &TrainPanel::trainingStarted, this, syncTrainActions);
    connect(m_trainPanel->controller(), &TrainingController::finished, this, syncTrainActions);
    connect(m_trainPanel->controller(), &TrainingController::failed, this, syncTrainActions);
    connect(m_trainPanel->controller(), &TrainingController::exportFailed, this, syncTrainActions);
    connect(m_trainPanel, &TrainPanel::runFinished, this, &MainWindow::refreshHistory);
    connect(m_trainPanel, &TrainPanel::sweepFinished, this, &MainWindow::refreshHistory);
    // A window closed during training closes once the stopped run's files are written.
    connect(m_trainPanel, &TrainPanel::runFinished, this, [this] {
        if (std::exchange(m_closeAfterRun, false))
            close();
    });
    connect(m_trainPanel, &TrainPanel::runFailed, this, [this](const QString &message) {
        if (!std::exchange(m_closeAfterRun, false))
            return;
        if (!m_trainPanel->hasUnsavedRun()) {
            close();
            return;
        }
        setPlace(TrainPlace);
        QMessageBox::warning(this, tr("Run not saved"),
                             tr("The stopped run could not be saved:\n%1\n\nThe studio stays open: use Save Run To… "
                                "to write it somewhere else, or quit again to leave without it.")
                                 .arg(message));
    });
    connect(m_places, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == HistoryPlace)
            refreshHistory();
    });

    resize(1280, 820);
    if (!m_settings->windowGeometry.isEmpty())
        restoreGeometry(m_settings->windowGeometry);
    if (!m_settings->windowState.isEmpty())
        restoreState(m_settings->windowState);
    m_places->setCurrentIndex(std::clamp(m_settings->currentPlace, 0, m_places->count() - 1));
    syncTrainActions();
    refreshHistory();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"), this, &MainWindow::chooseFile);
    open->setObjectName(QStringLiteral("actionOpen"));
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Open a JSONL dataset of pairwise preferences"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    QAction *sample = file->addAction(tr("Open &Sample Dataset"), this, &MainWindow::openSample);
    sample->setObjectName(QStringLiteral("actionOpenSample"));
    sample->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addSeparator();
    QAction *prefs = file->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    prefs->setObjectName(QStringLiteral("actionPreferences"));
    prefs->setShortcut(QKeySequence::Preferences);
    prefs->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    updateRecentMenu();

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QStringList names = {tr("&Dataset"), tr("&Review"), tr("&Train"), tr("&History"), tr("R&anking")};
    for (int i = 0; i < names.size(); ++i) {
        QAction *go = view->addAction(names[i], this, [this, i] { setPlace(Place(i)); });
        go->setObjectName(QStringLiteral("actionPlace%1").arg(i + 1));
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }

    QMenu *training = menuBar()->addMenu(tr("&Training"));
    m_trainAction = training->addAction(tr("&Train"), this, [this] {
        setPlace(TrainPlace);
        m_trainPanel->startTraining();
    });
    m_trainAction->setObjectName(QStringLiteral("actionTrain"));
    m_trainAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_stopAction = training->addAction(tr("&Stop"), m_trainPanel, &TrainPanel::stopTraining);
    m_stopAction->setObjectName(QStringLiteral("actionStop"));
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    training->addSeparator();
    QAction *defaults =
        training->addAction(tr("Restore &Default Settings"), m_trainPanel, &TrainPanel::restoreDefaults);
    defaults->setObjectName(QStringLiteral("actionRestoreDefaults"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Ranker Studio"), this,
                                     [this] { QMessageBox::about(this, tr("About Ranker Studio"), aboutText()); });
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
    QAction *aboutQt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setObjectName(QStringLiteral("actionAboutQt"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

QString MainWindow::aboutText()
{
    const DeviceInfo info = deviceInfo();
    const QString cuda =
        info.cudaAvailable
            ? tr("available (%n device(s))", nullptr, info.cudaDeviceCount)
            : tr("not available: %1").arg(QString::fromStdString(info.cudaUnavailableReason).toHtmlEscaped());
    return tr("<h3>Ranker Studio %1</h3>"
              "<p>Train a pairwise ranker by point and click: load preferences, tune, train live, export "
              ".pth, .onnx and metadata.</p>"
              "<table>"
              "<tr><td>Qt</td><td>%2 (built with %3)</td></tr>"
              "<tr><td>LibTorch</td><td>%4</td></tr>"
              "<tr><td></td><td><small>%5</small></td></tr>"
              "<tr><td>CUDA</td><td>%6</td></tr>"
              "</table>")
        .arg(QStringLiteral(RANKER_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QString::fromStdString(info.libtorchVersion), QString::fromStdString(info.libtorchPath).toHtmlEscaped(),
             cuda);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    int n = 0;
    for (const QString &path : std::as_const(m_settings->recentFiles)) {
        ++n;
        QAction *a = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(n).arg(QFileInfo(path).fileName()), this,
                                             [this, path] { openDataset(path); });
        a->setToolTip(path);
        a->setStatusTip(path);
    }
    if (m_settings->recentFiles.isEmpty()) {
        m_recentMenu->addAction(tr("No recent files"))->setEnabled(false);
    } else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear Menu"), this, [this] {
            m_settings->recentFiles.clear();
            m_settings->save();
            updateRecentMenu();
        });
    }
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a dataset"), m_settings->lastOpenFolder,
                                                      tr("JSON Lines (*.jsonl *.json *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        openDataset(path);
}

void MainWindow::openDataset(const QString &path, int embeddingDim, const QString &embeddingsPath)
{
    setPlace(DatasetPlace);
    m_loader->load(QFileInfo(path).absoluteFilePath(), embeddingDim,
                   embeddingsPath.isEmpty() ? QString() : QFileInfo(embeddingsPath).absoluteFilePath());
}

void MainWindow::chooseEmbeddingsFile()
{
    if (!m_dataset)
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Embeddings for items with an embedding_id"),
                                                      QFileInfo(QString::fromStdString(m_dataset->path)).absolutePath(),
                                                      tr("JSON Lines (*.jsonl *.json *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        openDataset(QString::fromStdString(m_dataset->path), 0, path);
}

QString MainWindow::sampleDatasetPath()
{
    initStudioResources();
    const QString folder =
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("sample"));
    const QString target = QDir(folder).filePath(QStringLiteral("sample_pairs.jsonl"));
    QFile source(QStringLiteral(":/sample/sample_pairs.jsonl"));
    // The engine reads files, not resources: keep a copy on disk, refreshed when the bundled one changes.
    if (QFileInfo(target).size() != source.size()) {
        QDir().mkpath(folder);
        QFile::remove(target);
        if (!source.copy(target))
            return {};
        QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                                          QFileDevice::ReadOther);
    }
    return target;
}

void MainWindow::openSample()
{
    const QString path = sampleDatasetPath();
    if (path.isEmpty()) {
        m_datasetPanel->showLoadFailed(QString(), tr("The bundled sample could not be copied to the data folder."), {});
        return;
    }
    openDataset(path);
}

void MainWindow::openInitialDataset(const QString &path)
{
    if (!path.isEmpty())
        openDataset(path);
    else if (!m_settings->lastDataset.isEmpty() && QFileInfo::exists(m_settings->lastDataset))
        openDataset(m_settings->lastDataset);
    else
        openSample();
}

void MainWindow::onLoaded(const DatasetPtr &dataset, qint64 milliseconds)
{
    m_embeddingsPath = m_loader->currentEmbeddingsPath();
    showDataset(dataset, milliseconds);
    statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(QString::fromStdString(dataset->path)).fileName()), 5000);
    if (std::exchange(m_trainAfterLoad, false)) {
        m_trainPanel->showNotice(tr("Loaded the run's dataset, %1: the form holds the run's settings.")
                                     .arg(QFileInfo(QString::fromStdString(dataset->path)).fileName()));
        setPlace(TrainPlace);
    }
}

void MainWindow::showDataset(const DatasetPtr &dataset, qint64 milliseconds)
{
    m_datasetPanel->hideLoading();
    DatasetPtr previous = std::exchange(m_dataset, dataset);
    m_datasetPanel->setDataset(dataset, milliseconds, m_embeddingsPath);
    m_trainPanel->setDataset(dataset, m_embeddingsPath);
    if (m_rankingView)
        m_rankingView->setDataset(dataset);
    // Freeing a big dataset (hundreds of MB of embeddings) takes a while: not on the GUI thread.
    // A run still training on it holds its own reference.
    if (previous) {
        QThread *release = QThread::create([previous = std::move(previous)]() mutable { previous.reset(); });
        connect(release, &QThread::finished, release, &QObject::deleteLater);
        release->start();
    }
    const QString path = QString::fromStdString(dataset->path);
    m_settings->addRecentFile(path);
    // QSettings syncs (and fsyncs) the file: a separate event, so that it does not add up with
    // the panels' work on the new dataset into one long stall.
    QTimer::singleShot(0, m_settings, &Settings::save);
    updateRecentMenu();
    setWindowTitle(tr("%1 — Ranker Studio").arg(QFileInfo(path).fileName()));
    setWindowFilePath(path);
    m_statusDataset->setText(
        tr("%1 pairs · %2 items · D = %3")
            .arg(QLocale().toString(qint64(dataset->pairs.size())), QLocale().toString(qint64(dataset->items.size())))
            .arg(dataset->embeddingDim));
    m_reviewDim = dataset->embeddingDim;
    m_datasetWatcher->watch(path);
    checkDatasetOnDisk();
    if (m_places->currentIndex() == int(ReviewPlace))
        syncReviewPanel();
    m_trainAction->setEnabled(!m_trainPanel->isTraining());
}

void MainWindow::refreshHistory()
{
    if (m_historyPanel) {
        if (m_historyPanel->runsFolder() != m_settings->runsFolder())
            m_historyPanel->setRunsFolder(m_settings->runsFolder());
        m_historyPanel->refresh();
    }
    if (m_reviewPanel)
        m_reviewPanel->setRunsFolder(m_settings->runsFolder());
    if (m_rankingView) {
        if (m_rankingView->runsFolder() != m_settings->runsFolder())
            m_rankingView->setRunsFolder(m_settings->runsFolder());
        else if (m_rankingView->isVisible())
            m_rankingView->refreshRuns();
    }
}

void MainWindow::applyRunConfig(const QString &configJson)
{
    ranker::TrainConfig config = m_trainPanel->config();
    try {
        ranker::fromJson(nlohmann::json::parse(configJson.toStdString()), config);
    } catch (const std::exception &e) {
        statusBar()->showMessage(tr("Cannot use that run's settings: %1").arg(QString::fromUtf8(e.what())), 8000);
        return;
    }
    // Threads and device describe this machine, not the run: they stay as the form has them, so a
    // run reused from another machine (or an old default) does not leak into later runs.
    const ranker::TrainConfig form = m_trainPanel->config();
    config.threads = form.threads;
    config.device = form.device;
    m_trainPanel->setConfig(config);
    setPlace(TrainPlace);
}

void MainWindow::followRunDataset(const QString &runDataset, int embeddingDim)
{
    const QString current = m_dataset ? QString::fromStdString(m_dataset->path) : QString();
    const QString runFile = QFileInfo(runDataset).fileName();
    if (runDataset.isEmpty() || runDataset == QLatin1String("(stdin)")) {
        m_trainPanel->showNotice(current.isEmpty()
                                     ? tr("The run does not say which file it trained on: open a dataset to train.")
                                     : tr("The run does not say which file it trained on: the next run uses %1.")
                                           .arg(QFileInfo(current).fileName()));
        return;
    }
    if (!current.isEmpty() && QFileInfo(current).absoluteFilePath() == QFileInfo(runDataset).absoluteFilePath() &&
        m_dataset->embeddingDim == embeddingDim)
        return; // the run's own dataset is open
    if (!QFileInfo(runDataset).isFile()) {
        m_trainPanel->showNotice(
            current.isEmpty()
                ? tr("The run trained on %1, which is no longer on disk: open a dataset to train.").arg(runDataset)
                : tr("The run trained on %1, which is no longer on disk: the next run uses the open dataset, %2.")
                      .arg(runDataset, QFileInfo(current).fileName()),
            true);
        return;
    }
    // Another file: read the run's own, then come back to the Train place.
    m_trainAfterLoad = true;
    m_trainPanel->showNotice(tr("Reading the run's dataset, %1…").arg(runFile));
    m_loader->load(QFileInfo(runDataset).absoluteFilePath(), embeddingDim, QString());
}

void MainWindow::syncReviewPanel()
{
    const QString path = windowFilePath();
    if (!m_reviewPanel || path.isEmpty() || m_reviewPanel->isLoading() || m_reviewPanel->filePath() == path)
        return;
    if (m_reviewPanel->hasUnsavedChanges() && !m_reviewPanel->maybeSave())
        return;
    // The window has read the file, with its lines' places: the Review place does not read it again.
    if (m_dataset && QString::fromStdString(m_dataset->path) == path &&
        int64_t(m_dataset->lineSpans.size()) == m_dataset->lines)
        m_reviewPanel->openDataset(m_dataset);
    else
        m_reviewPanel->openFile(path, m_reviewDim);
}

void MainWindow::reloadDataset()
{
    if (m_dataset)
        m_loader->load(QString::fromStdString(m_dataset->path), m_dataset->embeddingDim, m_embeddingsPath);
}

void MainWindow::checkDatasetOnDisk()
{
    if (!m_dataset)
        return;
    const QString path = QString::fromStdString(m_dataset->path);
    const QString name = QFileInfo(path).fileName().toHtmlEscaped();
    switch (checkFileOnDisk(*m_dataset)) {
    case FileOnDisk::Same:
        m_datasetPanel->showFileNotice(QString(), false);
        break;
    case FileOnDisk::Removed:
        m_datasetPanel->showFileNotice(tr("<b>%1 is no longer on disk.</b> It was read in full before it went: what "
                                          "is shown stays loaded, and training uses it.")
                                           .arg(name),
                                       false);
        break;
    case FileOnDisk::Changed:
        m_datasetPanel->showFileNotice(tr("<b>%1 changed on disk since it was read.</b> What is shown, and what "
                                          "training uses, is the version read before; reload to use the new one.")
                                           .arg(name),
                                       true);
        break;
    }
}

void MainWindow::setPlace(Place place)
{
    m_places->setCurrentIndex(int(place));
}

void MainWindow::setPlaceWidget(Place place, QWidget *widget, const QString &title)
{
    if (place == DatasetPlace || place == TrainPlace) {
        qWarning("setPlaceWidget: the Dataset and Train panels cannot be replaced");
        return;
    }
    const int index = int(place);
    QWidget *old = m_places->widget(index);
    const QString text = title.isEmpty() ? m_places->tabText(index) : title;
    const bool current = m_places->currentIndex() == index;
    m_places->removeTab(index);
    m_places->insertTab(index, widget, text);
    if (current)
        m_places->setCurrentIndex(index);
    if (old == m_historyPanel)
        m_historyPanel = nullptr;
    if (old == m_reviewPanel)
        m_reviewPanel = nullptr;
    if (old == m_rankingView)
        m_rankingView = nullptr;
    old->deleteLater();
}

void MainWindow::showPreferences()
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("preferencesDialog"));
    dialog.setWindowTitle(tr("Preferences"));
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(
        new QLabel(tr("Workspace folder: every run is written to WORKSPACE/runs/DATE-TIME-NAME."), &dialog));
    auto *row = new QHBoxLayout;
    auto *edit = new QLineEdit(m_settings->workspace, &dialog);
    edit->setObjectName(QStringLiteral("workspaceEdit"));
    edit->setMinimumWidth(420);
    auto *browse = new QPushButton(tr("Browse…"), &dialog);
    auto *reset = new QPushButton(tr("Default"), &dialog);
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString dir = QFileDialog::getExistingDirectory(&dialog, tr("Workspace folder"), edit->text());
        if (!dir.isEmpty())
            edit->setText(dir);
    });
    connect(reset, &QPushButton::clicked, &dialog, [edit] { edit->setText(Settings::defaultWorkspace()); });
    row->addWidget(edit, 1);
    row->addWidget(browse);
    row->addWidget(reset);
    layout->addLayout(row);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted || edit->text().trimmed().isEmpty())
        return;
    m_settings->workspace = QDir::cleanPath(edit->text().trimmed());
    m_settings->save();
    refreshHistory();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Unsaved label edits are never lost to a closed window: Save, Discard or Cancel.
    if (m_reviewPanel && m_reviewPanel->hasUnsavedChanges() && !m_reviewPanel->maybeSave()) {
        event->ignore();
        return;
    }
    // A run in progress is stopped and kept as cancelled; the window closes when its files are written.
    if (m_trainPanel->isTraining()) {
        event->ignore();
        if (m_closeAfterRun)
            return;
        QMessageBox box(QMessageBox::Question, tr("Training in progress"), tr("A model is training. Stop it and quit?"),
                        QMessageBox::Cancel, this);
        box.setInformativeText(tr("The epochs finished so far are kept: the run is saved as cancelled in %1.")
                                   .arg(QDir::toNativeSeparators(m_settings->runsFolder())));
        QPushButton *stop = box.addButton(tr("Stop and Quit"), QMessageBox::AcceptRole);
        stop->setObjectName(QStringLiteral("stopAndQuitButton"));
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != stop)
            return;
        if (!m_trainPanel->isTraining()) { // it ended while the question was open
            QTimer::singleShot(0, this, &QWidget::close);
            return;
        }
        m_closeAfterRun = true;
        m_trainPanel->stopTraining();
        statusBar()->showMessage(tr("Stopping the run and saving it before quitting…"));
        return;
    }
    if (m_trainPanel->hasUnsavedRun()) {
        QMessageBox box(QMessageBox::Warning, tr("Run not saved"),
                        tr("A trained model could not be written and is only in memory. Quit without it?"),
                        QMessageBox::Cancel, this);
        QPushButton *discard = box.addButton(tr("Quit Without It"), QMessageBox::DestructiveRole);
        discard->setObjectName(QStringLiteral("discardUnsavedRunButton"));
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != discard) {
            setPlace(TrainPlace);
            event->ignore();
            return;
        }
        m_trainPanel->discardUnsavedRun();
    }
    m_loader->cancel();
    m_settings->windowGeometry = saveGeometry();
    m_settings->windowState = saveState();
    m_settings->currentPlace = m_places->currentIndex();
    m_trainPanel->storeForm();
    m_settings->save();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    openDataset(urls.first().toLocalFile());
}

} // namespace ranker::ui
