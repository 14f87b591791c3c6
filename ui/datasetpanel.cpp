#include "ui/datasetpanel.h"

#include "ui/numberformat.h"

#include "core/dataset.h"
#include "ui/chartaxes.h"
#include "ui/pairstablemodel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>
#include <QValueAxis>

#include <QApplication>

#include <algorithm>
#include <fstream>

namespace ranker::ui {

namespace {

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QChartView *makeChartView(const QString &objectName, QWidget *parent)
{
    auto *chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->hide();
    chart->setAnimationOptions(QChart::NoAnimation);
    auto *view = new QChartView(chart, parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(280, 220);
    return view;
}

/// Reads line `number` (1-based) of `path`; long lines are cut for display.
QString readLine(const QString &path, qint64 lineNumber)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    if (!in)
        return DatasetPanel::tr("(cannot read %1)").arg(path);
    std::string line;
    for (qint64 n = 1; std::getline(in, line); ++n) {
        if (n == lineNumber) {
            constexpr size_t kShown = 20000;
            QString text = QString::fromUtf8(line.data(), qsizetype(std::min(line.size(), kShown)));
            if (line.size() > kShown)
                text += DatasetPanel::tr("\n… (%1 more bytes)").arg(line.size() - kShown);
            return text;
        }
    }
    return DatasetPanel::tr("(the file has fewer than %1 lines)").arg(lineNumber);
}

} // namespace

DatasetPanel::DatasetPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);

    // Loading bar: shown while a file loads.
    m_loadBar = new QFrame(this);
    m_loadBar->setObjectName(QStringLiteral("loadBar"));
    auto *loadLayout = new QHBoxLayout(m_loadBar);
    loadLayout->setContentsMargins(0, 0, 0, 0);
    m_loadLabel = new QLabel(m_loadBar);
    m_loadProgress = new QProgressBar(m_loadBar);
    m_loadProgress->setObjectName(QStringLiteral("loadProgress"));
    m_loadProgress->setRange(0, 1000);
    m_loadProgress->setTextVisible(true);
    m_cancelLoad = new QPushButton(tr("Cancel"), m_loadBar);
    m_cancelLoad->setObjectName(QStringLiteral("cancelLoadButton"));
    m_cancelLoad->setToolTip(tr("Stop reading the file; the dataset shown stays loaded"));
    loadLayout->addWidget(m_loadLabel, 1);
    loadLayout->addWidget(m_loadProgress, 2);
    loadLayout->addWidget(m_cancelLoad);
    connect(m_cancelLoad, &QPushButton::clicked, this, &DatasetPanel::cancelLoadRequested);
    m_loadBar->hide();
    layout->addWidget(m_loadBar);

    // Error banner: a file that could not be used, with its diagnostics.
    m_errorBanner = new QFrame(this);
    m_errorBanner->setObjectName(QStringLiteral("loadErrorBanner"));
    m_errorBanner->setFrameShape(QFrame::StyledPanel);
    m_errorBanner->setStyleSheet(
        QStringLiteral("#loadErrorBanner { background: #fdecea; border: 1px solid #e0a09a; border-radius: 4px; }"));
    auto *errorLayout = new QVBoxLayout(m_errorBanner);
    auto *errorTop = new QHBoxLayout;
    m_errorLabel = new QLabel(m_errorBanner);
    m_errorLabel->setObjectName(QStringLiteral("loadError"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismiss = new QPushButton(tr("Dismiss"), m_errorBanner);
    dismiss->setObjectName(QStringLiteral("dismissErrorButton"));
    connect(dismiss, &QPushButton::clicked, m_errorBanner, &QWidget::hide);
    errorTop->addWidget(m_errorLabel, 1);
    errorTop->addWidget(dismiss, 0, Qt::AlignTop);
    m_errorDiagnostics = new QListWidget(m_errorBanner);
    m_errorDiagnostics->setObjectName(QStringLiteral("loadDiagnostics"));
    m_errorDiagnostics->setMaximumHeight(110);
    errorLayout->addLayout(errorTop);
    errorLayout->addWidget(m_errorDiagnostics);
    m_errorBanner->hide();
    layout->addWidget(m_errorBanner);

    // The file on disk is no longer what is shown: changed or removed by another program.
    m_fileNotice = new QFrame(this);
    m_fileNotice->setObjectName(QStringLiteral("fileNoticeBanner"));
    m_fileNotice->setStyleSheet(
        QStringLiteral("#fileNoticeBanner { background: #fff4ce; border: 1px solid #e0b400; border-radius: 4px; }"));
    auto *noticeLayout = new QHBoxLayout(m_fileNotice);
    noticeLayout->setContentsMargins(8, 4, 8, 4);
    m_fileNoticeText = new QLabel(m_fileNotice);
    m_fileNoticeText->setObjectName(QStringLiteral("fileNoticeText"));
    m_fileNoticeText->setWordWrap(true);
    m_reloadFile = new QPushButton(tr("Reload"), m_fileNotice);
    m_reloadFile->setObjectName(QStringLiteral("reloadDatasetButton"));
    m_reloadFile->setToolTip(tr("Read the file again as it is on disk now"));
    connect(m_reloadFile, &QPushButton::clicked, this, &DatasetPanel::reloadRequested);
    noticeLayout->addWidget(m_fileNoticeText, 1);
    noticeLayout->addWidget(m_reloadFile);
    m_fileNotice->hide();
    layout->addWidget(m_fileNotice);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(createEmptyPage());
    m_pages->addWidget(createDataPage());
    layout->addWidget(m_pages, 1);
}

QWidget *DatasetPanel::createEmptyPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    auto *text = new QLabel(tr("<h2>No dataset yet</h2><p>Drop a JSONL file of pairwise preferences here, "
                               "or open one.</p>"),
                            page);
    text->setAlignment(Qt::AlignCenter);
    layout->addWidget(text);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    auto *open = new QPushButton(tr("Open…"), page);
    open->setObjectName(QStringLiteral("emptyOpenButton"));
    auto *sample = new QPushButton(tr("Open the sample dataset"), page);
    sample->setObjectName(QStringLiteral("emptyOpenSampleButton"));
    connect(open, &QPushButton::clicked, this, &DatasetPanel::openRequested);
    connect(sample, &QPushButton::clicked, this, &DatasetPanel::openSampleRequested);
    buttons->addWidget(open);
    buttons->addWidget(sample);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addStretch();
    return page;
}

QWidget *DatasetPanel::createDataPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *titleRow = new QHBoxLayout;
    m_title = new QLabel(page);
    m_title->setObjectName(QStringLiteral("datasetTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_embeddingsFile = new QLabel(page);
    m_embeddingsFile->setObjectName(QStringLiteral("embeddingsFileLabel"));
    auto *embeddings = new QPushButton(tr("Embeddings file…"), page);
    embeddings->setObjectName(QStringLiteral("embeddingsFileButton"));
    embeddings->setToolTip(
        tr("Read the dataset again, resolving items that only carry an embedding_id from a JSONL file "
           "of {\"id\", \"embedding\"} lines"));
    connect(embeddings, &QPushButton::clicked, this, &DatasetPanel::embeddingsFileRequested);
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_embeddingsFile);
    titleRow->addWidget(embeddings);
    layout->addLayout(titleRow);

    auto *splitter = new QSplitter(Qt::Vertical, page);
    layout->addWidget(splitter, 1);

    // Top: figures, advice, charts.
    auto *top = new QWidget(splitter);
    auto *topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto *left = new QVBoxLayout;
    m_figures = new QLabel(top);
    m_figures->setObjectName(QStringLiteral("datasetSummary"));
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_figures->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_figures->setWordWrap(true);
    m_figures->setMinimumWidth(300);
    m_advice = new QLabel(top);
    m_advice->setObjectName(QStringLiteral("datasetAdvice"));
    m_advice->setWordWrap(true);
    m_advice->setStyleSheet(QStringLiteral(
        "#datasetAdvice { background: #fff6d6; border: 1px solid #e5cf7a; border-radius: 4px; padding: 6px; }"));
    left->addWidget(m_figures);
    left->addWidget(m_advice);
    left->addStretch();
    topLayout->addLayout(left, 3);
    m_labelChart = makeChartView(QStringLiteral("labelChart"), top);
    m_typeChart = makeChartView(QStringLiteral("itemTypeChart"), top);
    topLayout->addWidget(m_labelChart, 3);
    topLayout->addWidget(m_typeChart, 3);

    // Bottom: pairs and skipped lines.
    m_tabs = new QTabWidget(splitter);
    m_tabs->setObjectName(QStringLiteral("datasetTabs"));

    auto *pairsPage = new QWidget(m_tabs);
    auto *pairsLayout = new QVBoxLayout(pairsPage);
    auto *filters = new QHBoxLayout;
    m_filterText = new QLineEdit(pairsPage);
    m_filterText->setObjectName(QStringLiteral("pairsFilter"));
    m_filterText->setPlaceholderText(tr("Filter by id, item type, reason tag or line…"));
    m_filterText->setClearButtonEnabled(true);
    m_filterLabel = new QComboBox(pairsPage);
    m_filterLabel->setObjectName(QStringLiteral("pairsLabelFilter"));
    m_filterLabel->addItem(tr("All labels"), 2);
    m_filterLabel->addItem(tr("1 · A preferred"), 1);
    m_filterLabel->addItem(tr("0 · equal"), 0);
    m_filterLabel->addItem(tr("−1 · B preferred"), -1);
    filters->addWidget(m_filterText, 1);
    filters->addWidget(m_filterLabel);
    m_filterCount = new QLabel(pairsPage);
    m_filterCount->setObjectName(QStringLiteral("pairsFilterCount"));
    filters->addWidget(m_filterCount);
    pairsLayout->addLayout(filters);
    m_pairsModel = new PairsTableModel(this);
    m_pairsProxy = new PairsFilterProxy(this);
    m_pairsProxy->setSourceModel(m_pairsModel);
    m_pairsView = new QTableView(pairsPage);
    m_pairsView->setObjectName(QStringLiteral("pairsTable"));
    m_pairsView->setModel(m_pairsProxy);
    // Sorting is driven by hand: pairs arrive in file order, so the default (by line, ascending)
    // needs no sort at all — sorting 100 000 rows on each load would stall the GUI thread.
    QHeaderView *header = m_pairsView->horizontalHeader();
    header->setSectionsClickable(true);
    header->setSortIndicatorShown(true);
    header->setSortIndicator(PairsTableModel::LineColumn, Qt::AscendingOrder);
    connect(header, &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) { applySort(column, order); });
    m_pairsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_pairsView->setAlternatingRowColors(true);
    m_pairsView->verticalHeader()->hide();
    m_pairsView->verticalHeader()->setDefaultSectionSize(22);
    // Sizing columns to every row of a big file would stall the GUI thread: 40 rows tell enough.
    m_pairsView->horizontalHeader()->setResizeContentsPrecision(40);
    m_pairsView->horizontalHeader()->setStretchLastSection(true);
    m_pairsView->setToolTip(tr("Double-click a pair to see its line as written in the file"));
    pairsLayout->addWidget(m_pairsView);
    connect(m_filterText, &QLineEdit::textChanged, m_pairsProxy, &PairsFilterProxy::setText);
    // "N of M shown" while a filter is set; "no pair matches" when none does.
    auto updateCount = [this] {
        const int shown = m_pairsProxy->rowCount(), all = m_pairsModel->rowCount();
        const bool filtered = !m_filterText->text().isEmpty() || m_filterLabel->currentIndex() > 0;
        if (!filtered) {
            m_filterCount->clear();
            return;
        }
        m_filterCount->setText(shown == 0 ? tr("<b>No pair matches</b> the filter (of %1)").arg(number(qint64(all)))
                                          : tr("%1 of %2 shown").arg(number(qint64(shown)), number(qint64(all))));
        m_filterCount->setStyleSheet(shown == 0 ? QStringLiteral("color: #8a5a00;") : QString());
    };
    connect(m_pairsProxy, &QAbstractItemModel::modelReset, this, updateCount);
    connect(m_pairsProxy, &QAbstractItemModel::layoutChanged, this, updateCount);
    connect(m_pairsProxy, &QAbstractItemModel::rowsInserted, this, updateCount);
    connect(m_pairsProxy, &QAbstractItemModel::rowsRemoved, this, updateCount);
    connect(m_filterText, &QLineEdit::textChanged, this, updateCount);
    connect(m_filterLabel, &QComboBox::currentIndexChanged, this, updateCount);
    connect(m_filterLabel, &QComboBox::currentIndexChanged, this,
            [this] { m_pairsProxy->setLabelFilter(m_filterLabel->currentData().toInt()); });
    connect(m_pairsView, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const QModelIndex line = index.siblingAtColumn(PairsTableModel::LineColumn);
        showLine(line.data(PairsTableModel::SortRole).toLongLong());
    });
    m_tabs->addTab(pairsPage, tr("Pairs"));

    auto *skippedPage = new QWidget(m_tabs);
    auto *skippedLayout = new QVBoxLayout(skippedPage);
    auto *hint = new QLabel(
        tr("Lines that are not data, and items worth a look. Select one to see the line as written."), skippedPage);
    hint->setWordWrap(true);
    skippedLayout->addWidget(hint);
    auto *skippedSplitter = new QSplitter(Qt::Horizontal, skippedPage);
    m_skipped = new QListWidget(skippedSplitter);
    m_skipped->setObjectName(QStringLiteral("skippedLines"));
    m_lineViewer = new QPlainTextEdit(skippedSplitter);
    m_lineViewer->setObjectName(QStringLiteral("lineViewer"));
    m_lineViewer->setReadOnly(true);
    m_lineViewer->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_lineViewer->setPlaceholderText(tr("The selected line's text appears here."));
    skippedSplitter->setStretchFactor(0, 1);
    skippedSplitter->setStretchFactor(1, 1);
    skippedLayout->addWidget(skippedSplitter, 1);
    connect(m_skipped, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            showLine(item->data(Qt::UserRole).toLongLong());
    });
    m_tabs->addTab(skippedPage, tr("Skipped lines"));

    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    return page;
}

void DatasetPanel::setDataset(const DatasetPtr &dataset, qint64 loadMilliseconds, const QString &embeddingsFile)
{
    // Another file starts unfiltered (a filter set on one file left the next one's table empty);
    // the same file read again keeps its filters, and the count says they are set.
    const bool otherFile = !m_dataset || !dataset || m_dataset->path != dataset->path;
    m_dataset = dataset;
    if (otherFile) {
        m_filterText->clear();
        m_filterLabel->setCurrentIndex(0);
    }
    m_errorBanner->hide();
    m_lineViewer->clear();
    if (!m_dataset) {
        m_pages->setCurrentIndex(0);
        m_pairsModel->setDataset(nullptr);
        return;
    }
    const QFileInfo info(QString::fromStdString(m_dataset->path));
    QString title = tr("<b>%1</b> &nbsp; <span style='color:gray'>%2</span>")
                        .arg(info.fileName().toHtmlEscaped(), info.absolutePath().toHtmlEscaped());
    if (loadMilliseconds >= 0)
        title += tr(" &nbsp; <span style='color:gray'>read in %1 s</span>")
                     .arg(QLocale().toString(loadMilliseconds / 1000.0, 'f', 2));
    m_title->setText(title);
    m_embeddingsFile->setText(embeddingsFile.isEmpty()
                                  ? QString()
                                  : tr("<span style='color:gray'>embeddings from</span> %1")
                                        .arg(QFileInfo(embeddingsFile).fileName().toHtmlEscaped()));
    m_embeddingsFile->setToolTip(embeddingsFile);
    m_pairsModel->setDataset(m_dataset);
    applySort(m_pairsView->horizontalHeader()->sortIndicatorSection(),
              m_pairsView->horizontalHeader()->sortIndicatorOrder());
    m_pairsView->resizeColumnsToContents();
    updateFigures();
    updateCharts();
    updateDiagnostics();
    m_pages->setCurrentIndex(1);
}

void DatasetPanel::applySort(int column, Qt::SortOrder order)
{
    if (column == PairsTableModel::LineColumn && order == Qt::AscendingOrder)
        m_pairsProxy->sort(-1); // file order
    else
        m_pairsProxy->sort(column, order);
}

void DatasetPanel::updateFigures()
{
    const Dataset &ds = *m_dataset;
    const qint64 items = qint64(ds.items.size());
    const qint64 withEmbedding = items - ds.itemsWithoutEmbedding;
    QStringList metrics;
    const std::vector<double> coverage = ds.metricCoverage();
    for (size_t m = 0; m < ds.metricNames.size(); ++m)
        metrics << tr("%1 (%2)").arg(QString::fromStdString(ds.metricNames[m]).toHtmlEscaped(),
                                     percentText(m < coverage.size() ? coverage[m] : 0.0));
    QStringList tags;
    for (const std::string &t : ds.reasonTagNames)
        tags << QString::fromStdString(t).toHtmlEscaped();

    auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td style='color:#555; padding-right:12px'>%1</td><td>%2</td></tr>")
            .arg(name, value);
    };
    QString html = QStringLiteral("<table cellspacing='2'>");
    html += row(tr("Rows"), number(ds.rows()));
    html += row(tr("Valid pairs"), QStringLiteral("<b>%1</b>").arg(number(qint64(ds.pairs.size()))));
    html += row(
        tr("Skipped lines"),
        ds.skipped.empty()
            ? QStringLiteral("0")
            : QStringLiteral("<span style='color:#b3261e'><b>%1</b></span>").arg(number(qint64(ds.skipped.size()))));
    html += row(tr("Warnings"), number(qint64(ds.warnings.size())));
    html += row(tr("Unique items"), number(items));
    html += row(tr("Item types"), number(qint64(ds.itemTypeCounts().size())));
    html += row(tr("Embedding dimension"), number(ds.embeddingDim));
    html += row(tr("Embedding coverage"), tr("%1 of %2 items (%3)")
                                              .arg(number(withEmbedding), number(items),
                                                   percentText(items ? double(withEmbedding) / double(items) : 0.0)));
    if (ds.itemsResolvedFromEmbeddingsFile)
        html += row(tr("From embeddings file"), number(ds.itemsResolvedFromEmbeddingsFile));
    html += row(tr("Metrics"), metrics.isEmpty() ? tr("none") : metrics.join(QStringLiteral(", ")));
    html += row(tr("Reason tags"), tags.isEmpty() ? tr("none") : tags.join(QStringLiteral(", ")));
    html += row(tr("Size"), QLocale().formattedDataSize(qint64(ds.fileBytes)));
    html += QStringLiteral("</table>");
    m_figures->setText(html);

    const QStringList advice = adviceFor(ds);
    m_advice->setVisible(!advice.isEmpty());
    m_advice->setText(advice.join(QLatin1Char('\n')));
}

QStringList DatasetPanel::adviceFor(const ranker::Dataset &ds)
{
    QStringList advice;
    const qint64 pairs = qint64(ds.pairs.size());
    // The seed guide: "Minimum 100-200 samples for reasonable performance".
    if (pairs < 200)
        advice << tr("Only %1 valid pairs: the guide asks for at least 100–200 pairs for reasonable performance. "
                     "Add pairs before trusting the model.")
                      .arg(pairs);
    // "Aim for balanced distribution of labels (-1, 0, 1)": call one label dominant above 60 %.
    if (pairs > 0) {
        for (int label : {-1, 0, 1}) {
            const double share = double(ds.labelCount(label)) / double(pairs);
            if (share > 0.6)
                advice << tr("Label %1 makes up %2 of the pairs: aim for a balanced distribution of labels (−1, 0, 1).")
                              .arg(label)
                              .arg(percentText(share));
        }
    }
    return advice;
}

void DatasetPanel::updateCharts()
{
    const Dataset &ds = *m_dataset;
    const double pairs = std::max<double>(1.0, double(ds.pairs.size()));

    // Label balance: one bar per label, with its count on the bar and its share under it.
    QChart *labels = m_labelChart->chart();
    labels->removeAllSeries();
    deleteAxes(labels);
    labels->setTitle(tr("Label balance"));
    auto *set = new QBarSet(tr("Pairs"));
    set->setColor(QColor(0x3b, 0x7d, 0xd8));
    QStringList categories;
    qint64 highest = 0;
    for (int label : {-1, 0, 1}) {
        const qint64 count = ds.labelCount(label);
        highest = std::max(highest, count);
        *set << double(count);
        categories << QStringLiteral("%1  (%2)")
                          .arg(label == -1 ? QStringLiteral("−1") : QString::number(label),
                               percentText(double(count) / pairs));
    }
    auto *series = new QBarSeries;
    series->setObjectName(QStringLiteral("labelSeries"));
    series->append(set);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsFormat(QStringLiteral("@value"));
    set->setLabelColor(QColor(0x33, 0x33, 0x33));
    labels->addSeries(series);
    auto *axisX = new QBarCategoryAxis;
    axisX->append(categories);
    axisX->setTitleText(tr("−1: B preferred · 0: equal · 1: A preferred"));
    labels->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto *axisY = new QValueAxis;
    axisY->setRange(0, double(std::max<qint64>(1, highest)) * 1.15); // room for the count above the bar
    axisY->setLabelFormat(QStringLiteral("%d"));
    axisY->applyNiceNumbers();
    labels->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);

    // Item types, largest first (at most 10 bars).
    QChart *types = m_typeChart->chart();
    types->removeAllSeries();
    deleteAxes(types);
    types->setTitle(tr("Items by type"));
    std::vector<std::pair<std::string, int64_t>> counts;
    for (const auto &entry : ds.itemTypeCounts())
        counts.emplace_back(entry.first, entry.second);
    std::sort(counts.begin(), counts.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    if (counts.size() > 10)
        counts.resize(10);
    std::reverse(counts.begin(), counts.end()); // horizontal bars draw bottom-up
    auto *typeSet = new QBarSet(tr("Items"));
    typeSet->setColor(QColor(0x5a, 0xa4, 0x69));
    QStringList typeNames;
    qint64 most = 0;
    for (const auto &entry : counts) {
        *typeSet << double(entry.second);
        most = std::max<qint64>(most, entry.second);
        typeNames << (entry.first.empty() ? tr("(no type)") : QString::fromStdString(entry.first));
    }
    auto *typeSeries = new QHorizontalBarSeries;
    typeSeries->setObjectName(QStringLiteral("itemTypeSeries"));
    typeSeries->append(typeSet);
    typeSeries->setLabelsVisible(true);
    typeSeries->setLabelsFormat(QStringLiteral("@value"));
    typeSeries->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    typeSet->setLabelColor(QColor(0x33, 0x33, 0x33));
    types->addSeries(typeSeries);
    auto *typeAxis = new QBarCategoryAxis;
    typeAxis->append(typeNames);
    types->addAxis(typeAxis, Qt::AlignLeft);
    typeSeries->attachAxis(typeAxis);
    auto *countAxis = new QValueAxis;
    countAxis->setRange(0, double(std::max<qint64>(1, most)) * 1.15);
    countAxis->setLabelFormat(QStringLiteral("%d"));
    countAxis->applyNiceNumbers();
    types->addAxis(countAxis, Qt::AlignBottom);
    typeSeries->attachAxis(countAxis);
}

void DatasetPanel::updateDiagnostics()
{
    const Dataset &ds = *m_dataset;
    m_skipped->clear();
    // A list widget is fine up to some thousands of rows; beyond that the count says the rest.
    constexpr size_t kShown = 5000;
    for (size_t i = 0; i < ds.skipped.size() && i < kShown; ++i) {
        const Diagnostic &d = ds.skipped[i];
        auto *item = new QListWidgetItem(tr("Line %1 — skipped: %2").arg(d.line).arg(QString::fromStdString(d.reason)),
                                         m_skipped);
        item->setData(Qt::UserRole, qlonglong(d.line));
        item->setForeground(QColor(0xb3, 0x26, 0x1e));
    }
    for (size_t i = 0; i < ds.warnings.size() && i < kShown; ++i) {
        const Diagnostic &d = ds.warnings[i];
        auto *item = new QListWidgetItem(tr("Line %1 — warning: %2").arg(d.line).arg(QString::fromStdString(d.reason)),
                                         m_skipped);
        item->setData(Qt::UserRole, qlonglong(d.line));
    }
    if (ds.skipped.size() > kShown || ds.warnings.size() > kShown)
        new QListWidgetItem(tr("… and more (the first %1 of each are listed)").arg(kShown), m_skipped);
    m_tabs->setTabText(0, tr("Pairs (%1)").arg(number(qint64(ds.pairs.size()))));
    m_tabs->setTabText(1, tr("Skipped lines (%1) · warnings (%2)")
                              .arg(number(qint64(ds.skipped.size())), number(qint64(ds.warnings.size()))));
}

void DatasetPanel::showLine(qint64 line)
{
    if (!m_dataset || line <= 0)
        return;
    m_tabs->setCurrentIndex(1);
    m_lineViewer->setPlainText(tr("Reading line %1…").arg(line));
    const QString path = QString::fromStdString(m_dataset->path);
    const quint64 request = ++m_lineRequest;
    QPointer<DatasetPanel> self(this);
    // Reaching line 800 000 of a big file takes a while: read it off the GUI thread.
    QThread *reader = QThread::create([self, path, line, request] {
        const QString text = readLine(path, line);
        QMetaObject::invokeMethod(qApp, [self, text, line, request] {
            if (self && self->m_lineRequest == request)
                self->m_lineViewer->setPlainText(tr("Line %1 of the file:\n\n%2").arg(line).arg(text));
        });
    });
    connect(reader, &QThread::finished, reader, &QObject::deleteLater);
    reader->start();
}

void DatasetPanel::showLoading(const QString &path)
{
    m_loadLabel->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    m_loadProgress->setValue(0);
    m_loadBar->show();
}

void DatasetPanel::setLoadProgress(qint64 done, qint64 total)
{
    m_loadProgress->setValue(total > 0 ? int(1000.0 * double(done) / double(total)) : 0);
    m_loadProgress->setFormat(
        tr("%1 of %2").arg(QLocale().formattedDataSize(done), QLocale().formattedDataSize(total)));
}

void DatasetPanel::hideLoading()
{
    m_loadBar->hide();
}

void DatasetPanel::showFileNotice(const QString &text, bool offerReload)
{
    m_fileNoticeText->setText(text);
    m_reloadFile->setVisible(offerReload);
    m_fileNotice->setVisible(!text.isEmpty());
}

QString DatasetPanel::fileNotice() const
{
    return m_fileNotice->isVisible() ? m_fileNoticeText->text() : QString();
}

void DatasetPanel::showLoadFailed(const QString &path, const QString &message, const QStringList &diagnostics)
{
    Q_UNUSED(path)
    m_errorLabel->setText(tr("<b>Could not use this file.</b> %1").arg(message.toHtmlEscaped()));
    m_errorDiagnostics->clear();
    m_errorDiagnostics->addItems(diagnostics);
    m_errorDiagnostics->setVisible(!diagnostics.isEmpty());
    m_errorBanner->show();
}

} // namespace ranker::ui
