#include "core/labelling/suggest.h"

#include "core/dataset.h"
#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_set>

namespace ranker {

namespace {

/// SplitMix64: a small generator whose sequence is the same on every platform and library
/// (std::uniform_int_distribution is not), so a seed gives the same suggestions everywhere.
struct SplitMix
{
    uint64_t state;
    uint64_t next()
    {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    size_t below(size_t n) { return size_t(next() % uint64_t(n)); }
};

uint64_t mix(uint64_t x)
{
    return SplitMix{x}.next();
}

uint64_t pairKey(int32_t a, int32_t b)
{
    const auto lo = uint32_t(std::min(a, b)), hi = uint32_t(std::max(a, b));
    return (uint64_t(lo) << 32) | hi;
}

double sigmoid(double x)
{
    return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

/// The decisive labels as a graph winner → loser, with a reusable breadth-first search.
class PreferenceGraph
{
public:
    explicit PreferenceGraph(const Dataset &ds)
        : m_out(ds.items.size()), m_seen(ds.items.size(), 0), m_parent(ds.items.size(), -1)
    {
        for (const Pair &p : ds.pairs) {
            if (p.label == 0 || p.a == p.b)
                continue;
            const int32_t winner = p.label > 0 ? p.a : p.b, loser = p.label > 0 ? p.b : p.a;
            m_out[size_t(winner)].push_back(loser);
        }
        for (std::vector<int32_t> &edges : m_out) {
            std::sort(edges.begin(), edges.end());
            edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
        }
    }

    /// The shortest chain from → … → to, or empty.
    std::vector<int32_t> chain(int32_t from, int32_t to)
    {
        if (from == to || m_out[size_t(from)].empty())
            return {};
        if (++m_stamp == 0) { // wrapped: start the marks afresh
            std::fill(m_seen.begin(), m_seen.end(), 0);
            m_stamp = 1;
        }
        m_queue.clear();
        m_queue.push_back(from);
        m_seen[size_t(from)] = m_stamp;
        m_parent[size_t(from)] = -1;
        for (size_t head = 0; head < m_queue.size(); ++head) {
            const int32_t node = m_queue[head];
            for (int32_t next : m_out[size_t(node)]) {
                if (m_seen[size_t(next)] == m_stamp)
                    continue;
                m_seen[size_t(next)] = m_stamp;
                m_parent[size_t(next)] = node;
                if (next == to) {
                    std::vector<int32_t> path;
                    for (int32_t at = to; at != -1; at = m_parent[size_t(at)])
                        path.push_back(at);
                    std::reverse(path.begin(), path.end());
                    return path;
                }
                m_queue.push_back(next);
            }
        }
        return {};
    }

private:
    std::vector<std::vector<int32_t>> m_out;
    std::vector<uint32_t> m_seen;
    std::vector<int32_t> m_parent;
    std::vector<int32_t> m_queue;
    uint32_t m_stamp = 0;
};

struct Candidate
{
    int32_t a = 0, b = 0;
    double priority = 0;
    uint64_t tieBreak = 0;
};

/// What the selection shares between groups: exclusions, the graph, the implied pairs found.
struct Context
{
    const Dataset &ds;
    const std::vector<double> &scores;
    const SuggestOptions &options;
    std::vector<int64_t> comparisons;
    std::unordered_set<uint64_t> labelled;
    PreferenceGraph graph;
    Suggestions out;

    Context(const Dataset &d, const std::vector<double> &s, const SuggestOptions &o)
        : ds(d), scores(s), options(o), comparisons(d.items.size(), 0), graph(d)
    {
        labelled.reserve(d.pairs.size() * 2);
        for (const Pair &p : d.pairs) {
            labelled.insert(pairKey(p.a, p.b));
            comparisons[size_t(p.a)] += 1;
            comparisons[size_t(p.b)] += 1;
        }
    }

    /// True when a chain of labels decides the pair one way only (then it is recorded as implied).
    bool implied(int32_t a, int32_t b)
    {
        std::vector<int32_t> ab = graph.chain(a, b), ba = graph.chain(b, a);
        if (ab.empty() == ba.empty()) // no chain, or chains both ways: the labels contradict
            return false;
        ++out.impliedSkipped;
        if (out.implied.size() < options.maxImpliedReported) {
            std::vector<int32_t> &chain = ab.empty() ? ba : ab;
            out.implied.push_back({chain.front(), chain.back(), std::move(chain)});
        }
        return true;
    }

    SuggestedPair describe(const Candidate &c) const
    {
        SuggestedPair s;
        s.a = c.a;
        s.b = c.b;
        s.priority = c.priority;
        s.comparisonsA = comparisons[size_t(c.a)];
        s.comparisonsB = comparisons[size_t(c.b)];
        if (!scores.empty()) {
            s.scoreDiff = scores[size_t(c.a)] - scores[size_t(c.b)];
            s.probabilityA = sigmoid(s.scoreDiff);
        }
        return s;
    }

    double priority(int32_t a, int32_t b) const
    {
        const double novelty =
            0.5 * (1.0 / (1.0 + double(comparisons[size_t(a)])) + 1.0 / (1.0 + double(comparisons[size_t(b)])));
        if (scores.empty())
            return novelty;
        const double p = sigmoid(scores[size_t(a)] - scores[size_t(b)]);
        const double uncertainty = 1.0 - std::fabs(2.0 * p - 1.0);
        const double w = std::clamp(options.coverageWeight, 0.0, 1.0);
        return (1.0 - w) * uncertainty + w * novelty;
    }
};

/// Up to `want` suggestions from one group of items (one item type), by priority.
std::vector<SuggestedPair> pickUncertain(Context &cx, const std::vector<int32_t> &group, size_t want, uint64_t seed)
{
    const size_t n = group.size();
    SplitMix rng{seed};
    std::unordered_set<uint64_t> seen;
    std::vector<Candidate> candidates;
    auto consider = [&](int32_t a, int32_t b) {
        if (a == b)
            return;
        const uint64_t key = pairKey(a, b);
        if (cx.labelled.count(key) || !seen.insert(key).second)
            return;
        // Which item is A is drawn, not the one with the lower index: sides carry no signal.
        if (mix(key ^ seed) & 1)
            std::swap(a, b);
        candidates.push_back({a, b, cx.priority(a, b), mix(key + seed)});
    };
    const size_t partners = std::max<size_t>(cx.options.partnersPerItem, 2);
    size_t random = partners;
    if (!cx.scores.empty()) {
        // Neighbours in score: the pairs whose difference is smallest, without comparing all pairs.
        std::vector<int32_t> byScore = group;
        std::stable_sort(byScore.begin(), byScore.end(),
                         [&](int32_t x, int32_t y) { return cx.scores[size_t(x)] < cx.scores[size_t(y)]; });
        const size_t near = partners / 2;
        random = partners - near;
        for (size_t r = 0; r < n; ++r)
            for (size_t k = 1; k <= near && r + k < n; ++k)
                consider(byScore[r], byScore[r + k]);
    }
    for (size_t r = 0; r < n; ++r)
        for (size_t k = 0; k < random && n > 1; ++k)
            consider(group[r], group[rng.below(n)]);
    cx.out.candidates += int64_t(candidates.size());
    std::sort(candidates.begin(), candidates.end(), [](const Candidate &x, const Candidate &y) {
        return x.priority != y.priority ? x.priority > y.priority : x.tieBreak < y.tieBreak;
    });

    std::vector<SuggestedPair> picked;
    std::vector<char> taken(candidates.size(), 0), ruledOut(candidates.size(), 0);
    std::map<int32_t, size_t> uses;
    // First pass with the per-item cap; a second one without it when the batch is not full.
    for (int pass = 0; pass < 2 && picked.size() < want; ++pass) {
        for (size_t k = 0; k < candidates.size() && picked.size() < want; ++k) {
            const Candidate &c = candidates[k];
            if (taken[k] || ruledOut[k])
                continue;
            if (pass == 0 && (uses[c.a] >= cx.options.maxPerItem || uses[c.b] >= cx.options.maxPerItem))
                continue;
            if (cx.implied(c.a, c.b)) {
                ruledOut[k] = 1;
                continue;
            }
            taken[k] = 1;
            ++uses[c.a];
            ++uses[c.b];
            picked.push_back(cx.describe(c));
        }
    }
    return picked;
}

/// Up to `want` new pairs of the group drawn uniformly at random, with the same exclusions.
std::vector<SuggestedPair> pickRandom(Context &cx, const std::vector<int32_t> &group, size_t want, uint64_t seed)
{
    const size_t n = group.size();
    SplitMix rng{seed};
    std::unordered_set<uint64_t> seen;
    std::vector<SuggestedPair> picked;
    const size_t attempts = 50 * want + 1000;
    for (size_t t = 0; t < attempts && picked.size() < want && n > 1; ++t) {
        const int32_t a = group[rng.below(n)], b = group[rng.below(n)];
        if (a == b)
            continue;
        const uint64_t key = pairKey(a, b);
        if (cx.labelled.count(key) || !seen.insert(key).second)
            continue;
        ++cx.out.candidates;
        if (cx.implied(a, b))
            continue;
        picked.push_back(cx.describe({a, b, 0.0, 0}));
    }
    return picked;
}

} // namespace

const char *toString(SuggestStrategy strategy)
{
    return strategy == SuggestStrategy::Random ? "random" : "uncertain";
}

SuggestStrategy suggestStrategyFromString(const std::string &name)
{
    if (name == "uncertain")
        return SuggestStrategy::Uncertain;
    if (name == "random")
        return SuggestStrategy::Random;
    throw Error("unknown strategy " + name + " (use uncertain or random)");
}

Suggestions suggestPairs(const Dataset &ds, const std::vector<double> &scores, const SuggestOptions &options)
{
    if (!scores.empty() && scores.size() != ds.items.size())
        throw Error("suggest: " + std::to_string(scores.size()) + " model scores for " +
                    std::to_string(ds.items.size()) + " items");
    for (double s : scores)
        if (!std::isfinite(s))
            throw Error("suggest: the model gave an item a score that is not a finite number");
    Context cx(ds, scores, options);
    cx.out.usedModel = !scores.empty();

    // Groups: one per item type (sorted by name), or all items together.
    std::map<std::string, std::vector<int32_t>> groups;
    for (size_t i = 0; i < ds.items.size(); ++i)
        groups[options.withinType ? ds.items[i].itemType : std::string()].push_back(int32_t(i));

    // Each group's best, up to the whole batch, then a share per group in proportion to its items.
    std::vector<std::vector<SuggestedPair>> picks;
    std::vector<size_t> sizes;
    size_t totalItems = 0, g = 0;
    for (const auto &[type, group] : groups) {
        const uint64_t seed = mix(options.seed * 0x100000001B3ull + g++);
        picks.push_back(group.size() < 2 || options.count == 0        ? std::vector<SuggestedPair>()
                        : options.strategy == SuggestStrategy::Random ? pickRandom(cx, group, options.count, seed)
                                                                      : pickUncertain(cx, group, options.count, seed));
        sizes.push_back(picks.back().empty() ? 0 : group.size());
        totalItems += sizes.back();
    }
    std::vector<size_t> quota(picks.size(), 0);
    size_t given = 0;
    if (totalItems > 0) {
        // Largest remainder, then whatever a group cannot use goes to those that can.
        std::vector<std::pair<double, size_t>> remainders;
        for (size_t k = 0; k < picks.size(); ++k) {
            const double exact = double(options.count) * double(sizes[k]) / double(totalItems);
            quota[k] = std::min(size_t(exact), picks[k].size());
            given += quota[k];
            remainders.push_back({exact - std::floor(exact), k});
        }
        std::stable_sort(remainders.begin(), remainders.end(),
                         [](const auto &x, const auto &y) { return x.first > y.first; });
        for (bool progress = true; given < options.count && progress;) {
            progress = false;
            for (const auto &[rest, k] : remainders) {
                if (given < options.count && quota[k] < picks[k].size()) {
                    ++quota[k];
                    ++given;
                    progress = true;
                }
            }
        }
    }
    for (size_t k = 0; k < picks.size(); ++k)
        cx.out.pairs.insert(cx.out.pairs.end(), picks[k].begin(), picks[k].begin() + std::ptrdiff_t(quota[k]));
    if (options.strategy == SuggestStrategy::Uncertain)
        std::stable_sort(cx.out.pairs.begin(), cx.out.pairs.end(),
                         [](const SuggestedPair &x, const SuggestedPair &y) { return x.priority > y.priority; });
    return std::move(cx.out);
}

std::vector<int32_t> preferenceChain(const Dataset &ds, int32_t from, int32_t to)
{
    if (from < 0 || to < 0 || size_t(from) >= ds.items.size() || size_t(to) >= ds.items.size())
        return {};
    PreferenceGraph graph(ds);
    return graph.chain(from, to);
}

} // namespace ranker
