// Raw (binary and ascii), CSV, .print and .meas output from hand-built results, read back exactly.
// The raw layout checked here is ngspice 39's `write` (src/frontend/rawfile.c); tests/output/
// raw_ngspice_load.py checks the same files against ngspice itself.
#include "analysis/csv_writer.hpp"
#include "analysis/print_tables.hpp"
#include "analysis/raw_writer.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace spinspice;

namespace {

// A fresh directory under the system temp directory, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static int counter = 0;
        path = std::filesystem::temp_directory_path() /
               ("spinspice_test_writers_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, "cannot read " << path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Waveforms tranAnalysis() {
    Waveforms w;
    w.name = "tran1";
    w.type = "tran";
    w.sweep = "time";
    w.names = {"time", "v(out)", "i(v1)"};
    w.re = {{0.0, 0.5e-6, 1e-6}, {0.0, 0.25, -1.5}, {1e-3, -2.5e-3, 0.125}};
    return w;
}

Waveforms acAnalysis() {
    Waveforms w;
    w.name = "ac1";
    w.type = "ac";
    w.sweep = "frequency";
    w.complex = true;
    w.names = {"frequency", "v(out)"};
    w.re = {{10.0, 100.0, 1000.0}, {1.0, 0.5, -0.25}};
    w.im = {{}, {0.0, -0.5, 0.75}};
    return w;
}

Waveforms opAnalysis() {
    Waveforms w;
    w.name = "op1";
    w.type = "op";
    w.names = {"v(in)", "i(v1)"};
    w.re = {{1.0}, {-0.001}};
    return w;
}

Waveforms dcAnalysis(const std::string& source) {
    Waveforms w;
    w.name = "dc1";
    w.type = "dc";
    w.sweep = source;
    w.names = {source, "v(out)"};
    w.re = {{0.0, 1.0}, {0.0, 0.5}};
    return w;
}

// One plot of a raw file, parsed independently of the writer.
struct RawPlot {
    std::map<std::string, std::string> fields; // "Title" -> "...", in ngspice's order below
    std::vector<std::string> variableLines;
    std::vector<double> numbers; // all values in file order (complex: re, im)
};

const std::vector<std::string> kHeaderKeys = {"Title",         "Date",       "Plotname", "Flags",
                                              "No. Variables", "No. Points", "Variables"};

std::vector<RawPlot> readRaw(const std::string& data) {
    std::vector<RawPlot> plots;
    std::size_t pos = 0;
    auto nextLine = [&] {
        const auto end = data.find('\n', pos);
        REQUIRE(end != std::string::npos);
        std::string line = data.substr(pos, end - pos);
        pos = end + 1;
        return line;
    };
    while (pos < data.size()) {
        RawPlot plot;
        for (const auto& key : kHeaderKeys) {
            const std::string line = nextLine();
            REQUIRE_MESSAGE(line.rfind(key + ":", 0) == 0, "expected " << key << ": in '" << line << "'");
            plot.fields[key] = line.size() > key.size() + 2 ? line.substr(key.size() + 2) : "";
        }
        const std::size_t nvars = std::stoul(plot.fields["No. Variables"]);
        const std::size_t npoints = std::stoul(plot.fields["No. Points"]);
        const std::size_t width = plot.fields["Flags"] == "complex" ? 2 : 1;
        for (std::size_t k = 0; k < nvars; ++k) plot.variableLines.push_back(nextLine());
        const std::string marker = nextLine();
        if (marker == "Binary:") {
            const std::size_t count = npoints * nvars * width;
            REQUIRE(pos + 8 * count <= data.size());
            for (std::size_t n = 0; n < count; ++n, pos += 8) {
                std::uint64_t bits = 0;
                for (int b = 7; b >= 0; --b) bits = (bits << 8) | static_cast<unsigned char>(data[pos + b]);
                plot.numbers.push_back(std::bit_cast<double>(bits)); // little-endian on disk
            }
        } else {
            REQUIRE(marker == "Values:");
            for (std::size_t i = 0; i < npoints; ++i) {
                for (std::size_t k = 0; k < nvars; ++k) {
                    std::string line = nextLine();
                    const std::string prefix = k == 0 ? " " + std::to_string(i) + "\t" : "\t";
                    REQUIRE_MESSAGE(line.rfind(prefix, 0) == 0, "bad value line '" << line << "'");
                    std::istringstream fields(line.substr(prefix.size()));
                    for (std::string number; std::getline(fields, number, ',');)
                        plot.numbers.push_back(std::strtod(number.c_str(), nullptr));
                }
                REQUIRE(nextLine().empty());
            }
        }
        plots.push_back(std::move(plot));
    }
    return plots;
}

SimulationResult threeAnalyses() {
    SimulationResult result;
    result.title = "writer test";
    result.analyses = {tranAnalysis(), acAnalysis(), opAnalysis()};
    return result;
}

} // namespace

TEST_CASE("raw files: binary and ascii plots read back with ngspice's header and exact values") {
    TempDir dir;
    for (const bool binary : {true, false}) {
        CAPTURE(binary);
        const std::string path = dir.file(binary ? "out.raw" : "out_ascii.raw");
        writeRawFile(threeAnalyses(), path, binary);
        const auto plots = readRaw(readFile(path));
        REQUIRE(plots.size() == 3);

        const auto& tran = plots[0];
        CHECK(tran.fields.at("Title") == "writer test");
        CHECK(std::regex_match(tran.fields.at("Date"),
                               std::regex(R"([A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d  \d{4})")));
        CHECK(tran.fields.at("Plotname") == "Transient Analysis");
        CHECK(tran.fields.at("Flags") == "real");
        CHECK(tran.fields.at("No. Variables") == "3");
        CHECK(tran.fields.at("No. Points") == "3");
        CHECK(tran.variableLines ==
              std::vector<std::string>{"\t0\ttime\ttime", "\t1\tv(out)\tvoltage", "\t2\ti(v1)\tcurrent"});
        // Point-major: time, v(out), i(v1) of point 0, then point 1, ...
        CHECK(tran.numbers == std::vector<double>{0.0, 0.0, 1e-3, 0.5e-6, 0.25, -2.5e-3, 1e-6, -1.5, 0.125});

        const auto& ac = plots[1];
        CHECK(ac.fields.at("Plotname") == "AC Analysis");
        CHECK(ac.fields.at("Flags") == "complex");
        CHECK(ac.variableLines == std::vector<std::string>{"\t0\tfrequency\tfrequency grid=3", "\t1\tv(out)\tvoltage"});
        // Complex plot: every value is a (re, im) pair, the frequency scale too (im = 0), as in ngspice.
        CHECK(ac.numbers == std::vector<double>{10.0, 0.0, 1.0, 0.0, 100.0, 0.0, 0.5, -0.5, 1000.0, 0.0, -0.25, 0.75});

        const auto& op = plots[2];
        CHECK(op.fields.at("Plotname") == "Operating Point");
        CHECK(op.fields.at("No. Points") == "1");
        CHECK(op.variableLines == std::vector<std::string>{"\t0\tv(in)\tvoltage", "\t1\ti(v1)\tcurrent"});
        CHECK(op.numbers == std::vector<double>{1.0, -0.001});
    }
}

TEST_CASE("raw files: byte layout of ngspice's ascii and binary write") {
    SimulationResult result;
    result.title = "t";
    result.analyses = {opAnalysis()};
    std::ostringstream ascii, binary;
    writeRaw(result, ascii, false);
    writeRaw(result, binary, true);
    std::string text = ascii.str();
    text.replace(text.find("Date: "), text.find('\n', text.find("Date: ")) - text.find("Date: "), "Date: X");
    CHECK(text == "Title: t\nDate: X\nPlotname: Operating Point\nFlags: real\nNo. Variables: 2\nNo. Points: 1\n"
                  "Variables:\n\t0\tv(in)\tvoltage\n\t1\ti(v1)\tcurrent\nValues:\n"
                  " 0\t1.000000000000000e+00\n\t-1.000000000000000e-03\n\n");
    const std::string bin = binary.str();
    const auto data = bin.find("Binary:\n") + 8;
    REQUIRE(bin.size() == data + 16);
    const unsigned char oneLittleEndian[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f}; // 1.0
    CHECK(std::memcmp(bin.data() + data, oneLittleEndian, 8) == 0);

    // Complex ascii values are "re,im" (ngspice: "%.15e,%.15e"), the scale included.
    result.analyses = {acAnalysis()};
    std::ostringstream ac;
    writeRaw(result, ac, false);
    CHECK(ac.str().find("Values:\n 0\t1.000000000000000e+01,0.000000000000000e+00\n"
                        "\t1.000000000000000e+00,0.000000000000000e+00\n\n 1\t") != std::string::npos);
}

TEST_CASE("raw files: variable names and types as ngspice writes them") {
    CHECK(rawVariable(dcAnalysis("v1"), 0).name == "v(v-sweep)");
    CHECK(rawVariable(dcAnalysis("v1"), 0).type == "voltage");
    CHECK(rawVariable(dcAnalysis("i2"), 0).name == "i(i-sweep)");
    CHECK(rawVariable(dcAnalysis("i2"), 0).type == "current");
    CHECK(rawVariable(dcAnalysis("x1.iload"), 0).name == "i(i-sweep)");
    CHECK(rawVariable(dcAnalysis("v1"), 1).name == "v(out)");

    Waveforms lin = acAnalysis(); // .ac lin: no grid
    lin.re[0] = {100.0, 200.0, 300.0};
    CHECK(rawVariable(lin, 0).type == "frequency");
    CHECK(rawVariable(acAnalysis(), 0).type == "frequency grid=3"); // dec/oct: GRID_XLOG

    Waveforms other = opAnalysis();
    other.names[0] = "temper";
    CHECK(rawVariable(other, 0).type == "notype");
}

TEST_CASE("raw files: .step values go to the title; short vectors are padded with zeros") {
    SimulationResult result;
    result.title = "stepped";
    Waveforms w = tranAnalysis();
    w.step = {{"rload", 1000.0}, {"cl", 1e-9}};
    w.re[2].resize(1); // a failed analysis: i(v1) stopped after one point
    w.error = "timestep too small";
    result.analyses = {w};
    std::ostringstream out;
    writeRaw(result, out, true);
    const auto plots = readRaw(out.str());
    REQUIRE(plots.size() == 1);
    CHECK(plots[0].fields.at("Title") == "stepped (step rload=1000 cl=1e-09)");
    CHECK(plots[0].fields.at("Plotname") == "Transient Analysis"); // readers match it verbatim
    CHECK(plots[0].fields.at("No. Points") == "3");
    CHECK(plots[0].numbers == std::vector<double>{0.0, 0.0, 1e-3, 0.5e-6, 0.25, 0.0, 1e-6, -1.5, 0.0});
}

TEST_CASE("raw files: Date is ngspice's datestring() (asctime with the year's space doubled)") {
    const std::time_t when = 1700000000 + 86400 * 10;
    std::tm t{};
    localtime_r(&when, &t);
    char asc[64];
    asctime_r(&t, asc); // "Sun Nov 26 22:13:20 2023\n"
    const std::string expected = std::string(asc, 20) + std::string(asc + 19, std::strlen(asc) - 20);
    CHECK(rawDateString(when) == expected);
}

TEST_CASE("CSV: one file per analysis, exact round trip, AC as .re/.im columns") {
    TempDir dir;
    const std::string path = dir.file("out.csv");
    writeCsvFile(threeAnalyses(), path);
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(readFile(dir.file("out.tran1.csv")) ==
          "time,v(out),i(v1)\n0,0,0.001\n5e-07,0.25,-0.0025\n1e-06,-1.5,0.125\n");
    CHECK(readFile(dir.file("out.ac1.csv")) ==
          "frequency,v(out).re,v(out).im\n10,1,0\n100,0.5,-0.5\n1000,-0.25,0.75\n");
    CHECK(readFile(dir.file("out.op1.csv")) == "v(in),i(v1)\n1,-0.001\n");

    // A single analysis writes exactly the path given; values are the shortest round-trip text.
    SimulationResult single;
    Waveforms w = opAnalysis();
    w.re = {{0.1 + 0.2}, {-1.0 / 3.0}};
    single.analyses = {w};
    writeCsvFile(single, path);
    std::istringstream csv(readFile(path));
    std::string header, row;
    std::getline(csv, header);
    std::getline(csv, row);
    CHECK(header == "v(in),i(v1)");
    const auto comma = row.find(',');
    CHECK(std::strtod(row.substr(0, comma).c_str(), nullptr) == 0.1 + 0.2);
    CHECK(std::strtod(row.substr(comma + 1).c_str(), nullptr) == -1.0 / 3.0);
}

TEST_CASE("CSV: .step runs get step columns and distinct file names; fields are quoted when needed") {
    SimulationResult result;
    for (double r : {1e3, 2e3}) {
        Waveforms w = dcAnalysis("v1");
        w.step = {{"rload", r}};
        result.analyses.push_back(w);
    }
    CHECK(csvFilePaths(result, "dir.d/out.csv") ==
          std::vector<std::string>{"dir.d/out.dc1.step1.csv", "dir.d/out.dc1.step2.csv"});
    CHECK(csvFilePaths(result, "dir.d/out") == std::vector<std::string>{"dir.d/out.dc1.step1", "dir.d/out.dc1.step2"});

    std::ostringstream out;
    writeCsv(result.analyses[1], out);
    CHECK(out.str() == "v1,v(out),step:rload\n0,0,2000\n1,0.5,2000\n");

    Waveforms odd = opAnalysis();
    odd.names[0] = "v(a,b)";
    odd.names[1] = "say \"hi\"";
    std::ostringstream quoted;
    writeCsv(odd, quoted);
    CHECK(quoted.str() == "\"v(a,b)\",\"say \"\"hi\"\"\"\n1,-0.001\n");
}

TEST_CASE(".print tables: columns, AC derived quantities, differences, unknown items") {
    SimulationResult result = threeAnalyses();
    result.analyses.push_back(dcAnalysis("v1"));
    std::vector<PrintSpec> prints(3);
    prints[0].analysis = "tran";
    prints[0].items = {"v(out)", "i(v1)", "v(out,0)", "v(nope)"};
    prints[1].analysis = "ac";
    prints[1].items = {"vm(out)", "vp(out)", "vdb(out)", "vr(out)", "vi(out)", "v(out)"};
    prints[2].analysis = "dc";
    prints[2].items = {"v(out)"};
    std::ostringstream out, errors;
    printTables(result, prints, out, errors);
    const std::string text = out.str();

    CHECK(text.find("Transient Analysis: tran1\n") != std::string::npos);
    CHECK(text.find("Index   time            v(out)          i(v1)           v(out,0)\n") != std::string::npos);
    CHECK(text.find("2       1.000000e-06    -1.500000e+00   1.250000e-01    -1.500000e+00\n") != std::string::npos);
    CHECK(errors.str().find("no signal 'v(nope)' in tran1") != std::string::npos);

    // AC point 1: 0.5 - 0.5j -> |z| = 0.7071068, -45 degrees, -3.0103 dB.
    CHECK(text.find("Index   frequency       vm(out)         vp(out)         vdb(out)        vr(out)         "
                    "vi(out)         v(out)\n") != std::string::npos);
    CHECK(text.find("1       1.000000e+02    7.071068e-01    -4.500000e+01   -3.010300e+00   5.000000e-01    "
                    "-5.000000e-01   5.000000e-01, -5.000000e-01\n") != std::string::npos);
    CHECK(text.find("Index   v1              v(out)\n") != std::string::npos);

    std::vector<PrintSpec> missing(1);
    missing[0].analysis = "ac";
    std::ostringstream none, warning;
    printTables(SimulationResult{}, missing, none, warning);
    CHECK(none.str().empty());
    CHECK(warning.str().find("no ac analysis") != std::string::npos);
}

TEST_CASE(".meas results: name = value, failures with the reason, grouped per .step") {
    SimulationResult result;
    Waveforms plain = tranAnalysis();
    plain.measurements = {{"vmax", 0.5, ""}, {"tr", 0, "TRIG condition never met"}};
    result.analyses = {plain};
    std::ostringstream out;
    printMeasurements(result, out);
    CHECK(out.str() == "vmax = 0.5\ntr: failed (TRIG condition never met)\n");

    result.analyses.clear();
    for (double r : {1e3, 2e3}) {
        Waveforms w = tranAnalysis();
        w.step = {{"rload", r}};
        w.measurements = {{"vmax", r / 4e3, ""}};
        result.analyses.push_back(w);
        Waveforms ac = acAnalysis();
        ac.step = w.step;
        ac.measurements = {{"gain", 2.0, ""}};
        result.analyses.push_back(ac);
    }
    std::ostringstream stepped;
    printMeasurements(result, stepped);
    CHECK(stepped.str() == "step rload=1000:\n  vmax = 0.25\n  gain = 2\nstep rload=2000:\n  vmax = 0.5\n  gain = 2\n");
}
