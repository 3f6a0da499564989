#include "analysis/raw_writer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace spinspice {

namespace {

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

// ngspice 39 names the DC sweep vector after the kind of swept device, not the device itself, and
// `write` wraps voltages in v() and currents in i(): ".dc V1 ..." gives "v(v-sweep)" (voltage),
// ".dc I1 ..." gives "i(i-sweep)" (current). Readers look for these names (e.g. "v(v-sweep)").
RawVariable dcSweepVariable(const std::string& source) {
    const auto dot = source.rfind('.'); // hierarchical "x1.v3": the device letter follows the last dot
    const std::string device = dot == std::string::npos ? source : source.substr(dot + 1);
    if (device == "temp") return {"temp-sweep", "temp-sweep"};
    if (!device.empty() && device.front() == 'i') return {"i(i-sweep)", "current"};
    return {"v(v-sweep)", "voltage"};
}

// ngspice marks the frequency of `.ac dec|oct` with grid=3 (GRID_XLOG) and writes no grid for
// `.ac lin`. The result does not keep the scale keyword, so it is inferred from the spacing; with
// fewer than three points the grid is left out (it is only a plotting hint).
bool isLogSpaced(const std::vector<double>& f) {
    if (f.size() < 3 || f[0] <= 0) return false;
    const double first = f[1] - f[0], second = f[2] - f[1];
    return std::abs(second - first) > 1e-6 * std::abs(first);
}

// The Title: line; `.step` values are appended because Plotname must stay one of the four standard
// names (PySpice and spicelib compare it verbatim; ngspice would accept a suffix, they would not).
std::string plotTitle(const std::string& title, const Waveforms& w) {
    std::string line = title;
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' '; // the title must stay one line
    if (w.step.empty()) return line;
    line += " (step";
    for (const auto& [param, value] : w.step) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.9g", value);
        line += " " + param + "=" + buf;
    }
    return line + ")";
}

void appendLittleEndian(std::string& bytes, double value) {
    auto bits = std::bit_cast<std::uint64_t>(value);
    char le[8];
    for (char& b : le) {
        b = static_cast<char>(bits & 0xff);
        bits >>= 8;
    }
    bytes.append(le, sizeof le);
}

// ngspice's ascii number format: "%.*e" with prec = 15 (DEFPREC).
void appendAscii(std::string& text, double value) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15e", value);
    text += buf;
}

void writePlot(const std::string& title, const std::string& date, const Waveforms& w, std::ostream& out, bool binary) {
    const std::size_t nvars = w.names.size();
    std::size_t npoints = 0;
    for (const auto& values : w.re) npoints = std::max(npoints, values.size());
    // A vector shorter than the plot (a failed analysis) is padded with zeros, as ngspice does.
    auto valueAt = [](const std::vector<std::vector<double>>& vectors, std::size_t k, std::size_t i) {
        return k < vectors.size() && i < vectors[k].size() ? vectors[k][i] : 0.0;
    };

    std::string text;
    text += "Title: " + plotTitle(title, w) + "\n";
    text += "Date: " + date + "\n";
    text += "Plotname: " + rawPlotName(w.type) + "\n";
    text += std::string("Flags: ") + (w.complex ? "complex" : "real") + "\n";
    text += "No. Variables: " + std::to_string(nvars) + "\n";
    text += "No. Points: " + std::to_string(npoints) + "\n";
    text += "Variables:\n";
    for (std::size_t k = 0; k < nvars; ++k) {
        const RawVariable v = rawVariable(w, k);
        text += "\t" + std::to_string(k) + "\t" + v.name + "\t" + v.type + "\n";
    }
    text += binary ? "Binary:\n" : "Values:\n";
    out << text;

    std::string data;
    if (binary) {
        data.reserve(npoints * nvars * (w.complex ? 16 : 8));
        for (std::size_t i = 0; i < npoints; ++i)
            for (std::size_t k = 0; k < nvars; ++k) {
                appendLittleEndian(data, valueAt(w.re, k, i));
                if (w.complex) appendLittleEndian(data, valueAt(w.im, k, i)); // the scale too: im = 0
            }
    } else {
        for (std::size_t i = 0; i < npoints; ++i) {
            data += " " + std::to_string(i);
            for (std::size_t k = 0; k < nvars; ++k) {
                data += '\t';
                appendAscii(data, valueAt(w.re, k, i));
                if (w.complex) { // ngspice's complex frequency prints as "f,0.000000000000000e+00" too
                    data += ',';
                    appendAscii(data, valueAt(w.im, k, i));
                }
                data += '\n';
            }
            data += '\n';
        }
    }
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

} // namespace

RawVariable rawVariable(const Waveforms& w, std::size_t k) {
    if (k == 0 && !w.sweep.empty()) {
        if (w.type == "tran") return {"time", "time"};
        if (w.type == "ac") {
            const bool log = !w.re.empty() && isLogSpaced(w.re.front());
            return {"frequency", log ? "frequency grid=3" : "frequency"};
        }
        if (w.type == "dc") return dcSweepVariable(w.sweep);
    }
    const std::string& name = w.names[k];
    if (startsWith(name, "v(")) return {name, "voltage"};
    if (startsWith(name, "i(")) return {name, "current"};
    if (name == "time" || name == "frequency") return {name, name};
    return {name, "notype"};
}

std::string rawPlotName(const std::string& analysisType) {
    if (analysisType == "tran") return "Transient Analysis";
    if (analysisType == "ac") return "AC Analysis";
    if (analysisType == "dc") return "DC transfer characteristic";
    if (analysisType == "op") return "Operating Point";
    if (analysisType == "tones") return "Multi-tone steady state";
    return analysisType;
}

std::string rawDateString(std::time_t when) {
    // asctime() is "%.3s %.3s%3d %.2d:%.2d:%.2d %d\n"; ngspice keeps its first 20 characters and
    // appends from character 19 on, which doubles the space before the year, then drops the newline.
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm t{};
    localtime_r(&when, &t);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3s %.3s%3d %.2d:%.2d:%.2d  %d", kDays[t.tm_wday % 7], kMonths[t.tm_mon % 12],
                  t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, 1900 + t.tm_year);
    return buf;
}

void writeRaw(const SimulationResult& result, std::ostream& out, bool binary) {
    const std::string date = rawDateString(std::time(nullptr));
    for (const auto& w : result.analyses) writePlot(result.title, date, w, out, binary);
}

void writeRawFile(const SimulationResult& result, const std::string& path, bool binary) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw std::runtime_error("cannot write '" + path + "'");
    writeRaw(result, out, binary);
    if (!out.flush()) throw std::runtime_error("error while writing '" + path + "'");
}

} // namespace spinspice
