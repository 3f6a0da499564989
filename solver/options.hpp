// Simulator options (`.options key=value`), declared once: every option has its default, unit, range
// and description in one table, from which the options are parsed, `spinspice --describe options`
// prints and the README's options section is generated.
#pragma once

#include "devices/device.hpp"
#include "devices/params.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spinspice {

struct SimOptions {
    double reltol = 1e-3;
    double abstol = 1e-12; // A: current unknowns and KCL residuals
    double vntol = 1e-6;   // V: voltage unknowns and branch-equation residuals
    double chgtol = 1e-14; // C: charge floor of the truncation-error test
    double trtol = 7.0;    // truncation-error overestimate factor (SPICE)
    double gmin = 1e-12;   // S: conductance across every junction
    double temp = 27.0;    // degC
    double tnom = 27.0;    // degC
    int itl1 = 100;        // DC Newton iteration limit
    int itl4 = 10;         // transient Newton iteration limit per time point
    int maxord = 2;
    enum class Method { Trap, Gear } method = Method::Trap;
    // The real systems' solver: auto (PCG for a large DC system that reduces to a symmetric nodal
    // matrix carried by lines, UMFPACK for large fill, else KLU), klu, umfpack or pcg (DC systems).
    enum class LinearSolver { Auto, Klu, Umfpack, Pcg } linsolver = LinearSolver::Auto;
    int gminSteps = 10;           // gmin stepping: decades from gmin = 1e-2 down to gmin (0 disables)
    int srcSteps = 10;            // source stepping: initial number of steps (0 disables)
    bool residualCheck = true;    // require the KCL/branch residual to be small, not only the update
    bool pseudoTransient = true;  // last operating-point fall-back: pseudo-transient continuation
    double pivtol = 1e-13;        // absolute pivot threshold below which the matrix is called singular
    std::uint64_t seed = 1;       // key of every device's random stream (.options seed=, --seed)
    long maxPoints = 100'000'000; // accepted time points / sweep points per analysis
    double maxOutput = 2e9;       // bytes of waveform values held by one run (8 per value)
    bool interp = false;          // .tran output on the tstep grid only (linear interpolation), as ngspice
    bool autostop = false;        // a .tran ends once every .meas tran has its final value (HSPICE)
    bool latency = true;          // a linear transient without charges updates only what events and sources change
    bool waveforms = true;        // false: analyses keep only their .meas/.four/.spectrum results
    int fourierHarmonics = 10;    // .four: DC and harmonics 1 ... nfreqs - 1 (ngspice nfreqs)
    int fourierGrid = 200;        // .four: interpolation points over the last period (ngspice fourgridsize)

    // What devices may read.
    DeviceEnvironment environment() const { return {temp, tnom, gmin, seed}; }
};

// One row of the options table.
struct OptionSpec {
    ParamSpec spec;                        // name, default, unit, range, description
    std::vector<std::string> choices = {}; // a text option (method): its accepted values, else empty
};
const std::vector<OptionSpec>& optionTable();

// The options from `.options` values (numeric and text, keys lower-case). Unknown keys and ngspice-only
// ones produce warnings; bad values throw InputError.
// `origins` (optional) locates each key for the messages.
SimOptions parseOptions(const std::map<std::string, double>& numeric, const std::map<std::string, std::string>& text,
                        std::vector<std::string>& warnings,
                        const std::map<std::string, SourceOrigin>* origins = nullptr);

// The table as Markdown (for --describe options and the README).
std::string describeOptions();

} // namespace spinspice
