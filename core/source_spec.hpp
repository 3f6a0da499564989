// Independent-source description shared by the netlist (which fills it) and the source devices.
#pragma once

#include <vector>

namespace spinspice {

// Transient waveform of an independent source. args are exactly the numbers written in the netlist
// (missing trailing arguments are NOT filled in here: the source device applies SPICE defaults that
// depend on tstep/tstop).
struct Waveform {
    enum class Kind { None, Pulse, Sin, Pwl, Exp };
    Kind kind = Kind::None;
    std::vector<double> args; // PULSE: v1 v2 td tr tf pw per; SIN: vo va freq td theta phase;
                              // EXP: v1 v2 td1 tau1 td2 tau2; PWL: t1 v1 t2 v2 ...
};

struct SourceSpec {
    double dc = 0.0;         // DC value (also the value used by .op/.dc when a waveform is given
    bool dcGiven = false;    //   without DC: then the waveform's value at t = 0 is used)
    double acMag = 0.0;      // AC magnitude; 0 = no AC excitation
    double acPhaseDeg = 0.0; // AC phase in degrees
    Waveform tran;
};

} // namespace spinspice
