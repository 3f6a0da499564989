// DC operating point with the SPICE fall-backs: plain Newton (junctions start at vcrit), then dynamic
// gmin stepping, then source stepping. `.nodeset` values are held for a first solve and then released;
// `.ic` values (forced) stay held, as ngspice does for the operating point of a transient. Device states
// declared Relaxed are then relaxed to their nearest stable equilibrium (relaxStates).
#pragma once

#include "devices/device.hpp"

#include <string>
#include <utility>
#include <vector>

namespace spinspice {

class NewtonSolver;

struct OperatingPointRequest {
    bool dcSources = true; // sources at their DC value (.op/.dc/.ac), else at their waveform's t = 0 (.tran)
    const std::vector<std::pair<int, double>>* forced = nullptr;   // .ic: held throughout
    const std::vector<std::pair<int, double>>* nodesets = nullptr; // .nodeset: initial guess, released
    bool warmStart = false; // x already holds a good guess (sweeps): skip junction initialisation
};

// Solves in place. Throws SimulationError naming the worst node and what was tried when all fail.
void solveOperatingPoint(NewtonSolver& newton, std::vector<double>& x, const OperatingPointRequest& request);

// "v(out)" / "i(v1)" for an unknown index (for messages).
std::string unknownLabel(const NewtonSolver& newton, int unknown);

} // namespace spinspice
