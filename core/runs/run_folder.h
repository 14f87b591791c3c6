#pragma once
// A run's files as one unit in a folder that other runs and other files may share.
//
// `--output DIR` receives NAME.pth, NAME.onnx, NAME_metadata.json (and whatever else the set
// grows to), where other runs of other names and a user's own files may live too. Renaming the
// files into place one after another leaves, after a crash between two renames, a new .pth beside
// an old .onnx and metadata; so they are written as one generation, swapped in by one rename:
//
//   DIR/NAME.pth            -> .NAME.run/current/NAME.pth       (symbolic links, made once)
//   DIR/NAME.onnx           -> .NAME.run/current/NAME.onnx
//   DIR/NAME_metadata.json  -> .NAME.run/current/NAME_metadata.json
//   DIR/.NAME.run/current   -> g-…                              (replaced by one rename)
//   DIR/.NAME.run/g-…/      the files of one run, complete
//
// A reader that opens DIR/NAME.pth (Python's torch.load, ranker-rank) sees the current generation;
// one that reads several files resolves `current` once (runFilesFolder()) and reads them all from
// that generation. Why not the alternatives: renameat2(RENAME_EXCHANGE) of a staging folder swaps
// the whole of DIR, which is not the run's own when it holds other runs and files; a manifest file
// that readers follow leaves DIR/NAME.pth itself to tools that do not know about it.
// Files written by earlier versions (regular files at the three names) are first made into a
// generation of their own by hard links, so that every name shows the old run until the swap.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ranker {

/// The longest ending a run adds to its name in a file name: "_metadata.json" and the deployment
/// kit's ".features.json" (14 bytes). checkRunName() keeps NAME plus this within NAME_MAX.
constexpr size_t kLongestRunFileSuffix = 14;
/// File names are at most this long on Linux file systems (NAME_MAX).
constexpr size_t kMaxFileNameBytes = 255;

/**
 * Checks, before anything is trained, that `name` can name a run's files: valid UTF-8 without
 * control characters, no '/', not "." or "..", and short enough that the longest file name the set
 * writes (NAME_metadata.json, NAME.features.json, internal names included) fits in 255 bytes.
 * @throw Error starting "--name": what is wrong, with the byte offset.
 */
void checkRunName(const std::string &name);

/**
 * Holds DIR against a second writer while a run is trained into it and its files are written:
 * flock() on DIR/.ranker-write.lock, which holds the writer's pid and program name, and which goes
 * away with the lock. The kernel drops the lock of a writer that dies, however it dies.
 * Within one process, the thread holding DIR may take it again (the pipeline's steps each do);
 * another thread gets the same error as another process.
 */
class RunFolderLock
{
public:
    RunFolderLock() = default; ///< holds nothing
    /// @throw Error "DIR is being written by another ranker-train (pid N)"; or naming the lock file.
    explicit RunFolderLock(const std::string &dir);
    ~RunFolderLock();
    RunFolderLock(RunFolderLock &&) noexcept = default;
    RunFolderLock &operator=(RunFolderLock &&) noexcept = default;
    RunFolderLock(const RunFolderLock &) = delete;
    RunFolderLock &operator=(const RunFolderLock &) = delete;

    bool holds() const { return m_entry != nullptr; }

    struct Entry;

private:
    std::shared_ptr<Entry> m_entry;
};

/**
 * The files of one run, written as one generation (see the top of this file). Like
 * AtomicFileSet: add() writes each file (flushed to disk) where no reader looks yet, commit() makes
 * them all visible at once; a set that goes away uncommitted leaves DIR as it was.
 * Takes DIR's RunFolderLock for its lifetime, and first removes what killed writers left there.
 */
class RunFileSet
{
public:
    /// @throw Error when DIR is being written by another writer or cannot be written.
    RunFileSet(const std::string &dir, const std::string &name);
    ~RunFileSet();
    RunFileSet(const RunFileSet &) = delete;
    RunFileSet &operator=(const RunFileSet &) = delete;

    /// Writes `bytes` as `path` (DIR/FILE, FILE starting with the run's name) of the new generation.
    /// @throw Error naming `path` and the reason; the set's earlier files stay staged.
    void add(const std::string &path, const std::string &bytes);
    /// Makes the staged files the run's, in one rename. @throw Error naming what failed; the
    /// previous run's files are then still the ones every name shows.
    void commit();
    /// Removes the staged generation (the run's visible files are untouched).
    void discard();

private:
    std::string m_dir, m_name, m_store, m_generation;
    std::vector<std::string> m_files; ///< file names added, in order
    RunFolderLock m_lock;
};

/**
 * For readers: the folder to read the files of the run whose metadata is `metadataPath` from, as
 * one complete set — DIR/.NAME.run/g-… when the run is stored as generations, else the folder of
 * `metadataPath` itself. Resolved once, so that a writer swapping generations meanwhile cannot
 * give the reader files of two runs.
 */
std::string runFilesFolder(const std::string &metadataPath);

/// The file names a run's set may hold (RunFiles::forName()'s): earlier versions' files and
/// temporaries are found by them.
std::vector<std::string> runFileNames(const std::string &name);

/// The name of DIR's lock file, and of each run's generation store: readers skip both.
constexpr const char *kRunFolderLockName = ".ranker-write.lock";
/// True for the entries of a run folder that belong to the run-file machinery, not to a user.
bool isRunFolderInternal(const std::string &fileName);

} // namespace ranker
