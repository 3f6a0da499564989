#include "analysis/csv_writer.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <stdexcept>

namespace spinspice {

namespace {

// RFC 4180: quote a field holding a comma, a quote or a line break, doubling inner quotes.
std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

// Shortest round-trip representation ("0.1", "1e-09", "-inf", "nan").
void appendNumber(std::string& line, double value) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    line.append(buf, ec == std::errc() ? end : buf);
}

void appendNumberAt(std::string& line, const std::vector<double>* values, std::size_t i) {
    if (values && i < values->size()) appendNumber(line, (*values)[i]); // a short vector leaves the field empty
}

} // namespace

void writeCsv(const Waveforms& w, std::ostream& out) {
    auto isComplexColumn = [&](std::size_t k) { return w.complex && !(k == 0 && !w.sweep.empty()); };
    std::string line;
    for (std::size_t k = 0; k < w.names.size(); ++k) {
        if (k > 0) line += ',';
        if (isComplexColumn(k))
            line += csvField(w.names[k] + ".re") + "," + csvField(w.names[k] + ".im");
        else
            line += csvField(w.names[k]);
    }
    for (std::size_t p = 0; p < w.step.size(); ++p) {
        if (p > 0 || !w.names.empty()) line += ',';
        line += csvField("step:" + w.step[p].first);
    }
    out << line << '\n';

    std::size_t npoints = 0;
    for (const auto& values : w.re) npoints = std::max(npoints, values.size());
    for (std::size_t i = 0; i < npoints; ++i) {
        line.clear();
        for (std::size_t k = 0; k < w.names.size(); ++k) {
            if (k > 0) line += ',';
            appendNumberAt(line, k < w.re.size() ? &w.re[k] : nullptr, i);
            if (isComplexColumn(k)) {
                line += ',';
                appendNumberAt(line, k < w.im.size() ? &w.im[k] : nullptr, i);
            }
        }
        for (std::size_t p = 0; p < w.step.size(); ++p) {
            if (p > 0 || !w.names.empty()) line += ',';
            appendNumber(line, w.step[p].second);
        }
        out << line << '\n';
    }
}

std::string csvAnalysisPath(const std::string& path, const std::string& analysis, int step) {
    // Split "dir/out.csv" into "dir/out" and ".csv" (no extension: insert at the end).
    const auto slash = path.find_last_of('/');
    const auto dot = path.find_last_of('.');
    const bool hasExtension =
        dot != std::string::npos && (slash == std::string::npos || dot > slash + 1) && dot + 1 < path.size();
    const std::string stem = hasExtension ? path.substr(0, dot) : path;
    const std::string extension = hasExtension ? path.substr(dot) : "";
    return stem + "." + analysis + (step > 0 ? ".step" + std::to_string(step) : "") + extension;
}

std::vector<std::string> csvFilePaths(const SimulationResult& result, const std::string& path) {
    if (result.analyses.size() <= 1) return {path};
    std::map<std::string, int> total, seen;
    for (const auto& w : result.analyses) ++total[w.name];
    std::vector<std::string> paths;
    for (const auto& w : result.analyses)
        paths.push_back(csvAnalysisPath(path, w.name, total[w.name] > 1 ? ++seen[w.name] : 0));
    return paths;
}

void writeCsvFile(const SimulationResult& result, const std::string& path) {
    const std::vector<std::string> paths = csvFilePaths(result, path);
    for (std::size_t n = 0; n < paths.size(); ++n) {
        std::ofstream out(paths[n]);
        if (!out) throw std::runtime_error("cannot write '" + paths[n] + "'");
        if (n < result.analyses.size()) writeCsv(result.analyses[n], out);
        if (!out.flush()) throw std::runtime_error("error while writing '" + paths[n] + "'");
    }
}

} // namespace spinspice
