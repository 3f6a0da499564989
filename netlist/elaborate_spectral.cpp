// Spectral output cards of a transient: `.spectrum` (power spectral densities, peak and linewidth, to
// the JSON results) and `.four` (ngspice's Fourier analysis of the last period).
#include "netlist/elaborator.hpp"

namespace spinspice::netlist::detail {
namespace {
const char* const kSpectrumSyntax = "expected: .spectrum out1 [out2 ...] [from=t] [to=t] [segments=k] [points=n] "
                                    "[window=hann|rect] (out: v(node), v(n1,n2), i(vsource) or a state n1.mz)";
const char* const kFourSyntax = "expected: .four freq out1 [out2 ...] (out: v(node), v(n1,n2), i(vsource) or a state)";
} // namespace

void Elaborator::commandSpectrum(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    SpectrumSpec spec;
    spec.loc = card.loc();
    std::size_t i = 1;
    while (i < t.size() && !(i + 1 < t.size() && t[i + 1].kind == TokenKind::Equals))
        spec.signals.push_back(measureSignal(card, i, scope, "tran"));
    if (spec.signals.empty()) failAtEnd(card, "missing the signals", kSpectrumSyntax);
    for (const auto& o : measureOptions(card, i, {"from", "to", "segments", "points", "window"}, "", kSpectrumSyntax)) {
        if (o.key == "window") {
            if (!o.value->isWord("hann") && !o.value->isWord("rect"))
                fail(card, *o.value, "unknown window '" + o.value->text + "'", "window=hann or window=rect");
            spec.rectangular = o.value->isWord("rect");
            continue;
        }
        const double v = evalValue(card, *o.value, scope);
        if (o.key == "from") spec.from = v;
        if (o.key == "to") spec.to = v;
        if (o.key == "segments" || o.key == "points") {
            const double hi = o.key == "segments" ? 1e4 : 1e8;
            if (!(v >= 1 && v <= hi) || v != std::floor(v))
                fail(card, *o.value, o.key + " must be an integer from 1 to " + formatParamNumber(hi), kSpectrumSyntax);
            if (o.key == "segments") spec.segments = static_cast<int>(v);
            if (o.key == "points") spec.points = static_cast<long>(v);
        }
    }
    if (spec.from && spec.to && !(*spec.to > *spec.from))
        fail(card, t[1], "the window is empty: to must be larger than from", kSpectrumSyntax);
    out_.spectra.push_back(std::move(spec));
}

void Elaborator::commandFour(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    if (t.size() < 2) failAtEnd(card, "missing the fundamental frequency", kFourSyntax);
    FourierSpec spec;
    spec.loc = card.loc();
    spec.frequency = evalValue(card, t[1], scope);
    if (!(spec.frequency > 0)) fail(card, t[1], "the fundamental frequency must be > 0", kFourSyntax);
    for (std::size_t i = 2; i < t.size();) spec.signals.push_back(measureSignal(card, i, scope, "tran"));
    if (spec.signals.empty()) failAtEnd(card, "missing the signals", kFourSyntax);
    out_.fourier.push_back(std::move(spec));
}

} // namespace spinspice::netlist::detail
