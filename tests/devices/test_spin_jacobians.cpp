// The Jacobians of the `sotmtj` and `dwmtj` compact models against central finite differences of their
// residuals f (device-level: the device is built from its registered factory and evaluated directly).
#include "devices/registry.hpp"
#include "solver/pattern.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace spinspice;

namespace {
class Setup : public SetupContext {
public:
    int node(const std::string& name) override {
        if (name == "0") return 0;
        auto [it, inserted] = nodes_.try_emplace(name, count_ + 1);
        if (inserted) ++count_;
        return it->second;
    }
    int addUnknown(const std::string&, Nature, bool, double, double) override { return ++count_; }
    const SimOptions& options() const override { return options_; }
    int count() const { return count_; }

private:
    std::map<std::string, int> nodes_;
    int count_ = 0;
    SimOptions options_;
};

struct Loaded {
    std::vector<double> f, q, fscale, jf, jq;
};

Loaded evaluate(Device& d, const PatternBuilder& pb, const std::vector<double>& x) {
    const std::size_t n = x.size();
    Loaded l{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n),
             std::vector<double>(static_cast<std::size_t>(pb.nnz()) + 1),
             std::vector<double>(static_cast<std::size_t>(pb.nnz()) + 1)};
    LoadBuffers out{l.f.data(), l.q.data(), l.fscale.data(), l.jf.data(), l.jq.data()};
    EvalContext ctx;
    ctx.x = x.data();
    ctx.mode = AnalysisMode::Tran;
    d.eval(ctx, out);
    return l;
}

// x: the evaluation point (index 0 = ground); scale: the typical size of each unknown (FD step 1e-6 scale).
void checkJacobian(const std::string& type, const std::map<std::string, double>& model, int nodes,
                   const std::vector<double>& x, const std::vector<double>& scale) {
    const CompactModelType* t = findCompactModel(type);
    REQUIRE(t != nullptr);
    const std::map<std::string, double> none;
    InstanceSpec spec;
    spec.name = "n1";
    for (int k = 0; k < nodes; ++k) spec.nodes.push_back("n" + std::to_string(k + 1));
    spec.modelName = "m";
    spec.modelType = type;
    spec.instanceParams = &none;
    spec.modelParams = &model;
    spec.info = &t->info;
    auto device = t->factory(spec);
    Setup setup;
    device->setup(setup);
    const int n = setup.count();
    REQUIRE(static_cast<int>(x.size()) == n + 1);
    PatternBuilder pb;
    device->declare(pb);
    pb.build(n);
    device->bind(pb);
    const Loaded at = evaluate(*device, pb, x);
    for (int col = 1; col <= n; ++col) {
        const double h = 1e-6 * scale[static_cast<std::size_t>(col)];
        std::vector<double> xp = x, xm = x;
        xp[static_cast<std::size_t>(col)] += h;
        xm[static_cast<std::size_t>(col)] -= h;
        const Loaded p = evaluate(*device, pb, xp), m = evaluate(*device, pb, xm);
        for (int row = 1; row <= n; ++row) {
            CAPTURE(type);
            CAPTURE(row);
            CAPTURE(col);
            const auto r = static_cast<std::size_t>(row);
            const double fd = (p.f[r] - m.f[r]) / (2 * h), fdq = (p.q[r] - m.q[r]) / (2 * h);
            const int off = pb.find(row, col);
            const double a = off >= 0 ? at.jf[static_cast<std::size_t>(off)] : 0.0;
            const double aq = off >= 0 ? at.jq[static_cast<std::size_t>(off)] : 0.0;
            // Tolerance: relative to the entry, with a floor from the row's residual scale per unit of x.
            const double floor = 1e-7 * (std::fabs(at.fscale[r]) + 1e-30) / scale[static_cast<std::size_t>(col)];
            CHECK(std::fabs(a - fd) <= 1e-5 * std::fabs(fd) + floor);
            CHECK(std::fabs(aq - fdq) <= 1e-6); // q = x: round-off of the FD quotient only
        }
    }
}
} // namespace

TEST_CASE("sotmtj: exact Jacobian (strip, read path with TMR(V), STT, VCMA, SOT DL + FL) vs finite differences") {
    const std::map<std::string, double> model = {{"ms", 1.1e6},   {"tf", 1e-9}, {"hk", 4e5},      {"hx", 1.6e4},
                                                 {"alpha", 0.05}, {"xi", 0.2},  {"xisot", 0.3},   {"vcma", 6e-14},
                                                 {"tmr", 1.5},    {"vh", 0.4},  {"thetash", 0.2}, {"rp", 3e3}};
    // unknowns: hm1 hm2 top centre mx my mz
    const std::vector<double> x = {0, 0.9, -0.3, 0.25, 0.31, 0.3, -0.4, 0.87};
    const std::vector<double> scale = {1, 1, 1, 1, 1, 1, 1, 1};
    checkJacobian("sotmtj", model, 3, x, scale);
}

TEST_CASE("dwmtj: exact Jacobian of the 1D (q, phi) model and of the fitted mode vs finite differences") {
    SUBCASE("1D with STT, SOT, DMI, pinning and in-plane fields") {
        const std::map<std::string, double> model = {{"mode", 1},   {"len", 200e-9},  {"xlo", 50e-9}, {"xhi", 150e-9},
                                                     {"dmi", 1e-3}, {"thetash", 0.1}, {"pol", 0.6},   {"beta", 0.05},
                                                     {"hkw", 2e4},  {"hx", 3e3},      {"hy", -2e3},   {"hz", 800},
                                                     {"hpin", 5e3}, {"ppin", 20e-9}};
        const std::vector<double> x = {0, 0.3, -0.05, 97e-9, 0.7}; // a b q phi
        const std::vector<double> scale = {1, 1, 1, 1e-9, 1};
        checkJacobian("dwmtj", model, 2, x, scale);
    }
    SUBCASE("fitted, above the depinning threshold") {
        const std::map<std::string, double> model = {
            {"mode", 2}, {"len", 200e-9}, {"xlo", 50e-9}, {"xhi", 150e-9}, {"jdep", 1e9}};
        const std::vector<double> x = {0, 0.2, -0.1, 120e-9}; // a b q
        const std::vector<double> scale = {1, 1, 1, 1e-9};
        checkJacobian("dwmtj", model, 2, x, scale);
    }
}
