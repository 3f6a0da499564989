// `.meas` and `.step` cards after elaboration (part of FlatCircuit). Evaluation is in analysis/measure.hpp;
// the step loop in analysis/run_netlist.cpp.
#pragma once

#include "core/diagnostics.hpp"

#include <optional>
#include <string>
#include <vector>

namespace spinspice {

// A quantity a measurement reads: v(node), v(n1,n2) or i(source); in `.meas ac` also one part of the
// complex value (vm vp vdb vr vi, im ip idb ir ii).
struct MeasureSignal {
    enum class Part { Real, Imag, Magnitude, Phase, Decibel }; // Phase in degrees (as .print)
    std::string vector;    // saved vector name: "v(out)", "i(v1)" (flat, lower-case)
    std::string reference; // v(n1,n2): "v(n2)", subtracted before taking the part; else empty
    Part part = Part::Real;
    std::string text; // as written, lower-case ("vdb(out)"), for messages
};

// When a signal crosses a value (or another signal): TRIG, TARG, WHEN. `at` replaces the crossing by a
// fixed sweep value (TRIG AT=t).
struct MeasureCondition {
    enum class Edge { Cross, Rise, Fall };
    MeasureSignal signal;
    std::optional<MeasureSignal> against; // WHEN v(a)=v(b): the signal on the right
    double value = 0;                     // VAL= / the right-hand side of WHEN x=value
    Edge edge = Edge::Cross;
    int occurrence = 1; // 1-based count of the chosen edge
    bool last = false;  // RISE=LAST, FALL=LAST, CROSS=LAST
    std::optional<double> at;
    double td = 0;                  // crossings before this time are ignored (tran)
    std::optional<double> from, to; // window on the sweep variable
};

struct MeasureSpec {
    enum class Kind {
        TrigTarg,
        When,
        FindWhen,
        FindAt,
        DerivWhen,
        DerivAt,
        Avg,
        Rms,
        Min,
        Max,
        Pp,
        Integ,
        Param,
        PeakFrequency,
        Linewidth // of the power spectral density (tran; analysis/spectrum.hpp)
    };
    std::string analysis; // "tran", "dc" or "ac"
    std::string name;     // lower-case
    Kind kind = Kind::Avg;
    MeasureSignal signal;              // FIND, DERIV, AVG, RMS, MIN, MAX, PP, INTEG
    MeasureCondition trig, targ, when; // TRIG/TARG; WHEN (also for FIND/DERIV ... WHEN)
    double at = 0;                     // FIND/DERIV ... AT=
    double td = 0;                     // AVG ... TD= (tran): the window starts no earlier
    std::optional<double> from, to;    // AVG ... FROM= TO=
    std::string expression;            // PARAM='expr': earlier measurements and top-level .params
    SourceLoc loc;
    std::string lineText;
};

// `.spectrum out ... [from=] [to=] [segments=] [points=] [window=hann|rect]`: the power spectral
// densities of transient signals (analysis/spectrum.hpp), written to the JSON results.
struct SpectrumSpec {
    std::vector<MeasureSignal> signals;
    std::optional<double> from, to;
    long points = 0;
    int segments = 8;
    bool rectangular = false;
    SourceLoc loc;
};

// `.four freq out ...`: ngspice's Fourier analysis of the last period of a transient.
struct FourierSpec {
    double frequency = 0; // Hz: the fundamental
    std::vector<MeasureSignal> signals;
    SourceLoc loc;
};

// `.step [param] NAME ...` / `.step temp ...`: the values the deck is re-elaborated with.
struct StepSpec {
    std::string param; // lower-case top-level .param name, or "temp" for the circuit temperature
    bool temperature = false;
    std::vector<double> values;
    SourceLoc loc;
};

} // namespace spinspice
