#include "core/export/zip_archive.h"

#include "core/error.h"

#include <algorithm>
#include <array>

namespace ranker::zip {

namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EndSize = 56;
constexpr uint64_t kAlignment = 64;
constexpr uint16_t kUtf8NamesFlag = 0x0800;
// 1980-01-01 00:00, the earliest DOS date: the archive's bytes do not depend on when it was made.
constexpr uint16_t kDosDate = 0x0021;

/// CRC-32 tables for slicing by 8 (eight bytes a step): tables[0] is the classic byte table.
const std::array<std::array<uint32_t, 256>, 8> &crcTables()
{
    static const std::array<std::array<uint32_t, 256>, 8> tables = [] {
        std::array<std::array<uint32_t, 256>, 8> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i)
            for (size_t k = 1; k < 8; ++k)
                t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
        return t;
    }();
    return tables;
}

void put16(std::string &out, uint32_t v)
{
    out.push_back(char(v & 0xff));
    out.push_back(char((v >> 8) & 0xff));
}

void put32(std::string &out, uint32_t v)
{
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

/// Little-endian reads from a view whose length the caller has checked.
uint16_t get16(std::string_view s, size_t at)
{
    return uint16_t(uint8_t(s[at]) | uint16_t(uint8_t(s[at + 1])) << 8);
}

uint32_t get32(std::string_view s, size_t at)
{
    return uint32_t(get16(s, at)) | uint32_t(get16(s, at + 2)) << 16;
}

uint64_t get64(std::string_view s, size_t at)
{
    return uint64_t(get32(s, at)) | uint64_t(get32(s, at + 4)) << 32;
}

/// True when [offset, offset + length) lies within [0, limit), without overflowing.
bool within(uint64_t offset, uint64_t length, uint64_t limit)
{
    return offset <= limit && length <= limit - offset;
}

std::string printable(std::string_view name)
{
    std::string out;
    for (char c : name.substr(0, 80))
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return out;
}

} // namespace

uint32_t crc32(std::string_view data, uint32_t crc)
{
    const auto &t = crcTables();
    crc = ~crc;
    const auto *p = reinterpret_cast<const uint8_t *>(data.data());
    size_t n = data.size();
    for (; n >= 8; n -= 8, p += 8) {
        const uint32_t lo = crc ^ (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
        crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][p[4]] ^
              t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    }
    for (; n > 0; --n, ++p)
        crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
    return ~crc;
}

void ZipWriter::add(const std::string &name, std::string_view data)
{
    if (m_entries.size() >= 0xffff || name.size() > 0xffff)
        throw Error("too many records for a zip archive");
    const uint64_t offset = m_out.size();
    // Pad with an "FB" extra field so that the data start on a 64-byte boundary.
    const uint64_t unpadded = offset + kLocalHeaderSize + name.size() + 4;
    const uint64_t padding = (kAlignment - unpadded % kAlignment) % kAlignment;
    const uint64_t end = unpadded + padding + data.size();
    if (data.size() >= 0xffffffffu || end >= 0xffffffffu)
        throw Error("a checkpoint of 4 GiB or more cannot be written");
    Entry entry{name, crc32(data), data.size(), offset};

    put32(m_out, kLocalHeaderSignature);
    put16(m_out, 20);             // version needed: 2.0, stored records
    put16(m_out, kUtf8NamesFlag); // the CRC and sizes are known up front: no data descriptor
    put16(m_out, 0);              // stored
    put16(m_out, 0);              // time
    put16(m_out, kDosDate);
    put32(m_out, entry.crc);
    put32(m_out, uint32_t(data.size()));
    put32(m_out, uint32_t(data.size()));
    put16(m_out, uint32_t(name.size()));
    put16(m_out, uint32_t(padding + 4));
    m_out += name;
    m_out += "FB";
    put16(m_out, uint32_t(padding));
    m_out.append(size_t(padding), 'Z');
    m_out.append(data.data(), data.size());
    m_entries.push_back(std::move(entry));
}

std::string ZipWriter::finish()
{
    const uint64_t directoryOffset = m_out.size();
    for (const Entry &e : m_entries) {
        put32(m_out, kCentralHeaderSignature);
        put16(m_out, 0x0314); // made by: Unix, zip 2.0
        put16(m_out, 20);
        put16(m_out, kUtf8NamesFlag);
        put16(m_out, 0);
        put16(m_out, 0);
        put16(m_out, kDosDate);
        put32(m_out, e.crc);
        put32(m_out, uint32_t(e.size));
        put32(m_out, uint32_t(e.size));
        put16(m_out, uint32_t(e.name.size()));
        put16(m_out, 0);              // extra
        put16(m_out, 0);              // comment
        put16(m_out, 0);              // disk
        put16(m_out, 0);              // internal attributes
        put32(m_out, 0100644u << 16); // a regular file, rw-r--r--, for unzip
        put32(m_out, uint32_t(e.headerOffset));
        m_out += e.name;
    }
    const uint64_t directorySize = m_out.size() - directoryOffset;
    if (m_out.size() >= 0xffffffffu)
        throw Error("a checkpoint of 4 GiB or more cannot be written");
    put32(m_out, kEndSignature);
    put16(m_out, 0);
    put16(m_out, 0);
    put16(m_out, uint32_t(m_entries.size()));
    put16(m_out, uint32_t(m_entries.size()));
    put32(m_out, uint32_t(directorySize));
    put32(m_out, uint32_t(directoryOffset));
    put16(m_out, 0);
    m_entries.clear();
    return std::move(m_out);
}

ZipReader::ZipReader(std::string_view archive) : m_archive(archive)
{
    const uint64_t size = archive.size();
    if (size < kEndSize)
        throw Error(size == 0 ? "the file is empty" : "not a zip archive (" + std::to_string(size) + " bytes)");
    // The end record is the last thing in the file, before a comment of at most 65,535 bytes.
    size_t end = std::string_view::npos;
    const size_t lowest = size > kEndSize + 0xffff ? size_t(size - kEndSize - 0xffff) : 0;
    for (size_t at = size_t(size - kEndSize) + 1; at-- > lowest;) {
        if (get32(archive, at) == kEndSignature && at + kEndSize + get16(archive, at + 20) <= size) {
            end = at;
            break;
        }
    }
    if (end == std::string_view::npos)
        throw Error("not a zip archive, or a truncated one (no end of central directory)");
    if (get16(archive, end + 4) != 0 || get16(archive, end + 6) != 0)
        throw Error("a zip archive split over several disks");
    uint64_t count = get16(archive, end + 10);
    uint64_t directorySize = get32(archive, end + 12);
    uint64_t directoryOffset = get32(archive, end + 16);
    uint64_t directoryLimit = end;
    if (count == 0xffff || directorySize == 0xffffffffu || directoryOffset == 0xffffffffu) {
        // zip64: a locator just before the end record points at the 64-bit end record.
        if (end < kZip64LocatorSize || get32(archive, end - kZip64LocatorSize) != kZip64LocatorSignature)
            throw Error("a zip64 archive without its zip64 end locator");
        const uint64_t record = get64(archive, end - kZip64LocatorSize + 8);
        if (!within(record, kZip64EndSize, end - kZip64LocatorSize) ||
            get32(archive, size_t(record)) != kZip64EndSignature)
            throw Error("a zip64 end record outside the file");
        count = get64(archive, size_t(record) + 32);
        directorySize = get64(archive, size_t(record) + 40);
        directoryOffset = get64(archive, size_t(record) + 48);
        directoryLimit = record;
    }
    if (count == 0)
        throw Error("an empty zip archive");
    if (count > kMaxEntries)
        throw Error("a zip archive of " + std::to_string(count) + " records (at most " + std::to_string(kMaxEntries) +
                    ")");
    if (!within(directoryOffset, directorySize, directoryLimit))
        throw Error("the zip central directory lies outside the file (truncated?)");
    if (directorySize < count * kCentralHeaderSize)
        throw Error("the zip central directory is too small for its " + std::to_string(count) + " records");

    m_entries.reserve(size_t(count));
    uint64_t at = directoryOffset;
    const uint64_t directoryEnd = directoryOffset + directorySize;
    for (uint64_t i = 0; i < count; ++i) {
        if (!within(at, kCentralHeaderSize, directoryEnd) || get32(archive, size_t(at)) != kCentralHeaderSignature)
            throw Error("zip central directory record " + std::to_string(i + 1) + " is damaged");
        const size_t h = size_t(at);
        const uint16_t flags = get16(archive, h + 8);
        const uint16_t method = get16(archive, h + 10);
        uint32_t crc = get32(archive, h + 16);
        uint64_t compressed = get32(archive, h + 20);
        uint64_t uncompressed = get32(archive, h + 24);
        const uint16_t nameLength = get16(archive, h + 28);
        const uint16_t extraLength = get16(archive, h + 30);
        const uint16_t commentLength = get16(archive, h + 32);
        uint64_t localOffset = get32(archive, h + 42);
        const uint64_t recordLength = kCentralHeaderSize + uint64_t(nameLength) + extraLength + commentLength;
        if (!within(at, recordLength, directoryEnd))
            throw Error("zip central directory record " + std::to_string(i + 1) + " runs past the directory");
        const std::string_view name = archive.substr(h + kCentralHeaderSize, nameLength);
        if (nameLength == 0 || nameLength > kMaxNameLength || name.find('\0') != std::string_view::npos)
            throw Error("zip record " + std::to_string(i + 1) + " has an invalid name");
        // zip64 sizes and offset, for the fields saturated above, in this order.
        const std::string_view extra = archive.substr(h + kCentralHeaderSize + nameLength, extraLength);
        for (size_t e = 0; e + 4 <= extra.size();) {
            const uint16_t id = get16(extra, e), length = get16(extra, e + 2);
            if (e + 4 + length > extra.size())
                throw Error("zip record " + printable(name) + " has a damaged extra field");
            if (id == 0x0001) {
                size_t field = e + 4;
                for (uint64_t *value : {&uncompressed, &compressed, &localOffset}) {
                    if (*value != 0xffffffffu)
                        continue;
                    if (field + 8 > e + 4 + length)
                        throw Error("zip record " + printable(name) + " has a short zip64 field");
                    *value = get64(extra, field);
                    field += 8;
                }
            }
            e += 4 + size_t(length);
        }
        if (flags & 0x0001)
            throw Error("zip record " + printable(name) + " is encrypted");
        if (method == 0 && compressed != uncompressed)
            throw Error("zip record " + printable(name) + " has two different sizes");
        if (!within(localOffset, kLocalHeaderSize, directoryOffset) ||
            get32(archive, size_t(localOffset)) != kLocalHeaderSignature)
            throw Error("zip record " + printable(name) + " has no local header where the directory says");
        const size_t l = size_t(localOffset);
        const uint64_t localName = get16(archive, l + 26), localExtra = get16(archive, l + 28);
        if (!within(localOffset, kLocalHeaderSize + localName + localExtra, directoryOffset) ||
            archive.substr(l + kLocalHeaderSize, size_t(localName)) != name)
            throw Error("zip record " + printable(name) + " has a local header that does not match the directory");
        const uint64_t dataOffset = localOffset + kLocalHeaderSize + localName + localExtra;
        if (!within(dataOffset, compressed, directoryOffset))
            throw Error("zip record " + printable(name) + " runs past the end of its data (truncated?)");
        if (!m_index.emplace(name, m_entries.size()).second)
            throw Error("zip record " + printable(name) + " appears twice");
        m_entries.push_back({std::string(name), dataOffset, method == 0 ? uncompressed : compressed, crc, method});
        at += recordLength;
    }
}

const ZipEntry *ZipReader::find(std::string_view name) const
{
    auto found = m_index.find(name);
    return found == m_index.end() ? nullptr : &m_entries[found->second];
}

std::string_view ZipReader::data(const ZipEntry &entry, bool verifyCrc) const
{
    if (entry.method != 0)
        throw Error("zip record " + printable(entry.name) + " is compressed (method " + std::to_string(entry.method) +
                    "); torch.save writes stored records");
    const std::string_view bytes = m_archive.substr(size_t(entry.dataOffset), size_t(entry.size));
    if (verifyCrc && !(entry.crc == 0 && entry.size > 0) && crc32(bytes) != entry.crc)
        throw Error("zip record " + printable(entry.name) + " is damaged (CRC-32 mismatch)");
    return bytes;
}

} // namespace ranker::zip
