#include "analysis/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace spinspice {

void writeJson(const SimulationResult& result, std::ostream& out) {
    nlohmann::ordered_json root;
    root["title"] = result.title;
    root["analyses"] = nlohmann::ordered_json::array();
    for (const auto& w : result.analyses) {
        nlohmann::ordered_json a;
        a["name"] = w.name;
        a["type"] = w.type;
        if (!w.sweep.empty()) a["sweep"] = w.sweep;
        if (!w.step.empty()) {
            nlohmann::ordered_json step = nlohmann::ordered_json::object();
            for (const auto& [param, value] : w.step) step[param] = value;
            a["step"] = std::move(step);
        }
        nlohmann::ordered_json signals = nlohmann::ordered_json::object();
        for (std::size_t k = 0; k < w.names.size(); ++k) {
            const bool isSweep = !w.sweep.empty() && k == 0;
            if (w.complex && !isSweep)
                signals[w.names[k]] = {{"re", w.re[k]}, {"im", w.im[k]}};
            else
                signals[w.names[k]] = w.re[k];
        }
        a["signals"] = std::move(signals);
        const auto& s = w.stats;
        a["stats"] = {{"accepted", s.accepted},
                      {"rejected", s.rejected},
                      {"iterations", s.iterations},
                      {"factorizations", s.factorizations},
                      {"refactorizations", s.refactorizations},
                      {"solves", s.solves},
                      {"time_eval", s.timeEval},
                      {"time_factor", s.timeFactor},
                      {"time_solve", s.timeSolve},
                      {"time_total", s.timeTotal}};
        if (!w.measurements.empty()) {
            nlohmann::ordered_json m = nlohmann::ordered_json::object();
            for (const auto& meas : w.measurements)
                m[meas.name] = meas.error.empty() ? nlohmann::ordered_json(meas.value)
                                                  : nlohmann::ordered_json({{"error", meas.error}});
            a["measurements"] = std::move(m);
        }
        if (!w.error.empty()) a["error"] = w.error;
        root["analyses"].push_back(std::move(a));
    }
    if (!result.warnings.empty()) root["warnings"] = result.warnings;
    out << root.dump() << "\n";
}

void writeJsonFile(const SimulationResult& result, const std::string& path) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write '" + path + "'");
    writeJson(result, out);
    if (!out) throw std::runtime_error("error while writing '" + path + "'");
}

} // namespace spinspice
