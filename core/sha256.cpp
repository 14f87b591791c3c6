#include "core/sha256.h"

#include "core/error.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ranker {

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new())
{
    if (!m_ctx || EVP_DigestInit_ex(static_cast<EVP_MD_CTX *>(m_ctx), EVP_sha256(), nullptr) != 1)
        throw Error("SHA-256 is not available");
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX *>(m_ctx));
}

void Sha256::update(const void *data, size_t size)
{
    if (size > 0)
        EVP_DigestUpdate(static_cast<EVP_MD_CTX *>(m_ctx), data, size);
}

std::string Sha256::hexDigest()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX *>(m_ctx), digest, &length);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string Sha256::ofFile(const std::string &path)
{
    std::FILE *file = std::fopen(path.c_str(), "rb");
    if (!file)
        throw Error(path + ": cannot open: " + std::strerror(errno));
    Sha256 sha;
    std::vector<char> buffer(1 << 20);
    size_t got;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0)
        sha.update(buffer.data(), got);
    bool failed = std::ferror(file);
    std::fclose(file);
    if (failed)
        throw Error(path + ": read error");
    return sha.hexDigest();
}

} // namespace ranker
