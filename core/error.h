#pragma once

#include <stdexcept>
#include <string>

namespace ranker {

/// Every failure the engine reports to a user: the message is one line, names the file (and line)
/// involved and says why. Executables print `what()` and exit non-zero; the studio shows it.
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Thrown when a long operation stopped because its caller asked it to.
class Cancelled : public Error
{
public:
    Cancelled() : Error("cancelled") {}
};

} // namespace ranker
