#include "analysis/operating_point.hpp"

#include "analysis/relaxation.hpp"
#include "solver/newton.hpp"

#include <algorithm>
#include <cmath>

namespace spinspice {

std::string unknownLabel(const NewtonSolver& newton, int unknown) {
    const auto& circuit = newton.circuit();
    if (unknown <= 0 || unknown > circuit.size()) return "(unknown)";
    return circuit.unknowns()[static_cast<std::size_t>(unknown)].label();
}

namespace {
// One homotopy's attempt from `start`: success leaves the solution in x; `worst` keeps the last failure.
struct Homotopy {
    NewtonSolver& newton;
    const EvalContext& ctx;
    const Augmentation& aug;
    const std::vector<double>& start;
    const SimOptions& opt;
    NewtonResult worst;

    bool newtonAt(std::vector<double>& x, const EvalContext& c, const Augmentation& a) {
        const NewtonResult r = newton.solve(x, c, opt.itl1, 0.0, nullptr, a);
        if (!r.converged) worst = r;
        return r.converged;
    }

    // Dynamic gmin stepping (ngspice cktop.c dynamic_gmin): start with 1e-2 S from every node to
    // ground, reduce by `factor` after each success, back off with factor^(1/4) after a failure.
    bool gminStepping(std::vector<double>& x) {
        x = start;
        double factor = 10.0, gmin = 1e-2, lastGood = 0.0;
        std::vector<double> xGood = x;
        EvalContext g = ctx;
        for (int guard = 0; guard < 200; ++guard) {
            Augmentation ga = aug;
            ga.diagGmin = gmin;
            const bool ok = newtonAt(x, g, ga);
            g.initJunctions = false;
            if (ok) {
                xGood = x;
                lastGood = gmin;
                if (gmin <= opt.gmin) return newtonAt(x, g, aug); // final solve without the shunt
                factor = std::min(factor * std::sqrt(factor), 10.0);
                gmin = std::max(gmin / factor, opt.gmin * 0.999);
            } else {
                x = xGood;
                if (lastGood == 0.0) { // not even the first shunt converged
                    gmin *= 10.0;
                    if (gmin > 1.0) return false;
                    continue;
                }
                factor = std::sqrt(std::sqrt(factor));
                if (factor < 1.00005) return false;
                gmin = lastGood / factor;
            }
        }
        return false;
    }

    // Source stepping (Gillespie-like adaptive ramp of every independent source from 0 to 1).
    bool sourceStepping(std::vector<double>& x) {
        x = start;
        EvalContext s = ctx;
        s.sourceScale = 0.0;
        bool ok = newtonAt(x, s, aug);
        if (!ok) {
            Augmentation ga = aug;
            ga.diagGmin = 1e-2; // a zero-source circuit that still fails: help it once
            ok = newtonAt(x, s, ga) && newtonAt(x, s, aug);
        }
        if (!ok) return false;
        s.initJunctions = false;
        double factor = 0.0, step = 1.0 / opt.srcSteps;
        std::vector<double> xGood = x;
        while (factor < 1.0) {
            const double next = std::min(1.0, factor + step);
            s.sourceScale = next;
            if (newtonAt(x, s, aug)) {
                factor = next;
                xGood = x;
                step *= 1.5;
            } else {
                x = xGood;
                step /= 4.0;
                if (step < 1e-7) return false;
            }
        }
        return true;
    }

    // Pseudo-transient continuation: march x' = -f(x)/C with backward Euler (a fictitious 1 nF per
    // node, as a capacitor to its previous value) while growing the pseudo step; once the step is huge
    // the fictitious current vanishes and a final plain Newton confirms the operating point.
    bool pseudoTransient(std::vector<double>& x) {
        x = start;
        EvalContext p = ctx;
        p.initJunctions = false; // the fictitious capacitances hold every node near its start value
        constexpr double kPseudoCapacitance = 1e-9;
        double h = 1e-9;
        std::vector<double> previous = x;
        Augmentation pa = aug;
        pa.pseudoPrevious = &previous;
        for (int step = 0; step < 2000 && h < 1e6; ++step) {
            pa.pseudoConductance = kPseudoCapacitance / h;
            if (newtonAt(x, p, pa)) {
                previous = x;
                h *= 2.0;
            } else {
                x = previous;
                h /= 8.0;
                if (h < 1e-18) return false;
            }
        }
        return h >= 1e6 && newtonAt(x, p, aug);
    }
};

// The SPICE operating point with every state held: Newton, gmin stepping, source stepping,
// pseudo-transient continuation. Throws SimulationError naming the worst unknown when all fail.
void solveHeldOperatingPoint(NewtonSolver& newton, std::vector<double>& x, const OperatingPointRequest& request,
                             EvalContext ctx, const Augmentation& aug) {
    const SimOptions& opt = newton.circuit().options();
    const std::vector<double> start = x;
    Homotopy homotopy{newton, ctx, aug, start, opt, {}};

    // 0. Nodesets: a first solve with the nodeset values held, then released.
    if (request.nodesets && !request.nodesets->empty()) {
        std::vector<std::pair<int, double>> held = *request.nodesets;
        if (request.forced) held.insert(held.end(), request.forced->begin(), request.forced->end());
        Augmentation hold = aug;
        hold.forced = &held;
        if (homotopy.newtonAt(x, ctx, hold))
            ctx.initJunctions = false;
        else
            x = start;
    }
    if (homotopy.newtonAt(x, ctx, aug)) return;
    if (opt.gminSteps > 0 && homotopy.gminStepping(x)) return;
    if (opt.srcSteps > 0 && homotopy.sourceStepping(x)) return;
    if (opt.pseudoTransient && homotopy.pseudoTransient(x)) return;

    x = start;
    std::string tried = "Newton";
    if (opt.gminSteps > 0) tried += ", gmin stepping";
    if (opt.srcSteps > 0) tried += ", source stepping";
    if (opt.pseudoTransient) tried += ", pseudo-transient continuation";
    const NewtonResult& worst = homotopy.worst;
    std::string where = worst.worstUnknown > 0 ? unknownLabel(newton, worst.worstUnknown) : "(none)";
    if (worst.singular)
        throw SimulationError("operating point: the matrix is singular at " + where + " (" + tried +
                              " failed); check that every node has a "
                              "DC path to ground and no source drives an ideal short");
    throw SimulationError("operating point did not converge (" + tried + " failed); the largest update was at " +
                          where + ". Try .nodeset near the expected solution, or .options itl1=500");
}

} // namespace

void solveOperatingPoint(NewtonSolver& newton, std::vector<double>& x, const OperatingPointRequest& request) {
    EvalContext ctx;
    ctx.dcSources = request.dcSources;
    ctx.env = &newton.circuit().environment();
    ctx.initJunctions = !request.warmStart;
    Augmentation aug;
    aug.forced = request.forced;
    const bool relax = newton.circuit().hasRelaxedStates();
    aug.holdRelaxed = relax; // first the operating point with every state held
    solveHeldOperatingPoint(newton, x, request, ctx, aug);
    if (!relax) return;
    ctx.initJunctions = false;
    relaxStates(newton, x, ctx, aug);
}

} // namespace spinspice
