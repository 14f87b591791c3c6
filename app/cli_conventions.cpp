#include "app/cli_conventions.h"

#include "core/base/regular_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/metadata.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ranker::cli {

int reportUsageError(const std::string &tool, const std::string &usage, const std::string &message)
{
    std::fprintf(stderr, "usage: %s\n%s: error: %s\n", usage.c_str(), tool.c_str(), message.c_str());
    return ExitUsage;
}

int parseCommandLine(CLI::App &app, int argc, char **argv, const std::string &tool,
                     const std::function<std::string(const CLI::App &)> &usageFor)
{
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success &e) { // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        // The usage line of the sub-command being parsed, if any.
        const CLI::App *inEffect = &app;
        for (const CLI::App *sub : app.get_subcommands())
            inEffect = sub;
        return reportUsageError(tool, usageFor(*inEffect), e.what());
    }
    return -1;
}

StdinSpool::StdinSpool(const std::function<bool()> &keepGoing)
{
    const char *tmp = std::getenv("TMPDIR");
    const std::string dir = tmp && *tmp ? tmp : "/tmp";
    std::string name = dir + "/ranker-stdin-XXXXXX.jsonl";
    const int fd = ::mkstemps(name.data(), int(std::strlen(".jsonl")));
    if (fd < 0)
        throw Error(dir + ": cannot create a temporary file to hold stdin: " + std::strerror(errno));
    m_path = name;
    auto give_up = [&](const std::string &message) {
        const int saved = errno;
        ::close(fd);
        ::unlink(m_path.c_str());
        throw Error(message + ": " + std::strerror(saved));
    };
    std::vector<char> chunk(1 << 20);
    for (;;) {
        pollfd wait{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&wait, 1, 100);
        if (ready < 0 && errno != EINTR)
            give_up(std::string(kStdinName) + ": cannot read");
        if (keepGoing && !keepGoing()) {
            ::close(fd);
            ::unlink(m_path.c_str());
            throw Cancelled();
        }
        if (ready <= 0)
            continue;
        const ssize_t got = ::read(STDIN_FILENO, chunk.data(), chunk.size());
        if (got == 0)
            break;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            give_up(std::string(kStdinName) + ": cannot read");
        }
        for (ssize_t done = 0; done < got;) {
            const ssize_t put = ::write(fd, chunk.data() + done, size_t(got - done));
            if (put < 0 && errno == EINTR)
                continue;
            if (put <= 0)
                give_up(m_path + ": cannot write the copy of stdin");
            done += put;
        }
    }
    if (::close(fd) != 0) {
        const int saved = errno;
        ::unlink(m_path.c_str());
        throw Error(m_path + ": cannot write the copy of stdin: " + std::strerror(saved));
    }
}

StdinSpool::~StdinSpool()
{
    ::unlink(m_path.c_str());
}

std::string StdinSpool::rename(const std::string &text) const
{
    std::string out = text;
    for (size_t at = out.find(m_path); at != std::string::npos; at = out.find(m_path, at))
        out.replace(at, m_path.size(), kStdinName);
    return out;
}

namespace {

template <typename Load> Dataset loadFrom(const std::string &path, const LoadOptions &options, Load load)
{
    if (path != kStdinArgument)
        return load(path, options);
    if (::isatty(STDIN_FILENO))
        std::fprintf(stderr, "reading the data from the terminal; end it with Ctrl-D\n");
    StdinSpool spool([&options] { return !options.progress || options.progress(0, 0); });
    try {
        Dataset ds = load(spool.path(), options);
        ds.path = kStdinName;
        for (Diagnostic &d : ds.warnings)
            d.reason = spool.rename(d.reason);
        return ds;
    } catch (const Cancelled &) {
        throw;
    } catch (const Error &e) {
        throw Error(spool.rename(e.what()));
    }
}

} // namespace

Dataset loadDatasetFrom(const std::string &path, const LoadOptions &options)
{
    return loadFrom(path, options, [](const std::string &p, const LoadOptions &o) { return loadDataset(p, o); });
}

Dataset loadItemsFrom(const std::string &path, const LoadOptions &options)
{
    return loadFrom(path, options, [](const std::string &p, const LoadOptions &o) { return loadItems(p, o); });
}

std::string displayPath(const std::string &path)
{
    return path == kStdinArgument ? kStdinName : path;
}

JsonStdout::~JsonStdout()
{
    if (m_out)
        std::fclose(m_out);
}

void JsonStdout::enable()
{
    if (m_out)
        return;
    std::fflush(stdout);
    const int kept = ::dup(STDOUT_FILENO);
    if (kept < 0)
        return;
    m_out = ::fdopen(kept, "w");
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

void JsonStdout::write(const nlohmann::json &document)
{
    if (!m_out)
        return;
    std::fflush(stdout);
    std::fprintf(m_out, "%s\n", document.dump(2).c_str());
    std::fflush(m_out);
}

std::vector<std::string> existingRunFiles(const std::string &dir, const std::string &name)
{
    const RunFiles files = RunFiles::forName(name);
    std::vector<std::string> found;
    std::error_code ec;
    for (const std::string *file :
         {&files.pth, &files.onnx, &files.metadata, &files.features, &files.module, &files.types})
        if (fs::exists(fs::path(dir) / *file, ec))
            found.push_back(*file);
    return found;
}

void requireReadableFile(const std::string &path, const std::string &flag)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(path + ": is a folder, not a file (" + flag + ")");
    // Not fopen(): a FIFO with no writer blocks it for ever, /dev/zero opens fine and is never read
    // to its end. openRegularFile() refuses both before opening them.
    const std::string kind = notRegularFileKind(path);
    if (!kind.empty())
        throw Error(path + ": is " + kind + ", not a regular file (" + flag + ")");
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open (" + flag + "): " + std::strerror(errno));
    ::close(fd);
}

} // namespace ranker::cli
