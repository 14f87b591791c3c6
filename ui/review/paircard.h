#pragma once
// One item of a pair, shown as a card: id, type, reference, date, metrics against the other item,
// embedding, and whether the current label prefers it.

#include <QFrame>

class QLabel;
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

    /// Shows item `item` of `ds`, its metrics compared with those of `other`.
    void setItem(const Dataset &ds, int item, int other, const QString &side);
    void setVerdict(Verdict verdict);
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
