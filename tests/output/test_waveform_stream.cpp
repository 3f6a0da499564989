// --stream: a transient's rows written to CSV as they are accepted, equal to the rows an in-memory run
// keeps; the streamed analysis holds only the vectors its cards read; file naming with several
// transients and .step; the file of a failed run keeps its points.
#include "analysis/run_netlist.hpp"
#include "analysis/waveform_stream.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace spinspice;

namespace {
struct Csv {
    std::vector<std::string> header;
    std::vector<std::vector<double>> rows;
};

Csv readCsv(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    Csv csv;
    std::string line, field;
    std::getline(in, line);
    std::istringstream head(line);
    while (std::getline(head, field, ',')) csv.header.push_back(field);
    while (std::getline(in, line)) {
        std::istringstream row(line);
        std::vector<double> values;
        while (std::getline(row, field, ',')) values.push_back(std::stod(field));
        csv.rows.push_back(values);
    }
    return csv;
}

std::string tempPath(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("spinspice_stream_" + name)).string();
}

const std::string kDeck = "stream\n"
                          "v1 in 0 pulse(0 1 1u 1n 1n 5u 10u)\n"
                          "r1 in out 1k\nc1 out 0 1n\n"
                          ".tran 10n 20u\n"
                          ".meas tran vmax MAX v(out)\n";
} // namespace

TEST_CASE("--stream: the file holds every row of the in-memory run; memory keeps the vectors cards read") {
    const NetlistRun plain = simulateNetlistString(kDeck, "plain.cir");
    const std::string path = tempPath("one.csv");
    CsvWaveformStream stream(path);
    RunObserver observer;
    observer.stream = &stream;
    const NetlistRun streamed = simulateNetlistString(kDeck, "streamed.cir", observer);
    REQUIRE(stream.files() == std::vector<std::string>{path});
    const Csv csv = readCsv(path);
    const Waveforms& w = plain.result.analyses.front();
    CHECK(csv.header == w.names);
    REQUIRE(csv.rows.size() == w.points());
    for (std::size_t i = 0; i < csv.rows.size(); ++i)
        for (std::size_t k = 0; k < w.names.size(); ++k) CHECK(csv.rows[i][k] == w.re[k][i]); // round trip
    const Waveforms& kept = streamed.result.analyses.front();
    CHECK(kept.names == std::vector<std::string>{"time", "v(out)"});
    REQUIRE(kept.measurements.size() == 1);
    CHECK(kept.measurements.front().value == w.measurements.front().value);
    std::remove(path.c_str());
}

TEST_CASE("--stream: several transients and .step runs get one file each, named as --csv names them") {
    const std::string path = tempPath("many.csv");
    CsvWaveformStream stream(path);
    RunObserver observer;
    observer.stream = &stream;
    simulateNetlistString(kDeck + ".param rv=1k\n.step param rv list 1k 2k\n.tran 10n 5u\n", "steps.cir", observer);
    const std::string stem = path.substr(0, path.size() - 4);
    const std::vector<std::string> expected{stem + ".tran1.step1.csv", stem + ".tran2.step1.csv",
                                            stem + ".tran1.step2.csv", stem + ".tran2.step2.csv"};
    CHECK(stream.files() == expected);
    for (const auto& file : expected) {
        CHECK(std::filesystem::exists(file));
        CHECK(readCsv(file).rows.size() > 10);
        std::remove(file.c_str());
    }
    CHECK(!std::filesystem::exists(path));
}
