#include "analysis/device_check.hpp"

#include "analysis/build_circuit.hpp"
#include "analysis/simulator.hpp"
#include "core/random.hpp"
#include "devices/registry.hpp"
#include "netlist/netlist.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace spinspice {
namespace {

std::string number(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}

// ---- the check circuit ------------------------------------------------------------------------------
// The device under test "?dut" on nodes n1..nk, with what its references need; every given parameter on
// the `.model` card where the type takes one and the parameter may be there, else on the instance.
std::string checkNetlist(const DeviceType& type, const std::map<std::string, double>& params) {
    std::ostringstream deck;
    deck << "device check: " << type.name << "\n";
    const char letter = type.letter;
    const bool hasModel = !type.modelTypes.empty();
    std::string modelCard, instance;
    for (const auto& [name, value] : params) {
        const ParamSpec* spec = type.findModelParam(name);
        const bool onModel = hasModel && spec && (spec->onModel());
        (onModel ? modelCard : instance) += " " + name + "=" + number(value);
    }
    if (hasModel) deck << ".model mcheck " << type.modelTypes.front() << " (" << modelCard << " )\n";
    const int nodes = type.compactModel() ? type.maxNodes : type.minNodes;
    std::string terminals;
    for (int k = 1; k <= nodes; ++k) terminals += " n" + std::to_string(k);
    // A positional value where the card needs one (the table's default, or a usable one when it is 0).
    std::string value;
    if (!type.valueParam.empty() && !params.count(type.valueParam)) {
        const ParamSpec* spec = type.findInstanceParam(type.valueParam);
        double v = spec ? spec->defaultValue : 1.0;
        if (letter == 'c' && v == 0) v = 1e-12;
        if (letter == 'l' && v == 0) v = 1e-6;
        if (letter == 'k' && v == 0) v = 0.5;
        value = " " + number(v);
    }
    const std::string name = std::string(1, letter) + "dut";
    switch (letter) {
    case 'k': deck << name << " l1 l2" << value << instance << "\nl1 n1 0 1u\nl2 n2 0 2u\n"; break;
    case 'f':
    case 'h': deck << name << terminals << " vc" << value << instance << "\nvc n3 0 0.1\n"; break;
    case 'w': deck << name << terminals << " vc mcheck" << instance << "\nvc n3 0 0.1\n"; break;
    case 'v':
    case 'i': deck << name << terminals << " dc 0.5" << instance << "\n"; break;
    case 'b':
        deck << name << terminals << " I={v(n1)*v(n2) + exp(0.3*v(n1)) - 0.5*tanh(v(n2)) + sqrt(1+v(n1)^2)}\n";
        deck << "bvdut n3 n4 V={v(n1)/(2+v(n2)^2) + sin(v(n3)) + atan(v(n1,n2))}\n";
        break;
    default: deck << name << terminals << (hasModel ? " mcheck" : "") << value << instance << "\n"; break;
    }
    deck << ".end\n";
    return deck.str();
}

// ---- evaluation -----------------------------------------------------------------------------------------
struct Loaded {
    std::vector<double> f, q, fscale, jf, jq;
    int limited = 0;
};

class Evaluator {
public:
    explicit Evaluator(const Circuit& c) : circuit_(c) {
        ctx_.env = &c.environment();
        ctx_.dcSources = false;
    }
    // A steady-state solve (DC) or a transient time point at `time`: devices in a rotating frame differ.
    void mode(bool stationary, double time) {
        ctx_.stationary = stationary;
        ctx_.time = time;
    }
    Loaded at(const std::vector<double>& x, bool jacobian = true) {
        const std::size_t n1 = x.size(), nz1 = static_cast<std::size_t>(circuit_.pattern().nnz()) + 1;
        Loaded l{std::vector<double>(n1),  std::vector<double>(n1),  std::vector<double>(n1),
                 std::vector<double>(nz1), std::vector<double>(nz1), 0};
        LoadBuffers out{l.f.data(), l.q.data(), l.fscale.data(), l.jf.data(), l.jq.data(), 0};
        EvalContext ctx = ctx_;
        ctx.x = x.data();
        ctx.jacobianNeeded = jacobian;
        circuit_.load(ctx, out);
        l.limited = out.limited;
        return l;
    }

private:
    const Circuit& circuit_;
    EvalContext ctx_;
};

class Checker {
public:
    Checker(const Circuit& circuit, const DeviceCheckOptions& options, DeviceCheckReport& report)
        : circuit_(circuit), options_(options), report_(report), eval_(circuit), n_(circuit.size()) {
        for (int i = 1; i <= n_; ++i) {
            const UnknownInfo& u = circuit.unknowns()[static_cast<std::size_t>(i)];
            double s = 1.0;
            if (u.nature == Nature::Current) s = 1e-3;
            if (u.nature == Nature::State) s = std::max(std::fabs(u.initial), 1e4 * u.abstol);
            scale_.push_back(s);
        }
    }

    std::vector<double> randomPoint(std::uint64_t index) const {
        const rng::Stream stream(options_.seed, "device-check");
        std::vector<double> x(static_cast<std::size_t>(n_) + 1, 0.0);
        for (int i = 1; i <= n_; ++i) {
            const UnknownInfo& u = circuit_.unknowns()[static_cast<std::size_t>(i)];
            const double r = 2.0 * stream.uniform(index, static_cast<std::uint32_t>(i)) - 1.0;
            const double s = scale_[static_cast<std::size_t>(i - 1)];
            x[static_cast<std::size_t>(i)] = u.nature == Nature::State ? u.initial + 0.2 * s * r : s * r;
        }
        return x;
    }

    // Even points as a DC solve, odd ones as a transient time point.
    void checkPoint(const std::vector<double>& x, std::uint64_t index) {
        eval_.mode(index % 2 == 0, 1e-10 * static_cast<double>(index));
        checkPoint(x);
    }
    void checkPoint(const std::vector<double>& x) {
        // Devices with Newton limiting (junctions) first walk their memory to x.
        Loaded base = eval_.at(x);
        for (int k = 0; k < 200 && base.limited > 0; ++k) base = eval_.at(x);
        ++report_.pointsChecked;
        for (int col = 1; col <= n_; ++col) checkColumn(x, base, col);
        checkChord(x, base);
    }

    void checkTraits(const std::vector<double>& x1, const std::vector<double>& x2) {
        bool linear = true, chargeFree = true;
        for (const auto& d : circuit_.devices()) {
            linear = linear && d->traits().linear();
            chargeFree = chargeFree && d->traits().charge == Charge::None;
        }
        const Loaded a = eval_.at(x1), b = eval_.at(x2);
        if (chargeFree) {
            const bool anyQ = std::any_of(a.q.begin() + 1, a.q.end(), [](double v) { return v != 0; }) ||
                              std::any_of(a.jq.begin(), a.jq.end() - 1, [](double v) { return v != 0; });
            if (anyQ) report_.problems.push_back("declares Charge::None but loads charges (q or dq/dx)");
        }
        if (!linear) return;
        double scale = 0, worst = 0;
        for (std::size_t k = 0; k + 1 < a.jf.size(); ++k) {
            scale = std::max({scale, std::fabs(a.jf[k]), std::fabs(a.jq[k])});
            worst = std::max({worst, std::fabs(a.jf[k] - b.jf[k]), std::fabs(a.jq[k] - b.jq[k])});
        }
        if (worst > 1e-9 * scale + 1e-300)
            report_.problems.push_back("declares Linearity::Linear but its Jacobian changes with x (by " +
                                       number(worst / std::max(scale, 1e-300)) + " relative): declare Nonlinear");
    }

private:
    std::string label(int i) const { return circuit_.unknowns()[static_cast<std::size_t>(i)].label(); }

    double rowScale(const Loaded& l, const std::vector<double>& values, int row) const {
        double s = std::fabs(values[static_cast<std::size_t>(row)]);
        if (&values == &l.f) s = std::max(s, l.fscale[static_cast<std::size_t>(row)]);
        const auto& jac = &values == &l.f ? l.jf : l.jq;
        for (int c = 1; c <= n_; ++c)
            if (const int off = circuit_.pattern().find(row, c); off >= 0)
                s = std::max(s,
                             std::fabs(jac[static_cast<std::size_t>(off)]) * scale_[static_cast<std::size_t>(c - 1)]);
        return s;
    }

    // Central differences of f and q in column `col` with step h.
    std::pair<std::vector<double>, std::vector<double>> differences(const std::vector<double>& x, int col, double h) {
        std::vector<double> xp = x, xm = x;
        xp[static_cast<std::size_t>(col)] += h;
        xm[static_cast<std::size_t>(col)] -= h;
        const Loaded p = eval_.at(xp), m = eval_.at(xm);
        std::vector<double> df(x.size()), dq(x.size());
        for (std::size_t r = 1; r < x.size(); ++r) {
            df[r] = (p.f[r] - m.f[r]) / (2 * h);
            dq[r] = (p.q[r] - m.q[r]) / (2 * h);
        }
        eval_.at(x); // leave limiting memory at x
        return {df, dq};
    }

    // The worst error/tolerance ratio of one column; a problem message for the worst entry.
    double columnError(const Loaded& base, int col, const std::vector<double>& df, const std::vector<double>& dq,
                       std::string& problem) const {
        double worst = 0;
        const double colScale = scale_[static_cast<std::size_t>(col - 1)];
        for (int row = 1; row <= n_; ++row) {
            const int off = circuit_.pattern().find(row, col);
            for (int which = 0; which < (options_.checkCharges ? 2 : 1); ++which) {
                const auto& jac = which == 0 ? base.jf : base.jq;
                const double analytic = off >= 0 ? jac[static_cast<std::size_t>(off)] : 0.0;
                const double fd = (which == 0 ? df : dq)[static_cast<std::size_t>(row)];
                const double floor = 1e-7 * rowScale(base, which == 0 ? base.f : base.q, row) / colScale + 1e-300;
                const double tol = options_.relTol * std::max(std::fabs(analytic), std::fabs(fd)) + floor;
                const double ratio = std::fabs(analytic - fd) / tol;
                if (ratio <= worst) continue;
                worst = ratio;
                std::ostringstream msg;
                msg << "d" << (which == 0 ? "f" : "q") << "(" << label(row) << ")/d" << label(col) << ": "
                    << (off < 0 ? "no Jacobian entry declared, " : "") << "analytic " << analytic
                    << ", finite difference " << fd;
                problem = msg.str();
            }
        }
        return worst;
    }

    void checkColumn(const std::vector<double>& x, const Loaded& base, int col) {
        const double h =
            1e-6 * std::max(std::fabs(x[static_cast<std::size_t>(col)]), scale_[static_cast<std::size_t>(col - 1)]);
        std::string problem;
        auto [df, dq] = differences(x, col, h);
        double worst = columnError(base, col, df, dq, problem);
        if (worst > 1.0) { // a kink inside the stencil (a threshold): a hundred times smaller step
            auto [df2, dq2] = differences(x, col, h / 100);
            std::string second;
            worst = std::min(worst, columnError(base, col, df2, dq2, second));
        }
        report_.entriesChecked += 2 * n_;
        report_.worstError = std::max(report_.worstError, worst);
        if (worst > 1.0 && report_.problems.size() < 20) report_.problems.push_back(problem);
    }

    // Chord-safe devices load the same f and q without their Jacobian.
    void checkChord(const std::vector<double>& x, const Loaded& base) {
        const Loaded chord = eval_.at(x, false);
        for (int row = 1; row <= n_; ++row) {
            const auto r = static_cast<std::size_t>(row);
            const double tol = 1e-12 * (base.fscale[r] + std::fabs(base.q[r])) + 1e-300;
            if (std::fabs(chord.f[r] - base.f[r]) > tol || std::fabs(chord.q[r] - base.q[r]) > tol) {
                report_.problems.push_back("a chord evaluation (jacobianNeeded = false) loads a different f or q at " +
                                           label(row));
                return;
            }
        }
    }

    const Circuit& circuit_;
    const DeviceCheckOptions& options_;
    DeviceCheckReport& report_;
    Evaluator eval_;
    int n_;
    std::vector<double> scale_; // typical size of each unknown (FD steps, tolerance floors)
};
} // namespace

std::string DeviceCheckReport::summary() const {
    std::ostringstream out;
    out << "device check of '" << type << "': " << pointsChecked << " points, " << entriesChecked
        << " Jacobian entries against central differences, worst error " << worstError << " of tolerance\n";
    out << "  unknowns:";
    for (std::size_t i = 0; i < unknowns.size(); ++i) out << " " << i + 1 << "=" << unknowns[i];
    out << "\n";
    if (problems.empty()) out << "  passed\n";
    for (const auto& p : problems) out << "  FAILED: " << p << "\n";
    return out.str();
}

DeviceCheckReport checkDeviceType(const std::string& typeName, const std::map<std::string, double>& params,
                                  const DeviceCheckOptions& options) {
    const DeviceType* type = findDeviceType(typeName);
    if (!type)
        throw InputError("unknown device type '" + typeName + "'", {}, {},
                         suggestionHint(typeName, knownDeviceTypes()));
    if (type->letter == 'x') throw InputError("'x' (subcircuit instances) has no equations to check");
    DeviceCheckReport report;
    report.type = type->name;
    const FlatCircuit flat = loadNetlistString(checkNetlist(*type, params), "<device check>");
    std::vector<std::string> warnings;
    const auto circuit = buildCircuit(flat, optionsFromNetlist(flat, warnings));
    for (int i = 1; i <= circuit->size(); ++i)
        report.unknowns.push_back(circuit->unknowns()[static_cast<std::size_t>(i)].label());
    Checker checker(*circuit, options, report);
    for (int p = 0; p < options.points; ++p) {
        const auto index = static_cast<std::uint64_t>(p);
        checker.checkPoint(checker.randomPoint(index), index);
    }
    for (const auto& x : options.extraPoints) {
        if (x.size() != static_cast<std::size_t>(circuit->size()) + 1)
            throw InputError("device check: an explicit point needs " + std::to_string(circuit->size() + 1) +
                             " values (ground first)");
        checker.checkPoint(x);
    }
    checker.checkTraits(checker.randomPoint(1000), checker.randomPoint(1001));
    return report;
}

} // namespace spinspice
