#include "analysis/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <utility>

namespace spinspice {
namespace {

// Streams the document: waveforms can hold millions of numbers and hundreds of thousands of
// signals, so nothing is built in memory (an ordered JSON object also looks keys up linearly).
class JsonStream {
public:
    explicit JsonStream(std::ostream& out) : out_(out) {}

    // Names rarely need escaping: those go out as they are, the others through nlohmann's escaper.
    void string(const std::string& s) {
        const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
        });
        if (!plain) {
            out_ << nlohmann::json(s).dump();
            return;
        }
        out_.put('"');
        out_.write(s.data(), static_cast<std::streamsize>(s.size()));
        out_.put('"');
    }
    // Shortest text that reads back as the same double; NaN and infinities become null.
    void number(double v) {
        if (!std::isfinite(v)) {
            out_ << "null";
            return;
        }
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.write(buf, r.ptr - buf);
    }
    void number(long v) { out_ << v; }
    // Formatted into a block and written a block at a time: a long waveform is millions of numbers,
    // and a stream call per character and per number was half of a p-bit run's wall time.
    void array(const std::vector<double>& values) {
        constexpr std::size_t kBlock = 1 << 16, kLongest = 32; // to_chars needs at most 24 characters
        std::string& block = block_;                           // one buffer for all arrays (a run may have 1e5 signals)
        if (block.size() < kBlock) block.resize(kBlock);
        std::size_t used = 0;
        block[used++] = '[';
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (used + kLongest > kBlock) {
                out_.write(block.data(), static_cast<std::streamsize>(used));
                used = 0;
            }
            if (i) block[used++] = ',';
            const double v = values[i];
            if (!std::isfinite(v)) {
                block.replace(used, 4, "null");
                used += 4;
                continue;
            }
            used = static_cast<std::size_t>(std::to_chars(block.data() + used, block.data() + kBlock, v).ptr -
                                            block.data());
        }
        block[used++] = ']';
        out_.write(block.data(), static_cast<std::streamsize>(used));
    }
    // "key": (with a comma before all but the first member of the current object)
    void key(const std::string& k, bool& first) {
        if (!first) out_ << ',';
        first = false;
        string(k);
        out_ << ':';
    }
    std::ostream& raw() { return out_; }

private:
    std::ostream& out_;
    std::string block_; // array() formats into it
};

// Members "name": value of an object, numbers only.
void numbers(JsonStream& j, std::initializer_list<std::pair<const char*, double>> members, bool& first) {
    for (const auto& [name, value] : members) {
        j.key(name, first);
        j.number(value);
    }
}

// {"<signal>": {...}, ...}: each result's members from `body`, or {"error": reason}.
template <class Result, class Body>
void writePerSignal(JsonStream& j, const std::vector<Result>& results, const Body& body) {
    bool firstSignal = true;
    j.raw() << '{';
    for (const auto& r : results) {
        j.key(r.signal, firstSignal);
        bool first = true;
        j.raw() << '{';
        if (!r.error.empty()) {
            j.key("error", first);
            j.string(r.error);
        } else {
            body(r, first);
        }
        j.raw() << '}';
    }
    j.raw() << '}';
}

void writeSpectra(JsonStream& j, const std::vector<SpectrumResult>& spectra) {
    writePerSignal(j, spectra, [&](const SpectrumResult& s, bool& first) {
        numbers(j,
                {{"peak_frequency", s.peakFrequency},
                 {"peak_psd", s.peakPsd},
                 {"linewidth", s.linewidth},
                 {"resolution", s.resolution},
                 {"bin_width", s.binWidth},
                 {"from", s.start},
                 {"to", s.stop}},
                first);
        j.key("frequency", first);
        j.array(s.frequency);
        j.key("psd", first);
        j.array(s.psd);
    });
}

void writeFourier(JsonStream& j, const std::vector<FourierResult>& results) {
    writePerSignal(j, results, [&](const FourierResult& f, bool& first) {
        numbers(j, {{"fundamental", f.fundamental}, {"dc", f.dc}, {"thd", f.thd}}, first);
        j.key("harmonics", first);
        j.raw() << '[';
        for (std::size_t k = 0; k < f.harmonics.size(); ++k) {
            const FourierHarmonic& h = f.harmonics[k];
            bool firstMember = true;
            j.raw() << (k ? ",{" : "{");
            numbers(j,
                    {{"frequency", h.frequency},
                     {"magnitude", h.magnitude},
                     {"phase", h.phase},
                     {"norm_magnitude", h.normMagnitude},
                     {"norm_phase", h.normPhase}},
                    firstMember);
            j.raw() << '}';
        }
        j.raw() << ']';
    });
}

void writeAnalysis(JsonStream& j, const Waveforms& w, const JsonOptions& options) {
    bool first = true;
    j.raw() << '{';
    j.key("name", first);
    j.string(w.name);
    j.key("type", first);
    j.string(w.type);
    if (!w.sweep.empty()) {
        j.key("sweep", first);
        j.string(w.sweep);
    }
    if (!w.step.empty()) {
        j.key("step", first);
        bool firstParam = true;
        j.raw() << '{';
        for (const auto& [param, value] : w.step) {
            j.key(param, firstParam);
            j.number(value);
        }
        j.raw() << '}';
    }
    j.key("signals", first);
    bool firstSignal = true;
    j.raw() << '{';
    for (std::size_t k = 0; k < w.names.size(); ++k) {
        j.key(w.names[k], firstSignal);
        const bool isSweep = !w.sweep.empty() && k == 0;
        if (w.complex && !isSweep) {
            j.raw() << "{\"re\":";
            j.array(w.re[k]);
            j.raw() << ",\"im\":";
            j.array(w.im[k]);
            j.raw() << '}';
        } else {
            j.array(w.re[k]);
        }
    }
    j.raw() << '}';
    const auto& s = w.stats;
    j.key("stats", first);
    j.raw() << "{\"accepted\":" << s.accepted << ",\"rejected\":" << s.rejected << ",\"iterations\":" << s.iterations
            << ",\"factorizations\":" << s.factorizations << ",\"refactorizations\":" << s.refactorizations
            << ",\"solves\":" << s.solves;
    if (s.linearIterations > 0) j.raw() << ",\"linear_iterations\":" << s.linearIterations;
    // Wall times differ from run to run: only on request, so that equal runs give equal bytes.
    if (options.timings) {
        j.raw() << ",\"time_eval\":";
        j.number(s.timeEval);
        j.raw() << ",\"time_factor\":";
        j.number(s.timeFactor);
        j.raw() << ",\"time_solve\":";
        j.number(s.timeSolve);
        j.raw() << ",\"time_total\":";
        j.number(s.timeTotal);
    }
    j.raw() << '}';
    if (!w.measurements.empty()) {
        j.key("measurements", first);
        bool firstMeas = true;
        j.raw() << '{';
        for (const auto& m : w.measurements) {
            j.key(m.name, firstMeas);
            if (m.error.empty()) {
                j.number(m.value);
            } else {
                j.raw() << "{\"error\":";
                j.string(m.error);
                j.raw() << '}';
            }
        }
        j.raw() << '}';
    }
    if (!w.spectra.empty()) {
        j.key("spectra", first);
        writeSpectra(j, w.spectra);
    }
    if (!w.fourier.empty()) {
        j.key("fourier", first);
        writeFourier(j, w.fourier);
    }
    if (!w.error.empty()) {
        j.key("error", first);
        j.string(w.error);
    }
    j.raw() << '}';
}

// Monte-Carlo summaries: {"analysis", "name", "step": {...}, "count", "failed", "mean", "stddev", "min",
// "max", "quantiles": {"0.05": ...}, "histogram": {"edges": [...], "counts": [...]}}.
void writeStatistics(JsonStream& j, const std::vector<MeasureStatistics>& statistics) {
    j.raw() << '[';
    for (std::size_t i = 0; i < statistics.size(); ++i) {
        const MeasureStatistics& s = statistics[i];
        bool first = true;
        j.raw() << (i ? ",{" : "{");
        j.key("analysis", first);
        j.string(s.analysis);
        j.key("name", first);
        j.string(s.name);
        j.key("step", first);
        j.raw() << '{';
        bool firstStep = true;
        for (const auto& [param, value] : s.step) {
            j.key(param, firstStep);
            j.number(value);
        }
        j.raw() << '}';
        j.key("count", first);
        j.raw() << s.count;
        j.key("failed", first);
        j.raw() << s.failed;
        for (const auto& [key, value] :
             {std::pair<const char*, double>{"mean", s.mean}, {"stddev", s.stddev}, {"min", s.min}, {"max", s.max}}) {
            j.key(key, first);
            j.number(value);
        }
        j.key("quantiles", first);
        j.raw() << '{';
        bool firstQ = true;
        for (std::size_t q = 0; q < s.quantiles.size(); ++q) {
            char label[16];
            std::snprintf(label, sizeof label, "%g", MeasureStatistics::kQuantiles[q]);
            j.key(label, firstQ);
            j.number(s.quantiles[q]);
        }
        j.raw() << "},\"histogram\":{\"edges\":";
        j.array(s.edges);
        j.raw() << ",\"counts\":[";
        for (std::size_t b = 0; b < s.counts.size(); ++b) j.raw() << (b ? "," : "") << s.counts[b];
        j.raw() << "]}}";
    }
    j.raw() << ']';
}

} // namespace

void writeJson(const SimulationResult& result, std::ostream& out, const JsonOptions& options) {
    JsonStream j(out);
    bool first = true;
    out << '{';
    j.key("title", first);
    j.string(result.title);
    j.key("analyses", first);
    out << '[';
    for (std::size_t a = 0; a < result.analyses.size(); ++a) {
        if (a) out << ',';
        writeAnalysis(j, result.analyses[a], options);
    }
    out << ']';
    if (!result.statistics.empty()) {
        j.key("statistics", first);
        writeStatistics(j, result.statistics);
    }
    if (!result.warnings.empty()) {
        j.key("warnings", first);
        out << '[';
        for (std::size_t i = 0; i < result.warnings.size(); ++i) {
            if (i) out << ',';
            j.string(result.warnings[i]);
        }
        out << ']';
    }
    out << "}\n";
}

void writeJsonFile(const SimulationResult& result, const std::string& path, const JsonOptions& options) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write '" + path + "'");
    writeJson(result, out, options);
    out.close(); // flushes: a full disk shows here, not in the destructor
    if (!out) throw std::runtime_error("error while writing '" + path + "' (disk full?)");
}

} // namespace spinspice
