#include "analysis/postprocess.hpp"

#include "analysis/fourier.hpp"
#include "analysis/measure.hpp"
#include "analysis/spectrum.hpp"

#include "solver/options.hpp"

#include <algorithm>
#include <stdexcept>

namespace spinspice {
namespace {

SpectrumResult spectrumOf(const SpectrumSpec& spec, const MeasureSignal& signal, const Waveforms& w) {
    SpectrumResult r;
    r.signal = signal.text;
    try {
        spectrum::Options o;
        o.from = spec.from.value_or(o.from);
        o.to = spec.to.value_or(o.to);
        o.points = spec.points;
        o.segments = spec.segments;
        o.taper = spec.rectangular ? spectrum::Taper::Rectangular : spectrum::Taper::Hann;
        const spectrum::Spectrum s = spectrum::compute(w.re.front(), measure::signalValues(w, signal), o);
        r.frequency = s.frequency;
        r.psd = s.psd;
        r.peakFrequency = s.peakFrequency;
        r.peakPsd = s.peakPsd;
        r.linewidth = s.linewidth;
        r.resolution = s.resolution;
        r.binWidth = s.binWidth;
        r.start = s.start;
        r.stop = s.stop;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

FourierResult fourierOf(const FourierSpec& spec, const MeasureSignal& signal, const Waveforms& w,
                        const SimOptions& options) {
    FourierResult r;
    r.signal = signal.text;
    try {
        // ngspice raises a too small grid to twice the harmonics (frontend/fourier.c); so does this.
        const int grid = std::max(options.fourierGrid, 2 * options.fourierHarmonics);
        r = fourier::analyse(w.re.front(), measure::signalValues(w, signal), spec.frequency, options.fourierHarmonics,
                             grid);
        r.signal = signal.text;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}
} // namespace

void evaluateOutputs(const FlatCircuit& flat, Waveforms& w) {
    w.measurements = measure::evaluateMeasurements(flat.measures, w, flat.params);
    if (w.type == "tran" && w.points() >= 2) {
        for (const auto& spec : flat.spectra)
            for (const auto& signal : spec.signals) w.spectra.push_back(spectrumOf(spec, signal, w));
        if (!flat.fourier.empty()) {
            std::vector<std::string> warnings; // reported when the simulator read the same options
            const SimOptions options = parseOptions(flat.options, flat.textOptions, warnings, &flat.optionOrigins);
            for (const auto& spec : flat.fourier)
                for (const auto& signal : spec.signals) w.fourier.push_back(fourierOf(spec, signal, w, options));
        }
    }
    const auto waveforms = flat.options.find("waveforms"); // .options waveforms=0: the results only
    if (waveforms != flat.options.end() && waveforms->second == 0.0) {
        w.names.clear();
        w.re.clear();
        w.im.clear();
    }
}

namespace {
void addSignal(std::set<std::string>& out, const MeasureSignal& s) {
    out.insert(s.vector);
    if (!s.reference.empty()) out.insert(s.reference);
}
void addCondition(std::set<std::string>& out, const MeasureCondition& c) {
    if (!c.signal.vector.empty()) addSignal(out, c.signal);
    if (c.against) addSignal(out, *c.against);
}
// A .print item: "v(a,b)" reads v(a) and v(b); anything else names its vector ("vm(out)" -> "v(out)").
void addPrintItem(std::set<std::string>& out, const std::string& item) {
    const auto open = item.find('(');
    if (open == std::string::npos || item.back() != ')') {
        out.insert(item);
        return;
    }
    const std::string kind(1, item[0]), inner = item.substr(open + 1, item.size() - open - 2);
    const auto comma = inner.find(',');
    if (comma == std::string::npos) {
        out.insert(kind + "(" + inner + ")");
        return;
    }
    out.insert(kind + "(" + inner.substr(0, comma) + ")");
    out.insert(kind + "(" + inner.substr(comma + 1) + ")");
}
} // namespace

std::set<std::string> vectorsRead(const FlatCircuit& flat, const std::string& analysisType) {
    std::set<std::string> out;
    for (const auto& m : flat.measures) {
        if (m.analysis != analysisType) continue;
        if (!m.signal.vector.empty()) addSignal(out, m.signal);
        for (const auto* c : {&m.trig, &m.targ, &m.when}) addCondition(out, *c);
    }
    for (const auto& p : flat.prints)
        if (p.analysis == analysisType)
            for (const auto& item : p.items) addPrintItem(out, item);
    if (analysisType == "tran") {
        for (const auto& s : flat.spectra)
            for (const auto& signal : s.signals) addSignal(out, signal);
        for (const auto& f : flat.fourier)
            for (const auto& signal : f.signals) addSignal(out, signal);
    }
    return out;
}

} // namespace spinspice
