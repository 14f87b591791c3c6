#include "ui/mainwindow.h"

#include "core/dataset.h"
#include "core/error.h"

#include <QLabel>

namespace ranker::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_summary(new QLabel(this))
{
    setWindowTitle(tr("Ranker Studio"));
    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setMargin(16);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setCentralWidget(m_summary);
    resize(900, 600);
}

void MainWindow::openDataset(const QString &path)
{
    try {
        LoadOptions options;
        options.embeddingDim = 32;
        const Dataset ds = loadDataset(path.toStdString(), options);
        m_summary->setText(tr("%1\n\n%2 valid pairs (label 1: %3, 0: %4, -1: %5)\n%6 unique items\n%7 skipped lines")
                               .arg(path)
                               .arg(ds.pairs.size())
                               .arg(ds.labelCount(1))
                               .arg(ds.labelCount(0))
                               .arg(ds.labelCount(-1))
                               .arg(ds.items.size())
                               .arg(ds.skipped.size()));
    } catch (const Error &e) {
        m_summary->setText(QString::fromStdString(e.what()));
    }
}

} // namespace ranker::ui
