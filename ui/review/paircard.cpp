#include "ui/review/paircard.h"

#include "core/dataset.h"

#include <QLabel>
#include <QPainter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cmath>

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

void PairCard::setItem(const Dataset &ds, int index, int otherIndex, const QString &side)
{
    const Item &item = ds.items[size_t(index)];
    const Item &other = ds.items[size_t(otherIndex)];
    m_title->setText(side + QStringLiteral(" · ") + QString::fromStdString(item.id));
    auto esc = [](const std::string &s) { return QString::fromStdString(s).toHtmlEscaped(); };
    auto orDash = [&](const std::string &s) { return s.empty() ? QStringLiteral("<i>—</i>") : esc(s); };
    QString html;
    html += QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    auto row = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td style='color:#666'>%1</td><td>%2</td></tr>").arg(k, v);
    };
    row(QStringLiteral("type"), orDash(item.itemType));
    row(QStringLiteral("reference"), orDash(item.referenceId));
    row(QStringLiteral("created"), orDash(item.createdAt));
    if (item.hasEmbedding && ds.embeddingDim > 0) {
        const float *e = ds.embeddings.data() + size_t(index) * size_t(ds.embeddingDim);
        double norm = 0;
        for (int i = 0; i < ds.embeddingDim; ++i)
            norm += double(e[i]) * double(e[i]);
        row(QStringLiteral("embedding"),
            QStringLiteral("%1 values, norm %2").arg(ds.embeddingDim).arg(std::sqrt(norm), 0, 'f', 3));
    } else {
        row(QStringLiteral("embedding"),
            QStringLiteral("<span style='color:#b00'>none</span>") +
                (item.embeddingId.empty() ? QString() : QStringLiteral(" (id %1)").arg(esc(item.embeddingId))));
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
    m_body->setHtml(html);
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
