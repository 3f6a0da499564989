// .meas evaluation on synthetic waveforms with closed-form answers: crossings and their counting,
// FIND/WHEN interpolation, windows, integrals, RMS, derivatives, AC parts, PARAM and failures.
#include "analysis/measure.hpp"
#include "netlist/netlist.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <numbers>

using namespace spinspice;
using namespace spinspice::measure;
using Edge = MeasureCondition::Edge;

namespace {
constexpr double kPi = std::numbers::pi;

std::vector<double> linspace(double a, double b, std::size_t n) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = a + (b - a) * static_cast<double>(i) / static_cast<double>(n - 1);
    return v;
}

std::vector<double> map(const std::vector<double>& x, const std::function<double(double)>& f) {
    std::vector<double> y;
    for (double v : x) y.push_back(f(v));
    return y;
}

double crossingAt(const std::vector<double>& x, const std::vector<double>& y, double level, Edge edge, int n,
                  bool last = false, Window window = {}) {
    const auto p = findCrossing(x, y, level, edge, n, last, window);
    REQUIRE(p.has_value());
    return p->x;
}

// A transient Waveforms with the given signals (time first).
Waveforms tranWaveforms(const std::vector<double>& t,
                        const std::vector<std::pair<std::string, std::vector<double>>>& signals) {
    Waveforms w;
    w.name = "tran1";
    w.type = "tran";
    w.sweep = "time";
    w.names.push_back("time");
    w.re.push_back(t);
    for (const auto& [name, values] : signals) {
        w.names.push_back(name);
        w.re.push_back(values);
    }
    return w;
}

// The .meas cards of a deck over nodes a, b, c (the circuit is only there to make the names valid).
std::vector<MeasureSpec> measuresOf(const std::string& cards) {
    return loadNetlistString("meas\nV1 a 0 1\nR1 a b 1k\nR2 b c 1k\nR3 c 0 1k\n" + cards, "m.cir").measures;
}

const Measurement& result(const std::vector<Measurement>& results, const std::string& name) {
    for (const auto& m : results)
        if (m.name == name) return m;
    FAIL("no measurement " << name);
    return results.front();
}
} // namespace

TEST_CASE("RMS, AVG, PP, MIN, MAX of a sampled sine") {
    // 3 periods of 2 sin(2 pi 1k t) + 0.5: RMS = sqrt(2^2/2 + 0.5^2), AVG = 0.5, PP = 4
    const auto t = linspace(0, 3e-3, 3001);
    const auto y = map(t, [](double s) { return 2.0 * std::sin(2 * kPi * 1e3 * s) + 0.5; });
    CHECK(*rms(t, y) == doctest::Approx(std::sqrt(2.0 + 0.25)).epsilon(1e-9).scale(0));
    CHECK(*average(t, y) == doctest::Approx(0.5).epsilon(1e-9).scale(0));
    CHECK(*maximum(t, y) - *minimum(t, y) == doctest::Approx(4.0).epsilon(1e-5).scale(0));
    CHECK(*maximum(t, y) == doctest::Approx(2.5).epsilon(1e-5).scale(0));
    // one period inside a window that does not fall on samples: still the full-period RMS
    CHECK(*rms(t, y, {0.25e-3 + 3e-7, 1.25e-3 + 3e-7}) == doctest::Approx(std::sqrt(2.25)).epsilon(1e-6).scale(0));
}

TEST_CASE("INTEG and AVG of a ramp with FROM/TO cut at interpolated points (trapezoid rule is exact)") {
    const std::vector<double> x = {0, 0.7, 1.0, 2.2, 3.0};
    const auto y = map(x, [](double v) { return 2 * v; });
    CHECK(*integral(x, y) == doctest::Approx(9.0).epsilon(1e-14).scale(0));
    CHECK(*integral(x, y, {0.5, 2.5}) == doctest::Approx(6.0).epsilon(1e-14).scale(0)); // x^2 from 0.5 to 2.5
    CHECK(*average(x, y, {0.5, 2.5}) == doctest::Approx(3.0).epsilon(1e-14).scale(0));
    CHECK(*minimum(x, y, {0.5, 2.5}) == doctest::Approx(1.0).epsilon(1e-14).scale(0));
    CHECK(*maximum(x, y, {0.5, 2.5}) == doctest::Approx(5.0).epsilon(1e-14).scale(0));
    CHECK_FALSE(integral(x, y, {4, 5}).has_value());    // outside the sweep
    CHECK_FALSE(average(x, y, {1.0, 1.0}).has_value()); // zero-width window
    // a downward dc sweep integrates over its window like an upward one
    const std::vector<double> down = {3.0, 2.2, 1.0, 0.7, 0};
    CHECK(*integral(down, map(down, [](double v) { return 2 * v; }), {0.5, 2.5}) == doctest::Approx(6.0).scale(0));
}

TEST_CASE("TRIG/TARG delay of an RC step response is tau ln 2") {
    // input steps at 1 us; output 1 - exp(-(t - 1u)/tau), tau = 1 us, sampled every 1 ns
    const double tau = 1e-6;
    const auto t = linspace(0, 5e-6, 5001);
    const auto in = map(t, [](double s) { return s < 1e-6 ? 0.0 : 1.0; });
    const auto out = map(t, [&](double s) { return s < 1e-6 ? 0.0 : 1.0 - std::exp(-(s - 1e-6) / tau); });
    const double trig = crossingAt(t, in, 0.5, Edge::Rise, 1);
    const double targ = crossingAt(t, out, 0.5, Edge::Rise, 1);
    CHECK(std::fabs(trig - 1e-6) <= 1e-9); // halfway across the sampled step
    CHECK(targ - 1e-6 == doctest::Approx(tau * std::log(2.0)).epsilon(1e-6).scale(0));

    const auto w = tranWaveforms(t, {{"v(a)", in}, {"v(b)", out}});
    const auto results =
        evaluateMeasurements(measuresOf(".meas tran delay TRIG v(a) VAL=0.5 RISE=1 TARG v(b) VAL=0.5 RISE=1\n"
                                        ".meas tran fromstart TRIG AT=1u TARG v(b) VAL='1-exp(-1)' RISE=1\n"),
                             w, {});
    CHECK(result(results, "delay").value == doctest::Approx(targ - trig).epsilon(1e-12).scale(0));
    CHECK(result(results, "fromstart").value == doctest::Approx(tau).epsilon(1e-6).scale(0));
}

TEST_CASE("CROSS, RISE and FALL count crossings of the requested edge; LAST; TD and FROM/TO") {
    // sin(2 pi t) on [0, 3] crosses 0.5 rising at n + 1/12 and falling at n + 5/12
    const auto t = linspace(0, 3, 30001);
    const auto y = map(t, [](double s) { return std::sin(2 * kPi * s); });
    const double eps = 1e-6;
    CHECK(crossingAt(t, y, 0.5, Edge::Rise, 1) == doctest::Approx(1.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Rise, 2) == doctest::Approx(1 + 1.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Fall, 3) == doctest::Approx(2 + 5.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Cross, 4) == doctest::Approx(1 + 5.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Rise, 1, true) == doctest::Approx(2 + 1.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Cross, 1, true) == doctest::Approx(2 + 5.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Fall, 1, false, {1.5, 3}) == doctest::Approx(2 + 5.0 / 12).epsilon(eps).scale(0));
    CHECK(crossingAt(t, y, 0.5, Edge::Cross, 1, false, {0.2, 1.2}) == doctest::Approx(5.0 / 12).epsilon(eps).scale(0));
    CHECK_FALSE(findCrossing(t, y, 0.5, Edge::Rise, 4, false).has_value());
    CHECK_FALSE(findCrossing(t, y, 2.0, Edge::Cross, 1, true).has_value());

    const auto w = tranWaveforms(t, {{"v(a)", y}});
    const auto results = evaluateMeasurements(measuresOf(".meas tran r2 WHEN v(a)=0.5 RISE=2\n"
                                                         ".meas tran td1 WHEN v(a)=0.5 TD=1.2 RISE=1\n"
                                                         ".meas tran window WHEN v(a)=-0.5 FROM=1 TO=2\n"
                                                         ".meas tran never WHEN v(a)=1.5\n"),
                                              w, {});
    CHECK(result(results, "r2").value == doctest::Approx(1 + 1.0 / 12).epsilon(eps).scale(0));
    CHECK(result(results, "td1").value == doctest::Approx(2 + 1.0 / 12).epsilon(eps).scale(0));
    CHECK(result(results, "window").value == doctest::Approx(1 + 7.0 / 12).epsilon(eps).scale(0));
    CHECK(result(results, "never").error == "WHEN condition v(a)=1.5 cross=1 never met");
}

TEST_CASE("FIND ... WHEN and FIND ... AT interpolate linearly between points") {
    // y crosses 1.5 rising at 0.75, falling at 1.5, rising at 2.25
    const std::vector<double> x = {0, 1, 2, 3};
    const std::vector<double> y = {0, 2, 1, 3};
    const std::vector<double> z = {10, 20, 40, 80};
    CHECK(crossingAt(x, y, 1.5, Edge::Cross, 1) == doctest::Approx(0.75).scale(0));
    CHECK(crossingAt(x, y, 1.5, Edge::Fall, 1) == doctest::Approx(1.5).scale(0));
    CHECK(crossingAt(x, y, 1.5, Edge::Cross, 3) == doctest::Approx(2.25).scale(0));
    CHECK(crossingAt(x, y, 2.0, Edge::Rise, 1) == doctest::Approx(1.0).scale(0)); // reaching the level is a rise
    // a plateau exactly at the level crosses once; a touch rises and falls at the same point
    const std::vector<double> plateau = {0.4, 0.5, 0.5, 0.6}, touch = {0.4, 0.5, 0.4, 0.3};
    CHECK(crossingAt(x, plateau, 0.5, Edge::Rise, 1) == doctest::Approx(1.0).scale(0));
    CHECK_FALSE(findCrossing(x, plateau, 0.5, Edge::Cross, 2, false).has_value());
    CHECK(crossingAt(x, touch, 0.5, Edge::Fall, 1) == doctest::Approx(1.0).scale(0));
    CHECK_FALSE(findCrossing(x, touch, 0.5, Edge::Cross, 3, false).has_value());

    const auto w = tranWaveforms(x, {{"v(a)", y}, {"v(b)", z}, {"v(c)", {3, 1, 1, 0}}});
    const auto results = evaluateMeasurements(measuresOf(".meas tran f1 FIND v(b) WHEN v(a)=1.5 FALL=1\n"
                                                         ".meas tran f2 FIND v(b) AT=2.5\n"
                                                         ".meas tran f3 FIND v(b,a) AT=0.5\n"
                                                         ".meas tran cmp WHEN v(a)=v(c)\n"
                                                         ".meas tran out FIND v(b) AT=4\n"),
                                              w, {});
    CHECK(result(results, "f1").value == doctest::Approx(30.0).scale(0));
    CHECK(result(results, "f2").value == doctest::Approx(60.0).scale(0));
    CHECK(result(results, "f3").value == doctest::Approx(15.0 - 1.0).scale(0));
    CHECK(result(results, "cmp").value == doctest::Approx(0.75).scale(0)); // v(a) - v(c) goes from -3 to 1
    CHECK(result(results, "out").error == "AT=4 is outside the sweep [0, 3]");
}

TEST_CASE("DERIV is exact for a quadratic, at and between samples, and follows WHEN") {
    const std::vector<double> x = {0, 0.1, 0.4, 0.5, 1.0, 1.7, 2.0};
    const auto y = map(x, [](double v) { return v * v; });
    for (double at : {0.1, 0.4, 0.45, 1.3, 1.7})
        CHECK(derivative(x, y, *locate(x, at)) == doctest::Approx(2 * at).epsilon(1e-12).scale(0));
    const auto w = tranWaveforms(x, {{"v(a)", y}});
    const auto results = evaluateMeasurements(
        measuresOf(".meas tran d1 DERIV v(a) AT=1.3\n.meas tran d2 DERIV v(a) WHEN v(a)=0.81\n"), w, {});
    CHECK(result(results, "d1").value == doctest::Approx(2.6).scale(0));
    // the crossing of the linearly interpolated v(a) with 0.81, then the derivative there
    const double at = 0.5 + 0.5 * (0.81 - 0.25) / 0.75;
    CHECK(result(results, "d2").value == doctest::Approx(2 * at).epsilon(1e-12).scale(0));
}

TEST_CASE("a nested dc sweep does not cross or integrate across the jump back to its start") {
    const std::vector<double> x = {0, 1, 2, 0, 1, 2};
    const std::vector<double> y = {0, 1, 2, 10, 11, 12};
    CHECK_FALSE(findCrossing(x, y, 5.0, Edge::Cross, 1, false).has_value());
    CHECK(crossingAt(x, y, 10.5, Edge::Rise, 1) == doctest::Approx(0.5).scale(0));
    CHECK(*integral(x, y) == doctest::Approx(24.0).scale(0));
    CHECK(*maximum(x, y) == doctest::Approx(12.0).scale(0));
}

TEST_CASE("AC parts: magnitude, dB, phase in degrees, real and imaginary") {
    // first-order low pass H = 1 / (1 + j f/fc), fc = 1 kHz
    Waveforms w = tranWaveforms({}, {{"v(b)", {}}});
    w.name = "ac1";
    w.type = "ac";
    w.sweep = w.names[0] = "frequency";
    w.complex = true;
    w.im.resize(2);
    for (double f = 10; f <= 1e5 * 1.0001; f *= 1.01) {
        const std::complex<double> h = 1.0 / std::complex<double>(1.0, f / 1e3);
        w.re[0].push_back(f);
        w.re[1].push_back(h.real());
        w.im[1].push_back(h.imag());
    }
    const auto results = evaluateMeasurements(
        loadNetlistString("ac\nV1 a 0 ac 1\nR1 a b 1k\n.meas ac m FIND vm(b) AT=1k\n.meas ac db FIND vdb(b) AT=1k\n"
                          ".meas ac ph FIND vp(b) AT=1k\n.meas ac re FIND vr(b) AT=1k\n.meas ac im FIND vi(b) AT=1k\n"
                          ".meas ac plain FIND v(b) AT=1k\n.meas ac f3db WHEN vdb(b)=-3.0103 FALL=1\n"
                          ".meas ac peak MAX vm(b)\n",
                          "ac.cir")
            .measures,
        w, {});
    const double tol = 2e-4; // linear interpolation on a 1 % frequency grid
    CHECK(result(results, "m").value == doctest::Approx(1 / std::sqrt(2.0)).epsilon(tol).scale(0));
    CHECK(result(results, "db").value == doctest::Approx(-3.0103).epsilon(tol).scale(0));
    CHECK(result(results, "ph").value == doctest::Approx(-45.0).epsilon(tol).scale(0));
    CHECK(result(results, "re").value == doctest::Approx(0.5).epsilon(tol).scale(0));
    CHECK(result(results, "im").value == doctest::Approx(-0.5).epsilon(tol).scale(0));
    CHECK(result(results, "plain").value == doctest::Approx(0.5).epsilon(tol).scale(0));
    CHECK(result(results, "f3db").value == doctest::Approx(1e3).epsilon(tol).scale(0));
    CHECK(result(results, "peak").value == doctest::Approx(1.0).epsilon(1e-4).scale(0));
}

TEST_CASE("PARAM uses earlier measurements and parameters; failures propagate") {
    const auto t = linspace(0, 1, 11);
    const auto w = tranWaveforms(t, {{"v(a)", t}});
    const auto specs = loadNetlistString("p\n.param scale=4\nV1 a 0 1\nR1 a 0 1\n"
                                         ".meas tran half WHEN v(a)=0.5\n"
                                         ".meas tran bad WHEN v(a)=7\n"
                                         ".meas tran scaled PARAM='half*scale + 1'\n"
                                         ".meas tran broken PARAM={bad*2}\n",
                                         "p.cir");
    const auto results = evaluateMeasurements(specs.measures, w, specs.params);
    REQUIRE(results.size() == 4);
    CHECK(result(results, "scaled").value == doctest::Approx(3.0).scale(0));
    CHECK(result(results, "broken").error == "uses the failed measurement 'bad'");

    Waveforms failed = w;
    failed.error = "timestep too small";
    CHECK(evaluateMeasurements(specs.measures, failed, specs.params).front().error == "the analysis failed");
    // measurements of another analysis type are not evaluated
    failed.type = "dc";
    CHECK(evaluateMeasurements(specs.measures, failed, specs.params).empty());
}
