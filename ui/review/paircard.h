#pragma once
// One item of a pair, shown as a card: every field the item carries (known fields first, text in
// full, long number arrays summarised), its metrics against the other item, and whether the
// current label prefers it.

#include <QFrame>

#include <nlohmann/json_fwd.hpp>

class QLabel;
class QScrollBar;
class QTextBrowser;

namespace ranker {
struct Dataset;
}

namespace ranker::ui {

class PairCard final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairCard)

public:
    enum class Verdict { None, Preferred, NotPreferred, Equal };

    explicit PairCard(QWidget *parent = nullptr);

    /**
     * Shows item `item` of `ds`, its metrics compared with those of `other`. `fields` is the item's
     * object as its line carries it and `otherFields` the other item's (null when not known): the
     * two cards of a pair list the same fields in the same order, "—" where an item lacks one.
     */
    void setItem(const Dataset &ds, int item, int other, const QString &side, const nlohmann::ordered_json &fields,
                 const nlohmann::ordered_json &otherFields);
    void setVerdict(Verdict verdict);
    /// The body's vertical scroll bar (the panel scrolls the two cards of a pair together).
    QScrollBar *scrollBar() const;
    void clear();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QLabel *m_title = nullptr;
    QLabel *m_badge = nullptr;
    QTextBrowser *m_body = nullptr;
    Verdict m_verdict = Verdict::None;
};

} // namespace ranker::ui
