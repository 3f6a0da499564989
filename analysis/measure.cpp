#include "analysis/measure.hpp"

#include "analysis/spectrum.hpp"
#include "core/expr.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace spinspice::measure {
namespace {

// +1 for an increasing sweep, -1 for a decreasing one (the direction of its first step).
int direction(const std::vector<double>& x) {
    for (std::size_t k = 0; k + 1 < x.size(); ++k)
        if (x[k + 1] != x[k]) return x[k + 1] > x[k] ? 1 : -1;
    return 1;
}

// The step back to the start of the next inner sweep of a nested .dc.
bool isRestart(const std::vector<double>& x, std::size_t k, int dir) {
    return (x[k + 1] - x[k]) * dir < 0;
}

// Slope at sample i from its neighbours (three-point, non-uniform), one-sided at ends and restarts.
double sampleSlope(const std::vector<double>& x, const std::vector<double>& y, std::size_t i, int dir) {
    const bool left = i > 0 && x[i] != x[i - 1] && !isRestart(x, i - 1, dir);
    const bool right = i + 1 < x.size() && x[i + 1] != x[i] && !isRestart(x, i, dir);
    if (left && right) {
        const double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
        return (h0 * h0 * y[i + 1] - h1 * h1 * y[i - 1] + (h1 * h1 - h0 * h0) * y[i]) / (h0 * h1 * (h0 + h1));
    }
    if (left) return (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
    if (right) return (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
    return std::nan("");
}

struct Sums {
    double integral = 0, squares = 0, length = 0;
    double min = INFINITY, max = -INFINITY;
};

std::optional<Sums> accumulate(const std::vector<double>& x, const std::vector<double>& y, Window window) {
    const auto spans = clip(x, window);
    if (spans.empty()) return std::nullopt;
    Sums s;
    for (const auto& span : spans) {
        const double ya = interpolate(y, span.k, span.a), yb = interpolate(y, span.k, span.b);
        // |dx|: a downward dc sweep integrates over its window like an upward one
        const double dx = std::fabs(x[span.k + 1] - x[span.k]) * (span.b - span.a);
        s.integral += 0.5 * (ya + yb) * dx;
        s.squares += 0.5 * (ya * ya + yb * yb) * dx;
        s.length += dx;
        s.min = std::min({s.min, ya, yb});
        s.max = std::max({s.max, ya, yb});
    }
    return s;
}

} // namespace

std::vector<Span> clip(const std::vector<double>& x, Window window) {
    std::vector<Span> spans;
    if (x.size() == 1 && x[0] >= window.lo && x[0] <= window.hi) return {{0, 0.0, 0.0}}; // a one-point sweep
    const int dir = direction(x);
    for (std::size_t k = 0; k + 1 < x.size(); ++k) {
        if (isRestart(x, k, dir)) continue;
        const double dx = x[k + 1] - x[k];
        if (dx == 0) {
            if (x[k] >= window.lo && x[k] <= window.hi) spans.push_back({k, 0.0, 1.0});
            continue;
        }
        const double sLo = (window.lo - x[k]) / dx, sHi = (window.hi - x[k]) / dx;
        const double a = std::max(0.0, std::min(sLo, sHi)), b = std::min(1.0, std::max(sLo, sHi));
        if (a <= b) spans.push_back({k, a, b});
    }
    return spans;
}

double interpolate(const std::vector<double>& y, std::size_t k, double f) {
    if (f == 0.0 || k + 1 >= y.size()) return y[k];
    if (f == 1.0) return y[k + 1];
    return y[k] + f * (y[k + 1] - y[k]);
}

std::optional<Position> findCrossing(const std::vector<double>& x, const std::vector<double>& y, double level,
                                     MeasureCondition::Edge edge, int occurrence, bool last, Window window) {
    using Edge = MeasureCondition::Edge;
    std::optional<Position> found;
    int count = 0;
    bool above = false;   // ngspice's "section": a first point exactly at the level counts as above
    std::size_t next = 0; // the interval after the previous span; another one means a gap (restart)
    bool started = false;
    for (const auto& span : clip(x, window)) {
        const double ya = interpolate(y, span.k, span.a), yb = interpolate(y, span.k, span.b);
        if (!started || span.k != next) above = ya >= level;
        started = true;
        next = span.k + 1;
        // Reaching the level is a crossing; staying on it (a plateau) is not.
        Edge crossed;
        if (!above && (yb > level || (yb == level && ya < level)))
            crossed = Edge::Rise;
        else if (above && (yb < level || (yb == level && ya > level)))
            crossed = Edge::Fall;
        else
            continue;
        above = crossed == Edge::Rise;
        if (edge != Edge::Cross && edge != crossed) continue;
        const double f = span.a + (span.b - span.a) * (level - ya) / (yb - ya);
        found = Position{interpolate(x, span.k, f), span.k, f};
        if (!last && ++count == occurrence) return found;
    }
    return last ? found : std::nullopt;
}

std::optional<Position> locate(const std::vector<double>& x, double at) {
    const auto spans = clip(x, Window{at, at});
    if (spans.empty()) return std::nullopt;
    const Span& s = spans.front();
    return Position{at, s.k, s.a};
}

std::optional<double> integral(const std::vector<double>& x, const std::vector<double>& y, Window window) {
    const auto s = accumulate(x, y, window);
    return s ? std::optional<double>(s->integral) : std::nullopt;
}

std::optional<double> average(const std::vector<double>& x, const std::vector<double>& y, Window window) {
    const auto s = accumulate(x, y, window);
    if (!s || s->length == 0) return std::nullopt;
    return s->integral / s->length;
}

std::optional<double> rms(const std::vector<double>& x, const std::vector<double>& y, Window window) {
    const auto s = accumulate(x, y, window);
    if (!s || s->length == 0) return std::nullopt;
    return std::sqrt(s->squares / s->length);
}

std::optional<double> minimum(const std::vector<double>& x, const std::vector<double>& y, Window window) {
    const auto s = accumulate(x, y, window);
    return s ? std::optional<double>(s->min) : std::nullopt;
}

std::optional<double> maximum(const std::vector<double>& x, const std::vector<double>& y, Window window) {
    const auto s = accumulate(x, y, window);
    return s ? std::optional<double>(s->max) : std::nullopt;
}

double derivative(const std::vector<double>& x, const std::vector<double>& y, const Position& at) {
    const int dir = direction(x);
    const double d0 = sampleSlope(x, y, at.k, dir);
    if (at.f == 0.0 || at.k + 1 >= x.size()) return d0;
    const double d1 = sampleSlope(x, y, at.k + 1, dir);
    return at.f == 1.0 ? d1 : d0 + at.f * (d1 - d0);
}

// ---- evaluation of MeasureSpecs ----------------------------------------------------------------------
namespace {

struct MeasureFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string format(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

// The real quantity a MeasureSignal denotes at every point of the analysis.
std::vector<double> valuesOf(const Waveforms& w, const MeasureSignal& s) {
    return signalValues(w, s);
}
} // namespace

std::vector<double> signalValues(const Waveforms& w, const MeasureSignal& s) {
    auto column = [&](const std::string& vector, bool imaginary) -> const std::vector<double>& {
        const std::vector<double>* v = imaginary ? w.findImag(vector) : w.find(vector);
        if (!v || v->size() != w.points())
            throw MeasureFailure("no vector " + vector + " in the " + w.name + " results");
        return *v;
    };
    const std::size_t n = w.points();
    std::vector<double> out(n);
    const std::vector<double> zeros(n, 0.0);
    const auto& re = column(s.vector, false);
    const auto& refRe = s.reference.empty() ? zeros : column(s.reference, false);
    if (!w.complex) {
        for (std::size_t i = 0; i < n; ++i) out[i] = re[i] - refRe[i];
        return out;
    }
    const auto& im = column(s.vector, true);
    const auto& refIm = s.reference.empty() ? zeros : column(s.reference, true);
    for (std::size_t i = 0; i < n; ++i) {
        const std::complex<double> z(re[i] - refRe[i], im[i] - refIm[i]);
        switch (s.part) {
        case MeasureSignal::Part::Real: out[i] = z.real(); break;
        case MeasureSignal::Part::Imag: out[i] = z.imag(); break;
        case MeasureSignal::Part::Magnitude: out[i] = std::abs(z); break;
        case MeasureSignal::Part::Phase: out[i] = std::arg(z) * 180.0 / M_PI; break;
        case MeasureSignal::Part::Decibel: out[i] = 20.0 * std::log10(std::abs(z)); break;
        }
    }
    return out;
}

namespace {

Window windowOf(const std::string& analysis, double td, std::optional<double> from, std::optional<double> to) {
    Window window;
    if (from) window.lo = *from;
    if (to) window.hi = *to;
    if (window.lo > window.hi && analysis == "dc") std::swap(window.lo, window.hi); // a downward dc sweep
    if (analysis == "tran" && td > window.lo) window.lo = td;
    return window;
}

std::string describe(const MeasureCondition& c) {
    std::string text = c.signal.text + "=" + (c.against ? c.against->text : format(c.value));
    const char* edge = c.edge == MeasureCondition::Edge::Rise   ? "rise"
                       : c.edge == MeasureCondition::Edge::Fall ? "fall"
                                                                : "cross";
    return text + " " + edge + "=" + (c.last ? "last" : std::to_string(c.occurrence));
}

// Where a TRIG/TARG/WHEN condition is met.
Position conditionPosition(const Waveforms& w, const MeasureCondition& c, const std::string& analysis,
                           const char* role) {
    const std::vector<double>& x = w.re.front();
    if (c.at) return Position{*c.at, 0, 0};
    std::vector<double> y = valuesOf(w, c.signal);
    double level = c.value;
    if (c.against) {
        const std::vector<double> other = valuesOf(w, *c.against);
        for (std::size_t i = 0; i < y.size(); ++i) y[i] -= other[i];
        level = 0;
    }
    const auto found = findCrossing(x, y, level, c.edge, c.occurrence, c.last, windowOf(analysis, c.td, c.from, c.to));
    if (!found) throw MeasureFailure(std::string(role) + " condition " + describe(c) + " never met");
    return *found;
}

Position positionAt(const std::vector<double>& x, double at) {
    const auto p = locate(x, at);
    if (!p)
        throw MeasureFailure("AT=" + format(at) + " is outside the sweep [" + format(x.front()) + ", " +
                             format(x.back()) + "]");
    return *p;
}

// Names of the identifiers an expression uses.
void collectIdentifiers(const expr::Node& node, std::vector<std::string>& names) {
    std::visit(
        [&](const auto& n) {
            using N = std::decay_t<decltype(n)>;
            if constexpr (std::is_same_v<N, expr::Identifier>) {
                names.push_back(n.name);
            } else if constexpr (std::is_same_v<N, expr::Unary>) {
                collectIdentifiers(*n.operand, names);
            } else if constexpr (std::is_same_v<N, expr::Binary>) {
                collectIdentifiers(*n.lhs, names);
                collectIdentifiers(*n.rhs, names);
            } else if constexpr (std::is_same_v<N, expr::Ternary>) {
                collectIdentifiers(*n.condition, names);
                collectIdentifiers(*n.ifTrue, names);
                collectIdentifiers(*n.ifFalse, names);
            } else if constexpr (std::is_same_v<N, expr::Call>) {
                for (const auto& arg : n.args) collectIdentifiers(*arg, names);
            }
        },
        node.data);
}

double evaluateParam(const MeasureSpec& spec, const std::vector<Measurement>& earlier,
                     const std::map<std::string, double>& params) {
    const Expression e = Expression::parse(spec.expression, ExprOrigin{spec.loc, spec.lineText, {}});
    ParamScope top;
    for (const auto& [name, value] : params) top.set(name, value);
    ParamScope scope(&top);
    std::vector<std::string> used;
    collectIdentifiers(e.root(), used);
    for (const auto& m : earlier) {
        if (m.error.empty())
            scope.set(m.name, m.value);
        else if (std::find(used.begin(), used.end(), m.name) != used.end())
            throw MeasureFailure("uses the failed measurement '" + m.name + "'");
    }
    try {
        return e.evaluate(scope);
    } catch (const InputError& error) {
        throw MeasureFailure(error.message());
    }
}

double evaluateOne(const MeasureSpec& spec, const Waveforms& w, const std::vector<Measurement>& earlier,
                   const std::map<std::string, double>& params) {
    using Kind = MeasureSpec::Kind;
    if (spec.kind == Kind::Param) return evaluateParam(spec, earlier, params);
    if (w.sweep.empty() || w.re.empty() || w.points() == 0) throw MeasureFailure("the analysis has no sweep points");
    const std::vector<double>& x = w.re.front();
    switch (spec.kind) {
    case Kind::TrigTarg:
        return conditionPosition(w, spec.targ, spec.analysis, "TARG").x -
               conditionPosition(w, spec.trig, spec.analysis, "TRIG").x;
    case Kind::When: return conditionPosition(w, spec.when, spec.analysis, "WHEN").x;
    case Kind::FindWhen: {
        const Position p = conditionPosition(w, spec.when, spec.analysis, "WHEN");
        return interpolate(valuesOf(w, spec.signal), p.k, p.f);
    }
    case Kind::FindAt: {
        const Position p = positionAt(x, spec.at);
        return interpolate(valuesOf(w, spec.signal), p.k, p.f);
    }
    case Kind::DerivWhen:
        return derivative(x, valuesOf(w, spec.signal), conditionPosition(w, spec.when, spec.analysis, "WHEN"));
    case Kind::DerivAt: return derivative(x, valuesOf(w, spec.signal), positionAt(x, spec.at));
    default: break;
    }
    const std::vector<double> y = valuesOf(w, spec.signal);
    if (spec.kind == Kind::PeakFrequency || spec.kind == Kind::Linewidth) {
        spectrum::Options options;
        options.from = spec.from.value_or(options.from);
        options.to = spec.to.value_or(options.to);
        try {
            const spectrum::Spectrum s = spectrum::compute(x, y, options);
            return spec.kind == Kind::PeakFrequency ? s.peakFrequency : s.linewidth;
        } catch (const std::invalid_argument& e) {
            throw MeasureFailure(e.what());
        }
    }
    const Window window = windowOf(spec.analysis, spec.td, spec.from, spec.to);
    std::optional<double> result;
    switch (spec.kind) {
    case Kind::Avg: result = average(x, y, window); break;
    case Kind::Rms: result = rms(x, y, window); break;
    case Kind::Min: result = minimum(x, y, window); break;
    case Kind::Max: result = maximum(x, y, window); break;
    case Kind::Integ: result = integral(x, y, window); break;
    case Kind::Pp: {
        const auto lo = minimum(x, y, window), hi = maximum(x, y, window);
        if (lo && hi) result = *hi - *lo;
        break;
    }
    default: break;
    }
    if (!result)
        throw MeasureFailure("no part of the sweep lies in the window [" + format(window.lo) + ", " +
                             format(window.hi) + "]");
    return *result;
}

} // namespace

std::optional<double> settledAfter(const MeasureSpec& spec, const Waveforms& w) {
    using Kind = MeasureSpec::Kind;
    if (w.re.empty() || w.points() == 0) return std::nullopt;
    auto crossing = [&](const MeasureCondition& c) -> std::optional<double> {
        if (c.at) return *c.at;
        if (c.last) return std::nullopt; // the last crossing is known only at the end
        try {
            return conditionPosition(w, c, spec.analysis, "").x;
        } catch (const MeasureFailure&) {
            return std::nullopt;
        }
    };
    switch (spec.kind) {
    case Kind::TrigTarg: {
        const auto trig = crossing(spec.trig), targ = crossing(spec.targ);
        if (!trig || !targ) return std::nullopt;
        return std::max(*trig, *targ);
    }
    case Kind::When:
    case Kind::FindWhen:
    case Kind::DerivWhen: return crossing(spec.when);
    case Kind::FindAt:
    case Kind::DerivAt: return spec.at;
    case Kind::Param: return std::nullopt;
    default: return spec.to; // AVG RMS MIN MAX PP INTEG and the spectral ones: their window's end
    }
}

std::vector<Measurement> evaluateMeasurements(const std::vector<MeasureSpec>& specs, const Waveforms& w,
                                              const std::map<std::string, double>& params) {
    std::vector<Measurement> results;
    for (const auto& spec : specs) {
        if (spec.analysis != w.type) continue;
        Measurement m;
        m.name = spec.name;
        if (!w.error.empty()) {
            m.error = "the analysis failed";
        } else {
            try {
                m.value = evaluateOne(spec, w, results, params);
                if (!std::isfinite(m.value)) m.error = "the result is not finite";
            } catch (const MeasureFailure& failure) {
                m.error = failure.what();
            }
        }
        results.push_back(std::move(m));
    }
    return results;
}

} // namespace spinspice::measure
