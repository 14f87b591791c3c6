#include "core/json_syntax.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

namespace ranker {

namespace {

/// Keys longer than this are shortened in messages.
constexpr size_t kMaxKeyInMessage = 60;
/// Objects with up to this many keys are checked pairwise; larger ones are sorted.
constexpr size_t kPairwiseKeys = 16;

void appendUtf8(std::string &out, uint32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

uint32_t hex4(std::string_view s, size_t at)
{
    uint32_t v = 0;
    for (size_t i = at; i < at + 4 && i < s.size(); ++i) {
        const char c = s[i];
        v = v * 16 + uint32_t(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

class Checker
{
public:
    Checker(std::string_view text, const JsonSyntaxOptions &options)
        : m_p(text.data()), m_begin(text.data()), m_end(text.data() + text.size()), m_options(options)
    {
    }

    JsonSyntaxResult run()
    {
        skipSpace();
        if (!value())
            return report();
        skipSpace();
        if (m_p != m_end) {
            m_problem = JsonProblem::TrailingContent;
            m_error = "content after the JSON value";
            return report();
        }
        return {};
    }

private:
    /// A key as written: the bytes between its quotes.
    struct Key
    {
        const char *text;
        uint32_t length;
        bool escaped;
    };
    /// An array or object entered and not yet closed.
    struct Level
    {
        char kind;         ///< '{' or '['
        const char *start; ///< its opening bracket
        size_t keysBegin;  ///< its keys are m_keys[keysBegin…]
    };

    JsonSyntaxResult report() const
    {
        JsonSyntaxResult r;
        r.problem = m_problem;
        r.column = size_t(m_p - m_begin) + 1;
        r.what = m_error;
        r.path = m_path;
        return r;
    }

    bool fail(const char *why)
    {
        m_error = why;
        return false;
    }

    // The scanning loops work on a local pointer: a char read may alias the member, which would
    // make the compiler store m_p back at every byte.
    void skipSpace()
    {
        const char *p = m_p;
        while (p != m_end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            ++p;
        m_p = p;
    }

    /// Skips a run of digits, eight bytes at a time where it can: the loop over an embedding's
    /// digits is most of the work, and a per-byte loop mispredicts where each run ends.
    void skipDigits()
    {
        const char *p = m_p;
        while (m_end - p >= 8) {
            uint64_t x;
            std::memcpy(&x, p, 8);
            // Per byte, zero exactly when it is '0'..'9': high nibble 3 and low nibble below 10.
            const uint64_t high = (x & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull;
            const uint64_t low = ((x & 0x0F0F0F0F0F0F0F0Full) + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull;
            const uint64_t d = high | low;
            const uint64_t notDigit =
                (d | ((d & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full)) & 0x8080808080808080ull;
            if (notDigit) {
                m_p = p + (__builtin_ctzll(notDigit) >> 3); // bytes are in memory order (little-endian)
                return;
            }
            p += 8;
        }
        while (p != m_end && digit(*p))
            ++p;
        m_p = p;
    }

    bool literal(const char *word, size_t length)
    {
        if (size_t(m_end - m_p) < length || std::string_view(m_p, length) != std::string_view(word, length))
            return fail("unknown literal");
        m_p += length;
        return true;
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    bool number()
    {
        if (m_p != m_end && *m_p == '-')
            ++m_p;
        if (m_p == m_end || !digit(*m_p))
            return fail("a number needs a digit");
        if (*m_p == '0')
            ++m_p;
        else
            skipDigits();
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            if (m_p == m_end || !digit(*m_p))
                return fail("a number needs a digit after its '.'");
            skipDigits();
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (m_p == m_end || !digit(*m_p))
                return fail("a number needs a digit in its exponent");
            skipDigits();
        }
        return true;
    }

    static bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

    /// A string from its opening quote; sets m_escaped when it holds an escape.
    bool string()
    {
        ++m_p; // the opening quote
        m_escaped = false;
        for (;;) {
            const char *p = m_p;
            while (p != m_end && *p != '"' && *p != '\\' && uint8_t(*p) >= 0x20)
                ++p;
            m_p = p;
            if (m_p == m_end)
                return fail("a string is not closed");
            if (*m_p == '"') {
                ++m_p;
                return true;
            }
            if (*m_p != '\\')
                return fail("a control character inside a string");
            m_escaped = true;
            ++m_p;
            if (m_p == m_end)
                return fail("a string is not closed");
            switch (*m_p) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                ++m_p;
                break;
            case 'u':
                ++m_p;
                for (int i = 0; i < 4; ++i, ++m_p)
                    if (m_p == m_end || !hex(*m_p))
                        return fail("\\u needs four hex digits");
                break;
            default:
                return fail("an unknown escape in a string");
            }
        }
    }

    /// Enters an array or object at m_p (its bracket).
    bool open(char kind)
    {
        if (m_options.maxDepth && m_open.size() >= m_options.maxDepth) {
            m_problem = JsonProblem::TooDeep;
            return fail("arrays and objects nest too deep");
        }
        m_open.push_back({kind, m_p, m_keys.size()});
        return true;
    }

    /// Leaves the innermost level (its closing bracket is at m_p - 1).
    bool close()
    {
        if (m_options.rejectDuplicateKeys && m_open.back().kind == '{' && !uniqueKeys())
            return false;
        m_keys.resize(m_open.back().keysBegin);
        m_open.pop_back();
        return true;
    }

    // Iterative over nesting, so that a deeply nested line cannot overflow the stack.
    bool value()
    {
        for (;;) {
            // A value.
            if (m_p == m_end)
                return fail("a value is missing");
            switch (*m_p) {
            case '{':
                if (!open('{'))
                    return false;
                ++m_p;
                skipSpace();
                if (m_p != m_end && *m_p == '}') {
                    ++m_p;
                    m_open.pop_back();
                    break;
                }
                if (!key())
                    return false;
                continue;
            case '[':
                if (!open('['))
                    return false;
                ++m_p;
                skipSpace();
                if (m_p != m_end && *m_p == ']') {
                    ++m_p;
                    m_open.pop_back();
                    break;
                }
                continue;
            case '"':
                if (!string())
                    return false;
                break;
            case 't':
                if (!literal("true", 4))
                    return false;
                break;
            case 'f':
                if (!literal("false", 5))
                    return false;
                break;
            case 'n':
                if (!literal("null", 4))
                    return false;
                break;
            default:
                if (*m_p != '-' && !digit(*m_p))
                    return fail("a value cannot start here");
                if (!number())
                    return false;
            }
            // After a value: close levels, or go on to the next member or element.
            for (;;) {
                if (m_open.empty())
                    return true;
                skipSpace();
                const char kind = m_open.back().kind;
                if (m_p == m_end)
                    return fail(kind == '{' ? "an object is not closed" : "an array is not closed");
                if (*m_p == ',') {
                    ++m_p;
                    skipSpace();
                    if (kind == '{') {
                        if (!key())
                            return false;
                        break;
                    }
                    // An array element: numbers (most of a dataset: embeddings) are read right here.
                    if (m_p != m_end && (*m_p == '-' || digit(*m_p))) {
                        if (!number())
                            return false;
                        continue;
                    }
                    break;
                }
                if ((kind == '{' && *m_p == '}') || (kind == '[' && *m_p == ']')) {
                    ++m_p;
                    if (!close())
                        return false;
                    continue;
                }
                return fail(kind == '{' ? "expected ',' or '}' after an object member"
                                        : "expected ',' or ']' after an array element");
            }
            skipSpace();
        }
    }

    /// An object's key and its ':'; leaves m_p at the member's value.
    bool key()
    {
        skipSpace();
        if (m_p == m_end || *m_p != '"')
            return fail("expected a quoted key");
        const char *quote = m_p;
        if (!string())
            return false;
        if (m_options.rejectDuplicateKeys)
            m_keys.push_back({quote + 1, uint32_t(m_p - quote - 2), m_escaped});
        skipSpace();
        if (m_p == m_end || *m_p != ':')
            return fail("expected ':' after a key");
        ++m_p;
        skipSpace();
        return true;
    }

    static std::string_view raw(const Key &k) { return std::string_view(k.text, k.length); }

    /// The keys of the innermost object are all different; else reports the first repeat.
    bool uniqueKeys()
    {
        const size_t begin = m_open.back().keysBegin, n = m_keys.size() - begin;
        if (n < 2)
            return true;
        const Key *keys = m_keys.data() + begin;
        bool escaped = false;
        for (size_t i = 0; i < n; ++i)
            escaped |= keys[i].escaped;
        size_t repeat = n; // index of the first key (in file order) that repeats an earlier one
        if (!escaped && n <= kPairwiseKeys) {
            for (size_t j = 1; j < n && repeat == n; ++j)
                for (size_t i = 0; i < j; ++i)
                    if (raw(keys[i]) == raw(keys[j])) {
                        repeat = j;
                        break;
                    }
        } else {
            // Many keys, or escaped ones: compare unescaped texts, sorted once.
            std::deque<std::string> decoded;
            std::vector<std::pair<std::string_view, size_t>> sorted;
            sorted.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                if (keys[i].escaped) {
                    decoded.push_back(unescapeJsonString(raw(keys[i])));
                    sorted.emplace_back(decoded.back(), i);
                } else {
                    sorted.emplace_back(raw(keys[i]), i);
                }
            }
            std::sort(sorted.begin(), sorted.end());
            for (size_t i = 1; i < n; ++i)
                if (sorted[i].first == sorted[i - 1].first && (i < 2 || sorted[i - 2].first != sorted[i].first))
                    repeat = std::min(repeat, sorted[i].second); // the second of its group in file order
        }
        if (repeat == n)
            return true;
        m_p = keys[repeat].text - 1;
        m_problem = JsonProblem::DuplicateKey;
        m_path = pathTo(keys[repeat]);
        return fail("duplicate key");
    }

    /// Elements before `to` in the array whose bracket is at `from` (the text there is valid).
    static size_t elementsBefore(const char *from, const char *to)
    {
        size_t count = 0, depth = 0;
        for (const char *p = from + 1; p < to; ++p) {
            const char c = *p;
            if (c == '"') {
                for (++p; p < to && *p != '"'; ++p)
                    if (*p == '\\')
                        ++p;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                --depth;
            } else if (c == ',' && depth == 0) {
                ++count;
            }
        }
        return count;
    }

    static std::string keyText(const Key &k)
    {
        std::string text = k.escaped ? unescapeJsonString(raw(k)) : std::string(raw(k));
        if (text.size() > kMaxKeyInMessage) {
            size_t cut = kMaxKeyInMessage;
            while (cut > 0 && (uint8_t(text[cut]) & 0xC0) == 0x80) // not inside a UTF-8 sequence
                --cut;
            text = text.substr(0, cut) + "…";
        }
        return text;
    }

    /// "item_a.metrics.stars", "extra[2].x": where `last`, a key of the innermost object, sits.
    std::string pathTo(const Key &last) const
    {
        std::string path;
        for (size_t level = 0; level + 1 < m_open.size(); ++level) {
            const Level &here = m_open[level];
            if (here.kind == '{') {
                // The member being read is the level's last key.
                const Key &k = m_keys[m_open[level + 1].keysBegin - 1];
                path += (path.empty() ? "" : ".") + keyText(k);
            } else {
                path += "[" + std::to_string(elementsBefore(here.start, m_open[level + 1].start)) + "]";
            }
        }
        return path + (path.empty() ? "" : ".") + keyText(last);
    }

    const char *m_p;
    const char *m_begin;
    const char *m_end;
    const JsonSyntaxOptions &m_options;
    std::vector<Level> m_open;
    std::vector<Key> m_keys; ///< keys of the open objects, innermost last (rejectDuplicateKeys only)
    bool m_escaped = false;  ///< the last string read held an escape
    JsonProblem m_problem = JsonProblem::Grammar;
    const char *m_error = "";
    std::string m_path;
};

} // namespace

JsonSyntaxResult checkJsonSyntax(std::string_view text, const JsonSyntaxOptions &options)
{
    return Checker(text, options).run();
}

size_t jsonSyntaxError(std::string_view text, std::string *what)
{
    const JsonSyntaxResult r = checkJsonSyntax(text, JsonSyntaxOptions{});
    if (r && what)
        *what = r.what;
    return r.column;
}

std::string unescapeJsonString(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 >= s.size()) {
            out += s[i];
            continue;
        }
        const char c = s[++i];
        switch (c) {
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            uint32_t cp = hex4(s, i + 1);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
                const uint32_t low = hex4(s, i + 3);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD; // a lone surrogate
            appendUtf8(out, cp);
            break;
        }
        default:
            out += c;
            break; // '"', '\\', '/'
        }
    }
    return out;
}

} // namespace ranker
