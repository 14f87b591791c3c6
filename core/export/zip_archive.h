#pragma once
// The zip container of PyTorch's files: stored (uncompressed) records whose data start on a 64-byte
// boundary, as torch.save writes them. Torch-free, so that it compiles in a second and can be fuzzed.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ranker::zip {

/// CRC-32 (the zip/PNG polynomial) of `data`, continuing from `crc` (0 to start).
uint32_t crc32(std::string_view data, uint32_t crc = 0);

/**
 * Builds a zip archive in memory. Every record is stored uncompressed, with its data aligned to
 * 64 bytes by an extra field of id "FB" filled with 'Z', the padding PyTorch's own writer uses (so
 * that a reader may map the tensors in place).
 */
class ZipWriter
{
public:
    /// Makes room for an archive of about `bytes` (the records' data): one allocation, not many.
    void reserve(size_t bytes) { m_out.reserve(bytes); }
    /// Adds one record. @throw Error when the archive would need zip64 (4 GiB or 65,535 records).
    void add(const std::string &name, std::string_view data);
    /// The whole archive: the records, the central directory and its end record.
    std::string finish();

private:
    struct Entry
    {
        std::string name;
        uint32_t crc = 0;
        uint64_t size = 0;
        uint64_t headerOffset = 0;
    };
    std::string m_out;
    std::vector<Entry> m_entries;
};

/// One record of an archive: where its bytes are in the archive.
struct ZipEntry
{
    std::string name;
    uint64_t dataOffset = 0;
    uint64_t size = 0;
    uint32_t crc = 0;
    uint16_t method = 0; ///< 0: stored; anything else cannot be read here
};

/**
 * Reads the directory of a zip archive held in memory, checking every count, size and offset
 * against the bytes there are: a truncated or forged archive is an Error, never a read outside it.
 * Only stored records can be read (torch.save never compresses; TorchScript archives do), and only
 * when asked for; zip64 directories are understood.
 * The reader views the archive's bytes: they must outlive it.
 */
class ZipReader
{
public:
    static constexpr size_t kMaxEntries = 65535;
    static constexpr size_t kMaxNameLength = 1024;

    /// @throw Error saying what is wrong with the archive (no file name: the caller adds it).
    explicit ZipReader(std::string_view archive);

    const std::vector<ZipEntry> &entries() const { return m_entries; }
    /// @return the record called `name`, or nullptr.
    const ZipEntry *find(std::string_view name) const;
    /**
     * The bytes of a record, checked against its CRC-32 unless `verifyCrc` is false (the fuzzer
     * turns it off so that its mutations reach the parsers behind). A stored CRC of 0 on a
     * non-empty record means "not computed" (torch can be told to skip it) and is not checked.
     * @throw Error for a compressed record or a CRC mismatch.
     */
    std::string_view data(const ZipEntry &entry, bool verifyCrc = true) const;

private:
    std::string_view m_archive;
    std::vector<ZipEntry> m_entries;
    std::unordered_map<std::string_view, size_t> m_index; ///< names, viewed in the archive's directory
};

} // namespace ranker::zip
