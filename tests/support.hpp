// Small helpers shared by the unit tests.
#pragma once

#include "analysis/simulator.hpp"
#include "netlist/netlist.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace spinspice::test {

inline SimulationResult run(const std::string& netlist) {
    Simulator simulator(loadNetlistString(netlist, "<test>"));
    return simulator.runAll();
}

inline const std::vector<double>& signal(const Waveforms& w, const std::string& name) {
    const auto* v = w.find(name);
    REQUIRE_MESSAGE(v != nullptr, "signal " << name << " missing");
    return *v;
}

} // namespace spinspice::test
