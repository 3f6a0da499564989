// Transient analysis: trapezoidal (default) or Gear-2, backward Euler after breakpoints, charge-based
// integration of f(x) + dq/dt = 0, SPICE local-truncation-error step control on the charges (trtol),
// breakpoints from the devices' events (source corners, p-bit updates, predicted flips) through one
// event queue, per-device step bounds, Newton failure -> step / 8 and order 1, "timestep too small"
// below delmin with a report of the last steps.
#pragma once

#include "devices/device.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace spinspice {

class NewtonSolver;

// One attempted time point, for a caller-owned trace (SPINSPICE_TRACE in the CLI).
struct StepTrace {
    double time, step;
    int iterations;
    const char* outcome; // "accepted", "no convergence", "singular matrix", "truncation error", ...
    std::string worst;   // the unknown with the largest update or truncation error, "v(out)"
    int order;
};

struct TransientSetup {
    double tstep = 0, tstop = 0, tstart = 0, tmax = 0; // tmax 0: min(tstep, (tstop - tstart) / 50)
    bool uic = false;
    const std::vector<std::pair<int, double>>* ic = nullptr;       // .ic node values
    const std::vector<std::pair<int, double>>* nodesets = nullptr; // .nodeset
    // Called for t = 0 and every accepted time point with t >= tstart.
    std::function<void(double time, const std::vector<double>& x)> output;
    // Optional, before each attempted step from the accepted point (time, x) to tNext: an output that
    // interpolates between points copies x only when tNext passes its next instant.
    std::function<void(double time, double tNext, const std::vector<double>& x)> beforeStep;
    std::function<void(double fraction)> progress; // optional, called every few hundred steps
    std::function<void(const StepTrace&)> trace;   // optional, every attempted step
    const std::atomic<bool>* stop = nullptr;       // optional: set by the caller to stop (Ctrl-C)
    // Optional, at every accepted point after `output`: true ends the run there, normally (autostop).
    std::function<bool(double time)> done;
    long maxPoints = 100'000'000; // accepted time points allowed (.options maxpoints, and what maxoutput leaves)
    std::string maxPointsReason = ".options maxpoints"; // which limit maxPoints comes from, for the messages
};

struct TransientCounters {
    long accepted = 0, rejected = 0;
    std::vector<std::string> warnings;
};

// Runs the transient. Throws SimulationError ("timestep too small ...", more than maxPoints points) on
// failure and Interrupted when `stop` is set; everything accepted before was already passed to
// `output`, and `counters` holds the counts so far.
void runTransient(NewtonSolver& newton, const TransientSetup& setup, TransientCounters& counters);

} // namespace spinspice
