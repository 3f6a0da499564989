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
} // namespace

NewtonSolver::NewtonSolver(Circuit& circuit) : circuit_(circuit) {
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
    klu_.analyze(circuit.pattern());
    const auto& opt = circuit.options();
    xTol_.assign(n1, 0.0);
    rTol_.assign(n1, 0.0);
    for (std::size_t i = 1; i < n1; ++i) {
        const UnknownInfo& u = circuit.unknowns()[i];
        switch (u.nature) {
        case Nature::Voltage: // its row is a KCL sum of currents
            xTol_[i] = opt.vntol;
            rTol_[i] = opt.abstol;
            break;
        case Nature::Current: // its row is a branch voltage law
            xTol_[i] = opt.abstol;
            rTol_[i] = opt.vntol;
            break;
        case Nature::State: // a rate equation: the update test decides
            xTol_[i] = u.abstol;
            rTol_[i] = std::numeric_limits<double>::infinity();
            heldRows_.push_back(static_cast<int>(i));
            break;
        }
    }
    collectHeldOffsets();
}

// (constructor continued below: the CSC entries of the held rows)
void NewtonSolver::collectHeldOffsets() {
    const auto& pattern = circuit_.pattern();
    std::vector<char> held(static_cast<std::size_t>(n_) + 1, 0);
    for (int r : heldRows_) held[static_cast<std::size_t>(r)] = 1;
    for (int k = 0; k < nnz_; ++k)
        if (held[static_cast<std::size_t>(pattern.rowIdx()[static_cast<std::size_t>(k)]) + 1])
            heldOffsets_.push_back(k);
}

bool NewtonSolver::lastEvaluationReactive() const {
    return std::any_of(jq_.begin(), jq_.begin() + nnz_, [](double v) { return v != 0.0; });
}

void NewtonSolver::evaluate(const std::vector<double>& x, const EvalContext& context) {
    std::fill(f_.begin(), f_.end(), 0.0);
    std::fill(q_.begin(), q_.end(), 0.0);
    std::fill(fscale_.begin(), fscale_.end(), 0.0);
    std::fill(jf_.begin(), jf_.end(), 0.0);
    std::fill(jq_.begin(), jq_.end(), 0.0);
    LoadBuffers lb{f_.data(), q_.data(), fscale_.data(), jf_.data(), jq_.data(), 0};
    EvalContext ctx = context;
    ctx.x = x.data();
    const auto t0 = Clock::now();
    circuit_.load(ctx, lb);
    stats.timeEval += seconds(t0, Clock::now());
    lastLimited_ = lb.limited;
}

NewtonResult NewtonSolver::solve(std::vector<double>& x, const EvalContext& context, int maxIter, double a0,
                                 const double* hist, const Augmentation& aug) {
    NewtonResult result;
    const auto& opt = circuit_.options();
    const bool linear = circuit_.linear();
    const auto& pattern = circuit_.pattern();
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
        evaluate(x, ctx);
        stats.iterations++;
        result.iterations = iter + 1;

        // Residual r = f + a0 q + hist, and the combined Jacobian.
        for (int i = 1; i <= n_; ++i) {
            double r = f_[static_cast<std::size_t>(i)];
            if (a0 != 0.0) {
                // The reactive contributions a0 q and the history are part of the row's scale (as
                // VACASK's residual check): the residual cannot be resolved below reltol of them.
                const double aq = a0 * q_[static_cast<std::size_t>(i)], h = hist ? hist[i] : 0.0;
                r += aq + h;
                fscale_[static_cast<std::size_t>(i)] =
                    std::max({fscale_[static_cast<std::size_t>(i)], std::fabs(aq), std::fabs(h)});
            }
            rhs_[static_cast<std::size_t>(i)] = r;
        }
        // A linear circuit keeps its LU factors while nothing that enters the matrix changes; a0 only
        // matters when some device has charges (a purely resistive network reuses them across steps).
        const bool reactive = linear && a0 != 0.0 && lastEvaluationReactive();
        const bool sameA0 = luA0_ == a0 || (!reactive && !luReactive_ && (a0 == 0.0) == (luA0_ == 0.0));
        const bool reuseLu = chord || (linear && luValid_ && sameA0 && luGmin_ == aug.diagGmin &&
                                       luForced_ == aug.forced && luPseudo_ == aug.pseudoConductance);
        if (!reuseLu) {
            if (a0 != 0.0)
                for (int k = 0; k < nnz_; ++k)
                    jac_[static_cast<std::size_t>(k)] =
                        jf_[static_cast<std::size_t>(k)] + a0 * jq_[static_cast<std::size_t>(k)];
            else
                std::copy(jf_.begin(), jf_.begin() + nnz_, jac_.begin());
        }
        if (aug.diagGmin > 0.0)
            for (int i = 1; i <= n_; ++i)
                if (circuit_.unknowns()[static_cast<std::size_t>(i)].nature == Nature::Voltage) {
                    if (!reuseLu) jac_[static_cast<std::size_t>(pattern.diagonalOffset(i))] += aug.diagGmin;
                    rhs_[static_cast<std::size_t>(i)] += aug.diagGmin * x[static_cast<std::size_t>(i)];
                }
        if (aug.pseudoConductance > 0.0 && aug.pseudoPrevious)
            for (int i = 1; i <= n_; ++i)
                if (circuit_.unknowns()[static_cast<std::size_t>(i)].nature == Nature::Voltage) {
                    if (!reuseLu) jac_[static_cast<std::size_t>(pattern.diagonalOffset(i))] += aug.pseudoConductance;
                    rhs_[static_cast<std::size_t>(i)] +=
                        aug.pseudoConductance *
                        (x[static_cast<std::size_t>(i)] - (*aug.pseudoPrevious)[static_cast<std::size_t>(i)]);
                }
        if (aug.forced)
            for (const auto& [u, value] : *aug.forced) {
                if (!reuseLu) jac_[static_cast<std::size_t>(pattern.diagonalOffset(u))] += kForceConductance;
                rhs_[static_cast<std::size_t>(u)] += kForceConductance * (x[static_cast<std::size_t>(u)] - value);
            }

        // DC: device states are held at their initial values (row: x - x0 = 0).
        if (a0 == 0.0 && !heldRows_.empty()) {
            for (int k : heldOffsets_) jac_[static_cast<std::size_t>(k)] = 0.0;
            for (int i : heldRows_) {
                jac_[static_cast<std::size_t>(pattern.diagonalOffset(i))] = 1.0;
                rhs_[static_cast<std::size_t>(i)] =
                    x[static_cast<std::size_t>(i)] - circuit_.unknowns()[static_cast<std::size_t>(i)].initial;
            }
        }

        // Residual test at x (before the update).
        bool residualOk = true;
        if (opt.residualCheck && !linear)
            for (int i = 1; i <= n_; ++i) {
                const double tol =
                    opt.reltol * fscale_[static_cast<std::size_t>(i)] + rTol_[static_cast<std::size_t>(i)];
                if (!(std::fabs(rhs_[static_cast<std::size_t>(i)]) <= tol)) {
                    residualOk = false;
                    break;
                }
            }

        if (!reuseLu) {
            const auto t0 = Clock::now();
            const bool ok = klu_.factor(jac_.data());
            stats.timeFactor += seconds(t0, Clock::now());
            if (!ok) {
                luValid_ = false;
                result.singular = true;
                result.worstUnknown = klu_.singularColumn();
                return result;
            }
            luValid_ = linear;
            factoredHere = true;
            luA0_ = a0;
            luReactive_ = reactive;
            luGmin_ = aug.diagGmin;
            luForced_ = aug.forced;
            luPseudo_ = aug.pseudoConductance;
        }
        for (int i = 1; i <= n_; ++i) rhs_[static_cast<std::size_t>(i)] = -rhs_[static_cast<std::size_t>(i)];
        const auto t1 = Clock::now();
        klu_.solve(rhs_.data());
        stats.timeSolve += seconds(t1, Clock::now());

        // Update test.
        bool deltaOk = true;
        double worst = 0.0;
        int worstIndex = -1;
        for (int i = 1; i <= n_; ++i) {
            const double dx = rhs_[static_cast<std::size_t>(i)];
            const double xo = x[static_cast<std::size_t>(i)];
            const double xn = xo + dx;
            if (!std::isfinite(xn)) {
                deltaOk = false;
                worst = INFINITY;
                worstIndex = i;
                break;
            }
            const double tol = opt.reltol * std::max(std::fabs(xo), std::fabs(xn)) + xTol_[static_cast<std::size_t>(i)];
            const double ratio = std::fabs(dx) / tol;
            if (ratio > worst) {
                worst = ratio;
                worstIndex = i;
            }
            if (ratio > 1.0) deltaOk = false;
        }
        result.worstUnknown = worstIndex;
        result.worstRatio = worst;
        previousWorst = worst;
        previousChord = chord;
        if (!std::isfinite(worst)) return result; // diverged: caller cuts the step
        for (int i = 1; i <= n_; ++i) x[static_cast<std::size_t>(i)] += rhs_[static_cast<std::size_t>(i)];

        const bool converged = linear || (lastLimited_ == 0 && deltaOk && residualOk);
        if (converged) {
            // Charges at the final x: q(x + dx) ~= q(x) + dq/dx dx (exact for linear devices).
            qFinal_ = q_;
            cscMultiplyAdd(pattern, jq_.data(), rhs_.data(), qFinal_.data());
            result.converged = true;
            return result;
        }
    }
    return result;
}

} // namespace spinspice
