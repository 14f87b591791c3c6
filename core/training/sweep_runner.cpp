#include "core/training/sweep_runner.h"

#include "core/error.h"
#include "core/metadata.h"
#include "core/pipeline.h"
#include "core/runs.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace fs = std::filesystem;

namespace ranker {

namespace {

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

/// A trial process: its pid, the read end of its stderr, and what it has said.
struct Child
{
    pid_t pid = -1;
    int stderrFd = -1;
    size_t trial = 0;     ///< index into the trials vector
    std::string pending;  ///< a partial line
    std::string lastText; ///< the last line that was not a progress event (an error, say)
};

bool isRunComplete(const std::string &folder)
{
    const RunInfo run = readRun(folder);
    return !run.broken && run.metadata.is_object() && !run.pthPath.empty() &&
           (run.metadata.value("ended", std::string()) == "completed" ||
            run.metadata.value("ended", std::string()) == "diverged");
}

Child spawnTrial(const SweepRequest &request, const std::string &trialDir, const TrainConfig &config, size_t index)
{
    std::vector<std::string> args = {request.trainer, "--input", request.input, "--output", trialDir};
    for (const std::string &a : trainArguments(config))
        args.push_back(a);
    args.insert(args.end(),
                {"--embedding-dim", std::to_string(request.load.embeddingDim), "--max-line-mib",
                 std::to_string(std::max<uint64_t>(1, request.load.maxLineBytes >> 20)), "--progress", "jsonl"});
    if (!request.load.embeddingsPath.empty())
        args.insert(args.end(), {"--embeddings", request.load.embeddingsPath});
    if (!request.testPath.empty())
        args.insert(args.end(), {"--test", request.testPath});
    if (request.load.strict)
        args.push_back("--strict");
    std::vector<char *> argv;
    for (std::string &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // One thread a trial, never spinning while it waits (two busy trials on two cores).
    std::vector<std::string> env;
    for (char **e = environ; *e; ++e) {
        const std::string entry = *e;
        if (entry.rfind("OMP_NUM_THREADS=", 0) != 0 && entry.rfind("OMP_WAIT_POLICY=", 0) != 0)
            env.push_back(entry);
    }
    env.push_back("OMP_NUM_THREADS=" + std::to_string(std::max(1, config.threads)));
    env.push_back("OMP_WAIT_POLICY=PASSIVE");
    std::vector<char *> envp;
    for (std::string &e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        throw Error(std::string("cannot start a trial: pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    Child child;
    child.trial = index;
    const int rc = ::posix_spawn(&child.pid, request.trainer.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipeFds[1]);
    if (rc != 0) {
        ::close(pipeFds[0]);
        throw Error(request.trainer + ": cannot start it: " + std::strerror(rc));
    }
    child.stderrFd = pipeFds[0];
    return child;
}

} // namespace

std::vector<std::string> trainArguments(const TrainConfig &c)
{
    std::vector<std::string> a = {"--name",
                                  c.name,
                                  "--hidden-dim",
                                  std::to_string(c.hiddenDim),
                                  "--learning-rate",
                                  number(c.learningRate),
                                  "--batch-size",
                                  std::to_string(c.batchSize),
                                  "--epochs",
                                  std::to_string(c.epochs),
                                  "--margin",
                                  number(c.margin),
                                  "--val-split",
                                  number(c.valSplit),
                                  "--val-by",
                                  toString(c.valBy),
                                  "--seed",
                                  std::to_string(c.seed),
                                  "--device",
                                  c.device,
                                  "--ties",
                                  toString(c.ties),
                                  "--keep",
                                  toString(c.keep),
                                  "--threads",
                                  std::to_string(c.threads),
                                  "--dropout",
                                  number(c.dropout),
                                  "--weight-decay",
                                  number(c.weightDecay),
                                  "--patience",
                                  std::to_string(c.patience),
                                  "--cv",
                                  std::to_string(c.cvFolds)};
    a.push_back(c.refit ? "--refit" : "--no-refit");
    return a;
}

SweepResult runSweep(const SweepRequest &request, SweepObserver &observer)
{
    using Clock = std::chrono::steady_clock;
    const Clock::time_point start = Clock::now();
    if (::access(request.trainer.c_str(), X_OK) != 0)
        throw Error(request.trainer + ": the trainer cannot be run: " + std::strerror(errno));
    ensureWritableFolder(request.folder);
    SweepSpec spec = request.spec;
    std::vector<SweepTrial> trials;
    const bool hasFile = fs::exists(fs::path(request.folder) / kSweepFileName);
    if (request.resume || hasFile) {
        SweepSpec saved;
        readSweep(request.folder, saved, trials);
        if (!request.resume) {
            // The same command again continues the sweep it started; another sweep is refused.
            std::vector<SweepTrial> asked = expandTrials(spec);
            bool same = asked.size() == trials.size() && toJson(saved.base) == toJson(spec.base);
            for (size_t i = 0; same && i < asked.size(); ++i)
                same = asked[i].settings == trials[i].settings;
            if (!same)
                throw Error(request.folder + " holds another sweep (" + std::to_string(trials.size()) +
                            " trials): continue it with --resume, or give another --output");
        }
        const int parallel = spec.parallel;
        spec = saved;
        if (parallel > 0)
            spec.parallel = parallel;
        observer.onLog("continuing the sweep in " + request.folder);
    } else {
        trials = expandTrials(spec);
    }
    // Finished trials stay finished; anything else (stopped, failed, never started) runs again.
    size_t left = 0;
    for (SweepTrial &t : trials) {
        if ((t.status == "done" || t.status == "diverged") &&
            isRunComplete((fs::path(request.folder) / t.folder).string()))
            continue;
        t.status = "pending";
        t.message.clear();
        ++left;
    }
    writeSweep(request.folder, spec, trials);

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::error_code ec;
    const uint64_t bytes = fs::file_size(request.input, ec);
    const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGE_SIZE);
    const uint64_t memory = pages > 0 && pageSize > 0 ? uint64_t(pages) * uint64_t(pageSize) : 0;
    SweepResult result;
    result.parallel = spec.parallel > 0
                          ? std::min<int>(spec.parallel, std::max<int>(1, int(left)))
                          : sideBySide(int(cores), int(std::max<size_t>(1, left)), ec ? 0 : bytes, memory);
    observer.onSweepStarted(trials, result.parallel);
    observer.onLog(std::to_string(left) + " of " + std::to_string(trials.size()) + " trials to run, " +
                   std::to_string(result.parallel) + " side by side on " + std::to_string(cores) +
                   (cores == 1 ? " core" : " cores"));

    std::map<pid_t, Child> running;
    size_t next = 0;
    bool stopping = false;
    auto finish = [&](Child &child, int status) {
        SweepTrial &t = trials[child.trial];
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code == 0)
            t.status = "done";
        else if (code == 3)
            t.status = "diverged";
        else if (code == 130 || (WIFSIGNALED(status) && stopping))
            t.status = "cancelled";
        else {
            t.status = "failed";
            t.message = child.lastText.empty() ? "exit code " + std::to_string(code) : child.lastText;
        }
        writeSweep(request.folder, spec, trials);
        result.ranking = rankTrials(request.folder, trials);
        observer.onTrialFinished(t, result.ranking);
    };

    while (true) {
        if (!stopping && observer.stopRequested()) {
            stopping = true;
            for (auto &entry : running)
                ::kill(entry.first, SIGINT); // each finishes its batch and writes a cancelled run
            observer.onLog("stopping the running trials");
        }
        while (!stopping && running.size() < size_t(result.parallel) && next < trials.size()) {
            SweepTrial &t = trials[next];
            if (t.status != "pending") {
                ++next;
                continue;
            }
            const std::string dir = (fs::path(request.folder) / t.folder).string();
            Child child = spawnTrial(request, dir, trialConfig(spec, t), next);
            t.status = "running";
            observer.onTrialStarted(t);
            running.emplace(child.pid, std::move(child));
            ++next;
        }
        if (running.empty())
            break;
        std::vector<pollfd> fds;
        for (auto &entry : running)
            if (entry.second.stderrFd >= 0)
                fds.push_back({entry.second.stderrFd, POLLIN, 0});
        ::poll(fds.data(), nfds_t(fds.size()), 100);
        for (auto &entry : running) {
            Child &child = entry.second;
            if (child.stderrFd < 0)
                continue;
            char buffer[8192];
            while (true) {
                pollfd one{child.stderrFd, POLLIN, 0};
                if (::poll(&one, 1, 0) <= 0)
                    break;
                const ssize_t n = ::read(child.stderrFd, buffer, sizeof buffer);
                if (n <= 0) {
                    ::close(child.stderrFd);
                    child.stderrFd = -1;
                    break;
                }
                child.pending.append(buffer, size_t(n));
                size_t eol;
                while ((eol = child.pending.find('\n')) != std::string::npos) {
                    const std::string line = child.pending.substr(0, eol);
                    child.pending.erase(0, eol + 1);
                    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
                    if (event.is_object() && event.contains("event"))
                        observer.onTrialProgress(trials[child.trial], event);
                    else if (!line.empty())
                        child.lastText = line.substr(0, 2000);
                }
            }
        }
        for (auto it = running.begin(); it != running.end();) {
            int status = 0;
            const pid_t done =
                it->second.stderrFd < 0 ? ::waitpid(it->first, &status, 0) : ::waitpid(it->first, &status, WNOHANG);
            if (done == it->first) {
                if (it->second.stderrFd >= 0)
                    ::close(it->second.stderrFd);
                finish(it->second, status);
                it = running.erase(it);
            } else {
                ++it;
            }
        }
    }
    result.stopped = stopping;
    result.trials = trials;
    result.ranking = rankTrials(request.folder, trials);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

} // namespace ranker
