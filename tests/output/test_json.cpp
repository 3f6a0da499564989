// The streaming JSON writer: parse what it writes and compare exactly.
#include "analysis/json_writer.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

using namespace spinspice;

TEST_CASE("JSON writer: round trip of real, complex, stepped and failed analyses") {
    SimulationResult r;
    r.title = "a \"quoted\" title\\";
    Waveforms tran;
    tran.name = "tran1";
    tran.type = "tran";
    tran.sweep = "time";
    tran.names = {"time", "v(out)", "n1.mx"};
    tran.re = {{0.0, 1e-9, 0.1 + 0.2}, {1.0 / 3.0, -2.5e-300, NAN}, {1.0, 0.5, -1.0}};
    tran.step = {{"rload", 1000.0}};
    tran.measurements = {{"tdelay", 1.25e-9, ""}, {"never", 0.0, "TRIG condition never met"}};
    tran.stats.accepted = 3;
    tran.error = "timestep too small";
    Waveforms ac;
    ac.name = "ac1";
    ac.type = "ac";
    ac.sweep = "frequency";
    ac.complex = true;
    ac.names = {"frequency", "v(out)"};
    ac.re = {{1e3, 1e4}, {0.5, 0.25}};
    ac.im = {{}, {-0.5, -0.125}};
    r.analyses = {tran, ac};
    r.warnings = {"unknown option 'x' ignored"};
    std::ostringstream out;
    writeJson(r, out);
    const auto doc = nlohmann::json::parse(out.str());
    CHECK(doc["title"] == r.title);
    const auto& t = doc["analyses"][0];
    CHECK(t["sweep"] == "time");
    CHECK(t["step"]["rload"] == 1000.0);
    CHECK(t["signals"]["time"][2].get<double>() == 0.1 + 0.2); // shortest round-trip text, exact
    CHECK(t["signals"]["v(out)"][0].get<double>() == 1.0 / 3.0);
    CHECK(t["signals"]["v(out)"][1].get<double>() == -2.5e-300);
    CHECK(t["signals"]["v(out)"][2].is_null()); // NaN
    CHECK(t["signals"]["n1.mx"][2] == -1.0);
    CHECK(t["measurements"]["tdelay"] == 1.25e-9);
    CHECK(t["measurements"]["never"]["error"] == "TRIG condition never met");
    CHECK(t["stats"]["accepted"] == 3);
    CHECK(t["error"] == "timestep too small");
    const auto& a = doc["analyses"][1];
    CHECK(a["signals"]["frequency"][1] == 1e4);
    CHECK(a["signals"]["v(out)"]["re"][1] == 0.25);
    CHECK(a["signals"]["v(out)"]["im"][0] == -0.5);
    CHECK(doc["warnings"][0] == "unknown option 'x' ignored");
}
