#include "core/trainer.h"

#include "core/dataset.h"
#include "core/error.h"
#include "core/metadata.h"
#include "core/model_p.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <set>

namespace ranker {

void splitPairs(int64_t pairCount, double valSplit, uint64_t seed, std::vector<int32_t> &train,
                std::vector<int32_t> &val)
{
    std::vector<int32_t> order(static_cast<size_t>(pairCount));
    for (int64_t i = 0; i < pairCount; ++i)
        order[size_t(i)] = int32_t(i);
    // Fisher–Yates with our own draw: std::shuffle's use of the engine is implementation-defined.
    std::mt19937_64 engine(seed);
    for (int64_t i = pairCount - 1; i > 0; --i) {
        uint64_t j = engine() % uint64_t(i + 1);
        std::swap(order[size_t(i)], order[size_t(j)]);
    }
    int64_t valCount = int64_t(std::llround(double(pairCount) * valSplit));
    if (valSplit > 0 && valCount == 0 && pairCount >= 2)
        valCount = 1;
    if (valCount >= pairCount)
        valCount = pairCount - 1;
    val.assign(order.begin(), order.begin() + valCount);
    train.assign(order.begin() + valCount, order.end());
    std::sort(val.begin(), val.end());
    std::sort(train.begin(), train.end());
}

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Margin ranking loss for decisive pairs, hinge on |diff| for ties (label 0).
torch::Tensor pairLoss(const torch::Tensor &diff, const torch::Tensor &label, double margin, bool hasTies)
{
    torch::Tensor decisive = (margin - label * diff).clamp_min(0);
    if (!hasTies)
        return decisive;
    torch::Tensor tie = (diff.abs() - margin).clamp_min(0);
    return torch::where(label == 0, tie, decisive);
}

/// Adam exactly as PyTorch defines it (betas 0.9/0.999, eps 1e-8, no weight decay), fused into
/// one pass over each parameter on the CPU: LibTorch's Adam makes about eight passes and
/// allocates a temporary per parameter per step, which on this model is a third of a batch.
/// The pass also clears the gradient, so backward() accumulates into zeros without a memset.
class FusedAdam
{
public:
    FusedAdam(std::vector<torch::Tensor> parameters, double learningRate)
        : m_parameters(std::move(parameters)), m_lr(learningRate)
    {
        for (const torch::Tensor &p : m_parameters) {
            m_expAvg.push_back(torch::zeros_like(p));
            m_expAvgSq.push_back(torch::zeros_like(p));
        }
    }

    void zeroGrad()
    {
        for (torch::Tensor &p : m_parameters)
            if (p.grad().defined())
                p.mutable_grad().zero_();
    }

    void step()
    {
        ++m_step;
        const double bias1 = 1.0 - std::pow(kBeta1, double(m_step));
        const double bias2 = 1.0 - std::pow(kBeta2, double(m_step));
        const float stepSize = float(m_lr / bias1);
        const float bias2Sqrt = float(std::sqrt(bias2));
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < m_parameters.size(); ++i) {
            torch::Tensor &p = m_parameters[i];
            torch::Tensor grad = p.mutable_grad();
            if (!grad.defined())
                continue;
            torch::Tensor &m = m_expAvg[i];
            torch::Tensor &v = m_expAvgSq[i];
            if (p.device().is_cpu() && p.is_contiguous() && grad.is_contiguous()) {
                float *param = p.data_ptr<float>();
                float *g = grad.data_ptr<float>();
                float *mp = m.data_ptr<float>();
                float *vp = v.data_ptr<float>();
                at::parallel_for(0, p.numel(), 16384, [&](int64_t begin, int64_t end) {
                    for (int64_t k = begin; k < end; ++k) {
                        const float gk = g[k];
                        const float mk = kBeta1f * mp[k] + (1.0f - kBeta1f) * gk;
                        const float vk = kBeta2f * vp[k] + (1.0f - kBeta2f) * gk * gk;
                        mp[k] = mk;
                        vp[k] = vk;
                        param[k] -= stepSize * mk / (std::sqrt(vk) / bias2Sqrt + kEps);
                        g[k] = 0.0f;
                    }
                });
            } else {
                m.mul_(kBeta1).add_(grad, 1.0 - kBeta1);
                v.mul_(kBeta2).addcmul_(grad, grad, 1.0 - kBeta2);
                p.addcdiv_(m, v.sqrt().div_(bias2Sqrt).add_(kEps), -double(stepSize));
                grad.zero_();
            }
        }
    }

    OptimizerState state() const
    {
        OptimizerState out;
        if (m_step == 0)
            return out;
        out.step = m_step;
        auto flat = [](const torch::Tensor &t) {
            torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
            return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        };
        for (size_t i = 0; i < m_parameters.size(); ++i) {
            out.expAvg.push_back(flat(m_expAvg[i]));
            out.expAvgSq.push_back(flat(m_expAvgSq[i]));
        }
        return out;
    }

    void restore(const OptimizerState &saved)
    {
        if (saved.empty() || saved.expAvg.size() != m_parameters.size())
            return;
        torch::NoGradGuard noGrad;
        m_step = saved.step;
        for (size_t i = 0; i < m_parameters.size(); ++i) {
            const torch::Tensor &p = m_parameters[i];
            auto tensor = [&](const std::vector<float> &values) {
                return torch::from_blob(const_cast<float *>(values.data()), p.sizes(), torch::kFloat32).to(p.device());
            };
            m_expAvg[i].copy_(tensor(saved.expAvg[i]));
            m_expAvgSq[i].copy_(tensor(saved.expAvgSq[i]));
        }
    }

private:
    static constexpr double kBeta1 = 0.9, kBeta2 = 0.999;
    static constexpr float kBeta1f = 0.9f, kBeta2f = 0.999f, kEps = 1e-8f;
    std::vector<torch::Tensor> m_parameters;
    std::vector<torch::Tensor> m_expAvg, m_expAvgSq;
    double m_lr = 0.001;
    int64_t m_step = 0;
};

/// Weights and optimizer moments at the end of one epoch.
struct Snapshot
{
    int epoch = 0;
    std::vector<torch::Tensor> parameters;
    OptimizerState optimizer;
};

struct SplitStats
{
    double loss = kNaN;
    double accuracy = kNaN;
    double tieAgreement = kNaN;
};

} // namespace

TrainResult train(const Dataset &ds, const TrainConfig &config, TrainingObserver &observer, const Checkpoint *resume)
{
    config.validate();
    if (ds.pairs.empty())
        throw Error(ds.path + ": no valid pairs to train on" +
                    (ds.skipped.empty() ? std::string()
                                        : " (" + std::to_string(ds.skipped.size()) + " lines skipped; first, line " +
                                              std::to_string(ds.skipped.front().line) + ": " + ds.skipped.front().reason + ")"));
    if (ds.embeddingDim != config.embeddingDim)
        throw Error("the dataset was read with --embedding-dim " + std::to_string(ds.embeddingDim) +
                    " but training asks for " + std::to_string(config.embeddingDim));
    const Clock::time_point runStart = Clock::now();
    setThreadCount(config.threads);
    TrainResult result;
    result.device = resolveDevice(config.device);
    result.threads = torch::get_num_threads();
    result.epochsRequested = config.epochs;
    const torch::Device device(result.device);
    const bool hasVal = config.valSplit > 0;

    splitPairs(int64_t(ds.pairs.size()), config.valSplit, config.seed, result.trainPairIndices, result.valPairIndices);
    auto usable = [&](int32_t index) { return config.ties == TiePolicy::Hinge || ds.pairs[size_t(index)].label != 0; };
    std::vector<int64_t> trainList, valList;
    for (int32_t i : result.trainPairIndices)
        if (usable(i))
            trainList.push_back(i);
    for (int32_t i : result.valPairIndices)
        if (usable(i))
            valList.push_back(i);
    if (trainList.empty())
        throw Error(ds.path + ": no pairs left to train on after the validation split" +
                    std::string(config.ties == TiePolicy::Skip ? " and leaving ties out" : "") + " (" +
                    std::to_string(ds.pairs.size()) + " valid pairs)");
    result.trainPairs = int64_t(trainList.size());
    result.valPairs = int64_t(valList.size());
    result.keep = config.keep == KeepPolicy::Auto ? (valList.empty() ? KeepPolicy::Last : KeepPolicy::Best) : config.keep;
    if (result.keep == KeepPolicy::Best && valList.empty()) {
        observer.onLog("--keep best needs a validation split; keeping the last epoch instead");
        result.keep = KeepPolicy::Last;
    }

    // The feature layout: from the training split, or the checkpoint's when resuming.
    FeatureLayout layout;
    int hidden = config.hiddenDim;
    int firstEpoch = 1;
    if (resume) {
        layout = resume->weights.layout;
        hidden = resume->weights.hiddenDim;
        firstEpoch = resume->epoch + 1;
        if (layout.embeddingDim != ds.embeddingDim)
            throw Error("the checkpoint expects " + std::to_string(layout.embeddingDim) +
                        "-dimensional embeddings, the dataset has " + std::to_string(ds.embeddingDim));
        std::set<std::string> known(layout.metricNames.begin(), layout.metricNames.end());
        for (const std::string &name : ds.metricNames)
            if (!known.count(name))
                observer.onLog("metric \"" + name + "\" is not in the checkpoint's feature layout and is ignored");
        if (hidden != config.hiddenDim)
            observer.onLog("resuming with the checkpoint's hidden dimension " + std::to_string(hidden));
    } else {
        std::vector<char> seen(ds.items.size(), 0);
        std::vector<int32_t> trainingItems;
        for (int32_t i : result.trainPairIndices)
            for (int32_t item : {ds.pairs[size_t(i)].a, ds.pairs[size_t(i)].b})
                if (!seen[size_t(item)]) {
                    seen[size_t(item)] = 1;
                    trainingItems.push_back(item);
                }
        std::sort(trainingItems.begin(), trainingItems.end());
        layout = computeLayout(ds, trainingItems);
    }
    result.firstEpoch = firstEpoch;
    const int lastEpoch = firstEpoch + config.epochs - 1;
    if (resume) {
        result.lossHistory = resume->lossHistory;
        result.valLossHistory = resume->valLossHistory;
    }

    // Same seed, data and settings: same initial weights, shuffles and dropout masks.
    torch::manual_seed(config.seed + uint64_t(firstEpoch - 1));
    RankerNet net(layout.featureDim(), hidden, config.dropout);
    {
        torch::NoGradGuard noGrad;
        net->feature_mean.copy_(torch::tensor(layout.mean));
        net->feature_std.copy_(torch::tensor(layout.std));
    }
    if (resume)
        loadWeights(net, resume->weights);
    net->to(device);
    std::vector<torch::Tensor> parameters = orderedParameters(net);
    FusedAdam optimizer(parameters, config.learningRate);
    if (resume)
        optimizer.restore(resume->optimizer);

    // Whole-tensor data: one standardised feature row per unique item, index tensors for pairs.
    std::vector<float> rows = rawFeatureMatrix(ds, layout);
    standardise(rows, layout);
    const int64_t features = layout.featureDim();
    torch::Tensor X =
        torch::from_blob(rows.data(), {int64_t(ds.items.size()), features}, torch::kFloat32).clone().to(device);
    std::vector<float>().swap(rows);
    const int64_t pairCount = int64_t(ds.pairs.size());
    std::vector<int64_t> aIndex(static_cast<size_t>(pairCount)), bIndex(static_cast<size_t>(pairCount));
    std::vector<float> labelValues(static_cast<size_t>(pairCount));
    for (size_t i = 0; i < size_t(pairCount); ++i) {
        aIndex[i] = ds.pairs[i].a;
        bIndex[i] = ds.pairs[i].b;
        labelValues[i] = float(ds.pairs[i].label);
    }
    torch::Tensor pairA = torch::tensor(aIndex, torch::kLong);
    torch::Tensor pairB = torch::tensor(bIndex, torch::kLong);
    torch::Tensor labels = torch::tensor(labelValues, torch::kFloat32);
    pairA = pairA.to(device);
    pairB = pairB.to(device);
    labels = labels.to(device);
    const torch::Tensor trainIndex = torch::tensor(trainList, torch::kLong);
    bool trainHasTies = false;
    for (int64_t i : trainList)
        trainHasTies |= ds.pairs[size_t(i)].label == 0;

    auto takeSnapshot = [&](int epoch) {
        Snapshot s;
        s.epoch = epoch;
        for (const torch::Tensor &p : parameters)
            s.parameters.push_back(p.detach().clone());
        s.optimizer = optimizer.state();
        return s;
    };
    Snapshot kept = takeSnapshot(firstEpoch - 1);
    if (resume)
        kept.optimizer = resume->optimizer;
    double bestValLoss = std::numeric_limits<double>::infinity();

    // Validation scores each unique item of the split once, then takes differences: fewer rows
    // than scoring A and B of every pair.
    struct SplitIndex
    {
        torch::Tensor items;      ///< unique item rows of the split
        torch::Tensor positionA;  ///< per pair: position of A in `items`
        torch::Tensor positionB;
        torch::Tensor labels;
    };
    auto makeSplitIndex = [&](const std::vector<int64_t> &pairs) {
        SplitIndex split;
        std::vector<int64_t> position(ds.items.size(), -1), items, posA, posB;
        std::vector<float> y;
        for (int64_t i : pairs) {
            const Pair &p = ds.pairs[size_t(i)];
            for (int32_t item : {p.a, p.b})
                if (position[size_t(item)] < 0) {
                    position[size_t(item)] = int64_t(items.size());
                    items.push_back(item);
                }
            posA.push_back(position[size_t(p.a)]);
            posB.push_back(position[size_t(p.b)]);
            y.push_back(float(p.label));
        }
        split.items = torch::tensor(items, torch::kLong).to(device);
        split.positionA = torch::tensor(posA, torch::kLong).to(device);
        split.positionB = torch::tensor(posB, torch::kLong).to(device);
        split.labels = torch::tensor(y, torch::kFloat32).to(device);
        return split;
    };
    const SplitIndex valSplit = makeSplitIndex(valList);

    auto evaluateSplit = [&](const SplitIndex &split) {
        SplitStats stats;
        const int64_t pairs = split.labels.numel();
        if (pairs == 0)
            return stats;
        torch::NoGradGuard noGrad;
        net->eval();
        const torch::Tensor scores = net->scoreStandardised(X.index_select(0, split.items));
        const torch::Tensor diff = scores.index_select(0, split.positionA) - scores.index_select(0, split.positionB);
        const torch::Tensor &y = split.labels;
        net->train();
        const torch::Tensor isDecisive = y != 0, isTie = y == 0;
        const double decisive = isDecisive.sum().item<double>(), ties = isTie.sum().item<double>();
        stats.loss = pairLoss(diff, y, config.margin, true).sum().item<double>() / double(pairs);
        stats.accuracy = decisive > 0 ? ((diff * y) > 0).logical_and(isDecisive).sum().item<double>() / decisive : kNaN;
        stats.tieAgreement = ties > 0 ? (diff.abs() < config.margin).logical_and(isTie).sum().item<double>() / ties : kNaN;
        return stats;
    };

    const bool onCpu = device.is_cpu();
    const int64_t trainCount = trainIndex.numel();
    const int64_t batchSize = std::min<int64_t>(config.batchSize, trainCount);
    const int batches = int((trainCount + batchSize - 1) / batchSize);
    observer.onLog("training on " + std::to_string(trainCount) + " pairs, validating on " +
                   std::to_string(valList.size()) + "; " + std::to_string(features) + " features, device " +
                   result.device + ", " + std::to_string(result.threads) + (result.threads == 1 ? " thread" : " threads"));

    net->train();
    optimizer.zeroGrad();
    for (int epoch = firstEpoch; epoch <= lastEpoch && result.end == RunEnd::Completed; ++epoch) {
        const Clock::time_point epochStart = Clock::now();
        const torch::Tensor order = trainIndex.index_select(0, torch::randperm(trainCount, torch::kLong)).to(device);
        double lossSum = 0;
        torch::Tensor correct = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(device));
        torch::Tensor decisive = torch::zeros_like(correct);
        int64_t correctCount = 0, decisiveCount = 0;
        int64_t seen = 0;
        for (int batch = 0; batch < batches; ++batch) {
            if (observer.stopRequested()) {
                result.end = RunEnd::Cancelled;
                result.message = "stopped during epoch " + std::to_string(epoch);
                break;
            }
            const int64_t start = int64_t(batch) * batchSize;
            const torch::Tensor idx = order.slice(0, start, std::min(trainCount, start + batchSize));
            const int64_t n = idx.numel();
            // Score A and B in one pass: one larger matrix product instead of two.
            const torch::Tensor scores =
                net->scoreStandardised(X.index_select(0, torch::cat({pairA.index_select(0, idx), pairB.index_select(0, idx)})));
            const torch::Tensor diff = scores.slice(0, 0, n) - scores.slice(0, n, 2 * n);
            const torch::Tensor y = labels.index_select(0, idx);
            const torch::Tensor loss = pairLoss(diff, y, config.margin, trainHasTies).mean();
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue)) {
                result.end = RunEnd::Diverged;
                result.message = "diverged: the loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") +
                                 " in epoch " + std::to_string(epoch) + ", batch " + std::to_string(batch + 1) +
                                 "; try a lower learning rate";
                break;
            }
            loss.backward();
            optimizer.step();
            if (onCpu) {
                // A handful of values: a plain loop beats four tensor ops.
                const torch::Tensor d = diff.detach();
                const float *dp = d.data_ptr<float>();
                const float *yp = y.data_ptr<float>();
                for (int64_t k = 0; k < n; ++k)
                    if (yp[k] != 0.0f) {
                        ++decisiveCount;
                        correctCount += dp[k] * yp[k] > 0.0f;
                    }
            } else {
                torch::NoGradGuard noGrad;
                const torch::Tensor isDecisive = y != 0;
                correct += ((diff * y) > 0).logical_and(isDecisive).sum();
                decisive += isDecisive.sum();
            }
            lossSum += lossValue * double(n);
            seen += n;
            BatchReport br;
            br.epoch = epoch;
            br.batch = batch + 1;
            br.batches = batches;
            br.loss = lossValue;
            br.runningLoss = lossSum / double(seen);
            observer.onBatch(br);
        }
        if (result.end != RunEnd::Completed)
            break;
        const double trainSeconds = secondsSince(epochStart);
        bool finite = true;
        for (const torch::Tensor &p : parameters)
            finite = finite && torch::isfinite(p).all().item<bool>();
        EpochReport report;
        report.epoch = epoch;
        report.epochs = lastEpoch;
        report.trainLoss = lossSum / double(seen);
        correctCount += correct.item<int64_t>();
        decisiveCount += decisive.item<int64_t>();
        report.trainAccuracy = decisiveCount > 0 ? double(correctCount) / double(decisiveCount) : kNaN;
        SplitStats val = evaluateSplit(valSplit);
        report.valLoss = val.loss;
        report.valAccuracy = val.accuracy;
        report.valTieAgreement = val.tieAgreement;
        report.seconds = secondsSince(epochStart);
        report.trainSeconds = trainSeconds;
        report.pairsPerSecond = trainSeconds > 0 ? double(seen) / trainSeconds : 0;
        if (!finite || (hasVal && !valList.empty() && !std::isfinite(report.valLoss))) {
            result.end = RunEnd::Diverged;
            result.message = "diverged: the weights became non-finite in epoch " + std::to_string(epoch) +
                             "; try a lower learning rate";
            break;
        }
        result.history.push_back(report);
        result.lossHistory.push_back(report.trainLoss);
        result.valLossHistory.push_back(report.valLoss);
        result.epochsCompleted = epoch;
        if (result.keep == KeepPolicy::Last) {
            kept = takeSnapshot(epoch);
        } else if (report.valLoss < bestValLoss) {
            bestValLoss = report.valLoss;
            kept = takeSnapshot(epoch);
        }
        observer.onEpoch(report);
    }
    if (result.epochsCompleted == 0)
        result.epochsCompleted = firstEpoch - 1;

    // Put the kept weights back (the best epoch's, the last epoch's, or the last good ones).
    {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < parameters.size(); ++i)
            parameters[i].copy_(kept.parameters[i]);
    }
    result.keptEpoch = kept.epoch;
    if (result.end == RunEnd::Completed)
        result.message = "completed " + std::to_string(config.epochs) + " epochs";
    if (result.end != RunEnd::Completed)
        result.message += "; kept the weights of epoch " + std::to_string(kept.epoch);
    result.seconds = secondsSince(runStart);

    Checkpoint &cp = result.checkpoint;
    cp.weights = weightsOf(net, layout, hidden);
    cp.optimizer = kept.optimizer;
    cp.epoch = result.epochsCompleted;
    cp.lossHistory = result.lossHistory;
    cp.valLossHistory = result.valLossHistory;
    nlohmann::json configJson = toJson(config);
    configJson["hidden_dim"] = hidden;
    configJson["kept_epoch"] = kept.epoch;
    cp.configJson = configJson.dump();
    return result;
}

} // namespace ranker
