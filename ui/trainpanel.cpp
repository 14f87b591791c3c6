#include "ui/trainpanel.h"

#include "ui/numberformat.h"

#include "core/base/text_format.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/run_history.h"
#include "core/training/quality.h"
#include "core/training/split.h"
#include "ui/losschart.h"
#include "ui/settings.h"
#include "ui/sweeppanel.h"
#include "ui/trainingworker.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTime>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace ranker::ui {

namespace {

QString formatDuration(double seconds)
{
    return qs(ranker::formatDuration(seconds));
}

QString formatNumber(double value, int precision = 5)
{
    return std::isfinite(value) ? QLocale().toString(value, 'g', precision) : QStringLiteral("–");
}

} // namespace

TrainPanel::TrainPanel(Settings *settings, QWidget *parent)
    : QWidget(parent), m_settings(settings), m_controller(new TrainingController(this))
{
    m_controller->setObjectName(QStringLiteral("trainingController"));
    auto *layout = new QHBoxLayout(this);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(createForm());
    splitter->addWidget(createMonitor());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);

    connect(m_controller, &TrainingController::started, this, [this] {
        m_clock.start();
        appendLog(tr("Run started."));
    });
    connect(m_controller, &TrainingController::stageChanged, this, [this](const QString &stage) {
        if (stage == QLatin1String("training"))
            setStatus(tr("Training…"));
        else if (stage == QLatin1String("exporting"))
            setStatus(tr("Writing .pth, .onnx and metadata…"));
        appendLog(tr("Stage: %1").arg(stage));
    });
    connect(m_controller, &TrainingController::phaseStarted, this, &TrainPanel::onPhase);
    connect(m_controller, &TrainingController::epochReported, this, &TrainPanel::onEpoch);
    connect(m_controller, &TrainingController::batchReported, this, &TrainPanel::onBatch);
    connect(m_controller, &TrainingController::logged, this, &TrainPanel::appendLog);
    connect(m_controller, &TrainingController::finished, this, &TrainPanel::onFinished);
    connect(m_controller, &TrainingController::failed, this, &TrainPanel::onFailed);
    connect(m_controller, &TrainingController::exportFailed, this, &TrainPanel::onExportFailed);

    setConfig(m_settings->train);
    updateButtons();
}

QWidget *TrainPanel::createForm()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(360);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *host = new QWidget(scroll);
    auto *outer = new QVBoxLayout(host);

    auto *model = new QGroupBox(tr("Model and training"), host);
    auto *form = new QFormLayout(model);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_name = new QLineEdit(model);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[^/\\\\]{1,100}")), m_name));
    m_name->setToolTip(tr("Model name prefix: the run writes NAME.pth, NAME.onnx and NAME_metadata.json (--name)"));
    form->addRow(tr("Model name"), m_name);

    m_embeddingDim = new QSpinBox(model);
    m_embeddingDim->setObjectName(QStringLiteral("embeddingDimSpin"));
    m_embeddingDim->setRange(0, 1 << 20);
    m_embeddingDim->setToolTip(
        tr("Embedding dimension (--embedding-dim). Filled from the loaded file: the length of its "
           "first embedding. Another value needs the file read again."));
    form->addRow(tr("Embedding dim"), m_embeddingDim);
    m_dimNote = new QLabel(model);
    m_dimNote->setObjectName(QStringLiteral("embeddingDimNote"));
    m_dimNote->setWordWrap(true);
    m_reload = new QPushButton(tr("Read the file again with this dimension"), model);
    m_reload->setObjectName(QStringLiteral("reloadWithDimButton"));
    form->addRow(QString(), m_dimNote);
    form->addRow(QString(), m_reload);
    connect(m_embeddingDim, &QSpinBox::valueChanged, this, &TrainPanel::updateDimensionCheck);
    connect(m_reload, &QPushButton::clicked, this, [this] { Q_EMIT reloadRequested(m_embeddingDim->value()); });

    m_hiddenDim = new QSpinBox(model);
    m_hiddenDim->setObjectName(QStringLiteral("hiddenDimSpin"));
    m_hiddenDim->setRange(1, 1 << 16);
    m_hiddenDim->setToolTip(tr("Hidden layer dimension H of the shared network (--hidden-dim, 1–65536)"));
    form->addRow(tr("Hidden dim"), m_hiddenDim);

    m_learningRate = new QDoubleSpinBox(model);
    m_learningRate->setObjectName(QStringLiteral("learningRateSpin"));
    m_learningRate->setDecimals(6);
    m_learningRate->setRange(0.000001, 10.0);
    m_learningRate->setSingleStep(0.0001);
    m_learningRate->setToolTip(
        tr("Adam's learning rate (--learning-rate, up to 10). The guide suggests trying 0.01, 0.001 and 0.0001; "
           "if the loss oscillates, lower it."));
    form->addRow(tr("Learning rate"), m_learningRate);

    m_batchSize = new QSpinBox(model);
    m_batchSize->setObjectName(QStringLiteral("batchSizeSpin"));
    m_batchSize->setRange(1, 1 << 20);
    m_batchSize->setToolTip(tr("Pairs per batch (--batch-size). The guide suggests trying 16, 32 and 64."));
    form->addRow(tr("Batch size"), m_batchSize);

    m_epochs = new QSpinBox(model);
    m_epochs->setObjectName(QStringLiteral("epochsSpin"));
    m_epochs->setRange(1, 1000000);
    m_epochs->setToolTip(tr("Number of training epochs (--epochs, 1–1 000 000)"));
    form->addRow(tr("Epochs"), m_epochs);

    m_margin = new QDoubleSpinBox(model);
    m_margin->setObjectName(QStringLiteral("marginSpin"));
    m_margin->setDecimals(3);
    m_margin->setRange(0.0, 1000.0);
    m_margin->setSingleStep(0.1);
    m_margin->setToolTip(
        tr("Margin of the ranking loss max(0, margin − y·(s_a − s_b)) (--margin, ≥ 0). Try 0.5, 1.0, 2.0."));
    form->addRow(tr("Margin"), m_margin);
    outer->addWidget(model);

    auto *regular = new QGroupBox(tr("Regularisation"), host);
    auto *form3 = new QFormLayout(regular);
    form3->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_dropout = new QDoubleSpinBox(regular);
    m_dropout->setObjectName(QStringLiteral("dropoutSpin"));
    m_dropout->setDecimals(2);
    m_dropout->setRange(0.0, 0.9);
    m_dropout->setSingleStep(0.05);
    m_dropout->setToolTip(tr("Dropout after the first hidden layer (--dropout, 0–0.9; the seed's 0.2). More "
                             "dropout memorises less."));
    form3->addRow(tr("Dropout"), m_dropout);
    m_weightDecay = new QDoubleSpinBox(regular);
    m_weightDecay->setObjectName(QStringLiteral("weightDecaySpin"));
    m_weightDecay->setDecimals(6);
    m_weightDecay->setRange(0.0, 1.0);
    m_weightDecay->setSingleStep(0.0001);
    m_weightDecay->setToolTip(tr("Adam's L2 weight decay (--weight-decay, 0–1; 0 turns it off). Try 1e-4 to 1e-2 "
                                 "when the model memorises its training items."));
    form3->addRow(tr("Weight decay"), m_weightDecay);
    m_patience = new QSpinBox(regular);
    m_patience->setObjectName(QStringLiteral("patienceSpin"));
    m_patience->setRange(0, 1000000);
    m_patience->setSpecialValueText(tr("Off"));
    m_patience->setToolTip(tr("Stop after this many epochs without a lower validation loss (--patience; Off "
                              "trains every epoch). Needs validation."));
    form3->addRow(tr("Early stop after"), m_patience);
    outer->addWidget(regular);

    auto *validation = new QGroupBox(tr("Validation"), host);
    auto *form2 = new QFormLayout(validation);
    form2->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_valBy = new QComboBox(validation);
    m_valBy->setObjectName(QStringLiteral("valByCombo"));
    m_valBy->addItem(tr("Held-out items (unseen)"), QStringLiteral("items"));
    m_valBy->addItem(tr("Held-out pairs (optimistic)"), QStringLiteral("pairs"));
    m_valBy->setToolTip(
        tr("What validation holds out (--val-by). Items: a share of the items with every pair between them, so the "
           "figure says how the model ranks items it has never seen. Pairs: a share of the pairs, whose items are "
           "also trained on: the figure reads too high."));
    form2->addRow(tr("Validate on"), m_valBy);
    m_valSplit = new QDoubleSpinBox(validation);
    m_valSplit->setObjectName(QStringLiteral("valSplitSpin"));
    m_valSplit->setDecimals(2);
    m_valSplit->setRange(0.0, 0.9);
    m_valSplit->setSingleStep(0.05);
    m_valSplit->setToolTip(tr(
        "Share of the items (or pairs) held out for validation, chosen with the seed (--val-split, 0 turns it off)"));
    form2->addRow(tr("Validation split"), m_valSplit);
    m_cvFolds = new QSpinBox(validation);
    m_cvFolds->setObjectName(QStringLiteral("cvFoldsSpin"));
    m_cvFolds->setRange(1, 20);
    m_cvFolds->setSpecialValueText(tr("Off"));
    m_cvFolds->setSuffix(tr(" folds"));
    m_cvFolds->setToolTip(
        tr("Cross-validation (--cv K): K runs, each holding out its own share of the items, then a refit on every "
           "pair for the folds' mean best epoch, which is exported. Mean ± std over the folds; every item is held "
           "out once. The figure to trust on small datasets."));
    form2->addRow(tr("Cross-validation"), m_cvFolds);
    m_refit = new QCheckBox(tr("Refit on all pairs"), validation);
    m_refit->setObjectName(QStringLiteral("refitCheck"));
    m_refit->setToolTip(
        tr("After validation has chosen the epoch count, train again on every pair for that many epochs and export "
           "that model (--refit). Its validation figure is the validation run's. Cross-validation always refits."));
    form2->addRow(QString(), m_refit);
    auto *testRow = new QHBoxLayout;
    m_testFile = new QLabel(tr("None"), validation);
    m_testFile->setObjectName(QStringLiteral("testFileLabel"));
    m_testFile->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testFile->setMinimumWidth(40);
    m_testFile->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_chooseTest = new QPushButton(tr("Test file…"), validation);
    m_chooseTest->setObjectName(QStringLiteral("testFileButton"));
    m_chooseTest->setToolTip(tr("A JSONL file of pairs of items the training never sees (--test): the exported model "
                                "is evaluated on it after training. The final word on how good it is."));
    m_clearTest = new QToolButton(validation);
    m_clearTest->setObjectName(QStringLiteral("clearTestFileButton"));
    m_clearTest->setText(QStringLiteral("×"));
    m_clearTest->setToolTip(tr("No test file"));
    testRow->addWidget(m_testFile, 1);
    testRow->addWidget(m_chooseTest);
    testRow->addWidget(m_clearTest);
    form2->addRow(tr("Test file"), testRow);
    connect(m_chooseTest, &QPushButton::clicked, this, &TrainPanel::chooseTestFile);
    connect(m_clearTest, &QToolButton::clicked, this, [this] { setTestFile(QString()); });
    m_validationNote = new QLabel(validation);
    m_validationNote->setObjectName(QStringLiteral("validationNote"));
    m_validationNote->setWordWrap(true);
    form2->addRow(m_validationNote);
    m_keep = new QComboBox(validation);
    m_keep->setObjectName(QStringLiteral("keepCombo"));
    m_keep->addItem(tr("Auto (best with a validation split)"), QStringLiteral("auto"));
    m_keep->addItem(tr("Best validation loss"), QStringLiteral("best"));
    m_keep->addItem(tr("Last epoch"), QStringLiteral("last"));
    m_keep->setToolTip(tr("Which epoch's weights are exported (--keep)"));
    form2->addRow(tr("Keep weights"), m_keep);
    connect(m_valBy, &QComboBox::currentIndexChanged, this, &TrainPanel::updateValidationNote);
    connect(m_valSplit, &QDoubleSpinBox::valueChanged, this, &TrainPanel::updateValidationNote);
    connect(m_cvFolds, &QSpinBox::valueChanged, this, &TrainPanel::updateValidationNote);
    connect(m_refit, &QCheckBox::toggled, this, &TrainPanel::updateValidationNote);

    outer->addWidget(validation);

    auto *engine = new QGroupBox(tr("Engine"), host);
    auto *form4 = new QFormLayout(engine);
    form4->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_seed = new QSpinBox(engine);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, INT_MAX);
    m_seed->setToolTip(
        tr("Random seed (--seed): the same seed, data and settings on CPU give the same run, bit for bit"));
    form4->addRow(tr("Seed"), m_seed);
    connect(m_seed, &QSpinBox::valueChanged, this, &TrainPanel::updateValidationNote);

    m_ties = new QComboBox(engine);
    m_ties->setObjectName(QStringLiteral("tiesCombo"));
    m_ties->addItem(tr("Hinge: pull tied scores together"), QStringLiteral("hinge"));
    m_ties->addItem(tr("Skip: leave ties out"), QStringLiteral("skip"));
    m_ties->setToolTip(
        tr("Pairs labelled 0 (--ties): hinge adds max(0, |s_a − s_b| − margin) to the loss; skip ignores them"));
    form4->addRow(tr("Ties"), m_ties);

    m_threads = new QSpinBox(engine);
    m_threads->setObjectName(QStringLiteral("threadsSpin"));
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("Fastest (measured)"));
    m_threads->setToolTip(tr("CPU threads for training (--threads). Fastest: measured once for this machine and "
                             "data shape, then cached; the thread count never changes the results"));
    form4->addRow(tr("Threads"), m_threads);

    m_device = new QComboBox(engine);
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    m_device->addItem(tr("Auto"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
    m_deviceNote = new QLabel(engine);
    m_deviceNote->setObjectName(QStringLiteral("deviceNote"));
    m_deviceNote->setWordWrap(true);
    const DeviceInfo info = deviceInfo();
    if (!info.cudaAvailable) {
        // Debian's LibTorch is built without CUDA: say so instead of failing at Train.
        if (auto *items = qobject_cast<QStandardItemModel *>(m_device->model()))
            items->item(2)->setEnabled(false);
        const QString reason = QString::fromStdString(info.cudaUnavailableReason);
        m_device->setItemData(2, tr("CUDA is not available: %1").arg(reason), Qt::ToolTipRole);
        m_deviceNote->setText(tr("<span style='color:#666'>CUDA unavailable: %1. Auto trains on the CPU.</span>")
                                  .arg(reason.toHtmlEscaped()));
    } else {
        m_deviceNote->setText(tr("<span style='color:#666'>%n CUDA device(s) found. Auto uses CUDA.</span>", nullptr,
                                 info.cudaDeviceCount));
    }
    m_device->setToolTip(tr("Where to train (--device): Auto picks CUDA when LibTorch has it, else the CPU"));
    form4->addRow(tr("Device"), m_device);
    form4->addRow(QString(), m_deviceNote);
    outer->addWidget(engine);

    outer->addStretch();
    scroll->setWidget(host);

    // Train and Stop stay in view below the fields, however small the window (the form scrolls).
    auto *column = new QWidget(this);
    column->setObjectName(QStringLiteral("trainFormColumn"));
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(scroll, 1);
    m_restore = new QPushButton(tr("Restore defaults"), column);
    m_restore->setObjectName(QStringLiteral("restoreDefaultsButton"));
    m_restore->setToolTip(
        tr("Put every field back to the seed guide's defaults (the embedding dimension stays the data's)"));
    connect(m_restore, &QPushButton::clicked, this, &TrainPanel::restoreDefaults);
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(8, 0, 8, 4);
    m_train = new QPushButton(tr("Train"), column);
    m_train->setObjectName(QStringLiteral("trainButton"));
    m_train->setToolTip(tr("Train on the loaded dataset and export the run (Ctrl+R)"));
    m_train->setMinimumHeight(36);
    m_train->setStyleSheet(QStringLiteral(
        "QPushButton#trainButton:enabled { background: #1f62c4; color: white; font-weight: bold; border-radius: 4px; }"
        "QPushButton#trainButton:disabled { background: #e4e4e4; color: #999; border: 1px solid #c8c8c8; "
        "border-radius: 4px; }"));
    m_stop = new QPushButton(tr("Stop"), column);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Stop before the next batch; what finished is exported as a cancelled run"));
    m_stop->setMinimumHeight(36);
    buttons->addWidget(m_restore);
    buttons->addWidget(m_train, 2);
    buttons->addWidget(m_stop, 1);
    columnLayout->addLayout(buttons);
    connect(m_train, &QPushButton::clicked, this, &TrainPanel::startTraining);
    connect(m_stop, &QPushButton::clicked, this, &TrainPanel::stopTraining);
    return column;
}

QWidget *TrainPanel::createMonitor()
{
    auto *monitor = new QWidget(this);
    auto *layout = new QVBoxLayout(monitor);

    m_status = new QLabel(tr("Open a dataset, then press Train."), monitor);
    m_status->setObjectName(QStringLiteral("trainStatus"));
    m_status->setWordWrap(true);
    QFont bold = m_status->font();
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    bold.setBold(true);
    m_status->setFont(bold);
    layout->addWidget(m_status);
    m_verdict = new QLabel(monitor);
    m_verdict->setObjectName(QStringLiteral("verdictLabel"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->hide();
    layout->addWidget(m_verdict);

    auto *progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(monitor);
    m_progress->setObjectName(QStringLiteral("trainProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_epochLabel = new QLabel(monitor);
    m_epochLabel->setObjectName(QStringLiteral("epochLabel"));
    m_etaLabel = new QLabel(monitor);
    m_etaLabel->setObjectName(QStringLiteral("etaLabel"));
    m_speedLabel = new QLabel(monitor);
    m_speedLabel->setObjectName(QStringLiteral("speedLabel"));
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_epochLabel);
    progressRow->addSpacing(12);
    progressRow->addWidget(m_etaLabel);
    progressRow->addSpacing(12);
    progressRow->addWidget(m_speedLabel);
    layout->addLayout(progressRow);

    auto *splitter = new QSplitter(Qt::Vertical, monitor);
    m_chart = new LossChart(splitter);
    m_chart->setObjectName(QStringLiteral("lossChart"));
    m_bottomTabs = new QTabWidget(splitter);
    m_bottomTabs->setObjectName(QStringLiteral("trainTabs"));
    m_log = new QPlainTextEdit(m_bottomTabs);
    m_log->setObjectName(QStringLiteral("trainLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_bottomTabs->addTab(m_log, tr("Log"));

    m_results = new QWidget(m_bottomTabs);
    m_results->setObjectName(QStringLiteral("resultsBox"));
    auto *resultsLayout = new QVBoxLayout(m_results);
    m_runFolder = new QLabel(tr("No run yet."), m_results);
    m_runFolder->setObjectName(QStringLiteral("runFolderLabel"));
    m_runFolder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_runFolder->setWordWrap(true);
    m_resultFigures = new QLabel(m_results);
    m_resultFigures->setObjectName(QStringLiteral("resultFigures"));
    m_resultFigures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resultFigures->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *resultButtons = new QHBoxLayout;
    m_openFolder = new QPushButton(tr("Open run folder"), m_results);
    m_openFolder->setObjectName(QStringLiteral("openFolderButton"));
    m_copyOnnx = new QPushButton(tr("Copy ONNX path"), m_results);
    m_copyOnnx->setObjectName(QStringLiteral("copyOnnxButton"));
    m_openFolder->setEnabled(false);
    m_copyOnnx->setEnabled(false);
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        if (!QDesktopServices::openUrl(QUrl::fromLocalFile(m_runDir))) {
            // No file manager here (a server, a minimal desktop): say so, and hand over the path.
            QApplication::clipboard()->setText(m_runDir);
            m_runFolder->setText(tr("<b>Run folder</b>: %1<br><span style='color:#8a5a00'>No file manager "
                                    "could open it; the path is on the clipboard.</span>")
                                     .arg(m_runDir.toHtmlEscaped()));
        }
    });
    connect(m_copyOnnx, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_onnxPath); });
    m_saveElsewhere = new QPushButton(tr("Save Run To…"), m_results);
    m_saveElsewhere->setObjectName(QStringLiteral("saveRunElsewhereButton"));
    m_saveElsewhere->setToolTip(tr("Write the trained model's files into another folder"));
    m_saveElsewhere->setVisible(false);
    connect(m_saveElsewhere, &QPushButton::clicked, this, &TrainPanel::chooseFolderForUnsavedRun);
    resultButtons->addWidget(m_saveElsewhere);
    resultButtons->addWidget(m_openFolder);
    resultButtons->addWidget(m_copyOnnx);
    resultButtons->addStretch();
    resultsLayout->addWidget(m_runFolder);
    resultsLayout->addWidget(m_resultFigures, 1);
    resultsLayout->addLayout(resultButtons);
    // The figures of a cross-validated run are long: the Results tab scrolls in small windows.
    auto *resultsScroll = new QScrollArea(m_bottomTabs);
    resultsScroll->setObjectName(QStringLiteral("resultsScroll"));
    resultsScroll->setWidgetResizable(true);
    resultsScroll->setFrameShape(QFrame::NoFrame);
    resultsScroll->setWidget(m_results);
    m_bottomTabs->addTab(resultsScroll, tr("Results"));
    // Sweeps: the form's settings are the base, the tab says what varies.
    m_sweep = new SweepPanel(
        [this] {
            SweepPanel::Source source;
            if (m_dataset) {
                source.datasetPath = QString::fromStdString(m_dataset->path);
                source.embeddingDim = m_dataset->embeddingDim;
            }
            source.embeddingsPath = m_embeddingsFile;
            source.testPath = m_testPath;
            source.base = config();
            source.workspace = m_settings->workspace;
            return source;
        },
        m_bottomTabs);
    // In a scroll area: the tab's fields must not push the chart over the tab bar in small windows.
    auto *sweepScroll = new QScrollArea(m_bottomTabs);
    sweepScroll->setObjectName(QStringLiteral("sweepScroll"));
    sweepScroll->setWidgetResizable(true);
    sweepScroll->setFrameShape(QFrame::NoFrame);
    sweepScroll->setWidget(m_sweep);
    m_bottomTabs->addTab(sweepScroll, tr("Sweep"));
    connect(m_sweep, &SweepPanel::useBestRequested, this, [this](const TrainConfig &best) {
        setConfig(best);
        storeForm();
    });
    connect(m_sweep, &SweepPanel::sweepStarted, this, [this] {
        setStatus(tr("A sweep is running: its trials are in the Sweep tab (Train waits until it ends)."));
        updateButtons();
    });
    connect(m_sweep, &SweepPanel::sweepFinished, this, [this](const QString &folder, bool stopped) {
        setStatus(stopped ? tr("The sweep stopped: Resume in the Sweep tab runs the rest.")
                          : tr("The sweep finished: its trials are ranked in the Sweep tab and listed in History."));
        updateButtons();
        Q_EMIT sweepFinished(folder);
    });
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({480, 320});
    layout->addWidget(splitter, 1);
    return monitor;
}

TrainConfig TrainPanel::config() const
{
    TrainConfig c;
    c.name = m_name->text().trimmed().toStdString();
    c.embeddingDim = m_embeddingDim->value();
    c.hiddenDim = m_hiddenDim->value();
    c.learningRate = m_learningRate->value();
    c.batchSize = m_batchSize->value();
    c.epochs = m_epochs->value();
    c.margin = m_margin->value();
    c.valSplit = m_valSplit->value();
    c.valBy = validationByFromString(m_valBy->currentData().toString().toStdString());
    c.cvFolds = m_cvFolds->value() >= 2 ? m_cvFolds->value() : 0;
    c.refit = m_refit->isChecked();
    c.dropout = m_dropout->value();
    c.weightDecay = m_weightDecay->value();
    c.patience = m_patience->value();
    c.seed = uint64_t(m_seed->value());
    c.ties = tiePolicyFromString(m_ties->currentData().toString().toStdString());
    c.keep = keepPolicyFromString(m_keep->currentData().toString().toStdString());
    c.threads = m_threads->value();
    c.device = m_device->currentData().toString().toStdString();
    return c;
}

void TrainPanel::setConfig(const TrainConfig &c)
{
    m_name->setText(QString::fromStdString(c.name));
    m_embeddingDim->setValue(m_dataset ? m_dataset->embeddingDim : c.embeddingDim);
    m_hiddenDim->setValue(c.hiddenDim);
    m_learningRate->setValue(c.learningRate);
    m_batchSize->setValue(c.batchSize);
    m_epochs->setValue(c.epochs);
    m_margin->setValue(c.margin);
    m_valSplit->setValue(c.valSplit);
    m_valBy->setCurrentIndex(std::max(0, m_valBy->findData(QString::fromLatin1(toString(c.valBy)))));
    m_cvFolds->setValue(c.cvFolds >= 2 ? c.cvFolds : 1);
    m_refit->setChecked(c.refit);
    m_dropout->setValue(c.dropout);
    m_weightDecay->setValue(c.weightDecay);
    m_patience->setValue(c.patience);
    m_seed->setValue(int(std::min<uint64_t>(c.seed, INT_MAX)));
    m_ties->setCurrentIndex(std::max(0, m_ties->findData(QString::fromLatin1(toString(c.ties)))));
    m_keep->setCurrentIndex(std::max(0, m_keep->findData(QString::fromLatin1(toString(c.keep)))));
    m_threads->setValue(c.threads);
    int device = m_device->findData(QString::fromStdString(c.device));
    if (device < 0 || !(m_device->model()->flags(m_device->model()->index(device, 0)) & Qt::ItemIsEnabled))
        device = 0;
    m_device->setCurrentIndex(device);
    updateDimensionCheck();
    updateValidationNote();
}

void TrainPanel::restoreDefaults()
{
    setConfig(TrainConfig{});
}

void TrainPanel::storeForm()
{
    m_settings->train = config();
}

void TrainPanel::setDataset(const DatasetPtr &dataset, const QString &embeddingsFile)
{
    m_dataset = dataset;
    m_embeddingsFile = embeddingsFile;
    if (m_dataset)
        m_embeddingDim->setValue(m_dataset->embeddingDim);
    if (!isTraining()) {
        if (m_dataset)
            setStatus(tr("Ready to train on %1 pairs of %2.")
                          .arg(QLocale().toString(qint64(m_dataset->pairs.size())),
                               QFileInfo(QString::fromStdString(m_dataset->path)).fileName()));
        else
            setStatus(tr("Open a dataset, then press Train."));
    }
    updateDimensionCheck();
    updateValidationNote();
    updateButtons();
}

bool TrainPanel::isTraining() const
{
    return m_controller->isRunning();
}

void TrainPanel::updateDimensionCheck()
{
    const bool mismatch = m_dataset && m_embeddingDim->value() != m_dataset->embeddingDim;
    if (!m_dataset)
        m_dimNote->setText(tr("<span style='color:#666'>Filled in when a dataset is loaded.</span>"));
    else if (mismatch)
        m_dimNote->setText(
            tr("<span style='color:#b3261e'>The file was read with D = %1.</span>").arg(m_dataset->embeddingDim));
    else
        m_dimNote->setText(tr("<span style='color:#666'>Found in the data: %1 values per embedding.</span>")
                               .arg(m_dataset->embeddingDim));
    m_reload->setVisible(mismatch);
    updateButtons();
}

void TrainPanel::updateButtons()
{
    const bool running = isTraining();
    const bool dimOk = m_dataset && m_embeddingDim->value() == m_dataset->embeddingDim;
    const bool sweeping = m_sweep && m_sweep->isRunning();
    m_train->setEnabled(!running && !sweeping && m_dataset && dimOk);
    if (m_sweep)
        m_sweep->setEnabled(!running);
    m_stop->setEnabled(running);
    m_restore->setEnabled(!running);
    m_reload->setEnabled(!running);
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_name,        m_embeddingDim, m_hiddenDim, m_learningRate, m_batchSize,  m_epochs,    m_margin,
             m_valSplit,    m_valBy,        m_cvFolds,   m_refit,        m_chooseTest, m_clearTest, m_dropout,
             m_weightDecay, m_patience,     m_seed,      m_ties,         m_keep,       m_threads,   m_device})
        w->setEnabled(!running);
    if (!running) {
        // Cross-validation always refits; the split share means nothing under it.
        const bool cv = m_cvFolds->value() >= 2;
        m_refit->setEnabled(!cv);
        m_valSplit->setEnabled(!cv);
        m_valBy->setEnabled(!cv);
        m_clearTest->setEnabled(!m_testPath.isEmpty());
    }
}

void TrainPanel::showNotice(const QString &text, bool warning)
{
    setStatus(text, warning ? QStringLiteral("#8a5a00") : QString());
}

void TrainPanel::startTraining()
{
    if (isTraining() || !m_dataset)
        return;
    TrainConfig c;
    try {
        c = config();
        if (c.embeddingDim != m_dataset->embeddingDim)
            throw Error("the file was read with embedding dimension " + std::to_string(m_dataset->embeddingDim) +
                        ": read it again with " + std::to_string(c.embeddingDim) + " first");
        c.validate();
    } catch (const std::exception &e) {
        setStatus(tr("Cannot train: %1").arg(QString::fromStdString(e.what())), QStringLiteral("#b3261e"));
        return;
    }
    m_settings->train = c;
    // Writing QSettings syncs the file to disk: its own event, not part of the click's.
    QTimer::singleShot(0, m_settings, &Settings::save);

    PipelineRequest request;
    request.input = m_dataset->path;
    request.load.embeddingDim = m_dataset->embeddingDim;
    request.load.embeddingsPath = m_embeddingsFile.toStdString();
    request.train = c;
    request.outputDir = newRunFolder(m_settings->workspace.toStdString(), c.name);
    m_runFolderName = QFileInfo(QString::fromStdString(request.outputDir)).fileName();
    request.resumePath = m_resumePath.toStdString();
    if (!m_resumePath.isEmpty())
        request.train.refit = false; // a continued run keeps training its own model
    m_parentRun = m_resumePath.isEmpty() ? std::string() : QFileInfo(m_resumePath).absolutePath().toStdString();
    request.testPath = m_testPath.toStdString();
    m_resumePath.clear(); // one continued run; the next starts from scratch unless asked again

    m_firstEpoch = 1;
    m_lastEpoch = c.epochs;
    m_phaseText.clear();
    m_verdict->hide();
    m_chart->reset(m_firstEpoch, m_lastEpoch);
    m_chart->chart()->setTitle(QString());
    m_log->clear();
    m_progress->setValue(0);
    m_epochLabel->setText(tr("Epoch 0 of %1").arg(c.epochs));
    m_etaLabel->setText(tr("ETA –"));
    m_speedLabel->setText(QString());
    m_runFolder->setText(tr("Running: %1").arg(QString::fromStdString(request.outputDir)));
    m_resultFigures->clear();
    m_openFolder->setEnabled(false);
    m_copyOnnx->setEnabled(false);
    m_saveElsewhere->setVisible(false);
    m_bottomTabs->setCurrentWidget(m_log);
    appendLog(tr("Training %1 for %2 epochs into %3")
                  .arg(QString::fromStdString(c.name))
                  .arg(c.epochs)
                  .arg(QString::fromStdString(request.outputDir)));
    setStatus(tr("Starting…"));
    m_clock.start();
    m_controller->start(m_dataset, request);
    updateButtons();
    Q_EMIT trainingStarted();
}

void TrainPanel::stopTraining()
{
    if (!isTraining())
        return;
    m_controller->stop();
    m_stop->setEnabled(false);
    setStatus(tr("Stopping after this batch…"));
    appendLog(tr("Stop requested."));
}

void TrainPanel::updateProgress(double fractionDone)
{
    fractionDone = std::clamp(fractionDone, 0.0, 1.0);
    m_progress->setValue(int(fractionDone * 1000));
    const double elapsed = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0;
    if (fractionDone > 0.0)
        m_etaLabel->setText(tr("ETA %1").arg(formatDuration(elapsed * (1.0 - fractionDone) / fractionDone)));
}

void TrainPanel::onBatch(const BatchReport &report)
{
    m_chart->addBatch(report);
    const int total = std::max(1, m_lastEpoch - m_firstEpoch + 1);
    const double done =
        double(report.epoch - m_firstEpoch) + double(report.batch) / double(std::max(1, report.batches));
    updateProgress(done / total);
    m_epochLabel->setText(
        m_phaseText +
        tr("Epoch %1 of %2 · batch %3/%4").arg(report.epoch).arg(m_lastEpoch).arg(report.batch).arg(report.batches));
}

void TrainPanel::onPhase(const PhaseReport &phase)
{
    m_firstEpoch = phase.firstEpoch;
    m_lastEpoch = phase.lastEpoch;
    switch (phase.kind) {
    case PhaseReport::Fold:
        m_phaseText = tr("Fold %1 of %2 · ").arg(phase.fold).arg(phase.folds);
        setStatus(tr("Cross-validating: fold %1 of %2…").arg(phase.fold).arg(phase.folds));
        appendLog(tr("Fold %1 of %2: holding out its own items").arg(phase.fold).arg(phase.folds));
        break;
    case PhaseReport::Refit:
        m_phaseText = tr("Refit · ");
        setStatus(tr("Refitting on every pair for %n epoch(s)…", nullptr, phase.lastEpoch));
        appendLog(tr("Refit on every pair for %n epoch(s)", nullptr, phase.lastEpoch));
        break;
    case PhaseReport::Train:
        m_phaseText.clear();
        break;
    }
    m_chart->beginPhase(phase);
    if (phase.kind == PhaseReport::Train && phase.firstEpoch > 1 && !m_parentRun.empty()) {
        // A continued run: the parent's epochs come first in the chart (its metadata has them).
        const RunSummary parent = readRunSummary(m_parentRun);
        QList<QPointF> train, val;
        for (size_t i = 0; i < parent.series.size(); ++i) {
            if (parent.series.epoch[i] >= phase.firstEpoch)
                continue;
            if (std::isfinite(parent.series.trainLoss[i]))
                train.append(QPointF(parent.series.epoch[i], parent.series.trainLoss[i]));
            if (std::isfinite(parent.series.valLoss[i]))
                val.append(QPointF(parent.series.epoch[i], parent.series.valLoss[i]));
        }
        m_chart->showParent(train, val);
    }
    m_epochLabel->setText(m_phaseText + tr("Epoch %1 of %2").arg(m_firstEpoch - 1).arg(m_lastEpoch));
}

void TrainPanel::onEpoch(const EpochReport &report)
{
    m_chart->addEpoch(report);
    const int total = std::max(1, m_lastEpoch - m_firstEpoch + 1);
    updateProgress(double(report.epoch - m_firstEpoch + 1) / total);
    m_epochLabel->setText(m_phaseText + tr("Epoch %1 of %2").arg(report.epoch).arg(m_lastEpoch));
    m_speedLabel->setText(tr("%1 pairs/s").arg(QLocale().toString(report.pairsPerSecond, 'f', 0)));
    QString line = tr("epoch %1/%2  train loss %3  val loss %4  train acc %5  val acc %6")
                       .arg(report.epoch)
                       .arg(report.epochs)
                       .arg(formatNumber(report.trainLoss))
                       .arg(formatNumber(report.valLoss))
                       .arg(percentText(report.trainAccuracy))
                       .arg(percentText(report.valAccuracy));
    if (std::isfinite(report.crossAccuracy))
        line += tr("  one-new-item acc %1").arg(percentText(report.crossAccuracy));
    appendLog(m_phaseText + line + tr("  %1 s").arg(QLocale().toString(report.seconds, 'f', 2)));
}

namespace {

double numberIn(const nlohmann::json &j, const char *key)
{
    if (!j.is_object())
        return kNaN;
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : kNaN;
}

const QString kGood = QStringLiteral("#1e7b34"), kWarning = QStringLiteral("#8a5a00"), kBad = QStringLiteral("#b3261e");

QString verdictColor(VerdictLevel level)
{
    return level == VerdictLevel::Good ? kGood : level == VerdictLevel::Warning ? kWarning : kBad;
}

} // namespace

void TrainPanel::onFinished(const RunOutcome &o)
{
    m_runDir = o.runDir;
    m_onnxPath = o.onnxPath;
    m_etaLabel->setText(tr("ETA –"));
    const nlohmann::json &m = o.metadata;
    const Verdict verdict = judgeRun(m);
    const QualityFigure quality = headlineQuality(m);
    // The status says how the run ended, in the verdict's colour: never green for a failed model.
    const QString color = verdictColor(verdict.level);
    // The epoch whose weights the run kept (the metadata's kept_epoch), marked on the chart.
    if (o.keptEpoch > 0)
        m_chart->markKeptEpoch(o.keptEpoch, true);
    switch (o.end) {
    case RunEnd::Completed: {
        const double seconds = numberIn(m, "training_time");
        const nlohmann::json &cvBlock = m.contains("cv") ? m["cv"] : nlohmann::json();
        const nlohmann::json &refitBlock = m.contains("refit") ? m["refit"] : nlohmann::json();
        // A resumed run counts from where its parent stopped: "epochs 21–30", never "30 epochs" of 10.
        QString what = m_firstEpoch > 1 ? tr("epochs %1–%2 (%3 more, continuing %4)")
                                              .arg(m_firstEpoch)
                                              .arg(o.epochsCompleted)
                                              .arg(o.epochsCompleted - m_firstEpoch + 1)
                                              .arg(QFileInfo(QString::fromStdString(m_parentRun)).fileName())
                                        : tr("%1 epochs").arg(o.epochsCompleted);
        if (cvBlock.is_object() && refitBlock.is_object())
            what = tr("%1 folds, then a refit of %2 epochs on every pair")
                       .arg(cvBlock.value("finished", 0))
                       .arg(refitBlock.value("epochs", 0));
        else if (refitBlock.is_object())
            what =
                tr("%1 epochs, then a refit of %2 on every pair")
                    .arg(m.value("per_epoch", nlohmann::json::object()).value("epoch", nlohmann::json::array()).size())
                    .arg(refitBlock.value("epochs", 0));
        setStatus(tr("Completed: %1 in %2.").arg(what, formatDuration(std::isfinite(seconds) ? seconds : o.seconds)),
                  color);
        m_progress->setValue(1000);
        break;
    }
    case RunEnd::Cancelled:
        setStatus(
            tr("Stopped at epoch %1 of %2: the run was kept as cancelled.").arg(o.epochsCompleted).arg(m_lastEpoch),
            color);
        m_chart->fitToEpochs(o.epochsCompleted); // the axis shows what ran, not the planned range
        break;
    case RunEnd::Diverged:
        setStatus(tr("Diverged: %1 The last good weights (epoch %2) were kept; try a lower learning rate.")
                      .arg(o.message)
                      .arg(o.keptEpoch),
                  color);
        m_chart->chart()->setTitle(tr("Diverged"));
        break;
    }
    static const char *const kIcons[] = {"✔", "⚠", "✖"};
    QString verdictHtml = QStringLiteral("<b>%1 %2</b>")
                              .arg(QString::fromUtf8(kIcons[int(verdict.level)]),
                                   verdict.level == VerdictLevel::Good      ? tr("Good")
                                   : verdict.level == VerdictLevel::Warning ? tr("Look again")
                                                                            : tr("Failed"));
    verdictHtml += QStringLiteral(" — %1").arg(qs(verdict.summary).toHtmlEscaped());
    for (size_t i = 1; i < verdict.reasons.size(); ++i)
        verdictHtml += QStringLiteral("<br>· %1").arg(qs(verdict.reasons[i]).toHtmlEscaped());
    m_verdict->setText(verdictHtml);
    m_verdict->setStyleSheet(
        QStringLiteral("QLabel#verdictLabel { color: %1; border: 1px solid %1; border-radius: 4px; "
                       "padding: 6px; background: %2; }")
            .arg(color, verdict.level == VerdictLevel::Good      ? QStringLiteral("#eef7f0")
                        : verdict.level == VerdictLevel::Warning ? QStringLiteral("#fdf6e7")
                                                                 : QStringLiteral("#fbeceb")));
    m_verdict->setToolTip(tr("How the verdict is reached: README, \"How good is my model?\""));
    m_verdict->show();
    appendLog(tr("%1: %2").arg(QString::fromLatin1(toString(o.end)), o.message));
    appendLog(tr("quality: %1").arg(qs(quality.label)));
    appendLog(tr("verdict: %1 — %2").arg(QString::fromLatin1(toString(verdict.level)), qs(verdict.summary)));
    appendLog(tr("wrote %1\n      %2\n      %3").arg(o.pthPath, o.onnxPath, o.metadataPath));

    m_runFolder->setText(tr("<b>Run folder</b>: %1").arg(o.runDir.toHtmlEscaped()));
    auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td style='color:#555; padding-right:12px'>%1</td><td>%2</td></tr>")
            .arg(name, value);
    };
    const nlohmann::json empty = nlohmann::json::object();
    auto block = [&](const char *key) -> const nlohmann::json & {
        auto it = m.find(key);
        return it != m.end() && it->is_object() ? *it : empty;
    };
    const nlohmann::json &val = block("validation");
    const nlohmann::json &cv = block("cv");
    const nlohmann::json &refit = block("refit");
    const nlohmann::json &test = block("test");
    QString html = QStringLiteral("<table>");
    html += row(tr("Ended"), QString::fromLatin1(toString(o.end)));
    html += row(tr("Quality"), QStringLiteral("<b>%1</b>").arg(qs(quality.label).toHtmlEscaped()));
    if (!cv.empty()) {
        const nlohmann::json &accuracy = cv.value("val_accuracy", empty);
        html += row(tr("Cross-validation"),
                    tr("%1 folds: validation accuracy %2 ± %3, loss %4 ± %5, best epoch %6 ± %7")
                        .arg(cv.value("finished", 0))
                        .arg(percentText(numberIn(accuracy, "mean")))
                        .arg(QLocale().toString(100 * numberIn(accuracy, "std"), 'f', 1))
                        .arg(formatNumber(numberIn(cv.value("val_loss", empty), "mean"), 4))
                        .arg(formatNumber(numberIn(cv.value("val_loss", empty), "std"), 2))
                        .arg(QLocale().toString(numberIn(cv.value("best_epoch", empty), "mean"), 'f', 1))
                        .arg(QLocale().toString(numberIn(cv.value("best_epoch", empty), "std"), 'f', 1)));
        QString folds;
        for (const nlohmann::json &f : cv.value("per_fold", nlohmann::json::array()))
            folds += tr("fold %1: %2 (best epoch %3, %4 pairs)<br>")
                         .arg(f.value("fold", 0))
                         .arg(percentText(numberIn(f, "accuracy")))
                         .arg(f.value("best_epoch", 0))
                         .arg(f.value("val_pairs", 0));
        html += row(tr("Folds"), folds);
    } else if (val.value("by", std::string()) != "none" && !val.empty()) {
        const bool byItems = val.value("by", std::string()) == "items";
        html += row(
            tr("Validated on"),
            byItems
                ? tr("%1 pairs whose two items are among the %2 held-out (unseen) items; %3 pairs with one "
                     "held-out item scored apart")
                      .arg(val.value("val_pairs", 0))
                      .arg(val.value("held_out_items", 0))
                      .arg(val.value("cross_pairs", 0))
                : tr("%1 held-out pairs whose items were also trained on (optimistic)").arg(val.value("val_pairs", 0)));
        html += row(tr("Validation accuracy"),
                    tr("%1 ± %2 points (epoch %3)")
                        .arg(percentText(numberIn(val, "accuracy")))
                        .arg(QLocale().toString(100 * numberIn(val, "accuracy_interval"), 'f', 1))
                        .arg(val.value("epoch", 0)));
        if (byItems)
            html += row(tr("One new item"),
                        tr("%1 on pairs with one held-out item").arg(percentText(numberIn(val, "cross_accuracy"))));
        html += row(tr("Train accuracy there"), percentText(numberIn(val, "train_accuracy")));
    }
    if (!refit.empty())
        html += row(tr("Refit"), tr("on all %1 pairs for %2 epochs (%3); final train loss %4")
                                     .arg(refit.value("pairs", 0))
                                     .arg(refit.value("epochs", 0))
                                     .arg(qs(refit.value("chosen_by", std::string())).toHtmlEscaped())
                                     .arg(formatNumber(numberIn(refit, "final_train_loss"))));
    if (!test.empty()) {
        const nlohmann::json &overall = test.value("evaluation", empty).value("overall", empty);
        QString text = tr("%1 on %2 decisive pairs of %3; ties within the margin %4")
                           .arg(percentText(numberIn(overall, "accuracy")))
                           .arg(overall.value("decisive", 0))
                           .arg(qs(test.value("file_name", std::string())).toHtmlEscaped())
                           .arg(percentText(numberIn(overall, "tie_agreement")));
        const int seen = test.value("items_seen_in_training", 0);
        if (seen > 0)
            text += tr("<br><span style='color:%1'>⚠ %2 of its %3 items were in the training data (%4 pairs)</span>")
                        .arg(kWarning)
                        .arg(seen)
                        .arg(test.value("items", 0))
                        .arg(test.value("pairs_with_seen_items", 0));
        html += row(tr("Test file"), text);
    }
    html += row(tr("Weights exported"), tr("epoch %1 of %2%3")
                                            .arg(o.keptEpoch)
                                            .arg(o.epochsCompleted)
                                            .arg(refit.empty() ? QString() : tr(" of the refit")));
    html += row(tr("Train loss there"), formatNumber(numberIn(m, "kept_train_loss")));
    html += row(tr("Training time"),
                tr("%1 s on %2").arg(QLocale().toString(numberIn(m, "training_time"), 'f', 2), o.device));
    // Every file of the run, the deployment kit's too, as the metadata lists them.
    QStringList files = {o.pthPath, o.onnxPath, o.metadataPath};
    if (m.contains("files") && m["files"].is_object())
        for (const char *key : {"features", "module", "types"})
            if (m["files"].contains(key) && m["files"][key].is_string())
                files << QDir(o.runDir).filePath(qs(m["files"][key].get<std::string>()));
    for (const QString &path : files) {
        const QFileInfo info(path);
        if (info.exists())
            html += row(tr("File"),
                        tr("%1 (%2)").arg(info.fileName().toHtmlEscaped(), QLocale().formattedDataSize(info.size())));
    }
    html += QStringLiteral("</table>");
    m_resultFigures->setText(html);
    m_openFolder->setEnabled(true);
    m_copyOnnx->setEnabled(true);
    m_saveElsewhere->setVisible(false);
    m_bottomTabs->setCurrentIndex(1); // Results
    updateButtons();
    Q_EMIT runFinished(o.runDir);
}

void TrainPanel::setTestFile(const QString &path)
{
    m_testPath = path;
    m_testFile->setText(path.isEmpty() ? tr("None") : QFileInfo(path).fileName());
    m_testFile->setToolTip(path.isEmpty() ? tr("No test file: the run is judged by its validation")
                                          : QDir::toNativeSeparators(path));
    updateButtons();
}

void TrainPanel::chooseTestFile()
{
    const QString start =
        m_testPath.isEmpty() && m_dataset ? QFileInfo(QString::fromStdString(m_dataset->path)).path() : m_testPath;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Test file: pairs of items the training never sees"), start,
                                     tr("JSONL datasets (*.jsonl *.json *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        setTestFile(path);
}

void TrainPanel::updateValidationNote()
{
    if (!m_validationNote)
        return;
    const bool cv = m_cvFolds->value() >= 2;
    const bool byItems = m_valBy->currentData().toString() == QLatin1String("items");
    QString note, color = QStringLiteral("#666");
    if (!m_dataset) {
        note = cv ? tr("%1 folds: every item is held out once.").arg(m_cvFolds->value())
                  : tr("Filled in when a dataset is loaded.");
    } else if (cv) {
        try {
            const std::vector<DataSplit> folds = itemFolds(*m_dataset, m_cvFolds->value(), uint64_t(m_seed->value()));
            int64_t pooled = 0;
            for (const DataSplit &f : folds)
                pooled += decisiveCount(*m_dataset, f.val);
            note = tr("%1 folds of about %2 items; %3 validation pairs of unseen items in all, then a refit on "
                      "every pair.")
                       .arg(m_cvFolds->value())
                       .arg(m_dataset->items.size() / size_t(m_cvFolds->value()))
                       .arg(pooled);
        } catch (const std::exception &e) {
            note = qs(e.what());
            color = kBad;
        }
    } else if (m_valSplit->value() <= 0) {
        note = tr("No validation: nothing will say how the model ranks items it has not seen (add a test file).");
        color = kWarning;
    } else if (!byItems) {
        note = tr("Held-out pairs share their items with training: the validation figure will read too high.");
        color = kWarning;
    } else {
        const DataSplit split = splitByItems(*m_dataset, m_valSplit->value(), uint64_t(m_seed->value()));
        const int64_t decisive = decisiveCount(*m_dataset, split.val);
        const std::string problem = splitProblem(*m_dataset, split, m_valSplit->value(), kFewValidationPairs);
        if (decisive < kMinValidationPairs) {
            note = tr("Only %1 validation pairs between the %2 held-out items: too few to train with this split. Use "
                      "cross-validation.")
                       .arg(decisive)
                       .arg(split.heldOutItems.size());
            color = kBad;
        } else if (!problem.empty()) {
            note = tr("%1 validation pairs between %2 held-out items: the figure will be ±%3 points. "
                      "Cross-validation (5 folds) uses every item.")
                       .arg(decisive)
                       .arg(split.heldOutItems.size())
                       .arg(QLocale().toString(
                           100 * accuracyHalfInterval(effectivePairs(decisive, int64_t(split.heldOutItems.size()))),
                           'f', 0));
            color = kWarning;
        } else {
            note = tr("%1 validation pairs between %2 held-out items (±%3 points); %4 pairs train.")
                       .arg(decisive)
                       .arg(split.heldOutItems.size())
                       .arg(QLocale().toString(
                           100 * accuracyHalfInterval(effectivePairs(decisive, int64_t(split.heldOutItems.size()))),
                           'f', 0))
                       .arg(split.train.size());
        }
    }
    m_validationNote->setText(QStringLiteral("<span style='color:%1'>%2</span>").arg(color, note.toHtmlEscaped()));
    updateButtons();
}

void TrainPanel::onFailed(const QString &message)
{
    setStatus(tr("Training failed: %1").arg(message), QStringLiteral("#b3261e"));
    appendLog(tr("error: %1").arg(message));
    m_runFolder->setText(tr("No run was written."));
    updateButtons();
    Q_EMIT runFailed(message);
}

void TrainPanel::onExportFailed(const QString &message)
{
    setStatus(tr("The run's files could not be written: %1. The trained model is kept: use Save Run To… to "
                 "write it somewhere else.")
                  .arg(message),
              QStringLiteral("#b3261e"));
    appendLog(tr("error: %1").arg(message));
    m_runFolder->setText(tr("<b>Not saved</b>: the trained model is kept in memory until it is saved, another run "
                            "starts, or the studio closes."));
    m_resultFigures->clear();
    m_saveElsewhere->setVisible(true);
    m_bottomTabs->setCurrentIndex(1); // Results
    updateButtons();
    Q_EMIT runFailed(message);
}

bool TrainPanel::hasUnsavedRun() const
{
    return m_controller->hasUnsavedRun();
}

bool TrainPanel::saveUnsavedRun(const QString &parentFolder)
{
    if (!m_controller->saveUnsavedRun(QDir(parentFolder).filePath(m_runFolderName)))
        return false;
    setStatus(tr("Saving the run into %1…").arg(QDir::toNativeSeparators(parentFolder)));
    updateButtons();
    return true;
}

void TrainPanel::discardUnsavedRun()
{
    m_controller->discardUnsavedRun();
    m_saveElsewhere->setVisible(false);
}

void TrainPanel::chooseFolderForUnsavedRun()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Save the trained run in"), QDir::homePath());
    if (!folder.isEmpty())
        saveUnsavedRun(folder);
}

void TrainPanel::appendLog(const QString &text)
{
    m_log->appendPlainText(
        QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), text));
}

void TrainPanel::setStatus(const QString &text, const QString &color)
{
    m_status->setText(text);
    m_status->setStyleSheet(color.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(color));
}

void TrainPanel::setResumeCheckpoint(const QString &pthPath)
{
    m_resumePath = pthPath;
    if (pthPath.isEmpty())
        setStatus(QString());
    else
        setStatus(tr("The next run continues from %1").arg(QDir::toNativeSeparators(pthPath)));
}

} // namespace ranker::ui
