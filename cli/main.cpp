// spinspice command line: a thin layer over the library (netlist -> Simulator -> writers).
// Exit status: 0 success, 1 simulation failure (partial waveforms still written), 2 bad input,
// 130 interrupted (Ctrl-C; the results so far are written).
#include "analysis/csv_writer.hpp"
#include "analysis/device_check.hpp"
#include "analysis/json_writer.hpp"
#include "analysis/print_tables.hpp"
#include "analysis/raw_writer.hpp"
#include "analysis/run_netlist.hpp"
#include "analysis/waveform_stream.hpp"
#include "cli/mpi_launch.hpp"
#include "devices/registry.hpp"
#include "solver/options.hpp"

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kExitOk = 0, kExitSimulation = 1, kExitInput = 2, kExitInterrupted = 130;

// Set by SIGINT; read by the simulation between steps (a lock-free atomic is async-signal-safe).
std::atomic<bool> gStop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void onInterrupt(int) {
    gStop.store(true);
}

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
           "  --stream FILE.csv  write every transient's points to CSV as they are computed (FILE.tran1.csv, ...\n"
           "                     when several) and keep in memory only the signals .meas, .print, .spectrum and\n"
           "                     .four read: long runs in bounded memory (-o/-r/--csv then hold those signals)\n"
           "  --stats            print timepoints, Newton iterations, factorisations and timings to stderr, and\n"
           "                     write the timings into the JSON stats\n"
           "  --describe TYPE    print the parameter table of a device type (an element letter, a compact-model\n"
           "                     type such as mtj, all), or the simulator options (options)\n"
           "  --check-device TYPE [param=value ...]\n"
           "                     check a device type's Jacobian against finite differences and its declared\n"
           "                     traits against its equations (plugins: give --plugin first); exit 1 on failure\n"
           "  --seed N           seed of the random streams (thermal noise, p-bits, sMTJs); overrides .options seed\n"
           "  --plugin LIB.so    load a device plugin (as the .plugin card; give it before --describe)\n"
           "  -j, --jobs N       threads for the points of .step and the Monte-Carlo samples (default: the\n"
           "                     cores); the results do not depend on it (each point's random streams are\n"
           "                     keyed by seed, sample and device)\n"
           "  -q, --quiet        do not print warnings\n"
           "  --no-progress      no progress indicator on a terminal\n"
           "  -h, --help         this help\n"
           "  --version          print the version\n"
           "\n"
           "`.print` tables, `.four` tables, `.spectrum` summaries and `.meas` results are printed to stdout\n"
           "after the run. Ctrl-C stops the run and writes what was computed.\n"
           "\n"
           "exit status: 0 success, 1 simulation failure (partial results are still written), 2 bad input,\n"
           "130 interrupted\n"
           "\n"
           "mpirun -n R spinspice NETLIST ... splits the .step points and Monte-Carlo samples over R processes\n"
           "(on every rank -j defaults to the cores / the ranks per machine); rank 0 writes the output, the\n"
           "same as one process would\n";
}

struct Arguments {
    std::string netlist, json, raw, csv, stream;
    bool asciiRaw = false, stats = false, quiet = false, progress = true;
    int jobs = std::max(1U, std::thread::hardware_concurrency()); // threads for .step points
    bool jobsGiven = false;
    spinspice::OptionOverrides overrides;
    spinspice::TaskDistribution* distribution = nullptr; // under mpirun
    bool primary() const { return !distribution || distribution->rank() == 0; }
};

// --describe TYPE: a parameter table, all of them, or the options.
int describe(const std::string& type) {
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
}

// --check-device TYPE [param=value ...] (the values follow the type).
int checkDevice(const std::string& type, const std::vector<std::string>& args, std::size_t& i) {
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
}

// Parses the command line. Commands that finish here (--help, --describe, ...) give their exit status.
std::optional<int> parseArguments(const std::vector<std::string>& args, Arguments& out) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* what) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                std::cerr << "spinspice: " << a << " needs " << what << "\n";
                return std::nullopt;
            }
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            printUsage(std::cout);
            return kExitOk;
        } else if (a == "--version") {
            std::cout << "spinspice " << SPINSPICE_VERSION << "\n";
            return kExitOk;
        } else if (a == "-o" || a == "--output" || a == "-r" || a == "--raw" || a == "--csv" || a == "--stream") {
            const auto path = value("a file name");
            if (!path) return kExitInput;
            (a == "--stream"               ? out.stream
             : a == "--csv"                ? out.csv
             : (a == "-r" || a == "--raw") ? out.raw
                                           : out.json) = *path;
        } else if (a == "--ascii-raw") {
            out.asciiRaw = true;
        } else if (a == "--plugin") { // loaded now, so a later --describe sees its types
            const auto path = value("a shared-library path");
            if (!path) return kExitInput;
            try {
                spinspice::loadPlugin(*path);
            } catch (const spinspice::InputError& e) {
                std::cerr << e.report();
                return kExitInput;
            }
        } else if (a == "--seed") {
            const auto text = value("an integer");
            if (!text) return kExitInput;
            char* end = nullptr;
            const double seed = std::strtod(text->c_str(), &end);
            if (end == text->c_str() || *end != '\0' || !(seed >= 0 && seed <= 9007199254740992.0) ||
                seed != std::floor(seed)) {
                std::cerr << "spinspice: --seed needs an integer in [0, 2^53] (got '" << *text << "')\n";
                return kExitInput;
            }
            out.overrides["seed"] = seed;
        } else if (a == "-j" || a == "--jobs") {
            const auto text = value("a thread count");
            if (!text) return kExitInput;
            char* end = nullptr;
            const long jobs = std::strtol(text->c_str(), &end, 10);
            if (end == text->c_str() || *end != '\0' || jobs < 1 || jobs > 1024) {
                std::cerr << "spinspice: -j needs a thread count in [1, 1024] (got '" << *text << "')\n";
                return kExitInput;
            }
            out.jobs = static_cast<int>(jobs);
            out.jobsGiven = true;
        } else if (a == "--stats") {
            out.stats = true;
        } else if (a == "-q" || a == "--quiet") {
            out.quiet = true;
        } else if (a == "--no-progress") {
            out.progress = false;
        } else if (a == "--check-device") {
            const auto type = value("a device type");
            return type ? checkDevice(*type, args, i) : kExitInput;
        } else if (a == "--describe") {
            const auto type = value("a device type");
            return type ? describe(*type) : kExitInput;
        } else if (!a.empty() && a[0] == '-') {
            std::cerr << "spinspice: unknown option '" << a << "' (see --help)\n";
            return kExitInput;
        } else if (out.netlist.empty()) {
            out.netlist = a;
        } else {
            std::cerr << "spinspice: more than one netlist given ('" << out.netlist << "', '" << a << "')\n";
            return kExitInput;
        }
    }
    if (out.netlist.empty()) {
        printUsage(std::cerr);
        return kExitInput;
    }
    if (out.asciiRaw && out.raw.empty()) {
        std::cerr << "spinspice: --ascii-raw needs -r FILE.raw\n";
        return kExitInput;
    }
    return std::nullopt;
}

// Every output can be created: checked before the simulation, not after it.
bool outputsWritable(const Arguments& args) {
    namespace fs = std::filesystem;
    for (const std::string* path : {&args.json, &args.raw, &args.csv, &args.stream}) {
        if (path->empty()) continue;
        const fs::path p(*path);
        const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
        std::error_code ec;
        std::string why;
        if (fs::is_directory(p, ec))
            why = "it is a directory";
        else if (!fs::is_directory(dir, ec))
            why = "the directory '" + dir.string() + "' does not exist";
        else if (access(dir.c_str(), W_OK) != 0 && !fs::exists(p, ec))
            why = "the directory '" + dir.string() + "' is not writable";
        else if (fs::exists(p, ec) && access(p.c_str(), W_OK) != 0)
            why = "the file is not writable";
        if (!why.empty()) {
            std::cerr << "spinspice: cannot write '" << *path << "': " << why << " (nothing was simulated)\n";
            return false;
        }
    }
    return true;
}

void printStats(const spinspice::Waveforms& w) {
    const auto& s = w.stats;
    std::fprintf(stderr,
                 "%s (%s): accepted %ld, rejected %ld, newton iterations %ld, factorisations %ld (+%ld refactor), "
                 "solves %ld\n  time: eval %.4f s, factor %.4f s, solve %.4f s, total %.4f s\n",
                 w.name.c_str(), w.type.c_str(), s.accepted, s.rejected, s.iterations, s.factorizations,
                 s.refactorizations, s.solves, s.timeEval, s.timeFactor, s.timeSolve, s.timeTotal);
    if (s.linearIterations > 0)
        std::fprintf(stderr, "  conjugate-gradient iterations %ld (DC systems solved by PCG)\n", s.linearIterations);
}

void printOperatingPoint(const spinspice::Waveforms& w) {
    std::string step;
    for (const auto& [name, value] : w.step) {
        char text[64];
        std::snprintf(text, sizeof text, "%s%s=%g", step.empty() ? " (step " : ", ", name.c_str(), value);
        step += text;
    }
    std::printf("%s: operating point%s\n", w.name.c_str(), step.empty() ? "" : (step + ")").c_str());
    for (std::size_t k = 0; k < w.names.size(); ++k)
        if (!w.re[k].empty()) std::printf("  %-24s %.9g\n", w.names[k].c_str(), w.re[k].front());
}

// Runs the netlist; bad input and failures before any analysis give an exit status here.
std::optional<int> simulate(const Arguments& args, spinspice::SimulationResult& result,
                            std::vector<spinspice::PrintSpec>& prints, bool& secondary) {
    try {
        // Progress on a terminal, for runs longer than a second.
        const bool tty = args.progress && isatty(STDERR_FILENO);
        const auto start = std::chrono::steady_clock::now();
        bool printed = false;
        spinspice::RunObserver observer;
        observer.stop = &gStop;
        observer.exitAfterRun = true; // main() returns once the results are written
        std::optional<spinspice::CsvWaveformStream> stream;
        if (!args.stream.empty()) {
            stream.emplace(args.stream);
            observer.stream = &*stream;
        }
        std::mutex progressMutex; // .step points report from several threads
        if (tty)
            observer.progress = [&](const std::string& name, double fraction) {
                std::lock_guard<std::mutex> lock(progressMutex);
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
        spinspice::NetlistRun run =
            spinspice::simulateNetlistFile(args.netlist, observer, args.overrides, args.jobs, args.distribution);
        if (printed) std::fprintf(stderr, "\r%*s\r", 40, "");
        secondary = run.secondary;
        result = std::move(run.result);
        prints = std::move(run.netlist.prints);
        if (!args.quiet) {
            for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";
            if (run.netlist.analyses.empty()) std::cerr << "warning: the netlist has no analysis (.op .dc .ac .tran)\n";
        }
    } catch (const spinspice::InputError& e) {
        if (args.primary()) std::cerr << e.report(); // under mpirun every rank finds it: rank 0 reports
        return kExitInput;
    } catch (const spinspice::SimulationError& e) {
        if (args.primary()) std::cerr << e.report();
        return kExitSimulation;
    } catch (const std::exception& e) {
        std::cerr << "spinspice: internal error: " << e.what() << "\n";
        return kExitSimulation;
    }
    return std::nullopt;
}

// Every requested file is written, also after a failed or interrupted analysis (its points so far).
bool writeOutputs(const Arguments& args, const spinspice::SimulationResult& result) {
    bool ok = true;
    auto write = [&](const std::string& path, const auto& writer) {
        if (path.empty()) return;
        try {
            writer();
        } catch (const std::exception& e) {
            std::cerr << "spinspice: " << e.what() << "\n";
            ok = false;
        }
    };
    spinspice::JsonOptions json;
    json.timings = args.stats;
    write(args.json, [&] { spinspice::writeJsonFile(result, args.json, json); });
    write(args.raw, [&] { spinspice::writeRawFile(result, args.raw, !args.asciiRaw); });
    write(args.csv, [&] { spinspice::writeCsvFile(result, args.csv); });
    return ok;
}

// glibc returns every freed block of 128 kB or more to the kernel (munmap) and trims the heap top
// beyond 128 kB, so each analysis' work arrays (matrices, KLU's factors, phasors) are faulted in anew,
// with a TLB shootdown per unmap; on a virtual machine those dominate a short analysis (the digits
// network's .tones: 13.8 -> 9.8 ms median with the old code, 11.9 -> 8.9 ms with the new). Blocks up
// to 4 MB come from the heap instead, which keeps up to 64 MB free and grows in 8 MB steps. A process
// setting only: the library leaves the allocator alone.
void tuneAllocator() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 8 << 20);
#endif
}

// A large netlist (hundreds of thousands of elements) spends a quarter of its time in page faults on
// the heap: glibc's allocator backs it with transparent huge pages when its tunable says so, which
// only the environment at start can set. Such a run restarts itself once with it (not under mpirun;
// SPINSPICE_NO_HUGEPAGES=1 or a GLIBC_TUNABLES naming hugetlb leave it alone). 512x512 crossbar: 18 -> 14 s.
void restartWithHugePages(const Arguments& args, char** argv) {
#if defined(__GLIBC__)
    constexpr std::uintmax_t kLargeNetlist = 8u << 20; // bytes of netlist text
    if (std::getenv("SPINSPICE_NO_HUGEPAGES") || spinspice::MpiLaunch::launchedRanks() > 1) return;
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables && std::string(tunables).find("hugetlb") != std::string::npos) return;
    std::error_code ec;
    const auto size = std::filesystem::file_size(args.netlist, ec);
    if (ec || size < kLargeNetlist) return;
    const std::string value =
        std::string(tunables ? tunables : "") + (tunables && *tunables ? ":" : "") + "glibc.malloc.hugetlb=1";
    if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
    execv("/proc/self/exe", argv); // returns only if it failed: then run as we are
    unsetenv("GLIBC_TUNABLES");
    if (tunables) setenv("GLIBC_TUNABLES", tunables, 1);
#else
    (void)args;
    (void)argv;
#endif
}

} // namespace

int main(int argc, char** argv) {
    tuneAllocator();
    Arguments args;
    if (const auto done = parseArguments(std::vector<std::string>(argv + 1, argv + argc), args)) return *done;
    restartWithHugePages(args, argv);
    if (!outputsWritable(args)) return kExitInput;
    // Ctrl-C stops the run and keeps what it computed; a second one ends the process at once.
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    action.sa_flags = static_cast<int>(SA_RESETHAND);
    sigaction(SIGINT, &action, nullptr);

    // Under mpirun: the .step points and Monte-Carlo samples are split over the ranks, rank 0 writes.
    spinspice::MpiLaunch mpi;
    if (spinspice::MpiLaunch::launchedRanks() > 1) {
        if (!mpi.start(&argc, &argv)) {
            std::cerr << "spinspice: " << mpi.error() << "\n";
            return kExitInput;
        }
        args.distribution = mpi.distribution();
        if (!args.stream.empty()) {
            if (args.primary())
                std::cerr << "spinspice: --stream cannot be used under mpirun (every rank would write the file): "
                             "use -o, -r or --csv, which rank 0 writes\n";
            return kExitInput;
        }
        if (!args.jobsGiven) // the cores shared by the ranks on this machine
            args.jobs =
                std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / spinspice::MpiLaunch::localRanks());
        if (!args.primary()) {
            args.quiet = true;
            args.progress = false;
        }
    }

    spinspice::SimulationResult result;
    std::vector<spinspice::PrintSpec> prints;
    bool secondary = false;
    if (const auto failed = simulate(args, result, prints, secondary)) return *failed;
    if (secondary) return kExitOk; // its results went to rank 0

    bool interrupted = false;
    for (const auto& w : result.analyses) {
        if (w.type == "op" && w.error.empty()) printOperatingPoint(w);
        if (args.stats) printStats(w);
        if (!w.error.empty()) std::cerr << (w.interrupted ? "" : "error: ") << w.name << ": " << w.error << "\n";
        interrupted = interrupted || w.interrupted;
    }
    spinspice::printTables(result, prints, std::cout, std::cerr);
    spinspice::printSpectral(result, std::cout);
    spinspice::printMeasurements(result, std::cout);
    const bool written = writeOutputs(args, result);
    if (interrupted || gStop.load()) {
        std::cerr << "spinspice: interrupted; the results computed so far are written\n";
        return kExitInterrupted;
    }
    if (!written) return kExitInput;
    return result.failed() ? kExitSimulation : kExitOk;
}
