// `.tones`: the multi-tone steady state (devices/tones.hpp). The circuit's DC operating point and one
// phasor per tone at every unknown, found by a fixed-point iteration:
//   1. DC solve with every tone device averaged (SIN sources at their offset, oscillators at their mean
//      resistance) plus the DC each device rectified from the last tones;
//   2. the tones present at that point (the SIN sources' frequencies, the oscillators' emission
//      frequencies from their DC currents), each a small-signal solve at the DC point driven by the
//      devices that drive or emit it;
//   3. each device's rectified DC from its tone phasors;
// until the rectified DC values and the DC solution stop changing (tol, V). Tones closer than 1e-12
// relative are one tone (their drives add coherently).
// Neglected (the transient has them): injection locking of oscillators by tones near their frequency
// and between oscillators, intermodulation and harmonics, any rectification but the devices' own
// (diodes, mtj, MOSFETs are linearised at the DC point), and the transient's noise.
#include "analysis/operating_point.hpp"
#include "analysis/simulator.hpp"
#include "solver/ac_system.hpp"
#include "solver/newton.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace spinspice {
namespace {

std::vector<double> distinctTones(std::vector<double> freqs) {
    std::sort(freqs.begin(), freqs.end());
    std::vector<double> out;
    for (double f : freqs)
        if (f > 0 && (out.empty() || !sameTone(f, out.back()))) out.push_back(f);
    return out;
}

// The largest change of the DC unknowns, in tolerances (reltol |x| + the unknown's absolute one).
double dcChange(const NewtonSolver& newton, const std::vector<double>& a, const std::vector<double>& b) {
    double worst = 0;
    for (std::size_t i = 1; i < a.size(); ++i) {
        const double tol =
            1e-6 * std::max(std::fabs(a[i]), std::fabs(b[i])) + newton.absoluteTolerance(static_cast<int>(i));
        worst = std::max(worst, std::fabs(a[i] - b[i]) / tol);
    }
    return worst;
}

// A weighted sum of a small-signal matrix or right-hand side (fixed pseudo-random weights in [1, 2)):
// equal within 1e-14 of its scale, the two are taken as equal.
struct Fingerprint {
    std::complex<double> sum;
    double scale = -1;
    bool same(const Fingerprint& o) const {
        return o.scale >= 0 && std::abs(sum - o.sum) <= 1e-14 * std::max(scale, o.scale);
    }
};

class Fingerprinter {
public:
    explicit Fingerprinter(std::size_t size) : weights_(size) {
        std::uint64_t state = 0x9E3779B97F4A7C15ull;
        for (double& w : weights_) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            w = 1.0 + static_cast<double>(state >> 11) * 0x1.0p-53;
        }
    }
    // `values` no longer than the size given
    Fingerprint operator()(const std::vector<std::complex<double>>& values) const {
        double re = 0, im = 0, scale = 0;
        for (std::size_t k = 0; k < values.size(); ++k) {
            const double w = weights_[k];
            re += w * values[k].real();
            im += w * values[k].imag();
            scale += w * (std::fabs(values[k].real()) + std::fabs(values[k].imag()));
        }
        return {{re, im}, scale};
    }

private:
    std::vector<double> weights_;
};

} // namespace

Waveforms Simulator::runTones(const AnalysisSpec& spec) {
    const Selection sel = selection();
    partial_ = Waveforms{};
    partial_.type = "tones";
    partial_.sweep = "frequency";
    partial_.complex = true;
    partial_.names.push_back("frequency");
    partial_.names.insert(partial_.names.end(), sel.names.begin(), sel.names.end());
    partial_.re.resize(partial_.names.size());
    partial_.im.resize(partial_.names.size());

    std::vector<ToneDevice*> devices;
    for (const auto& d : circuit_->devices())
        if (ToneDevice* t = d->toneDevice()) devices.push_back(t);
    struct Averaged { // every tone device leaves the averaged state however the analysis ends
        std::vector<ToneDevice*>& devices;
        ~Averaged() {
            for (ToneDevice* t : devices) t->endTones();
        }
    } averaged{devices};
    for (ToneDevice* t : devices) t->beginTones();

    const std::size_t n1 = static_cast<std::size_t>(circuit_->size()) + 1;
    std::vector<double> x(n1, 0.0), previous;
    OperatingPointRequest req;
    req.nodesets = &nodeset_;
    solveOperatingPoint(*newton_, x, req);

    std::vector<double> freqs, previousFreqs;
    TonePhasors phasors; // at the unknowns the devices read and the selection writes
    {
        std::vector<int> kept(sel.unknowns.begin(), sel.unknowns.end());
        for (ToneDevice* t : devices) t->toneUnknowns(kept);
        phasors.select(n1, kept);
    }
    std::vector<std::complex<double>> drive;
    std::vector<Fingerprint> drivePrints;
    Fingerprint previousSystem{{0.0, 0.0}, -1.0};
    std::vector<std::complex<double>> a(static_cast<std::size_t>(circuit_->pattern().nnz()) + 1);
    AcSystem acSystem(circuit_->pattern(), newton_->linearSolver().stats, newton_->directOrdering());
    const Fingerprinter fingerprint(std::max(a.size(), n1));
    bool converged = false;
    int iteration = 0;
    for (; iteration < spec.toneIterations && !converged; ++iteration) {
        if (stopped_ && stopped_->load(std::memory_order_relaxed)) throw Interrupted(".tones interrupted");
        std::vector<double> listed;
        for (ToneDevice* t : devices) t->toneFrequencies(x.data(), listed);
        freqs = distinctTones(std::move(listed));
        EvalContext ctx;
        ctx.env = &circuit_->environment();
        newton_->evaluate(x, ctx, /*skipOwnAdmittance=*/true);
        // A tone whose matrix and drive are those of the last round (the DC moved only where the
        // small-signal system does not look, e.g. a chain's rectified output) keeps its phasors. The
        // matrices G + jwC + Y(w) of all tones are compared at once through two probes, the lowest and
        // the highest tone's: G and C are frequency-independent, and a device admittance Y(w, x) that
        // changed with the DC point changes there too (it is analytic in w).
        const bool sameTones = freqs == previousFreqs;
        Fingerprint system{{0.0, 0.0}, -1.0};
        if (!freqs.empty()) {
            assembleAc(2.0 * M_PI * freqs.front(), x, a);
            system = fingerprint(a);
            assembleAc(2.0 * M_PI * freqs.back(), x, a);
            const Fingerprint high = fingerprint(a);
            system.sum += 0.5 * high.sum;
            system.scale += 0.5 * high.scale;
        }
        const bool sameSystem = sameTones && system.same(previousSystem);
        previousSystem = system;
        phasors.resize(freqs.size()); // kept while the tones stay
        drivePrints.resize(freqs.size());
        for (std::size_t k = 0; k < freqs.size(); ++k) {
            drive.assign(n1, {0.0, 0.0}); // one buffer for every tone: no allocation per tone
            for (ToneDevice* t : devices) t->loadTone(freqs[k], x.data(), drive.data());
            const Fingerprint print = fingerprint(drive);
            if (sameSystem && print.same(drivePrints[k])) continue;
            drivePrints[k] = print;
            assembleAc(2.0 * M_PI * freqs[k], x, a);
            if (!acSystem.factor(a))
                throw SimulationError(".tones: the small-signal matrix is singular at f = " + std::to_string(freqs[k]) +
                                      " Hz at " + unknownLabel(*newton_, acSystem.singularColumn()));
            acSystem.solve(drive.data());
            phasors.store(k, drive.data());
        }
        previousFreqs = freqs;
        double rectifiedChange = 0;
        for (ToneDevice* t : devices) rectifiedChange = std::max(rectifiedChange, t->rectify(freqs, phasors, x.data()));
        previous = x;
        solveOperatingPoint(*newton_, x, req);
        converged = rectifiedChange <= spec.toneTolerance && dcChange(*newton_, previous, x) <= 1.0;
    }
    if (!converged)
        throw SimulationError(".tones: no self-consistent steady state after " + std::to_string(iteration) +
                              " iterations (raise maxiter=, or look for a feedback loop with gain above 1)");
    // Row 0: the DC point (frequency 0); then one row per tone (peak phasors) at the DC point the last
    // tones were solved at (within tol of the final one).
    auto row = [&](double f, auto value) {
        partial_.re[0].push_back(f);
        partial_.im[0].push_back(0.0);
        for (std::size_t k = 0; k < sel.unknowns.size(); ++k) {
            const std::complex<double> v = value(sel.unknowns[k]);
            partial_.re[k + 1].push_back(v.real());
            partial_.im[k + 1].push_back(v.imag());
        }
    };
    row(0.0, [&](int u) { return std::complex<double>(x[static_cast<std::size_t>(u)], 0.0); });
    for (std::size_t k = 0; k < freqs.size(); ++k) row(freqs[k], [&](int u) { return phasors(k, u); });
    partial_.stats.accepted = static_cast<long>(freqs.size()) + 1;
    return std::move(partial_);
}

} // namespace spinspice
