// The device contract. Every element speaks one equation,
//     f(x, t) + d/dt q(x) = 0,
// and returns f, q, df/dx and dq/dx (Xyce's F/Q form). Analyses combine them: OP uses f, transient
// uses f + a0 q + history with Jacobian df/dx + a0 dq/dx, AC uses G + jwC (or the device's own
// admittance). No device knows which analysis runs: what differs between DC and transient is declared
// by the device (traits, the DC behaviour of its states, the step hooks it asks for) and applied by the
// analysis.
//
// Lifecycle (VACASK-like): setup -> resolve -> declare -> bind, then per analysis restart(), per
// Newton iteration eval(), and on the transient's time axis beginTransient(), accept(), event(),
// eventTime(), projectState() for the devices that asked for them in setup().
#pragma once

#include "core/diagnostics.hpp"
#include "devices/pattern.hpp"
#include "devices/tones.hpp"

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

// What an internal state does in DC analyses (.op, .dc, and the operating points of .ac and .tran).
enum class DcBehaviour : std::uint8_t {
    Held,    // held at its initial value (memory states: mtj, dwmtj; dcrelax=0)
    Relaxed, // relaxed to the stable equilibrium nearest its initial value (dcrelax=1)
    // Its own equation f = 0 is its DC value, solved with the circuit like a node voltage: algebraic
    // outputs and the states of stable linear filters (no relaxation march, no stability test).
    Solved,
};

// Circuit conditions a device may read: not solver settings.
struct DeviceEnvironment {
    double temp = 27.0;     // degC: circuit temperature (an instance `temp=` overrides it)
    double tnom = 27.0;     // degC: parameter measurement temperature
    double gmin = 1e-12;    // S: conductance across every junction
    std::uint64_t seed = 1; // key of every random stream
};

// ---- traits: declared by every device, no defaults -------------------------------------------------
// A device that forgot one does not compile (Device::traits() is pure and DeviceTraits has no default
// constructor); `spinspice --check-device` verifies the declarations against the device's equations.
enum class Linearity : std::uint8_t { Linear, Nonlinear };
// Chord iterations reuse the previous factorisation: safe for a Jacobian that changes little within a
// step (a macrospin), unsafe for sharp nonlinearities (junctions, MOSFETs), whose chord error, though
// within tolerance, accumulates in oscillators.
enum class Chord : std::uint8_t { Unsafe, Safe };
enum class Charge : std::uint8_t { None, Present }; // any q / dq/dx at all
enum class Randomness : std::uint8_t { Deterministic, Stochastic };

struct DeviceTraits {
    constexpr DeviceTraits(Linearity l, Chord c, Charge q, Randomness r)
        : linearity(l), chord(c), charge(q), randomness(r) {}
    Linearity linearity;
    Chord chord;
    Charge charge;
    Randomness randomness;
    bool linear() const { return linearity == Linearity::Linear; }
};

// ---- evaluation -------------------------------------------------------------------------------------
// Everything a device may read during eval.
struct EvalContext {
    const double* x = nullptr; // the iterate; x[0] is ground (always 0)
    double time = 0.0;         // s: time of the solution (0 in DC analyses and at a transient's start)
    // Independent sources take their DC value (.op, .dc, .ac) rather than their waveform at `time`
    // (a transient and its operating point), as ngspice does.
    bool dcSources = true;
    double sourceScale = 1.0; // source stepping scales independent sources
    bool noise = false;       // random forcing (thermal fields) is on: transient time points only
    // A steady-state solve (d/dt = 0: .op, .dc, the operating points of .ac and .tran), as opposed to a
    // time point of a transient. Devices integrated in a rotating frame (stno, sdiode) average their
    // rotating terms to zero here; everything else ignores it.
    bool stationary = true;
    bool initJunctions = false;        // first OP iteration: junctions start at vcrit (0 if off)
    bool useInitialConditions = false; // .tran uic at t = 0: charges/fluxes from the ic= values
    // false on a chord iteration (the solver reuses the last factorisation): a device may then skip
    // its df/dx entries (jf), but must still load f, q and dq/dx. Devices that ignore it are correct.
    bool jacobianNeeded = true;
    const DeviceEnvironment* env = nullptr;
};

// Where a device writes. Arrays are indexed by unknown (row) or by the CSC offsets the device stored
// in bind(); row 0 and offset nnz are write-only sinks for the ground row/column.
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

class Device;

// ---- setup --------------------------------------------------------------------------------------------
// A device-internal state unknown.
struct StateSpec {
    std::string name;   // "<instance>.<state>": the output signal
    double abstol;      // > 0: its absolute tolerance (Newton update test and truncation error)
    double initial = 0; // its value in held DC analyses and at the start of a transient
    DcBehaviour dc = DcBehaviour::Held;
    // false for a state driven by noise (a thermal field): no smooth local truncation error, so the
    // device bounds the step instead (DeviceClock::limitStep).
    bool truncationControl = true;
    bool output = true;
};

// Handed to setup(): unknowns, and the step hooks the device takes part in.
class SetupContext {
public:
    virtual ~SetupContext() = default;
    virtual int node(const std::string& name) = 0;         // 0 for ground
    virtual int branch(const std::string& name) = 0;       // a branch current, written as i(name)
    virtual int internalNode(const std::string& name) = 0; // a voltage unknown not written by default
    virtual int state(const StateSpec& spec) = 0;          // "<instance>.<state>"
    virtual const DeviceEnvironment& environment() const = 0;
    // Step hooks (nothing is called on a device that did not ask):
    virtual void acceptSteps() = 0;   // accept() after every accepted time point and DC sweep point
    virtual void locateEvents() = 0;  // eventTime() on every converged time step
    virtual void projectStates() = 0; // projectState() after every accepted time step
    virtual void ownAdmittance() = 0; // .ac uses admittance() instead of G + jwC from eval()
};

// Handed to resolve(): find the devices an element refers to (K -> inductors, F/H -> V sources).
class DeviceLookup {
public:
    virtual ~DeviceLookup() = default;
    virtual Device* find(const std::string& name) const = 0; // nullptr if absent
    virtual std::vector<std::string> names() const = 0;
    virtual int state(const std::string& name) const = 0; // a device state unknown ("n1.mz"), -1 if absent
    virtual std::vector<std::string> stateNames() const = 0;
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

// ---- the time axis ------------------------------------------------------------------------------------
// The transient owns one event queue and one step bound per device; a device writes its entries through
// its clock. Outside a transient (DC sweeps) the clock ignores them.
class StepScheduler {
public:
    virtual ~StepScheduler() = default;
    virtual void schedule(int slot, double time) = 0;
    virtual void limitStep(int slot, double maxStep) = 0;
};

class DeviceClock {
public:
    DeviceClock() = default;
    DeviceClock(StepScheduler* scheduler, int slot) : scheduler_(scheduler), slot_(slot) {}
    // This device's next event (a breakpoint the transient lands on, then event() is called); it
    // replaces the pending one. +inf: none.
    void scheduleEvent(double time) const {
        if (scheduler_) scheduler_->schedule(slot_, time);
    }
    // The largest time step this device tolerates from now on (+inf: no bound).
    void limitStep(double maxStep) const {
        if (scheduler_) scheduler_->limitStep(slot_, maxStep);
    }

private:
    StepScheduler* scheduler_ = nullptr;
    int slot_ = -1;
};

struct TransientWindow {
    double tstep = 0, tstop = 0; // SPICE waveform defaults depend on them
};

// An accepted solution: a transient time point, or a DC sweep point (step = 0).
struct AcceptContext {
    const double* x = nullptr;
    double time = 0; // s
    double step = 0; // s since the previous accepted point (0 at the first point and in DC sweeps)
    const DeviceEnvironment* env = nullptr;
};

// ---- the device -----------------------------------------------------------------------------------------
class Device {
public:
    Device(std::string name, SourceLoc loc) : name_(std::move(name)), loc_(std::move(loc)) {}
    virtual ~Device() = default;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const std::string& name() const { return name_; }
    const SourceLoc& loc() const { return loc_; }

    virtual DeviceTraits traits() const = 0;

    // 1. nodes, branch and internal unknowns, step hooks.
    virtual void setup(SetupContext& ctx) = 0;
    // 1b. references to other devices.
    virtual void resolve(const DeviceLookup&) {}
    // 2. the Jacobian entries this device will write (handles from PatternBuilder::entry).
    virtual void declare(PatternBuilder& pattern) = 0;
    // 3. turn the handles into CSC offsets (PatternBuilder::offset).
    virtual void bind(const PatternBuilder& pattern) = 0;
    // 4. per Newton iteration: f, q and their Jacobians at ctx.x. No allocation, no look-ups.
    virtual void eval(const EvalContext& ctx, LoadBuffers& out) = 0;
    // True when f and q are affine in x with Jacobians that never change, whatever the time (R, C, L,
    // K, E, F, G, H; not independent sources, whose f follows the time): in a linear circuit's
    // transient such devices are loaded once and then applied as f0 + Jf x, q0 + Jq x (NewtonSolver).
    virtual bool timeInvariant() const { return false; }
    // Latency (analysis/latency.hpp): in a linear transient without charges, x moves only by -A^{-1} Δf0
    // over the rows of f at x = 0 that changed. A device that is not timeInvariant() names the rows of
    // its f at x = 0 that can change in a transient (1-based, no ground) and when: Constant (never: a DC
    // source), AtEvents (only when its event() or accept() ran: a p-bit's held state), Continuous (with
    // the time: a source's waveform). Unknown (the default) keeps the transient on full solves.
    enum class Variation { Unknown, Constant, AtEvents, Continuous };
    virtual Variation rhsVariation(std::vector<int>& /*rows*/) const { return Variation::Unknown; }
    // A Linear device is linear between its events; most also keep their Jacobian for ever (Constant, the
    // default). One whose event() or accept() may change its df/dx (an sMTJ's telegraph conductance)
    // returns AtEvents and names the CSC offsets it may change: a linear circuit's kept factorisation is
    // then refactored when their values move (NewtonSolver), and latency updates just those entries.
    // Continuous or Unknown from a Linear device makes the circuit nonlinear.
    virtual Variation jacobianVariation(std::vector<int>& /*offsets*/) const { return Variation::Constant; }

    // An analysis starts: forget what earlier analyses accepted (hysteresis, charge histories).
    virtual void restart() {}
    // A transient starts (before its operating point): schedule the first event, bound the step.
    virtual void beginTransient(const TransientWindow&, DeviceClock&) {}
    // Devices that called acceptSteps(): an accepted solution; advance histories, reschedule.
    virtual void accept(const AcceptContext&, DeviceClock&) {}
    // The event this device scheduled was reached by an accepted time point.
    virtual void event(const AcceptContext&, DeviceClock&) {}
    // Latency: true when accept() may be skipped at accepted points where no unknown at this device's
    // terminals (topology()) moved and it did not act. What it does there is a constant-rate integral
    // (an sMTJ's hazard) that advanceTo(previous point) brings up to date before the next accept();
    // its event(), when due at a point where accept() was skipped, must do what accept() does.
    virtual bool acceptsLazily() const { return false; }
    virtual void advanceTo(double /*time*/) {}
    // Devices that called locateEvents(): with the converged solution of a step from previousTime to
    // ctx.time (ctx.x), before it is accepted. A device that sees an event inside the step (a switch
    // changing state) returns its estimated time; the step is then redone to end just after it, and the
    // integration restarts at order 1 as after a breakpoint. +inf: no event.
    virtual double eventTime(const EvalContext& /*ctx*/, double /*previousTime*/) const {
        return std::numeric_limits<double>::infinity();
    }
    // Devices that called projectStates(): after an accepted step. Small for a correction onto a
    // manifold (|m| = 1), Jump for a discontinuous change (a behavioural state flipping: the
    // integration restarts as after a breakpoint), Exact: Small, and the device also set the new
    // point's charges of the rows it changed (`charges`, indexed like x; may be null).
    enum class Projection { None, Exact, Small, Jump };
    virtual Projection projectState(double* /*x*/, double* /*charges*/) const { return Projection::None; }

    // Small-signal excitation (J x = rhs convention).
    virtual void loadAc(std::complex<double>* /*rhs*/) const {}
    // Devices that called ownAdmittance(): their small-signal admittance at angular frequency omega,
    // added at their own CSC offsets (`values` has nnz + 1 entries; the last is a sink).
    virtual void admittance(double /*omega*/, const double* /*x*/, std::complex<double>* /*values*/) const {}
    // .dc sweeps: independent sources accept a DC override; others return false.
    virtual bool setDcOverride(double /*value*/) { return false; }
    virtual void clearDcOverride() {}
    // DC connectivity for the topology checks.
    virtual void topology(TopologyBuilder&) const {}
    // The branch-current unknown this device defines (V, L, E, H, B with V=), or -1.
    virtual int branchUnknown() const { return -1; }
    // Its part in the multi-tone steady state (devices/tones.hpp), if it has one.
    virtual ToneDevice* toneDevice() { return nullptr; }

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
