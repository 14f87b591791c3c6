#include "core/trainer.h"

#include "core/dataset.h"
#include "core/error.h"
#include "core/metadata.h"
#include "core/model_p.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <set>

namespace ranker {

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

/// Adam exactly as PyTorch defines it (betas 0.9/0.999, eps 1e-8, L2 weight decay added to the
/// gradient as torch.optim.Adam's weight_decay does), fused into
/// one pass over each parameter on the CPU: LibTorch's Adam makes about eight passes and
/// allocates a temporary per parameter per step, which on this model is a third of a batch.
/// The pass also clears the gradient, so backward() accumulates into zeros without a memset.
class FusedAdam
{
public:
    FusedAdam(std::vector<torch::Tensor> parameters, double learningRate, double weightDecay)
        : m_parameters(std::move(parameters)), m_lr(learningRate), m_weightDecay(float(weightDecay))
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
        const float decay = m_weightDecay;
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
                        const float gk = g[k] + decay * param[k];
                        const float mk = kBeta1f * mp[k] + (1.0f - kBeta1f) * gk;
                        const float vk = kBeta2f * vp[k] + (1.0f - kBeta2f) * gk * gk;
                        mp[k] = mk;
                        vp[k] = vk;
                        param[k] -= stepSize * mk / (std::sqrt(vk) / bias2Sqrt + kEps);
                        g[k] = 0.0f;
                    }
                });
            } else {
                if (decay != 0.0f)
                    grad.add_(p, decay);
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
        if (saved.empty() || saved.expAvg.size() != m_parameters.size() ||
            saved.expAvgSq.size() != m_parameters.size())
            return;
        for (size_t i = 0; i < m_parameters.size(); ++i)
            if (int64_t(saved.expAvg[i].size()) != m_parameters[i].numel() ||
                int64_t(saved.expAvgSq[i].size()) != m_parameters[i].numel())
                throw Error("the checkpoint's Adam state does not fit the model's parameter " + std::to_string(i));
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
    float m_weightDecay = 0;
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


namespace {

/// A set of pairs to evaluate: its unique items once, and per pair where A and B are among them
/// (fewer rows to score than A and B of every pair).
struct EvalSet
{
    torch::Tensor items;     ///< unique item rows of the set
    torch::Tensor positionA; ///< per pair: position of A in `items`
    torch::Tensor positionB;
    torch::Tensor labels;
    int64_t pairs = 0;
};

EvalSet makeEvalSet(const Dataset &ds, const std::vector<int64_t> &pairs, const torch::Device &device)
{
    EvalSet set;
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
    set.items = torch::tensor(items, torch::kLong).to(device);
    set.positionA = torch::tensor(posA, torch::kLong).to(device);
    set.positionB = torch::tensor(posB, torch::kLong).to(device);
    set.labels = torch::tensor(y, torch::kFloat32).to(device);
    set.pairs = int64_t(pairs.size());
    return set;
}

/// Loss (ties by hinge, whatever the training policy), accuracy on decisive pairs and tie
/// agreement of `net` on `set`, in evaluation mode.
SplitStats evaluateSet(RankerNet &net, const torch::Tensor &X, const EvalSet &set, double margin)
{
    SplitStats stats;
    if (set.pairs == 0)
        return stats;
    torch::NoGradGuard noGrad;
    net->eval();
    const torch::Tensor scores = net->scoreStandardised(X.index_select(0, set.items));
    const torch::Tensor diff = scores.index_select(0, set.positionA) - scores.index_select(0, set.positionB);
    const torch::Tensor &y = set.labels;
    net->train();
    const torch::Tensor isDecisive = y != 0, isTie = y == 0;
    const double decisive = isDecisive.sum().item<double>(), ties = isTie.sum().item<double>();
    stats.loss = pairLoss(diff, y, margin, true).sum().item<double>() / double(set.pairs);
    stats.accuracy = decisive > 0 ? ((diff * y) > 0).logical_and(isDecisive).sum().item<double>() / decisive : kNaN;
    stats.tieAgreement = ties > 0 ? (diff.abs() < margin).logical_and(isTie).sum().item<double>() / ties : kNaN;
    return stats;
}

/// The unique items of `pairs`, ascending.
std::vector<int32_t> itemsOf(const Dataset &ds, const std::vector<int32_t> &pairs)
{
    std::vector<char> seen(ds.items.size(), 0);
    std::vector<int32_t> items;
    for (int32_t i : pairs)
        for (int32_t item : {ds.pairs[size_t(i)].a, ds.pairs[size_t(i)].b})
            if (!seen[size_t(item)]) {
                seen[size_t(item)] = 1;
                items.push_back(item);
            }
    std::sort(items.begin(), items.end());
    return items;
}

} // namespace

const EpochReport *TrainResult::keptReport() const
{
    for (const EpochReport &e : history)
        if (e.epoch == keptEpoch)
            return &e;
    return nullptr;
}

TrainResult train(const Dataset &ds, const TrainConfig &config, TrainingObserver &observer, const Checkpoint *resume,
                  const DataSplit *givenSplit)
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
    DataSplit split;
    std::string validationProblem;
    if (givenSplit) {
        split = *givenSplit;
    } else {
        split = makeSplit(ds, config.valBy, config.valSplit, config.seed);
        validationProblem = splitProblem(ds, split, config.valSplit, kMinValidationPairs);
        if (!validationProblem.empty()) {
            // A figure from a handful of pairs would only mislead: train on every pair, say why there
            // is no validation figure and what to do (the run's verdict repeats it).
            observer.onLog("no validation: " + validationProblem);
            split = trainOnAll(ds);
        }
    }
    const Clock::time_point runStart = Clock::now();
    setThreadCount(config.threads);
    TrainResult result;
    result.device = resolveDevice(config.device);
    result.threads = torch::get_num_threads();
    result.epochsRequested = config.epochs;
    const torch::Device device(result.device);

    result.valBy = split.by;
    result.validationProblem = validationProblem;
    result.heldOutItems = int64_t(split.heldOutItems.size());
    result.trainPairIndices = split.train;
    result.valPairIndices = split.val;
    result.crossPairIndices = split.cross;
    auto usable = [&](const std::vector<int32_t> &pairs) {
        std::vector<int64_t> out;
        for (int32_t i : pairs)
            if (config.ties == TiePolicy::Hinge || ds.pairs[size_t(i)].label != 0)
                out.push_back(i);
        return out;
    };
    const std::vector<int64_t> trainList = usable(split.train), valList = usable(split.val),
                               crossList = usable(split.cross);
    if (trainList.empty())
        throw Error(ds.path + ": no pairs left to train on after the validation split" +
                    std::string(config.ties == TiePolicy::Skip ? " and leaving ties out" : "") + " (" +
                    std::to_string(ds.pairs.size()) + " valid pairs)");
    result.trainPairs = int64_t(trainList.size());
    result.valPairs = int64_t(valList.size());
    result.crossPairs = int64_t(crossList.size());
    const bool hasVal = !valList.empty();
    result.keep = config.keep == KeepPolicy::Auto ? (hasVal ? KeepPolicy::Best : KeepPolicy::Last) : config.keep;
    if (result.keep == KeepPolicy::Best && !hasVal) {
        observer.onLog("--keep best needs a validation split; keeping the last epoch instead");
        result.keep = KeepPolicy::Last;
    }
    if (config.patience > 0 && !hasVal)
        observer.onLog("--patience needs a validation split; training all " + std::to_string(config.epochs) + " epochs");

    // The feature layout: from the training items (never the held-out ones), or the checkpoint's.
    FeatureLayout layout;
    int hidden = config.hiddenDim;
    int firstEpoch = 1;
    result.trainingItems = itemsOf(ds, split.train);
    if (resume) {
        layout = resume->weights.layout;
        hidden = resume->weights.hiddenDim;
        firstEpoch = resume->epoch + 1;
        if (layout.embeddingDim != ds.embeddingDim)
            throw Error("the checkpoint expects " + std::to_string(layout.embeddingDim) +
                        "-dimensional embeddings, the dataset has " + std::to_string(ds.embeddingDim));
        if (int64_t(resume->epoch) + int64_t(config.epochs) > 1000000)
            throw Error("the checkpoint is at epoch " + std::to_string(resume->epoch) + "; with --epochs " +
                        std::to_string(config.epochs) + " the run would pass epoch 1000000");
        std::set<std::string> known(layout.metricNames.begin(), layout.metricNames.end());
        for (const std::string &name : ds.metricNames)
            if (!known.count(name))
                observer.onLog("metric \"" + name + "\" is not in the checkpoint's feature layout and is ignored");
        if (hidden != config.hiddenDim)
            observer.onLog("resuming with the checkpoint's hidden dimension " + std::to_string(hidden));
    } else {
        layout = computeLayout(ds, result.trainingItems);
    }
    result.firstEpoch = firstEpoch;
    const int lastEpoch = firstEpoch + config.epochs - 1;
    if (resume) {
        result.lossHistory = resume->lossHistory;
        result.valLossHistory = resume->valLossHistory;
    }
    const size_t resumedHistory = result.lossHistory.size();

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
    FusedAdam optimizer(parameters, config.learningRate, config.weightDecay);
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
    torch::Tensor pairA = torch::tensor(aIndex, torch::kLong).to(device);
    torch::Tensor pairB = torch::tensor(bIndex, torch::kLong).to(device);
    torch::Tensor labels = torch::tensor(labelValues, torch::kFloat32).to(device);
    const torch::Tensor trainIndex = torch::tensor(trainList, torch::kLong);
    bool trainHasTies = false;
    for (int64_t i : trainList)
        trainHasTies |= ds.pairs[size_t(i)].label == 0;
    const EvalSet valSet = makeEvalSet(ds, valList, device);
    const EvalSet crossSet = makeEvalSet(ds, crossList, device);

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
    // Which loss chooses the kept epoch (and stops early): under an item split, that of the pairs
    // with one held-out item, so that the pairs of two held-out items, which report the figure, take
    // no part in any choice. Choosing the epoch on the same pairs that then report it reads high:
    // measured on coin-flip labels (sample, 5 folds, 13 pairs a fold), 66 % instead of 50 %.
    const bool selectOnCross = split.by == ValidationBy::Items && !crossList.empty() && hasVal;
    result.selectedBy = selectOnCross ? "one-new-item pairs" : hasVal ? "validation pairs" : "";
    double bestValLoss = std::numeric_limits<double>::infinity();

    const bool onCpu = device.is_cpu();
    const int64_t trainCount = trainIndex.numel();
    const int64_t batchSize = std::min<int64_t>(config.batchSize, trainCount);
    const int batches = int((trainCount + batchSize - 1) / batchSize);
    std::string where = "validating on " + std::to_string(valList.size());
    if (split.by == ValidationBy::Items && hasVal)
        where += " pairs of " + std::to_string(split.heldOutItems.size()) + " held-out items (" +
                 std::to_string(crossList.size()) + " pairs with one held-out item scored apart)";
    else if (split.by == ValidationBy::Pairs && hasVal)
        where += " held-out pairs (their items are trained on: optimistic)";
    observer.onLog("training on " + std::to_string(trainCount) + " pairs, " + where + "; " + std::to_string(features) +
                   " features, device " + result.device + ", " + std::to_string(result.threads) +
                   (result.threads == 1 ? " thread" : " threads"));

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
        const SplitStats val = evaluateSet(net, X, valSet, config.margin);
        report.valLoss = val.loss;
        report.valAccuracy = val.accuracy;
        report.valTieAgreement = val.tieAgreement;
        const SplitStats cross = evaluateSet(net, X, crossSet, config.margin);
        report.crossLoss = cross.loss;
        report.crossAccuracy = cross.accuracy;
        report.seconds = secondsSince(epochStart);
        report.trainSeconds = trainSeconds;
        report.pairsPerSecond = trainSeconds > 0 ? double(seen) / trainSeconds : 0;
        if (!finite || (hasVal && !std::isfinite(report.valLoss))) {
            result.end = RunEnd::Diverged;
            result.message = "diverged: the weights became non-finite in epoch " + std::to_string(epoch) +
                             "; try a lower learning rate";
            break;
        }
        result.history.push_back(report);
        result.lossHistory.push_back(report.trainLoss);
        result.valLossHistory.push_back(report.valLoss);
        result.epochsCompleted = epoch;
        const double selectionLoss = selectOnCross ? report.crossLoss : report.valLoss;
        if (hasVal && selectionLoss < bestValLoss) {
            bestValLoss = selectionLoss;
            result.bestEpoch = epoch;
            if (result.keep == KeepPolicy::Best)
                kept = takeSnapshot(epoch);
        }
        if (result.keep == KeepPolicy::Last)
            kept = takeSnapshot(epoch);
        observer.onEpoch(report);
        if (config.patience > 0 && hasVal && epoch < lastEpoch && epoch - result.bestEpoch >= config.patience) {
            result.stoppedEarly = true;
            result.message = "stopped early after epoch " + std::to_string(epoch) + ": the " +
                             std::string(selectOnCross ? "one-new-item" : "validation") + " loss had not improved for " +
                             std::to_string(config.patience) + " epochs (lowest at epoch " +
                             std::to_string(result.bestEpoch) + ")";
            break;
        }
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
    if (result.end == RunEnd::Completed && !result.stoppedEarly)
        result.message = "completed " + std::to_string(config.epochs) + " epochs" +
                         (firstEpoch > 1 ? " (" + std::to_string(firstEpoch) + "–" + std::to_string(lastEpoch) + ")"
                                         : std::string());
    if (result.end != RunEnd::Completed || result.keptEpoch != result.epochsCompleted)
        result.message += "; kept the weights of epoch " + std::to_string(kept.epoch);
    result.seconds = secondsSince(runStart);

    // The checkpoint is one consistent state: the kept epoch's weights, its Adam moments, its epoch
    // number and the histories up to it, so that --resume continues from exactly there.
    Checkpoint &cp = result.checkpoint;
    cp.weights = weightsOf(net, layout, hidden);
    cp.optimizer = kept.optimizer;
    cp.epoch = kept.epoch;
    const size_t keptEntries = resumedHistory + size_t(std::max(0, kept.epoch - (firstEpoch - 1)));
    cp.lossHistory.assign(result.lossHistory.begin(),
                          result.lossHistory.begin() + std::min(keptEntries, result.lossHistory.size()));
    cp.valLossHistory.assign(result.valLossHistory.begin(),
                             result.valLossHistory.begin() + std::min(keptEntries, result.valLossHistory.size()));
    nlohmann::json configJson = toJson(config);
    configJson["hidden_dim"] = hidden;
    configJson["kept_epoch"] = kept.epoch;
    cp.configJson = configJson.dump();
    return result;
}

} // namespace ranker
