// Newton-Raphson on  r(x) = f(x) + a0 q(x) + hist = 0  (a0 = 0, no history for DC), Jacobian
// df/dx + a0 dq/dx. Converges when the update passes the SPICE test
//     |dx_i| <= reltol max(|x_i|, |x_i + dx_i|) + (vntol | abstol by nature)
// the residual passes |r_i| <= reltol * max|contribution_i| + (abstol | vntol), and no device limited
// its junction voltages. A linear circuit converges in one solve, and its factorisation is reused while
// the matrix coefficients (a0, gmin) are unchanged.
//
// In DC solves (a0 = 0) device states declared Held have the row x - x0 = 0; Relaxed states keep
// their own equation (f = 0), or, during the relaxation of the operating point, a backward-Euler step
// of their dynamics (Augmentation::relaxConductance).
#pragma once

#include "solver/circuit.hpp"
#include "solver/iterative_solver.hpp"
#include "solver/klu_solver.hpp"

#include <vector>

namespace spinspice {

struct SolverStats {
    long iterations = 0;        // device loads + linear solves
    long affineEvaluations = 0; // of those, with the time-invariant devices applied, not loaded
    double timeEval = 0, timeFactor = 0, timeSolve = 0;
};

struct NewtonResult {
    bool converged = false;
    bool singular = false; // the linear system could not be factored
    int iterations = 0;
    int worstUnknown = -1;   // unknown with the largest update/tolerance ratio in the last iteration
    double worstRatio = 0.0; // that ratio (> 1 means not converged)
};

// Extra terms for homotopies, initial conditions and the relaxation of states (not device physics).
struct Augmentation {
    double diagGmin = 0.0;                                       // conductance from every node to ground
    const std::vector<std::pair<int, double>>* forced = nullptr; // (unknown, value) held by 1/kForceR
    // Pseudo-transient continuation: conductance g from every node to its previous value (C/h of a
    // backward-Euler step with a fictitious capacitance C per node).
    double pseudoConductance = 0.0;
    const std::vector<double>* pseudoPrevious = nullptr;
    // DC: hold the Relaxed states at their initial values too (the first operating point before they relax).
    bool holdRelaxed = false;
    // DC relaxation of Relaxed states: one backward-Euler step of their own dynamics,
    // f + (q - q_previous) relaxConductance = 0 on their rows (relaxConductance = 1/h).
    double relaxConductance = 0.0;
    const std::vector<double>* relaxPrevious = nullptr; // q at the previous relaxation step, indexed like x
};

class NewtonSolver {
public:
    static constexpr double kForceConductance = 1e10; // as SPICE's .ic/.nodeset forcing

    // With a cache, the symbolic analysis of the circuit's pattern comes from (or goes to) it.
    explicit NewtonSolver(Circuit& circuit, std::shared_ptr<SymbolicCache> symbolic = nullptr);

    // Iterate from x (size n+1, x[0] = 0) for at most maxIter iterations. a0/hist: integration.
    NewtonResult solve(std::vector<double>& x, const EvalContext& context, int maxIter, double a0 = 0.0,
                       const double* hist = nullptr, const Augmentation& aug = {});

    // Charges at the converged solution (first-order corrected from the last load to the final x).
    const std::vector<double>& charges() const { return qFinal_; }
    // Charges and resistive residual f of the last evaluate() (not corrected).
    const std::vector<double>& loadedCharges() const { return q_; }
    const std::vector<double>& loadedResidual() const { return f_; }
    // Whether the last evaluated Jacobian had any dq/dx entry: false for a purely algebraic circuit
    // (resistive elements, controlled sources, p-bits, sMTJs), which has no truncation error to control.
    // A chord evaluation (no Jacobian) answers for the Jacobian it reuses.
    bool lastEvaluationReactive() const;
    // The last device Jacobians (for AC: G = jf, C = jq).
    const std::vector<double>& jacobianF() const { return jf_; }
    const std::vector<double>& jacobianQ() const { return jq_; }

    Circuit& circuit() { return circuit_; }
    // The absolute tolerance of unknown i (vntol, abstol or the state's own).
    double absoluteTolerance(int i) const { return xTol_[static_cast<std::size_t>(i)]; }
    const Circuit& circuit() const { return circuit_; }
    KluSolver& linearSolver() { return klu_; }
    // The fill-reducing order KLU chose for the real systems, or -1 when KLU has not analysed them (PCG
    // solved every system so far): for the small-signal systems' own KLU.
    int directOrdering() const { return kluAnalyzed_ ? klu_.ordering() : -1; }
    // The conjugate-gradient solver of large DC systems (see the constructor): its counts.
    const IterativeStats& iterativeStats() const { return iterative_.stats; }
    // Whether DC systems are solved by PCG (until it fails once: then by KLU for good).
    bool iterativeActive() const { return pcgUsable_; }
    // Below this many free unknowns linsolver=auto keeps the direct solvers (they take ~1 s there).
    static constexpr int kIterativeMinUnknowns = 200000;
    // linsolver=auto: PCG only where its lines carry the matrix (IterativeSolver::lineDominance).
    static constexpr double kIterativeMinDominance = 0.8;
    SolverStats stats;

    // Evaluate every device once at x (buffers f, q, jf, jq filled); with skipOwnAdmittance the devices
    // that supply their own .ac admittance are left out.
    void evaluate(const std::vector<double>& x, const EvalContext& context, bool skipOwnAdmittance = false);

private:
    void assembleResidual(double a0, const double* hist);
    void assembleJacobian(double a0, bool reuseLu);
    void applyAugmentation(const std::vector<double>& x, const Augmentation& aug, bool reuseLu);
    void applyDcStates(const std::vector<double>& x, const Augmentation& aug, bool reuseLu);
    bool residualConverged(const Augmentation& aug) const;
    bool factorJacobian(NewtonResult& result, double a0, bool reactive, const Augmentation& aug, bool iterative);
    bool factorDirect(NewtonResult& result);
    bool linearSolve(NewtonResult& result);
    bool setUpIterative();
    void ensureDirect(); // KLU's symbolic analysis, done when KLU is first needed
    // The update test on dx = rhs_; returns false when the update is not finite.
    bool updateTest(const std::vector<double>& x, NewtonResult& result, bool& deltaOk) const;

    Circuit& circuit_;
    KluSolver klu_;
    bool kluAnalyzed_ = false;
    IterativeSolver iterative_;
    bool pcgForced_ = false;  // .options linsolver=pcg
    bool pcgUsable_ = false;  // DC systems go to PCG
    bool pcgCurrent_ = false; // the current "factorisation" is PCG's prepared matrix
    int n_ = 0, nnz_ = 0;
    std::vector<double> f_, q_, fscale_, jf_, jq_, jac_, rhs_, qFinal_;
    std::vector<double> xTol_, rTol_; // absolute tolerances per unknown / per residual row
    std::vector<int> voltageRows_;    // node rows (gmin stepping, pseudo-transient)
    // Device states in DC: Held ones and Relaxed ones, their rows and the CSC entries in those rows.
    std::vector<int> heldRows_, heldOffsets_, relaxedRows_, relaxedOffsets_;
    // Factorisation reuse for linear circuits: the coefficients the current LU was computed with.
    bool luValid_ = false;
    double luA0_ = -1, luGmin_ = -1, luPseudo_ = -1;
    bool luReactive_ = true; // the factored matrix contained a0 dq/dx terms
    // Whether the last evaluation loaded Jacobians, and if not, whether the last one that did was
    // reactive. A chord evaluation does not clear jf_/jq_ (devices that stamp them anyway add on top):
    // after one they are not a Jacobian, and readers evaluate with jacobianNeeded first.
    bool jacobianLoaded_ = true, reusedJacobianReactive_ = false;
    bool jacobianReactive() const;
    const void* luForced_ = nullptr;
    std::vector<double> luEventValues_; // jf at the circuit's event offsets when the kept factors were computed
    bool eventEntriesFactored() const;
    int lastLimited_ = 0;
    // A linear circuit's transient: the time-invariant devices' loads at x = 0 and their Jacobians,
    // loaded once (loadInvariant) and applied as f0 + Jf x, q0 + Jq x at every evaluation.
    bool invariantLoaded_ = false;
    std::vector<double> f0Invariant_, q0Invariant_, jfInvariant_, jqInvariant_;
    bool evaluateAffine(const std::vector<double>& x, const EvalContext& ctx);
};

} // namespace spinspice
