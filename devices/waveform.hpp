// SPICE transient functions of independent sources (PULSE, SIN, EXP, PWL) with ngspice's defaults,
// and their corners (the breakpoints a transient lands on).
#pragma once

#include "core/diagnostics.hpp"
#include "core/source_spec.hpp"

#include <array>
#include <complex>
#include <string>
#include <vector>

namespace spinspice {

class SourceWaveform {
public:
    SourceWaveform() = default;
    // Validates the argument count (InputError naming `owner` at `loc`).
    SourceWaveform(const SourceSpec& spec, const std::string& owner, const SourceLoc& loc,
                   const std::string& lineText = {});
    // Fill the defaults that depend on the analysis; InputError when the shape is impossible (a PULSE
    // period shorter than the pulse).
    void prepare(double tstep, double tstop);
    double value(double t) const;
    double nextBreakpoint(double t) const; // the first corner strictly after t (+inf if none)
    bool present() const { return kind_ != Waveform::Kind::None; }
    // A SIN(vo va freq td theta phase) as a steady tone: its offset vo, frequency and phasor
    // va exp(j (phase - 2 pi freq td - pi/2)) (peak, Re[X exp(j w t)] = va sin(w (t - td) + phase));
    // the damping theta is not a steady state and is ignored. False for other shapes, a SIN without
    // its frequency or with va = 0.
    struct Tone {
        double offset = 0, frequency = 0;
        std::complex<double> phasor;
    };
    bool tone(Tone& out) const;

private:
    Waveform::Kind kind_ = Waveform::Kind::None;
    std::vector<double> given_; // as written
    std::array<double, 7> p_{}; // with defaults applied
    std::vector<double> pwlT_, pwlV_;
    std::string owner_; // for messages
    SourceLoc loc_;
    std::string lineText_;
};

} // namespace spinspice
