#include "core/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace spinspice {

std::string SourceLoc::str() const {
    std::string s = file;
    if (line > 0) {
        s += (s.empty() ? "" : ":") + std::to_string(line);
        if (col > 0) s += ":" + std::to_string(col);
    }
    return s;
}

InputError::InputError(std::string message, SourceLoc loc, std::string lineText, std::string hint)
    : std::runtime_error(message), message_(std::move(message)), loc_(std::move(loc)), lineText_(std::move(lineText)),
      hint_(std::move(hint)) {}

std::string InputError::report() const {
    std::ostringstream out;
    const std::string where = loc_.str();
    out << (where.empty() ? "" : where + ": ") << "error: " << message_ << "\n";
    if (!lineText_.empty()) {
        // A long line (a generated netlist) is shown as a window of about 100 characters around the column.
        constexpr std::size_t kWindow = 100;
        std::size_t caret = loc_.col > 0 ? static_cast<std::size_t>(loc_.col - 1) : 0;
        std::string shown = lineText_;
        if (shown.size() > kWindow) {
            const std::size_t start = caret > kWindow / 2 ? std::min(caret - kWindow / 2, shown.size() - kWindow) : 0;
            const bool cutLeft = start > 0, cutRight = start + kWindow < shown.size();
            shown = (cutLeft ? "..." : "") + shown.substr(start, kWindow) + (cutRight ? "..." : "");
            caret = caret - start + (cutLeft ? 3 : 0);
        }
        out << "    " << shown << "\n";
        if (loc_.col > 0) out << "    " << std::string(caret, ' ') << "^\n";
    }
    if (!hint_.empty()) out << "  " << hint_ << "\n";
    return out.str();
}

SimulationError::SimulationError(std::string message, SourceLoc loc)
    : std::runtime_error(std::move(message)), loc_(std::move(loc)) {}

std::string SimulationError::report() const {
    const std::string where = loc_.str();
    return (where.empty() ? "" : where + ": ") + "simulation error: " + std::string(what()) + "\n";
}

std::string toLower(std::string_view s) {
    // ASCII only, as std::tolower in the C locale (netlists are case-insensitive in ASCII; other bytes
    // stay), without a call per character: a million-line netlist lowers every token.
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
    const std::string la = toLower(a), lb = toLower(b);
    std::vector<std::size_t> prev(lb.size() + 1), cur(lb.size() + 1);
    for (std::size_t j = 0; j <= lb.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= la.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= lb.size(); ++j) {
            const std::size_t subst = prev[j - 1] + (la[i - 1] == lb[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[lb.size()];
}

std::vector<std::string> closestNames(std::string_view name, const std::vector<std::string>& candidates,
                                      std::size_t maxCount) {
    const std::string lname = toLower(name);
    const std::size_t limit = std::max<std::size_t>(1, (lname.size() + 2) / 3);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& c : candidates) {
        const std::string lc = toLower(c);
        std::size_t d = editDistance(lname, lc);
        const bool prefix = !lname.empty() && (lc.rfind(lname, 0) == 0 || lname.rfind(lc, 0) == 0);
        if (d <= limit || prefix) scored.emplace_back(prefix ? std::min<std::size_t>(d, 1) : d, c);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (const auto& s : scored) {
        if (out.size() >= maxCount) break;
        if (std::find(out.begin(), out.end(), s.second) == out.end()) out.push_back(s.second);
    }
    return out;
}

std::string suggestionHint(std::string_view name, const std::vector<std::string>& candidates) {
    auto close = closestNames(name, candidates);
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
        return s;
    };
    if (!close.empty()) return "did you mean: " + join(close) + "?";
    if (!candidates.empty() && candidates.size() <= 12) return "known names are: " + join(candidates);
    return {};
}

} // namespace spinspice
