// Newton-Raphson on  r(x) = f(x) + a0 q(x) + hist = 0  (a0 = 0, no history for DC), Jacobian
// df/dx + a0 dq/dx. Converges when the update passes the SPICE test
//     |dx_i| <= reltol max(|x_i|, |x_i + dx_i|) + (vntol | abstol by nature)
// the residual passes |r_i| <= reltol * max|contribution_i| + (abstol | vntol), and no device limited
// its junction voltages. A linear circuit converges in one solve, and its factorisation is reused while
// the matrix coefficients (a0, gmin) are unchanged.
#pragma once

#include "solver/circuit.hpp"
#include "solver/klu_solver.hpp"

#include <vector>

namespace spinspice {

struct SolverStats {
    long iterations = 0; // device loads + linear solves
    double timeEval = 0, timeFactor = 0, timeSolve = 0;
};

struct NewtonResult {
    bool converged = false;
    bool singular = false; // the linear system could not be factored
    int iterations = 0;
    int worstUnknown = -1;   // unknown with the largest update/tolerance ratio in the last iteration
    double worstRatio = 0.0; // that ratio (> 1 means not converged)
};

// Extra terms for homotopies and initial conditions (not device physics).
struct Augmentation {
    double diagGmin = 0.0;                                       // conductance from every node to ground
    const std::vector<std::pair<int, double>>* forced = nullptr; // (unknown, value) held by 1/kForceR
    // Pseudo-transient continuation: conductance g from every node to its previous value (C/h of a
    // backward-Euler step with a fictitious capacitance C per node).
    double pseudoConductance = 0.0;
    const std::vector<double>* pseudoPrevious = nullptr;
};

class NewtonSolver {
public:
    static constexpr double kForceConductance = 1e10; // as SPICE's .ic/.nodeset forcing

    explicit NewtonSolver(Circuit& circuit);

    // Iterate from x (size n+1, x[0] = 0) for at most maxIter iterations. a0/hist: integration.
    NewtonResult solve(std::vector<double>& x, const EvalContext& context, int maxIter, double a0 = 0.0,
                       const double* hist = nullptr, const Augmentation& aug = {});

    // Charges at the converged solution (first-order corrected from the last load to the final x).
    const std::vector<double>& charges() const { return qFinal_; }
    // Charges of the last evaluate() (not corrected).
    const std::vector<double>& loadedCharges() const { return q_; }
    // Whether the last evaluation had any dq/dx entry: false for a purely algebraic circuit (resistive
    // elements, controlled sources, p-bits, sMTJs), which has no truncation error to control.
    bool lastEvaluationReactive() const;
    // The last device Jacobians (for AC: G = jf, C = jq).
    const std::vector<double>& jacobianF() const { return jf_; }
    const std::vector<double>& jacobianQ() const { return jq_; }

    Circuit& circuit() { return circuit_; }
    KluSolver& linearSolver() { return klu_; }
    SolverStats stats;

    // Evaluate every device once at x (buffers f, q, jf, jq filled); returns the time spent.
    void evaluate(const std::vector<double>& x, const EvalContext& context);

private:
    void collectHeldOffsets();

public:
private:
    Circuit& circuit_;
    KluSolver klu_;
    int n_ = 0, nnz_ = 0;
    std::vector<double> f_, q_, fscale_, jf_, jq_, jac_, rhs_, qFinal_;
    std::vector<double> xTol_, rTol_; // absolute tolerances per unknown / per residual row
    // Device states held at their initial values in DC: their rows and the CSC entries in those rows.
    std::vector<int> heldRows_, heldOffsets_;
    // Factorisation reuse for linear circuits: the coefficients the current LU was computed with.
    bool luValid_ = false;
    double luA0_ = -1, luGmin_ = -1, luPseudo_ = -1;
    bool luReactive_ = true; // the factored matrix contained a0 dq/dx terms
    const void* luForced_ = nullptr;
    int lastLimited_ = 0;
};

} // namespace spinspice
