// ranker-studio: the desktop studio.
#include "app/cli_common.h"
#include "core/version.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>
#include <cstring>

namespace {

constexpr const char *kUsage = "ranker-studio [options] [dataset]";

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("Ranker Studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("ranker-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RANKER_VERSION));
}

/// The command line: the same parser with or without a display.
struct Options
{
    explicit Options(QCommandLineParser &parser) : help(parser.addHelpOption()), version(parser.addVersionOption())
    {
        parser.setApplicationDescription(QStringLiteral("Training studio for a pairwise ranking model"));
        parser.addPositionalArgument(
            QStringLiteral("dataset"),
            QStringLiteral("A JSONL dataset to open (default: the last one, or the bundled sample)"));
    }
    QCommandLineOption help, version;
};

int usageError(const QString &message)
{
    std::fprintf(stderr, "usage: %s\nranker-studio: error: %s\n", kUsage, qPrintable(message));
    return 2;
}

/**
 * --help and --version answered without a display: QApplication aborts where there is none, so
 * they are parsed first, under a QCoreApplication. @return the exit code, or -1 to open the studio.
 */
int answerWithoutDisplay(int argc, char **argv)
{
    bool asked = false;
    for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
        for (const char *flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"})
            asked = asked || std::strcmp(argv[i], flag) == 0;
    if (!asked)
        return -1;
    QCoreApplication core(argc, argv);
    setApplicationNames();
    QCommandLineParser parser;
    const Options options(parser);
    if (!parser.parse(QCoreApplication::arguments()))
        return usageError(parser.errorText());
    if (parser.isSet(options.version))
        std::printf("%s\n", ranker::cli::versionText("ranker-studio").c_str());
    else
        std::fputs(qPrintable(parser.helpText()), stdout);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (const int code = answerWithoutDisplay(argc, argv); code >= 0)
        return code;
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setDesktopFileName(QStringLiteral("ranker-studio"));

    QCommandLineParser parser;
    const Options options(parser);
    if (!parser.parse(QApplication::arguments()))
        return usageError(parser.errorText());

    ranker::ui::MainWindow window;
    const QStringList args = parser.positionalArguments();
    window.show();
    window.openInitialDataset(args.isEmpty() ? QString() : QFileInfo(args.first()).absoluteFilePath());
    return QApplication::exec();
}
