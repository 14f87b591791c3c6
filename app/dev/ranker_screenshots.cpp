// ranker-screenshots: a developer's tool, not part of the product (never installed). It opens the
// studio on a dataset, trains a short run and saves a PNG of each place, then quits:
//   xvfb-run -a -s "-screen 0 1400x900x24" build/app/ranker-screenshots DIR DATASET [EPOCHS]
// docs/studio-*.png are made this way, and `installer/setup.sh studio` runs it where there is no display.
#include "ui/mainwindow.h"
#include "ui/trainingworker.h"
#include "ui/trainpanel.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QListWidget>
#include <QSpinBox>
#include <QTimer>

#include <cstdio>

namespace {

/// Opens the dataset, trains a short run and saves a PNG of each place into DIR
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
    QCoreApplication::setApplicationName(QStringLiteral("Ranker Studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("ranker-studio"));
    const QStringList args = QApplication::arguments();
    if (args.size() < 3 || args.size() > 4) {
        std::fprintf(stderr, "usage: ranker-screenshots DIR DATASET [EPOCHS]\n");
        return 2;
    }
    ranker::ui::MainWindow window;
    window.resize(1360, 860);
    takeScreenshots(window, args[1], args.size() > 3 ? std::max(2, args[3].toInt()) : 30);
    window.show();
    window.openInitialDataset(QFileInfo(args[2]).absoluteFilePath());
    return QApplication::exec();
}
