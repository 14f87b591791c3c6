#include "ui/sweeppanel.h"

#include "core/error.h"
#include "core/runs.h"
#include "core/training/sweep_runner.h"
#include "ui/numberformat.h"

#include <QColor>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFont>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

#ifndef RANKER_TRAIN_BUILD_PATH
#define RANKER_TRAIN_BUILD_PATH ""
#endif

namespace ranker::ui {

namespace {

/// A value as the editor writes it: numbers without trailing zeros.
QString valueText(const nlohmann::json &v)
{
    if (v.is_string())
        return qs(v.get<std::string>());
    if (v.is_number_integer())
        return QString::number(v.get<long long>());
    if (v.is_number())
        return QString::number(v.get<double>(), 'g', 6);
    return qs(v.dump());
}

QString settingsText(const nlohmann::json &settings)
{
    QStringList parts;
    if (settings.is_object())
        for (auto it = settings.begin(); it != settings.end(); ++it)
            parts << QStringLiteral("%1=%2").arg(qs(it.key()), valueText(it.value()));
    return parts.join(QLatin1Char(' '));
}

/// The same, short enough for the table's cell: "lr 0.001 · batch 16 · margin 1".
QString shortSettingsText(const nlohmann::json &settings)
{
    static const std::map<std::string, QString> shortNames = {
        {"learning_rate", QStringLiteral("lr")},  {"batch_size", QStringLiteral("batch")},
        {"hidden_dim", QStringLiteral("hidden")}, {"weight_decay", QStringLiteral("wd")},
        {"val_split", QStringLiteral("val")},     {"cv_folds", QStringLiteral("cv")}};
    QStringList parts;
    if (settings.is_object())
        for (auto it = settings.begin(); it != settings.end(); ++it) {
            auto name = shortNames.find(it.key());
            parts << QStringLiteral("%1 %2").arg(name != shortNames.end() ? name->second : qs(it.key()),
                                                 valueText(it.value()));
        }
    return parts.join(QStringLiteral(" · "));
}

enum TrialColumn { RankColumn, TrialIndexColumn, SettingsColumn, StatusColumn, FigureColumn, VerdictColumn, Columns };

/// Reports the sweep's progress on the GUI thread (queued onto the panel).
class PanelObserver final : public SweepObserver
{
public:
    PanelObserver(SweepPanel *panel, std::shared_ptr<std::atomic_bool> stop, std::function<void(int, int)> known,
                  std::function<void(int, QString)> status, std::function<void(std::vector<TrialResult>)> ranking)
        : m_panel(panel), m_stop(std::move(stop)), m_known(std::move(known)), m_status(std::move(status)),
          m_ranking(std::move(ranking))
    {
    }
    void onSweepStarted(const std::vector<SweepTrial> &trials, int parallel) override
    {
        const int n = int(trials.size());
        QMetaObject::invokeMethod(
            m_panel, [f = m_known, n, parallel] { f(n, parallel); }, Qt::QueuedConnection);
    }
    void onTrialStarted(const SweepTrial &trial) override
    {
        post(trial.index, QCoreApplication::translate("SweepPanel", "running"));
    }
    void onTrialProgress(const SweepTrial &trial, const nlohmann::json &event) override
    {
        if (event.value("event", std::string()) != "epoch")
            return;
        const int epoch = event.value("epoch", 0), epochs = event.value("epochs", 0);
        post(trial.index, QCoreApplication::translate("SweepPanel", "epoch %1 of %2").arg(epoch).arg(epochs));
    }
    void onTrialFinished(const SweepTrial &trial, const std::vector<TrialResult> &ranking) override
    {
        post(trial.index, qs(trial.status));
        QMetaObject::invokeMethod(
            m_panel, [f = m_ranking, ranking] { f(ranking); }, Qt::QueuedConnection);
    }
    bool stopRequested() override { return m_stop->load(); }

private:
    void post(int index, const QString &text)
    {
        QMetaObject::invokeMethod(
            m_panel, [f = m_status, index, text] { f(index, text); }, Qt::QueuedConnection);
    }

    SweepPanel *m_panel;
    std::shared_ptr<std::atomic_bool> m_stop;
    std::function<void(int, int)> m_known;
    std::function<void(int, QString)> m_status;
    std::function<void(std::vector<TrialResult>)> m_ranking;
};

} // namespace

SweepPanel::SweepPanel(std::function<Source()> source, QWidget *parent) : QWidget(parent), m_source(std::move(source))
{
    setObjectName(QStringLiteral("sweepPanel"));
    auto *layout = new QHBoxLayout(this);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(splitter);

    // Left: what to vary.
    auto *editor = new QGroupBox(tr("Settings to vary"), splitter);
    auto *editorLayout = new QVBoxLayout(editor);
    m_params = new QTableWidget(0, 2, editor);
    m_params->setObjectName(QStringLiteral("sweepParameters"));
    m_params->setHorizontalHeaderLabels({tr("Setting"), tr("Values")});
    m_params->horizontalHeaderItem(1)->setToolTip(
        tr("A list, a, b, c (a grid axis, or the choices of a random search), or a range, low:high or "
           "low:high:log (random search only)"));
    m_params->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_params->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_params->verticalHeader()->hide();
    m_params->verticalHeader()->setDefaultSectionSize(m_params->fontMetrics().height() + 10);
    m_params->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_params->setMinimumHeight(4 * (m_params->fontMetrics().height() + 10));
    editorLayout->addWidget(m_params, 1);
    auto *rowButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add setting"), editor);
    add->setObjectName(QStringLiteral("sweepAddSetting"));
    auto *remove = new QPushButton(tr("Remove"), editor);
    remove->setObjectName(QStringLiteral("sweepRemoveSetting"));
    auto *grid = new QPushButton(tr("Seed guide's grid"), editor);
    grid->setObjectName(QStringLiteral("sweepSeedGrid"));
    grid->setToolTip(tr("Learning rate 0.01, 0.001, 0.0001 × batch size 16, 32, 64 × margin 0.5, 1, 2 (27 trials)"));
    rowButtons->addWidget(add);
    rowButtons->addWidget(remove);
    rowButtons->addStretch();
    rowButtons->addWidget(grid);
    editorLayout->addLayout(rowButtons);
    auto *form = new QFormLayout;
    m_random = new QSpinBox(editor);
    m_random->setObjectName(QStringLiteral("sweepRandomSpin"));
    m_random->setRange(0, 10000);
    m_random->setSpecialValueText(tr("Full grid"));
    m_random->setToolTip(tr("0: every combination; N: N seeded random draws (ranges allowed)"));
    form->addRow(tr("Random search"), m_random);
    editorLayout->addLayout(form);
    m_count = new QLabel(editor);
    m_count->setObjectName(QStringLiteral("sweepCount"));
    m_count->setWordWrap(true);
    editorLayout->addWidget(m_count);
    auto *runButtons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start sweep"), editor);
    m_start->setObjectName(QStringLiteral("sweepStart"));
    m_stop = new QPushButton(tr("Stop"), editor);
    m_stop->setObjectName(QStringLiteral("sweepStop"));
    m_resume = new QPushButton(tr("Resume"), editor);
    m_resume->setObjectName(QStringLiteral("sweepResume"));
    m_resume->setToolTip(tr("Run the trials the stopped sweep did not finish"));
    runButtons->addWidget(m_start, 2);
    runButtons->addWidget(m_stop, 1);
    runButtons->addWidget(m_resume, 1);
    editorLayout->addLayout(runButtons);

    // Right: the trials, best first.
    auto *results = new QWidget(splitter);
    auto *resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel(tr("Pick settings and values, then Start sweep: each trial is a run of its own."), results);
    m_status->setObjectName(QStringLiteral("sweepStatus"));
    m_status->setWordWrap(true);
    resultsLayout->addWidget(m_status);
    m_trials = new QTableWidget(0, Columns, results);
    m_trials->setObjectName(QStringLiteral("sweepTrials"));
    m_trials->setHorizontalHeaderLabels(
        {tr("Rank"), tr("Trial"), tr("Settings"), tr("Status"), tr("Validation"), tr("Verdict")});
    m_trials->horizontalHeaderItem(FigureColumn)
        ->setToolTip(tr("What trials are ranked by: validation on unseen items (or the CV mean), never the test file"));
    for (int c : {RankColumn, TrialIndexColumn, StatusColumn, FigureColumn, VerdictColumn})
        m_trials->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_trials->horizontalHeader()->setSectionResizeMode(SettingsColumn, QHeaderView::Stretch);
    m_trials->setWordWrap(false);
    m_trials->verticalHeader()->hide();
    m_trials->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_trials->setSelectionBehavior(QAbstractItemView::SelectRows);
    resultsLayout->addWidget(m_trials, 1);
    m_useBest = new QPushButton(tr("Use best"), results);
    m_useBest->setObjectName(QStringLiteral("sweepUseBest"));
    m_useBest->setToolTip(tr("Fill the Train form with the best trial's settings"));
    resultsLayout->addWidget(m_useBest, 0, Qt::AlignRight);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    connect(add, &QPushButton::clicked, this, [this] {
        addRow();
        updateCount();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_params->currentRow();
        if (row >= 0)
            m_params->removeRow(row);
        updateCount();
    });
    connect(grid, &QPushButton::clicked, this, [this] { setParameters(seedGuideGrid()); });
    connect(m_random, &QSpinBox::valueChanged, this, &SweepPanel::updateCount);
    connect(m_start, &QPushButton::clicked, this, &SweepPanel::startSweep);
    connect(m_stop, &QPushButton::clicked, this, &SweepPanel::stopSweep);
    connect(m_resume, &QPushButton::clicked, this, &SweepPanel::resumeSweep);
    connect(m_useBest, &QPushButton::clicked, this, &SweepPanel::useBest);
    addRow(QStringLiteral("learning_rate"), QStringLiteral("0.01, 0.001, 0.0001"));
    updateCount();
}

SweepPanel::~SweepPanel()
{
    if (m_thread) {
        m_stopFlag->store(true);
        m_thread->wait();
    }
}

QString SweepPanel::trainerPath()
{
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/ranker-train");
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString built = QString::fromUtf8(RANKER_TRAIN_BUILD_PATH);
    if (!built.isEmpty() && QFileInfo(built).isExecutable())
        return built;
    return QStandardPaths::findExecutable(QStringLiteral("ranker-train"));
}

void SweepPanel::addRow(const QString &key, const QString &values)
{
    const int row = m_params->rowCount();
    m_params->insertRow(row);
    auto *combo = new QComboBox(m_params);
    for (const std::string &k : sweepableKeys())
        combo->addItem(qs(k));
    if (!key.isEmpty())
        combo->setCurrentText(key);
    connect(combo, &QComboBox::currentTextChanged, this, &SweepPanel::updateCount);
    m_params->setCellWidget(row, 0, combo);
    auto *edit = new QLineEdit(values, m_params);
    edit->setPlaceholderText(tr("e.g. 16, 32, 64"));
    connect(edit, &QLineEdit::textChanged, this, &SweepPanel::updateCount);
    m_params->setCellWidget(row, 1, edit);
}

std::vector<SweepParameter> SweepPanel::parameters() const
{
    std::vector<SweepParameter> out;
    for (int row = 0; row < m_params->rowCount(); ++row) {
        const auto *combo = qobject_cast<QComboBox *>(m_params->cellWidget(row, 0));
        const auto *edit = qobject_cast<QLineEdit *>(m_params->cellWidget(row, 1));
        if (!combo || !edit)
            continue;
        QString values = edit->text();
        values.remove(QLatin1Char(' '));
        if (values.isEmpty())
            throw Error("row " + std::to_string(row + 1) + " (" + combo->currentText().toStdString() + "): no values");
        SweepParameter p = parseSweepParameter(combo->currentText().toStdString() + "=" + values.toStdString());
        for (const SweepParameter &earlier : out)
            if (earlier.key == p.key)
                throw Error(p.key + " is in two rows");
        out.push_back(std::move(p));
    }
    if (out.empty())
        throw Error("add a setting to vary");
    return out;
}

void SweepPanel::setParameters(const std::vector<SweepParameter> &parameters)
{
    m_params->setRowCount(0);
    for (const SweepParameter &p : parameters) {
        QString values;
        if (p.range) {
            values = QStringLiteral("%1:%2%3")
                         .arg(p.low, 0, 'g', 6)
                         .arg(p.high, 0, 'g', 6)
                         .arg(p.logScale ? QStringLiteral(":log") : QString());
        } else {
            QStringList parts;
            for (const nlohmann::json &v : p.values)
                parts << valueText(v);
            values = parts.join(QStringLiteral(", "));
        }
        addRow(qs(p.key), values);
    }
    m_random->setValue(0);
    updateCount();
}

void SweepPanel::updateCount()
{
    try {
        SweepSpec spec;
        spec.parameters = parameters();
        spec.random = m_random->value() > 0;
        spec.trials = m_random->value();
        const size_t trials = expandTrials(spec).size();
        const int cores = std::max(1, QThread::idealThreadCount());
        const int side = sideBySide(cores, int(trials), 0, 0);
        m_count->setText(
            tr("<b>%1</b>, %2 side by side").arg(trials == 1 ? tr("1 trial") : tr("%1 trials").arg(trials)).arg(side));
        m_count->setToolTip(tr("One trial per core, each on one thread: a small model gains little from a "
                               "second thread, while a second trial beside it almost doubles the pace."));
        m_count->setProperty("trials", qulonglong(trials));
        m_count->setStyleSheet(QString());
    } catch (const std::exception &e) {
        m_count->setText(qs(e.what()).toHtmlEscaped());
        m_count->setProperty("trials", 0);
        m_count->setStyleSheet(QStringLiteral("color: #b3261e;"));
    }
    updateButtons();
}

void SweepPanel::updateButtons()
{
    const bool running = isRunning();
    m_start->setEnabled(!running && m_count->property("trials").toULongLong() > 0);
    m_stop->setEnabled(running);
    m_resume->setEnabled(!running && m_stopped && !m_folder.isEmpty());
    m_useBest->setEnabled(!running || !m_ranking.empty());
    m_useBest->setEnabled(!m_ranking.empty() && m_ranking.front().finished);
    m_params->setEnabled(!running);
    m_random->setEnabled(!running);
}

void SweepPanel::startSweep()
{
    run(false);
}

void SweepPanel::resumeSweep()
{
    run(true);
}

void SweepPanel::stopSweep()
{
    if (m_stopFlag)
        m_stopFlag->store(true);
    m_status->setText(tr("Stopping: each running trial finishes its batch and is kept as a cancelled run…"));
}

void SweepPanel::run(bool resume)
{
    if (isRunning())
        return;
    const Source source = m_source();
    SweepRequest request;
    try {
        if (source.datasetPath.isEmpty())
            throw Error("open a dataset first");
        request.trainer = trainerPath().toStdString();
        if (request.trainer.empty())
            throw Error("ranker-train was not found beside the studio or on PATH: the trials run it");
        request.input = source.datasetPath.toStdString();
        request.load.embeddingDim = source.embeddingDim;
        request.load.embeddingsPath = source.embeddingsPath.toStdString();
        request.testPath = source.testPath.toStdString();
        if (resume) {
            request.folder = m_folder.toStdString();
            request.resume = true;
            request.spec = m_spec;
        } else {
            SweepSpec spec;
            spec.name = source.base.name + "-sweep";
            spec.base = source.base;
            spec.base.threads = 1; // one thread a trial, trials side by side
            spec.parameters = parameters();
            spec.random = m_random->value() > 0;
            spec.trials = m_random->value();
            spec.seed = source.base.seed;
            spec.base.validate();
            m_spec = spec;
            const QString runs = source.workspace + QStringLiteral("/runs");
            m_folder = runs + QStringLiteral("/") +
                       QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) + QStringLiteral("-") +
                       qs(spec.name);
            if (!QDir().mkpath(m_folder))
                throw Error("cannot create " + m_folder.toStdString());
            request.folder = m_folder.toStdString();
            request.spec = spec;
            m_trialList = expandTrials(spec);
        }
    } catch (const std::exception &e) {
        m_status->setText(tr("Cannot start the sweep: %1").arg(qs(e.what())));
        m_status->setStyleSheet(QStringLiteral("color: #b3261e;"));
        return;
    }
    m_status->setStyleSheet(QString());
    if (!resume) {
        m_ranking.clear();
        m_trials->setRowCount(0);
        for (const SweepTrial &t : m_trialList) {
            const int row = m_trials->rowCount();
            m_trials->insertRow(row);
            auto *index = new QTableWidgetItem;
            index->setData(Qt::DisplayRole, t.index);
            m_trials->setItem(row, TrialIndexColumn, index);
            auto *settings = new QTableWidgetItem(shortSettingsText(t.settings));
            settings->setToolTip(settingsText(t.settings));
            settings->setData(Qt::UserRole, settingsText(t.settings));
            m_trials->setItem(row, SettingsColumn, settings);
            m_trials->setItem(row, StatusColumn, new QTableWidgetItem(tr("pending")));
            m_trials->setItem(row, RankColumn, new QTableWidgetItem);
            m_trials->setItem(row, FigureColumn, new QTableWidgetItem);
            m_trials->setItem(row, VerdictColumn, new QTableWidgetItem);
        }
    }
    m_stopped = false;
    m_stopFlag = std::make_shared<std::atomic_bool>(false);
    m_status->setText(resume ? tr("Resuming %1…").arg(QFileInfo(m_folder).fileName())
                             : tr("Starting %1…").arg(QFileInfo(m_folder).fileName()));
    auto stop = m_stopFlag;
    m_thread = QThread::create([this, request, stop] {
        PanelObserver observer(
            this, stop, [this](int n, int parallel) { onTrialsKnown(n, parallel); },
            [this](int index, const QString &status) { onTrialStatus(index, status); },
            [this](const std::vector<TrialResult> &ranking) { onRanking(ranking); });
        QString error;
        bool stopped = false;
        try {
            const SweepResult result = runSweep(request, observer);
            stopped = result.stopped;
            QMetaObject::invokeMethod(
                this, [this, ranking = result.ranking] { onRanking(ranking); }, Qt::QueuedConnection);
        } catch (const std::exception &e) {
            error = qs(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, stopped, error] { onEnded(stopped, error); }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("sweep"));
    m_thread->start();
    updateButtons();
    Q_EMIT sweepStarted();
}

void SweepPanel::onTrialsKnown(int trials, int parallel)
{
    m_status->setText(tr("%1 to run, %2 side by side, into %3")
                          .arg(trials == 1 ? tr("1 trial") : tr("%1 trials").arg(trials))
                          .arg(parallel)
                          .arg(QDir::toNativeSeparators(m_folder)));
}

void SweepPanel::onTrialStatus(int index, const QString &status)
{
    for (int row = 0; row < m_trials->rowCount(); ++row)
        if (m_trials->item(row, TrialIndexColumn)->data(Qt::DisplayRole).toInt() == index)
            m_trials->item(row, StatusColumn)->setText(status);
}

void SweepPanel::onRanking(const std::vector<TrialResult> &ranking)
{
    m_ranking = ranking;
    std::map<int, size_t> rankOf;
    for (size_t i = 0; i < ranking.size(); ++i)
        rankOf[ranking[i].index] = i;
    const bool haveBest = !ranking.empty() && ranking.front().finished;
    for (int row = 0; row < m_trials->rowCount(); ++row) {
        const int index = m_trials->item(row, TrialIndexColumn)->data(Qt::DisplayRole).toInt();
        auto it = rankOf.find(index);
        QTableWidgetItem *rank = m_trials->item(row, RankColumn);
        const bool finished = it != rankOf.end() && ranking[it->second].finished;
        const bool best = haveBest && finished && it->second == 0;
        rank->setData(Qt::DisplayRole,
                      finished ? QVariant(best ? QStringLiteral("★ 1") : QString::number(int(it->second) + 1))
                               : QVariant());
        rank->setData(Qt::UserRole, finished ? int(it->second) : 1 << 20);
        if (finished) {
            const TrialResult &r = ranking[it->second];
            QTableWidgetItem *figure = m_trials->item(row, FigureColumn);
            figure->setText(std::isfinite(r.score) ? percentText(r.score) : qs(r.label));
            figure->setToolTip(qs(r.label));
            m_trials->item(row, VerdictColumn)->setText(qs(r.verdict));
        }
        QFont font = m_trials->font();
        font.setBold(best);
        for (int c = 0; c < Columns; ++c) {
            m_trials->item(row, c)->setFont(font);
            m_trials->item(row, c)->setBackground(best ? QColor(0xe8, 0xf1, 0xfc) : QColor(Qt::transparent));
        }
    }
    // Finished trials best first, the rest in trial order below them.
    std::vector<std::vector<QTableWidgetItem *>> rows(size_t(m_trials->rowCount()));
    for (int row = 0; row < m_trials->rowCount(); ++row)
        for (int c = 0; c < Columns; ++c)
            rows[size_t(row)].push_back(m_trials->takeItem(row, c));
    std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        const int ra = a[RankColumn]->data(Qt::UserRole).toInt(), rb = b[RankColumn]->data(Qt::UserRole).toInt();
        if (ra != rb)
            return ra < rb;
        return a[TrialIndexColumn]->data(Qt::DisplayRole).toInt() < b[TrialIndexColumn]->data(Qt::DisplayRole).toInt();
    });
    for (int row = 0; row < int(rows.size()); ++row)
        for (int c = 0; c < Columns; ++c)
            m_trials->setItem(row, c, rows[size_t(row)][size_t(c)]);
    updateButtons();
}

void SweepPanel::onEnded(bool stopped, const QString &error)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_stopped = stopped || !error.isEmpty();
    size_t done = 0;
    for (const TrialResult &r : m_ranking)
        done += r.finished ? 1 : 0;
    if (!error.isEmpty()) {
        m_status->setText(tr("The sweep failed: %1").arg(error));
        m_status->setStyleSheet(QStringLiteral("color: #b3261e;"));
    } else if (stopped) {
        m_status->setText(
            tr("Stopped with %1 of %2 trials finished: Resume runs the rest.").arg(done).arg(m_trials->rowCount()));
    } else {
        const QString best =
            m_ranking.empty() || !m_ranking.front().finished
                ? tr("no trial finished with a validation figure")
                : tr("best: trial %1, %2").arg(m_ranking.front().index).arg(qs(m_ranking.front().label));
        m_status->setText(tr("Finished %1 of %2 trials; %3.").arg(done).arg(m_trials->rowCount()).arg(best));
    }
    updateButtons();
    Q_EMIT sweepFinished(m_folder, m_stopped);
}

void SweepPanel::useBest()
{
    if (m_ranking.empty() || !m_ranking.front().finished)
        return;
    const int index = m_ranking.front().index;
    std::vector<SweepTrial> trials = m_trialList;
    if (trials.empty()) {
        try {
            readSweep(m_folder.toStdString(), m_spec, trials);
        } catch (const std::exception &) {
            return;
        }
    }
    for (const SweepTrial &t : trials)
        if (t.index == index) {
            TrainConfig config = trialConfig(m_spec, t);
            config.threads = m_source().base.threads; // the form's, not the trials' one thread
            Q_EMIT useBestRequested(config);
            m_status->setText(
                tr("The Train form now holds trial %1's settings (%2).").arg(index).arg(settingsText(t.settings)));
            return;
        }
}

} // namespace ranker::ui
