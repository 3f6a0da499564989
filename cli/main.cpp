// spinspice command line: a thin layer over the library (netlist -> Simulator -> writers).
// Exit status: 0 success, 1 simulation failure (partial waveforms still written), 2 bad input.
#include "analysis/json_writer.hpp"
#include "analysis/simulator.hpp"
#include "devices/param_table.hpp"
#include "netlist/netlist.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
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
           "  --stats            print timepoints, Newton iterations, factorisations and timings to stderr\n"
           "  --describe TYPE    print the parameter table of a device type (r c l k v i e f g h d)\n"
           "  -q, --quiet        do not print warnings\n"
           "  --no-progress      no progress indicator on a terminal\n"
           "  -h, --help         this help\n"
           "  --version          print the version\n"
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
    std::string netlistPath, jsonPath;
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
        } else if (a == "--stats") {
            stats = true;
        } else if (a == "-q" || a == "--quiet") {
            quiet = true;
        } else if (a == "--no-progress") {
            progressAllowed = false;
        } else if (a == "--describe") {
            const std::string type = value("a device type");
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

    spinspice::SimulationResult result;
    try {
        spinspice::Simulator simulator(spinspice::loadNetlistFile(netlistPath));
        if (!quiet)
            for (const auto& w : simulator.warnings()) std::cerr << "warning: " << w << "\n";
        if (simulator.netlist().analyses.empty() && !quiet)
            std::cerr << "warning: the netlist has no analysis (.op .dc .ac .tran)\n";

        // Progress on a terminal, for runs longer than a second.
        const bool tty = progressAllowed && isatty(STDERR_FILENO);
        const auto start = std::chrono::steady_clock::now();
        bool printed = false;
        spinspice::ProgressCallback progress;
        if (tty)
            progress = [&](const std::string& name, double fraction) {
                if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
                std::fprintf(stderr, "\r%s: %5.1f %%", name.c_str(), 100.0 * fraction);
                std::fflush(stderr);
                printed = true;
            };
        result = simulator.runAll(progress);
        if (printed) std::fprintf(stderr, "\r%*s\r", 40, "");
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
    if (!jsonPath.empty()) {
        try {
            spinspice::writeJsonFile(result, jsonPath);
        } catch (const std::exception& e) {
            std::cerr << "spinspice: " << e.what() << "\n";
            return kExitInput;
        }
    }
    return result.failed() ? kExitSimulation : kExitOk;
}
