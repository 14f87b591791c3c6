#include "ui/history/rundetailsview.h"

#include "ui/numberformat.h"

#include "core/runs/run_folder.h"
#include "ui/history/elidedtext.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <vector>

namespace ranker::ui {

namespace {

/// Values of an array of numbers shown on its line; the tooltip lists a few more.
constexpr size_t kShownValues = 200;
constexpr size_t kTooltipValues = 100;
/// Members or elements shown of one object or array, and tree items in all: the tree of a
/// foreign file (up to kMaxMetadataBytes) stays small enough to build in a moment.
constexpr size_t kShownChildren = 1000;
constexpr size_t kShownItems = 20000;

QString scalarText(const nlohmann::json &value, int maxChars = kShownChars)
{
    if (value.is_string())
        return elidedText(value.get_ref<const std::string &>(), maxChars);
    if (value.is_null())
        return QStringLiteral("–");
    if (value.is_number_float())
        return QString::number(value.get<double>(), 'g', 8);
    return QString::fromStdString(value.dump()); // numbers and booleans: short
}

/**
 * Adds `value` under `parent` as a tree. Iterative, with an explicit stack: a file may nest as
 * deep as readRunJson() allows, and the tree must not depend on the stack's size either way.
 */
void addJson(QTreeWidgetItem *parent, const QString &rootKey, const nlohmann::json &rootValue, size_t &budget)
{
    struct Pending
    {
        QTreeWidgetItem *parent;
        QString key;
        const nlohmann::json *value;
    };
    std::vector<Pending> stack{{parent, rootKey, &rootValue}};
    while (!stack.empty() && budget > 0) {
        const Pending next = stack.back();
        stack.pop_back();
        --budget;
        const nlohmann::json &value = *next.value;
        auto *item = new QTreeWidgetItem(next.parent, {elidedText(next.key)});
        if (next.key.size() > kShownChars)
            item->setToolTip(0, elidedText(next.key, kShownCharsLong));
        if (value.is_structured() && !value.empty()) {
            bool scalars = value.is_array();
            for (const nlohmann::json &v : value)
                if (!(scalars = scalars && !v.is_structured()))
                    break;
            if (scalars) {
                // A per-epoch series: one line (the tooltip shows the first values one per line).
                QStringList parts, tip;
                for (const nlohmann::json &v : value) {
                    if (size_t(parts.size()) < kShownValues)
                        parts << scalarText(v, 40);
                    if (size_t(tip.size()) < kTooltipValues)
                        tip << scalarText(v, 80);
                    if (size_t(parts.size()) >= kShownValues && size_t(tip.size()) >= kTooltipValues)
                        break;
                }
                QString line = parts.join(QStringLiteral(", "));
                if (value.size() > kShownValues)
                    line += QObject::tr(", … (%n value(s))", nullptr, int(std::min<size_t>(value.size(), INT_MAX)));
                if (value.size() > kTooltipValues)
                    tip << QObject::tr("… (%n value(s) in all)", nullptr, int(std::min<size_t>(value.size(), INT_MAX)));
                item->setText(1, line);
                item->setToolTip(1, tip.join(QLatin1Char('\n')));
                continue;
            }
            const int count = int(std::min<size_t>(value.size(), INT_MAX));
            item->setText(1, value.is_object() ? QObject::tr("{%n field(s)}", nullptr, count)
                                               : QObject::tr("[%n item(s)]", nullptr, count));
            // Children in order: pushed last first.
            std::vector<Pending> children;
            size_t index = 0;
            for (auto it = value.begin(); it != value.end() && index < kShownChildren; ++it, ++index)
                children.push_back({item,
                                    value.is_object() ? elidedText(it.key(), kShownCharsLong) : QString::number(index),
                                    &it.value()});
            if (value.size() > kShownChildren)
                new QTreeWidgetItem(item, {QObject::tr("…"),
                                           QObject::tr("%n more not shown", nullptr,
                                                       int(std::min<size_t>(value.size() - kShownChildren, INT_MAX)))});
            stack.insert(stack.end(), children.rbegin(), children.rend());
            continue;
        }
        if (value.is_object())
            item->setText(1, QObject::tr("{%n field(s)}", nullptr, 0));
        else if (value.is_array())
            item->setText(1, QObject::tr("[%n item(s)]", nullptr, 0));
        else if (value.is_number() && next.key.endsWith(QLatin1String("accuracy"))) {
            // Accuracies as everywhere else ("97.5 %"); the file's number in the tooltip.
            item->setText(1, percentText(value.get<double>()));
            item->setToolTip(1, scalarText(value));
        } else
            item->setText(1, scalarText(value));
        if (value.is_string() && value.get_ref<const std::string &>().size() > size_t(kShownChars))
            item->setToolTip(1, scalarText(value, kShownCharsLong));
    }
}

} // namespace

RunDetailsView::RunDetailsView(QWidget *parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("detailsTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("detailsProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b02020"));
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_metadata = new QTreeWidget(this);
    m_metadata->setObjectName(QStringLiteral("metadataTree"));
    m_metadata->setHeaderLabels({tr("Setting or metric"), tr("Value")});
    m_metadata->setUniformRowHeights(true);
    m_metadata->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

    m_files = new QTreeWidget(this);
    m_files->setObjectName(QStringLiteral("filesTable"));
    m_files->setHeaderLabels({tr("File"), tr("Size")});
    m_files->setRootIsDecorated(false);
    m_files->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->header()->setStretchLastSection(false);
    m_files->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_openFolder = new QPushButton(tr("Open folder"), this);
    m_openFolder->setObjectName(QStringLiteral("openFolderButton"));
    m_copyPaths = new QPushButton(tr("Copy paths"), this);
    m_copyPaths->setObjectName(QStringLiteral("copyPathsButton"));
    m_copyPaths->setToolTip(tr("Copy the folder and the paths of the .pth, .onnx and metadata files"));

    m_notesEdit = new QPlainTextEdit(this);
    m_notesEdit->setObjectName(QStringLiteral("notesEdit"));
    m_notesEdit->setPlaceholderText(tr("Notes on this run: what you tried, what you saw…"));
    m_tagsEdit = new QLineEdit(this);
    m_tagsEdit->setObjectName(QStringLiteral("tagsEdit"));
    m_tagsEdit->setPlaceholderText(tr("tags, separated by commas"));
    m_saveNotes = new QPushButton(tr("Save notes"), this);
    m_saveNotes->setObjectName(QStringLiteral("saveNotesButton"));
    m_notesStatus = new QLabel(this);
    m_notesStatus->setObjectName(QStringLiteral("notesStatus"));

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(new QLabel(tr("<b>Files</b>"), right));
    rightLayout->addWidget(m_files, 1);
    auto *fileButtons = new QHBoxLayout;
    fileButtons->addWidget(m_openFolder);
    fileButtons->addWidget(m_copyPaths);
    fileButtons->addStretch(1);
    rightLayout->addLayout(fileButtons);
    rightLayout->addWidget(new QLabel(tr("<b>Notes</b>"), right));
    rightLayout->addWidget(m_notesEdit, 2);
    auto *tagRow = new QHBoxLayout;
    tagRow->addWidget(new QLabel(tr("Tags:"), right));
    tagRow->addWidget(m_tagsEdit, 1);
    tagRow->addWidget(m_saveNotes);
    rightLayout->addLayout(tagRow);
    rightLayout->addWidget(m_notesStatus);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_metadata);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_problem);
    layout->addWidget(split, 1);

    connect(m_openFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_folder)); });
    connect(m_copyPaths, &QPushButton::clicked, this, &RunDetailsView::copyPaths);
    connect(m_saveNotes, &QPushButton::clicked, this, &RunDetailsView::saveNotes);
    auto edited = [this] {
        if (!m_loading) {
            m_dirty = true;
            m_notesStatus->setText(tr("Unsaved changes"));
        }
    };
    connect(m_notesEdit, &QPlainTextEdit::textChanged, this, edited);
    connect(m_tagsEdit, &QLineEdit::textEdited, this, edited);
    connect(m_tagsEdit, &QLineEdit::returnPressed, this, &RunDetailsView::saveNotes);
    clear();
}

void RunDetailsView::clear()
{
    m_folder.clear();
    m_loading = true;
    m_title->setText(tr("Select a run in the list to see its details."));
    m_problem->hide();
    m_metadata->clear();
    m_files->clear();
    m_notesEdit->clear();
    m_tagsEdit->clear();
    m_notesStatus->clear();
    m_dirty = false;
    m_loading = false;
    for (QWidget *w :
         {static_cast<QWidget *>(m_openFolder), static_cast<QWidget *>(m_copyPaths),
          static_cast<QWidget *>(m_notesEdit), static_cast<QWidget *>(m_tagsEdit), static_cast<QWidget *>(m_saveNotes)})
        w->setEnabled(false);
}

void RunDetailsView::setRun(const RunSummary &run)
{
    const QString folder = QString::fromStdString(run.folder);
    if (!m_folder.isEmpty() && m_folder != folder && m_dirty)
        saveNotes();
    const bool same = folder == m_folder;
    m_folder = folder;
    for (QWidget *w :
         {static_cast<QWidget *>(m_openFolder), static_cast<QWidget *>(m_copyPaths),
          static_cast<QWidget *>(m_notesEdit), static_cast<QWidget *>(m_tagsEdit), static_cast<QWidget *>(m_saveNotes)})
        w->setEnabled(true);
    QString verdict;
    if (!run.broken) {
        static const char *const kColors[] = {"#1e7b34", "#8a5a00", "#b3261e"};
        static const char *const kIcons[] = {"✔", "⚠", "✖"};
        verdict = QStringLiteral("<br><span style='color:%1'>%2 %3</span>")
                      .arg(QString::fromLatin1(kColors[int(run.verdict.level)]),
                           QString::fromUtf8(kIcons[int(run.verdict.level)]),
                           elidedText(run.verdict.summary, kShownCharsLong).toHtmlEscaped());
        if (run.quality.kind != QualityFigure::None && run.verdict.level != VerdictLevel::Good)
            verdict += QStringLiteral("<br>%1").arg(elidedText(run.quality.label, kShownCharsLong).toHtmlEscaped());
    }
    // Shortened: this word-wrapped rich-text label lays its whole text out at every layout pass.
    m_title->setText(tr("<b style='font-size:large'>%1</b><br>%2%3")
                         .arg(elidedText(run.displayName()).toHtmlEscaped(),
                              elidedText(QDir::toNativeSeparators(folder), kShownCharsLong).toHtmlEscaped(), verdict));
    QString problem;
    if (run.broken)
        problem = tr("Broken run: %1").arg(elidedText(run.problem, kShownCharsLong));
    if (!run.notesProblem.empty())
        problem += (problem.isEmpty() ? QString() : QStringLiteral("\n")) +
                   tr("Notes unreadable: %1").arg(elidedText(run.notesProblem, kShownCharsLong));
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());

    const RunInfo info = readRun(run.folder);
    fillMetadata(info.metadata);
    fillFiles();
    // Keep what the user is typing when the same run is shown again (after a refresh).
    if (!same || !m_dirty) {
        m_loading = true;
        m_notes = run.notes;
        m_notesEdit->setPlainText(QString::fromStdString(run.notes.notes));
        m_tagsEdit->setText(QString::fromStdString(joinTags(run.notes.tags)));
        m_notesStatus->clear();
        m_dirty = false;
        m_loading = false;
    }
}

void RunDetailsView::fillMetadata(const nlohmann::json &metadata)
{
    m_metadata->clear();
    if (!metadata.is_object())
        return;
    auto *root = m_metadata->invisibleRootItem();
    // The settings and results people look for first, then everything else.
    static const char *first[] = {"model_name",
                                  "created_at",
                                  "verdict",
                                  "quality",
                                  "ended",
                                  "end_message",
                                  "validation",
                                  "cv",
                                  "refit",
                                  "test",
                                  "exported_model",
                                  "epochs",
                                  "epochs_completed",
                                  "kept_epoch",
                                  "best_epoch",
                                  "kept_val_accuracy",
                                  "kept_train_accuracy",
                                  "kept_val_loss",
                                  "kept_train_loss",
                                  "final_train_loss",
                                  "training_time",
                                  "learning_rate",
                                  "hidden_dim",
                                  "batch_size",
                                  "margin",
                                  "dropout",
                                  "weight_decay",
                                  "patience",
                                  "embedding_dim",
                                  "input_dim",
                                  "val_split",
                                  "val_by",
                                  "cv_folds",
                                  "seed",
                                  "tie_policy",
                                  "keep",
                                  "device",
                                  "threads"};
    std::vector<std::string> shown;
    size_t budget = kShownItems;
    for (const char *key : first)
        if (metadata.contains(key)) {
            addJson(root, QString::fromLatin1(key), metadata[key], budget);
            shown.push_back(key);
        }
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        if (std::find(shown.begin(), shown.end(), it.key()) == shown.end())
            addJson(root, elidedText(it.key(), kShownCharsLong), it.value(), budget);
    if (budget == 0)
        new QTreeWidgetItem(root, {tr("…"), tr("the file holds more than is shown here")});
}

void RunDetailsView::fillFiles()
{
    m_files->clear();
    const QFileInfoList files = QDir(m_folder).entryInfoList(QDir::Files | QDir::Hidden, QDir::Name);
    for (const QFileInfo &file : files) {
        if (isRunFolderInternal(file.fileName().toStdString()))
            continue; // the lock of a writer at work (core/runs/run_folder.h)
        auto *item = new QTreeWidgetItem(m_files, {file.fileName(), QLocale().formattedDataSize(file.size())});
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        item->setToolTip(0, file.absoluteFilePath());
        item->setData(0, Qt::UserRole, file.absoluteFilePath());
    }
}

void RunDetailsView::copyPaths()
{
    QStringList paths = {QDir::toNativeSeparators(m_folder)};
    for (int i = 0; i < m_files->topLevelItemCount(); ++i) {
        const QString path = m_files->topLevelItem(i)->data(0, Qt::UserRole).toString();
        if (path.endsWith(QLatin1String(".pth")) || path.endsWith(QLatin1String(".onnx")) ||
            path.endsWith(QLatin1String("_metadata.json")))
            paths << QDir::toNativeSeparators(path);
    }
    QApplication::clipboard()->setText(paths.join(QLatin1Char('\n')));
    m_notesStatus->setText(tr("Copied %n path(s)", nullptr, int(paths.size())));
}

bool RunDetailsView::saveNotes()
{
    if (m_folder.isEmpty())
        return false;
    RunNotes notes = m_notes;
    try {
        // Re-read so a rename made elsewhere since is kept.
        notes.displayName = readRunNotes(m_folder.toStdString()).displayName;
    } catch (const std::exception &) {
    }
    notes.notes = m_notesEdit->toPlainText().toStdString();
    notes.tags = parseTags(m_tagsEdit->text().toStdString());
    try {
        writeRunNotes(m_folder.toStdString(), notes);
    } catch (const std::exception &e) {
        m_notesStatus->setText(tr("Not saved: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    m_notes = notes;
    m_dirty = false;
    m_notesStatus->setText(tr("Saved"));
    Q_EMIT notesSaved(m_folder);
    return true;
}

} // namespace ranker::ui
