// ranker-studio: the desktop studio.
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

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Ranker Studio"));
    QApplication::setOrganizationName(QStringLiteral("ranker-studio"));
    QApplication::setApplicationVersion(QStringLiteral(RANKER_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("ranker-studio"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Training studio for a pairwise ranking model"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("dataset"),
        QStringLiteral("A JSONL dataset to open (default: the last one, or the bundled sample)"));
    QCommandLineOption screenshots(QStringLiteral("screenshot"),
                                   QStringLiteral("Train a short run, save a PNG of each place into DIR, and quit"),
                                   QStringLiteral("DIR"));
    QCommandLineOption screenshotEpochs(QStringLiteral("screenshot-epochs"),
                                        QStringLiteral("Epochs of the --screenshot run"), QStringLiteral("N"),
                                        QStringLiteral("30"));
    parser.addOption(screenshots);
    parser.addOption(screenshotEpochs);
    parser.process(app);

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
