#include "core/export/checkpoint_io.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/export/pickle.h"
#include "core/export/zip_archive.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "storages are written in the host's byte order");

namespace ranker {

namespace fs = std::filesystem;
using pickle::DType;
using pickle::PickleWriter;
using pickle::TensorRef;
using pickle::Value;

namespace {

const char *const kParameterNames[6] = {"shared_layer.0.weight", "shared_layer.0.bias", "shared_layer.3.weight",
                                        "shared_layer.3.bias",   "score_layer.weight",  "score_layer.bias"};
constexpr int kMaxHidden = 1 << 16;   // as --hidden-dim
constexpr int kMaxFeatures = 1 << 21; // --embedding-dim's 2^20 and as many metrics
constexpr size_t kMaxMetricName = 1024;
constexpr double kMaxStep = 1e15;
constexpr uint64_t kMaxConfigObjects = 1 << 16;
// Python's pickler writes SETITEMS and APPENDS in batches of this many.
constexpr size_t kBatch = 1000;

/// Text from the file, as it may appear in a one-line message: control characters replaced, cut short.
std::string shown(std::string_view text, size_t limit = 60)
{
    std::string out;
    for (char c : text.substr(0, limit))
        out.push_back((uint8_t(c) < 0x20 || c == 0x7f) ? '?' : c);
    return text.size() > limit ? out + "..." : out;
}

std::string number(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

int64_t product(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (int64_t s : shape)
        n *= s;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Writing

/// The storages of one checkpoint, each a record data/KEY.
class StorageTable
{
public:
    std::string add(const float *values, size_t count)
    {
        std::string key = std::to_string(m_records.size());
        m_records.emplace_back(key, std::string(reinterpret_cast<const char *>(values), count * sizeof(float)));
        return key;
    }
    /// In the order torch.save writes them: keys sorted as strings ("0", "1", "10", "2", …).
    std::vector<std::pair<std::string, std::string>> sorted()
    {
        std::sort(m_records.begin(), m_records.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        return std::move(m_records);
    }

private:
    std::vector<std::pair<std::string, std::string>> m_records;
};

void writeIntTuple(PickleWriter &p, const std::vector<int64_t> &values)
{
    if (values.size() > 3)
        p.mark();
    for (int64_t v : values)
        p.integer(v);
    p.tuple(values.size());
}

/// A float32 tensor as torch.save pickles one: _rebuild_tensor_v2(persistent storage, offset 0,
/// size, contiguous stride, requires_grad False, OrderedDict()).
void writeTensor(PickleWriter &p, StorageTable &storages, const std::vector<float> &values,
                 const std::vector<int64_t> &shape, const char *name)
{
    if (int64_t(values.size()) != product(shape))
        throw Error(std::string(name) + " has " + std::to_string(values.size()) + " values, expected " +
                    std::to_string(product(shape)));
    std::vector<int64_t> stride(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;)
        stride[i - 1] = stride[i] * shape[i];
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.mark();
    p.mark();
    p.string("storage");
    p.global("torch", "FloatStorage");
    p.string(storages.add(values.data(), values.size()));
    p.string("cpu");
    p.integer(int64_t(values.size()));
    p.tuple(5);
    p.persistentId();
    p.integer(0);
    writeIntTuple(p, shape);
    writeIntTuple(p, stride);
    p.boolean(false);
    p.global("collections", "OrderedDict");
    p.emptyTuple();
    p.reduce();
    p.tuple(6);
    p.reduce();
}

void writeFloatList(PickleWriter &p, const std::vector<double> &values)
{
    p.emptyList();
    for (size_t start = 0; start < values.size(); start += kBatch) {
        p.mark();
        for (size_t i = start; i < std::min(values.size(), start + kBatch); ++i)
            p.number(values[i]);
        p.appends();
    }
}

void writeJson(PickleWriter &p, const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::object: {
        p.emptyDict();
        size_t n = 0;
        for (auto it = value.begin(); it != value.end(); ++it, ++n) {
            if (n % kBatch == 0)
                p.mark();
            p.string(it.key());
            writeJson(p, it.value());
            if (n % kBatch == kBatch - 1 || n + 1 == value.size())
                p.setItems();
        }
        return;
    }
    case nlohmann::json::value_t::array: {
        p.emptyList();
        for (size_t start = 0; start < value.size(); start += kBatch) {
            p.mark();
            for (size_t i = start; i < std::min(value.size(), start + kBatch); ++i)
                writeJson(p, value[i]);
            p.appends();
        }
        return;
    }
    case nlohmann::json::value_t::string:
        p.string(value.get_ref<const std::string &>());
        return;
    case nlohmann::json::value_t::boolean:
        p.boolean(value.get<bool>());
        return;
    case nlohmann::json::value_t::number_integer:
        p.integer(value.get<int64_t>());
        return;
    case nlohmann::json::value_t::number_unsigned:
        p.unsignedInteger(value.get<uint64_t>());
        return;
    case nlohmann::json::value_t::number_float:
        p.number(value.get<double>());
        return;
    default:
        p.none();
        return;
    }
}

double numberOr(const nlohmann::json &config, const char *key, double fallback)
{
    auto found = config.find(key);
    return found != config.end() && found->is_number() ? found->get<double>() : fallback;
}

/// torch.optim.Adam's state_dict(): state keyed by parameter index, one param group.
void writeOptimizer(PickleWriter &p, StorageTable &storages, const OptimizerState &opt,
                    const std::vector<int64_t> (&shapes)[6], const nlohmann::json &config)
{
    if (opt.expAvg.size() > 6 || opt.expAvgSq.size() != opt.expAvg.size())
        throw Error("the optimizer state has " + std::to_string(opt.expAvg.size()) + " and " +
                    std::to_string(opt.expAvgSq.size()) + " moments for 6 parameters");
    p.emptyDict();
    p.mark();
    p.string("state");
    p.emptyDict();
    p.mark();
    const std::vector<float> step{float(opt.step)};
    for (size_t i = 0; i < opt.expAvg.size(); ++i) {
        p.integer(int64_t(i));
        p.emptyDict();
        p.mark();
        p.string("step");
        writeTensor(p, storages, step, {}, "step");
        p.string("exp_avg");
        writeTensor(p, storages, opt.expAvg[i], shapes[i], "exp_avg");
        p.string("exp_avg_sq");
        writeTensor(p, storages, opt.expAvgSq[i], shapes[i], "exp_avg_sq");
        p.setItems();
    }
    p.setItems();
    p.string("param_groups");
    p.emptyList();
    p.mark();
    p.emptyDict();
    p.mark();
    p.string("lr");
    p.number(numberOr(config, "learning_rate", 0.001));
    p.string("betas");
    p.number(0.9);
    p.number(0.999);
    p.tuple(2);
    p.string("eps");
    p.number(1e-8);
    p.string("weight_decay");
    p.number(numberOr(config, "weight_decay", 0.0));
    for (const char *flag : {"amsgrad", "maximize"}) {
        p.string(flag);
        p.boolean(false);
    }
    p.string("foreach");
    p.none();
    for (const char *flag : {"capturable", "differentiable", "fused"}) {
        p.string(flag);
        p.boolean(false);
    }
    p.string("params");
    p.emptyList();
    p.mark();
    for (int64_t i = 0; i < 6; ++i)
        p.integer(i);
    p.appends();
    p.setItems();
    p.appends();
    p.setItems();
}

// ---------------------------------------------------------------------------------------------
// Reading

/// The records of an archive that tensors read from, by storage key.
struct Storages
{
    std::map<std::string, std::string_view> bytes;
};

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h >> 15) << 31;
    const int exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {
            int e = -1;
            do {
                ++e;
                mantissa <<= 1;
            } while (!(mantissa & 0x400));
            bits = sign | uint32_t(127 - 15 - e) << 23 | (mantissa & 0x3ff) << 13;
        }
    } else {
        bits = sign | uint32_t(exponent - 15 + 127) << 23 | mantissa << 13;
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

/// Element `index` of a storage's bytes, as a double.
double element(std::string_view bytes, DType type, int64_t index)
{
    const char *at = bytes.data() + index * pickle::elementSize(type);
    switch (type) {
    case DType::Float32: {
        float f;
        std::memcpy(&f, at, 4);
        return f;
    }
    case DType::Float64: {
        double d;
        std::memcpy(&d, at, 8);
        return d;
    }
    case DType::Float16: {
        uint16_t h;
        std::memcpy(&h, at, 2);
        return halfToFloat(h);
    }
    case DType::BFloat16: {
        uint16_t h;
        std::memcpy(&h, at, 2);
        const uint32_t bits = uint32_t(h) << 16;
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    }
    case DType::Int64: {
        int64_t v;
        std::memcpy(&v, at, 8);
        return double(v);
    }
    case DType::Int32: {
        int32_t v;
        std::memcpy(&v, at, 4);
        return v;
    }
    case DType::Int16: {
        int16_t v;
        std::memcpy(&v, at, 2);
        return v;
    }
    case DType::Int8:
        return double(int8_t(*at));
    case DType::UInt8:
    case DType::Bool:
        return double(uint8_t(*at));
    }
    return 0;
}

bool isFloating(DType type)
{
    return type == DType::Float32 || type == DType::Float64 || type == DType::Float16 || type == DType::BFloat16;
}

/// A tensor's values in row-major order, converted to float32; each must be finite there.
std::vector<float> floatsOf(const TensorRef &t, const Storages &storages, const std::string &what)
{
    if (!isFloating(t.storage->dtype))
        throw Error(what + " has dtype " + pickle::dtypeName(t.storage->dtype) + ", not a floating-point type");
    // A view with more elements than its storage (a stride of 0) would let a few bytes claim
    // gigabytes of weights; torch.save writes a state_dict's tensors with their own storage.
    if (t.numel() > t.storage->numel)
        throw Error(what + " has " + std::to_string(t.numel()) + " elements in a storage of " +
                    std::to_string(t.storage->numel) + " (a broadcast view): save it with .contiguous()");
    const std::string_view bytes = storages.bytes.at(t.storage->key);
    const int64_t n = t.numel();
    bool contiguous = true;
    for (int64_t d = int64_t(t.sizes.size()) - 1, expected = 1; d >= 0; expected *= t.sizes[size_t(d)], --d)
        contiguous = contiguous && (t.sizes[size_t(d)] == 1 || t.strides[size_t(d)] == expected);
    if (contiguous && t.storage->dtype == DType::Float32) {
        // What torch.save and our writer write: one copy, then the finiteness check.
        std::vector<float> out(static_cast<size_t>(n));
        std::memcpy(out.data(), bytes.data() + t.offset * 4, size_t(n) * 4);
        for (int64_t k = 0; k < n; ++k)
            if (!std::isfinite(out[size_t(k)]))
                throw Error(what + " holds " + (std::isnan(out[size_t(k)]) ? "NaN" : "an infinite value") +
                            " (element " + std::to_string(k) + ")");
        return out;
    }
    std::vector<float> out;
    out.reserve(size_t(n));
    std::vector<int64_t> index(t.sizes.size(), 0);
    int64_t position = t.offset;
    for (int64_t k = 0; k < n; ++k) {
        const double v = element(bytes, t.storage->dtype, position);
        const float f = float(v);
        if (!std::isfinite(f))
            throw Error(what + " holds " +
                        (std::isnan(v)   ? "NaN"
                         : std::isinf(v) ? "an infinite value"
                                         : "a value beyond float32") +
                        " (element " + std::to_string(k) + ")");
        out.push_back(f);
        // Next index in row-major order, moving the storage position by the strides.
        for (size_t d = t.sizes.size(); d-- > 0;) {
            if (++index[d] < t.sizes[d]) {
                position += t.strides[d];
                break;
            }
            position -= (t.sizes[d] - 1) * t.strides[d];
            index[d] = 0;
        }
    }
    return out;
}

/// Walks the unpickled objects, naming where it is in each message ("optimizer_state_dict.state.2").
class Interpreter
{
public:
    explicit Interpreter(const Storages &storages) : m_storages(storages) {}

    const Value &dict(const Value &v, const std::string &where) const
    {
        if (!v.isDict())
            throw Error(where + " is a " + pickle::kindName(v) + ", not a dict");
        return v;
    }

    const Value &tensor(const Value *v, const std::string &where) const
    {
        if (!v)
            throw Error(where + " is missing");
        if (!v->isTensor())
            throw Error(where + " is a " + pickle::kindName(*v) + ", not a tensor");
        return *v;
    }

    std::vector<float> floats(const Value &t, const std::vector<int64_t> &shape, const std::string &where) const
    {
        if (t.tensor.sizes != shape)
            throw Error(where + " has shape " + shapeText(t.tensor.sizes) + ", expected " + shapeText(shape));
        return floatsOf(t.tensor, m_storages, where);
    }

    /// A one-element tensor of any dtype (Adam's step is float32 in PyTorch, int64 in some builds).
    double scalar(const Value &t, const std::string &where) const
    {
        if (t.tensor.numel() != 1)
            throw Error(where + " is a tensor of shape " + shapeText(t.tensor.sizes) + ", not one number");
        return element(m_storages.bytes.at(t.tensor.storage->key), t.tensor.storage->dtype, t.tensor.offset);
    }

    std::vector<double> numbers(const Value *v, const std::string &where) const
    {
        std::vector<double> out;
        if (!v || v->kind == Value::Kind::None)
            return out;
        if (!v->isList() && !v->isTuple())
            throw Error(where + " is a " + pickle::kindName(*v) + ", not a list of numbers");
        if (v->items.size() > size_t(pth::kMaxEpoch))
            throw Error(where + " has " + std::to_string(v->items.size()) + " entries (at most " +
                        std::to_string(pth::kMaxEpoch) + ")");
        for (const auto &item : v->items) {
            if (item->kind == Value::Kind::Float)
                out.push_back(item->number);
            else if (item->kind == Value::Kind::Int)
                out.push_back(double(item->integer));
            else
                throw Error(where + " holds a " + pickle::kindName(*item) + ", not a number");
        }
        return out;
    }

    nlohmann::json json(const Value &v, const std::string &where) const
    {
        switch (v.kind) {
        case Value::Kind::None:
            return nullptr;
        case Value::Kind::Bool:
            return v.boolean;
        case Value::Kind::Int:
            return v.integer;
        case Value::Kind::UInt:
            return v.uinteger;
        case Value::Kind::Float:
            return v.number;
        case Value::Kind::String:
            return v.text;
        case Value::Kind::List:
        case Value::Kind::Tuple: {
            nlohmann::json out = nlohmann::json::array();
            for (size_t i = 0; i < v.items.size(); ++i)
                out.push_back(json(*v.items[i], where + "." + std::to_string(i)));
            return out;
        }
        case Value::Kind::Dict: {
            nlohmann::json out = nlohmann::json::object();
            for (const auto &[key, value] : v.entries) {
                std::string name;
                if (key->isString())
                    name = key->text;
                else if (key->isInt())
                    name = std::to_string(key->integer);
                else
                    throw Error(where + " has a key of type " + pickle::kindName(*key));
                out[name] = json(*value, where + "." + shown(name));
            }
            return out;
        }
        default:
            throw Error(where + " holds a " + std::string(pickle::kindName(v)) + ", not plain data");
        }
    }

private:
    const Storages &m_storages;
};

/// The config fields this program reads, with the JSON types they must have.
void checkConfigTypes(const nlohmann::json &config)
{
    enum class Type { Integer, Number, String, Boolean, StringList };
    static const std::pair<const char *, Type> fields[] = {
        {"model_name", Type::String},  {"embedding_dim", Type::Integer}, {"hidden_dim", Type::Integer},
        {"input_dim", Type::Integer},  {"learning_rate", Type::Number},  {"weight_decay", Type::Number},
        {"batch_size", Type::Integer}, {"epochs", Type::Integer},        {"margin", Type::Number},
        {"val_split", Type::Number},   {"seed", Type::Integer},          {"device", Type::String},
        {"ties", Type::String},        {"keep", Type::String},           {"threads", Type::Integer},
        {"dropout", Type::Number},     {"kept_epoch", Type::Integer},    {"metric_names", Type::StringList},
        {"val_by", Type::String},      {"patience", Type::Integer},      {"refit", Type::Boolean},
        {"cv_folds", Type::Integer},
    };
    for (const auto &[name, type] : fields) {
        auto found = config.find(name);
        if (found == config.end())
            continue;
        const nlohmann::json &v = *found;
        bool ok = false;
        const char *expected = "";
        switch (type) {
        case Type::Integer:
            ok = v.is_number_integer();
            expected = "an integer";
            break;
        case Type::Number:
            ok = v.is_number() && std::isfinite(v.get<double>());
            expected = "a finite number";
            break;
        case Type::String:
            ok = v.is_string();
            expected = "a string";
            break;
        case Type::Boolean:
            ok = v.is_boolean();
            expected = "a bool";
            break;
        case Type::StringList:
            ok = v.is_array() && std::all_of(v.begin(), v.end(), [](const nlohmann::json &e) { return e.is_string(); });
            expected = "a list of strings";
            break;
        }
        if (!ok)
            throw Error(std::string("config field ") + name + " is " +
                        (v.is_null()      ? std::string("None")
                         : v.is_string()  ? "a string"
                         : v.is_array()   ? "a list"
                         : v.is_object()  ? "a dict"
                         : v.is_boolean() ? "a bool"
                                          : "the number " + v.dump()) +
                        ", expected " + expected);
    }
}

/// embedding_dim and metric_names, checked against F.
void setLayoutNames(FeatureLayout &layout, const nlohmann::json &names, const nlohmann::json *embedding, int64_t f,
                    const std::string &source)
{
    layout.metricNames.clear();
    std::set<std::string> seen;
    for (const nlohmann::json &name : names) {
        const std::string &text = name.get_ref<const std::string &>();
        if (text.empty() || text.size() > kMaxMetricName || !seen.insert(text).second)
            throw Error(source + "metric_names has an empty, overlong or repeated name");
        layout.metricNames.push_back(text);
    }
    const int64_t metrics = int64_t(layout.metricNames.size());
    const int64_t dim = embedding ? embedding->get<int64_t>() : f - metrics;
    if (dim < 0 || dim > (1 << 20) || dim + metrics != f)
        throw Error(source + "embedding_dim " + std::to_string(dim) + " and " + std::to_string(metrics) +
                    " metric_names do not make the model's " + std::to_string(f) + " features");
    layout.embeddingDim = int(dim);
}

/// The feature layout of a bare state_dict (or a dict whose config lacks it), from the metadata.
void layoutFromMetadata(FeatureLayout &layout, int64_t f, const pth::ReadOptions &options, const char *what)
{
    std::optional<pth::MetadataFile> metadata = options.metadata ? options.metadata() : std::nullopt;
    if (!metadata)
        throw Error(std::string(what) +
                    " without the feature layout (embedding_dim, metric_names) and no NAME_metadata.json beside it: "
                    "copy the run's metadata file next to the .pth, or save the full checkpoint dict with its config");
    const std::string source = metadata->path + ": ";
    nlohmann::json m;
    try {
        m = nlohmann::json::parse(metadata->text);
    } catch (const std::exception &e) {
        std::string why = e.what();
        throw Error(source + "not valid JSON (" + why.substr(0, std::min(why.find('\n'), size_t(200))) + ")");
    }
    if (!m.is_object() || !m.contains("feature_layout") || !m["feature_layout"].is_object())
        throw Error(source + "has no feature_layout block");
    const nlohmann::json &fl = m["feature_layout"];
    const auto names = fl.find("metric_names");
    const auto embedding = fl.find("embedding_dim");
    if (names == fl.end() || !names->is_array() ||
        !std::all_of(names->begin(), names->end(), [](const nlohmann::json &e) { return e.is_string(); }))
        throw Error(source + "feature_layout.metric_names is not a list of strings");
    if (embedding == fl.end() || !embedding->is_number_integer())
        throw Error(source + "feature_layout.embedding_dim is not an integer");
    setLayoutNames(layout, *names, &*embedding, f, source + "feature_layout.");
}

void checkStatistics(const FeatureLayout &layout)
{
    for (size_t i = 0; i < layout.std.size(); ++i)
        if (!(layout.std[i] > 0))
            throw Error("feature_std[" + std::to_string(i) + "] is " + number(layout.std[i]) +
                        ": a standard deviation must be positive");
}

void readOptimizer(const Value &od, const Interpreter &in, const std::vector<int64_t> (&shapes)[6], OptimizerState &opt)
{
    const std::string where = "optimizer_state_dict";
    in.dict(od, where);
    const Value *state = od.get("state");
    const Value *groups = od.get("param_groups");
    if (!state || !groups)
        throw Error(where + " lacks state or param_groups (not torch.optim's layout)");
    in.dict(*state, where + ".state");
    if (!groups->isList())
        throw Error(where + ".param_groups is a " + std::string(pickle::kindName(*groups)) + ", not a list");
    // The parameters in the order the groups list them: the model's order, as model.parameters().
    std::vector<int64_t> ids;
    for (const auto &group : groups->items) {
        in.dict(*group, where + ".param_groups");
        const Value *params = group->get("params");
        if (!params || !params->isList())
            throw Error(where + ".param_groups has a group without a params list");
        for (const auto &id : params->items) {
            if (!id->isInt())
                throw Error(where + ".param_groups lists a parameter that is not an int");
            ids.push_back(id->integer);
        }
    }
    if (ids.size() != 6 || std::set<int64_t>(ids.begin(), ids.end()).size() != 6)
        throw Error(where + ".param_groups lists " + std::to_string(ids.size()) +
                    " parameters, the ranker has 6 distinct ones");
    if (state->entries.empty())
        return; // no step taken yet: Adam starts afresh
    double firstStep = -1;
    for (size_t i = 0; i < 6; ++i) {
        const std::string at = where + ".state." + std::to_string(ids[i]);
        const Value *entry = state->get(ids[i]);
        if (!entry)
            throw Error(where + ".state has moments for " + std::to_string(state->entries.size()) +
                        " of the 6 parameters (none for " + kParameterNames[i] + ")");
        in.dict(*entry, at);
        const Value *step = entry->get("step");
        double s;
        if (!step)
            throw Error(at + ".step is missing");
        if (step->isTensor()) {
            s = in.scalar(*step, at + ".step");
        } else if (step->isNumber()) {
            s = step->isInt() ? double(step->integer) : step->number;
        } else {
            throw Error(at + ".step is a " + std::string(pickle::kindName(*step)) + ", not a number");
        }
        if (!(s >= 0 && s <= kMaxStep) || s != std::floor(s))
            throw Error(at + ".step is " + number(s) + ", not a whole number of steps");
        if (firstStep >= 0 && s != firstStep)
            throw Error(where + ".state has different step counts for different parameters");
        firstStep = s;
        const std::string param = kParameterNames[i];
        // Both shapes first: a wrong one is found before a large moment is converted.
        for (const char *name : {"exp_avg", "exp_avg_sq"}) {
            const Value &t = in.tensor(entry->get(name), at + "." + name);
            if (t.tensor.sizes != shapes[i])
                throw Error(at + "." + name + " has shape " + shapeText(t.tensor.sizes) + ", but " + param + " has " +
                            shapeText(shapes[i]));
        }
        for (const char *name : {"exp_avg", "exp_avg_sq"}) {
            const Value &t = *entry->get(name);
            std::vector<float> values = in.floats(t, shapes[i], at + "." + name);
            if (std::string(name) == "exp_avg_sq" &&
                std::any_of(values.begin(), values.end(), [](float v) { return v < 0; }))
                throw Error(at + ".exp_avg_sq holds a negative value");
            (std::string(name) == "exp_avg" ? opt.expAvg : opt.expAvgSq).push_back(std::move(values));
        }
    }
    opt.step = int64_t(firstStep);
}

Checkpoint interpret(const Value &root, const Storages &storages, const pth::ReadOptions &options)
{
    Interpreter in(storages);
    if (!root.isDict())
        throw Error(std::string("holds a ") + pickle::kindName(root) + ", not a checkpoint dict or a state_dict");
    const Value *state = root.get("model_state_dict");
    const bool bare = !state && root.get(kParameterNames[0]);
    if (bare)
        state = &root;
    if (!state) {
        std::string keys;
        for (size_t i = 0; i < root.entries.size() && i < 8; ++i)
            keys += (i ? ", " : "") + (root.entries[i].first->isString()
                                           ? shown(root.entries[i].first->text, 40)
                                           : std::string(pickle::kindName(*root.entries[i].first)));
        throw Error("neither a checkpoint (no model_state_dict) nor a state_dict of the ranker (no " +
                    std::string(kParameterNames[0]) + "); its keys: " + (keys.empty() ? "none" : keys));
    }
    const std::string prefix = bare ? "" : "model_state_dict.";
    in.dict(*state, "model_state_dict");

    // The shapes follow from shared_layer.0.weight: [H, F].
    const Value &w1 = in.tensor(state->get(kParameterNames[0]), prefix + kParameterNames[0]);
    if (w1.tensor.sizes.size() != 2)
        throw Error(prefix + kParameterNames[0] + " has shape " + shapeText(w1.tensor.sizes) +
                    ", not [hidden, features]");
    const int64_t h = w1.tensor.sizes[0], f = w1.tensor.sizes[1];
    if (h < 1 || h > kMaxHidden || f < 1 || f > kMaxFeatures)
        throw Error(prefix + kParameterNames[0] + " has shape " + shapeText(w1.tensor.sizes) +
                    ": hidden width must be 1 to 65536 and features 1 to 2097152");
    const std::vector<int64_t> shapes[6] = {{h, f}, {h}, {h, h}, {h}, {1, h}, {1}};
    std::set<std::string> known(std::begin(kParameterNames), std::end(kParameterNames));
    known.insert({"feature_mean", "feature_std"});
    for (const auto &[key, value] : state->entries)
        if (!key->isString() || !known.count(key->text))
            throw Error((bare ? std::string("the state_dict") : std::string("model_state_dict")) + " has the key " +
                        (key->isString() ? shown(key->text) : std::string(pickle::kindName(*key))) +
                        ", which the ranker does not");

    Checkpoint cp;
    ModelWeights &w = cp.weights;
    w.hiddenDim = int(h);
    std::vector<float> *targets[6] = {&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, &w.b3};
    for (int i = 0; i < 6; ++i)
        *targets[i] = in.floats(in.tensor(state->get(kParameterNames[i]), prefix + kParameterNames[i]), shapes[i],
                                prefix + kParameterNames[i]);
    w.layout.mean =
        in.floats(in.tensor(state->get("feature_mean"), prefix + "feature_mean"), {f}, prefix + "feature_mean");
    w.layout.std = in.floats(in.tensor(state->get("feature_std"), prefix + "feature_std"), {f}, prefix + "feature_std");
    checkStatistics(w.layout);

    nlohmann::json config = nlohmann::json::object();
    if (!bare) {
        if (const Value *c = root.get("config"); c && c->kind != Value::Kind::None) {
            in.dict(*c, "config");
            // Shared references could make a small pickle a huge JSON document.
            if (c->weight > kMaxConfigObjects)
                throw Error("config holds more than " + std::to_string(kMaxConfigObjects) + " values");
            config = in.json(*c, "config");
        }
        checkConfigTypes(config);
        if (config.contains("hidden_dim") && config["hidden_dim"].get<int64_t>() != h)
            throw Error("config says hidden_dim " + config["hidden_dim"].dump() + ", the weights have " +
                        std::to_string(h));
        if (config.contains("input_dim") && config["input_dim"].get<int64_t>() != f)
            throw Error("config says input_dim " + config["input_dim"].dump() + ", the weights have " +
                        std::to_string(f) + " features");
        if (const Value *epoch = root.get("epoch"); epoch && epoch->kind != Value::Kind::None) {
            if (!epoch->isInt())
                throw Error(std::string("epoch is a ") + pickle::kindName(*epoch) + ", not an int");
            if (epoch->integer < 0 || epoch->integer > pth::kMaxEpoch)
                throw Error("epoch " + std::to_string(epoch->integer) + " is outside 0 to " +
                            std::to_string(pth::kMaxEpoch));
            cp.epoch = int(epoch->integer);
        }
        cp.lossHistory = in.numbers(root.get("loss_history"), "loss_history");
        cp.valLossHistory = in.numbers(root.get("val_loss_history"), "val_loss_history");
        if (const Value *od = root.get("optimizer_state_dict"); od && od->kind != Value::Kind::None)
            readOptimizer(*od, in, shapes, cp.optimizer);
    }
    if (config.contains("metric_names"))
        setLayoutNames(w.layout, config["metric_names"],
                       config.contains("embedding_dim") ? &config["embedding_dim"] : nullptr, f, "config: ");
    else
        layoutFromMetadata(w.layout, f, options,
                           bare ? "a bare state_dict" : "a checkpoint whose config has no metric_names,");
    config["hidden_dim"] = h;
    config["input_dim"] = f;
    config["embedding_dim"] = w.layout.embeddingDim;
    config["metric_names"] = w.layout.metricNames;
    cp.configJson = config.dump();
    return cp;
}

Checkpoint parse(std::string_view bytes, const pth::ReadOptions &options)
{
    // Say what a file is when it is a PyTorch file of another kind.
    static const char kLegacyMagic[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
    if (bytes.substr(0, sizeof kLegacyMagic - 1) == std::string_view(kLegacyMagic, sizeof kLegacyMagic - 1))
        throw Error("a PyTorch file in the format of torch.save before 1.6 (_use_new_zipfile_serialization=False): "
                    "load it in Python and save it again with torch.save");
    if (bytes.empty())
        throw Error("the file is empty");
    if (bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4))
        throw Error("not a PyTorch checkpoint (not a zip archive)");
    const zip::ZipReader archive(bytes);
    const std::string &first = archive.entries().front().name;
    const size_t slash = first.find('/');
    if (slash == std::string::npos || slash == 0)
        throw Error("not a torch.save archive (its records are not in one folder)");
    const std::string folder = first.substr(0, slash + 1);
    auto record = [&](const std::string &name) -> const zip::ZipEntry * { return archive.find(folder + name); };
    if (record("constants.pkl"))
        throw Error("a TorchScript module (torch.jit.save), not a checkpoint: save its state_dict() with torch.save");
    const zip::ZipEntry *pkl = record("data.pkl");
    if (!pkl)
        throw Error("not a torch.save archive (no data.pkl record)");
    const zip::ZipEntry *version = record(".data/version") ? record(".data/version") : record("version");
    if (!version)
        throw Error("not a torch.save archive (no version record)");
    const std::string_view versionText = archive.data(*version, options.verifyCrc);
    const std::string trimmed(versionText.substr(0, versionText.find_first_of("\r\n")));
    if (trimmed.empty() || trimmed.size() > 3 || trimmed.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(trimmed) < 1 || std::stoi(trimmed) > 10)
        throw Error("archive format version \"" + shown(trimmed, 20) + "\" is not one torch.save writes (1 to 10)");
    if (const zip::ZipEntry *order = record("byteorder")) {
        const std::string_view text = archive.data(*order, options.verifyCrc);
        if (text != "little")
            throw Error("byte order \"" + shown(text, 20) + "\": only little-endian checkpoints are read");
    }
    if (pkl->size > pth::kMaxPickleBytes)
        throw Error("data.pkl is " + std::to_string(pkl->size) + " bytes (at most " +
                    std::to_string(pth::kMaxPickleBytes) + ")");
    const pickle::Unpickled unpickled = pickle::unpickle(archive.data(*pkl, options.verifyCrc));

    Storages storages;
    for (const auto &s : unpickled.storages) {
        const zip::ZipEntry *data = record("data/" + s->key);
        if (!data)
            throw Error("storage " + s->key + " has no record data/" + s->key);
        const uint64_t needed = uint64_t(s->numel) * uint64_t(pickle::elementSize(s->dtype));
        if (data->size < needed)
            throw Error("storage " + s->key + " needs " + std::to_string(needed) + " bytes (" +
                        std::to_string(s->numel) + " " + pickle::dtypeName(s->dtype) + "), its record has " +
                        std::to_string(data->size));
        storages.bytes[s->key] = archive.data(*data, options.verifyCrc);
    }
    return interpret(*unpickled.root, storages, options);
}

std::optional<pth::MetadataFile> readMetadataIfRegular(const fs::path &path)
{
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec)))
        return std::nullopt;
    return pth::MetadataFile{path.string(), pth::readRegularFile(path.string(), pth::kMaxMetadataBytes)};
}

} // namespace

namespace pth {

std::string readRegularFile(const std::string &path, uint64_t maxBytes)
{
    // O_NONBLOCK: opening a FIFO with no writer must not hang; it has no effect on a regular file.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open: " + std::strerror(errno));
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0)
        throw Error(path + ": cannot read: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw Error(path + ": is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        throw Error(path + ": is not a regular file (a FIFO, device or socket)");
    if (uint64_t(st.st_size) > maxBytes)
        throw Error(path + ": is " + std::to_string(st.st_size) + " bytes, more than the " + std::to_string(maxBytes) +
                    " such a file may be");
    std::string out(size_t(st.st_size), '\0');
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t got = ::read(fd, out.data() + done, out.size() - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw Error(path + ": cannot read: " + std::strerror(errno));
        if (got == 0)
            throw Error(path + ": became shorter while it was read");
        done += size_t(got);
    }
    return out;
}

MetadataLookup metadataBeside(const std::string &pthPath)
{
    return [pthPath]() -> std::optional<MetadataFile> {
        const fs::path pth(pthPath);
        const fs::path folder = pth.has_parent_path() ? pth.parent_path() : fs::path(".");
        if (auto same = readMetadataIfRegular(folder / (pth.stem().string() + "_metadata.json")))
            return same;
        std::vector<fs::path> found;
        std::error_code ec;
        size_t seen = 0;
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end && ++seen <= 10000; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.size() > 14 && name.compare(name.size() - 14, 14, "_metadata.json") == 0)
                found.push_back(it->path());
        }
        if (found.empty())
            return std::nullopt;
        if (found.size() > 1)
            throw Error("several *_metadata.json beside it, none named " + pth.stem().string() +
                        "_metadata.json: rename the one that belongs to this model");
        return readMetadataIfRegular(found.front());
    };
}

Checkpoint parseCheckpoint(std::string_view bytes, const std::string &path, const ReadOptions &options)
{
    try {
        return parse(bytes, options);
    } catch (const Error &e) {
        throw Error(path + ": " + e.what());
    } catch (const std::bad_alloc &) {
        throw Error(path + ": not enough memory to read this checkpoint");
    } catch (const std::exception &e) {
        // A bug of ours, not the file's: still one line naming the file.
        if (options.rethrowInternalErrors)
            throw;
        std::string what = e.what();
        throw Error(path + ": internal error while reading the checkpoint (" + what.substr(0, what.find('\n')) + ")");
    }
}

} // namespace pth

std::string checkpointBytes(const Checkpoint &checkpoint)
{
    const ModelWeights &w = checkpoint.weights;
    const int64_t f = w.layout.featureDim();
    const int64_t h = w.hiddenDim;
    if (f < 1 || h < 1)
        throw Error("a checkpoint needs at least one feature and one hidden unit");
    const std::vector<float> *values[6] = {&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, &w.b3};
    const std::vector<int64_t> shapes[6] = {{h, f}, {h}, {h, h}, {h}, {1, h}, {1}};

    nlohmann::json config = nlohmann::json::object();
    if (!checkpoint.configJson.empty()) {
        config = nlohmann::json::parse(checkpoint.configJson, nullptr, false);
        if (!config.is_object())
            config = nlohmann::json::object();
    }
    config["hidden_dim"] = w.hiddenDim;
    config["embedding_dim"] = w.layout.embeddingDim;
    config["metric_names"] = w.layout.metricNames;
    config["input_dim"] = f;

    // The dict, in the order torch.save would write {"model_state_dict": …, "epoch": …, …}.
    StorageTable storages;
    PickleWriter p;
    p.emptyDict();
    p.mark();
    p.string("model_state_dict");
    p.global("collections", "OrderedDict"); // as nn.Module.state_dict() returns
    p.emptyTuple();
    p.reduce();
    p.mark();
    for (int i = 0; i < 6; ++i) {
        p.string(kParameterNames[i]);
        writeTensor(p, storages, *values[i], shapes[i], kParameterNames[i]);
    }
    p.string("feature_mean");
    writeTensor(p, storages, w.layout.mean, {f}, "feature_mean");
    p.string("feature_std");
    writeTensor(p, storages, w.layout.std, {f}, "feature_std");
    p.setItems();
    p.string("epoch");
    p.integer(checkpoint.epoch);
    p.string("config");
    writeJson(p, config);
    p.string("loss_history");
    writeFloatList(p, checkpoint.lossHistory);
    p.string("val_loss_history");
    writeFloatList(p, checkpoint.valLossHistory);
    if (!checkpoint.optimizer.empty()) {
        p.string("optimizer_state_dict");
        writeOptimizer(p, storages, checkpoint.optimizer, shapes, config);
    }
    p.setItems();

    // The records in the order PyTorch 2.x writes them; "version" 3 is what torch.save writes.
    const std::vector<std::pair<std::string, std::string>> records = storages.sorted();
    const std::string pkl = p.finish();
    size_t total = pkl.size() + 1024;
    for (const auto &record : records)
        total += record.second.size() + 128; // a local header, its padding and a directory entry
    zip::ZipWriter zip;
    zip.reserve(total);
    zip.add("archive/data.pkl", pkl);
    zip.add("archive/byteorder", "little");
    for (const auto &[key, bytes] : records)
        zip.add("archive/data/" + key, bytes);
    zip.add("archive/version", "3\n");
    return zip.finish();
}

void saveCheckpoint(const std::string &path, const Checkpoint &checkpoint)
{
    writeFileAtomically(path, checkpointBytes(checkpoint));
}

Checkpoint loadCheckpoint(const std::string &path)
{
    pth::ReadOptions options;
    options.metadata = pth::metadataBeside(path);
    return pth::parseCheckpoint(pth::readRegularFile(path, pth::kMaxFileBytes), path, options);
}

} // namespace ranker
