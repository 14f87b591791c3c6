#include "core/training/engine_p.h"

#include "core/dataset.h"
#include "core/training/fast_mlp.h"
#include "core/training/work_pool.h"

#include <cmath>

namespace ranker {

EvalSet makeEvalSet(const Dataset &ds, const std::vector<int64_t> &pairs)
{
    EvalSet set;
    std::vector<int32_t> position(ds.items.size(), -1);
    for (int64_t i : pairs) {
        const Pair &p = ds.pairs[size_t(i)];
        for (int32_t item : {p.a, p.b})
            if (position[size_t(item)] < 0) {
                position[size_t(item)] = int32_t(set.items.size());
                set.items.push_back(item);
            }
        set.positionA.push_back(position[size_t(p.a)]);
        set.positionB.push_back(position[size_t(p.b)]);
        set.labels.push_back(float(p.label));
    }
    set.pairs = int64_t(pairs.size());
    return set;
}

SplitStats pairStats(const float *diff, const EvalSet &set, double margin)
{
    SplitStats stats;
    if (set.pairs == 0)
        return stats;
    const float m = float(margin);
    double loss = 0;
    int64_t decisive = 0, correct = 0, ties = 0, agreeing = 0;
    for (int64_t i = 0; i < set.pairs; ++i) {
        const float d = diff[i], y = set.labels[size_t(i)];
        if (y == 0.0f) {
            loss += std::max(0.0f, std::fabs(d) - m);
            ++ties;
            agreeing += std::fabs(d) < m;
        } else {
            loss += std::max(0.0f, m - y * d);
            ++decisive;
            correct += d * y > 0.0f;
        }
    }
    stats.loss = loss / double(set.pairs);
    stats.accuracy = decisive > 0 ? double(correct) / double(decisive) : kNaN;
    stats.tieAgreement = ties > 0 ? double(agreeing) / double(ties) : kNaN;
    return stats;
}

namespace {

class FastEngine final : public TrainingEngine
{
public:
    FastEngine(const TrainingData &data, const TrainConfig &config, const ModelWeights &initial,
               const OptimizerState &resumed, int maxBatch, int threads)
        : m_data(data), m_seed(config.seed), m_margin(float(config.margin)),
          m_net(FastShape{data.featureDim, initial.hiddenDim, maxBatch}, config.dropout, config.learningRate,
                config.weightDecay),
          m_pool(threads, &SingleThreadedBlas::onHelperStart)
    {
        m_net.setWeights(initial);
        m_net.setOptimizerState(resumed);
        m_itemA.resize(size_t(maxBatch));
        m_itemB.resize(size_t(maxBatch));
        m_label.resize(size_t(maxBatch));
        m_diff.resize(size_t(maxBatch));
    }

    void beginEpoch(const std::vector<int64_t> &order) override
    {
        m_order = &order;
        m_correct = m_decisive = 0;
    }

    double step(int64_t start, int64_t n, int epoch, int batch) override
    {
        for (int64_t k = 0; k < n; ++k) {
            const size_t pair = size_t((*m_order)[size_t(start + k)]);
            m_itemA[size_t(k)] = (*m_data.pairA)[pair];
            m_itemB[size_t(k)] = (*m_data.pairB)[pair];
            m_label[size_t(k)] = (*m_data.labels)[pair];
        }
        FastRanker::Batch b;
        b.features = m_data.features->data();
        b.itemA = m_itemA.data();
        b.itemB = m_itemB.data();
        b.label = m_label.data();
        b.pairs = int(n);
        b.hasTies = m_data.trainHasTies;
        b.margin = m_margin;
        b.dropoutKey = dropoutKey(m_seed, epoch, batch);
        const double loss = m_net.step(b, m_diff.data(), m_pool);
        if (std::isfinite(loss))
            for (int64_t k = 0; k < n; ++k)
                if (m_label[size_t(k)] != 0.0f) {
                    ++m_decisive;
                    m_correct += m_diff[size_t(k)] * m_label[size_t(k)] > 0.0f;
                }
        return loss;
    }

    void epochAccuracy(int64_t &correct, int64_t &decisive) override
    {
        correct = m_correct;
        decisive = m_decisive;
    }

    SplitStats evaluate(const EvalSet &set) override
    {
        if (set.pairs == 0)
            return {};
        std::vector<float> scores(set.items.size()), diff(size_t(set.pairs));
        m_net.score(m_data.features->data(), set.items.data(), int64_t(set.items.size()), scores.data(), m_pool);
        for (size_t i = 0; i < diff.size(); ++i)
            diff[i] = scores[size_t(set.positionA[i])] - scores[size_t(set.positionB[i])];
        return pairStats(diff.data(), set, m_margin);
    }

    bool parametersFinite() override { return m_net.parametersFinite(); }
    std::vector<std::vector<float>> parameters() override { return m_net.parameters(); }
    void setParameters(const std::vector<std::vector<float>> &p) override { m_net.setParameters(p); }
    OptimizerState optimizerState() override { return m_net.optimizerState(); }

private:
    TrainingData m_data;
    uint64_t m_seed = 0;
    float m_margin = 1.0f;
    SingleThreadedBlas m_blas; // before the pool and the first product
    FastRanker m_net;
    WorkPool m_pool;
    const std::vector<int64_t> *m_order = nullptr;
    std::vector<int32_t> m_itemA, m_itemB;
    std::vector<float> m_label, m_diff;
    int64_t m_correct = 0, m_decisive = 0;
};

} // namespace

std::unique_ptr<TrainingEngine> makeFastEngine(const TrainingData &data, const TrainConfig &config,
                                               const ModelWeights &initial, const OptimizerState &resumed, int maxBatch,
                                               int threads)
{
    return std::make_unique<FastEngine>(data, config, initial, resumed, maxBatch, threads);
}

} // namespace ranker
