#include "core/runs/run_folder.h"

#include "core/base/durable_file.h"
#include "core/error.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ranker {

namespace {

/// Endings of the files a run's set holds: RunFiles::forName()'s (core/metadata.h, which the
/// parsers' fuzz build does not link; tst_hostile_inputs checks the two agree).
const char *const kRunFileSuffixes[] = {".pth",           ".onnx",       "_metadata.json",
                                        ".features.json", ".ranker.mjs", ".ranker.d.mts"};
constexpr const char *kCurrent = "current";
constexpr const char *kCurrentNew = "current.new";
constexpr const char *kLinkNew = "link.new";

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join(const std::string &dir, const std::string &name)
{
    return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string errnoText(int error)
{
    return std::strerror(error);
}

[[noreturn]] void fail(const std::string &path, const char *doing, int error)
{
    throw Error(path + ": " + doing + ": " + errnoText(error));
}

bool lexists(const std::string &path, struct stat *out = nullptr)
{
    struct stat st;
    const bool found = ::lstat(path.c_str(), &st) == 0;
    if (found && out)
        *out = st;
    return found;
}

std::string readLink(const std::string &path)
{
    char target[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    return n > 0 ? std::string(target, size_t(n)) : std::string();
}

/// Writes a new file, flushed to disk. `shown` is the path the error names.
void writeNewFile(const std::string &path, const std::string &bytes, const std::string &shown)
{
    if (const int error = ranker::writeNewFile(path, bytes))
        fail(shown, "cannot write", error);
}

/// Copies `from` to a new file `to` (when a hard link cannot be made).
void copyFile(const std::string &from, const std::string &to)
{
    std::FILE *in = std::fopen(from.c_str(), "rb");
    if (!in)
        fail(from, "cannot read", errno);
    std::string bytes;
    char buffer[1 << 16];
    for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, in)) > 0;)
        bytes.append(buffer, got);
    const bool failed = std::ferror(in);
    std::fclose(in);
    if (failed)
        throw Error(from + ": read error");
    writeNewFile(to, bytes, to);
}

void removeTree(const std::string &path)
{
    std::error_code ec;
    fs::remove_all(path, ec);
}

/// A name that no earlier generation used: the clock, the pid and a counter.
std::string newGenerationName()
{
    static std::atomic<unsigned> counter{0};
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    char text[64];
    std::snprintf(text, sizeof text, "g-%llx-%d-%u",
                  static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::microseconds>(now).count()),
                  int(::getpid()), counter.fetch_add(1));
    return text;
}

/// This process's name, for the lock file ("ranker-train", "ranker-studio").
std::string programName()
{
    std::FILE *f = std::fopen("/proc/self/comm", "r");
    char name[64] = {0};
    if (f) {
        if (!std::fgets(name, sizeof name, f))
            name[0] = 0;
        std::fclose(f);
    }
    std::string out = name;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out.empty() ? "ranker" : out;
}

/// A name in a message: invalid bytes and control characters as \xNN, long ones shortened.
std::string printable(const std::string &name)
{
    std::string out;
    for (size_t i = 0; i < name.size() && out.size() < 60; ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F || c >= 0x80) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", c);
            out += hex;
        } else {
            out += char(c);
        }
    }
    return name.size() > 60 ? out + "…" : out;
}

/// Offset of the first byte that is not valid UTF-8, or npos. A code point is also refused when
/// it is a control character (C0, DEL, C1), and overlong forms and surrogates are invalid.
size_t firstBadByte(const std::string &s, bool &control)
{
    control = false;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F) {
                control = true;
                return i;
            }
            ++i;
            continue;
        }
        size_t length = 0;
        uint32_t cp = 0, min = 0;
        if ((c & 0xE0) == 0xC0) {
            length = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (i + length > s.size())
            return i;
        for (size_t k = 1; k < length; ++k) {
            const unsigned char next = static_cast<unsigned char>(s[i + k]);
            if ((next & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (next & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        if (cp >= 0x80 && cp <= 0x9F) {
            control = true;
            return i;
        }
        i += length;
    }
    return std::string::npos;
}

} // namespace

// ---- Names ------------------------------------------------------------------------------------

void checkRunName(const std::string &name)
{
    if (name.empty() || name == "." || name == "..")
        throw Error("--name must be a plain file name, got \"" + printable(name) + "\"");
    const size_t slash = name.find('/');
    if (slash != std::string::npos)
        throw Error("--name \"" + printable(name) + "\" holds a '/' (byte " + std::to_string(slash + 1) +
                    "): it must be a plain file name");
    bool control = false;
    const size_t bad = firstBadByte(name, control);
    if (bad != std::string::npos)
        throw Error("--name \"" + printable(name) + "\" " +
                    (control ? "holds a control character" : "is not valid UTF-8") + " at byte " +
                    std::to_string(bad + 1));
    // The store's folder ".NAME.run" is shorter than NAME plus any file ending.
    if (name.size() + kLongestRunFileSuffix > kMaxFileNameBytes)
        throw Error("--name is " + std::to_string(name.size()) + " bytes long: its files (" + printable(name) +
                    "_metadata.json) would have names of " + std::to_string(name.size() + kLongestRunFileSuffix) +
                    " bytes, over the limit of " + std::to_string(kMaxFileNameBytes) + "; use at most " +
                    std::to_string(kMaxFileNameBytes - kLongestRunFileSuffix) + " bytes");
}

std::vector<std::string> runFileNames(const std::string &name)
{
    std::vector<std::string> names;
    for (const char *suffix : kRunFileSuffixes)
        names.push_back(name + suffix);
    return names;
}

bool isRunFolderInternal(const std::string &fileName)
{
    return fileName == kRunFolderLockName || fileName == ".ranker-write-test" ||
           (fileName.size() > 5 && fileName[0] == '.' && endsWith(fileName, ".run"));
}

// ---- The lock ---------------------------------------------------------------------------------

struct RunFolderLock::Entry
{
    std::pair<dev_t, ino_t> key;
    std::string lockPath;
    int fd = -1;
    std::thread::id owner;
    ~Entry();
};

namespace {

// Recursive: an Entry can go away (and erase itself) while the constructor holds the mutex.
std::recursive_mutex g_heldMutex;
std::map<std::pair<dev_t, ino_t>, std::weak_ptr<RunFolderLock::Entry>> g_held;

/// "ranker-train (pid 1234)", from what the holder wrote into the lock file. The holder writes
/// it just after it takes the lock: a writer refused in between finds the file still empty, so
/// it looks again for a moment (CI saw "pid unknown" with two writers started together).
std::string holderOf(int fd)
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        char text[256] = {0};
        const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
        long pid = 0;
        char program[128] = {0};
        if (n > 0 && std::sscanf(text, "%ld %127s", &pid, program) >= 1 && pid > 0)
            return std::string(program[0] ? program : "ranker-train") + " (pid " + std::to_string(pid) + ")";
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
    }
    return "ranker-train (pid unknown)";
}

} // namespace

RunFolderLock::Entry::~Entry()
{
    if (fd >= 0) {
        // Remove the lock file only while it is still ours, and before the lock goes: a writer
        // that opened it meanwhile sees the name gone and starts again with a new file.
        struct stat ours, atPath;
        if (::fstat(fd, &ours) == 0 && ::stat(lockPath.c_str(), &atPath) == 0 && ours.st_ino == atPath.st_ino &&
            ours.st_dev == atPath.st_dev)
            ::unlink(lockPath.c_str());
        ::close(fd);
    }
    std::lock_guard<std::recursive_mutex> guard(g_heldMutex);
    auto it = g_held.find(key);
    if (it != g_held.end() && it->second.expired())
        g_held.erase(it);
}

RunFolderLock::RunFolderLock(const std::string &dir)
{
    struct stat folder;
    if (::stat(dir.c_str(), &folder) != 0)
        fail(dir, "cannot lock the output folder", errno);
    const std::pair<dev_t, ino_t> key{folder.st_dev, folder.st_ino};
    std::lock_guard<std::recursive_mutex> guard(g_heldMutex);
    if (std::shared_ptr<Entry> held = g_held[key].lock()) {
        if (held->owner != std::this_thread::get_id())
            throw Error(dir + " is being written by another run in this program");
        m_entry = std::move(held);
        return;
    }
    auto entry = std::make_shared<Entry>();
    entry->key = key;
    entry->lockPath = join(dir, kRunFolderLockName);
    entry->owner = std::this_thread::get_id();
    for (int attempt = 0;; ++attempt) {
        const int fd = ::open(entry->lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
        if (fd < 0)
            fail(entry->lockPath, "cannot write", errno);
        struct stat opened;
        if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
            ::close(fd);
            throw Error(entry->lockPath + ": is not a regular file; remove it");
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int error = errno;
            const std::string holder = holderOf(fd);
            ::close(fd);
            if (error == EWOULDBLOCK)
                throw Error(dir + " is being written by another " + holder);
            fail(entry->lockPath, "cannot lock", error);
        }
        // Locked: but the file may have been removed by the writer before us in between.
        struct stat atPath;
        if (::stat(entry->lockPath.c_str(), &atPath) == 0 && atPath.st_ino == opened.st_ino &&
            atPath.st_dev == opened.st_dev) {
            entry->fd = fd;
            break;
        }
        ::close(fd);
        if (attempt >= 100)
            throw Error(entry->lockPath + ": cannot lock: the file keeps being replaced");
    }
    const std::string holder = std::to_string(::getpid()) + " " + programName() + "\n";
    if (::ftruncate(entry->fd, 0) == 0 && ::pwrite(entry->fd, holder.data(), holder.size(), 0) < 0) {
        // Only a message uses it: a full disk must not stop the run here.
    }
    g_held[key] = entry;
    m_entry = std::move(entry);
}

RunFolderLock::~RunFolderLock() = default;

// ---- The set ----------------------------------------------------------------------------------

namespace {

/// The link at DIR/FILE that shows the store's current generation of FILE.
std::string linkTarget(const std::string &name, const std::string &file)
{
    return "." + name + ".run/" + kCurrent + "/" + file;
}

bool isOurLink(const std::string &dir, const std::string &name, const std::string &file)
{
    struct stat st;
    const std::string path = join(dir, file);
    return lexists(path, &st) && S_ISLNK(st.st_mode) && readLink(path) == linkTarget(name, file);
}

/// Points `link` at `target` with one rename of a new symbolic link (`scratch`) over it.
void replaceLink(const std::string &link, const std::string &target, const std::string &scratch)
{
    ::unlink(scratch.c_str());
    if (::symlink(target.c_str(), scratch.c_str()) != 0)
        fail(link, "cannot write", errno);
    if (::rename(scratch.c_str(), link.c_str()) != 0) {
        const int error = errno;
        ::unlink(scratch.c_str());
        fail(link, "cannot write", error);
    }
}

/// Files of the run's name that are in DIR now (as links, files or anything else).
std::vector<std::string> presentRunFiles(const std::string &dir, const std::string &name)
{
    std::vector<std::string> out;
    for (const char *suffix : kRunFileSuffixes)
        if (lexists(join(dir, name + suffix)))
            out.push_back(name + suffix);
    return out;
}

/**
 * What killed writers left (called with DIR locked): in the store, generations that `current`
 * does not name and half-made links; in DIR, our links that lead nowhere and the temporaries
 * (NAME.pth.tmp-PID-N) of earlier versions' writers whose process is gone.
 */
void cleanStale(const std::string &dir, const std::string &name, const std::string &store)
{
    const std::string current = readLink(join(store, kCurrent));
    if (DIR *d = ::opendir(store.c_str())) {
        std::vector<std::string> stale;
        while (dirent *e = ::readdir(d)) {
            const std::string entry = e->d_name;
            if (entry == "." || entry == ".." || entry == kCurrent)
                continue;
            if (entry == kCurrentNew || entry == kLinkNew || (startsWith(entry, "g-") && entry != current))
                stale.push_back(entry);
        }
        ::closedir(d);
        for (const std::string &entry : stale)
            removeTree(join(store, entry));
    }
    for (const std::string &file : presentRunFiles(dir, name)) {
        struct stat st;
        if (isOurLink(dir, name, file) && ::stat(join(dir, file).c_str(), &st) != 0)
            ::unlink(join(dir, file).c_str());
    }
    if (DIR *d = ::opendir(dir.c_str())) {
        std::vector<std::string> stale;
        while (dirent *e = ::readdir(d)) {
            const std::string entry = e->d_name;
            const size_t tmp = entry.rfind(".tmp-");
            if (tmp == std::string::npos || !startsWith(entry, name))
                continue;
            const std::string base = entry.substr(0, tmp);
            if (std::none_of(std::begin(kRunFileSuffixes), std::end(kRunFileSuffixes),
                             [&](const char *s) { return base == name + s; }))
                continue;
            long pid = 0;
            unsigned long n = 0;
            char rest = 0;
            if (std::sscanf(entry.c_str() + tmp, ".tmp-%ld-%lu%c", &pid, &n, &rest) != 2 || pid <= 0)
                continue;
            if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH) // its writer is gone
                stale.push_back(entry);
        }
        ::closedir(d);
        for (const std::string &entry : stale)
            ::unlink(join(dir, entry).c_str());
    }
}

} // namespace

RunFileSet::RunFileSet(const std::string &dir, const std::string &name)
    : m_dir(dir), m_name(name), m_store(join(dir, "." + name + ".run"))
{
    checkRunName(name);
    m_lock = RunFolderLock(dir);
    cleanStale(m_dir, m_name, m_store);
}

RunFileSet::~RunFileSet()
{
    discard();
}

void RunFileSet::add(const std::string &path, const std::string &bytes)
{
    const fs::path target(path);
    const std::string file = target.filename().string();
    if ((fs::path(m_dir) / file).lexically_normal() != target.lexically_normal() || !startsWith(file, m_name))
        throw Error(path + ": not a file of the run " + m_name + " in " + m_dir);
    if (std::find(m_files.begin(), m_files.end(), file) != m_files.end())
        throw Error(path + ": added twice to the run's files");
    if (m_generation.empty()) {
        if (::mkdir(m_store.c_str(), 0755) != 0 && errno != EEXIST)
            fail(path, "cannot write", errno);
        const std::string generation = join(m_store, newGenerationName());
        if (::mkdir(generation.c_str(), 0755) != 0)
            fail(path, "cannot write", errno);
        m_generation = generation;
    }
    writeNewFile(join(m_generation, file), bytes, path);
    m_files.push_back(file);
}

void RunFileSet::commit()
{
    if (m_generation.empty())
        return;
    syncFolder(m_generation);
    const std::string currentLink = join(m_store, kCurrent);
    const std::string scratchLink = join(m_store, kLinkNew);
    const std::string scratchCurrent = join(m_store, kCurrentNew);
    const std::string oldCurrent = readLink(currentLink);

    std::vector<std::string> visible = presentRunFiles(m_dir, m_name);
    for (const std::string &file : m_files)
        if (std::find(visible.begin(), visible.end(), file) == visible.end())
            visible.push_back(file);

    // Files at the run's names that are not our links (an earlier version's, or a person's):
    // first a generation of what every name shows now, then the names made links to it. Until the
    // swap below, each name shows exactly what it showed before.
    std::vector<std::string> legacy;
    for (const std::string &file : visible)
        if (lexists(join(m_dir, file)) && !isOurLink(m_dir, m_name, file))
            legacy.push_back(file);
    std::vector<std::string> made; // links this commit created where there was nothing
    try {
        if (!legacy.empty()) {
            const std::string before = join(m_store, newGenerationName());
            if (::mkdir(before.c_str(), 0755) != 0)
                fail(before, "cannot write", errno);
            for (const std::string &file : visible) {
                const std::string shown = join(m_dir, file);
                struct stat st;
                if (::stat(shown.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
                    continue; // shows nothing (or no file) now: nothing to keep
                const std::string kept = join(before, file);
                if (::linkat(AT_FDCWD, shown.c_str(), AT_FDCWD, kept.c_str(), AT_SYMLINK_FOLLOW) != 0)
                    copyFile(shown, kept); // another file system, or no hard links there
            }
            syncFolder(before);
            replaceLink(currentLink, fs::path(before).filename().string(), scratchCurrent);
            syncFolder(m_store);
            for (const std::string &file : legacy)
                replaceLink(join(m_dir, file), linkTarget(m_name, file), scratchLink);
        }
        for (const std::string &file : m_files) {
            if (isOurLink(m_dir, m_name, file))
                continue;
            const bool existed = lexists(join(m_dir, file));
            replaceLink(join(m_dir, file), linkTarget(m_name, file), scratchLink);
            if (!existed)
                made.push_back(file);
        }
        syncFolder(m_dir);
        // The swap: from here on, every name shows the new run.
        replaceLink(currentLink, fs::path(m_generation).filename().string(), scratchCurrent);
    } catch (...) {
        for (const std::string &file : made)
            ::unlink(join(m_dir, file).c_str());
        throw;
    }
    syncFolder(m_store);
    const std::string committed = m_generation;
    m_generation.clear();
    m_files.clear();
    // Tidying: what no name shows any more.
    cleanStale(m_dir, m_name, m_store);
    (void)oldCurrent;
    (void)committed;
    syncFolder(m_dir);
}

void RunFileSet::discard()
{
    if (!m_generation.empty()) {
        removeTree(m_generation);
        m_generation.clear();
        m_files.clear();
        ::rmdir(m_store.c_str()); // when this set made it and nothing else is there
    }
}

// ---- Readers ----------------------------------------------------------------------------------

std::string runFilesFolder(const std::string &metadataPath)
{
    const std::string folder = fs::path(metadataPath).parent_path().string();
    struct stat st;
    if (::lstat(metadataPath.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
        return folder; // a plain file: an earlier version's run, or anyone's
    char resolved[PATH_MAX];
    if (!::realpath(metadataPath.c_str(), resolved))
        return folder;
    const fs::path generation = fs::path(resolved).parent_path();
    const std::string store = generation.parent_path().filename().string();
    if (startsWith(generation.filename().string(), "g-") && store.size() > 5 && store[0] == '.' &&
        endsWith(store, ".run"))
        return generation.string();
    return folder;
}

} // namespace ranker
