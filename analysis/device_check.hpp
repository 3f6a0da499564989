// The Jacobian checker: a device's df/dx and dq/dx against central finite differences of its f and q at
// random states and biases, and its declared traits against its equations (a Linear device has a
// constant Jacobian, a device without Charge loads no q, a chord-safe device loads the same f and q
// without its Jacobian). Every registered type is checked by the test suite; plugin authors run it
// with `spinspice --check-device TYPE [param=value ...]`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spinspice {

struct DeviceCheckOptions {
    int points = 6;         // random evaluation points
    std::uint64_t seed = 1; // of the random points
    double relTol = 1e-5;   // |J - FD| <= relTol max(|J|, |FD|) + a floor from the row's scale
    // Check dq/dx too. Off only for charges that are not functions of x by design (the MOSFET's Meyer
    // gate capacitances, integrated incrementally as in SPICE, are not derivatives of a charge).
    bool checkCharges = true;
    // Explicit evaluation points (every unknown of the check circuit, index 0 = ground), checked in
    // addition to the random ones; the unknown order is printed by the report.
    std::vector<std::vector<double>> extraPoints;
};

struct DeviceCheckReport {
    std::string type;
    std::vector<std::string> unknowns; // labels of the check circuit's unknowns (index 1...)
    std::vector<std::string> problems; // empty: the device passed
    int pointsChecked = 0;
    long entriesChecked = 0;
    double worstError = 0; // largest |J - FD| / tolerance seen (< 1 passes)
    bool ok() const { return problems.empty(); }
    std::string summary() const;
};

// The device of type `type` (an element letter or a compact-model type) with `params` (on its `.model`
// card where the type takes one, else on the instance), in a minimal circuit: its terminals on nodes
// n1..nk, and for K, F, H, W the inductors or voltage source they refer to.
DeviceCheckReport checkDeviceType(const std::string& type, const std::map<std::string, double>& params = {},
                                  const DeviceCheckOptions& options = {});

} // namespace spinspice
