// ranker-studio: the desktop studio.
#include "core/version.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Ranker Studio"));
    QApplication::setOrganizationName(QStringLiteral("ranker-studio"));
    QApplication::setApplicationVersion(QStringLiteral(RANKER_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Training studio for a pairwise ranking model"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("dataset"), QStringLiteral("A JSONL dataset to open"));
    parser.process(app);

    ranker::ui::MainWindow window;
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openDataset(QFileInfo(args.first()).absoluteFilePath());
    window.show();
    return QApplication::exec();
}
