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
    if (w.type != "tran" || w.points() < 2) return;
    for (const auto& spec : flat.spectra)
        for (const auto& signal : spec.signals) w.spectra.push_back(spectrumOf(spec, signal, w));
    if (flat.fourier.empty()) return;
    std::vector<std::string> warnings; // reported when the simulator read the same options
    const SimOptions options = parseOptions(flat.options, flat.textOptions, warnings, &flat.optionOrigins);
    for (const auto& spec : flat.fourier)
        for (const auto& signal : spec.signals) w.fourier.push_back(fourierOf(spec, signal, w, options));
}

} // namespace spinspice
