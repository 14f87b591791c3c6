#pragma once
// Python pickles of the kind torch.save writes (protocol 2): a writer, and a reader that builds only
// plain data (None, bool, int, float, str, tuple, list, dict, OrderedDict) and tensor references,
// from an allow-list of globals like PyTorch's weights-only unpickler. Torch-free.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ranker::pickle {

/// Element types of torch storages (torch.FloatStorage, …).
enum class DType { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };
/// Bytes per element.
int elementSize(DType type);
/// "float32", "int64", …
const char *dtypeName(DType type);

/// A storage named by a persistent id ('storage', torch.XStorage, key, location, numel).
struct StorageRef
{
    std::string key; ///< the record data/KEY holds its bytes
    DType dtype = DType::Float32;
    std::string location; ///< "cpu", "cuda:0", …: all are read onto the CPU
    int64_t numel = 0;
};

/// A tensor rebuilt by torch._utils._rebuild_tensor_v2: a strided view of a storage, checked to lie
/// within it.
struct TensorRef
{
    std::shared_ptr<const StorageRef> storage;
    int64_t offset = 0;
    std::vector<int64_t> sizes, strides;
    int64_t numel() const;
};

struct Value;
using ValuePtr = std::shared_ptr<Value>;

/// One unpickled object. Containers hold shared children, as Python objects do (the memo).
struct Value
{
    enum class Kind { None, Bool, Int, UInt, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
    Kind kind = Kind::None;
    bool boolean = false;
    int64_t integer = 0;
    uint64_t uinteger = 0; ///< Kind::UInt: an int above INT64_MAX (up to 2^64 − 1)
    double number = 0;
    std::string text;                                   ///< String; Global: "module.name"
    std::vector<ValuePtr> items;                        ///< Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> entries; ///< Dict, in insertion order
    bool ordered = false;                               ///< Dict: a collections.OrderedDict
    TensorRef tensor;                                   ///< Tensor; Storage: only tensor.storage
    int global = -1;                                    ///< Global: which allowed global

    // Bookkeeping of the reader, which bounds what a pickle can build.
    int depth = 1;       ///< nesting depth
    uint64_t weight = 1; ///< objects in the fully expanded value (shared children counted each time)
    bool sealed = false; ///< inside another container: no longer changed (so no cycles)

    bool isString() const { return kind == Kind::String; }
    bool isDict() const { return kind == Kind::Dict; }
    bool isList() const { return kind == Kind::List; }
    bool isTuple() const { return kind == Kind::Tuple; }
    bool isTensor() const { return kind == Kind::Tensor; }
    bool isInt() const { return kind == Kind::Int; }
    bool isNumber() const { return kind == Kind::Int || kind == Kind::Float; }
    /// The value of a dict entry whose key is the string `key`, or nullptr.
    const Value *get(std::string_view key) const;
    /// The value of a dict entry whose key is the int `key`, or nullptr.
    const Value *get(int64_t key) const;
};

/// Python's name of the kind ("dict", "str", "Tensor", …), for error messages.
const char *kindName(const Value &value);

/// Bounds that no well-formed checkpoint comes near; a pickle beyond any of them is refused.
struct Limits
{
    size_t maxStack = 1 << 20;              ///< objects on the stack at once
    size_t maxMarks = 1000;                 ///< MARKs open at once
    int maxDepth = 100;                     ///< nesting of containers
    uint64_t maxWeight = uint64_t(1) << 24; ///< objects in the expanded root (against shared-reference bombs)
    size_t maxMemo = 1 << 20;               ///< memo entries
    size_t maxObjects = 3000000;            ///< objects created in all (each about 200 bytes)
    size_t maxStringBytes = 1 << 20;        ///< one string
};

/// What one unpickling built: the root object and every storage its persistent ids named.
struct Unpickled
{
    ValuePtr root;
    std::vector<std::shared_ptr<const StorageRef>> storages;
    std::vector<std::string> globals; ///< each GLOBAL named, once, as "module.name"
};

/**
 * Reads a pickle of protocol ≤ 4 with only these opcodes: PROTO, FRAME, STOP, the constants (NONE,
 * NEWTRUE, NEWFALSE, BININT, BININT1, BININT2, LONG1, BINFLOAT, BINUNICODE, SHORT_BINUNICODE,
 * SHORT_BINSTRING), containers (EMPTY_TUPLE/LIST/DICT, MARK, TUPLE, TUPLE1–3, APPEND(S),
 * SETITEM(S)), the memo (BINPUT, LONG_BINPUT, MEMOIZE, BINGET, LONG_BINGET), and GLOBAL,
 * STACK_GLOBAL, REDUCE, BUILD, BINPERSID for the allowed globals only: collections.OrderedDict,
 * torch._utils._rebuild_tensor(_v2), torch._utils._rebuild_parameter, the torch.*Storage classes
 * in persistent ids, and — when `allowLegacyTypeTags` — the identity functions of
 * torch.jit._pickle (restore_type_tag, build_intlist, build_doublelist, build_boollist,
 * build_tensorlist) that LibTorch's pickler writes. Every opcode checks the stack it needs and the
 * types it gets; every tensor is checked to lie inside its storage's numel.
 * @throw Error with the byte offset and what is wrong (no file name: the caller adds it).
 */
Unpickled unpickle(std::string_view bytes, bool allowLegacyTypeTags = true, const Limits &limits = {});

/**
 * Writes a protocol-2 pickle, opcode by opcode, as Python's pickler would; globals are memoised
 * and then fetched from the memo. The caller keeps MARKs and containers balanced.
 */
class PickleWriter
{
public:
    PickleWriter();
    void none();
    void boolean(bool value);
    void integer(int64_t value);
    void unsignedInteger(uint64_t value);
    void number(double value);
    void string(std::string_view value);
    void emptyTuple();
    void emptyList();
    void emptyDict();
    void mark();
    /// TUPLE1/2/3 for that many items on the stack, else TUPLE (after a mark()).
    void tuple(size_t items);
    void appends();
    void setItems();
    void global(std::string_view module, std::string_view name);
    void reduce();
    void persistentId();
    /// The whole pickle, ended by STOP.
    std::string finish();

private:
    std::string m_out;
    std::vector<std::pair<std::string, uint32_t>> m_globals;
    uint32_t m_memo = 0;
};

} // namespace ranker::pickle
