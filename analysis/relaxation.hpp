// DC relaxation of the device states declared Relaxed (dcrelax=1): to the stable equilibrium nearest
// their initial values, with the circuit quasi-static around them.
#pragma once

#include "solver/newton.hpp"

#include <vector>

namespace spinspice {

// From x (the operating point with the relaxed states still at their initial values): march the states'
// own dynamics with backward Euler, the nodes solving f = 0 at every step, constrained states projected
// (|m| = 1) after each. The step grows while the motion contracts and is held while it does not, so an
// escape from an unstable equilibrium is followed rather than stepped over. At the end a linear
// stability test (the eigenvalues of the linearised circuit) rejects an unstable equilibrium, which
// backward Euler's numerical damping can make look stable and converge to: the
// march then restarts from it, displaced along its unstable direction. Throws SimulationError when no
// stable equilibrium is reached.
void relaxStates(NewtonSolver& newton, std::vector<double>& x, const EvalContext& ctx, const Augmentation& base);

} // namespace spinspice
