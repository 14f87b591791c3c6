#pragma once
// Text from run folders that anyone may have written is shown shortened: a model_name of a
// million characters would otherwise be converted, laid out and painted in full every time a
// cell, a title or a legend is drawn.

#include <QString>

#include <algorithm>
#include <string>

namespace ranker::ui {

/// Characters a table cell, a title or a legend entry shows of a name.
constexpr int kShownChars = 200;
/// Characters a tooltip or a details value shows (the full text of any name we write ourselves).
constexpr int kShownCharsLong = 2000;

/// At most `maxChars` characters of the UTF-8 `text`, ending in "…" when cut. Only the part
/// kept is converted.
inline QString elidedText(const std::string &text, int maxChars = kShownChars)
{
    // A character is at most 4 bytes of UTF-8: a prefix that long holds maxChars of them.
    const size_t maxBytes = size_t(maxChars) * 4;
    if (text.size() <= size_t(maxChars))
        return QString::fromStdString(text);
    size_t cut = std::min(text.size(), maxBytes);
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // not inside a UTF-8 sequence
    QString shown = QString::fromUtf8(text.data(), qsizetype(cut));
    if (shown.size() <= maxChars && cut == text.size())
        return shown;
    shown.truncate(maxChars - 1);
    if (!shown.isEmpty() && shown.back().isHighSurrogate())
        shown.chop(1);
    return shown + QChar(0x2026);
}

/// The same for a QString already converted.
inline QString elidedText(const QString &text, int maxChars = kShownChars)
{
    if (text.size() <= maxChars)
        return text;
    QString shown = text.left(maxChars - 1);
    if (!shown.isEmpty() && shown.back().isHighSurrogate())
        shown.chop(1);
    return shown + QChar(0x2026);
}

} // namespace ranker::ui
