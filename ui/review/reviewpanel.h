#pragma once
// The Review tab: walk through the pairs of a dataset file, relabel them with the keyboard, add and
// remove pairs, find contradictions, and save without losing a byte of what was not edited.

#include <QString>
#include <QVector>
#include <QWidget>

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QCompleter;
class QFrame;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStringListModel;
class QTabWidget;
class QTableView;
class QThread;
class QTreeWidget;
class QTreeWidgetItem;

namespace ranker {
struct Dataset;
class LabelDocument;
struct PairEdit;
} // namespace ranker

namespace ranker::ui {

class BlindSession;
class LabelNextTab;
class FileChangeWatcher;
class PairCard;
class PairListModel;
class ReviewDocument;

class ReviewPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewPanel)

public:
    /// What openFile() does with a journal of unsaved edits left by an earlier session.
    enum class JournalPolicy { Ask, Replay, Discard };

    explicit ReviewPanel(QWidget *parent = nullptr);
    ~ReviewPanel() override;

    /// Starts opening a pairs file for review on a worker thread (close the current one with
    /// maybeSave() first); fileOpened() or openFailed() follows.
    /// @return false, with the reason in lastMessage(), when a file is still loading.
    bool openFile(const QString &path, int embeddingDim);
    /// Opens the file of a dataset the window has read (with its line spans), without reading
    /// it again. @return false while another open is in progress.
    bool openDataset(const std::shared_ptr<const ranker::Dataset> &dataset);
    bool isLoading() const { return m_loadThread != nullptr; }
    QString filePath() const;
    /// Where "Model" looks for finished runs (WORKSPACE/runs).
    void setRunsFolder(const QString &folder);
    /// Scores every pair with the run's model in the background; modelScoresReady() or
    /// message() follows. @return false when no file is open.
    bool loadModelRun(const QString &runFolder);
    bool hasModelScores() const;

    bool hasUnsavedChanges() const;
    /// For the window's close event: asks to save, discard or cancel when there are unsaved
    /// changes. @return true when the panel may close.
    bool maybeSave();
    /// @return false with the reason in lastMessage() (the file on disk is then untouched).
    bool save();
    bool saveAs(const QString &path);
    /// Writes just the pairs reviewed in this session to `path`.
    bool exportReviewed(const QString &path);
    /**
     * Reads the file again from disk (after another program changed it). With `keepEdits`, the
     * unsaved edits are carried over to the new version, each matched by its pair's item ids;
     * without, they are dropped. fileOpened() follows. @return false when no file is open.
     */
    bool reloadFromDisk(bool keepEdits);
    void setJournalPolicy(JournalPolicy policy);

    /// The document row shown, or -1.
    int currentRow() const;
    /// Shows document row `row`, clearing filters that hide it.
    void goToRow(int row);
    /// Document rows that pass the filters, in list order.
    QVector<int> visibleRows() const;
    /// Shows only the pairs of item `id` (the id filter set to "id", quoted: that id exactly), the
    /// other filters cleared; the Ranking place opens an item's pairs with it.
    void showItemPairs(const QString &id);
    ReviewDocument *document() const { return m_document; }
    /// The answers given in blind mode this session (not part of the labels until applied).
    const BlindSession &blindAnswers() const { return *m_blindAnswers; }
    QString lastMessage() const { return m_lastMessage; }

Q_SIGNALS:
    void fileOpened(const QString &path);
    void openFailed(const QString &reason);
    void modifiedChanged(bool modified);
    void modelScoresReady();
    void consistencyChecked(int issues);
    /// A status or error message, also shown in the panel.
    void message(const QString &text, bool isError);

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildUi();
    using Progress = std::function<bool(uint64_t, uint64_t)>;
    /// Runs `open` on a thread of its own, then finishOpen() on the GUI thread.
    bool startOpen(const QString &path, std::function<void(LabelDocument &, const Progress &)> open);
    void finishOpen(const QString &path, std::shared_ptr<LabelDocument> document, const QString &error);
    void buildActions();
    void onReset();
    void onRowChanged(int row);
    void applyFilters(int keepRow = -1);
    bool passesFilters(int row) const;
    void showRow(int row);
    void refreshCurrent();
    void updateProgress();
    void step(int delta);
    /// Undoes (or redoes) one edit and shows the pair it changed.
    void undoOrRedo(bool undo);
    void labelCurrent(int sideLabel);
    void addTag();
    void removeTag(const QString &tag);
    void runConsistencyChecks();
    void addPairFromForm();
    void removeCurrent();
    void chooseRun();
    void refreshRunList();
    void setBlind(bool blind);
    bool swapped(int row) const;
    /// Blind mode: records the reviewer's answer for the current pair, apart from its label.
    void answerBlind(int sideLabel);
    void refreshBlindReport();
    /// Writes the blind answers into the labels (one undoable step).
    void applyBlindAnswers();
    void clearBlindAnswers();
    void toggleHelp();
    /// "Label next": a batch of pairs to label (the model's scores when one is chosen).
    void suggestPairsToLabel();
    /// Shows suggestion `index` in the cards; its answer with 1 / 0 / 2 appends it.
    void showSuggestion(int index);
    void answerSuggestion(int label);
    /// The item's fields as the first line that carries it has them (null when none does).
    nlohmann::ordered_json itemFields(int item) const;
    void setMessage(const QString &text, bool isError);
    void updateTitle();
    void checkFileOnDisk();
    /// Save was refused because the file changed on disk: ask what to do. @return true if saved.
    bool resolveSaveConflict(bool canOverwrite, const QString &reason);

    ReviewDocument *m_document = nullptr;
    PairListModel *m_list = nullptr;
    JournalPolicy m_journalPolicy = JournalPolicy::Ask;
    QString m_runsFolder;
    QString m_lastMessage;
    int m_current = -1;
    bool m_blind = false;
    std::unique_ptr<BlindSession> m_blindAnswers;
    bool m_onlyDisagreements = false; ///< the list shows just the blind answers that disagree
    bool m_deferRefresh = false;
    quint32 m_blindSeed = 0;
    std::vector<double> m_scoreDiffs;
    double m_margin = 1.0;
    QString m_modelName;
    QThread *m_scoreThread = nullptr;
    QThread *m_loadThread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancelLoad;
    int m_embeddingDim = 0;
    std::unique_ptr<FileChangeWatcher> m_watcher; ///< the file under review
    /// Edits to carry over to the version being reloaded, and where the reviewer was.
    std::vector<ranker::PairEdit> m_carryEdits;
    bool m_carryPending = false;
    int m_reloadRow = -1;

    // Widgets (objectName in parentheses in buildUi()).
    QLabel *m_fileLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QFrame *m_diskBanner = nullptr; ///< the file changed on disk while edits are unsaved
    QLabel *m_diskBannerText = nullptr;
    QComboBox *m_labelFilter = nullptr;
    QComboBox *m_typeFilter = nullptr;
    QComboBox *m_tagFilter = nullptr;
    QLineEdit *m_idFilter = nullptr;
    QCheckBox *m_changedFilter = nullptr;
    QComboBox *m_sortOrder = nullptr;
    QProgressBar *m_progress = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_verdictBanner = nullptr;
    PairCard *m_left = nullptr;
    PairCard *m_right = nullptr;
    QLabel *m_pairInfo = nullptr;
    QLabel *m_tagsView = nullptr;
    QLineEdit *m_tagEdit = nullptr;
    QStringListModel *m_tagCompletions = nullptr;
    QCheckBox *m_blindBox = nullptr;
    QComboBox *m_runCombo = nullptr;
    QLabel *m_modelLabel = nullptr;
    QTreeWidget *m_issues = nullptr;
    QLabel *m_issuesSummary = nullptr;
    QLineEdit *m_addA = nullptr;
    QLineEdit *m_addB = nullptr;
    QComboBox *m_addLabel = nullptr;
    QLineEdit *m_addTags = nullptr;
    QStringListModel *m_itemIds = nullptr;
    QFrame *m_help = nullptr;
    QLabel *m_helpText = nullptr;
    QTabWidget *m_bottomTabs = nullptr;
    QWidget *m_checksTab = nullptr;
    QWidget *m_blindTab = nullptr;
    LabelNextTab *m_labelNext = nullptr;
    int m_suggestion = -1;            ///< the suggested pair shown in the cards, -1: a row of the file
    std::vector<double> m_itemScores; ///< the chosen model's score per item, empty without one
    QLabel *m_blindSummary = nullptr;
    QTreeWidget *m_agreementTable = nullptr;
    QPushButton *m_disagreementsButton = nullptr;
    QPushButton *m_applyBlindButton = nullptr;
    QPushButton *m_clearBlindButton = nullptr;
};

} // namespace ranker::ui
