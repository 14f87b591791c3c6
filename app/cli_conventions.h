#pragma once
// Command-line conventions of ranker-train and ranker-rank: argparse's usage errors (exit 2 with
// a usage line), `-` for stdin, and --json (one JSON document on stdout, human text on stderr).

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ranker {
struct Dataset;
struct LoadOptions;
} // namespace ranker

namespace ranker::cli {

/// Exit codes: those of the README's table.
enum ExitCode : int { ExitOk = 0, ExitError = 1, ExitUsage = 2, ExitDiverged = 3, ExitInterrupted = 130 };

/// A command line that cannot work as written (a value out of range, an unknown choice): exit 2.
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Prints argparse's two lines, "usage: …" and "TOOL: error: MESSAGE", on stderr. @return 2.
int reportUsageError(const std::string &tool, const std::string &usage, const std::string &message);

/**
 * Parses the command line. --help and --version print to stdout and give 0; an error gives
 * reportUsageError() with the usage line of the (sub)command that failed, which `usageFor`
 * names (it gets the App in effect).
 * @return the exit code to leave with, or -1 when the program goes on.
 */
int parseCommandLine(CLI::App &app, int argc, char **argv, const std::string &tool,
                     const std::function<std::string(const CLI::App &)> &usageFor);

/// What stands for standard input in --input, and what messages call it.
inline const char *const kStdinArgument = "-";
inline const char *const kStdinName = "(stdin)";

/**
 * Standard input copied to a temporary regular file in $TMPDIR (the loaders read regular files
 * only: a pipe is never handed to them), removed when this goes away.
 */
class StdinSpool
{
public:
    /**
     * Reads all of stdin, asking `keepGoing` every 100 ms (so that Ctrl-C stops a wait on a pipe).
     * @throw Error when the temporary file cannot be written; Cancelled when keepGoing said no.
     */
    explicit StdinSpool(const std::function<bool()> &keepGoing = {});
    ~StdinSpool();
    StdinSpool(const StdinSpool &) = delete;
    StdinSpool &operator=(const StdinSpool &) = delete;

    const std::string &path() const { return m_path; }
    /// `text` with the temporary file's path said as "(stdin)".
    std::string rename(const std::string &text) const;

private:
    std::string m_path;
};

/**
 * loadDataset() of `path`, or of standard input when it is "-" (then Dataset::path and every
 * message say "(stdin)"). @throw Error, Cancelled as loadDataset does.
 */
Dataset loadDatasetFrom(const std::string &path, const LoadOptions &options);
/// loadItems() the same way.
Dataset loadItemsFrom(const std::string &path, const LoadOptions &options);

/// `path` as messages show it: "(stdin)" for "-".
std::string displayPath(const std::string &path);

/**
 * --json: from enable() on, stdout is kept for one JSON document and anything else written to
 * stdout (human summaries, a library's chatter) goes to stderr.
 */
class JsonStdout
{
public:
    JsonStdout() = default;
    ~JsonStdout();
    JsonStdout(const JsonStdout &) = delete;
    JsonStdout &operator=(const JsonStdout &) = delete;

    void enable();
    bool enabled() const { return m_out != nullptr; }
    /// Writes `document` (and a newline) to the real stdout; does nothing unless enabled.
    void write(const nlohmann::json &document);

private:
    std::FILE *m_out = nullptr;
};

/// The files of the run named `name` that `dir` already holds (file names), in RunFiles order.
std::vector<std::string> existingRunFiles(const std::string &dir, const std::string &name);

/// @throw Error naming `path` unless it is a regular file that can be opened for reading.
void requireReadableFile(const std::string &path, const std::string &flag);

} // namespace ranker::cli
