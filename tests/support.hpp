// Small helpers shared by the unit tests.
#pragma once

#include "analysis/simulator.hpp"
#include "netlist/netlist.hpp"

#include <doctest/doctest.h>

#include <sstream>
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

// A number as netlist text, to full precision (std::to_string prints 6 fixed decimals).
inline std::string num(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}

enum class Edge { Rising, Falling, Any };

// Times at which y crosses `level` (linear interpolation between samples).
inline std::vector<double> crossings(const std::vector<double>& t, const std::vector<double>& y, double level,
                                     Edge edge = Edge::Any) {
    std::vector<double> out;
    for (std::size_t k = 1; k < t.size() && k < y.size(); ++k) {
        const double a = y[k - 1] - level, b = y[k] - level;
        const bool rising = a < 0 && b >= 0, falling = a > 0 && b <= 0;
        if ((rising && edge != Edge::Falling) || (falling && edge != Edge::Rising))
            out.push_back(t[k - 1] + (t[k] - t[k - 1]) * a / (a - b));
    }
    return out;
}

} // namespace spinspice::test
