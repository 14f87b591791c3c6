#include "ui/review/reviewpanel.h"

#include "core/dataset.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/label_document.h"
#include "core/labelling/suggest.h"
#include "core/model.h"
#include "core/runs.h"
#include "ui/filechangewatcher.h"
#include "ui/numberformat.h"
#include "ui/review/blindsession.h"
#include "ui/review/labelnexttab.h"
#include "ui/review/paircard.h"
#include "ui/review/pairlistmodel.h"
#include "ui/review/reviewdocument.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSet>
#include <QSplitter>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <utility>

namespace ranker::ui {

namespace {

constexpr int kAnyLabel = 99;

QString shortcutText(const QAction *action)
{
    QStringList keys;
    for (const QKeySequence &k : action->shortcuts())
        keys << k.toString(QKeySequence::NativeText);
    return keys.join(QStringLiteral("  or  "));
}

} // namespace

ReviewPanel::ReviewPanel(QWidget *parent)
    : QWidget(parent), m_document(new ReviewDocument(this)), m_blindAnswers(std::make_unique<BlindSession>()),
      m_blindSeed(QRandomGenerator::global()->generate())
{
    m_list = new PairListModel(m_document, this);
    m_list->setBlindAnswers(m_blindAnswers.get());
    buildUi();
    buildActions();
    connect(m_document, &ReviewDocument::reset, this, &ReviewPanel::onReset);
    connect(m_document, &ReviewDocument::rowChanged, this, &ReviewPanel::onRowChanged);
    connect(m_document, &ReviewDocument::rowAdded, this, [this](int row) {
        if (!m_scoreDiffs.empty())
            m_scoreDiffs.resize(size_t(m_document->data().rowCount()), std::numeric_limits<double>::quiet_NaN());
        onRowChanged(row);
    });
    connect(m_document, &ReviewDocument::modifiedChanged, this, [this](bool) {
        updateTitle();
        Q_EMIT modifiedChanged(hasUnsavedChanges());
    });
    m_watcher = std::make_unique<FileChangeWatcher>(this, 150, [this] { checkFileOnDisk(); });
    onReset();
}

ReviewPanel::~ReviewPanel()
{
    // The workers' results were posted to this object and die with it; the threads do not.
    if (m_loadThread) {
        m_cancelLoad->store(true);
        m_loadThread->wait();
        delete m_loadThread;
    }
    if (m_scoreThread) {
        m_scoreThread->wait();
        delete m_scoreThread;
    }
}

void ReviewPanel::buildUi()
{
    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(6, 6, 6, 6);

    // File line: name, state and the file actions (buttons are added in buildActions()).
    auto *fileRow = new QHBoxLayout;
    fileRow->setObjectName(QStringLiteral("fileRow"));
    m_fileLabel = new QLabel(tr("No file open"), this);
    m_fileLabel->setObjectName(QStringLiteral("fileLabel"));
    QFont bold = m_fileLabel->font();
    bold.setBold(true);
    m_fileLabel->setFont(bold);
    fileRow->addWidget(m_fileLabel, 1);
    root->addLayout(fileRow);

    // Filters and progress.
    auto *filters = new QHBoxLayout;
    m_labelFilter = new QComboBox(this);
    m_labelFilter->setObjectName(QStringLiteral("labelFilter"));
    m_labelFilter->addItem(tr("All labels"), kAnyLabel);
    m_labelFilter->addItem(tr("A preferred (1)"), 1);
    m_labelFilter->addItem(tr("B preferred (−1)"), -1);
    m_labelFilter->addItem(tr("Equal (0)"), 0);
    m_typeFilter = new QComboBox(this);
    m_typeFilter->setObjectName(QStringLiteral("typeFilter"));
    m_tagFilter = new QComboBox(this);
    m_tagFilter->setObjectName(QStringLiteral("tagFilter"));
    m_idFilter = new QLineEdit(this);
    m_idFilter->setObjectName(QStringLiteral("idFilter"));
    m_idFilter->setPlaceholderText(tr("Filter by id…"));
    m_idFilter->setClearButtonEnabled(true);
    m_changedFilter = new QCheckBox(tr("Changed"), this);
    m_changedFilter->setObjectName(QStringLiteral("changedFilter"));
    m_changedFilter->setToolTip(tr("Only the pairs changed in this session"));
    m_sortOrder = new QComboBox(this);
    m_sortOrder->setObjectName(QStringLiteral("sortOrder"));
    m_sortOrder->addItem(tr("File order"));
    m_sortOrder->addItem(tr("Model disagreement first"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("reviewProgress"));
    m_progress->setFormat(tr("%v / %m reviewed"));
    m_progress->setMinimumWidth(130);
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_labelFilter);
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_tagFilter);
    filters->addWidget(m_idFilter, 1);
    filters->addWidget(m_changedFilter);
    filters->addWidget(new QLabel(tr("Order:"), this));
    filters->addWidget(m_sortOrder);
    filters->addWidget(m_progress);
    root->addLayout(filters);
    for (QComboBox *box : {m_labelFilter, m_typeFilter, m_tagFilter})
        connect(box, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] { applyFilters(m_current); });
    // A new order starts from its top: the pair the model most confidently contradicts.
    connect(m_sortOrder, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this] { applyFilters(); });
    connect(m_idFilter, &QLineEdit::textChanged, this, [this] { applyFilters(m_current); });
    // In the filter field, ↑ ↓ and Page keys step through the matching pairs, Enter (or Esc) goes
    // back to them with the label keys; Ctrl+Z and Ctrl+Shift+Z undo and redo labels, not typing.
    m_idFilter->installEventFilter(this);
    connect(m_changedFilter, &QCheckBox::toggled, this, [this] { applyFilters(m_current); });

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->hide();
    root->addWidget(m_statusLabel);

    // Another program changed the file while edits are unsaved: say so where the reviewer looks.
    m_diskBanner = new QFrame(this);
    m_diskBanner->setObjectName(QStringLiteral("diskChangedBanner"));
    m_diskBanner->setStyleSheet(QStringLiteral("#diskChangedBanner{background:#fff4ce;border:1px solid #e0b400;"
                                               "border-radius:4px;}"));
    auto *bannerRow = new QHBoxLayout(m_diskBanner);
    bannerRow->setContentsMargins(8, 4, 8, 4);
    m_diskBannerText = new QLabel(m_diskBanner);
    m_diskBannerText->setObjectName(QStringLiteral("diskChangedText"));
    m_diskBannerText->setWordWrap(true);
    auto *keep = new QPushButton(tr("Reload, Keeping My Edits"), m_diskBanner);
    keep->setObjectName(QStringLiteral("reloadKeepEditsButton"));
    keep->setToolTip(tr("Read the new version and apply your unsaved edits to the same pairs in it"));
    auto *discard = new QPushButton(tr("Reload, Discarding My Edits"), m_diskBanner);
    discard->setObjectName(QStringLiteral("reloadDiscardEditsButton"));
    connect(keep, &QPushButton::clicked, this, [this] { reloadFromDisk(true); });
    connect(discard, &QPushButton::clicked, this, [this] { reloadFromDisk(false); });
    bannerRow->addWidget(m_diskBannerText, 1);
    bannerRow->addWidget(keep);
    bannerRow->addWidget(discard);
    m_diskBanner->hide();
    root->addWidget(m_diskBanner);

    auto *vertical = new QSplitter(Qt::Vertical, this);
    auto *horizontal = new QSplitter(Qt::Horizontal, vertical);

    m_table = new QTableView(horizontal);
    m_table->setObjectName(QStringLiteral("pairTable"));
    m_table->setModel(m_list);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(false);
    m_table->setMinimumWidth(220); // with the pair beside it, the place fits a 1024-wide window
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && current.row() < m_list->rows().size() &&
                    (m_list->rows()[current.row()] != m_current || m_suggestion >= 0)) {
                    m_suggestion = -1; // a pair of the file picked: out of the suggestions
                    m_labelNext->setCurrent(-1);
                    showRow(m_list->rows()[current.row()]);
                }
            });

    // The pair: verdict banner, two cards, the pair's own fields, tags, labelling buttons.
    auto *pairView = new QWidget(horizontal);
    pairView->setObjectName(QStringLiteral("pairView"));
    auto *pairLayout = new QVBoxLayout(pairView);
    pairLayout->setContentsMargins(6, 0, 0, 0);
    m_verdictBanner = new QLabel(pairView);
    m_verdictBanner->setObjectName(QStringLiteral("verdictBanner"));
    m_verdictBanner->setAlignment(Qt::AlignCenter);
    m_verdictBanner->setFixedHeight(44);
    m_verdictBanner->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_verdictBanner->setAutoFillBackground(true);
    QFont bannerFont = m_verdictBanner->font();
    bannerFont.setPointSizeF(bannerFont.pointSizeF() * 1.6);
    bannerFont.setBold(true);
    m_verdictBanner->setFont(bannerFont);
    pairLayout->addWidget(m_verdictBanner);
    auto *cards = new QHBoxLayout;
    m_left = new PairCard(pairView);
    m_left->setObjectName(QStringLiteral("cardLeft"));
    m_right = new PairCard(pairView);
    m_right->setObjectName(QStringLiteral("cardRight"));
    cards->addWidget(m_left, 1);
    cards->addWidget(m_right, 1);
    // The cards list the same fields in the same order: scrolled together, they stay side by side.
    // One way at a time: the shorter card clamps the value, which must not pull the other back.
    auto syncing = std::make_shared<bool>(false);
    for (auto [from, to] : {std::pair(m_left, m_right), std::pair(m_right, m_left)})
        connect(from->scrollBar(), &QScrollBar::valueChanged, this, [syncing, to = to](int value) {
            if (*syncing)
                return;
            *syncing = true;
            to->scrollBar()->setValue(value);
            *syncing = false;
        });
    pairLayout->addLayout(cards, 1);
    m_pairInfo = new QLabel(pairView);
    m_pairInfo->setObjectName(QStringLiteral("pairInfo"));
    m_pairInfo->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    pairLayout->addWidget(m_pairInfo);
    auto *tagRow = new QHBoxLayout;
    tagRow->addWidget(new QLabel(tr("Reason tags:"), pairView));
    m_tagsView = new QLabel(pairView);
    m_tagsView->setObjectName(QStringLiteral("tagsView"));
    m_tagsView->setTextFormat(Qt::RichText);
    m_tagsView->setToolTip(tr("Click a tag to remove it"));
    m_tagsView->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    connect(m_tagsView, &QLabel::linkActivated, this, [this](const QString &tag) { removeTag(tag); });
    tagRow->addWidget(m_tagsView, 1);
    m_tagEdit = new QLineEdit(pairView);
    m_tagEdit->setObjectName(QStringLiteral("tagEdit"));
    m_tagEdit->setPlaceholderText(tr("Add a tag (T), Enter"));
    m_tagCompletions = new QStringListModel(this);
    auto *completer = new QCompleter(m_tagCompletions, m_tagEdit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_tagEdit->setCompleter(completer);
    connect(m_tagEdit, &QLineEdit::returnPressed, this, &ReviewPanel::addTag);
    tagRow->addWidget(m_tagEdit);
    pairLayout->addLayout(tagRow);
    auto *buttons = new QHBoxLayout;
    buttons->setObjectName(QStringLiteral("labelButtons"));
    pairLayout->addLayout(buttons);
    horizontal->addWidget(m_table);
    horizontal->addWidget(pairView);
    horizontal->setStretchFactor(0, 2);
    horizontal->setStretchFactor(1, 5);
    horizontal->setSizes({500, 900});
    m_table->horizontalHeader()->resizeSection(PairListModel::ItemAColumn, 130);
    m_table->horizontalHeader()->resizeSection(PairListModel::ItemBColumn, 130);
    m_table->horizontalHeader()->resizeSection(PairListModel::LabelColumn, 70);

    // Below: consistency checks, adding a pair, model-assisted review.
    auto *tabs = new QTabWidget(vertical);
    tabs->setObjectName(QStringLiteral("reviewTabs"));
    m_bottomTabs = tabs;
    auto *checks = new QWidget(tabs);
    m_checksTab = checks;
    auto *checksLayout = new QVBoxLayout(checks);
    auto *checksTop = new QHBoxLayout;
    checksTop->setObjectName(QStringLiteral("checksTop"));
    m_issuesSummary = new QLabel(tr("Not run yet."), checks);
    m_issuesSummary->setObjectName(QStringLiteral("issuesSummary"));
    checksTop->addWidget(m_issuesSummary, 1);
    checksLayout->addLayout(checksTop);
    m_issues = new QTreeWidget(checks);
    m_issues->setObjectName(QStringLiteral("issuesTree"));
    m_issues->setHeaderLabels({tr("Finding"), tr("Line")});
    m_issues->header()->setStretchLastSection(false);
    m_issues->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    auto goToItem = [this](QTreeWidgetItem *item) {
        bool ok = false;
        int row = item->data(0, Qt::UserRole).toInt(&ok);
        if (ok && row >= 0)
            goToRow(row);
    };
    connect(m_issues, &QTreeWidget::itemClicked, this, goToItem);
    connect(m_issues, &QTreeWidget::itemActivated, this, goToItem);
    checksLayout->addWidget(m_issues);
    tabs->addTab(checks, tr("Consistency"));

    auto *add = new QWidget(tabs);
    auto *addLayout = new QFormLayout(add);
    m_itemIds = new QStringListModel(this);
    m_addA = new QLineEdit(add);
    m_addA->setObjectName(QStringLiteral("addItemA"));
    m_addB = new QLineEdit(add);
    m_addB->setObjectName(QStringLiteral("addItemB"));
    for (QLineEdit *edit : {m_addA, m_addB}) {
        auto *c = new QCompleter(m_itemIds, edit);
        c->setCaseSensitivity(Qt::CaseInsensitive);
        c->setFilterMode(Qt::MatchContains);
        edit->setCompleter(c);
        edit->setPlaceholderText(tr("id of an item in the file"));
    }
    m_addLabel = new QComboBox(add);
    m_addLabel->setObjectName(QStringLiteral("addLabel"));
    m_addLabel->addItem(tr("A preferred (1)"), 1);
    m_addLabel->addItem(tr("B preferred (−1)"), -1);
    m_addLabel->addItem(tr("Equal (0)"), 0);
    m_addTags = new QLineEdit(add);
    m_addTags->setObjectName(QStringLiteral("addTags"));
    m_addTags->setPlaceholderText(tr("comma-separated, e.g. relevance, metrics"));
    auto *addButton = new QPushButton(tr("Add pair"), add);
    addButton->setObjectName(QStringLiteral("addPairButton"));
    connect(addButton, &QPushButton::clicked, this, &ReviewPanel::addPairFromForm);
    addLayout->addRow(tr("Item A:"), m_addA);
    addLayout->addRow(tr("Item B:"), m_addB);
    addLayout->addRow(tr("Label:"), m_addLabel);
    addLayout->addRow(tr("Reason tags:"), m_addTags);
    addLayout->addRow(QString(), addButton);
    tabs->addTab(add, tr("Add pair"));

    auto *model = new QWidget(tabs);
    auto *modelLayout = new QVBoxLayout(model);
    auto *modelRow = new QHBoxLayout;
    m_runCombo = new QComboBox(model);
    m_runCombo->setObjectName(QStringLiteral("runCombo"));
    m_runCombo->setMinimumWidth(280);
    connect(m_runCombo, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
        QString folder = m_runCombo->itemData(index).toString();
        if (!folder.isEmpty())
            loadModelRun(folder);
    });
    auto *choose = new QPushButton(tr("Choose run folder…"), model);
    choose->setObjectName(QStringLiteral("chooseRunButton"));
    connect(choose, &QPushButton::clicked, this, &ReviewPanel::chooseRun);
    modelRow->addWidget(new QLabel(tr("Finished run:"), model));
    modelRow->addWidget(m_runCombo, 1);
    modelRow->addWidget(choose);
    modelLayout->addLayout(modelRow);
    m_modelLabel = new QLabel(tr("Choose a finished run to see its score_diff for every pair and sort the pairs "
                                 "the model most confidently contradicts first."),
                              model);
    m_modelLabel->setObjectName(QStringLiteral("modelLabel"));
    m_modelLabel->setWordWrap(true);
    modelLayout->addWidget(m_modelLabel);
    modelLayout->addStretch(1);
    tabs->addTab(model, tr("Model-assisted"));

    // Blind relabelling: what was answered and, once blind mode ends, how far it agrees.
    m_blindTab = new QWidget(tabs);
    m_blindTab->setObjectName(QStringLiteral("blindTab"));
    auto *blindLayout = new QVBoxLayout(m_blindTab);
    m_blindSummary = new QLabel(m_blindTab);
    m_blindSummary->setObjectName(QStringLiteral("blindSummary"));
    m_blindSummary->setWordWrap(true);
    m_blindSummary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    blindLayout->addWidget(m_blindSummary);
    m_agreementTable = new QTreeWidget(m_blindTab);
    m_agreementTable->setObjectName(QStringLiteral("agreementTable"));
    m_agreementTable->setRootIsDecorated(false);
    m_agreementTable->setHeaderLabels({tr("Item type"), tr("Answered"), tr("Agreeing"), tr("Share"), tr("Cohen's κ")});
    m_agreementTable->header()->setStretchLastSection(false);
    m_agreementTable->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    blindLayout->addWidget(m_agreementTable, 1);
    auto *blindButtons = new QHBoxLayout;
    m_disagreementsButton = new QPushButton(tr("Show the disagreements"), m_blindTab);
    m_disagreementsButton->setObjectName(QStringLiteral("blindDisagreementsButton"));
    m_disagreementsButton->setCheckable(true);
    m_disagreementsButton->setToolTip(tr("List only the pairs whose blind answer differs from the stored label"));
    connect(m_disagreementsButton, &QPushButton::toggled, this, [this](bool on) {
        m_onlyDisagreements = on;
        applyFilters(on ? -1 : m_current); // from the first disagreement
        refreshBlindReport();
    });
    m_applyBlindButton = new QPushButton(tr("Apply Answers to Labels"), m_blindTab);
    m_applyBlindButton->setObjectName(QStringLiteral("applyBlindAnswersButton"));
    m_applyBlindButton->setToolTip(tr("Make every blind answer the pair's label (one step to undo; Save writes it)"));
    connect(m_applyBlindButton, &QPushButton::clicked, this, &ReviewPanel::applyBlindAnswers);
    m_clearBlindButton = new QPushButton(tr("Forget Answers"), m_blindTab);
    m_clearBlindButton->setObjectName(QStringLiteral("clearBlindAnswersButton"));
    connect(m_clearBlindButton, &QPushButton::clicked, this, &ReviewPanel::clearBlindAnswers);
    blindButtons->addWidget(m_disagreementsButton);
    blindButtons->addStretch(1);
    blindButtons->addWidget(m_applyBlindButton);
    blindButtons->addWidget(m_clearBlindButton);
    blindLayout->addLayout(blindButtons);
    tabs->addTab(m_blindTab, tr("Blind agreement"));

    // Pairs to label next, answered with the review keys and appended to the file.
    m_labelNext = new LabelNextTab(tabs);
    connect(m_labelNext, &LabelNextTab::suggestRequested, this, &ReviewPanel::suggestPairsToLabel);
    connect(m_labelNext, &LabelNextTab::suggestionChosen, this, &ReviewPanel::showSuggestion);
    tabs->addTab(m_labelNext, tr("Label next"));
    // Leaving the tab goes back to the file's pairs.
    connect(tabs, &QTabWidget::currentChanged, this, [this](int) {
        if (m_suggestion >= 0 && m_bottomTabs->currentWidget() != m_labelNext) {
            m_suggestion = -1;
            m_labelNext->setCurrent(-1);
            refreshCurrent();
        }
    });

    vertical->addWidget(horizontal);
    vertical->addWidget(tabs);
    vertical->setStretchFactor(0, 4);
    vertical->setStretchFactor(1, 1);
    vertical->setSizes({600, 260});
    root->addWidget(vertical, 1);

    // The help overlay lies over the whole panel.
    m_help = new QFrame(this);
    m_help->setObjectName(QStringLiteral("helpOverlay"));
    m_help->setStyleSheet(QStringLiteral("#helpOverlay { background: #1e1f26; border-radius: 8px; } "
                                         "#helpOverlay QLabel { color: white; }"));
    auto *helpLayout = new QVBoxLayout(m_help);
    m_helpText = new QLabel(m_help);
    m_helpText->setObjectName(QStringLiteral("helpText"));
    m_helpText->setTextFormat(Qt::RichText);
    m_helpText->setAlignment(Qt::AlignCenter);
    helpLayout->addWidget(m_helpText);
    m_help->hide();
}

void ReviewPanel::buildActions()
{
    struct Spec
    {
        const char *name;
        QString text;
        QList<QKeySequence> keys;
        std::function<void()> run;
    };
    const QList<Spec> specs = {
        {"actionPreferA", tr("A preferred  [1]"), {Qt::Key_1, Qt::Key_A}, [this] { labelCurrent(1); }},
        {"actionEqual", tr("Equal  [0]"), {Qt::Key_0, Qt::Key_E, Qt::Key_Equal}, [this] { labelCurrent(0); }},
        {"actionPreferB", tr("B preferred  [2]"), {Qt::Key_2, Qt::Key_B}, [this] { labelCurrent(-1); }},
        {"actionSkip", tr("Skip  [Space]"), {Qt::Key_Space, Qt::Key_S}, [this] { step(1); }},
        {"actionPrevious", tr("◀ Previous  [←]"), {Qt::Key_Left, Qt::Key_K, Qt::Key_P}, [this] { step(-1); }},
        {"actionNext", tr("[→]  Next ▶"), {Qt::Key_Right, Qt::Key_J, Qt::Key_N}, [this] { step(1); }},
        {"actionUndo",
         tr("Undo"),
         {QKeySequence::Undo, Qt::Key_Backspace},
         [this] {
             if (m_blind) { // takes back the last blind answer; the labels were not touched
                 const int row = m_blindAnswers->takeBack();
                 m_list->refreshRow(row);
                 refreshBlindReport();
                 if (row >= 0)
                     goToRow(row);
                 return;
             }
             undoOrRedo(true);
         }},
        {"actionRedo",
         tr("Redo"),
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)},
         [this] {
             if (!m_blind)
                 undoOrRedo(false);
         }},
        {"actionTag",
         tr("Add a reason tag"),
         {Qt::Key_T},
         [this] {
             m_tagEdit->setFocus();
             m_tagEdit->selectAll();
         }},
        {"actionRemovePair", tr("Remove pair"), {QKeySequence::Delete}, [this] { removeCurrent(); }},
        {"actionBlind", tr("Blind mode"), {QKeySequence(Qt::CTRL | Qt::Key_B)}, [this] { m_blindBox->toggle(); }},
        {"actionFind",
         tr("Filter by id"),
         {QKeySequence::Find, Qt::Key_Slash},
         [this] {
             m_idFilter->setFocus();
             m_idFilter->selectAll();
         }},
        {"actionCheck",
         tr("Check consistency"),
         {QKeySequence(Qt::CTRL | Qt::Key_K)},
         [this] { runConsistencyChecks(); }},
        {"actionSave", tr("Save"), {QKeySequence::Save}, [this] { save(); }},
        {"actionSaveAs",
         tr("Save As…"),
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)},
         [this] {
             QString path = QFileDialog::getSaveFileName(this, tr("Save pairs as"), filePath(), tr("JSONL (*.jsonl)"));
             if (!path.isEmpty())
                 saveAs(path);
         }},
        {"actionExportReviewed",
         tr("Export reviewed…"),
         {},
         [this] {
             QString path =
                 QFileDialog::getSaveFileName(this, tr("Export the reviewed pairs"), QString(), tr("JSONL (*.jsonl)"));
             if (!path.isEmpty())
                 exportReviewed(path);
         }},
        {"actionHelp",
         tr("Shortcuts"),
         {QKeySequence(Qt::Key_Question), QKeySequence::HelpContents, Qt::Key_H},
         [this] { toggleHelp(); }},
        {"actionEscape",
         tr("Close help / back to the pairs"),
         {Qt::Key_Escape},
         [this] {
             m_help->hide();
             m_table->setFocus();
         }},
    };
    QHash<QString, QAction *> byName;
    for (const Spec &spec : specs) {
        auto *action = new QAction(spec.text, this);
        action->setObjectName(QString::fromLatin1(spec.name));
        action->setShortcuts(spec.keys);
        // The review keys while focus is in the Review place (other places keep their keys); save,
        // undo, redo and blind mode wherever focus is in the window while the place is shown.
        static const QSet<QString> windowWide = {QStringLiteral("actionUndo"), QStringLiteral("actionRedo"),
                                                 QStringLiteral("actionSave"), QStringLiteral("actionSaveAs"),
                                                 QStringLiteral("actionBlind")};
        action->setShortcutContext(
            windowWide.contains(QString::fromLatin1(spec.name)) ? Qt::WindowShortcut : Qt::WidgetWithChildrenShortcut);
        auto run = spec.run;
        connect(action, &QAction::triggered, this, [run] { run(); });
        addAction(action);
        byName.insert(action->objectName(), action);
    }
    auto button = [this, &byName](const char *name, const char *objectName) {
        auto *b = new QToolButton(this);
        b->setObjectName(QString::fromLatin1(objectName));
        b->setDefaultAction(byName.value(QString::fromLatin1(name)));
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setFocusPolicy(Qt::NoFocus);
        return b;
    };
    auto *fileRow = findChild<QHBoxLayout *>(QStringLiteral("fileRow"));
    m_blindBox = new QCheckBox(tr("Blind (random sides)"), this);
    m_blindBox->setObjectName(QStringLiteral("blindMode"));
    m_blindBox->setToolTip(tr("Show the two items in random order so the recorded side does not bias you (Ctrl+B)"));
    connect(m_blindBox, &QCheckBox::toggled, this, &ReviewPanel::setBlind);
    fileRow->addWidget(m_blindBox);
    fileRow->addWidget(button("actionUndo", "undoButton"));
    fileRow->addWidget(button("actionRedo", "redoButton"));
    fileRow->addWidget(button("actionSave", "saveButton"));
    fileRow->addWidget(button("actionSaveAs", "saveAsButton"));
    fileRow->addWidget(button("actionExportReviewed", "exportButton"));
    fileRow->addWidget(button("actionHelp", "helpButton"));

    auto *buttons = findChild<QHBoxLayout *>(QStringLiteral("labelButtons"));
    buttons->addWidget(button("actionPrevious", "previousButton"));
    buttons->addStretch(1);
    buttons->addWidget(button("actionPreferA", "preferAButton"));
    buttons->addWidget(button("actionEqual", "equalButton"));
    buttons->addWidget(button("actionPreferB", "preferBButton"));
    buttons->addWidget(button("actionSkip", "skipButton"));
    buttons->addStretch(1);
    buttons->addWidget(button("actionRemovePair", "removePairButton"));
    buttons->addWidget(button("actionNext", "nextButton"));

    auto *checksTop = findChild<QHBoxLayout *>(QStringLiteral("checksTop"));
    auto *check = button("actionCheck", "checkButton");
    check->setFocusPolicy(Qt::StrongFocus);
    checksTop->addWidget(check);

    // The overlay lists every shortcut, from the actions themselves.
    QString help = QStringLiteral("<h2>Review shortcuts</h2><table align='center' cellspacing='0' cellpadding='4'>");
    for (QAction *action : actions()) {
        if (action->shortcuts().isEmpty())
            continue;
        help += QStringLiteral("<tr><td align='right'><b><tt>%1</tt></b></td><td>%2</td></tr>")
                    .arg(shortcutText(action).toHtmlEscaped(), action->text().toHtmlEscaped());
    }
    help += QStringLiteral("</table><p>Labelling moves on to the next pair. In blind mode the stored label, tags "
                           "and model are hidden and the sides are random: 1 means the left card, 2 the right "
                           "one. Blind answers are kept apart from the labels (Undo takes one back) until you "
                           "apply them; ending blind mode shows how far they agree.</p>"
                           "<p>Press Esc or ? to close.</p>");
    m_helpText->setText(help);
}

bool ReviewPanel::openFile(const QString &path, int embeddingDim)
{
    m_embeddingDim = embeddingDim;
    return startOpen(path,
                     [file = path.toStdString(), embeddingDim](LabelDocument &document, const Progress &progress) {
                         document.open(file, embeddingDim, progress);
                     });
}

bool ReviewPanel::openDataset(const std::shared_ptr<const Dataset> &dataset)
{
    if (!dataset)
        return false;
    m_embeddingDim = dataset->embeddingDim;
    // The window's reading of the file: only the journal is read here (issue 13: one read).
    return startOpen(QString::fromStdString(dataset->path),
                     [dataset](LabelDocument &document, const Progress &) { document.open(dataset); });
}

bool ReviewPanel::startOpen(const QString &path, std::function<void(LabelDocument &, const Progress &)> open)
{
    if (m_loadThread) {
        setMessage(tr("Still opening the previous file."), true);
        return false;
    }
    // Reading an 850 MB file takes seconds: never on the GUI thread.
    m_cancelLoad = std::make_shared<std::atomic_bool>(false);
    auto cancel = m_cancelLoad;
    setMessage(tr("Opening %1…").arg(path), false);
    m_progress->setRange(0, 100);
    m_progress->setFormat(tr("loading %p%"));
    m_progress->setValue(0);
    m_loadThread = QThread::create([this, open = std::move(open), cancel, path] {
        auto document = std::make_shared<LabelDocument>();
        QString error;
        try {
            int lastPercent = -1;
            open(*document, [&](uint64_t done, uint64_t total) {
                int percent = total ? int(done * 100 / total) : 0;
                if (percent != lastPercent) {
                    lastPercent = percent;
                    QMetaObject::invokeMethod(
                        this, [this, percent] { m_progress->setValue(percent); }, Qt::QueuedConnection);
                }
                return !cancel->load();
            });
        } catch (const std::exception &e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, path, document, error] { finishOpen(path, document, error); }, Qt::QueuedConnection);
    });
    m_loadThread->start();
    return true;
}

void ReviewPanel::finishOpen(const QString &path, std::shared_ptr<LabelDocument> document, const QString &error)
{
    m_loadThread->wait();
    delete m_loadThread;
    m_loadThread = nullptr;
    m_progress->setFormat(tr("%v / %m reviewed"));
    const bool carry = std::exchange(m_carryPending, false);
    if (!error.isEmpty()) {
        updateProgress();
        if (carry)
            setMessage(tr("%1 could not be read again (%2); your edits are still here.").arg(path, error), true);
        else
            setMessage(error, true);
        Q_EMIT openFailed(error);
        return;
    }
    m_document->adopt(std::move(document));
    m_diskBanner->hide();
    m_watcher->watch(path);
    if (carry) {
        // The edits came along in memory: the journal of the version they were made on goes, and
        // they are journalled again as they are applied to this one.
        m_document->discardJournal();
        const std::vector<PairEdit> edits = std::exchange(m_carryEdits, {});
        const int unmatched = m_document->carryOver(edits);
        const int row = std::exchange(m_reloadRow, -1);
        if (row >= 0 && row < m_document->data().rowCount())
            goToRow(row);
        // The reload button that had the focus is gone with the banner: keys go back to the pairs.
        if (isVisible())
            m_table->setFocus();
        QString text = edits.empty() ? tr("Reloaded %1: it changed on disk").arg(QFileInfo(path).fileName())
                                     : tr("Reloaded %1, changed on disk: %n of your edit(s) carried over", nullptr,
                                          int(edits.size()) - unmatched)
                                           .arg(QFileInfo(path).fileName());
        if (unmatched > 0)
            text += tr("; %n could not be, their pairs are no longer in the file", nullptr, unmatched);
        setMessage(text + QLatin1Char('.'), unmatched > 0);
        Q_EMIT fileOpened(path);
        Q_EMIT modifiedChanged(hasUnsavedChanges());
        return;
    }
    qint64 pending = m_document->pendingJournalEdits();
    if (pending > 0) {
        JournalPolicy policy = m_journalPolicy;
        if (policy == JournalPolicy::Ask) {
            auto answer = QMessageBox::question(
                this, tr("Recover unsaved edits?"),
                tr("%1 has %n edit(s) from a session that ended without saving. Replay them?", nullptr, int(pending))
                    .arg(QFileInfo(path).fileName()),
                QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
            policy = answer == QMessageBox::Yes ? JournalPolicy::Replay : JournalPolicy::Discard;
        }
        if (policy == JournalPolicy::Replay) {
            QString replayError = m_document->replayJournal();
            if (!replayError.isEmpty())
                setMessage(tr("Journal replay stopped: %1").arg(replayError), true);
            else
                setMessage(
                    tr("Recovered %n unsaved edit(s) from the journal; save to keep them.", nullptr, int(pending)),
                    false);
        } else {
            m_document->discardJournal();
        }
    } else {
        setMessage(QString(), false);
    }
    const Dataset &ds = m_document->data().dataset();
    if (!ds.skipped.empty())
        setMessage(tr("%n line(s) are not valid pairs; they are kept as they are but cannot be reviewed.", nullptr,
                      int(ds.skipped.size())),
                   false);
    Q_EMIT fileOpened(path);
    Q_EMIT modifiedChanged(hasUnsavedChanges());
}

QString ReviewPanel::filePath() const
{
    return m_document->isOpen() ? m_document->path() : QString();
}

void ReviewPanel::setRunsFolder(const QString &folder)
{
    m_runsFolder = folder;
    refreshRunList();
}

void ReviewPanel::refreshRunList()
{
    m_runCombo->clear();
    m_runCombo->addItem(tr("(no model)"), QString());
    if (m_runsFolder.isEmpty())
        return;
    for (const RunInfo &run : listRuns(m_runsFolder.toStdString())) {
        if (run.broken || run.pthPath.empty())
            continue;
        QString ended;
        if (run.metadata.is_object() && run.metadata.contains("ended") && run.metadata["ended"].is_string())
            ended = qs(run.metadata["ended"].get<std::string>());
        m_runCombo->addItem(QStringLiteral("%1 — %2%3")
                                .arg(qs(run.name), QFileInfo(qs(run.folder)).fileName(),
                                     ended.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(ended)),
                            qs(run.folder));
    }
}

void ReviewPanel::chooseRun()
{
    QString folder = QFileDialog::getExistingDirectory(this, tr("Choose a finished run"), m_runsFolder);
    if (!folder.isEmpty())
        loadModelRun(folder);
}

bool ReviewPanel::loadModelRun(const QString &runFolder)
{
    if (!m_document->isOpen()) {
        setMessage(tr("Open a file before choosing a model."), true);
        return false;
    }
    if (m_scoreThread) {
        setMessage(tr("Still scoring with the previous model."), true);
        return false;
    }
    std::shared_ptr<const Dataset> ds = m_document->data().sharedDataset();
    std::string folder = runFolder.toStdString();
    m_modelLabel->setText(tr("Scoring %1…").arg(runFolder));
    m_scoreThread = QThread::create([this, ds, folder] {
        std::vector<float> scores;
        QString error;
        double margin = 1.0;
        std::string name;
        try {
            RunInfo run = readRun(folder);
            name = run.name;
            if (run.metadata.is_object() && run.metadata.contains("margin") && run.metadata["margin"].is_number())
                margin = run.metadata["margin"].get<double>();
            Checkpoint checkpoint = loadCheckpoint(checkpointPathFor(folder));
            if (checkpoint.weights.layout.embeddingDim != ds->embeddingDim)
                throw Error("the run's model takes " + std::to_string(checkpoint.weights.layout.embeddingDim) +
                            "-value embeddings; this file was opened with " + std::to_string(ds->embeddingDim));
            RankerModel model(checkpoint.weights);
            scores = scoreItems(model, *ds);
        } catch (const std::exception &e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, scores = std::move(scores), error, margin, name] {
                m_scoreThread->wait();
                delete m_scoreThread;
                m_scoreThread = nullptr;
                if (!error.isEmpty()) {
                    m_modelLabel->setText(tr("No model scores: %1").arg(error));
                    setMessage(error, true);
                    return;
                }
                const LabelDocument &doc = m_document->data();
                m_margin = margin;
                m_modelName = qs(name);
                m_itemScores.assign(scores.begin(), scores.end());
                m_scoreDiffs.assign(size_t(doc.rowCount()), std::numeric_limits<double>::quiet_NaN());
                for (int32_t r = 0; r < doc.rowCount(); ++r) {
                    const auto &row = doc.row(r);
                    if (size_t(row.a) < scores.size() && size_t(row.b) < scores.size())
                        m_scoreDiffs[size_t(r)] = double(scores[size_t(row.a)]) - double(scores[size_t(row.b)]);
                }
                m_list->setScoreDiffs(&m_scoreDiffs);
                int wrong = 0;
                for (int32_t r = 0; r < doc.rowCount(); ++r) {
                    const auto &row = doc.row(r);
                    double d = m_scoreDiffs[size_t(r)];
                    wrong += row.label != 0 && !std::isnan(d) && d * row.label <= 0;
                }
                m_modelLabel->setText(tr("Model %1: score_diff for %2 pairs; it contradicts %3 decisive labels. "
                                         "Order \"Model disagreement first\" lists them most confident first.")
                                          .arg(m_modelName)
                                          .arg(doc.rowCount())
                                          .arg(wrong));
                {
                    const QSignalBlocker blocker(m_sortOrder);
                    m_sortOrder->setCurrentIndex(1);
                }
                applyFilters();
                // A good model clears an earlier model's error.
                setMessage(tr("Scored the pairs with model %1.").arg(m_modelName), false);
                Q_EMIT modelScoresReady();
            },
            Qt::QueuedConnection);
    });
    m_scoreThread->start();
    return true;
}

bool ReviewPanel::hasModelScores() const
{
    return !m_scoreDiffs.empty();
}

bool ReviewPanel::hasUnsavedChanges() const
{
    return m_document->hasUnsavedChanges();
}

bool ReviewPanel::maybeSave()
{
    if (!hasUnsavedChanges())
        return true;
    auto answer =
        QMessageBox::warning(this, tr("Unsaved labels"),
                             tr("%1 has unsaved review changes. Save them?").arg(QFileInfo(filePath()).fileName()),
                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    if (answer == QMessageBox::Discard) {
        m_document->discardJournal();
        return true;
    }
    return false;
}

bool ReviewPanel::save()
{
    if (!m_document->isOpen())
        return false;
    return saveAs(filePath());
}

bool ReviewPanel::resolveSaveConflict(bool canOverwrite, const QString &reason)
{
    const QString name = QFileInfo(filePath()).fileName();
    QMessageBox box(QMessageBox::Warning, tr("%1 changed on disk").arg(name),
                    canOverwrite ? tr("Another program changed %1 since it was opened here.").arg(name)
                                 : tr("Another program rewrote %1 while it was open here.").arg(name),
                    QMessageBox::Cancel, this);
    box.setInformativeText(
        canOverwrite ? tr("Overwrite it with your version (the other version is kept as %1.bak), or reload the new "
                          "version and carry your edits over to it?")
                           .arg(name)
                     : tr("Your version can no longer be written over it. Reload the new version and carry your "
                          "edits over to it?"));
    box.setDetailedText(reason);
    QPushButton *overwrite = nullptr;
    if (canOverwrite) {
        overwrite = box.addButton(tr("Overwrite"), QMessageBox::DestructiveRole);
        overwrite->setObjectName(QStringLiteral("overwriteButton"));
    }
    QPushButton *reload = box.addButton(tr("Reload, Keeping My Edits"), QMessageBox::AcceptRole);
    reload->setObjectName(QStringLiteral("reloadKeepEditsDialogButton"));
    box.setDefaultButton(reload);
    box.exec();
    if (overwrite && box.clickedButton() == overwrite) {
        const QString error = m_document->save(true);
        if (!error.isEmpty()) {
            setMessage(tr("Not saved: %1").arg(error), true);
            return false;
        }
        m_diskBanner->hide();
        setMessage(tr("Saved %1 over the version on disk, which is kept as %1.bak.").arg(name), false);
        updateTitle();
        return true;
    }
    if (box.clickedButton() == reload)
        reloadFromDisk(true);
    else
        setMessage(tr("Not saved: %1").arg(reason), true);
    return false;
}

bool ReviewPanel::saveAs(const QString &path)
{
    if (!m_document->isOpen())
        return false;
    ReviewDocument::SaveConflict conflict = ReviewDocument::SaveConflict::None;
    QString error = path == filePath() ? m_document->save(false, &conflict) : m_document->saveAs(path);
    if (conflict != ReviewDocument::SaveConflict::None)
        return resolveSaveConflict(conflict == ReviewDocument::SaveConflict::ChangedOnDisk, error);
    if (!error.isEmpty()) {
        setMessage(tr("Not saved: %1").arg(error), true);
        return false;
    }
    m_diskBanner->hide();
    setMessage(tr("Saved %1 (previous version kept as %2.bak).").arg(path, QFileInfo(path).fileName()), false);
    updateTitle();
    return true;
}

bool ReviewPanel::exportReviewed(const QString &path)
{
    QVector<int> rows;
    const LabelDocument &doc = m_document->data();
    for (int32_t r = 0; r < doc.rowCount(); ++r)
        if (doc.row(r).reviewed && !doc.row(r).removed)
            rows << r;
    QString error = m_document->exportRows(path, rows);
    if (!error.isEmpty()) {
        setMessage(tr("Not exported: %1").arg(error), true);
        return false;
    }
    setMessage(tr("Exported %n reviewed pair(s) to %1.", nullptr, int(rows.size())).arg(path), false);
    return true;
}

void ReviewPanel::setJournalPolicy(JournalPolicy policy)
{
    m_journalPolicy = policy;
}

int ReviewPanel::currentRow() const
{
    return m_current;
}

QVector<int> ReviewPanel::visibleRows() const
{
    return m_list->rows();
}

nlohmann::ordered_json ReviewPanel::itemFields(int item) const
{
    const LabelDocument &doc = m_document->data();
    for (int32_t r = 0; r < doc.rowCount(); ++r) {
        const LabelDocument::Row &row = doc.row(r);
        if (row.a != item && row.b != item)
            continue;
        const std::string text = doc.lineText(r);
        const PairLineSpans spans = scanPairLine(text);
        const JsonSpan &span = row.a == item ? spans.itemA : spans.itemB;
        if (!spans.valid || !span.found || span.end <= span.begin || span.end > text.size())
            continue;
        auto value = nlohmann::ordered_json::parse(text.begin() + long(span.begin), text.begin() + long(span.end),
                                                   nullptr, false);
        if (!value.is_discarded())
            return value;
    }
    return nlohmann::ordered_json();
}

void ReviewPanel::suggestPairsToLabel()
{
    if (!m_document->isOpen() || m_blind)
        return;
    const LabelDocument &doc = m_document->data();
    const Dataset &ds = doc.dataset();
    // The labels as they stand now: edits, added and removed pairs included.
    Dataset now;
    now.items = ds.items;
    now.metricNames = ds.metricNames;
    now.pairs.reserve(size_t(doc.rowCount()));
    for (int32_t r = 0; r < doc.rowCount(); ++r) {
        const LabelDocument::Row &row = doc.row(r);
        if (row.removed)
            continue;
        Pair p;
        p.a = row.a;
        p.b = row.b;
        p.label = int8_t(row.label);
        now.pairs.push_back(p);
    }
    SuggestOptions options;
    options.count = size_t(m_labelNext->count());
    options.withinType = m_labelNext->withinType();
    const bool withModel = m_itemScores.size() == ds.items.size();
    try {
        const Suggestions found = suggestPairs(now, withModel ? m_itemScores : std::vector<double>(), options);
        m_labelNext->setSuggestions(found, ds, withModel ? m_modelName : QString());
        if (found.pairs.empty()) {
            setMessage(tr("No pair is left to suggest: every pair of items is labelled or implied."), false);
            return;
        }
    } catch (const std::exception &e) {
        setMessage(tr("No suggestions: %1").arg(QString::fromUtf8(e.what())), true);
        return;
    }
    m_bottomTabs->setCurrentWidget(m_labelNext);
    showSuggestion(0);
    m_table->setFocus(); // the review keys answer
}

void ReviewPanel::showSuggestion(int index)
{
    if (!m_document->isOpen() || index < 0 || index >= m_labelNext->size())
        return;
    m_suggestion = index;
    m_labelNext->setCurrent(index);
    const LabelDocument &doc = m_document->data();
    const Dataset &ds = doc.dataset();
    const SuggestedPair &p = m_labelNext->suggestions()[size_t(index)];
    const nlohmann::ordered_json a = itemFields(p.a), b = itemFields(p.b);
    m_left->setItem(ds, p.a, p.b, tr("A"), a, b);
    m_right->setItem(ds, p.b, p.a, tr("B"), b, a);
    const int row = m_labelNext->answeredRow(index);
    const int label = row >= 0 ? doc.row(row).label : 0;
    using V = PairCard::Verdict;
    m_left->setVerdict(row < 0 ? V::None : label > 0 ? V::Preferred : label < 0 ? V::NotPreferred : V::Equal);
    m_right->setVerdict(row < 0 ? V::None : label < 0 ? V::Preferred : label > 0 ? V::NotPreferred : V::Equal);
    m_verdictBanner->setText(
        row >= 0 ? tr("Suggested pair %1 of %2 — answered: %3")
                       .arg(index + 1)
                       .arg(m_labelNext->size())
                       .arg(label > 0   ? tr("A preferred")
                            : label < 0 ? tr("B preferred")
                                        : tr("equal"))
                 : tr("Suggested pair %1 of %2:  1 ◀ A  ·  0 same  ·  B ▶ 2").arg(index + 1).arg(m_labelNext->size()));
    QPalette banner = m_verdictBanner->palette();
    banner.setColor(QPalette::Window, QColor(0x5b, 0x2c, 0x6f));
    banner.setColor(QPalette::WindowText, Qt::white);
    m_verdictBanner->setPalette(banner);
    m_verdictBanner->setAutoFillBackground(true);
    m_pairInfo->setText(
        (m_itemScores.empty()
             ? tr("Not in the file yet · no model chosen")
             : tr("Not in the file yet · model %1: P(A preferred) %2").arg(m_modelName, percentText(p.probabilityA))) +
        tr(" · A is in %1 labelled pairs, B in %2").arg(p.comparisonsA).arg(p.comparisonsB));
    m_tagsView->clear();
}

void ReviewPanel::answerSuggestion(int label)
{
    const int index = m_suggestion;
    if (index < 0 || m_labelNext->answeredRow(index) >= 0) {
        // Answered already: Ctrl+Z takes it back; move on to one that is not.
        const int next = m_labelNext->nextUnanswered(std::max(index, 0));
        if (next >= 0)
            showSuggestion(next);
        return;
    }
    const SuggestedPair &p = m_labelNext->suggestions()[size_t(index)];
    QString error;
    const int row = m_document->addPair(p.a, p.b, label, {}, &error);
    if (row < 0) {
        setMessage(tr("Not added: %1").arg(error), true);
        return;
    }
    m_labelNext->setAnswered(index, row, label, -1);
    const int next = m_labelNext->nextUnanswered(index);
    if (next >= 0) {
        showSuggestion(next);
        return;
    }
    showSuggestion(index);
    setMessage(tr("All %1 suggested pairs are answered and added at the end of the file (Ctrl+S saves); "
                  "Suggest pairs asks for more.")
                   .arg(m_labelNext->size()),
               false);
}

bool ReviewPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_idFilter && event->type() == QEvent::ShortcutOverride) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo) || key->matches(QKeySequence::Save))
            return true; // not claimed by the field: the window's action runs
    }
    if (watched == m_idFilter && event->type() == QEvent::KeyPress) {
        switch (static_cast<QKeyEvent *>(event)->key()) {
        case Qt::Key_Down:
        case Qt::Key_PageDown:
            step(1);
            return true;
        case Qt::Key_Up:
        case Qt::Key_PageUp:
            step(-1);
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            m_table->setFocus();
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ReviewPanel::undoOrRedo(bool undo)
{
    // Back to the pair the step changed, wherever the list is.
    int changed = -1;
    const QMetaObject::Connection watch = connect(m_document, &ReviewDocument::rowChanged, this, [&changed](int row) {
        if (changed < 0)
            changed = row;
    });
    const int before = m_document->undoStack()->index();
    if (undo)
        m_document->undoStack()->undo();
    else
        m_document->undoStack()->redo();
    disconnect(watch);
    if (m_document->undoStack()->index() == before)
        return;
    // A suggested pair's answer taken back (or given again): back to that suggestion.
    if (const int index = changed >= 0 ? m_labelNext->indexOfRow(changed) : -1; index >= 0) {
        const LabelDocument::Row &row = m_document->data().row(changed);
        if (row.removed)
            m_labelNext->setUnanswered(index);
        else
            m_labelNext->setAnswered(index, changed, row.label, row.line);
        m_bottomTabs->setCurrentWidget(m_labelNext);
        showSuggestion(index);
        return;
    }
    if (changed >= 0 && changed != m_current)
        goToRow(changed);
    else if (m_current >= 0)
        refreshCurrent();
}

void ReviewPanel::goToRow(int row)
{
    if (!m_document->isOpen() || row < 0 || row >= m_document->data().rowCount())
        return;
    if (m_suggestion >= 0) { // a pair of the file: out of the suggestions
        m_suggestion = -1;
        m_labelNext->setCurrent(-1);
    }
    if (!passesFilters(row)) {
        const QSignalBlocker b1(m_labelFilter), b2(m_typeFilter), b3(m_tagFilter), b4(m_idFilter), b5(m_changedFilter);
        m_labelFilter->setCurrentIndex(0);
        m_typeFilter->setCurrentIndex(0);
        m_tagFilter->setCurrentIndex(0);
        m_idFilter->clear();
        m_changedFilter->setChecked(false);
        const QSignalBlocker b6(m_disagreementsButton);
        m_disagreementsButton->setChecked(false);
        m_onlyDisagreements = false;
        applyFilters(row);
    }
    showRow(row);
}

void ReviewPanel::showItemPairs(const QString &id)
{
    {
        const QSignalBlocker b1(m_labelFilter), b2(m_typeFilter), b3(m_tagFilter), b4(m_idFilter), b5(m_changedFilter);
        m_labelFilter->setCurrentIndex(0);
        m_typeFilter->setCurrentIndex(0);
        m_tagFilter->setCurrentIndex(0);
        m_idFilter->setText(QLatin1Char('"') + id + QLatin1Char('"'));
        m_changedFilter->setChecked(false);
    }
    applyFilters();
}

void ReviewPanel::onReset()
{
    m_current = -1;
    if (!m_blindAnswers->isEmpty()) {
        // The answers are kept by row, and the rows are new.
        m_blindAnswers->clear();
        setMessage(tr("The blind answers were forgotten: the file was read again."), false);
    }
    {
        const QSignalBlocker blocker(m_disagreementsButton);
        m_disagreementsButton->setChecked(false);
        m_onlyDisagreements = false;
    }
    refreshBlindReport();
    m_scoreDiffs.clear();
    m_itemScores.clear();
    m_list->setScoreDiffs(nullptr);
    // Suggestions name rows and items of the file as it was.
    m_suggestion = -1;
    m_labelNext->clear();
    m_issues->clear();
    m_issuesSummary->setText(tr("Not run yet."));
    const QSignalBlocker b1(m_typeFilter), b2(m_tagFilter), b3(m_sortOrder);
    m_typeFilter->clear();
    m_typeFilter->addItem(tr("All item types"), QString());
    m_tagFilter->clear();
    m_tagFilter->addItem(tr("All reason tags"), QString());
    m_sortOrder->setCurrentIndex(0);
    if (m_document->isOpen()) {
        const LabelDocument &doc = m_document->data();
        for (const auto &type : doc.dataset().itemTypeCounts())
            m_typeFilter->addItem(type.first.empty() ? tr("(no type)") : qs(type.first), qs(type.first));
        m_tagFilter->addItem(tr("(no tags)"), QStringLiteral("\x01none"));
        QStringList tags;
        for (const auto &tag : doc.knownTags())
            tags << qs(tag);
        for (const QString &tag : tags)
            m_tagFilter->addItem(tag, tag);
        m_tagCompletions->setStringList(tags);
        QStringList ids;
        ids.reserve(int(doc.dataset().items.size()));
        for (const Item &item : doc.dataset().items)
            ids << qs(item.id);
        m_itemIds->setStringList(ids);
    }
    applyFilters();
    updateTitle();
}

void ReviewPanel::onRowChanged(int row)
{
    m_list->refreshRow(row);
    const std::string &journalProblem = m_document->data().journalProblem();
    if (!journalProblem.empty() && !m_lastMessage.startsWith(tr("Edits are not journalled")))
        setMessage(tr("Edits are not journalled (%1): save soon, a crash would lose them.").arg(qs(journalProblem)),
                   true);
    if (row == m_current && !m_deferRefresh)
        refreshCurrent();
    if (!m_blindAnswers->isEmpty() && m_blindAnswers->hasAnswer(row))
        refreshBlindReport();
    updateProgress();
    updateTitle(); // the count of pairs (an added or removed one), also while already modified
}

bool ReviewPanel::passesFilters(int r) const
{
    const LabelDocument &doc = m_document->data();
    const LabelDocument::Row &row = doc.row(r);
    int label = m_labelFilter->currentData().toInt();
    if (label != kAnyLabel && row.label != label)
        return false;
    const auto &items = doc.dataset().items;
    if (m_typeFilter->currentIndex() > 0) {
        std::string type = m_typeFilter->currentData().toString().toStdString();
        if (items[size_t(row.a)].itemType != type && items[size_t(row.b)].itemType != type)
            return false;
    }
    if (m_tagFilter->currentIndex() > 0) {
        QString tag = m_tagFilter->currentData().toString();
        if (tag == QStringLiteral("\x01none")) {
            if (!row.tags.empty())
                return false;
        } else if (std::find(row.tags.begin(), row.tags.end(), tag.toStdString()) == row.tags.end()) {
            return false;
        }
    }
    if (!m_idFilter->text().isEmpty()) {
        QString text = m_idFilter->text();
        // "id" in quotes: that id exactly (an item's pairs, not those of every id containing it).
        if (text.size() >= 2 && text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"'))) {
            text = text.mid(1, text.size() - 2);
            if (qs(items[size_t(row.a)].id) != text && qs(items[size_t(row.b)].id) != text)
                return false;
        } else if (!qs(items[size_t(row.a)].id).contains(text, Qt::CaseInsensitive) &&
                   !qs(items[size_t(row.b)].id).contains(text, Qt::CaseInsensitive)) {
            return false;
        }
    }
    if (m_changedFilter->isChecked() && !row.changedInSession())
        return false;
    if (m_onlyDisagreements && (row.removed || !m_blindAnswers->hasAnswer(r) || m_blindAnswers->answer(r) == row.label))
        return false;
    return true;
}

void ReviewPanel::applyFilters(int keepRow)
{
    QVector<int> rows;
    if (m_document->isOpen()) {
        const LabelDocument &doc = m_document->data();
        rows.reserve(doc.rowCount());
        for (int32_t r = 0; r < doc.rowCount(); ++r)
            if (passesFilters(r))
                rows << r;
        if (m_sortOrder->currentIndex() == 1 && !m_scoreDiffs.empty()) {
            // How confidently the model contradicts the label: −label·score_diff for decisive
            // pairs, |score_diff| beyond the margin for ties.
            auto disagreement = [&](int r) {
                double d = size_t(r) < m_scoreDiffs.size() ? m_scoreDiffs[size_t(r)] : std::nan("");
                if (std::isnan(d))
                    return -std::numeric_limits<double>::infinity();
                int label = doc.row(r).label;
                return label != 0 ? -label * d : std::fabs(d) - m_margin;
            };
            std::stable_sort(rows.begin(), rows.end(), [&](int x, int y) { return disagreement(x) > disagreement(y); });
        }
    }
    m_list->setRows(rows);
    m_table->resizeColumnToContents(PairListModel::PairColumn);
    m_table->resizeColumnToContents(PairListModel::LineColumn);
    if (keepRow >= 0 && m_list->positionOf(keepRow) >= 0)
        showRow(keepRow);
    else if (!rows.isEmpty())
        showRow(rows.front());
    else
        showRow(-1);
    updateProgress();
}

bool ReviewPanel::swapped(int row) const
{
    if (!m_blind)
        return false;
    quint32 h = quint32(row) * 2654435761u ^ m_blindSeed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    return h & 1;
}

void ReviewPanel::showRow(int row)
{
    m_current = row;
    int at = m_list->positionOf(row);
    if (at >= 0) {
        QModelIndex index = m_list->index(at, 0);
        if (m_table->selectionModel()->currentIndex().row() != at) {
            const QSignalBlocker blocker(m_table->selectionModel());
            m_table->selectionModel()->setCurrentIndex(index,
                                                       QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            // The view heard nothing (signals blocked): repaint, or the rows left keep their highlight.
            m_table->viewport()->update();
        }
        m_table->scrollTo(index);
    }
    refreshCurrent();
}

void ReviewPanel::refreshCurrent()
{
    if (m_suggestion >= 0 && m_suggestion < m_labelNext->size()) {
        showSuggestion(m_suggestion);
        return;
    }
    if (!m_document->isOpen() || m_current < 0 || m_current >= m_document->data().rowCount()) {
        m_left->clear();
        m_right->clear();
        m_verdictBanner->setText(m_document->isOpen() ? tr("No pair matches the filters") : tr("No file open"));
        m_verdictBanner->setPalette(palette());
        m_pairInfo->clear();
        m_tagsView->clear();
        return;
    }
    const LabelDocument &doc = m_document->data();
    const Dataset &ds = doc.dataset();
    const LabelDocument::Row &row = doc.row(m_current);
    bool swap = swapped(m_current);
    int left = swap ? row.b : row.a, right = swap ? row.a : row.b;
    QString leftName = m_blind ? tr("Left") : tr("A"), rightName = m_blind ? tr("Right") : tr("B");
    // The items as this pair's line carries them, unknown fields included: parsed for the shown
    // pair only (the document keeps no DOM).
    nlohmann::ordered_json itemA, itemB;
    {
        const std::string text = doc.lineText(m_current);
        const PairLineSpans spans = scanPairLine(text);
        auto parse = [&](const JsonSpan &span) {
            if (!spans.valid || !span.found || span.end <= span.begin || span.end > text.size())
                return nlohmann::ordered_json();
            auto value = nlohmann::ordered_json::parse(text.begin() + long(span.begin), text.begin() + long(span.end),
                                                       nullptr, false);
            return value.is_discarded() ? nlohmann::ordered_json() : value;
        };
        itemA = parse(spans.itemA);
        itemB = parse(spans.itemB);
    }
    const nlohmann::ordered_json &leftFields = swap ? itemB : itemA, &rightFields = swap ? itemA : itemB;
    m_left->setItem(ds, left, right, leftName, leftFields, rightFields);
    m_right->setItem(ds, right, left, rightName, rightFields, leftFields);
    int sideLabel = swap ? -row.label : row.label; // +1: the left card is preferred
    using V = PairCard::Verdict;
    if (m_blind) {
        m_left->setVerdict(V::None);
        m_right->setVerdict(V::None);
    } else {
        m_left->setVerdict(sideLabel > 0 ? V::Preferred : sideLabel < 0 ? V::NotPreferred : V::Equal);
        m_right->setVerdict(sideLabel < 0 ? V::Preferred : sideLabel > 0 ? V::NotPreferred : V::Equal);
    }

    QString verdict, colour;
    if (m_blind) {
        // One colour whatever the label; only the reviewer's own answer is named.
        colour = QStringLiteral("#34495e");
        if (row.removed) {
            verdict = tr("REMOVED — undo (Ctrl+Z) to bring it back");
            colour = QStringLiteral("#7f8c8d");
        } else if (m_blindAnswers->hasAnswer(m_current)) {
            const int answer = swap ? -m_blindAnswers->answer(m_current) : m_blindAnswers->answer(m_current);
            verdict = answer > 0   ? tr("Your answer:  ◀ left")
                      : answer < 0 ? tr("Your answer:  right ▶")
                                   : tr("Your answer:  = same =");
        } else {
            verdict = tr("Which is better?   1 ◀ left  ·  0 same  ·  right ▶ 2");
        }
    } else if (row.removed) {
        verdict = tr("REMOVED — undo (Ctrl+Z) to bring it back");
        colour = QStringLiteral("#7f8c8d");
    } else if (sideLabel > 0) {
        verdict = m_blind ? tr("◀  LEFT preferred") : tr("◀  A preferred   (label 1)");
        colour = QStringLiteral("#17803d");
    } else if (sideLabel < 0) {
        verdict = m_blind ? tr("RIGHT preferred  ▶") : tr("B preferred   (label −1)  ▶");
        colour = QStringLiteral("#1f5fbf");
    } else {
        verdict = tr("=  EQUAL   (label 0)  =");
        colour = QStringLiteral("#b7950b");
    }
    if (row.reviewed && !m_blind)
        verdict += tr("   ✓ reviewed");
    m_verdictBanner->setText(verdict);
    QPalette bannerPalette = m_verdictBanner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(colour));
    bannerPalette.setColor(QPalette::WindowText, Qt::white);
    m_verdictBanner->setPalette(bannerPalette); // a palette, not a style sheet: cheap on every pair

    QStringList info;
    info << tr("Pair %1 of %2").arg(m_current + 1).arg(doc.rowCount());
    info << (row.line >= 0 ? tr("line %1").arg(row.line + 1) : tr("new, not saved yet"));
    info << (row.hasSimilarity ? tr("similarity %1").arg(row.similarity, 0, 'f', 4) : tr("no similarity"));
    if (m_blind) {
        // The model's score, what changed and the tags would tell the label, or nudge the answer.
        m_pairInfo->setText(info.join(QStringLiteral(" · ")));
        m_tagsView->setText(tr("<i>hidden in blind mode</i>"));
        return;
    }
    if (m_blindAnswers->hasAnswer(m_current)) {
        const int answer = m_blindAnswers->answer(m_current);
        const QString name = answer > 0 ? tr("A preferred") : answer < 0 ? tr("B preferred") : tr("equal");
        info << (answer == row.label ? tr("blind answer %1 (agrees)").arg(name)
                                     : tr("<b style='color:#c0392b'>blind answer %1 (disagrees)</b>").arg(name));
    }
    if (size_t(m_current) < m_scoreDiffs.size() && !std::isnan(m_scoreDiffs[size_t(m_current)])) {
        double d = m_scoreDiffs[size_t(m_current)];
        info << tr("model score_diff %1 (%2)")
                    .arg(swap ? -d : d, 0, 'f', 3)
                    .arg(row.label != 0 && d * row.label <= 0 ? tr("<b style='color:#c0392b'>disagrees</b>")
                                                              : tr("agrees"));
    }
    if (row.changedInSession()) {
        if (row.added)
            info << tr("<b>added in this session</b>");
        else if (row.label != row.originalLabel)
            info << tr("<b>was %1</b>").arg(row.originalLabel);
        else
            info << tr("<b>changed in this session</b>");
    }
    m_pairInfo->setText(info.join(QStringLiteral(" · ")));

    QStringList chips;
    for (const auto &tag : row.tags) {
        QString t = qs(tag).toHtmlEscaped();
        chips << QStringLiteral("<a href=\"%1\" style='text-decoration:none'>%2&nbsp;✕</a>").arg(t, t);
    }
    m_tagsView->setText(chips.isEmpty() ? tr("<i>none</i>") : chips.join(QStringLiteral(" &nbsp; ")));
}

void ReviewPanel::updateProgress()
{
    if (!m_document->isOpen()) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        return;
    }
    const LabelDocument &doc = m_document->data();
    m_progress->setRange(0, std::max(1, int(doc.liveRowCount())));
    m_progress->setValue(doc.reviewedCount());
}

void ReviewPanel::step(int delta)
{
    if (m_suggestion >= 0) {
        const int n = m_labelNext->size();
        showSuggestion(std::clamp(m_suggestion + delta, 0, n - 1));
        return;
    }
    const QVector<int> &rows = m_list->rows();
    if (rows.isEmpty())
        return;
    int at = m_list->positionOf(m_current);
    if (at < 0) {
        // The current pair is filtered out: continue from where it would be.
        at = delta > 0 ? -1 : int(rows.size());
        for (int i = 0; i < rows.size(); ++i)
            if (rows[i] > m_current) {
                at = delta > 0 ? i - 1 : i;
                break;
            }
    }
    int next = std::clamp(at + delta, 0, int(rows.size()) - 1);
    showRow(rows[next]);
}

void ReviewPanel::labelCurrent(int sideLabel)
{
    if (m_suggestion >= 0) {
        answerSuggestion(sideLabel);
        return;
    }
    if (m_current < 0 || !m_document->isOpen() || m_document->data().row(m_current).removed)
        return;
    if (m_blind) {
        answerBlind(sideLabel);
        return;
    }
    int label = swapped(m_current) ? -sideLabel : sideLabel;
    int row = m_current;
    bool moveOn = m_list->positionOf(row) + 1 < m_list->rows().size();
    // The pair is about to be replaced by the next one: do not draw it once more first.
    m_deferRefresh = moveOn;
    m_document->setLabel(row, label);
    m_deferRefresh = false;
    if (moveOn)
        step(1);
}

void ReviewPanel::addTag()
{
    QString tag = m_tagEdit->text().trimmed();
    m_tagEdit->clear();
    m_table->setFocus();
    if (tag.isEmpty() || m_current < 0)
        return;
    QStringList tags;
    for (const auto &t : m_document->data().row(m_current).tags)
        tags << qs(t);
    if (tags.contains(tag))
        return;
    tags << tag;
    m_document->setTags(m_current, tags);
    QStringList known = m_tagCompletions->stringList();
    if (!known.contains(tag)) {
        known << tag;
        known.sort();
        m_tagCompletions->setStringList(known);
        m_tagFilter->addItem(tag, tag);
    }
}

void ReviewPanel::removeTag(const QString &tag)
{
    if (m_current < 0)
        return;
    QStringList tags;
    for (const auto &t : m_document->data().row(m_current).tags)
        if (qs(t) != tag)
            tags << qs(t);
    m_document->setTags(m_current, tags);
}

void ReviewPanel::removeCurrent()
{
    if (m_current >= 0)
        m_document->removePair(m_current);
}

void ReviewPanel::addPairFromForm()
{
    if (!m_document->isOpen())
        return;
    const auto &items = m_document->data().dataset().items;
    auto find = [&](const QString &id) {
        std::string key = id.trimmed().toStdString();
        for (size_t i = 0; i < items.size(); ++i)
            if (items[i].id == key)
                return int(i);
        return -1;
    };
    int a = find(m_addA->text()), b = find(m_addB->text());
    if (a < 0 || b < 0) {
        setMessage(tr("Add pair: %1 is not an item of this file.").arg(a < 0 ? m_addA->text() : m_addB->text()), true);
        return;
    }
    QStringList tags;
    for (const QString &t : m_addTags->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!t.trimmed().isEmpty() && !tags.contains(t.trimmed()))
            tags << t.trimmed();
    QString error;
    int row = m_document->addPair(a, b, m_addLabel->currentData().toInt(), tags, &error);
    if (row < 0) {
        setMessage(tr("Add pair: %1").arg(error), true);
        return;
    }
    m_addA->clear();
    m_addB->clear();
    m_addTags->clear();
    setMessage(tr("Added pair %1 (%2 vs %3).").arg(row + 1).arg(qs(items[size_t(a)].id), qs(items[size_t(b)].id)),
               false);
    applyFilters(row);
    goToRow(row);
}

void ReviewPanel::runConsistencyChecks()
{
    if (!m_document->isOpen())
        return;
    if (m_blind) {
        setMessage(tr("The consistency findings name the labels: end blind mode (Ctrl+B) to check."), false);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    ConsistencyReport report = m_document->data().checkConsistency();
    qint64 ms = timer.elapsed();
    const LabelDocument &doc = m_document->data();
    const auto &items = doc.dataset().items;
    m_issues->clear();
    for (const ConsistencyIssue &issue : report.issues) {
        QString kind = issue.kind == ConsistencyIssue::Kind::Contradiction ? tr("Contradiction")
                       : issue.kind == ConsistencyIssue::Kind::Cycle       ? tr("Cycle")
                                                                           : tr("Reused id");
        auto *top = new QTreeWidgetItem(m_issues, {kind + QStringLiteral(": ") + qs(issue.description)});
        top->setData(0, Qt::UserRole, issue.rows.empty() ? -1 : issue.rows.front());
        for (int32_t r : issue.rows) {
            const auto &row = doc.row(r);
            QString label = row.label > 0 ? tr("A preferred") : row.label < 0 ? tr("B preferred") : tr("equal");
            auto *child =
                new QTreeWidgetItem(top, {tr("pair %1: %2 vs %3 — %4")
                                              .arg(r + 1)
                                              .arg(qs(items[size_t(row.a)].id), qs(items[size_t(row.b)].id), label),
                                          row.line >= 0 ? QString::number(row.line + 1) : tr("new")});
            child->setData(0, Qt::UserRole, r);
        }
        top->setExpanded(report.issues.size() <= 20);
    }
    m_issuesSummary->setText(tr("%1 contradiction(s) · %2 cycle(s)%3 · %4 reused id(s) — checked %5 pairs in %6 ms")
                                 .arg(report.contradictions)
                                 .arg(report.cycles)
                                 .arg(report.cyclesCapped ? tr(" (more not listed)") : QString())
                                 .arg(report.reusedIds)
                                 .arg(doc.liveRowCount())
                                 .arg(ms));
    Q_EMIT consistencyChecked(int(report.issues.size()));
}

void ReviewPanel::setBlind(bool blind)
{
    if (blind)
        m_blindSeed = QRandomGenerator::global()->generate();
    m_blind = blind;
    // A suggestion's answer becomes a label: not while the labels are hidden.
    m_labelNext->setSuggestEnabled(!blind, tr("Not in blind mode: an answer here becomes a new label"));
    if (blind && m_suggestion >= 0) {
        m_suggestion = -1;
        m_labelNext->setCurrent(-1);
    }
    if (blind) {
        // Filtering by label or tag, or ordering by the model's disagreement, would tell the label.
        const QSignalBlocker b1(m_labelFilter), b2(m_tagFilter), b3(m_sortOrder), b4(m_disagreementsButton);
        m_labelFilter->setCurrentIndex(0);
        m_tagFilter->setCurrentIndex(0);
        m_sortOrder->setCurrentIndex(0);
        m_disagreementsButton->setChecked(false);
        m_onlyDisagreements = false;
        m_bottomTabs->setCurrentWidget(m_blindTab);
    }
    for (QWidget *w : {static_cast<QWidget *>(m_labelFilter), static_cast<QWidget *>(m_tagFilter),
                       static_cast<QWidget *>(m_sortOrder), static_cast<QWidget *>(m_tagEdit)})
        w->setEnabled(!blind);
    m_bottomTabs->setTabEnabled(m_bottomTabs->indexOf(m_checksTab), !blind);
    struct Text
    {
        const char *action;
        QString seeing, blind;
    };
    const Text texts[] = {{"actionPreferA", tr("A preferred  [1]"), tr("Left preferred  [1]")},
                          {"actionPreferB", tr("B preferred  [2]"), tr("Right preferred  [2]")},
                          {"actionUndo", tr("Undo"), tr("Take Back Answer")}};
    for (const Text &t : texts)
        if (auto *action = findChild<QAction *>(QString::fromLatin1(t.action)))
            action->setText(blind ? t.blind : t.seeing);
    if (auto *redo = findChild<QAction *>(QStringLiteral("actionRedo")))
        redo->setEnabled(!blind); // blind answers taken back are gone; the labels' redo waits
    m_list->setBlind(blind);
    refreshBlindReport();
    applyFilters(m_current);
}

void ReviewPanel::answerBlind(int sideLabel)
{
    const int row = m_current;
    m_blindAnswers->setAnswer(row, swapped(row) ? -sideLabel : sideLabel);
    m_list->refreshRow(row);
    refreshBlindReport();
    if (m_list->positionOf(row) + 1 < m_list->rows().size())
        step(1);
    else
        refreshCurrent();
}

void ReviewPanel::refreshBlindReport()
{
    const int answered = m_blindAnswers->size();
    m_applyBlindButton->setEnabled(!m_blind && answered > 0);
    m_clearBlindButton->setEnabled(answered > 0);
    m_agreementTable->clear();
    if (m_blind || answered == 0 || !m_document->isOpen()) {
        m_disagreementsButton->setEnabled(false);
        m_disagreementsButton->setText(tr("Show the disagreements"));
        m_agreementTable->setVisible(false);
        if (m_blind)
            // Agreement after each answer would tell whether the label was the same as the answer.
            m_blindSummary->setText(tr("Blind mode: %n pair(s) answered. The stored labels are hidden; how far your "
                                       "answers agree with them is shown here when blind mode ends (Ctrl+B).",
                                       nullptr, answered));
        else
            m_blindSummary->setText(tr("Tick Blind (Ctrl+B) and answer pairs with 1, 0 and 2: the stored labels, "
                                       "tags and model are hidden and the sides are random. Your answers are kept "
                                       "apart from the labels, and this tab then shows how far they agree."));
        return;
    }
    const BlindReport report = m_blindAnswers->report(m_document->data());
    auto percent = [](double share) {
        return std::isnan(share) ? QStringLiteral("—") : QStringLiteral("%1 %").arg(share * 100.0, 0, 'f', 1);
    };
    auto kappa = [](double k) { return std::isnan(k) ? QStringLiteral("—") : QString::number(k, 'f', 3); };
    auto addRow = [&](const QString &type, const Agreement &a) {
        auto *item =
            new QTreeWidgetItem(m_agreementTable, {type, QString::number(a.count()), QString::number(a.agreeing()),
                                                   percent(a.share()), kappa(a.kappa())});
        for (int c = 1; c < 5; ++c)
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    QFont bold = m_agreementTable->font();
    bold.setBold(true);
    QTreeWidgetItem *all = addRow(tr("All item types"), report.overall);
    for (int c = 0; c < 5; ++c)
        all->setFont(c, bold);
    for (const BlindReport::Group &group : report.byType)
        addRow(group.itemType, group.agreement);
    m_agreementTable->setVisible(true);
    m_blindSummary->setText(tr("%1 of %2 blind answer(s) agree with the stored labels (%3); Cohen's κ %4 over "
                               "A preferred, equal and B preferred.")
                                .arg(report.overall.agreeing())
                                .arg(report.overall.count())
                                .arg(percent(report.overall.share()), kappa(report.overall.kappa())));
    const int disagreeing = int(report.disagreeing.size());
    m_disagreementsButton->setEnabled(disagreeing > 0 || m_onlyDisagreements);
    m_disagreementsButton->setText(m_onlyDisagreements
                                       ? tr("Showing the %n disagreement(s): click for all pairs", nullptr, disagreeing)
                                       : tr("Show the %n disagreement(s)", nullptr, disagreeing));
}

void ReviewPanel::applyBlindAnswers()
{
    if (m_blind || m_blindAnswers->isEmpty() || !m_document->isOpen())
        return;
    const LabelDocument &doc = m_document->data();
    int applied = 0, changed = 0;
    m_document->undoStack()->beginMacro(tr("Apply blind answers"));
    for (int row : m_blindAnswers->answeredRows()) {
        if (row >= doc.rowCount() || doc.row(row).removed)
            continue;
        const int answer = m_blindAnswers->answer(row);
        changed += doc.row(row).label != answer;
        ++applied;
        m_document->setLabel(row, answer);
    }
    m_document->undoStack()->endMacro();
    setMessage(tr("Applied %1 blind answer(s) to the labels: %2 changed, the others confirmed. Undo takes them "
                  "back; Save writes them.")
                   .arg(applied)
                   .arg(changed),
               false);
    refreshBlindReport();
    applyFilters(m_current);
}

void ReviewPanel::clearBlindAnswers()
{
    m_blindAnswers->clear();
    {
        const QSignalBlocker blocker(m_disagreementsButton);
        m_disagreementsButton->setChecked(false);
    }
    m_onlyDisagreements = false;
    refreshBlindReport();
    applyFilters(m_current);
}

void ReviewPanel::toggleHelp()
{
    m_help->setGeometry(rect().adjusted(20, 20, -20, -20));
    m_help->setVisible(!m_help->isVisible());
    if (m_help->isVisible())
        m_help->raise();
}

void ReviewPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_help->setGeometry(rect().adjusted(20, 20, -20, -20));
}

bool ReviewPanel::reloadFromDisk(bool keepEdits)
{
    if (!m_document->isOpen() || m_loadThread)
        return false;
    const QString path = filePath();
    m_carryEdits = keepEdits ? m_document->data().unsavedEdits() : std::vector<PairEdit>{};
    m_carryPending = true;
    m_reloadRow = m_current;
    return openFile(path, m_embeddingDim);
}

void ReviewPanel::checkFileOnDisk()
{
    if (!m_document->isOpen() || m_loadThread)
        return;
    using DiskState = LabelDocument::DiskState;
    const DiskState state = m_document->data().diskState();
    const QString name = QFileInfo(filePath()).fileName();
    if (state == DiskState::Unchanged) // our own save, or a touch that changed nothing
        return;
    if (state == DiskState::Removed) {
        setMessage(tr("%1 was removed from disk. What is shown is kept; Save writes the file again.").arg(name), true);
        return;
    }
    if (!hasUnsavedChanges()) {
        // Nothing of the reviewer's to lose: follow the file, as an editor does.
        reloadFromDisk(false);
        return;
    }
    m_diskBannerText->setText(
        state == DiskState::Replaced
            ? tr("<b>%1 was changed by another program.</b> Your %n unsaved edit(s) are still here; Save will ask "
                 "before overwriting the other version.",
                 nullptr, int(m_document->data().unsavedEdits().size()))
                  .arg(name.toHtmlEscaped())
            : tr("<b>%1 was rewritten by another program.</b> Your %n unsaved edit(s) cannot be saved over it; "
                 "reload to carry them over to the new version.",
                 nullptr, int(m_document->data().unsavedEdits().size()))
                  .arg(name.toHtmlEscaped()));
    m_diskBanner->show();
}

void ReviewPanel::setMessage(const QString &text, bool isError)
{
    m_lastMessage = text;
    m_statusLabel->setVisible(!text.isEmpty());
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet(
        isError ? QStringLiteral("color:white;background:#c0392b;padding:4px;border-radius:4px;")
                : QStringLiteral("color:#1d4d2b;background:#dff0e3;padding:4px;border-radius:4px;"));
    if (!text.isEmpty())
        Q_EMIT message(text, isError);
}

void ReviewPanel::updateTitle()
{
    if (!m_document->isOpen()) {
        m_fileLabel->setText(tr("No file open"));
        return;
    }
    const LabelDocument &doc = m_document->data();
    m_fileLabel->setText(tr("%1 — %2 pairs%3")
                             .arg(QFileInfo(filePath()).fileName())
                             .arg(doc.liveRowCount())
                             .arg(hasUnsavedChanges() ? tr(" — modified") : QString()));
    m_fileLabel->setToolTip(filePath());
}

} // namespace ranker::ui
