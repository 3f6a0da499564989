#include "analysis/print_tables.hpp"

#include "analysis/raw_writer.hpp"
#include "core/diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <map>
#include <numbers>
#include <optional>
#include <set>
#include <string>

namespace spinspice {

namespace {

enum class Part { Value, Magnitude, PhaseDegrees, Decibel, Real, Imaginary };

// A signal of an analysis: re (and im for AC); both null for ground.
struct SignalRef {
    const std::vector<double>* re = nullptr;
    const std::vector<double>* im = nullptr;

    std::complex<double> at(std::size_t i) const {
        const double r = re && i < re->size() ? (*re)[i] : 0.0;
        const double m = im && i < im->size() ? (*im)[i] : 0.0;
        return {r, m};
    }
};

// One printed column: `plus` - `minus` (minus is ground unless the item was v(a,b)), then `part`.
struct Column {
    std::string header;
    Part part = Part::Value;
    SignalRef plus, minus;
    bool complexPair = false; // AC v(x) without a suffix: "re, im"
    std::size_t width = 16;
};

// "vdb(out)" -> quantity 'v', Part::Decibel, {"out"}; "v(a,b)" -> 'v', Part::Value, {"a", "b"}.
struct ParsedItem {
    char quantity = 0;
    Part part = Part::Value;
    std::vector<std::string> args;
};

std::optional<ParsedItem> parseItem(const std::string& item) {
    const auto open = item.find('(');
    if (open == std::string::npos || open == 0 || item.back() != ')') return std::nullopt;
    ParsedItem parsed;
    parsed.quantity = item[0];
    if (parsed.quantity != 'v' && parsed.quantity != 'i') return std::nullopt;
    static const std::map<std::string, Part> kSuffixes = {{"", Part::Value},         {"m", Part::Magnitude},
                                                          {"p", Part::PhaseDegrees}, {"db", Part::Decibel},
                                                          {"r", Part::Real},         {"i", Part::Imaginary}};
    const auto suffix = kSuffixes.find(item.substr(1, open - 1));
    if (suffix == kSuffixes.end()) return std::nullopt;
    parsed.part = suffix->second;
    std::string inner = item.substr(open + 1, item.size() - open - 2);
    std::size_t start = 0;
    while (true) {
        const auto comma = inner.find(',', start);
        std::string arg = inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        arg.erase(0, arg.find_first_not_of(' '));
        arg.erase(arg.find_last_not_of(' ') + 1);
        if (arg.empty()) return std::nullopt;
        parsed.args.push_back(arg);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    const std::size_t maxArgs = parsed.quantity == 'v' ? 2 : 1;
    if (parsed.args.size() > maxArgs) return std::nullopt;
    return parsed;
}

std::optional<SignalRef> findSignal(const Waveforms& w, const std::string& name) {
    const auto* re = w.find(name);
    if (!re) return std::nullopt;
    return SignalRef{re, w.complex ? w.findImag(name) : nullptr};
}

// The column for one .print item, or an error message.
std::optional<Column> resolveItem(const Waveforms& w, const std::string& item, std::string& error) {
    Column column;
    column.header = item;
    if (auto direct = findSignal(w, item)) { // a signal name as it is ("v(out)", "i(v1)", "time")
        column.plus = *direct;
    } else {
        const auto parsed = parseItem(item);
        if (!parsed) {
            error = "'" + item + "' is not an output name (v(node), v(n1,n2), i(vsource); AC also vm vp vdb vr vi)";
            return std::nullopt;
        }
        column.part = parsed->part;
        for (std::size_t a = 0; a < parsed->args.size(); ++a) {
            const std::string& node = parsed->args[a];
            if (parsed->quantity == 'v' && (node == "0" || node == "gnd")) continue; // ground: 0
            const std::string name = std::string(1, parsed->quantity) + "(" + node + ")";
            const auto ref = findSignal(w, name);
            if (!ref) {
                error = "no signal '" + name + "' in " + w.name;
                if (const std::string hint = suggestionHint(name, w.names); !hint.empty()) error += "; " + hint;
                return std::nullopt;
            }
            (a == 0 ? column.plus : column.minus) = *ref;
        }
    }
    column.complexPair = w.complex && column.part == Part::Value;
    column.width = std::max<std::size_t>(column.complexPair ? 32 : 16, column.header.size() + 2);
    return column;
}

std::string formatNumber(double value) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6e", value);
    return buf;
}

std::string formatCell(const Column& column, std::size_t i) {
    const std::complex<double> z = column.plus.at(i) - column.minus.at(i);
    switch (column.part) {
    case Part::Value:
        return column.complexPair ? formatNumber(z.real()) + ", " + formatNumber(z.imag()) : formatNumber(z.real());
    case Part::Magnitude: return formatNumber(std::abs(z));
    case Part::PhaseDegrees: return formatNumber(std::arg(z) * 180.0 / std::numbers::pi);
    case Part::Decibel: return formatNumber(20.0 * std::log10(std::abs(z)));
    case Part::Real: return formatNumber(z.real());
    case Part::Imaginary: return formatNumber(z.imag());
    }
    return {};
}

std::string stepLabel(const Waveforms& w) {
    std::string label = "step";
    for (const auto& [param, value] : w.step) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.9g", value);
        label += " " + param + "=" + buf;
    }
    return label;
}

// Appends `text` left-justified in `width` columns (at least one space after it unless it is last).
void appendCell(std::string& line, const std::string& text, std::size_t width, bool last) {
    line += text;
    if (last) return;
    line.append(text.size() < width ? width - text.size() : 1, ' ');
}

void printTable(const std::string& title, const Waveforms& w, const std::vector<Column>& columns, std::ostream& out) {
    const bool hasSweep = !w.sweep.empty() && !w.names.empty() && !w.re.empty();
    const std::size_t points = w.points();
    const std::size_t indexWidth = std::max<std::size_t>(8, std::to_string(points).size() + 1);
    const std::size_t sweepWidth = hasSweep ? std::max<std::size_t>(16, w.names.front().size() + 2) : 0;

    std::string header;
    appendCell(header, "Index", indexWidth, columns.empty() && !hasSweep);
    if (hasSweep) appendCell(header, w.names.front(), sweepWidth, columns.empty());
    for (std::size_t c = 0; c < columns.size(); ++c)
        appendCell(header, columns[c].header, columns[c].width, c + 1 == columns.size());
    const std::string rule(std::max<std::size_t>(80, header.size()), '-');

    out << "\n" << title << "\n" << rawPlotName(w.type) << ": " << w.name;
    if (!w.step.empty()) out << " (" << stepLabel(w) << ")";
    out << "\n" << rule << "\n" << header << "\n" << rule << "\n";
    for (std::size_t i = 0; i < points; ++i) {
        std::string line;
        appendCell(line, std::to_string(i), indexWidth, columns.empty() && !hasSweep);
        if (hasSweep)
            appendCell(line, i < w.re.front().size() ? formatNumber(w.re.front()[i]) : "", sweepWidth, columns.empty());
        for (std::size_t c = 0; c < columns.size(); ++c)
            appendCell(line, formatCell(columns[c], i), columns[c].width, c + 1 == columns.size());
        out << line << "\n";
    }
}

std::string where(const PrintSpec& spec) {
    return spec.loc.known() ? spec.loc.str() + ": " : std::string();
}

} // namespace

void printTables(const SimulationResult& result, const std::vector<PrintSpec>& prints, std::ostream& out,
                 std::ostream& errors) {
    for (const auto& spec : prints) {
        bool found = false;
        std::set<std::string> reported; // each problem once, not once per .step run
        for (const auto& w : result.analyses) {
            if (w.type != spec.analysis) continue;
            found = true;
            std::vector<Column> columns;
            for (const auto& item : spec.items) {
                std::string error;
                if (auto column = resolveItem(w, item, error))
                    columns.push_back(std::move(*column));
                else if (reported.insert(error).second)
                    errors << "error: " << where(spec) << ".print " << spec.analysis << ": " << error << "\n";
            }
            if (!columns.empty()) printTable(result.title, w, columns, out);
        }
        if (!found)
            errors << "warning: " << where(spec) << ".print " << spec.analysis << ": the run has no " << spec.analysis
                   << " analysis\n";
    }
}

void printTables(const SimulationResult& result, const std::vector<PrintSpec>& prints, std::ostream& out) {
    printTables(result, prints, out, out);
}

void printMeasurements(const SimulationResult& result, std::ostream& out) {
    const std::vector<std::pair<std::string, double>>* currentStep = nullptr;
    for (const auto& w : result.analyses) {
        if (w.measurements.empty()) continue;
        const bool sample = std::any_of(w.step.begin(), w.step.end(), [](const auto& p) { return p.first == "monte"; });
        if (sample) continue; // Monte-Carlo samples: summarised below
        if (!w.step.empty() && (!currentStep || *currentStep != w.step)) {
            out << stepLabel(w) << ":\n";
            currentStep = &w.step;
        }
        const char* indent = w.step.empty() ? "" : "  ";
        for (const auto& m : w.measurements) {
            if (m.error.empty()) {
                char buf[40];
                std::snprintf(buf, sizeof buf, "%.9g", m.value);
                out << indent << m.name << " = " << buf << "\n";
            } else {
                out << indent << m.name << ": failed (" << m.error << ")\n";
            }
        }
    }
    // Monte-Carlo: one line per .meas over the samples.
    for (const auto& s : result.statistics) {
        std::string where = s.analysis;
        for (const auto& [param, value] : s.step) {
            char buf[64];
            std::snprintf(buf, sizeof buf, " %s=%.9g", param.c_str(), value);
            where += buf;
        }
        char line[400];
        std::snprintf(line, sizeof line,
                      "%s over %d samples (%s): mean = %.6g, sigma = %.6g, min = %.6g, 5/50/95 %% = %.6g %.6g %.6g, "
                      "max = %.6g",
                      s.name.c_str(), s.count + s.failed, where.c_str(), s.mean, s.stddev, s.min,
                      s.quantiles.size() == 5 ? s.quantiles[0] : 0.0, s.quantiles.size() == 5 ? s.quantiles[2] : 0.0,
                      s.quantiles.size() == 5 ? s.quantiles[4] : 0.0, s.max);
        out << line;
        if (s.failed) out << " (failed in " << s.failed << ")";
        out << "\n";
    }
}

namespace {
void printFourier(const FourierResult& f, const char* indent, std::ostream& out) {
    char line[200];
    if (!f.error.empty()) {
        out << indent << "Fourier analysis for " << f.signal << ": failed (" << f.error << ")\n";
        return;
    }
    out << indent << "Fourier analysis for " << f.signal << ":\n";
    std::snprintf(line, sizeof line, "%s  No. Harmonics: %zu, THD: %g %%, Gridsize: %d, Interpolation Degree: %d\n\n",
                  indent, f.harmonics.size(), f.thd, f.gridSize, f.degree);
    out << line;
    out << indent << "Harmonic Frequency   Magnitude   Phase       Norm. Mag   Norm. Phase\n";
    out << indent << "-------- ---------   ---------   -----       ---------   -----------\n";
    for (const auto& h : f.harmonics) {
        std::snprintf(line, sizeof line, "%s %-7d %-11g %-11g %-11g %-11g %-11g\n", indent, h.index, h.frequency,
                      h.magnitude, h.phase, h.normMagnitude, h.normPhase);
        out << line;
    }
    out << "\n";
}

void printSpectrum(const SpectrumResult& s, const char* indent, std::ostream& out) {
    if (!s.error.empty()) {
        out << indent << "spectrum of " << s.signal << ": failed (" << s.error << ")\n";
        return;
    }
    char line[300];
    std::snprintf(line, sizeof line,
                  "%sspectrum of %s: peak %.9g Hz (%.4g /Hz), linewidth %.4g Hz, resolution %.4g Hz, window %g ... "
                  "%g s\n",
                  indent, s.signal.c_str(), s.peakFrequency, s.peakPsd, s.linewidth, s.resolution, s.start, s.stop);
    out << line;
}
} // namespace

void printSpectral(const SimulationResult& result, std::ostream& out) {
    const std::vector<std::pair<std::string, double>>* currentStep = nullptr;
    for (const auto& w : result.analyses) {
        if (w.fourier.empty() && w.spectra.empty()) continue;
        if (!w.step.empty() && (!currentStep || *currentStep != w.step)) {
            out << stepLabel(w) << ":\n";
            currentStep = &w.step;
        }
        const char* indent = w.step.empty() ? "" : "  ";
        for (const auto& s : w.spectra) printSpectrum(s, indent, out);
        for (const auto& f : w.fourier) printFourier(f, indent, out);
    }
}

} // namespace spinspice
