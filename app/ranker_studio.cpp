// ranker-studio: the desktop studio.
#include "app/cli_common.h"
#include "core/version.h"
#include "ui/mainwindow.h"
#include "ui/trainingworker.h"
#include "ui/trainpanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QListWidget>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <cstring>

namespace {

/// --screenshot DIR: opens the dataset, trains a short run and saves a PNG of each place into DIR
/// (docs/studio-*.png are made this way, under Xvfb), then quits.
void takeScreenshots(ranker::ui::MainWindow &window, const QString &folder, int epochs)
{
    using ranker::ui::MainWindow;
    QDir().mkpath(folder);
    auto save = [&window, folder](const QString &name) {
        window.grab().save(QDir(folder).filePath(QStringLiteral("studio-%1.png").arg(name)));
    };
    auto *trainPanel = window.findChild<ranker::ui::TrainPanel *>(QStringLiteral("trainPanel"));
    auto *controller = trainPanel->controller();
    auto once = std::make_shared<bool>(false);
    QObject::connect(window.loader(), &ranker::ui::DatasetLoader::loaded, &window, [=, &window] {
        if (*once)
            return;
        *once = true;
        QTimer::singleShot(600, &window, [=, &window] {
            save(QStringLiteral("dataset"));
            auto toReview = [=, &window] {
                window.setPlace(MainWindow::ReviewPlace);
                QTimer::singleShot(200, &window, [=, &window] {
                    save(QStringLiteral("review"));
                    window.setPlace(MainWindow::TrainPlace);
                    trainPanel->findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(epochs);
                    trainPanel->startTraining();
                });
            };
            // With bad lines in the file, also show one of them as the Skipped lines tab does.
            auto *skipped = window.findChild<QListWidget *>(QStringLiteral("skippedLines"));
            if (skipped && skipped->count() > 0) {
                skipped->setCurrentRow(0);
                QTimer::singleShot(500, &window, [=] {
                    save(QStringLiteral("dataset-skipped"));
                    toReview();
                });
            } else {
                toReview();
            }
        });
    });
    QObject::connect(controller, &ranker::ui::TrainingController::epochReported, &window,
                     [=, &window](const ranker::EpochReport &e) {
                         if (e.epoch == epochs * 2 / 3)
                             QTimer::singleShot(0, &window, [=] { save(QStringLiteral("train-live")); });
                     });
    QObject::connect(controller, &ranker::ui::TrainingController::finished, &window, [=, &window] {
        QTimer::singleShot(400, &window, [=, &window] {
            save(QStringLiteral("train-results"));
            window.setPlace(MainWindow::HistoryPlace);
            QTimer::singleShot(300, &window, [=, &window] {
                save(QStringLiteral("history"));
                window.close();
            });
        });
    });
}

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
        parser.addOption(screenshots);
        parser.addOption(screenshotEpochs);
    }
    QCommandLineOption help, version;
    QCommandLineOption screenshots{QStringLiteral("screenshot"),
                                   QStringLiteral("Train a short run, save a PNG of each place into DIR, and quit"),
                                   QStringLiteral("DIR")};
    QCommandLineOption screenshotEpochs{QStringLiteral("screenshot-epochs"),
                                        QStringLiteral("Epochs of the --screenshot run"), QStringLiteral("N"),
                                        QStringLiteral("30")};
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
    const QCommandLineOption &screenshots = options.screenshots;
    const QCommandLineOption &screenshotEpochs = options.screenshotEpochs;

    ranker::ui::MainWindow window;
    if (parser.isSet(screenshots)) {
        window.resize(1360, 860);
        takeScreenshots(window, parser.value(screenshots), std::max(2, parser.value(screenshotEpochs).toInt()));
    }
    const QStringList args = parser.positionalArguments();
    window.show();
    window.openInitialDataset(args.isEmpty() ? QString() : QFileInfo(args.first()).absoluteFilePath());
    return QApplication::exec();
}
