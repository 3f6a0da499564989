// DC operating point with the SPICE fall-backs: plain Newton (junctions start at vcrit), then dynamic
// gmin stepping, then source stepping. `.nodeset` values are held for a first solve and then released;
// `.ic` values (forced) stay held, as ngspice does for the operating point of a transient.
#pragma once

#include "devices/device.hpp"

#include <string>
#include <utility>
#include <vector>

namespace spinspice {

class NewtonSolver;

struct OperatingPointRequest {
    AnalysisMode mode = AnalysisMode::DcOp;
    const std::vector<std::pair<int, double>>* forced = nullptr;   // .ic: held throughout
    const std::vector<std::pair<int, double>>* nodesets = nullptr; // .nodeset: initial guess, released
    bool warmStart = false; // x already holds a good guess (sweeps): skip junction initialisation
};

// Solves in place. Throws SimulationError naming the worst node and what was tried when all fail.
void solveOperatingPoint(NewtonSolver& newton, std::vector<double>& x, const OperatingPointRequest& request);

// "v(out)" / "i(v1)" for an unknown index (for messages).
std::string unknownLabel(const NewtonSolver& newton, int unknown);

} // namespace spinspice
