// What a device contributes to the multi-tone steady state (`.tones`, analysis/tones.cpp): the circuit's
// DC operating point together with one phasor per tone at every node, iterated to self-consistency.
//
// Phasors are peak amplitudes: x(t) = Re[X exp(j 2 pi f t)]. During the analysis the DC solve sees every
// device's time average (a SIN source its offset vo, an oscillator its mean resistance) plus the DC it
// rectifies from the tones through it; each tone is a small-signal (.ac) solve at the DC point driven
// by the devices that drive or emit that tone (with the devices' .ac admittances; an averaged device
// answers for its time average there too). Tones at different frequencies add their rectified DC
// (cross terms average out); mixing products and harmonics are neglected (the transient has them).
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

namespace spinspice {

// Two frequencies closer than 1e-12 relative are one tone (the analysis merges them; a device that
// drives or emits a frequency must find it among the merged ones with this test, not with ==).
inline bool sameTone(double a, double b) {
    return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

// The tones' phasors (peak) at the unknowns that the tone devices read and the analysis writes out,
// stored for those unknowns only: a network of 33 000 resonators under 384 tones would otherwise hold
// 384 x 200 000 phasors. Ground (unknown 0) reads as 0.
class TonePhasors {
public:
    // Keep the unknowns `kept` (1-based; repeats allowed) of a system of n1 = unknowns + 1 entries.
    void select(std::size_t n1, const std::vector<int>& kept) {
        slot_.assign(n1, -1);
        kept_.clear();
        for (int u : kept)
            if (u > 0 && slot_[static_cast<std::size_t>(u)] < 0) {
                slot_[static_cast<std::size_t>(u)] = static_cast<int>(kept_.size());
                kept_.push_back(u);
            }
    }
    void resize(std::size_t tones) { values_.resize(tones * kept_.size()); }
    std::size_t tones() const { return kept_.empty() ? 0 : values_.size() / kept_.size(); }
    // Store tone k's solution (1-based, size n1).
    void store(std::size_t tone, const std::complex<double>* solution) {
        std::complex<double>* row = values_.data() + tone * kept_.size();
        for (std::size_t j = 0; j < kept_.size(); ++j) row[j] = solution[kept_[j]];
    }
    // Tone k's phasor at `unknown`, which must be 0 or one of the kept unknowns.
    std::complex<double> operator()(std::size_t tone, int unknown) const {
        if (unknown == 0) return {0.0, 0.0};
        const int s = slot_[static_cast<std::size_t>(unknown)];
        if (s < 0) throw std::logic_error("TonePhasors: unknown " + std::to_string(unknown) + " was not kept");
        return values_[tone * kept_.size() + static_cast<std::size_t>(s)];
    }

private:
    std::vector<int> slot_, kept_;
    std::vector<std::complex<double>> values_;
};

class ToneDevice {
public:
    virtual ~ToneDevice() = default;
    // Entering and leaving the analysis: the device's DC becomes its time average plus its rectified DC.
    virtual void beginTones() {}
    virtual void endTones() {}
    // The frequencies the device drives (a SIN source) or emits (an oscillator above threshold) at the DC
    // point x.
    virtual void toneFrequencies(const double* /*x*/, std::vector<double>& /*out*/) const {}
    // Its excitation at `frequency` (Hz, one of the frequencies it listed), added to the right-hand side
    // of the small-signal system (a current into a node is +; a voltage source's branch row its EMF).
    virtual void loadTone(double /*frequency*/, const double* /*x*/, std::complex<double>* /*rhs*/) const {}
    // The unknowns whose phasors rectify() reads.
    virtual void toneUnknowns(std::vector<int>& /*out*/) const {}
    // From the solved phasors (phasors(k, unknown) at freqs[k]), the DC the device rectifies, used by the
    // next DC solve. Returns the change of that DC value (V) since the last call.
    virtual double rectify(const std::vector<double>& /*freqs*/, const TonePhasors& /*phasors*/, const double* /*x*/) {
        return 0.0;
    }
};

} // namespace spinspice
