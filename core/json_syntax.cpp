#include "core/json_syntax.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace ranker {

namespace {

class Checker
{
public:
    explicit Checker(std::string_view text) : m_p(text.data()), m_begin(text.data()), m_end(text.data() + text.size())
    {
    }

    size_t run(std::string *what)
    {
        skipSpace();
        if (!value())
            return report(what);
        skipSpace();
        if (m_p != m_end) {
            m_error = "content after the JSON value";
            return report(what);
        }
        return 0;
    }

private:
    size_t report(std::string *what) const
    {
        if (what)
            *what = m_error;
        return size_t(m_p - m_begin) + 1;
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

    bool string()
    {
        ++m_p; // the opening quote
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

    // Iterative over nesting, so that a deeply nested line cannot overflow the stack.
    bool value()
    {
        std::vector<char> open; // '{' or '[' for each level entered
        for (;;) {
            // A value.
            if (m_p == m_end)
                return fail("a value is missing");
            switch (*m_p) {
            case '{':
                ++m_p;
                skipSpace();
                if (m_p != m_end && *m_p == '}') {
                    ++m_p;
                    break;
                }
                open.push_back('{');
                if (!key())
                    return false;
                continue;
            case '[':
                ++m_p;
                skipSpace();
                if (m_p != m_end && *m_p == ']') {
                    ++m_p;
                    break;
                }
                open.push_back('[');
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
                if (open.empty())
                    return true;
                skipSpace();
                if (m_p == m_end)
                    return fail(open.back() == '{' ? "an object is not closed" : "an array is not closed");
                if (*m_p == ',') {
                    ++m_p;
                    skipSpace();
                    if (open.back() == '{') {
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
                if ((open.back() == '{' && *m_p == '}') || (open.back() == '[' && *m_p == ']')) {
                    ++m_p;
                    open.pop_back();
                    continue;
                }
                return fail(open.back() == '{' ? "expected ',' or '}' after an object member"
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
        if (!string())
            return false;
        skipSpace();
        if (m_p == m_end || *m_p != ':')
            return fail("expected ':' after a key");
        ++m_p;
        skipSpace();
        return true;
    }

    const char *m_p;
    const char *m_begin;
    const char *m_end;
    const char *m_error = "";
};

} // namespace

size_t jsonSyntaxError(std::string_view text, std::string *what)
{
    return Checker(text).run(what);
}

} // namespace ranker
