// `.meas` evaluation: pure functions over sampled waveforms, and the evaluation of a deck's MeasureSpecs
// on one analysis' Waveforms.
//
// Semantics follow ngspice 39 (frontend/com_measure2.c): values between accepted points are linearly
// interpolated, the sweep variable x is time, frequency or the dc sweep value, and AC quantities are
// real parts unless a part is asked for (vm vp vdb vr vi). The phase vp is in degrees, as in .print and
// current ngspice (ngspice 39 measures it in radians).
// Differences, chosen for exactness: FROM/TO windows are cut at interpolated end points for every
// function (ngspice does so only for RMS and INTEG); integrals (INTEG, AVG, RMS) use the trapezoid
// rule throughout (ngspice uses Simpson's rules on runs of equal steps); TD also delays AVG/RMS/MIN/
// MAX/PP/INTEG (ngspice 39 ignores it there); DERIV is implemented (ngspice 39 rejects it).
#pragma once

#include "analysis/results.hpp"
#include "netlist/measure_spec.hpp"

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spinspice::measure {

// A window [lo, hi] on the sweep variable (bounds may be infinite).
struct Window {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
};

// A position on a sampled waveform: interval k (between points k and k+1), fraction f in [0, 1].
// Any waveform sampled at the same points is evaluated there by linear interpolation.
struct Position {
    double x = 0; // the sweep value there
    std::size_t k = 0;
    double f = 0;
};

// The part of each interval that lies inside the window: interval k from fraction a to b (a <= b).
// A nested .dc sweep restarts its inner sweep; the interval that jumps back is skipped.
struct Span {
    std::size_t k;
    double a, b;
};
std::vector<Span> clip(const std::vector<double>& x, Window window);

// y linearly interpolated at position (k, f).
double interpolate(const std::vector<double>& y, std::size_t k, double f);

// The n-th (1-based) crossing of `level` by y of the given edge inside the window, or the last one
// (`last`). y rises when it reaches or passes `level` from below and falls when it reaches or passes
// it from above (a run of points exactly at the level counts once); a first point exactly at the level
// counts as above (as ngspice).
std::optional<Position> findCrossing(const std::vector<double>& x, const std::vector<double>& y, double level,
                                     MeasureCondition::Edge edge, int occurrence, bool last, Window window = {});

// The first position where x == at, or nullopt outside the sweep.
std::optional<Position> locate(const std::vector<double>& x, double at);

// Trapezoid-rule integral of y dx over the window, x increasing (a downward dc sweep gives the same
// value as an upward one); nullopt when no part of the sweep is inside.
std::optional<double> integral(const std::vector<double>& x, const std::vector<double>& y, Window window = {});
// Integral / window length; nullopt also for a window of zero length.
std::optional<double> average(const std::vector<double>& x, const std::vector<double>& y, Window window = {});
// sqrt(trapezoid integral of y^2 / window length), as ngspice (the squares of the samples are integrated).
std::optional<double> rms(const std::vector<double>& x, const std::vector<double>& y, Window window = {});
std::optional<double> minimum(const std::vector<double>& x, const std::vector<double>& y, Window window = {});
std::optional<double> maximum(const std::vector<double>& x, const std::vector<double>& y, Window window = {});

// dy/dx at a position: second-order three-point differences at the samples (one-sided at the ends),
// linearly interpolated in between.
double derivative(const std::vector<double>& x, const std::vector<double>& y, const Position& at);

// Every `.meas` of the analysis type of `w` (w.type), in deck order. A measurement that cannot be
// taken (condition never met, AT outside the sweep, the analysis failed, ...) carries an error
// instead of a value. PARAM expressions see the earlier results and `params` (top-level .param).
// The values of a measured quantity over w's sweep (v(a,b) differences and ac parts applied); throws
// std::runtime_error when a vector is missing.
std::vector<double> signalValues(const Waveforms& w, const MeasureSignal& s);

// `.options autostop`: the sweep value after which more points can no longer change the result of
// `spec` on waveforms that continue `w` (the crossing of a WHEN/TRIG/TARG found so far, AT=, TO=);
// nullopt while it is not known yet, and for results that depend on the whole run (AVG without TO=,
// CROSS=LAST, PARAM: those follow the others).
std::optional<double> settledAfter(const MeasureSpec& spec, const Waveforms& w);

std::vector<Measurement> evaluateMeasurements(const std::vector<MeasureSpec>& specs, const Waveforms& w,
                                              const std::map<std::string, double>& params);

} // namespace spinspice::measure
