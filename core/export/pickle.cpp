#include "core/export/pickle.h"

#include "core/error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace ranker::pickle {

namespace {

// Opcodes (Python's Lib/pickle.py names).
enum Op : uint8_t {
    MARK = '(',
    STOP = '.',
    BINFLOAT = 'G',
    BININT = 'J',
    BININT1 = 'K',
    BININT2 = 'M',
    NONE = 'N',
    BINPERSID = 'Q',
    REDUCE = 'R',
    SHORT_BINSTRING = 'U',
    BINUNICODE = 'X',
    EMPTY_LIST = ']',
    APPEND = 'a',
    BUILD = 'b',
    GLOBAL = 'c',
    APPENDS = 'e',
    BINGET = 'h',
    LONG_BINGET = 'j',
    BINPUT = 'q',
    LONG_BINPUT = 'r',
    SETITEM = 's',
    TUPLE = 't',
    SETITEMS = 'u',
    EMPTY_DICT = '}',
    EMPTY_TUPLE = ')',
    PROTO = 0x80,
    NEWOBJ = 0x81,
    TUPLE1 = 0x85,
    TUPLE2 = 0x86,
    TUPLE3 = 0x87,
    NEWTRUE = 0x88,
    NEWFALSE = 0x89,
    LONG1 = 0x8a,
    SHORT_BINUNICODE = 0x8c,
    STACK_GLOBAL = 0x93,
    MEMOIZE = 0x94,
    FRAME = 0x95,
};

/// Names of the opcodes this reader refuses, so that the error says which one it met.
const char *refusedOpName(uint8_t op)
{
    switch (op) {
    case '0':
        return "POP";
    case '1':
        return "POP_MARK";
    case '2':
        return "DUP";
    case 'F':
        return "FLOAT";
    case 'I':
        return "INT";
    case 'L':
        return "LONG";
    case 'S':
        return "STRING";
    case 'V':
        return "UNICODE";
    case 'T':
        return "BINSTRING";
    case 'B':
        return "BINBYTES";
    case 'C':
        return "SHORT_BINBYTES";
    case 'P':
        return "PERSID";
    case 'd':
        return "DICT";
    case 'g':
        return "GET";
    case 'i':
        return "INST";
    case 'l':
        return "LIST";
    case 'o':
        return "OBJ";
    case 'p':
        return "PUT";
    case 0x81:
        return "NEWOBJ";
    case 0x82:
        return "EXT1";
    case 0x83:
        return "EXT2";
    case 0x84:
        return "EXT4";
    case 0x8b:
        return "LONG4";
    case 0x8d:
        return "BINUNICODE8";
    case 0x8e:
        return "BINBYTES8";
    case 0x8f:
        return "EMPTY_SET";
    case 0x90:
        return "ADDITEMS";
    case 0x91:
        return "FROZENSET";
    case 0x92:
        return "NEWOBJ_EX";
    case 0x96:
        return "BYTEARRAY8";
    case 0x97:
        return "NEXT_BUFFER";
    case 0x98:
        return "READONLY_BUFFER";
    default:
        return nullptr;
    }
}

enum Global : int {
    kOrderedDict,
    kRebuildTensorV2,
    kRebuildTensor,
    kRebuildParameter,
    kRebuildParameterWithState,
    kStorageClass, // the dtype is in Value::integer
    kRestoreTypeTag,
    kBuildList,
};

struct StorageClass
{
    const char *name;
    DType dtype;
};
const StorageClass kStorageClasses[] = {
    {"FloatStorage", DType::Float32},     {"DoubleStorage", DType::Float64}, {"HalfStorage", DType::Float16},
    {"BFloat16Storage", DType::BFloat16}, {"LongStorage", DType::Int64},     {"IntStorage", DType::Int32},
    {"ShortStorage", DType::Int16},       {"CharStorage", DType::Int8},      {"ByteStorage", DType::UInt8},
    {"BoolStorage", DType::Bool},
};

constexpr int64_t kMaxNumel = int64_t(1) << 40;
constexpr size_t kMaxDims = 16;
constexpr size_t kMaxGlobalName = 256;

/// Strict UTF-8 (no overlong forms, no surrogates), as Python's decoder and nlohmann's writer want.
bool validUtf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        const uint8_t c = uint8_t(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size())
            return false;
        for (size_t k = 1; k <= n; ++k) {
            const uint8_t cc = uint8_t(s[i + k]);
            if ((cc & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/// A dict key as bytes, to find a key given twice (the later value wins, as in Python).
bool keyOf(const Value &key, std::string &out)
{
    out.clear();
    switch (key.kind) {
    case Value::Kind::String:
        out = "s" + key.text;
        return true;
    case Value::Kind::Int:
        out = "i" + std::to_string(key.integer);
        return true;
    case Value::Kind::UInt:
        out = "i" + std::to_string(key.uinteger);
        return true;
    case Value::Kind::Bool:
        out = "i" + std::to_string(int(key.boolean));
        return true;
    case Value::Kind::None:
        out = "n";
        return true;
    case Value::Kind::Float: {
        char bits[8];
        std::memcpy(bits, &key.number, 8);
        out = "f" + std::string(bits, 8);
        return true;
    }
    default:
        return false;
    }
}

class Reader
{
public:
    Reader(std::string_view in, bool legacy, const Limits &limits) : m_in(in), m_legacy(legacy), m_limits(limits) {}

    Unpickled run()
    {
        while (m_pos < m_in.size()) {
            m_opStart = m_pos;
            const uint8_t op = uint8_t(m_in[m_pos++]);
            if (op == STOP) {
                if (!m_marks.empty())
                    fail("STOP with a MARK still open");
                if (m_stack.size() != 1)
                    fail("STOP with " + std::to_string(m_stack.size()) + " objects on the stack, not one");
                Unpickled out;
                out.root = m_stack.back();
                out.storages = std::move(m_storageList);
                out.globals = std::move(m_globals);
                return out;
            }
            step(op);
        }
        m_opStart = m_pos;
        fail("the pickle ends without STOP (truncated?)");
    }

private:
    std::string_view m_in;
    bool m_legacy;
    Limits m_limits;
    size_t m_pos = 0, m_opStart = 0;
    std::vector<ValuePtr> m_stack;
    std::vector<size_t> m_marks; // stack sizes at each open MARK
    std::unordered_map<uint32_t, ValuePtr> m_memo;
    // Each dict's keys, to replace a value given twice; the dict is held so that its address stays its own.
    struct DictIndex
    {
        ValuePtr dict;
        std::unordered_map<std::string, size_t> keys;
    };
    std::unordered_map<const Value *, DictIndex> m_dictIndex;
    std::unordered_map<std::string, std::shared_ptr<const StorageRef>> m_storages;
    std::vector<std::shared_ptr<const StorageRef>> m_storageList;
    std::vector<std::string> m_globals;
    size_t m_objects = 0;
    const char *m_opName = "";

    [[noreturn]] void fail(const std::string &what) const
    {
        throw Error("data.pkl byte " + std::to_string(m_opStart) +
                    (*m_opName ? std::string(" (") + m_opName + ")" : "") + ": " + what);
    }

    std::string_view take(size_t n)
    {
        if (n > m_in.size() - m_pos)
            fail("the pickle ends inside an opcode (truncated?)");
        std::string_view out = m_in.substr(m_pos, n);
        m_pos += n;
        return out;
    }

    uint64_t littleEndian(size_t n)
    {
        std::string_view b = take(n);
        uint64_t v = 0;
        for (size_t i = n; i-- > 0;)
            v = (v << 8) | uint8_t(b[i]);
        return v;
    }

    std::string_view line()
    {
        const size_t end = m_in.find('\n', m_pos);
        if (end == std::string_view::npos || end - m_pos > kMaxGlobalName)
            fail("a global name without its newline, or longer than " + std::to_string(kMaxGlobalName));
        std::string_view out = m_in.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return out;
    }

    ValuePtr make(Value::Kind kind)
    {
        if (++m_objects > m_limits.maxObjects)
            fail("more than " + std::to_string(m_limits.maxObjects) + " objects");
        auto v = std::make_shared<Value>();
        v->kind = kind;
        return v;
    }

    /// Objects above the innermost MARK.
    size_t available() const { return m_stack.size() - (m_marks.empty() ? 0 : m_marks.back()); }

    void need(size_t n)
    {
        if (available() < n)
            fail("needs " + std::to_string(n) + " object" + (n == 1 ? "" : "s") + " on the stack, there " +
                 (available() == 1 ? "is 1" : "are " + std::to_string(available())));
    }

    void push(ValuePtr v)
    {
        if (m_stack.size() >= m_limits.maxStack)
            fail("more than " + std::to_string(m_limits.maxStack) + " objects on the stack");
        m_stack.push_back(std::move(v));
    }

    ValuePtr pop()
    {
        ValuePtr v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }

    std::vector<ValuePtr> popMark()
    {
        if (m_marks.empty())
            fail("no MARK to pop to");
        const size_t base = m_marks.back();
        m_marks.pop_back();
        std::vector<ValuePtr> items(std::make_move_iterator(m_stack.begin() + long(base)),
                                    std::make_move_iterator(m_stack.end()));
        m_stack.resize(base);
        return items;
    }

    /// Puts `child` inside `parent`, keeping depth and expanded size bounded and cycles impossible.
    void adopt(Value &parent, const ValuePtr &child)
    {
        if (child.get() == &parent)
            fail("an object put inside itself");
        child->sealed = true;
        if (child->depth + 1 > parent.depth) {
            parent.depth = child->depth + 1;
            if (parent.depth > m_limits.maxDepth)
                fail("objects nested deeper than " + std::to_string(m_limits.maxDepth) + " levels");
        }
        parent.weight += child->weight;
        if (parent.weight > m_limits.maxWeight)
            fail("the objects expand to more than " + std::to_string(m_limits.maxWeight) + " (shared references)");
    }

    Value &mutableContainer(const ValuePtr &v, Value::Kind kind, const char *what) const
    {
        if (v->kind != kind)
            fail(std::string(what) + " on a " + kindName(*v));
        if (v->sealed)
            fail(std::string(what) + " on an object already inside another");
        return *v;
    }

    ValuePtr tupleOf(std::vector<ValuePtr> items)
    {
        ValuePtr t = make(Value::Kind::Tuple);
        for (const ValuePtr &item : items)
            adopt(*t, item);
        t->items = std::move(items);
        return t;
    }

    void setItem(const ValuePtr &target, ValuePtr key, ValuePtr value)
    {
        Value &dict = *target;
        std::string k;
        if (!keyOf(*key, k))
            fail(std::string("a dict key of type ") + kindName(*key));
        adopt(dict, key);
        adopt(dict, value);
        DictIndex &index = m_dictIndex[&dict];
        index.dict = target;
        auto found = index.keys.find(k);
        if (found != index.keys.end()) {
            dict.entries[found->second].second = std::move(value);
            return;
        }
        index.keys.emplace(std::move(k), dict.entries.size());
        dict.entries.emplace_back(std::move(key), std::move(value));
    }

    std::string stringArgument(size_t length)
    {
        if (length > m_limits.maxStringBytes)
            fail("a string of " + std::to_string(length) + " bytes (at most " +
                 std::to_string(m_limits.maxStringBytes) + ")");
        std::string_view bytes = take(length);
        if (!validUtf8(bytes))
            fail("a string that is not UTF-8");
        return std::string(bytes);
    }

    void pushString(std::string text)
    {
        ValuePtr v = make(Value::Kind::String);
        v->text = std::move(text);
        push(std::move(v));
    }

    void pushGlobal(std::string_view module, std::string_view name)
    {
        ValuePtr g = make(Value::Kind::Global);
        g->text = std::string(module) + "." + std::string(name);
        if (module == "collections" && name == "OrderedDict") {
            g->global = kOrderedDict;
        } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
            g->global = kRebuildTensorV2;
        } else if (module == "torch._utils" && name == "_rebuild_tensor") {
            g->global = kRebuildTensor;
        } else if (module == "torch._utils" && name == "_rebuild_parameter") {
            g->global = kRebuildParameter;
        } else if (module == "torch._utils" && name == "_rebuild_parameter_with_state") {
            g->global = kRebuildParameterWithState;
        } else if (module == "torch") {
            for (const StorageClass &c : kStorageClasses)
                if (name == c.name) {
                    g->global = kStorageClass;
                    g->integer = int64_t(c.dtype);
                }
        } else if (m_legacy && module == "torch.jit._pickle") {
            if (name == "restore_type_tag")
                g->global = kRestoreTypeTag;
            else if (name == "build_intlist" || name == "build_doublelist" || name == "build_boollist" ||
                     name == "build_tensorlist")
                g->global = kBuildList;
        }
        if (g->global < 0)
            fail("GLOBAL " + printableName(g->text) +
                 " is not allowed in a checkpoint (only tensors, storages and OrderedDict are)");
        if (std::find(m_globals.begin(), m_globals.end(), g->text) == m_globals.end())
            m_globals.push_back(g->text);
        push(std::move(g));
    }

    static std::string printableName(std::string_view name)
    {
        std::string out;
        for (char c : name.substr(0, 100))
            out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
        return out;
    }

    int64_t intArgument(const Value &v, const char *what)
    {
        if (v.kind != Value::Kind::Int)
            fail(std::string(what) + " is a " + kindName(v) + ", not an int");
        return v.integer;
    }

    std::vector<int64_t> intTuple(const Value &v, const char *what)
    {
        if (v.kind != Value::Kind::Tuple)
            fail(std::string(what) + " is a " + kindName(v) + ", not a tuple");
        if (v.items.size() > kMaxDims)
            fail(std::string(what) + " has " + std::to_string(v.items.size()) + " dimensions");
        std::vector<int64_t> out;
        for (const ValuePtr &item : v.items) {
            const int64_t x = intArgument(*item, what);
            if (x < 0 || x > kMaxNumel)
                fail(std::string(what) + " holds " + std::to_string(x));
            out.push_back(x);
        }
        return out;
    }

    ValuePtr rebuildTensor(const std::vector<ValuePtr> &args, bool v2)
    {
        if (v2 ? (args.size() != 6 && args.size() != 7) : args.size() != 4)
            fail("tensor arguments: " + std::to_string(args.size()) + " instead of " + (v2 ? "6" : "4"));
        if (args[0]->kind != Value::Kind::Storage)
            fail(std::string("a tensor whose storage is a ") + kindName(*args[0]));
        if (v2 && args[4]->kind != Value::Kind::Bool)
            fail("requires_grad is not a bool");
        if (v2 && args[5]->kind != Value::Kind::Dict)
            fail("backward hooks are not a dict");
        ValuePtr t = make(Value::Kind::Tensor);
        TensorRef &ref = t->tensor;
        ref.storage = args[0]->tensor.storage;
        ref.offset = intArgument(*args[1], "the storage offset");
        ref.sizes = intTuple(*args[2], "the size");
        ref.strides = intTuple(*args[3], "the stride");
        if (ref.sizes.size() != ref.strides.size())
            fail("size and stride of different lengths");
        const int64_t storageNumel = ref.storage->numel;
        auto describe = [&] {
            std::string s = "a tensor of size (";
            for (size_t i = 0; i < ref.sizes.size(); ++i)
                s += (i ? ", " : "") + std::to_string(ref.sizes[i]);
            s += ") at storage offset " + std::to_string(ref.offset) + " with stride (";
            for (size_t i = 0; i < ref.strides.size(); ++i)
                s += (i ? ", " : "") + std::to_string(ref.strides[i]);
            return s + ")";
        };
        if (ref.offset < 0 || ref.offset > storageNumel)
            fail(describe() + " starts past its storage of " + std::to_string(storageNumel) + " elements");
        int64_t numel = 1, last = ref.offset;
        for (size_t i = 0; i < ref.sizes.size(); ++i)
            if (__builtin_mul_overflow(numel, ref.sizes[i], &numel) || numel > kMaxNumel)
                fail(describe() + " has too many elements");
        if (numel > 0) {
            for (size_t i = 0; i < ref.sizes.size(); ++i) {
                int64_t span;
                if (__builtin_mul_overflow(ref.sizes[i] - 1, ref.strides[i], &span) ||
                    __builtin_add_overflow(last, span, &last))
                    fail(describe() + " reaches past any storage");
            }
            if (last >= storageNumel)
                fail(describe() + " reaches element " + std::to_string(last) + " of a storage of " +
                     std::to_string(storageNumel));
        }
        return t;
    }

    ValuePtr call(const Value &func, const Value &argTuple)
    {
        const std::vector<ValuePtr> &args = argTuple.items;
        switch (func.global) {
        case kOrderedDict: {
            if (!args.empty())
                fail("OrderedDict called with arguments");
            ValuePtr d = make(Value::Kind::Dict);
            d->ordered = true;
            return d;
        }
        case kRebuildTensorV2:
            return rebuildTensor(args, true);
        case kRebuildTensor:
            return rebuildTensor(args, false);
        case kRebuildParameter:
        case kRebuildParameterWithState: {
            if (args.size() != (func.global == kRebuildParameter ? 3u : 4u) || !args[0]->isTensor())
                fail("a parameter that is not made of a tensor");
            ValuePtr t = make(Value::Kind::Tensor);
            t->tensor = args[0]->tensor;
            return t;
        }
        case kRestoreTypeTag:
            if (args.size() != 2 || !args[1]->isString())
                fail("restore_type_tag without (object, type)");
            return args[0];
        case kBuildList:
            if (args.size() != 1 || !args[0]->isList())
                fail("a list builder without a list");
            return args[0];
        default:
            fail(printableName(func.text) + " cannot be called");
        }
    }

    void persistentLoad()
    {
        need(1);
        ValuePtr pid = pop();
        const std::vector<ValuePtr> &f = pid->items;
        if (!pid->isTuple() || f.size() != 5 || !f[0]->isString() || f[0]->text != "storage")
            fail("a persistent id that is not ('storage', type, key, location, numel)");
        if (f[1]->kind != Value::Kind::Global || f[1]->global != kStorageClass)
            fail("a storage whose type is not a torch storage class");
        if (!f[2]->isString() || f[2]->text.empty() || f[2]->text.size() > 64)
            fail("a storage key that is not a short string");
        for (char c : f[2]->text)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
                fail("a storage key with characters other than letters, digits and _");
        if (!f[3]->isString() || f[3]->text.size() > 64)
            fail("a storage location that is not a short string");
        if (!f[4]->isInt() || f[4]->integer < 0 || f[4]->integer > kMaxNumel)
            fail("a storage size that is not an int between 0 and 2^40");
        auto storage = std::make_shared<StorageRef>();
        storage->key = f[2]->text;
        storage->dtype = DType(f[1]->integer);
        storage->location = f[3]->text;
        storage->numel = f[4]->integer;
        auto found = m_storages.find(storage->key);
        if (found == m_storages.end()) {
            found = m_storages.emplace(storage->key, storage).first;
            m_storageList.push_back(storage);
        } else if (found->second->dtype != storage->dtype || found->second->numel != storage->numel) {
            fail("storage " + storage->key + " named twice with different types or sizes");
        }
        ValuePtr v = make(Value::Kind::Storage);
        v->tensor.storage = found->second;
        push(std::move(v));
    }

    void step(uint8_t op)
    {
        m_opName = "";
        switch (op) {
        case PROTO:
            m_opName = "PROTO";
            if (uint8_t(take(1)[0]) > 5)
                fail("an unknown pickle protocol");
            return;
        case FRAME:
            m_opName = "FRAME";
            littleEndian(8);
            return;
        case NONE:
            push(make(Value::Kind::None));
            return;
        case NEWTRUE:
        case NEWFALSE: {
            ValuePtr v = make(Value::Kind::Bool);
            v->boolean = op == NEWTRUE;
            push(std::move(v));
            return;
        }
        case BININT:
        case BININT1:
        case BININT2: {
            m_opName = op == BININT ? "BININT" : op == BININT1 ? "BININT1" : "BININT2";
            ValuePtr v = make(Value::Kind::Int);
            v->integer = op == BININT    ? int64_t(int32_t(uint32_t(littleEndian(4))))
                         : op == BININT1 ? int64_t(littleEndian(1))
                                         : int64_t(littleEndian(2));
            push(std::move(v));
            return;
        }
        case LONG1: {
            m_opName = "LONG1";
            const size_t n = uint8_t(take(1)[0]);
            if (n > 9)
                fail("an integer of " + std::to_string(n) + " bytes (at most 9)");
            std::string_view b = take(n);
            // Two's complement, little-endian, sign from the last byte.
            __int128 x = 0;
            for (size_t i = n; i-- > 0;)
                x = x * 256 + uint8_t(b[i]);
            if (n > 0 && (uint8_t(b[n - 1]) & 0x80))
                x -= __int128(1) << (8 * n);
            ValuePtr v = make(Value::Kind::Int);
            if (x >= INT64_MIN && x <= INT64_MAX) {
                v->integer = int64_t(x);
            } else if (x > 0 && x <= __int128(UINT64_MAX)) {
                v->kind = Value::Kind::UInt;
                v->uinteger = uint64_t(x);
            } else {
                fail("an integer beyond 64 bits");
            }
            push(std::move(v));
            return;
        }
        case BINFLOAT: {
            m_opName = "BINFLOAT";
            std::string_view b = take(8);
            uint64_t bits = 0;
            for (char c : b)
                bits = (bits << 8) | uint8_t(c);
            ValuePtr v = make(Value::Kind::Float);
            std::memcpy(&v->number, &bits, 8);
            push(std::move(v));
            return;
        }
        case BINUNICODE:
            m_opName = "BINUNICODE";
            pushString(stringArgument(size_t(littleEndian(4))));
            return;
        case SHORT_BINUNICODE:
            m_opName = "SHORT_BINUNICODE";
            pushString(stringArgument(size_t(littleEndian(1))));
            return;
        case SHORT_BINSTRING:
            m_opName = "SHORT_BINSTRING";
            pushString(stringArgument(size_t(littleEndian(1))));
            return;
        case EMPTY_TUPLE:
            push(make(Value::Kind::Tuple));
            return;
        case EMPTY_LIST:
            push(make(Value::Kind::List));
            return;
        case EMPTY_DICT:
            push(make(Value::Kind::Dict));
            return;
        case MARK:
            m_opName = "MARK";
            if (m_marks.size() >= m_limits.maxMarks)
                fail("more than " + std::to_string(m_limits.maxMarks) + " MARKs open");
            m_marks.push_back(m_stack.size());
            return;
        case TUPLE:
            m_opName = "TUPLE";
            push(tupleOf(popMark()));
            return;
        case TUPLE1:
        case TUPLE2:
        case TUPLE3: {
            m_opName = op == TUPLE1 ? "TUPLE1" : op == TUPLE2 ? "TUPLE2" : "TUPLE3";
            const size_t n = size_t(op - TUPLE1 + 1);
            need(n);
            std::vector<ValuePtr> items(std::make_move_iterator(m_stack.end() - long(n)),
                                        std::make_move_iterator(m_stack.end()));
            m_stack.resize(m_stack.size() - n);
            push(tupleOf(std::move(items)));
            return;
        }
        case APPEND: {
            m_opName = "APPEND";
            need(2);
            ValuePtr item = pop();
            Value &list = mutableContainer(m_stack.back(), Value::Kind::List, "APPEND");
            adopt(list, item);
            list.items.push_back(std::move(item));
            return;
        }
        case APPENDS: {
            m_opName = "APPENDS";
            std::vector<ValuePtr> items = popMark();
            need(1);
            Value &list = mutableContainer(m_stack.back(), Value::Kind::List, "APPENDS");
            for (ValuePtr &item : items) {
                adopt(list, item);
                list.items.push_back(std::move(item));
            }
            return;
        }
        case SETITEM: {
            m_opName = "SETITEM";
            need(3);
            ValuePtr value = pop();
            ValuePtr key = pop();
            mutableContainer(m_stack.back(), Value::Kind::Dict, "SETITEM");
            setItem(m_stack.back(), std::move(key), std::move(value));
            return;
        }
        case SETITEMS: {
            m_opName = "SETITEMS";
            std::vector<ValuePtr> items = popMark();
            if (items.size() % 2)
                fail("an odd number of keys and values");
            need(1);
            mutableContainer(m_stack.back(), Value::Kind::Dict, "SETITEMS");
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(m_stack.back(), std::move(items[i]), std::move(items[i + 1]));
            return;
        }
        case BINPUT:
        case LONG_BINPUT: {
            m_opName = op == BINPUT ? "BINPUT" : "LONG_BINPUT";
            const uint32_t index = uint32_t(littleEndian(op == BINPUT ? 1 : 4));
            need(1);
            if (m_memo.size() >= m_limits.maxMemo && !m_memo.count(index))
                fail("more than " + std::to_string(m_limits.maxMemo) + " memo entries");
            m_memo[index] = m_stack.back();
            return;
        }
        case MEMOIZE: {
            m_opName = "MEMOIZE";
            need(1);
            if (m_memo.size() >= m_limits.maxMemo)
                fail("more than " + std::to_string(m_limits.maxMemo) + " memo entries");
            m_memo[uint32_t(m_memo.size())] = m_stack.back();
            return;
        }
        case BINGET:
        case LONG_BINGET: {
            m_opName = op == BINGET ? "BINGET" : "LONG_BINGET";
            const uint32_t index = uint32_t(littleEndian(op == BINGET ? 1 : 4));
            auto found = m_memo.find(index);
            if (found == m_memo.end())
                fail("memo entry " + std::to_string(index) + " was never stored");
            push(found->second);
            return;
        }
        case GLOBAL: {
            m_opName = "GLOBAL";
            const std::string module(line());
            const std::string name(line());
            pushGlobal(module, name);
            return;
        }
        case STACK_GLOBAL: {
            m_opName = "STACK_GLOBAL";
            need(2);
            ValuePtr name = pop(), module = pop();
            if (!name->isString() || !module->isString())
                fail("module and name are not strings");
            pushGlobal(module->text, name->text);
            return;
        }
        case REDUCE: {
            m_opName = "REDUCE";
            need(2);
            ValuePtr args = pop();
            if (!args->isTuple())
                fail(std::string("arguments are a ") + kindName(*args) + ", not a tuple");
            if (m_stack.back()->kind != Value::Kind::Global)
                fail(std::string("calls a ") + kindName(*m_stack.back()) + ", not an allowed function");
            m_stack.back() = call(*m_stack.back(), *args);
            return;
        }
        case BUILD: {
            m_opName = "BUILD";
            need(2);
            pop(); // the state: an OrderedDict's attributes (such as a state_dict's _metadata) are not kept
            const Value &target = *m_stack.back();
            if (!(target.isDict() && target.ordered))
                fail(std::string("BUILD of a ") + kindName(target) + " (only an OrderedDict may be built)");
            return;
        }
        case BINPERSID:
            m_opName = "BINPERSID";
            persistentLoad();
            return;
        case NEWOBJ:
            m_opName = "NEWOBJ";
            need(2);
            fail("no class may be instantiated in a checkpoint");
        default: {
            const char *name = refusedOpName(op);
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(name ? std::string("opcode ") + name + " is not used by torch.save and is refused"
                      : std::string("unknown opcode ") + hex);
        }
        }
    }
};

} // namespace

int elementSize(DType type)
{
    switch (type) {
    case DType::Float64:
    case DType::Int64:
        return 8;
    case DType::Float32:
    case DType::Int32:
        return 4;
    case DType::Float16:
    case DType::BFloat16:
    case DType::Int16:
        return 2;
    default:
        return 1;
    }
}

const char *dtypeName(DType type)
{
    switch (type) {
    case DType::Float32:
        return "float32";
    case DType::Float64:
        return "float64";
    case DType::Float16:
        return "float16";
    case DType::BFloat16:
        return "bfloat16";
    case DType::Int64:
        return "int64";
    case DType::Int32:
        return "int32";
    case DType::Int16:
        return "int16";
    case DType::Int8:
        return "int8";
    case DType::UInt8:
        return "uint8";
    case DType::Bool:
        return "bool";
    }
    return "?";
}

int64_t TensorRef::numel() const
{
    int64_t n = 1;
    for (int64_t s : sizes)
        n *= s;
    return n;
}

const Value *Value::get(std::string_view key) const
{
    for (const auto &[k, v] : entries)
        if (k->kind == Kind::String && k->text == key)
            return v.get();
    return nullptr;
}

const Value *Value::get(int64_t key) const
{
    for (const auto &[k, v] : entries)
        if (k->kind == Kind::Int && k->integer == key)
            return v.get();
    return nullptr;
}

const char *kindName(const Value &value)
{
    switch (value.kind) {
    case Value::Kind::None:
        return "None";
    case Value::Kind::Bool:
        return "bool";
    case Value::Kind::Int:
    case Value::Kind::UInt:
        return "int";
    case Value::Kind::Float:
        return "float";
    case Value::Kind::String:
        return "str";
    case Value::Kind::Tuple:
        return "tuple";
    case Value::Kind::List:
        return "list";
    case Value::Kind::Dict:
        return value.ordered ? "OrderedDict" : "dict";
    case Value::Kind::Global:
        return "global";
    case Value::Kind::Storage:
        return "storage";
    case Value::Kind::Tensor:
        return "Tensor";
    }
    return "?";
}

Unpickled unpickle(std::string_view bytes, bool allowLegacyTypeTags, const Limits &limits)
{
    return Reader(bytes, allowLegacyTypeTags, limits).run();
}

// The writer: what Python's pickler (protocol 2) emits for the same objects.

PickleWriter::PickleWriter()
{
    m_out.push_back(char(PROTO));
    m_out.push_back(2);
}

void PickleWriter::none()
{
    m_out.push_back(char(NONE));
}

void PickleWriter::boolean(bool value)
{
    m_out.push_back(char(value ? NEWTRUE : NEWFALSE));
}

void PickleWriter::integer(int64_t value)
{
    auto little = [this](uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i)
            m_out.push_back(char((v >> (8 * i)) & 0xff));
    };
    if (value >= 0 && value < 256) {
        m_out.push_back(char(BININT1));
        little(uint64_t(value), 1);
    } else if (value >= 0 && value < 65536) {
        m_out.push_back(char(BININT2));
        little(uint64_t(value), 2);
    } else if (value >= INT32_MIN && value <= INT32_MAX) {
        m_out.push_back(char(BININT));
        little(uint64_t(uint32_t(int32_t(value))), 4);
    } else {
        // The fewest two's-complement bytes that keep the sign, as Python's encode_long.
        char bytes[8];
        for (int i = 0; i < 8; ++i)
            bytes[i] = char((uint64_t(value) >> (8 * i)) & 0xff);
        int n = 8;
        while (n > 1 && ((bytes[n - 1] == 0 && !(uint8_t(bytes[n - 2]) & 0x80)) ||
                         (uint8_t(bytes[n - 1]) == 0xff && (uint8_t(bytes[n - 2]) & 0x80))))
            --n;
        m_out.push_back(char(LONG1));
        m_out.push_back(char(n));
        m_out.append(bytes, size_t(n));
    }
}

void PickleWriter::unsignedInteger(uint64_t value)
{
    if (value <= uint64_t(INT64_MAX)) {
        integer(int64_t(value));
        return;
    }
    m_out.push_back(char(LONG1));
    m_out.push_back(9);
    for (int i = 0; i < 8; ++i)
        m_out.push_back(char((value >> (8 * i)) & 0xff));
    m_out.push_back(0); // the sign byte: positive
}

void PickleWriter::number(double value)
{
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    m_out.push_back(char(BINFLOAT));
    for (int i = 7; i >= 0; --i)
        m_out.push_back(char((bits >> (8 * i)) & 0xff));
}

void PickleWriter::string(std::string_view value)
{
    m_out.push_back(char(BINUNICODE));
    const uint32_t n = uint32_t(value.size());
    for (int i = 0; i < 4; ++i)
        m_out.push_back(char((n >> (8 * i)) & 0xff));
    m_out.append(value.data(), value.size());
}

void PickleWriter::emptyTuple()
{
    m_out.push_back(char(EMPTY_TUPLE));
}

void PickleWriter::emptyList()
{
    m_out.push_back(char(EMPTY_LIST));
}

void PickleWriter::emptyDict()
{
    m_out.push_back(char(EMPTY_DICT));
}

void PickleWriter::mark()
{
    m_out.push_back(char(MARK));
}

void PickleWriter::tuple(size_t items)
{
    if (items == 0)
        m_out.push_back(char(EMPTY_TUPLE));
    else if (items <= 3)
        m_out.push_back(char(TUPLE1 + items - 1));
    else
        m_out.push_back(char(TUPLE));
}

void PickleWriter::appends()
{
    m_out.push_back(char(APPENDS));
}

void PickleWriter::setItems()
{
    m_out.push_back(char(SETITEMS));
}

void PickleWriter::global(std::string_view module, std::string_view name)
{
    const std::string key = std::string(module) + "\n" + std::string(name);
    for (const auto &[known, index] : m_globals) {
        if (known != key)
            continue;
        if (index < 256) {
            m_out.push_back(char(BINGET));
            m_out.push_back(char(index));
        } else {
            m_out.push_back(char(LONG_BINGET));
            for (int i = 0; i < 4; ++i)
                m_out.push_back(char((index >> (8 * i)) & 0xff));
        }
        return;
    }
    m_out.push_back(char(GLOBAL));
    m_out += key;
    m_out.push_back('\n');
    const uint32_t index = m_memo++;
    if (index < 256) {
        m_out.push_back(char(BINPUT));
        m_out.push_back(char(index));
    } else {
        m_out.push_back(char(LONG_BINPUT));
        for (int i = 0; i < 4; ++i)
            m_out.push_back(char((index >> (8 * i)) & 0xff));
    }
    m_globals.emplace_back(key, index);
}

void PickleWriter::reduce()
{
    m_out.push_back(char(REDUCE));
}

void PickleWriter::persistentId()
{
    m_out.push_back(char(BINPERSID));
}

std::string PickleWriter::finish()
{
    m_out.push_back(char(STOP));
    return std::move(m_out);
}

} // namespace ranker::pickle
