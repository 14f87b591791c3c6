// ranker-rank: the seed guide's "Ranking Items" — score items with a trained model, best first.
#include "app/cli_common.h"
#include "app/cli_conventions.h"

#include "core/dataset.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/model.h"
#include "core/runs.h"
#include "core/version.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

int main(int argc, char **argv)
{
    std::string modelPath, input, format = "text", embeddings;
    size_t top = 0;
    bool strict = false;
    CLI::App app{"Score the items of a JSONL file with a trained ranker and list them best first.\n"
                 "Each line is an item ({\"id\", \"embedding\", \"metrics\", …}) or a pair, whose two items are taken.",
                 "ranker-rank"};
    app.set_version_flag("--version", [] { return ranker::cli::versionText("ranker-rank"); });
    app.add_option("--model", modelPath, "A .pth checkpoint or a run folder")->required();
    app.add_option("--input", input, "JSONL file of items (or pairs); - reads stdin")->required();
    app.add_option("--top", top, "Print only the best N (0: all)");
    app.add_option("--format", format, "text, json or csv")
        ->check(CLI::IsMember({"text", "json", "csv"}))
        ->capture_default_str();
    app.add_option("--embeddings", embeddings,
                   "JSONL of {\"id\", \"embedding\"} for items that only carry an embedding_id");
    app.add_flag("--strict", strict, "Fail on the first bad line");
    if (const int code = ranker::cli::parseCommandLine(
            app, argc, argv, "ranker-rank",
            [](const CLI::App &) { return std::string("ranker-rank --model RUN --input F [options]"); });
        code >= 0)
        return code;
    try {
        const std::string pth = ranker::checkpointPathFor(modelPath);
        ranker::RankerModel model(ranker::loadCheckpoint(pth).weights);
        ranker::LoadOptions options;
        options.embeddingDim = model.layout().embeddingDim;
        options.strict = strict;
        options.embeddingsPath = embeddings;
        ranker::Dataset items = ranker::cli::loadItemsFrom(input, options);
        for (const ranker::Diagnostic &d : items.skipped)
            std::fprintf(stderr, "%s:%lld: skipped: %s\n", items.path.c_str(), static_cast<long long>(d.line),
                         d.reason.c_str());
        if (items.items.empty())
            throw ranker::Error(items.path + ": no items to rank");
        std::vector<ranker::RankedItem> ranked = ranker::rankItems(model, items);
        if (top > 0 && ranked.size() > top)
            ranked.resize(top);
        if (format == "json") {
            nlohmann::json out = nlohmann::json::array();
            for (size_t rank = 0; rank < ranked.size(); ++rank) {
                const ranker::Item &item = items.items[ranked[rank].item];
                out.push_back({{"rank", rank + 1},
                               {"id", item.id},
                               {"item_type", item.itemType},
                               {"item_reference_id", item.referenceId},
                               {"score", ranked[rank].score}});
            }
            std::printf("%s\n", out.dump(2).c_str());
        } else if (format == "csv") {
            std::printf("rank,score,id,item_type\n");
            for (size_t rank = 0; rank < ranked.size(); ++rank) {
                const ranker::Item &item = items.items[ranked[rank].item];
                std::printf("%zu,%.6f,%s,%s\n", rank + 1, double(ranked[rank].score),
                            nlohmann::json(item.id).dump().c_str(), nlohmann::json(item.itemType).dump().c_str());
            }
        } else {
            std::printf("%5s  %10s  %-24s  %s\n", "rank", "score", "id", "item_type");
            for (size_t rank = 0; rank < ranked.size(); ++rank) {
                const ranker::Item &item = items.items[ranked[rank].item];
                std::printf("%5zu  %10.4f  %-24s  %s\n", rank + 1, double(ranked[rank].score), item.id.c_str(),
                            item.itemType.c_str());
            }
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ranker-rank: error: %s\n", ranker::cli::firstLine(e.what()).c_str());
        return 1;
    }
}
