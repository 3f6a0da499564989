// The device contract. Every element speaks one equation,
//     f(x, t) + d/dt q(x) = 0,
// and returns f, q, df/dx and dq/dx (Xyce's F/Q form). Analyses combine them: OP uses f, transient
// uses f + (a0) q + history with Jacobian df/dx + a0 dq/dx, AC uses G + jwC. No device knows which
// analysis runs. Lifecycle (VACASK-like): setup -> resolve -> declare -> bind -> eval* -> accept.
#pragma once

#include "core/diagnostics.hpp"

#include <complex>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace spinspice {

// What an unknown measures; each nature has its own absolute tolerances.
enum class Nature : std::uint8_t {
    Voltage, // node voltages (KCL rows), abstol vntol
    Current, // branch currents (branch-equation rows), abstol abstol
    State,   // device-internal states (magnetisation component, wall position, ...): their own abstol,
             // named "<instance>.<state>" in the output
};

enum class AnalysisMode : std::uint8_t {
    DcOp,    // .op and the operating point of .ac
    DcSweep, // a .dc sweep point
    TranOp,  // the operating point that starts a transient (sources at their t = 0 value)
    Tran,    // a transient time point
};

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
    int gminSteps = 10;          // gmin stepping: decades from gmin = 1e-2 down to gmin (0 disables)
    int srcSteps = 10;           // source stepping: initial number of steps (0 disables)
    bool residualCheck = true;   // require the KCL/branch residual to be small, not only the update
    bool pseudoTransient = true; // last operating-point fall-back: pseudo-transient continuation
    double pivtol = 1e-13;       // absolute pivot threshold below which the matrix is called singular
    std::uint64_t seed = 1;      // key of every device's random stream (.options seed=, --seed)
};

// Everything a device may read during eval.
struct EvalContext {
    const double* x = nullptr; // the iterate; x[0] is ground (always 0)
    double time = 0.0;
    AnalysisMode mode = AnalysisMode::DcOp;
    double sourceFactor = 1.0;         // source stepping scales independent sources
    bool initJunctions = false;        // first OP iteration: junctions start at vcrit (0 if off)
    bool useInitialConditions = false; // .tran uic at t = 0: charges/fluxes from the ic= values
    // false on a chord iteration (the solver reuses the last factorisation): a device may then skip
    // its df/dx entries (jf), but must still load f, q and dq/dx. Devices that ignore it are correct.
    bool jacobianNeeded = true;
    const SimOptions* options = nullptr;
};

// Where a device writes. Arrays are indexed by unknown (row) or by the CSC offsets the device stored
// in bind(); row 0 and offset `trash` are write-only sinks for the ground row/column.
struct LoadBuffers {
    double* f = nullptr;      // resistive residual, size n+1
    double* q = nullptr;      // charges/fluxes, size n+1
    double* fscale = nullptr; // per-row max |contribution|, for the relative residual test
    double* jf = nullptr;     // df/dx values (CSC order), size nnz+1
    double* jq = nullptr;     // dq/dx values (CSC order), size nnz+1
    int limited = 0;          // devices count the voltages they limited (pnjlim): not converged yet
};

inline void addF(LoadBuffers& lb, int row, double value) {
    lb.f[row] += value;
    const double a = value < 0 ? -value : value;
    if (a > lb.fscale[row]) lb.fscale[row] = a;
}
inline void addQ(LoadBuffers& lb, int row, double value) {
    lb.q[row] += value;
}

class PatternBuilder;
class Device;

// Handed to setup(): node and unknown allocation.
class SetupContext {
public:
    virtual ~SetupContext() = default;
    virtual int node(const std::string& name) = 0; // 0 for ground
    // A branch current, internal node or internal state. For Nature::State, `abstol` is the state's
    // absolute tolerance (update test and truncation error) and `initial` its initial value; name it
    // "<instance>.<state>". DC analyses (.op, .dc, the operating point of .tran and .ac) hold every
    // state at its initial value; transients start from it and integrate its f/q equation.
    virtual int addUnknown(const std::string& name, Nature nature, bool output, double abstol = 0.0,
                           double initial = 0.0) = 0;
    // A state driven by noise (a thermal field) has no smooth local truncation error: its step is
    // bounded by the device's maxStep() (the noise grid) instead of the truncation-error test.
    virtual void exemptFromTruncationControl(int /*unknown*/) {}
    virtual const SimOptions& options() const = 0;
};

// Handed to resolve(): find the devices an element refers to (K -> inductors, F/H -> V sources).
class DeviceLookup {
public:
    virtual ~DeviceLookup() = default;
    virtual Device* find(const std::string& name) const = 0; // nullptr if absent
    virtual std::vector<std::string> names() const = 0;
};

// Handed to topology(): DC connectivity for the floating-node and voltage-loop checks.
class TopologyBuilder {
public:
    virtual ~TopologyBuilder() = default;
    virtual void terminal(int node, const Device& d) = 0; // d touches node
    virtual void dcPath(int a, int b) = 0;                // conducts at DC between a and b
    // d fixes v(a) - v(b) (V, E, H; L only at DC: dcOnly). Loops of these make the matrix singular.
    virtual void voltageBranch(int a, int b, const Device& d, bool dcOnly = false) = 0;
};

class Device {
public:
    Device(std::string name, SourceLoc loc) : name_(std::move(name)), loc_(std::move(loc)) {}
    virtual ~Device() = default;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const std::string& name() const { return name_; }
    const SourceLoc& loc() const { return loc_; }

    // 1. nodes, branch and internal unknowns; validate parameters (throw InputError with loc()).
    virtual void setup(SetupContext& ctx) = 0;
    // 1b. references to other devices.
    virtual void resolve(const DeviceLookup&) {}
    // 2. the Jacobian entries this device will write (handles from PatternBuilder::entry).
    virtual void declare(PatternBuilder& pattern) = 0;
    // 3. turn the handles into CSC offsets (PatternBuilder::offset).
    virtual void bind(const PatternBuilder& pattern) = 0;
    // 4. per Newton iteration: f, q and their Jacobians at ctx.x. No allocation, no look-ups.
    virtual void eval(const EvalContext& ctx, LoadBuffers& out) = 0;
    // 5. an accepted solution (time point, sweep point): advance internal histories.
    virtual void accept(const EvalContext&) {}

    virtual bool isLinear() const { return true; }
    // A nonlinear device whose Jacobian changes little within a time step (a macrospin: smooth in m and
    // bias) may let Newton reuse the previous factorisation for a converging iteration (chord). Devices
    // with sharp nonlinearities (junctions, MOSFETs) must not: the chord's final error, though within
    // tolerance, is far larger than full Newton's and accumulates in oscillators.
    virtual bool allowsChordIterations() const { return false; }
    // Transient set-up: SPICE waveform defaults depend on tstep/tstop.
    virtual void prepareTransient(double /*tstep*/, double /*tstop*/) {}
    // The first waveform corner strictly after t (+inf if none).
    virtual double nextBreakpoint(double /*t*/) const { return std::numeric_limits<double>::infinity(); }
    // Largest time step this device tolerates (+inf if no limit).
    virtual double maxStep() const { return std::numeric_limits<double>::infinity(); }
    // Event location in transients: called with the converged solution of a step from previousTime to
    // ctx.time (ctx.x), before the step is accepted. A device that sees an event inside the step (a
    // switch changing state) returns its estimated time; the step is then redone to end just after it,
    // and the integration restarts at order 1 as after a breakpoint. +inf: no event.
    virtual double eventTime(const EvalContext& /*ctx*/, double /*previousTime*/) const {
        return std::numeric_limits<double>::infinity();
    }
    virtual bool hasEvents() const { return false; }
    // Projection of internal states after an accepted transient step: Small for a correction onto a
    // manifold (|m| = 1 for a macrospin integrated by the trapezoidal rule), Jump for a discontinuous
    // change (a behavioural state flipping): the integration then restarts as after a breakpoint.
    // Exact: a Small projection after which the device has also set the new point's charges of the
    // rows it changed (`charges`, indexed like x), so the circuit need not be evaluated again.
    enum class Projection { None, Exact, Small, Jump };
    virtual bool projectsState() const { return false; }
    virtual Projection projectState(double* /*x*/) const { return Projection::None; }
    virtual Projection projectState(double* x, double* /*charges*/) const { return projectState(x); }
    // Small-signal excitation (J x = rhs convention).
    virtual void loadAc(std::complex<double>* /*rhs*/) const {}
    // .dc sweeps: independent sources accept a DC override; others return false.
    virtual bool setDcOverride(double /*value*/) { return false; }
    virtual void clearDcOverride() {}
    // DC connectivity for the topology checks.
    virtual void topology(TopologyBuilder&) const {}
    // The branch-current unknown this device defines (V, L, E, H), or -1.
    virtual int branchUnknown() const { return -1; }

protected:
    std::string name_;
    SourceLoc loc_;
};

// Names of the devices that define a branch current (V, L, E, H, B with V=): candidates for "did
// you mean" when an element refers to a controlling source that does not exist.
inline std::vector<std::string> branchDeviceNames(const DeviceLookup& lookup) {
    std::vector<std::string> out;
    for (const auto& n : lookup.names())
        if (const Device* d = lookup.find(n); d && d->branchUnknown() >= 0) out.push_back(n);
    return out;
}

} // namespace spinspice
