#include "analysis/operating_point.hpp"

#include "solver/newton.hpp"

#include <cmath>

namespace spinspice {

std::string unknownLabel(const NewtonSolver& newton, int unknown) {
    auto& circuit = const_cast<NewtonSolver&>(newton).circuit();
    if (unknown <= 0 || unknown > circuit.size()) return "(unknown)";
    return circuit.unknowns()[static_cast<std::size_t>(unknown)].label();
}

namespace {
struct Attempt {
    bool ok = false;
    NewtonResult last;
};

Attempt newtonAt(NewtonSolver& newton, std::vector<double>& x, const EvalContext& ctx, int maxIter,
                 const Augmentation& aug) {
    Attempt a;
    a.last = newton.solve(x, ctx, maxIter, 0.0, nullptr, aug);
    a.ok = a.last.converged;
    return a;
}
} // namespace

void solveOperatingPoint(NewtonSolver& newton, std::vector<double>& x, const OperatingPointRequest& request) {
    const SimOptions& opt = newton.circuit().options();
    EvalContext ctx;
    ctx.mode = request.mode;
    ctx.options = &opt;
    ctx.initJunctions = !request.warmStart;
    Augmentation aug;
    aug.forced = request.forced;
    const std::vector<double> start = x;

    // 0. Nodesets: a first solve with the nodeset values held, then released.
    if (request.nodesets && !request.nodesets->empty()) {
        std::vector<std::pair<int, double>> held = *request.nodesets;
        if (request.forced) held.insert(held.end(), request.forced->begin(), request.forced->end());
        Augmentation hold = aug;
        hold.forced = &held;
        if (newtonAt(newton, x, ctx, opt.itl1, hold).ok)
            ctx.initJunctions = false;
        else
            x = start;
    }

    // 1. Plain Newton.
    Attempt plain = newtonAt(newton, x, ctx, opt.itl1, aug);
    if (plain.ok) return;
    NewtonResult worst = plain.last;

    // 2. Dynamic gmin stepping (ngspice cktop.c dynamic_gmin): start with 1e-2 S from every node to
    // ground, reduce by `factor` after each success, back off with factor^(1/4) after a failure.
    if (opt.gminSteps > 0) {
        x = start;
        double factor = 10.0;
        double gmin = 1e-2;
        double lastGood = 0.0;
        std::vector<double> xGood = x;
        EvalContext g = ctx;
        bool success = false;
        for (int guard = 0; guard < 200; ++guard) {
            Augmentation ga = aug;
            ga.diagGmin = gmin;
            Attempt a = newtonAt(newton, x, g, opt.itl1, ga);
            g.initJunctions = false;
            if (a.ok) {
                xGood = x;
                lastGood = gmin;
                if (gmin <= opt.gmin) {
                    // Final solve without the shunt.
                    if (newtonAt(newton, x, g, opt.itl1, aug).ok) success = true;
                    break;
                }
                factor = std::min(factor * std::sqrt(factor), 10.0);
                gmin = std::max(gmin / factor, opt.gmin * 0.999);
            } else {
                worst = a.last;
                x = xGood;
                if (lastGood == 0.0) { // not even the first shunt converged
                    gmin *= 10.0;
                    if (gmin > 1.0) break;
                    continue;
                }
                factor = std::sqrt(std::sqrt(factor));
                if (factor < 1.00005) break;
                gmin = lastGood / factor;
            }
        }
        if (success) return;
    }

    // 3. Source stepping (Gillespie-like adaptive ramp of every independent source from 0 to 1).
    if (opt.srcSteps > 0) {
        x = start;
        EvalContext s = ctx;
        s.sourceFactor = 0.0;
        Attempt a = newtonAt(newton, x, s, opt.itl1, aug);
        if (!a.ok) {
            Augmentation ga = aug;
            ga.diagGmin = 1e-2; // a zero-source circuit that still fails: help it once
            a = newtonAt(newton, x, s, opt.itl1, ga);
            if (a.ok) a = newtonAt(newton, x, s, opt.itl1, aug);
        }
        if (a.ok) {
            s.initJunctions = false;
            double factor = 0.0, step = 1.0 / opt.srcSteps;
            std::vector<double> xGood = x;
            while (factor < 1.0) {
                const double next = std::min(1.0, factor + step);
                s.sourceFactor = next;
                Attempt b = newtonAt(newton, x, s, opt.itl1, aug);
                if (b.ok) {
                    factor = next;
                    xGood = x;
                    step *= 1.5;
                } else {
                    worst = b.last;
                    x = xGood;
                    step /= 4.0;
                    if (step < 1e-7) break;
                }
            }
            if (factor >= 1.0) return;
        } else {
            worst = a.last;
        }
    }

    // 4. Pseudo-transient continuation: march x' = -f(x)/C with backward Euler (a fictitious 1 nF per
    // node, as a capacitor to its previous value) while growing the pseudo step; once the step is huge
    // the fictitious current vanishes and a final plain Newton confirms the operating point.
    if (opt.pseudoTransient) {
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
            Attempt a = newtonAt(newton, x, p, opt.itl1, pa);
            if (a.ok) {
                previous = x;
                h *= 2.0;
            } else {
                worst = a.last;
                x = previous;
                h /= 8.0;
                if (h < 1e-18) break;
            }
        }
        if (h >= 1e6 && newtonAt(newton, x, p, opt.itl1, aug).ok) return;
    }

    x = start;
    std::string tried = "Newton";
    if (opt.gminSteps > 0) tried += ", gmin stepping";
    if (opt.srcSteps > 0) tried += ", source stepping";
    if (opt.pseudoTransient) tried += ", pseudo-transient continuation";
    std::string where = worst.worstUnknown > 0 ? unknownLabel(newton, worst.worstUnknown) : "(none)";
    if (worst.singular)
        throw SimulationError("operating point: the matrix is singular at " + where + " (" + tried +
                              " failed); check that every node has a "
                              "DC path to ground and no source drives an ideal short");
    throw SimulationError("operating point did not converge (" + tried + " failed); the largest update was at " +
                          where + ". Try .nodeset near the expected solution, or .options itl1=500");
}

} // namespace spinspice
