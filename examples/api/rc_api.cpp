// Using spinspice as a library: build an RC low-pass in C++ (no netlist file), run a transient, read the
// waveform in memory and compare it with the closed form; then do the same from netlist text.
#include "analysis/simulator.hpp"
#include "netlist/netlist.hpp"

#include <cmath>
#include <cstdio>

int main() {
    using namespace spinspice;

    // 1. A circuit built element by element: V1 in 0 PULSE(0 1 0 1n 1n 1 2), R1 in out 1k, C1 out 0 1n.
    FlatCircuit circuit;
    circuit.title = "RC step response built in C++";
    FlatElement v1;
    v1.name = "v1";
    v1.letter = 'v';
    v1.nodes = {"in", "0"};
    v1.source.tran.kind = Waveform::Kind::Pulse;
    v1.source.tran.args = {0, 1, 0, 1e-9, 1e-9, 1, 2};
    FlatElement r1;
    r1.name = "r1";
    r1.letter = 'r';
    r1.nodes = {"in", "out"};
    r1.params["r"] = 1e3;
    FlatElement c1;
    c1.name = "c1";
    c1.letter = 'c';
    c1.nodes = {"out", "0"};
    c1.params["c"] = 1e-9;
    circuit.elements = {v1, r1, c1};
    AnalysisSpec tran;
    tran.kind = AnalysisSpec::Kind::Tran;
    tran.name = "tran1";
    tran.tstep = 10e-9;
    tran.tstop = 5e-6;
    circuit.analyses.push_back(tran);

    Simulator simulator(circuit);
    SimulationResult result = simulator.runAll();
    const Waveforms& w = result.analyses.at(0);
    const auto& time = *w.find("time");
    const auto& vout = *w.find("v(out)");
    double worst = 0;
    for (std::size_t k = 0; k < time.size(); ++k) {
        const double t = time[k] - 0.5e-9; // the 1 ns edge, centred
        const double exact = t > 0 ? 1.0 - std::exp(-t / 1e-6) : 0.0;
        worst = std::max(worst, std::fabs(vout[k] - exact));
    }
    std::printf("C++-built RC: %zu time points, v(out)(5 us) = %.6f (exact %.6f), max |error| = %.2e V\n", time.size(),
                vout.back(), 1.0 - std::exp(-(5e-6 - 0.5e-9) / 1e-6), worst);

    // 2. The same circuit from netlist text.
    SimulationResult fromText = Simulator(loadNetlistString("rc from text\n"
                                                            "v1 in 0 pulse(0 1 0 1n 1n 1 2)\n"
                                                            "r1 in out 1k\n"
                                                            "c1 out 0 1n\n"
                                                            ".tran 10n 5u\n"
                                                            ".end\n"))
                                    .runAll();
    std::printf("netlist-text RC: v(out)(5 us) = %.6f\n", fromText.analyses.at(0).find("v(out)")->back());
    return worst < 5e-3 ? 0 : 1;
}
