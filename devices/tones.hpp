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
#include <vector>

namespace spinspice {

// Two frequencies closer than 1e-12 relative are one tone (the analysis merges them; a device that
// drives or emits a frequency must find it among the merged ones with this test, not with ==).
inline bool sameTone(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)); }

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
    // From the solved phasors (phasors[k][unknown] at freqs[k]), the DC the device rectifies, used by the
    // next DC solve. Returns the change of that DC value (V) since the last call.
    virtual double rectify(const std::vector<double>& /*freqs*/,
                           const std::vector<std::vector<std::complex<double>>>& /*phasors*/, const double* /*x*/) {
        return 0.0;
    }
};

} // namespace spinspice
