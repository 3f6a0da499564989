// Diagnostics shared by every layer: source locations, the two error kinds the CLI maps to exit
// codes (bad input -> 2, simulation failure -> 1) and "did you mean" suggestions.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace spinspice {

// A position in a netlist file. line and col are 1-based; 0 means "unknown".
struct SourceLoc {
    std::string file;
    int line = 0;
    int col = 0;
    bool known() const { return line > 0; }
    std::string str() const; // "file:line:col" (or "file" / "" when unknown)
};

// A position with the physical line it is on, for messages that quote the line.
struct SourceOrigin {
    SourceLoc loc;
    std::string lineText;
};

// Malformed or inconsistent input: the netlist, a parameter, a command-line option. Exit status 2.
class InputError : public std::runtime_error {
public:
    // message: what is wrong; lineText: the source line quoted under the message (may be empty);
    // hint: what to do about it (expected syntax, candidates, ...).
    InputError(std::string message, SourceLoc loc = {}, std::string lineText = {}, std::string hint = {});
    const std::string& message() const { return message_; }
    const SourceLoc& loc() const { return loc_; }
    const std::string& lineText() const { return lineText_; }
    const std::string& hint() const { return hint_; }
    // Full multi-line report: "file:line:col: error: message", the quoted line with a caret, the hint.
    std::string report() const;

private:
    std::string message_;
    SourceLoc loc_;
    std::string lineText_;
    std::string hint_;
};

// The simulation itself failed (no convergence, singular matrix, timestep too small). Exit status 1.
class SimulationError : public std::runtime_error {
public:
    explicit SimulationError(std::string message, SourceLoc loc = {});
    const SourceLoc& loc() const { return loc_; }
    std::string report() const;

private:
    SourceLoc loc_;
};

// The run was stopped by its caller (Ctrl-C): a simulation failure whose results so far are kept.
class Interrupted : public SimulationError {
public:
    using SimulationError::SimulationError;
};

// Levenshtein distance, case-insensitive.
std::size_t editDistance(std::string_view a, std::string_view b);

// Up to `maxCount` candidates closest to `name` (small edit distance or sharing a prefix), best first.
std::vector<std::string> closestNames(std::string_view name, const std::vector<std::string>& candidates,
                                      std::size_t maxCount = 5);

// "did you mean: a, b, c?" or "" when there are no plausible candidates. When nothing is close and the
// candidate list is short (<= 12), lists all of them ("known names are: ...").
std::string suggestionHint(std::string_view name, const std::vector<std::string>& candidates);

std::string toLower(std::string_view s);

} // namespace spinspice
