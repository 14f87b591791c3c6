#pragma once
// Fixtures shared by the review suites: small pair files written byte for byte.

#include "core/dataset.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace ranker::test {

/// Every default of LoadOptions but the embedding dimension.
inline LoadOptions withDim(int embeddingDim)
{
    LoadOptions options;
    options.embeddingDim = embeddingDim;
    return options;
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

inline bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(bytes) == bytes.size();
}

/// Lines split on '\n', terminators dropped (a trailing empty piece is not a line).
inline QList<QByteArray> lines(const QByteArray &bytes)
{
    QList<QByteArray> out = bytes.split('\n');
    if (!out.isEmpty() && out.back().isEmpty())
        out.pop_back();
    return out;
}

/// An item object with a 2-value embedding.
inline QByteArray item(const char *id, double stars = 1, const char *type = "project")
{
    return QByteArray("{\"id\":\"") + id + "\",\"item_type\":\"" + type +
           "\",\"embedding\":[0.5,-0.25],\"metrics\":{\"stars\":" + QByteArray::number(stars) + "}}";
}

inline QByteArray pairLine(const char *a, const char *b, int label, const QByteArray &extra = {})
{
    return "{\"item_a\":" + item(a) + ",\"item_b\":" + item(b) + ",\"label\":" + QByteArray::number(label) + extra +
           "}";
}

} // namespace ranker::test
