#include "analysis/relaxation.hpp"

#include "analysis/operating_point.hpp"
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kDenseLimit = 1000; // unknowns: above, the equilibrium backward Euler reaches is kept untested

class Relaxation {
public:
    Relaxation(NewtonSolver& newton, const EvalContext& ctx, const Augmentation& base)
        : newton_(newton), ctx_(ctx), aug_(base), circuit_(newton.circuit()), opt_(circuit_.options()) {
        aug_.holdRelaxed = false;
        aug_.relaxPrevious = &previous_;
        for (std::size_t i = 1; i < circuit_.unknowns().size(); ++i)
            if (const auto& u = circuit_.unknowns()[i]; u.nature == Nature::State && u.dc == DcBehaviour::Relaxed)
                rows_.push_back(i);
    }

    void run(std::vector<double>& x) {
        march(x, 1e-13);
        if (circuit_.size() > kDenseLimit) return; // the stability test is dense: small circuits only
        for (int round = 0; round < 6; ++round) {
            const Instability u = instability(x);
            if (!u.unstable) return;
            // An unstable equilibrium (backward Euler's numerical damping makes a weakly unstable focus
            // look stable): leave it along its growing direction with the trapezoidal rule, which keeps
            // the dynamics' stability, until the states settle near another equilibrium, then converge.
            const std::vector<double> unstable = x;
            for (std::size_t k : rows_) x[k] += 1e-2 * scale(x, k) * u.direction[k];
            project(x);
            const double h = 0.25 / u.rate;
            trapezoidalMarch(x, unstable, h);
            march(x, h);
        }
        throw SimulationError("operating point: the dcrelax=1 states keep returning to an unstable equilibrium; "
                              "start them elsewhere (theta0=, phi0=) or hold them with dcrelax=0");
    }

private:
    double scale(const std::vector<double>& x, std::size_t k) const {
        return std::max(std::fabs(x[k]), 1e3 * circuit_.unknowns()[k].abstol);
    }
    void project(std::vector<double>& x) const {
        for (const Device* d : circuit_.projectingDevices()) d->projectState(x.data(), nullptr);
    }
    // The largest change of a relaxed state between a and b, in units of its Newton tolerance.
    double change(const std::vector<double>& a, const std::vector<double>& b, std::size_t& worst) const {
        double c = 0;
        for (std::size_t k : rows_) {
            const double tol = opt_.reltol * std::max(std::fabs(a[k]), std::fabs(b[k])) + circuit_.unknowns()[k].abstol;
            if (std::fabs(a[k] - b[k]) / tol > c) {
                c = std::fabs(a[k] - b[k]) / tol;
                worst = k;
            }
        }
        return c;
    }
    void chargesAt(const std::vector<double>& x) {
        newton_.evaluate(x, ctx_);
        previous_ = newton_.loadedCharges();
    }

    // Backward-Euler steps of the relaxed states' dynamics from step h until a step of at least a second
    // leaves them within tolerance. The step doubles while the motion contracts (or is within tolerance)
    // and is held while it grows.
    void march(std::vector<double>& x, double h) {
        std::vector<double> xStep = x;
        chargesAt(x);
        double lastChange = kInf;
        for (int step = 0; step < 5000; ++step) {
            aug_.relaxConductance = 1.0 / h;
            if (!newton_.solve(x, ctx_, opt_.itl1, 0.0, nullptr, aug_).converged) {
                x = xStep;
                h /= 8.0;
                lastChange = kInf;
                if (h < 1e-20) break;
                continue;
            }
            project(x);
            std::size_t worst = 0;
            const double c = change(x, xStep, worst);
            if (c <= 1.0 && h >= 1.0) return;
            if (h >= 1e6)
                throw SimulationError("operating point: " + unknownLabel(newton_, static_cast<int>(worst)) +
                                      " (dcrelax=1) has no stable equilibrium near its initial value: it still "
                                      "moves after relaxing for 1e6 s; hold it with dcrelax=0");
            xStep = x;
            chargesAt(x);
            if (c <= 1.0 || c < lastChange) h *= 2.0;
            lastChange = c;
        }
        throw SimulationError("operating point: the relaxation of the dcrelax=1 states did not settle (Newton failed "
                              "or the states kept moving)");
    }

    // Trapezoidal steps of fixed size h from x (the first one backward Euler) until the states have moved
    // away from `origin` (by a tenth of their scale) and their change per step has fallen below ten
    // tolerances: near a stable equilibrium, with its physical decay rather than backward Euler's.
    void trapezoidalMarch(std::vector<double>& x, const std::vector<double>& origin, double h) {
        chargesAt(x);
        std::vector<double> q = previous_, qdot(x.size(), 0.0), xStep = x;
        bool left = false;
        for (int step = 0; step < 20000; ++step) {
            const bool euler = step == 0;
            aug_.relaxConductance = euler ? 1.0 / h : 2.0 / h;
            for (std::size_t k : rows_) previous_[k] = euler ? q[k] : q[k] + 0.5 * h * qdot[k];
            if (!newton_.solve(x, ctx_, opt_.itl1, 0.0, nullptr, aug_).converged) {
                x = xStep;
                return; // the backward-Euler march takes over from here
            }
            project(x);
            newton_.evaluate(x, ctx_);
            const std::vector<double>& qNew = newton_.loadedCharges();
            for (std::size_t k : rows_) qdot[k] = euler ? (qNew[k] - q[k]) / h : 2.0 / h * (qNew[k] - q[k]) - qdot[k];
            q = qNew;
            std::size_t worst = 0;
            const double c = change(x, xStep, worst);
            for (std::size_t k : rows_) left = left || std::fabs(x[k] - origin[k]) > 0.1 * scale(x, k);
            xStep = x;
            if (left && c < 10.0) return;
        }
    }

    struct Instability {
        bool unstable = false;
        std::vector<double> direction; // of the growing mode, largest relaxed-state component 1
        double rate = 0;               // |lambda| of that mode (1/s)
    };

    // Linear stability of the circuit at x: the eigenvalues of C dx/dt = -J dx (C = dq/dx, J = df/dx,
    // held states fixed), from the dense generalised eigenproblem. Unstable when an eigenvalue has a
    // positive real part beyond round-off (the radial mode of |m| = 1 has lambda = 0 exactly).
    Instability instability(const std::vector<double>& x) {
        newton_.evaluate(x, ctx_);
        const auto& jf = newton_.jacobianF();
        const auto& jq = newton_.jacobianQ();
        const PatternBuilder& pattern = circuit_.pattern();
        const int n = circuit_.size();
        Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n), c = Eigen::MatrixXd::Zero(n, n);
        for (int col = 0; col < n; ++col)
            for (int k = pattern.colPtr()[static_cast<std::size_t>(col)];
                 k < pattern.colPtr()[static_cast<std::size_t>(col) + 1]; ++k) {
                const int row = pattern.rowIdx()[static_cast<std::size_t>(k)];
                a(row, col) = -jf[static_cast<std::size_t>(k)];
                c(row, col) = jq[static_cast<std::size_t>(k)];
            }
        for (int i = 0; i < n; ++i)
            if (const auto& u = circuit_.unknowns()[static_cast<std::size_t>(i) + 1];
                u.nature == Nature::State && u.dc == DcBehaviour::Held) {
                a.row(i).setZero();
                c.row(i).setZero();
                a(i, i) = 1.0;
            }
        Eigen::GeneralizedEigenSolver<Eigen::MatrixXd> solver(a, c, true);
        const Eigen::MatrixXcd vectors = solver.eigenvectors(); // (returned by value)
        Instability result;
        double largest = 0;
        for (int i = 0; i < n; ++i)
            if (std::fabs(solver.betas()(i)) > 1e-300) largest = std::max(largest, std::abs(solver.eigenvalues()(i)));
        double worst = 0;
        for (int i = 0; i < n; ++i) {
            if (std::fabs(solver.betas()(i)) <= 1e-12 * std::abs(solver.alphas()(i))) continue; // infinite
            const std::complex<double> lambda = solver.eigenvalues()(i);
            if (!(lambda.real() > 1e-9 * largest) || lambda.real() <= worst) continue;
            worst = lambda.real();
            const auto v = vectors.col(i);
            const bool imaginary = v.real().cwiseAbs().maxCoeff() < 1e-3 * v.cwiseAbs().maxCoeff();
            result.direction.assign(x.size(), 0.0);
            double norm = 0;
            for (std::size_t k : rows_)
                norm = std::max(
                    norm, std::fabs(imaginary ? v(static_cast<int>(k) - 1).imag() : v(static_cast<int>(k) - 1).real()));
            if (!(norm > 0)) continue;
            for (std::size_t k : rows_)
                result.direction[k] =
                    (imaginary ? v(static_cast<int>(k) - 1).imag() : v(static_cast<int>(k) - 1).real()) / norm;
            result.unstable = true;
            result.rate = std::abs(lambda);
        }
        return result;
    }

    NewtonSolver& newton_;
    const EvalContext& ctx_;
    Augmentation aug_;
    const Circuit& circuit_;
    const SimOptions& opt_;
    std::vector<std::size_t> rows_; // the relaxed states
    std::vector<double> previous_;  // q at the previous relaxation step
};
} // namespace

void relaxStates(NewtonSolver& newton, std::vector<double>& x, const EvalContext& ctx, const Augmentation& base) {
    Relaxation(newton, ctx, base).run(x);
}

} // namespace spinspice
