// The Jacobian checker (analysis/device_check.hpp) over every registered device type with several
// parameter sets, and its negative controls: a device with a wrong derivative, a nonlinear device
// declared linear, an undeclared Jacobian entry and a device that loads charges it declares absent all
// fail it.
#include "analysis/device_check.hpp"
#include "devices/device_api.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;

namespace {
void requirePass(const std::string& type, const std::map<std::string, double>& params = {},
                 DeviceCheckOptions options = {}) {
    for (std::uint64_t seed : {1u, 2u}) {
        options.seed = seed;
        const DeviceCheckReport report = checkDeviceType(type, params, options);
        INFO(report.summary());
        CHECK(report.ok());
        CHECK(report.pointsChecked >= options.points);
        CHECK(report.worstError < 1.0);
    }
}

// Negative controls, registered in the test binary only (names start with "checkbug_").
struct BugParams {
    int bug = 0; // 1: wrong df/dv, 2: declared linear, 3: undeclared entry, 4: charge declared absent
};
const ParamTable<BugParams> kBugParams{integerParam("bug", &BugParams::bug, 0, 0, 4, "which planted bug")};

// i = v^3 between two terminals, with the planted bugs (bug 3: the off-diagonal entries are not declared).
class BuggyDevice : public Device {
public:
    BuggyDevice(const InstanceContext& c, const BugParams& p)
        : Device(c.name(), c.loc()), nodes_{c.nodes()[0], c.nodes()[1]}, bug_(p.bug) {}
    DeviceTraits traits() const override {
        return {bug_ == 2 ? Linearity::Linear : Linearity::Nonlinear, Chord::Unsafe, Charge::None,
                Randomness::Deterministic};
    }
    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodes_[0]);
        b_ = ctx.node(nodes_[1]);
    }
    void declare(PatternBuilder& pb) override {
        if (bug_ == 3) // only the diagonal entries: the off-diagonal ones are written without being declared
            off_ = {pb.entry(a_, a_), -1, -1, pb.entry(b_, b_)};
        else
            stamp_.declare(pb, a_, b_);
    }
    void bind(const PatternBuilder& pb) override {
        if (bug_ == 3)
            for (int& o : off_) o = pb.offset(o);
        else
            stamp_.bind(pb);
    }
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double v = ctx.x[a_] - ctx.x[b_];
        addF(out, a_, v * v * v);
        addF(out, b_, -v * v * v);
        const double di = bug_ == 1 ? 2.9 * v * v : 3 * v * v;
        if (bug_ == 3) {
            out.jf[off_[0]] += di;
            out.jf[off_[3]] += di;
        } else {
            stamp_.add(out.jf, di);
        }
        if (bug_ == 4) addQ(out, a_, 1e-12 * v);
    }

private:
    std::array<std::string, 2> nodes_;
    int bug_, a_ = 0, b_ = 0;
    std::array<int, 4> off_{};
    ConductanceStamp stamp_;
};
const DeviceRegistration kBuggy{
    compactModelType<BuggyDevice>("checkbug_cube", "i = v^3 with planted bugs", 2, 2, kBugParams)};
} // namespace

TEST_CASE("device check: every registered type passes with its default parameters") {
    for (const std::string& type : knownDeviceTypes()) {
        if (type == "x" || type.rfind("checkbug_", 0) == 0) continue;
        CAPTURE(type);
        requirePass(type);
    }
}

TEST_CASE("device check: SPICE elements with non-default parameters") {
    requirePass("d", {{"is", 1e-12}, {"n", 1.3}, {"rs", 5}, {"cjo", 2e-12}, {"tt", 1e-9}, {"bv", 5}, {"area", 2}});
    requirePass("m", {{"vto", 0.7},
                      {"kp", 1e-4},
                      {"gamma", 0.4},
                      {"lambda", 0.02},
                      {"rd", 10},
                      {"rs", 5},
                      {"cbd", 1e-14},
                      {"cbs", 1e-14},
                      {"w", 10e-6},
                      {"l", 1e-6}});
    // Meyer gate capacitances (tox, overlaps) are integrated incrementally as in SPICE: not derivatives of
    // a charge, so only df/dx is compared.
    DeviceCheckOptions meyer;
    meyer.checkCharges = false;
    requirePass("m", {{"vto", -0.5}, {"gamma", 0.5}, {"tox", 1e-8}, {"cgso", 1e-10}, {"cgdo", 1e-10}}, meyer);
    requirePass("r", {{"tc1", 1e-3}, {"tc2", 1e-6}, {"m", 2}});
    requirePass("s", {{"vt", 0.1}, {"vh", 0.05}, {"ron", 10}, {"roff", 1e6}});
}

TEST_CASE("device check: sotmtj (strip, read path with TMR(V), STT, VCMA, SOT DL + FL)") {
    const std::map<std::string, double> model = {{"ms", 1.1e6},   {"tf", 1e-9}, {"hk", 4e5},      {"hx", 1.6e4},
                                                 {"alpha", 0.05}, {"xi", 0.2},  {"xisot", 0.3},   {"vcma", 6e-14},
                                                 {"tmr", 1.5},    {"vh", 0.4},  {"thetash", 0.2}, {"rp", 3e3}};
    DeviceCheckOptions options;
    // unknowns: hm1 hm2 top centre mx my mz (the point of the former hand-written test)
    options.extraPoints = {{0, 0.9, -0.3, 0.25, 0.31, 0.3, -0.4, 0.87}};
    requirePass("sotmtj", model, options);
}

TEST_CASE("device check: mtj with the Slonczewski law, field-like torque, VCMA and an in-plane field") {
    requirePass("mtj", {{"pol", 0.6}, {"xi", 0.1}, {"vcma", 5e-14}, {"hx", 3e4}, {"nz", 1}, {"hk", 9e5}});
    requirePass("mtj", {{"dynamics", 1}});
}

TEST_CASE("device check: dwmtj, the 1D (q, phi) model and the fitted mode") {
    SUBCASE("1D with STT, SOT, DMI, pinning and in-plane fields") {
        const std::map<std::string, double> model = {{"mode", 1},   {"len", 200e-9},  {"xlo", 50e-9}, {"xhi", 150e-9},
                                                     {"dmi", 1e-3}, {"thetash", 0.1}, {"pol", 0.6},   {"beta", 0.05},
                                                     {"hkw", 2e4},  {"hx", 3e3},      {"hy", -2e3},   {"hz", 800},
                                                     {"hpin", 5e3}, {"ppin", 20e-9},  {"q0", 97e-9},  {"phi0", 0.7}};
        DeviceCheckOptions options;
        options.extraPoints = {{0, 0.3, -0.05, 97e-9, 0.7}}; // a b q phi
        requirePass("dwmtj", model, options);
    }
    SUBCASE("fitted, above the depinning threshold") {
        const std::map<std::string, double> model = {{"mode", 2},     {"len", 200e-9}, {"xlo", 50e-9},
                                                     {"xhi", 150e-9}, {"jdep", 1e9},   {"q0", 120e-9}};
        DeviceCheckOptions options;
        options.extraPoints = {{0, 0.2, -0.1, 120e-9}}; // a b q
        requirePass("dwmtj", model, options);
    }
}

TEST_CASE("device check: smtj and pbit variants") {
    requirePass("smtj", {{"vh", 0.4}, {"rates", 1}});
    requirePass("pbit", {{"input", 1}});
}

TEST_CASE("device check: stno and sdiode (DC and transient rows, injection, noise scale, control node)") {
    requirePass("stno", {{"lambdaf", 3e9}, {"nshift", 2e9}, {"q", -0.5}, {"p0", 0.3}, {"phi0", 1.0}});
    requirePass("stno", {{"lambdaf", -2e9}, {"dcrelax", 1}, {"thermal", 1}, {"p0", 0.6}});
    requirePass("sdiode", {{"mix", 0.3}, {"dfdv", 1e8}, {"alpha", 0.05}});
    requirePass("sdiode", {{"mix", 0}, {"dfdv", -3e8}, {"ksd", 1e4}, {"r0", 50}});
}

TEST_CASE("device check: the planted bugs fail it") {
    CHECK(checkDeviceType("checkbug_cube", {{"bug", 0}}).ok());
    for (int bug = 1; bug <= 4; ++bug) {
        CAPTURE(bug);
        const DeviceCheckReport report = checkDeviceType("checkbug_cube", {{"bug", static_cast<double>(bug)}});
        INFO(report.summary());
        CHECK_FALSE(report.ok());
    }
}
