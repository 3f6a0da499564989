// libFuzzer harness of the netlist front end: parse, elaborate, build the circuit and solve its
// operating point (the deck's analyses replaced by one .op, so every input stays fast). Bad input must
// end in InputError or SimulationError; anything else (a crash, a sanitizer report, another exception)
// is a finding. Run by scripts/run-sanitizers.sh; longer: build-fuzz/fuzz_netlist -max_total_time=3600
// tests/fuzz/corpus (see the README).
#include "analysis/simulator.hpp"
#include "netlist/netlist.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    // No plugins: a fuzzed path must not dlopen whatever library it names.
    if (spinspice::toLower(text).find(".plugin") != std::string::npos) return 0;
    try {
        spinspice::FlatCircuit flat = spinspice::loadNetlistString(text, "<fuzz>");
        if (flat.elements.size() > 200) return 0;
        spinspice::AnalysisSpec op;
        op.kind = spinspice::AnalysisSpec::Kind::Op;
        op.name = "op1";
        flat.analyses = {op};
        flat.options["itl1"] = 50;
        flat.options["maxpoints"] = 1000;
        flat.measures.clear();
        spinspice::Simulator simulator(std::move(flat));
        simulator.runAll();
    } catch (const spinspice::InputError&) {
    } catch (const spinspice::SimulationError&) {
    }
    return 0;
}
