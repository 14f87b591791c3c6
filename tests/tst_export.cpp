// Exports: the .pth round trip, the ONNX graph, the metadata keys, and atomic writes.
#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/export/pickle.h"
#include "core/export/zip_archive.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/onnx_export.h"
#include "core/pipeline.h"
#include "core/runs.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <fstream>
#include <set>
#include <sys/resource.h>

using namespace ranker;

class ExportTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PipelineResult m_run;
    std::string m_input;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_input = m_dir.filePath(QStringLiteral("data.jsonl")).toStdString();
        test::SyntheticOptions o;
        o.tieShare = 0.1;
        test::writeSyntheticDataset(m_input, o);
        PipelineRequest request;
        request.input = m_input;
        request.outputDir = m_dir.filePath(QStringLiteral("run")).toStdString();
        request.train.embeddingDim = o.dim;
        request.train.hiddenDim = 16;
        request.train.epochs = 4;
        request.train.threads = 1;
        request.train.name = "my_ranker";
        PipelineObserver observer;
        m_run = runPipeline(request, observer);
    }

    void pipeline_writesThreeFilesNamedAfterTheModel()
    {
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("run/my_ranker.pth"))));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("run/my_ranker.onnx"))));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("run/my_ranker_metadata.json"))));
        // The deployment kit (tst_interop runs it).
        for (const char *file :
             {"run/my_ranker.features.json", "run/my_ranker.ranker.mjs", "run/my_ranker.ranker.d.mts"})
            QVERIFY2(QFile::exists(m_dir.filePath(QString::fromUtf8(file))), file);
        // No temporary files left behind.
        QCOMPARE(QDir(m_dir.filePath(QStringLiteral("run"))).entryList(QDir::Files).size(), 6);
    }

    void checkpoint_roundTripsWeightsAndScores()
    {
        const Checkpoint cp = loadCheckpoint(m_run.pthPath);
        const ModelWeights &saved = m_run.train.checkpoint.weights;
        QVERIFY(cp.weights.w1 == saved.w1);
        QVERIFY(cp.weights.b3 == saved.b3);
        QVERIFY(cp.weights.layout == saved.layout);
        QCOMPARE(cp.epoch, 4);
        QVERIFY(cp.lossHistory == m_run.train.lossHistory);
        const nlohmann::json config = nlohmann::json::parse(cp.configJson);
        QCOMPARE(config.value("learning_rate", 0.0), 0.001);
        QCOMPARE(config.value("model_name", std::string()), std::string("my_ranker"));
        QCOMPARE(config["metric_names"].size(), size_t(2));
        // The reloaded model scores exactly as the trained one.
        LoadOptions options;
        options.embeddingDim = 8;
        const Dataset ds = loadDataset(m_input, options);
        const std::vector<float> rows = rawFeatureMatrix(ds, saved.layout);
        const std::vector<float> a = RankerModel(saved).score(rows.data(), int64_t(ds.items.size()));
        const std::vector<float> b = RankerModel(cp.weights).score(rows.data(), int64_t(ds.items.size()));
        QVERIFY(a == b);
    }

    // The archive torch.save writes: its records in PyTorch 2.x's order, every record's data on a
    // 64-byte boundary, and a pickle that names only what the weights-only unpickler allows.
    void checkpoint_hasTorchSaveLayout()
    {
        const std::string bytes = readFile(m_run.pthPath);
        QCOMPARE(bytes, checkpointBytes(m_run.train.checkpoint)); // what was written, byte for byte
        const zip::ZipReader archive(bytes);
        std::vector<std::string> names;
        for (const zip::ZipEntry &e : archive.entries()) {
            names.push_back(e.name);
            QVERIFY2(e.dataOffset % 64 == 0, e.name.c_str());
            QCOMPARE(e.method, uint16_t(0));
        }
        QCOMPARE(names.front(), std::string("archive/data.pkl"));
        QCOMPARE(names[1], std::string("archive/byteorder"));
        QCOMPARE(names.back(), std::string("archive/version"));
        QVERIFY(std::is_sorted(names.begin() + 2, names.end() - 1)); // data/0, data/1, data/10, … as strings
        QCOMPARE(std::string(archive.data(*archive.find("archive/version"))), std::string("3\n"));
        QCOMPARE(std::string(archive.data(*archive.find("archive/byteorder"))), std::string("little"));
        // 8 model tensors, and step, exp_avg, exp_avg_sq for each of the 6 parameters.
        QCOMPARE(names.size(), size_t(3 + 8 + 18));

        // Unpickled with the legacy type tags refused: the pickle needs none of them.
        const pickle::Unpickled u =
            pickle::unpickle(archive.data(*archive.find("archive/data.pkl")), /*allowLegacyTypeTags=*/false);
        QVERIFY(u.root->isDict());
        QVERIFY(u.root->get("model_state_dict")->ordered);
        QCOMPARE(int(u.storages.size()), 8 + 18);
        QVERIFY(std::set<std::string>(u.globals.begin(), u.globals.end()) ==
                std::set<std::string>(
                    {"collections.OrderedDict", "torch.FloatStorage", "torch._utils._rebuild_tensor_v2"}));
    }

    void onnx_passesTheChecker()
    {
        QCOMPARE(QString::fromStdString(checkOnnxFile(m_run.onnxPath)), QString());
        QVERIFY(QFileInfo(QString::fromStdString(m_run.onnxPath)).size() > 1000);
    }

    void metadata_hasEveryKeyOfTheDesign()
    {
        const nlohmann::json m = nlohmann::json::parse(readFile(m_run.metadataPath));
        for (const char *key :
             {"model_name", "input_dim",        "hidden_dim",    "learning_rate",    "batch_size",     "epochs",
              "margin",     "dataset_size",     "training_time", "loss_history",     "format_version", "created_at",
              "app",        "libtorch_version", "libtorch_path", "device",           "seed",           "val_split",
              "tie_policy", "epochs_completed", "ended",         "val_loss_history", "per_epoch",      "best_epoch",
              "dataset",    "feature_layout",   "files",         "evaluation"})
            QVERIFY2(m.contains(key), key);
        for (const char *key : {"path", "sha256", "rows", "valid_pairs", "skipped_lines", "skipped_by_reason",
                                "label_counts", "item_types", "unique_items"})
            QVERIFY2(m["dataset"].contains(key), key);
        for (const char *key : {"train_accuracy", "val_accuracy", "val_loss", "seconds", "pairs_per_second"})
            QCOMPARE(m["per_epoch"][key].size(), size_t(4));
        QCOMPARE(m["model_name"].get<std::string>(), std::string("my_ranker"));
        QCOMPARE(m["input_dim"].get<int>(), 10);
        QCOMPARE(m["epochs_completed"].get<int>(), 4);
        // keep best (the default with a validation split): the kept epoch is the best one.
        QCOMPARE(m["best_epoch"].get<int>(), m["kept_epoch"].get<int>());
        QCOMPARE(m["ended"].get<std::string>(), std::string("completed"));
        QVERIFY2(QFileInfo::exists(QString::fromStdString(m["libtorch_path"].get<std::string>())),
                 m["libtorch_path"].dump().c_str());
        QCOMPARE(m["loss_history"].size(), size_t(4));
        QVERIFY(m["feature_layout"]["metric_names"] == nlohmann::json({"clarity", "stars"}));
        QCOMPARE(m["dataset"]["sha256"].get<std::string>(), m_run.metadata["dataset"]["sha256"].get<std::string>());
        QVERIFY(m["training_time"].get<double>() > 0);
        QVERIFY(m["evaluation"]["by_item_type"].size() >= 3);
        QVERIFY(m["evaluation"]["by_reason_tag"].contains("relevance"));
        QCOMPARE(m["evaluation"]["split"].get<std::string>(), std::string("validation"));
        // The run is found as such by the run reader.
        const RunInfo run = readRun(m_run.runDir);
        QVERIFY(!run.broken);
        QCOMPARE(run.name, std::string("my_ranker"));
        QCOMPARE(run.pthPath, m_run.pthPath);
    }

    void atomicWrite_failureLeavesTheOldFileIntact()
    {
        const std::string path = m_dir.filePath(QStringLiteral("keep.txt")).toStdString();
        writeFileAtomically(path, "original");
        rlimit old{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
        rlimit small = old;
        small.rlim_cur = 1024; // the disk is "full" after 1 KiB
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        bool threw = false;
        try {
            writeFileAtomically(path, std::string(1 << 20, 'x'));
        } catch (const Error &e) {
            threw = true;
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(QString::fromStdString(path + ": cannot write")), e.what());
        }
        setrlimit(RLIMIT_FSIZE, &old);
        QVERIFY(threw);
        QCOMPARE(readFile(path), std::string("original"));
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("keep.txt*")}, QDir::Files).size(), 1);
    }

    void checkpointOfAnotherKind_isAClearError()
    {
        const std::string path = m_dir.filePath(QStringLiteral("junk.pth")).toStdString();
        std::ofstream(path) << "this is not a checkpoint";
        QVERIFY_THROWS_EXCEPTION(Error, loadCheckpoint(path));
        QVERIFY_THROWS_EXCEPTION(Error, loadCheckpoint("/nonexistent.pth"));
    }

    void unwritableOutput_failsBeforeTraining()
    {
        PipelineRequest request;
        request.input = m_input;
        request.outputDir = "/proc/ranker-cannot-write-here";
        request.train.embeddingDim = 8;
        PipelineObserver observer;
        try {
            runPipeline(request, observer);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(QStringLiteral("/proc/ranker-cannot-write-here: ")),
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(ExportTest)
#include "tst_export.moc"
