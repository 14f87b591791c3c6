#include "ui/review/paircard.h"

#include "core/dataset.h"

#include <nlohmann/json.hpp>

#include <QLabel>
#include <QPainter>
#include <QScrollBar>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

namespace ranker::ui {

PairCard::PairCard(QWidget *parent) : QFrame(parent)
{
    setFrameShape(QFrame::NoFrame);
    setMinimumWidth(260);
    auto *layout = new QVBoxLayout(this);
    auto *header = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("cardTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_badge = new QLabel(this);
    m_badge->setObjectName(QStringLiteral("cardBadge"));
    m_badge->setAlignment(Qt::AlignCenter);
    m_badge->setAutoFillBackground(true);
    m_badge->setMargin(3);
    QFont badgeFont = m_badge->font();
    badgeFont.setBold(true);
    m_badge->setFont(badgeFont);
    header->addWidget(m_title, 1);
    header->addWidget(m_badge);
    layout->addLayout(header);
    // A text view, not a QLabel: its size hint does not depend on the text, so showing the next
    // pair lays out this card's text once instead of making every layout pass measure it.
    m_body = new QTextBrowser(this);
    m_body->setObjectName(QStringLiteral("cardBody"));
    m_body->setFrameShape(QFrame::NoFrame);
    m_body->setOpenLinks(false);
    m_body->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_body->viewport()->setAutoFillBackground(false);
    m_body->setAutoFillBackground(false);
    m_body->setFocusPolicy(Qt::NoFocus);
    layout->addWidget(m_body, 1);
    setVerdict(Verdict::None);
}

void PairCard::clear()
{
    m_title->clear();
    m_body->clear();
    setVerdict(Verdict::None);
}

namespace {

using Json = nlohmann::ordered_json;

// A string this long, or with a line break, is shown as a paragraph under its name rather than in
// the table of short fields.
constexpr int kShortText = 48;
// A number array longer than this (an embedding) is summarised, not listed.
constexpr size_t kListedNumbers = 8;
constexpr int kMaxDepth = 6;

const char *const kKnownFields[] = {"id", "item_type", "item_reference_id", "created_at", "embedding_id"};

bool isKnown(const std::string &key)
{
    for (const char *known : kKnownFields)
        if (key == known)
            return true;
    return key == "embedding" || key == "metrics";
}

QString esc(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString dash()
{
    return QStringLiteral("<i>—</i>");
}

bool isShort(const Json &value)
{
    if (value.is_string()) {
        const std::string &s = value.get_ref<const std::string &>();
        return QString::fromStdString(s).size() <= kShortText && s.find('\n') == std::string::npos;
    }
    return value.is_primitive() || value.empty();
}

bool isNumberArray(const Json &value)
{
    if (!value.is_array() || value.empty())
        return false;
    for (const Json &v : value)
        if (!v.is_number())
            return false;
    return true;
}

QString numberArraySummary(const Json &value)
{
    double norm = 0;
    QStringList first;
    for (const Json &v : value) {
        const double x = v.get<double>();
        norm += x * x;
        if (size_t(first.size()) < 4)
            first << QString::number(x, 'g', 4);
    }
    return QStringLiteral("%1 numbers, norm %2: %3, …")
        .arg(value.size())
        .arg(std::sqrt(norm), 0, 'f', 3)
        .arg(first.join(QStringLiteral(", ")));
}

QString scalarHtml(const Json &value)
{
    if (value.is_string()) {
        const std::string &s = value.get_ref<const std::string &>();
        if (s.empty())
            return QStringLiteral("<i>(empty)</i>");
        // Text in full, its line breaks kept, wrapped at the card's width.
        return QStringLiteral("<span style='white-space:pre-wrap'>%1</span>").arg(esc(s));
    }
    if (value.is_null())
        return QStringLiteral("<i>null</i>");
    if (value.is_object() && value.empty())
        return QStringLiteral("{ }");
    if (value.is_array() && value.empty())
        return QStringLiteral("[ ]");
    return esc(value.dump());
}

// Any value: scalars as text, number arrays listed or summarised, objects and other arrays as
// nested tables of their members.
QString valueHtml(const Json &value, int depth)
{
    if (!value.is_structured() || value.empty())
        return scalarHtml(value);
    if (isNumberArray(value)) {
        if (value.size() > kListedNumbers)
            return numberArraySummary(value).toHtmlEscaped();
        QStringList numbers;
        for (const Json &v : value)
            numbers << esc(v.dump());
        return QStringLiteral("[%1]").arg(numbers.join(QStringLiteral(", ")));
    }
    if (depth >= kMaxDepth)
        return esc(value.dump());
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    auto member = [&](const QString &name, const Json &v) {
        html += QStringLiteral("<tr><td valign='top' style='color:#666'>%1</td><td>%2</td></tr>")
                    .arg(name, valueHtml(v, depth + 1));
    };
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
            member(esc(it.key()), it.value());
    } else {
        for (size_t i = 0; i < value.size(); ++i)
            member(QStringLiteral("[%1]").arg(i), value[i]);
    }
    return html + QStringLiteral("</table>");
}

const Json *member(const Json &object, const std::string &key)
{
    if (!object.is_object())
        return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// The fields that are not known ones, in the same order for both items of a pair whichever card
// asks: by the first position either item has it at, then by name.
std::vector<std::string> otherFieldOrder(const Json &mine, const Json &theirs)
{
    std::vector<std::pair<size_t, std::string>> ranked;
    auto collect = [&](const Json &object) {
        if (!object.is_object())
            return;
        size_t position = 0;
        for (auto it = object.begin(); it != object.end(); ++it, ++position) {
            if (isKnown(it.key()))
                continue;
            auto found =
                std::find_if(ranked.begin(), ranked.end(), [&](const auto &r) { return r.second == it.key(); });
            if (found == ranked.end())
                ranked.emplace_back(position, it.key());
            else
                found->first = std::min(found->first, position);
        }
    };
    collect(mine);
    collect(theirs);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> keys;
    for (auto &r : ranked)
        keys.push_back(std::move(r.second));
    return keys;
}

} // namespace

void PairCard::setItem(const Dataset &ds, int index, int otherIndex, const QString &side, const Json &fields,
                       const Json &otherFields)
{
    const Item &item = ds.items[size_t(index)];
    const Item &other = ds.items[size_t(otherIndex)];
    m_title->setText(side + QStringLiteral(" · ") + QString::fromStdString(item.id));
    QString html;
    html += QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    auto row = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td valign='top' style='color:#666'>%1</td><td>%2</td></tr>").arg(k, v);
    };
    // Known fields first, as the line writes them (the dataset's copy when the line is not known).
    const std::string parsed[] = {item.id, item.itemType, item.referenceId, item.createdAt, item.embeddingId};
    for (size_t i = 0; i < std::size(kKnownFields); ++i) {
        const Json *value = member(fields, kKnownFields[i]);
        const QString name = QString::fromLatin1(kKnownFields[i]);
        if (value)
            row(name,
                value->is_string() && value->get_ref<const std::string &>().empty() ? dash() : valueHtml(*value, 1));
        else
            row(name, parsed[i].empty() ? dash() : esc(parsed[i]));
    }
    if (item.hasEmbedding && ds.embeddingDim > 0) {
        const float *e = ds.embeddings.data() + size_t(index) * size_t(ds.embeddingDim);
        double norm = 0;
        QStringList first;
        for (int i = 0; i < ds.embeddingDim; ++i) {
            norm += double(e[i]) * double(e[i]);
            if (i < 4)
                first << QString::number(double(e[i]), 'g', 4);
        }
        row(QStringLiteral("embedding"),
            QStringLiteral("%1 values, norm %2: %3%4")
                .arg(ds.embeddingDim)
                .arg(std::sqrt(norm), 0, 'f', 3)
                .arg(first.join(QStringLiteral(", ")), ds.embeddingDim > 4 ? QStringLiteral(", …") : QString()));
    } else {
        row(QStringLiteral("embedding"), QStringLiteral("<span style='color:#b00'>none</span>"));
    }
    html += QStringLiteral("</table>");

    // Every metric either item has, with this item's difference to the other one.
    std::vector<std::pair<int, double>> mine = item.metrics, theirs = other.metrics;
    auto find = [](const std::vector<std::pair<int, double>> &m, int name, double *value) {
        for (const auto &p : m)
            if (p.first == name) {
                *value = p.second;
                return true;
            }
        return false;
    };
    std::vector<int> names;
    for (size_t i = 0; i < ds.metricNames.size(); ++i) {
        double v;
        if (find(mine, int(i), &v) || find(theirs, int(i), &v))
            names.push_back(int(i));
    }
    html += QStringLiteral("<p style='margin-top:6px'><b>metrics</b></p><table cellspacing='0' cellpadding='2'>");
    if (names.empty())
        html += QStringLiteral("<tr><td><i>none</i></td></tr>");
    for (int name : names) {
        double v = 0, w = 0;
        bool hasV = find(mine, name, &v), hasW = find(theirs, name, &w);
        QString value = hasV ? QString::number(v, 'g', 6) : QStringLiteral("—");
        QString diff;
        QString colour = QStringLiteral("#666");
        if (hasV && hasW) {
            double d = v - w;
            if (d > 0)
                colour = QStringLiteral("#17803d");
            else if (d < 0)
                colour = QStringLiteral("#c0392b");
            diff = d == 0 ? QStringLiteral("=") : QStringLiteral("%1%2").arg(d > 0 ? "+" : "").arg(d, 0, 'g', 4);
        } else if (hasV) {
            diff = QStringLiteral("only here");
        } else {
            diff = QStringLiteral("missing");
            colour = QStringLiteral("#c0392b");
        }
        bool bold = hasV && hasW && v != w;
        html += QStringLiteral("<tr><td style='color:#666'>%1</td><td align='right'>%2</td>"
                               "<td align='right' style='color:%3'>%4%5%6</td></tr>")
                    .arg(QString::fromStdString(ds.metricNames[size_t(name)]).toHtmlEscaped(), value, colour,
                         bold ? QStringLiteral("<b>") : QString(), diff, bold ? QStringLiteral("</b>") : QString());
    }
    html += QStringLiteral("</table>");

    // Every other field the items carry: short ones in a table, then each long text or nested
    // value under its name. Both cards take the same rows in the same order, so they line up as
    // far as the long values allow.
    const std::vector<std::string> others = otherFieldOrder(fields, otherFields);
    std::vector<std::string> shortKeys, longKeys;
    for (const std::string &key : others) {
        const Json *a = member(fields, key), *b = member(otherFields, key);
        ((!a || isShort(*a)) && (!b || isShort(*b)) ? shortKeys : longKeys).push_back(key);
    }
    if (!shortKeys.empty()) {
        html +=
            QStringLiteral("<p style='margin-top:6px'><b>other fields</b></p><table cellspacing='0' cellpadding='2'>");
        for (const std::string &key : shortKeys) {
            const Json *value = member(fields, key);
            row(esc(key), value ? valueHtml(*value, 1) : dash());
        }
        html += QStringLiteral("</table>");
    }
    for (const std::string &key : longKeys) {
        const Json *value = member(fields, key);
        html += QStringLiteral("<p style='margin-top:8px; margin-bottom:2px'><b>%1</b></p><div>%2</div>")
                    .arg(esc(key), value ? valueHtml(*value, 1) : dash());
    }
    m_body->setHtml(html);
}

QScrollBar *PairCard::scrollBar() const
{
    return m_body->verticalScrollBar();
}

void PairCard::setVerdict(Verdict verdict)
{
    // Drawn in paintEvent() and coloured through palettes: style sheets would re-polish the whole
    // card on every pair, which costs more than the 16 ms a pair may take.
    m_verdict = verdict;
    QString badge;
    QColor background, text;
    switch (verdict) {
    case Verdict::Preferred:
        badge = tr("PREFERRED");
        background = QColor(0x17, 0x80, 0x3d);
        text = Qt::white;
        break;
    case Verdict::Equal:
        badge = tr("EQUAL");
        background = QColor(0xd4, 0xa0, 0x17);
        text = Qt::black;
        break;
    case Verdict::NotPreferred:
    case Verdict::None:
        break;
    }
    if (!badge.isEmpty()) {
        QPalette palette = m_badge->palette();
        palette.setColor(QPalette::Window, background);
        palette.setColor(QPalette::WindowText, text);
        m_badge->setPalette(palette);
    }
    m_badge->setText(badge);
    m_badge->setVisible(!badge.isEmpty());
    update();
}

void PairCard::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor border(0xbb, 0xbb, 0xbb), fill = palette().color(QPalette::Base);
    int width = 1;
    if (m_verdict == Verdict::Preferred) {
        border = QColor(0x17, 0x80, 0x3d);
        fill = QColor(0xee, 0xfa, 0xf1);
        width = 4;
    } else if (m_verdict == Verdict::Equal) {
        border = QColor(0xd4, 0xa0, 0x17);
        fill = QColor(0xfd, 0xf8, 0xe6);
        width = 4;
    }
    painter.setPen(QPen(border, width));
    painter.setBrush(fill);
    painter.drawRoundedRect(QRectF(rect()).adjusted(width / 2.0, width / 2.0, -width / 2.0, -width / 2.0), 6, 6);
}

} // namespace ranker::ui
