// spinspice command line: a thin layer over the library (netlist -> Simulator -> writers).
// Exit status: 0 success, 1 simulation failure (partial waveforms still written), 2 bad input.
#include "analysis/csv_writer.hpp"
#include "analysis/device_check.hpp"
#include "analysis/json_writer.hpp"
#include "analysis/operating_point.hpp"
#include "analysis/print_tables.hpp"
#include "analysis/raw_writer.hpp"
#include "analysis/run_netlist.hpp"
#include "devices/registry.hpp"
#include "solver/options.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr int kExitOk = 0, kExitSimulation = 1, kExitInput = 2;

void printUsage(std::ostream& out) {
    out << "usage: spinspice [options] NETLIST\n"
           "\n"
           "Runs every analysis (.op .dc .ac .tran) in a SPICE netlist.\n"
           "\n"
           "options:\n"
           "  -o FILE.json       write all waveforms as JSON (schema: README.md)\n"
           "  -r FILE.raw        write all waveforms as a SPICE raw file, binary, as ngspice's `write` (one plot\n"
           "                     per analysis; ngspice `load`, PySpice, spicelib read it)\n"
           "  --ascii-raw        write the -r file in ascii instead of binary\n"
           "  --csv FILE.csv     write the waveforms as CSV (several analyses: FILE.tran1.csv, FILE.ac1.csv, ...)\n"
           "  --stats            print timepoints, Newton iterations, factorisations and timings to stderr\n"
           "  --describe TYPE    print the parameter table of a device type (an element letter, a compact-model\n"
           "                     type such as mtj, all), or the simulator options (options)\n"
           "  --check-device TYPE [param=value ...]\n"
           "                     check a device type's Jacobian against finite differences and its declared\n"
           "                     traits against its equations (plugins: give --plugin first); exit 1 on failure\n"
           "  --seed N           seed of the random streams (thermal noise, p-bits, sMTJs); overrides .options seed\n"
           "  --plugin LIB.so    load a device plugin (as the .plugin card; give it before --describe)\n"
           "  -q, --quiet        do not print warnings\n"
           "  --no-progress      no progress indicator on a terminal\n"
           "  -h, --help         this help\n"
           "  --version          print the version\n"
           "\n"
           "`.print` tables and `.meas` results are printed to stdout after the run.\n"
           "\n"
           "exit status: 0 success, 1 simulation failure (partial results are still written), 2 bad input\n";
}

void printStats(const spinspice::Waveforms& w) {
    const auto& s = w.stats;
    std::fprintf(stderr,
                 "%s (%s): accepted %ld, rejected %ld, newton iterations %ld, factorisations %ld (+%ld refactor), "
                 "solves %ld\n  time: eval %.4f s, factor %.4f s, solve %.4f s, total %.4f s\n",
                 w.name.c_str(), w.type.c_str(), s.accepted, s.rejected, s.iterations, s.factorizations,
                 s.refactorizations, s.solves, s.timeEval, s.timeFactor, s.timeSolve, s.timeTotal);
}

void printOperatingPoint(const spinspice::Waveforms& w) {
    std::printf("%s: operating point\n", w.name.c_str());
    for (std::size_t k = 0; k < w.names.size(); ++k)
        if (!w.re[k].empty()) std::printf("  %-24s %.9g\n", w.names[k].c_str(), w.re[k].front());
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string netlistPath, jsonPath, rawPath, csvPath;
    bool asciiRaw = false;
    spinspice::OptionOverrides optionOverrides;
    bool stats = false, quiet = false, progressAllowed = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* what) -> std::string {
            if (i + 1 >= args.size()) {
                std::cerr << "spinspice: " << a << " needs " << what << "\n";
                std::exit(kExitInput);
            }
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            printUsage(std::cout);
            return kExitOk;
        } else if (a == "--version") {
            std::cout << "spinspice " << SPINSPICE_VERSION << "\n";
            return kExitOk;
        } else if (a == "-o" || a == "--output") {
            jsonPath = value("a file name");
        } else if (a == "-r" || a == "--raw") {
            rawPath = value("a file name");
        } else if (a == "--ascii-raw") {
            asciiRaw = true;
        } else if (a == "--csv") {
            csvPath = value("a file name");
        } else if (a == "--plugin") { // loaded now, so a later --describe sees its types
            const std::string path = value("a shared-library path");
            try {
                spinspice::loadPlugin(path);
            } catch (const spinspice::InputError& e) {
                std::cerr << e.report();
                return kExitInput;
            }
        } else if (a == "--seed") {
            const std::string text = value("an integer");
            char* end = nullptr;
            const double seed = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !(seed >= 0) || seed != std::floor(seed)) {
                std::cerr << "spinspice: --seed needs a non-negative integer (got '" << text << "')\n";
                return kExitInput;
            }
            optionOverrides["seed"] = seed;
        } else if (a == "--stats") {
            stats = true;
        } else if (a == "-q" || a == "--quiet") {
            quiet = true;
        } else if (a == "--no-progress") {
            progressAllowed = false;
        } else if (a == "--check-device") {
            const std::string type = value("a device type");
            std::map<std::string, double> params;
            while (i + 1 < args.size() && args[i + 1].find('=') != std::string::npos && args[i + 1][0] != '-') {
                const std::string& kv = args[++i];
                const auto eq = kv.find('=');
                char* end = nullptr;
                const double v = std::strtod(kv.c_str() + eq + 1, &end);
                if (end == kv.c_str() + eq + 1 || *end != '\0') {
                    std::cerr << "spinspice: --check-device: '" << kv << "' is not name=number\n";
                    return kExitInput;
                }
                params[spinspice::toLower(kv.substr(0, eq))] = v;
            }
            try {
                const spinspice::DeviceCheckReport report = spinspice::checkDeviceType(type, params);
                std::cout << report.summary();
                return report.ok() ? kExitOk : kExitSimulation;
            } catch (const spinspice::InputError& e) {
                std::cerr << e.report();
                return kExitInput;
            }
        } else if (a == "--describe") {
            const std::string type = value("a device type");
            if (type == "options") {
                std::cout << spinspice::describeOptions();
                return kExitOk;
            }
            if (type == "all") { // the device reference (docs/devices.md is generated from this)
                std::cout << "# Device reference\n\nGenerated by `spinspice --describe all` from the parameter tables "
                             "in the source; do not edit.\n";
                for (const auto& name : spinspice::knownDeviceTypes())
                    std::cout << "\n" << spinspice::describeDeviceType(*spinspice::findDeviceType(name));
                return kExitOk;
            }
            const auto* info = spinspice::findDeviceType(type);
            if (!info) {
                std::cerr << "spinspice: unknown device type '" << type << "'; "
                          << spinspice::suggestionHint(type, spinspice::knownDeviceTypes()) << "\n";
                return kExitInput;
            }
            std::cout << spinspice::describeDeviceType(*info);
            return kExitOk;
        } else if (!a.empty() && a[0] == '-') {
            std::cerr << "spinspice: unknown option '" << a << "' (see --help)\n";
            return kExitInput;
        } else if (netlistPath.empty()) {
            netlistPath = a;
        } else {
            std::cerr << "spinspice: more than one netlist given ('" << netlistPath << "', '" << a << "')\n";
            return kExitInput;
        }
    }
    if (netlistPath.empty()) {
        printUsage(std::cerr);
        return kExitInput;
    }
    if (asciiRaw && rawPath.empty()) {
        std::cerr << "spinspice: --ascii-raw needs -r FILE.raw\n";
        return kExitInput;
    }

    spinspice::SimulationResult result;
    std::vector<spinspice::PrintSpec> prints;
    try {
        // Progress on a terminal, for runs longer than a second.
        const bool tty = progressAllowed && isatty(STDERR_FILENO);
        const auto start = std::chrono::steady_clock::now();
        bool printed = false;
        spinspice::RunObserver observer;
        if (tty)
            observer.progress = [&](const std::string& name, double fraction) {
                if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
                std::fprintf(stderr, "\r%s: %5.1f %%", name.c_str(), 100.0 * fraction);
                std::fflush(stderr);
                printed = true;
            };
        // SPINSPICE_TRACE=1: every attempted time step (time, step, iterations, outcome, order) on stderr.
        if (std::getenv("SPINSPICE_TRACE"))
            observer.trace = [](const std::string&, const spinspice::StepTrace& t) {
                std::fprintf(stderr, "%.9e %.3e %d %s %s order=%d\n", t.time, t.step, t.iterations, t.outcome,
                             t.worst.c_str(), t.order);
            };
        spinspice::NetlistRun run = spinspice::simulateNetlistFile(netlistPath, observer, optionOverrides);
        if (printed) std::fprintf(stderr, "\r%*s\r", 40, "");
        result = std::move(run.result);
        prints = std::move(run.netlist.prints);
        if (!quiet) {
            for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";
            if (run.netlist.analyses.empty()) std::cerr << "warning: the netlist has no analysis (.op .dc .ac .tran)\n";
        }
    } catch (const spinspice::InputError& e) {
        std::cerr << e.report();
        return kExitInput;
    } catch (const spinspice::SimulationError& e) {
        std::cerr << e.report();
        return kExitSimulation;
    } catch (const std::exception& e) {
        std::cerr << "spinspice: internal error: " << e.what() << "\n";
        return kExitSimulation;
    }

    for (const auto& w : result.analyses) {
        if (w.type == "op" && w.error.empty()) printOperatingPoint(w);
        if (stats) printStats(w);
        if (!w.error.empty()) std::cerr << "error: " << w.name << ": " << w.error << "\n";
    }
    spinspice::printTables(result, prints, std::cout, std::cerr);
    spinspice::printMeasurements(result, std::cout);

    // Every requested file is written, also after a failed analysis (its points so far).
    bool writeFailed = false;
    auto writeOutput = [&](const std::string& path, const auto& write) {
        if (path.empty()) return;
        try {
            write();
        } catch (const std::exception& e) {
            std::cerr << "spinspice: " << e.what() << "\n";
            writeFailed = true;
        }
    };
    writeOutput(jsonPath, [&] { spinspice::writeJsonFile(result, jsonPath); });
    writeOutput(rawPath, [&] { spinspice::writeRawFile(result, rawPath, !asciiRaw); });
    writeOutput(csvPath, [&] { spinspice::writeCsvFile(result, csvPath); });
    if (writeFailed) return kExitInput;
    return result.failed() ? kExitSimulation : kExitOk;
}
