#include "solver/options.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <sstream>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxCount = 1e9;               // iteration and step counts
constexpr double kMaxSeed = 9007199254740992.0; // 2^53: every integer up to it is a double

struct Row {
    OptionSpec option;
    std::function<void(SimOptions&, double)> set; // numeric options
};

ParamSpec spec(const char* name, double def, const char* unit, double lo, double hi, bool loExclusive, ParamKind kind,
               const char* description) {
    ParamSpec s{name, def, unit, description};
    s.min = lo;
    s.max = hi;
    s.minExclusive = loExclusive;
    s.kind = kind;
    return s;
}

template <class T> std::function<void(SimOptions&, double)> setter(T SimOptions::*member) {
    return [member](SimOptions& o, double v) { o.*member = static_cast<T>(v); };
}

const std::vector<Row>& rows() {
    using K = ParamKind;
    static const std::vector<Row> table = {
        {{spec("reltol", 1e-3, "", 0, 1, true, K::Real,
               "relative tolerance (Newton updates and residuals, truncation error)")},
         setter(&SimOptions::reltol)},
        {{spec("abstol", 1e-12, "A", 0, kInf, true, K::Real, "absolute current tolerance")},
         setter(&SimOptions::abstol)},
        {{spec("vntol", 1e-6, "V", 0, kInf, true, K::Real, "absolute voltage tolerance")}, setter(&SimOptions::vntol)},
        {{spec("chgtol", 1e-14, "C", 0, kInf, true, K::Real, "charge floor of the truncation-error test")},
         setter(&SimOptions::chgtol)},
        {{spec("trtol", 7, "", 0, kInf, true, K::Real, "truncation-error overestimate factor")},
         setter(&SimOptions::trtol)},
        {{spec("gmin", 1e-12, "S", 0, kInf, true, K::Real, "conductance across every diode junction")},
         setter(&SimOptions::gmin)},
        {{spec("itl1", 100, "", 1, kMaxCount, false, K::Integer, "Newton iteration limit for DC")},
         setter(&SimOptions::itl1)},
        {{spec("itl4", 10, "", 1, kMaxCount, false, K::Integer,
               "Newton iteration limit per time point (then the step is cut by 8)")},
         setter(&SimOptions::itl4)},
        {{spec("method", 0, "", -kInf, kInf, false, K::Real, "integration method: trap, gear (BDF2) or euler"),
          {"trap", "gear", "euler"}},
         nullptr},
        {{spec("linsolver", 0, "", -kInf, kInf, false, K::Real,
               "solver of the real systems: auto (PCG for a DC system of >= 2e5 unknowns that reduces to a "
               "symmetric nodal matrix carried by lines, e.g. a crossbar; UMFPACK for a linear circuit whose KLU "
               "factor would exceed 6e6 entries in L; else KLU), klu, umfpack or pcg (DC systems; KLU where PCG "
               "does not apply)"),
          {"auto", "klu", "umfpack", "pcg"}},
         nullptr},
        {{spec("maxord", 2, "", 1, 2, false, K::Integer, "maximum integration order")}, setter(&SimOptions::maxord)},
        {{spec("temp", 27, "degC", -273.15, kInf, false, K::Real, "circuit temperature (also .temp)")},
         setter(&SimOptions::temp)},
        {{spec("tnom", 27, "degC", -273.15, kInf, false, K::Real, "parameter measurement temperature")},
         setter(&SimOptions::tnom)},
        {{spec("gminsteps", 10, "", 0, kMaxCount, false, K::Integer,
               "gmin stepping decades; 0 disables gmin stepping")},
         setter(&SimOptions::gminSteps)},
        {{spec("srcsteps", 10, "", 0, kMaxCount, false, K::Integer,
               "initial source-stepping steps; 0 disables source stepping")},
         setter(&SimOptions::srcSteps)},
        {{spec("pivtol", 1e-13, "", 0, kInf, true, K::Real,
               "absolute threshold on the (unscaled) LU pivots below which the matrix is singular")},
         setter(&SimOptions::pivtol)},
        {{spec("residualcheck", 1, "", 0, 1, false, K::Flag,
               "also require small KCL/branch residuals for Newton convergence")},
         [](SimOptions& o, double v) { o.residualCheck = v != 0; }},
        {{spec("pseudotran", 1, "", 0, 1, false, K::Flag,
               "0 disables pseudo-transient continuation (the last operating-point fall-back)")},
         [](SimOptions& o, double v) { o.pseudoTransient = v != 0; }},
        {{spec("maxpoints", 1e8, "", 1, 1e12, false, K::Integer,
               "accepted time points one transient may take; a .tran that needs more stops at once with a "
               "message")},
         [](SimOptions& o, double v) { o.maxPoints = static_cast<long>(v); }},
        {{spec("maxoutput", 2e9, "bytes", 1e3, 1e15, false, K::Real,
               "waveform values a run may hold, 8 bytes each (all analyses): a .tran that needs more stops at once "
               "with a message, any analysis that reaches it stops there keeping what it computed")},
         setter(&SimOptions::maxOutput)},
        {{spec("interp", 0, "", 0, 1, false, K::Flag,
               "1: .tran writes its waveforms at multiples of tstep only (linear interpolation between the "
               "accepted points, as ngspice's interp): long runs keep tstop/tstep points, not every internal step")},
         [](SimOptions& o, double v) { o.interp = v != 0; }},
        {{spec("autostop", 0, "", 0, 1, false, K::Flag,
               "1: a .tran ends as soon as every .meas tran has its final value (a WHEN/TRIG/TARG crossing found, "
               "AT= or TO= passed), as HSPICE's .option autostop; a .meas that can only end at tstop (AVG without "
               "TO=, CROSS=LAST) keeps the run going")},
         [](SimOptions& o, double v) { o.autostop = v != 0; }},
        {{spec("latency", 1, "", 0, 1, false, K::Flag,
               "1: a .tran of a circuit without capacitors or inductors that is linear between events (p-bit "
               "networks with resistive or controlled-source synapses, sMTJs with vh=0) advances each time point by "
               "updating only the unknowns that the changed sources, events and flipped conductances reach (block "
               "triangular form), not by solving the whole circuit; same answers to rounding. 0: a full solve at "
               "every point")},
         [](SimOptions& o, double v) { o.latency = v != 0; }},
        {{spec("waveforms", 1, "", 0, 1, false, K::Flag,
               "0: analyses keep and write only their .meas, .four and .spectrum results, no waveforms, and a "
               ".tran holds only the vectors those cards read while it runs (Monte Carlo with many samples)")},
         [](SimOptions& o, double v) { o.waveforms = v != 0; }},
        {{spec("nfreqs", 10, "", 2, 1000, false, K::Integer,
               ".four: the table has the DC value and harmonics 1 ... nfreqs - 1 (as ngspice)")},
         [](SimOptions& o, double v) { o.fourierHarmonics = static_cast<int>(v); }},
        {{spec("fourgridsize", 200, "", 4, 1e6, false, K::Integer,
               ".four: points of the linear interpolation over the last period (as ngspice); at least 2 nfreqs")},
         [](SimOptions& o, double v) { o.fourierGrid = static_cast<int>(v); }},
        {{spec("seed", 1, "", 0, kMaxSeed, false, K::Integer,
               "key of the random streams (thermal fields, sMTJ flips, p-bit updates); --seed N overrides it")},
         [](SimOptions& o, double v) { o.seed = static_cast<std::uint64_t>(v); }},
    };
    return table;
}

const Row* findRow(const std::string& key) {
    for (const auto& r : rows())
        if (r.option.spec.name == key) return &r;
    return nullptr;
}

bool ngspiceOnly(const std::string& key) {
    static const std::vector<std::string> keys = {"itl2",   "itl3", "itl5",   "klu",   "noinit",
                                                  "pivrel", "acct", "nopage", "sparse"};
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}
} // namespace

const std::vector<OptionSpec>& optionTable() {
    static const std::vector<OptionSpec> specs = [] {
        std::vector<OptionSpec> out;
        for (const auto& r : rows()) out.push_back(r.option);
        return out;
    }();
    return specs;
}

SimOptions parseOptions(const std::map<std::string, double>& numeric, const std::map<std::string, std::string>& text,
                        std::vector<std::string>& warnings, const std::map<std::string, SourceOrigin>* origins) {
    auto where = [&](const std::string& key) {
        if (origins)
            if (auto it = origins->find(key); it != origins->end()) return it->second;
        return SourceOrigin{};
    };
    auto error = [&](const std::string& key, const std::string& message, const std::string& hint) {
        const SourceOrigin o = where(key);
        return InputError(message, o.loc, o.lineText, hint);
    };
    SimOptions o;
    for (const auto& [key, v] : numeric) {
        const Row* row = findRow(key);
        if (!row || !row->set) {
            if (row)
                throw InputError(".options " + key + " needs a name, not a number", {}, {},
                                 "e.g. .options method=gear");
            warnings.push_back(ngspiceOnly(key) ? ".options " + key +
                                                      " has no effect in spinspice (accepted for ngspice compatibility)"
                                                : "unknown option '" + key + "' ignored");
            continue;
        }
        if (auto problem = paramProblem(row->option.spec, v))
            throw error(key, ".options " + problem->message, problem->hint);
        row->set(o, v);
    }
    for (const auto& [key, v] : text) {
        if (key == "linsolver") {
            using L = SimOptions::LinearSolver;
            if (v == "auto" || v == "umfpack" || v == "klu" || v == "pcg")
                o.linsolver = v == "auto" ? L::Auto : v == "klu" ? L::Klu : v == "pcg" ? L::Pcg : L::Umfpack;
            else
                throw error(key, ".options linsolver=" + v + " is not known",
                            "use linsolver=auto, klu, umfpack or pcg");
            continue;
        }
        if (key != "method") {
            warnings.push_back("unknown option '" + key + "=" + v + "' ignored");
            continue;
        }
        if (v == "trap" || v == "trapezoidal")
            o.method = SimOptions::Method::Trap;
        else if (v == "gear" || v == "bdf2" || v == "gear2")
            o.method = SimOptions::Method::Gear;
        else if (v == "euler" || v == "be") {
            o.method = SimOptions::Method::Gear;
            o.maxord = 1;
        } else
            throw error(key, ".options method=" + v + " is not known", "use method=trap, gear or euler");
    }
    return o;
}

std::string describeOptions() {
    std::ostringstream out;
    out << "| option | default | unit | range | meaning |\n|---|---|---|---|---|\n";
    for (const auto& o : optionTable()) {
        const ParamSpec& s = o.spec;
        std::string def = formatParamNumber(s.defaultValue), range;
        if (!o.choices.empty()) {
            def = o.choices.front();
            for (const auto& c : o.choices) range += (range.empty() ? "" : ", ") + c;
        } else {
            range = formatParamRange(s);
        }
        out << "| `" << s.name << "` | " << def << " | " << s.unit << " | " << range << " | " << s.description
            << " |\n";
    }
    out << "\nngspice-only options (`klu`, `itl2`, ...) are accepted with a warning; unknown ones are warned about.\n";
    return out.str();
}

} // namespace spinspice
