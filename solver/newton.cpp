#include "solver/newton.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace spinspice {
namespace {
using Clock = std::chrono::steady_clock;
double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// The CSC entries whose row is in `rows` (1-based unknowns).
std::vector<int> offsetsInRows(const PatternBuilder& pattern, const std::vector<int>& rows, int n) {
    std::vector<char> in(static_cast<std::size_t>(n) + 1, 0);
    for (int r : rows) in[static_cast<std::size_t>(r)] = 1;
    std::vector<int> out;
    for (int k = 0; k < pattern.nnz(); ++k)
        if (in[static_cast<std::size_t>(pattern.rowIdx()[static_cast<std::size_t>(k)]) + 1]) out.push_back(k);
    return out;
}
} // namespace

NewtonSolver::NewtonSolver(Circuit& circuit, std::shared_ptr<SymbolicCache> symbolic) : circuit_(circuit) {
    n_ = circuit.size();
    nnz_ = circuit.pattern().nnz();
    const auto n1 = static_cast<std::size_t>(n_) + 1;
    const auto nz1 = static_cast<std::size_t>(nnz_) + 1;
    f_.assign(n1, 0.0);
    q_.assign(n1, 0.0);
    fscale_.assign(n1, 0.0);
    rhs_.assign(n1, 0.0);
    qFinal_.assign(n1, 0.0);
    jf_.assign(nz1, 0.0);
    jq_.assign(nz1, 0.0);
    jac_.assign(nz1, 0.0);
    klu_.pivotTolerance = circuit.options().pivtol;
    using L = SimOptions::LinearSolver;
    const L choice = circuit.options().linsolver;
    klu_.backend = choice == L::Klu       ? KluSolver::Backend::Klu
                   : choice == L::Umfpack ? KluSolver::Backend::Multifrontal
                                          : KluSolver::Backend::Auto;
    klu_.manyRefactors = !circuit.linear();
    klu_.useCache(std::move(symbolic));
    const auto& opt = circuit.options();
    xTol_.assign(n1, 0.0);
    rTol_.assign(n1, 0.0);
    for (std::size_t i = 1; i < n1; ++i) {
        const UnknownInfo& u = circuit.unknowns()[i];
        switch (u.nature) {
        case Nature::Voltage: // its row is a KCL sum of currents
            xTol_[i] = opt.vntol;
            rTol_[i] = opt.abstol;
            voltageRows_.push_back(static_cast<int>(i));
            break;
        case Nature::Current: // its row is a branch voltage law
            xTol_[i] = opt.abstol;
            rTol_[i] = opt.vntol;
            break;
        case Nature::State: // a rate equation: the update test decides
            xTol_[i] = u.abstol;
            rTol_[i] = std::numeric_limits<double>::infinity();
            if (u.dc == DcBehaviour::Held) heldRows_.push_back(static_cast<int>(i));
            if (u.dc == DcBehaviour::Relaxed) relaxedRows_.push_back(static_cast<int>(i));
            break;
        }
    }
    heldOffsets_ = offsetsInRows(circuit.pattern(), heldRows_, n_);
    relaxedOffsets_ = offsetsInRows(circuit.pattern(), relaxedRows_, n_);
    pcgForced_ = choice == L::Pcg;
    if (pcgForced_ || (choice == L::Auto && n_ >= kIterativeMinUnknowns)) pcgUsable_ = setUpIterative();
}

// DC systems by PCG (IterativeSolver) when they reduce to a symmetric nodal matrix: forced by
// linsolver=pcg, chosen by auto for >= kIterativeMinUnknowns free unknowns (a direct factorisation of a
// mesh-like matrix fills in: seconds and gigabytes at 10^6 unknowns). KLU's analysis waits until a
// system needs it (a transient, PCG failing, or any system when PCG does not apply).
bool NewtonSolver::setUpIterative() {
    using Kind = IterativeSolver::Kind;
    std::vector<Kind> kinds(static_cast<std::size_t>(n_) + 1, Kind::Other);
    for (std::size_t i = 1; i < kinds.size(); ++i) {
        const UnknownInfo& u = circuit_.unknowns()[i];
        kinds[i] = u.nature == Nature::Voltage                              ? Kind::Node
                   : u.nature == Nature::Current                            ? Kind::Current
                   : u.nature == Nature::State && u.dc == DcBehaviour::Held ? Kind::Held
                                                                            : Kind::Other;
    }
    if (!iterative_.analyze(circuit_.pattern(), kinds)) return false;
    return pcgForced_ || iterative_.freeUnknowns() >= kIterativeMinUnknowns;
}

void NewtonSolver::ensureDirect() {
    if (kluAnalyzed_) return;
    klu_.analyze(circuit_.pattern());
    kluAnalyzed_ = true;
}

bool NewtonSolver::jacobianReactive() const {
    if (!circuit_.hasCharge()) return false;
    return std::any_of(jq_.begin(), jq_.begin() + nnz_, [](double v) { return v != 0.0; });
}

bool NewtonSolver::lastEvaluationReactive() const {
    return jacobianLoaded_ ? jacobianReactive() : reusedJacobianReactive_;
}

// A linear circuit at a transient time point: the time-invariant devices (R, C, L, controlled
// sources) are not loaded again; their f and q are f0 + Jf x and q0 + Jq x, from one load at x = 0.
// The rest (sources) is loaded on top. The residual's row scales are not kept (a linear circuit
// has no residual test). Returns false when the circuit does not qualify.
bool NewtonSolver::evaluateAffine(const std::vector<double>& x, const EvalContext& ctx) {
    const auto& invariant = circuit_.invariantDevices();
    if (!circuit_.linear() || invariant.empty() || ctx.stationary || ctx.useInitialConditions) return false;
    const auto rows = static_cast<std::size_t>(n_) + 1, entries = static_cast<std::size_t>(nnz_) + 1;
    if (!invariantLoaded_) {
        f0Invariant_.assign(rows, 0.0);
        q0Invariant_.assign(rows, 0.0);
        jfInvariant_.assign(entries, 0.0);
        jqInvariant_.assign(entries, 0.0);
        std::vector<double> zero(rows, 0.0), scale(rows, 0.0);
        LoadBuffers lb{f0Invariant_.data(), q0Invariant_.data(), scale.data(),
                       jfInvariant_.data(), jqInvariant_.data(), 0};
        EvalContext at0 = ctx;
        at0.x = zero.data();
        Circuit::loadDevices(invariant, at0, lb);
        invariantLoaded_ = true;
    }
    std::copy(f0Invariant_.begin(), f0Invariant_.end(), f_.begin());
    std::copy(q0Invariant_.begin(), q0Invariant_.end(), q_.begin());
    std::copy(jfInvariant_.begin(), jfInvariant_.end(), jf_.begin());
    std::copy(jqInvariant_.begin(), jqInvariant_.end(), jq_.begin());
    std::fill(fscale_.begin(), fscale_.end(), 0.0);
    const auto& pattern = circuit_.pattern();
    cscMultiplyAdd(pattern, jfInvariant_.data(), x.data(), f_.data());
    cscMultiplyAdd(pattern, jqInvariant_.data(), x.data(), q_.data());
    LoadBuffers lb{f_.data(), q_.data(), fscale_.data(), jf_.data(), jq_.data(), 0};
    Circuit::loadDevices(circuit_.varyingDevices(), ctx, lb);
    lastLimited_ = lb.limited;
    stats.affineEvaluations++;
    return true;
}

void NewtonSolver::evaluate(const std::vector<double>& x, const EvalContext& context, bool skipOwnAdmittance) {
    // A chord evaluation after a full one: remember whether the Jacobian it reuses was reactive (the
    // transient's truncation-error control and order selection depend on it).
    if (!context.jacobianNeeded && jacobianLoaded_) reusedJacobianReactive_ = jacobianReactive();
    jacobianLoaded_ = context.jacobianNeeded;
    EvalContext ctx = context;
    ctx.x = x.data();
    if (!ctx.env) ctx.env = &circuit_.environment();
    const auto t0 = Clock::now();
    if (!skipOwnAdmittance && evaluateAffine(x, ctx)) {
        stats.timeEval += seconds(t0, Clock::now());
        return;
    }
    std::fill(f_.begin(), f_.end(), 0.0);
    std::fill(q_.begin(), q_.end(), 0.0);
    std::fill(fscale_.begin(), fscale_.end(), 0.0);
    if (ctx.jacobianNeeded) { // a chord evaluation needs none: not clearing saves two passes over nnz
        std::fill(jf_.begin(), jf_.end(), 0.0);
        std::fill(jq_.begin(), jq_.end(), 0.0);
    }
    LoadBuffers lb{f_.data(), q_.data(), fscale_.data(), jf_.data(), jq_.data(), 0};
    circuit_.load(ctx, lb, skipOwnAdmittance);
    stats.timeEval += seconds(t0, Clock::now());
    lastLimited_ = lb.limited;
}

// rhs = f + a0 q + hist. The reactive contributions a0 q and the history are part of the row's scale
// (as VACASK's residual check): the residual cannot be resolved below reltol of them.
void NewtonSolver::assembleResidual(double a0, const double* hist) {
    for (std::size_t i = 1; i <= static_cast<std::size_t>(n_); ++i) {
        double r = f_[i];
        if (a0 != 0.0) {
            const double aq = a0 * q_[i], h = hist ? hist[i] : 0.0;
            r += aq + h;
            fscale_[i] = std::max({fscale_[i], std::fabs(aq), std::fabs(h)});
        }
        rhs_[i] = r;
    }
}

void NewtonSolver::assembleJacobian(double a0, bool reuseLu) {
    if (reuseLu) return;
    if (a0 != 0.0)
        for (std::size_t k = 0; k < static_cast<std::size_t>(nnz_); ++k) jac_[k] = jf_[k] + a0 * jq_[k];
    else
        std::copy(jf_.begin(), jf_.begin() + nnz_, jac_.begin());
}

// Homotopies and forced values: gmin from every node to ground, pseudo-transient conductances to the
// previous point, .ic/.nodeset values held through 1/kForceConductance.
void NewtonSolver::applyAugmentation(const std::vector<double>& x, const Augmentation& aug, bool reuseLu) {
    const auto& pattern = circuit_.pattern();
    auto addDiagonal = [&](int i, double g, double target) {
        if (!reuseLu) jac_[static_cast<std::size_t>(pattern.diagonalOffset(i))] += g;
        rhs_[static_cast<std::size_t>(i)] += g * (x[static_cast<std::size_t>(i)] - target);
    };
    if (aug.diagGmin > 0.0)
        for (int i : voltageRows_) addDiagonal(i, aug.diagGmin, 0.0);
    if (aug.pseudoConductance > 0.0 && aug.pseudoPrevious)
        for (int i : voltageRows_)
            addDiagonal(i, aug.pseudoConductance, (*aug.pseudoPrevious)[static_cast<std::size_t>(i)]);
    if (aug.forced)
        for (const auto& [u, value] : *aug.forced) addDiagonal(u, kForceConductance, value);
}

// DC (a0 = 0): Held states get the row x - x0 = 0 (so do Relaxed ones with holdRelaxed); Relaxed ones
// keep f = 0, plus (q - q_previous)/h during a relaxation step.
void NewtonSolver::applyDcStates(const std::vector<double>& x, const Augmentation& aug, bool reuseLu) {
    const auto& pattern = circuit_.pattern();
    const auto& unknowns = circuit_.unknowns();
    auto hold = [&](const std::vector<int>& rows, const std::vector<int>& offsets) {
        if (!reuseLu)
            for (int k : offsets) jac_[static_cast<std::size_t>(k)] = 0.0;
        for (int i : rows) {
            const auto row = static_cast<std::size_t>(i);
            if (!reuseLu) jac_[static_cast<std::size_t>(pattern.diagonalOffset(i))] = 1.0;
            rhs_[row] = x[row] - unknowns[row].initial;
        }
    };
    hold(heldRows_, heldOffsets_);
    if (relaxedRows_.empty()) return;
    if (aug.holdRelaxed) {
        hold(relaxedRows_, relaxedOffsets_);
        return;
    }
    if (aug.relaxConductance > 0.0 && aug.relaxPrevious) {
        const double g = aug.relaxConductance;
        if (!reuseLu)
            for (int k : relaxedOffsets_) jac_[static_cast<std::size_t>(k)] += g * jq_[static_cast<std::size_t>(k)];
        for (int i : relaxedRows_) {
            const auto row = static_cast<std::size_t>(i);
            rhs_[row] += g * (q_[row] - (*aug.relaxPrevious)[row]);
        }
    }
}

// A row held by .ic/.nodeset forcing is exempt: it carries the forcing's round-off, kForceConductance
// times an ulp of its value (1e10 x 7e-18 = 7e-8 A at 0.05 V), above any current tolerance, so the
// operating point of a nonlinear circuit with a few .ic nodes never passed; the update test controls
// its value.
bool NewtonSolver::residualConverged(const Augmentation& aug) const {
    const auto& opt = circuit_.options();
    if (!opt.residualCheck || circuit_.linear()) return true;
    auto forced = [&](std::size_t i) {
        return aug.forced && std::any_of(aug.forced->begin(), aug.forced->end(),
                                         [&](const auto& f) { return static_cast<std::size_t>(f.first) == i; });
    };
    for (std::size_t i = 1; i <= static_cast<std::size_t>(n_); ++i)
        if (!(std::fabs(rhs_[i]) <= opt.reltol * fscale_[i] + rTol_[i]) && !forced(i)) return false;
    return true;
}

bool NewtonSolver::factorDirect(NewtonResult& result) {
    ensureDirect();
    pcgCurrent_ = false;
    const auto t0 = Clock::now();
    const bool ok = klu_.factor(jac_.data());
    stats.timeFactor += seconds(t0, Clock::now());
    if (!ok) {
        luValid_ = false;
        result.singular = true;
        result.worstUnknown = klu_.singularColumn();
    }
    return ok;
}

// The matrix goes to PCG when `iterative`: its numeric checks (symmetry, positive line pivots) and, for
// linsolver=auto, the lines' dominance decide; a refusal sends this and all later systems to KLU.
bool NewtonSolver::factorJacobian(NewtonResult& result, double a0, bool reactive, const Augmentation& aug,
                                  bool iterative) {
    bool prepared = false;
    if (iterative) {
        const auto t0 = Clock::now();
        prepared =
            iterative_.prepare(jac_.data()) && (pcgForced_ || iterative_.lineDominance() >= kIterativeMinDominance);
        stats.timeFactor += seconds(t0, Clock::now());
        if (!prepared) pcgUsable_ = false;
    }
    if (prepared)
        pcgCurrent_ = true;
    else if (!factorDirect(result))
        return false;
    // A linear circuit keeps these factors while nothing that enters the matrix changes.
    luValid_ = circuit_.linear() && aug.relaxConductance == 0.0 && !aug.holdRelaxed;
    luA0_ = a0;
    luReactive_ = reactive;
    luGmin_ = aug.diagGmin;
    luForced_ = aug.forced;
    luPseudo_ = aug.pseudoConductance;
    const auto& offsets = circuit_.eventJacobianOffsets();
    luEventValues_.resize(offsets.size());
    for (std::size_t k = 0; k < offsets.size(); ++k) luEventValues_[k] = jf_[static_cast<std::size_t>(offsets[k])];
    return true;
}

// The entries that devices change at their events (Device::jacobianVariation) hold the values the kept
// factors were computed with.
bool NewtonSolver::eventEntriesFactored() const {
    const auto& offsets = circuit_.eventJacobianOffsets();
    if (offsets.empty()) return true;
    if (luEventValues_.size() != offsets.size()) return false; // nothing factored yet
    for (std::size_t k = 0; k < offsets.size(); ++k)
        if (jf_[static_cast<std::size_t>(offsets[k])] != luEventValues_[k]) return false;
    return true;
}

// rhs_ <- A^-1 rhs_ with the current factorisation; PCG that does not converge hands over to KLU.
bool NewtonSolver::linearSolve(NewtonResult& result) {
    const auto t0 = Clock::now();
    bool solved = pcgCurrent_ && iterative_.solve(rhs_.data());
    stats.timeSolve += seconds(t0, Clock::now());
    if (!solved && pcgCurrent_) {
        pcgUsable_ = false;
        if (!factorDirect(result)) return false;
    }
    if (!solved) {
        const auto t1 = Clock::now();
        klu_.solve(rhs_.data());
        stats.timeSolve += seconds(t1, Clock::now());
    }
    return true;
}

bool NewtonSolver::updateTest(const std::vector<double>& x, NewtonResult& result, bool& deltaOk) const {
    const double reltol = circuit_.options().reltol;
    deltaOk = true;
    double worst = 0.0;
    int worstIndex = -1;
    for (std::size_t i = 1; i <= static_cast<std::size_t>(n_); ++i) {
        const double dx = rhs_[i], xo = x[i], xn = xo + dx;
        if (!std::isfinite(xn)) {
            result.worstUnknown = static_cast<int>(i);
            result.worstRatio = INFINITY;
            deltaOk = false;
            return false;
        }
        const double ratio = std::fabs(dx) / (reltol * std::max(std::fabs(xo), std::fabs(xn)) + xTol_[i]);
        if (ratio > worst) {
            worst = ratio;
            worstIndex = static_cast<int>(i);
        }
        if (ratio > 1.0) deltaOk = false;
    }
    result.worstUnknown = worstIndex;
    result.worstRatio = worst;
    return true;
}

NewtonResult NewtonSolver::solve(std::vector<double>& x, const EvalContext& context, int maxIter, double a0,
                                 const double* hist, const Augmentation& aug) {
    NewtonResult result;
    const bool linear = circuit_.linear();
    x[0] = 0.0;
    // Chord iterations: once a full Newton iteration of this solve has factored the Jacobian and its
    // update was already within kChordRatio tolerances, the next iteration reuses that factorisation
    // (and devices skip their Jacobians). The convergence test bounds the chord update itself, so an
    // accepted solution is as accurate as with full Newton; a chord iteration that does not converge
    // is followed by a full one.
    constexpr double kChordRatio = 1e4;
    bool factoredHere = false, previousChord = false;
    double previousWorst = std::numeric_limits<double>::infinity();
    for (int iter = 0; iter < maxIter; ++iter) {
        const bool chord = !linear && circuit_.chordAllowed() && factoredHere && !previousChord &&
                           previousWorst < kChordRatio && lastLimited_ == 0 && iter + 1 < maxIter;
        EvalContext ctx = context;
        ctx.initJunctions = context.initJunctions && iter == 0;
        ctx.jacobianNeeded = !chord;
        if (a0 == 0.0) ctx.stationary = true; // a DC solve, whatever context the caller passed
        evaluate(x, ctx);
        stats.iterations++;
        result.iterations = iter + 1;

        assembleResidual(a0, hist);
        if (linear && !eventEntriesFactored()) { // an event changed the matrix (an sMTJ flipped)
            luValid_ = false;
            klu_.forgetKept(true); // every kept G + a0 C holds the old entries
        }
        // A linear circuit keeps its LU factors while nothing that enters the matrix changes; a0 only
        // matters when some device has charges (a purely resistive network reuses them across steps).
        const bool reactive = linear && a0 != 0.0 && lastEvaluationReactive();
        const bool sameA0 = luA0_ == a0 || (!reactive && !luReactive_ && (a0 == 0.0) == (luA0_ == 0.0));
        bool reuseLu = chord || (linear && luValid_ && sameA0 && luGmin_ == aug.diagGmin && luForced_ == aug.forced &&
                                 luPseudo_ == aug.pseudoConductance && aug.relaxConductance == 0.0 && !aug.holdRelaxed);
        // A linear circuit's transient steps: the matrix is G + a0 C, a function of a0 alone, and the
        // step sizes (hence a0) come back after every breakpoint: factorisations are kept per a0.
        const bool iterative = pcgUsable_ && a0 == 0.0 && !aug.holdRelaxed && aug.relaxConductance == 0.0;
        if (!iterative) ensureDirect();
        const bool keyed = reactive && aug.diagGmin == 0.0 && !aug.forced && aug.pseudoConductance == 0.0 &&
                           aug.relaxConductance == 0.0 && !aug.holdRelaxed;
        if (!reuseLu && keyed && klu_.switchTo(a0)) {
            reuseLu = true;
            pcgCurrent_ = false; // the kept factorisation is KLU's
            luValid_ = true;
            luA0_ = a0;
            luReactive_ = true;
            luGmin_ = 0.0;
            luForced_ = nullptr;
            luPseudo_ = 0.0;
        } else if (!reuseLu && !keyed) {
            klu_.unkey();
        }
        assembleJacobian(a0, reuseLu);
        applyAugmentation(x, aug, reuseLu);
        if (a0 == 0.0) applyDcStates(x, aug, reuseLu);
        const bool residualOk = residualConverged(aug); // at x, before the update

        if (!reuseLu) {
            if (!factorJacobian(result, a0, reactive, aug, iterative)) return result;
            factoredHere = true;
        }
        for (std::size_t i = 1; i <= static_cast<std::size_t>(n_); ++i) rhs_[i] = -rhs_[i];
        if (!linearSolve(result)) return result;

        bool deltaOk = false;
        if (!updateTest(x, result, deltaOk)) return result; // diverged: caller cuts the step
        previousWorst = result.worstRatio;
        previousChord = chord;
        for (std::size_t i = 1; i <= static_cast<std::size_t>(n_); ++i) x[i] += rhs_[i];

        if (linear || (lastLimited_ == 0 && deltaOk && residualOk)) {
            // Charges at the final x: q(x + dx) ~= q(x) + dq/dx dx (exact for linear devices).
            qFinal_ = q_;
            if (jacobianLoaded_) // a chord evaluation has no dq/dx: q at the last load stands (within tolerance)
                cscMultiplyAdd(circuit_.pattern(), jq_.data(), rhs_.data(), qFinal_.data());
            result.converged = true;
            return result;
        }
    }
    return result;
}

} // namespace spinspice
