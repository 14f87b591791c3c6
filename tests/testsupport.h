#pragma once
// Test data: small datasets made on the fly, with preferences that follow a hidden rule.

#include <QProcess>
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
    struct Item
    {
        std::string json;
        double quality;
    };
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
        std::snprintf(json, sizeof json,
                      "{\"id\": \"it-%d\", \"item_type\": \"%s\", \"item_reference_id\": \"ref-%d\", ", i, types[i % 3],
                      i);
        std::string text = json + std::string("\"embedding\": [") + emb + "]";
        if (o.withMetrics) {
            char metrics[128];
            std::snprintf(metrics, sizeof metrics, ", \"metrics\": {\"stars\": %g, \"clarity\": %.6g}", stars, clarity);
            text += metrics;
        }
        text += ", \"created_at\": \"2026-01-01T00:00:00Z\"}";
        items.push_back({text, q});
    }
    struct Line
    {
        int a, b;
        double diff;
    };
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
        std::fprintf(
            f, "{\"item_a\": %s, \"item_b\": %s, \"label\": %d, \"reason_tags\": [\"%s\"], \"similarity\": 0.5}\n",
            items[size_t(l.a)].json.c_str(), items[size_t(l.b)].json.c_str(), label, tags[i % 3]);
    }
    std::fclose(f);
    return int(lines.size());
}

/**
 * Preference data drawn from a hidden utility, as real labels are: the utility of an item is a
 * function of its features plus `latent`, a part no feature shows (an item's worth its features do
 * not predict). A model learns the latent part of items it has seen in many pairs, never of new
 * ones, which is why a validation split that shows its items in training reads too high. Labels
 * follow P(A preferred) = sigmoid(diff / 0.25), then `flip` of them are flipped.
 */
struct WorldOptions
{
    int items = 600;
    int pairs = 6000;
    int dim = 8;
    double latent = 1.0;
    double flip = 0.05;
    double tieShare = 0.0;
    unsigned seed = 11; ///< the world: its utility weights
    unsigned draw = 1;  ///< the items and pairs drawn from it
    std::string idPrefix = "item";
    bool randomLabels = false; ///< labels that ignore the utility: nothing to learn
};

/// Writes a JSONL dataset from the world `o` describes. @return the number of lines written.
inline int writeWorldDataset(const std::string &path, const WorldOptions &o)
{
    std::mt19937 worldRng(o.seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> w(size_t(o.dim)), v(size_t(o.dim));
    for (size_t d = 0; d < w.size(); ++d) {
        w[d] = normal(worldRng);
        v[d] = normal(worldRng);
    }
    std::mt19937 rng(o.seed * 7919u + o.draw);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const char *types[] = {"project", "skill", "profile_section"};
    std::vector<std::string> json(size_t(o.items));
    std::vector<double> utility(size_t(o.items));
    for (int i = 0; i < o.items; ++i) {
        std::vector<double> e(size_t(o.dim));
        double norm = 0;
        for (double &x : e) {
            x = normal(rng);
            norm += x * x;
        }
        norm = std::sqrt(std::max(norm, 1e-12));
        double we = 0, ve = 0;
        std::string emb;
        for (int d = 0; d < o.dim; ++d) {
            e[size_t(d)] /= norm;
            we += w[size_t(d)] * e[size_t(d)];
            ve += v[size_t(d)] * e[size_t(d)];
            char num[32];
            std::snprintf(num, sizeof num, "%s%.6g", d ? "," : "", e[size_t(d)]);
            emb += num;
        }
        const double clarity = uniform(rng), impact = uniform(rng);
        utility[size_t(i)] = we + 0.6 * std::tanh(2 * ve) + 1.5 * (impact - 0.5) + 1.0 * (clarity - 0.5) +
                             2.0 * (impact - 0.5) * (clarity - 0.5) + o.latent * normal(rng);
        char head[160];
        std::snprintf(head, sizeof head, "{\"id\":\"%s-%d\",\"item_type\":\"%s\",\"embedding\":[", o.idPrefix.c_str(),
                      i, types[i % 3]);
        char tail[96];
        std::snprintf(tail, sizeof tail, "],\"metrics\":{\"clarity\":%.4f,\"impact\":%.4f}}", clarity, impact);
        json[size_t(i)] = head + emb + tail;
    }
    std::uniform_int_distribution<int> pick(0, o.items - 1);
    struct Line
    {
        int a, b;
        double diff;
    };
    std::vector<Line> lines;
    while (int(lines.size()) < o.pairs) {
        const int a = pick(rng), b = pick(rng);
        if (a != b)
            lines.push_back({a, b, utility[size_t(a)] - utility[size_t(b)]});
    }
    std::vector<double> absDiffs;
    for (const Line &l : lines)
        absDiffs.push_back(std::fabs(l.diff));
    std::sort(absDiffs.begin(), absDiffs.end());
    const double tieBelow = o.tieShare > 0 ? absDiffs[size_t(o.tieShare * double(absDiffs.size()))] : -1;
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return 0;
    for (const Line &l : lines) {
        const double pA = o.randomLabels ? 0.5 : 1.0 / (1.0 + std::exp(-l.diff / 0.25));
        int label = uniform(rng) < pA ? 1 : -1;
        if (std::fabs(l.diff) < tieBelow)
            label = 0;
        else if (uniform(rng) < o.flip)
            label = -label;
        std::fprintf(f, "{\"item_a\":%s,\"item_b\":%s,\"label\":%d,\"reason_tags\":[\"relevance\"]}\n",
                     json[size_t(l.a)].c_str(), json[size_t(l.b)].c_str(), label);
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

/// A small run (embedding 4, hidden 8, one thread) of `data` trained by the real ranker-train
/// into `output`, with `extra` flags; a failure is printed. @return `output`.
inline QString trainSmallRunWithCli(const QString &data, const QString &output, int epochs,
                                    const QStringList &extra = {})
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(binaryPath("app/ranker-train"),
            QStringList{QStringLiteral("--input"), data, QStringLiteral("--output"), output,
                        QStringLiteral("--embedding-dim"), QStringLiteral("4"), QStringLiteral("--hidden-dim"),
                        QStringLiteral("8"), QStringLiteral("--epochs"), QString::number(epochs),
                        QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet")} +
                extra);
    if (!p.waitForFinished(180000) || p.exitCode() != 0)
        qWarning("ranker-train failed: %s", p.readAll().constData());
    return output;
}

} // namespace ranker::test
