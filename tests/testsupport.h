#pragma once
// Test data: small datasets made on the fly, with preferences that follow a hidden rule.

#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace ranker::test {

struct SyntheticOptions
{
    int pairs = 400;
    int items = 60;
    int dim = 8;
    double tieShare = 0.0; ///< share of pairs labelled 0 (those with the closest true scores)
    unsigned seed = 7;
    bool withMetrics = true;
};

/// Writes a JSONL dataset whose labels follow a hidden linear rule over embedding and metrics.
/// @return the number of lines written.
inline int writeSyntheticDataset(const std::string &path, const SyntheticOptions &o = {})
{
    std::mt19937 rng(o.seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> w(size_t(o.dim));
    for (double &x : w)
        x = normal(rng);
    struct Item { std::string json; double quality; };
    std::vector<Item> items;
    const char *types[] = {"project", "skill", "profile_section"};
    for (int i = 0; i < o.items; ++i) {
        std::string emb;
        double q = 0;
        for (int d = 0; d < o.dim; ++d) {
            double x = normal(rng);
            q += w[size_t(d)] * x;
            char num[32];
            std::snprintf(num, sizeof num, "%s%.8g", d ? ", " : "", x);
            emb += num;
        }
        double stars = std::floor(std::fabs(normal(rng)) * 50);
        double clarity = 0.5 + 0.2 * normal(rng);
        if (o.withMetrics)
            q += 0.02 * stars + 2.0 * clarity;
        char json[256];
        std::snprintf(json, sizeof json, "{\"id\": \"it-%d\", \"item_type\": \"%s\", \"item_reference_id\": \"ref-%d\", ",
                      i, types[i % 3], i);
        std::string text = json + std::string("\"embedding\": [") + emb + "]";
        if (o.withMetrics) {
            char metrics[128];
            std::snprintf(metrics, sizeof metrics, ", \"metrics\": {\"stars\": %g, \"clarity\": %.6g}", stars, clarity);
            text += metrics;
        }
        text += ", \"created_at\": \"2026-01-01T00:00:00Z\"}";
        items.push_back({text, q});
    }
    struct Line { int a, b; double diff; };
    std::vector<Line> lines;
    std::uniform_int_distribution<int> pick(0, o.items - 1);
    while (int(lines.size()) < o.pairs) {
        int a = pick(rng), b = pick(rng);
        if (a == b)
            continue;
        lines.push_back({a, b, items[size_t(a)].quality - items[size_t(b)].quality});
    }
    std::vector<double> absDiffs;
    for (const Line &l : lines)
        absDiffs.push_back(std::fabs(l.diff));
    std::sort(absDiffs.begin(), absDiffs.end());
    const double tieBelow = o.tieShare > 0 ? absDiffs[size_t(o.tieShare * double(absDiffs.size()))] : -1;
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return 0;
    const char *tags[] = {"relevance", "metrics", "clarity"};
    for (size_t i = 0; i < lines.size(); ++i) {
        const Line &l = lines[i];
        int label = std::fabs(l.diff) < tieBelow ? 0 : l.diff > 0 ? 1 : -1;
        std::fprintf(f, "{\"item_a\": %s, \"item_b\": %s, \"label\": %d, \"reason_tags\": [\"%s\"], \"similarity\": 0.5}\n",
                     items[size_t(l.a)].json.c_str(), items[size_t(l.b)].json.c_str(), label, tags[i % 3]);
    }
    std::fclose(f);
    return int(lines.size());
}

inline QString sourcePath(const char *relative)
{
    return QStringLiteral(RANKER_SOURCE_DIR "/") + QString::fromUtf8(relative);
}

inline QString binaryPath(const char *relative)
{
    return QStringLiteral(RANKER_BINARY_DIR "/") + QString::fromUtf8(relative);
}

} // namespace ranker::test
