#pragma once

#include <cstddef>
#include <string>

namespace ranker {

/// Incremental SHA-256 (OpenSSL, which uses the CPU's SHA extensions where present).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void update(const void *data, size_t size);
    /// Lower-case hex of the digest; the object cannot be updated afterwards.
    std::string hexDigest();

    /// SHA-256 of a whole file, or an Error naming the file.
    static std::string ofFile(const std::string &path);

private:
    void *m_ctx = nullptr;
};

} // namespace ranker
