// B sources: the expression tape's exact derivatives against central differences, and circuits with
// closed-form solutions.
#include "devices/behavioral.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
// Compile `text` (over v(a), v(b), i(v1)) and compare its gradient with central differences.
void checkGradient(const std::string& text, std::vector<double> point) {
    CAPTURE(text);
    const Expression e = Expression::parse(text);
    const std::vector<std::string> names{"a", "b", "v1"};
    ExpressionTape tape = ExpressionTape::compile(e.root(), [&](const std::string& name, ExpressionTape::Probe) {
        for (std::size_t k = 0; k < names.size(); ++k)
            if (names[k] == name) return static_cast<int>(k);
        return -1;
    });
    std::vector<double> grad(3, 0.0), scratch(3, 0.0);
    const double value = tape.evaluate(point.data(), 0.0, 27.0, grad.data());
    CHECK(std::isfinite(value));
    for (std::size_t k = 0; k < tape.variableCount(); ++k) {
        const double h = 1e-6 * std::max(1.0, std::fabs(point[k]));
        auto shifted = point;
        shifted[k] += h;
        const double up = tape.evaluate(shifted.data(), 0.0, 27.0, scratch.data());
        shifted[k] -= 2 * h;
        const double down = tape.evaluate(shifted.data(), 0.0, 27.0, scratch.data());
        CHECK(grad[k] == doctest::Approx((up - down) / (2 * h)).epsilon(1e-6).scale(1.0));
    }
}
} // namespace

TEST_CASE("B expressions: automatic derivatives equal central differences") {
    const std::vector<double> p{0.3, -0.7, 2e-3};
    for (const char* text : {"v(a)*v(b) + 3*i(v1)",
                             "v(a)/v(b) - v(b)/2",
                             "v(a)^3 - 2**v(b)",
                             "pow(v(a), 2.5)",
                             "pow(2, v(b))",
                             "exp(v(a)*v(b))",
                             "log(1 + v(a)*v(a))",
                             "log10(2 + v(b))",
                             "sqrt(1 + v(a,b)*v(a,b))",
                             "sin(v(a)) * cos(v(b))",
                             "tan(v(a))",
                             "asin(v(a))",
                             "acos(v(a))",
                             "atan(v(b))",
                             "atan2(v(a), v(b))",
                             "sinh(v(a)) + cosh(v(b)) + tanh(v(a) - v(b))",
                             "abs(v(b)) * v(a)",
                             "min(v(a), v(b)) + max(v(a), 2*v(b))",
                             "v(a) > v(b) ? v(a)*v(a) : -v(b)",
                             "if(v(b) < 0, 3*v(b), 0)",
                             "limit(10*v(a), -1, 1)",
                             "uramp(v(a)) + uramp(v(b))",
                             "-(v(a) - v(b))"})
        checkGradient(text, p);
}

TEST_CASE("B expressions: u() and sgn() are smooth only within 1e-6 of the step") {
    const Expression e = Expression::parse("u(v(a)) + sgn(v(a))");
    ExpressionTape tape =
        ExpressionTape::compile(e.root(), [](const std::string&, ExpressionTape::Probe) { return 0; });
    double g = 0;
    double x = 1e-3;
    CHECK(tape.evaluate(&x, 0, 27, &g) == doctest::Approx(2.0).scale(0));
    CHECK(g == 0.0);
    x = -1e-3;
    CHECK(tape.evaluate(&x, 0, 27, &g) == doctest::Approx(-1.0).scale(0));
    x = 0.0;
    CHECK(tape.evaluate(&x, 0, 27, &g) == doctest::Approx(0.5).scale(0));
    CHECK(g > 1e5); // finite, steep slope: Newton sees the transition
}

TEST_CASE("B source circuits: closed forms") {
    SUBCASE("I = k v^2 load on a divider") {
        // (1 - v)/1k = 1e-3 v^2  ->  v^2 + v - 1 = 0  ->  v = (sqrt(5) - 1)/2
        const auto r = run("b\nv1 in 0 1\nr1 in a 1k\nb1 a 0 i={1e-3*v(a)*v(a)}\n.op\n.end\n");
        CHECK(signal(r.analyses.at(0), "v(a)").at(0) ==
              doctest::Approx((std::sqrt(5.0) - 1) / 2).epsilon(1e-6).scale(0));
    }
    SUBCASE("V source of time follows its expression") {
        const auto r = run("bt\nb1 a 0 v={1 + 0.5*sin(2*pi*1k*time)}\nr1 a 0 1k\n.tran 10u 2m\n.end\n");
        const auto& w = r.analyses.at(0);
        const auto& t = signal(w, "time");
        const auto& v = signal(w, "v(a)");
        for (std::size_t k = 0; k < t.size(); ++k)
            CHECK(v[k] == doctest::Approx(1 + 0.5 * std::sin(2 * M_PI * 1e3 * t[k])).epsilon(1e-9).scale(0));
    }
    SUBCASE("parameters and subcircuit nodes resolve inside the expression") {
        const auto r = run("bsub\n.param gain=3\n.subckt amp in out params: k=2\nb1 out 0 v={k*gain*v(in)}\n.ends\n"
                           "v1 a 0 0.5\nx1 a y amp k=4\nrl y 0 1k\n.op\n.end\n");
        CHECK(signal(r.analyses.at(0), "v(y)").at(0) == doctest::Approx(6.0).scale(0));
    }
    SUBCASE("unknown names give located errors with candidates") {
        try {
            run("berr\n.param gain=3\nv1 a 0 1\nb1 b 0 v={gian*v(a)}\nr1 b 0 1k\n.op\n.end\n");
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.loc().line == 4);
            CHECK(e.hint().find("gain") != std::string::npos);
        }
        try {
            run("berr\nv1 a 0 1\nb1 b 0 v={2*i(v2)}\nr1 b 0 1k\n.op\n.end\n");
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.hint().find("v1") != std::string::npos);
        }
    }
}

// Affine expressions (gradients independent of the variables) make a B source chord-safe; anything
// else does not. Each case checked against the definition too: the gradient at two points.
TEST_CASE("B expressions: affinity in the variables") {
    auto tapeOf = [](const std::string& text) {
        const Expression e = Expression::parse(text);
        const std::vector<std::string> names{"a", "b"};
        return ExpressionTape::compile(e.root(), [&](const std::string& name, ExpressionTape::Probe) {
            for (std::size_t k = 0; k < names.size(); ++k)
                if (names[k] == name) return static_cast<int>(k);
            return -1;
        });
    };
    auto gradientsAgree = [](const ExpressionTape& tape) {
        std::vector<double> p{0.3, -1.7}, q{2.9, 0.4}, gp(2, 0.0), gq(2, 0.0);
        tape.evaluate(p.data(), 1e-9, 27.0, gp.data());
        tape.evaluate(q.data(), 1e-9, 27.0, gq.data());
        return std::fabs(gp[0] - gq[0]) + std::fabs(gp[1] - gq[1]) < 1e-12;
    };
    for (const char* text :
         {"v(a)*0.5*(1-cos(3.14159*min(time/1e-8,1)))", "2*v(a)/3 - v(b) + time", "-(v(a)-v(b))*exp(2)"}) {
        CAPTURE(text);
        const ExpressionTape tape = tapeOf(text);
        CHECK(tape.affine());
        CHECK(gradientsAgree(tape));
    }
    for (const char* text : {"v(a)*v(b)", "min(v(a),1)", "1/v(a)", "v(a)^2", "time > 1 ? v(a) : v(a)*v(a)"}) {
        CAPTURE(text);
        const ExpressionTape tape = tapeOf(text);
        CHECK_FALSE(tape.affine());
        CHECK_FALSE(gradientsAgree(tape));
    }
    // Piecewise affine (clamps): the gradient is the same at two points between the same kinks
    // (a = 0.3 and 0.35, b = -1.7 and -1.6) and differs across a kink (a = 2.9, b = 0.4).
    auto gradient = [](const ExpressionTape& tape, double a, double b) {
        std::vector<double> x{a, b}, g(2, 0.0);
        tape.evaluate(x.data(), 1e-9, 27.0, g.data());
        return g;
    };
    for (const char* text : {"min(max(3*(v(a)+0.1),0),4)", "abs(v(a)+v(b))*2", "min(v(a),1)*cos(time)"}) {
        CAPTURE(text);
        const ExpressionTape tape = tapeOf(text);
        CHECK_FALSE(tape.affine());
        CHECK(tape.piecewiseAffine());
        CHECK(gradient(tape, 0.3, -1.7) == gradient(tape, 0.35, -1.6));
        CHECK(gradient(tape, 0.3, -1.7) != gradient(tape, 2.9, 0.4));
    }
    for (const char* text : {"min(v(a)*v(b),1)", "abs(v(a))^2", "max(exp(v(a)),0)"}) {
        CAPTURE(text);
        CHECK_FALSE(tapeOf(text).piecewiseAffine());
    }
}
