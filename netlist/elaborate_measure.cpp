// Output cards: .print, .meas/.measure and .step, plus the output vectors they need in a `.save` list.
// Semantics of .meas follow ngspice 39 (frontend/com_measure2.c); see analysis/measure.hpp.
#include "netlist/elaborator.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace spinspice::netlist::detail {
namespace {

const char* const kPrintSyntax = "expected: .print tran|dc|ac|op v(node) v(n1,n2) i(vsource) ...";
const char* const kMeasSyntax =
    "expected: .meas tran|dc|ac name TRIG ... TARG ... | WHEN out=val | FIND out WHEN out=val | FIND out AT=x | "
    "DERIV out AT=x | AVG|RMS|MIN|MAX|PP|INTEG out [FROM=x] [TO=x] | PEAKFREQ|LINEWIDTH out [FROM=t] [TO=t] | "
    "PARAM='expr'";
const char* const kTrigSyntax = "expected: TRIG v(node) VAL=x RISE=n|FALL=n|CROSS=n [TD=t] | TRIG AT=t";
const char* const kStepSyntax = "expected: .step [param] name list v1 v2 ... | .step [param] name start stop incr | "
                                ".step dec|oct|lin [param] name start stop n|incr | .step temp ...";
constexpr std::size_t kMaxSteps = 100000;

const std::vector<std::string> kRealOutputs = {"v", "i"};
const std::vector<std::string> kComplexOutputs = {"v",  "i",  "vm", "vp",  "vdb", "vr",
                                                  "vi", "im", "ip", "idb", "ir",  "ii"};
const std::vector<std::string> kMeasFunctions = {"trig",     "delay", "when",     "find",     "deriv", "derivative",
                                                 "avg",      "rms",   "min",      "max",      "pp",    "integ",
                                                 "integral", "param", "peakfreq", "linewidth"};

bool isWordIn(const Token& t, const std::vector<std::string>& words) {
    return t.isWord() && std::find(words.begin(), words.end(), t.lower()) != words.end();
}

MeasureSignal::Part partOf(const std::string& function) {
    const std::string suffix = function.substr(1);
    if (suffix == "m") return MeasureSignal::Part::Magnitude;
    if (suffix == "p") return MeasureSignal::Part::Phase;
    if (suffix == "db") return MeasureSignal::Part::Decibel;
    if (suffix == "i") return MeasureSignal::Part::Imag;
    return MeasureSignal::Part::Real;
}

// `lin` count by increment (as .dc), `dec`/`oct` points per decade/octave (as .ac).
std::vector<double> stepValues(const Card& card, const Token& at, const std::string& scale, double start, double stop,
                               double x) {
    std::vector<double> values;
    if (scale == "lin") {
        if (x == 0.0) fail(card, at, "the .step increment must not be zero", kStepSyntax);
        const double count = std::floor((stop - start) / x * (1.0 + 1e-12) + 1e-9) + 1;
        if (count < 1) fail(card, at, "the .step increment has the wrong sign to go from start to stop");
        if (count > kMaxSteps) fail(card, at, "too many .step values (more than 100000)");
        for (long k = 0; k < static_cast<long>(count); ++k) values.push_back(start + static_cast<double>(k) * x);
        return values;
    }
    if (start <= 0 || stop <= 0) fail(card, at, "start and stop of a " + scale + " .step must be > 0", kStepSyntax);
    if (x < 1 || x != std::floor(x)) fail(card, at, "the points per " + scale + " must be a positive integer");
    const double ratio = std::pow(scale == "dec" ? 10.0 : 2.0, (stop >= start ? 1.0 : -1.0) / x);
    for (double v = start; stop >= start ? v <= stop * (1 + 1e-9) : v >= stop * (1 - 1e-9); v *= ratio) {
        if (values.size() == kMaxSteps) fail(card, at, "too many .step values (more than 100000)");
        values.push_back(v);
    }
    return values;
}

} // namespace

std::vector<std::string> Elaborator::flatNodeNames() const {
    std::set<std::string> nodes;
    for (const auto& e : out_.elements) nodes.insert(e.nodes.begin(), e.nodes.end());
    nodes.erase("0");
    return {nodes.begin(), nodes.end()};
}

// name '(' n1 [n2] ')' at t[i]; on return i is past the ')'. Nodes and current-carrying elements are
// checked against the flat circuit.
OutputRef Elaborator::outputRef(const Card& card, std::size_t& i, const ElabScope& scope, bool complexParts,
                                const std::string& syntax) const {
    const auto& t = card.tokens;
    const Token& f = t[i];
    const bool call = i + 1 < t.size() && t[i + 1].kind == TokenKind::LParen;
    if (f.isWord() && !call && f.text.find('.') != std::string::npos) return stateRef(card, i, scope);
    if (!f.isWord() || !call)
        fail(card, f,
             "expected an output such as v(node), i(vsource) or a device state (n1.mz), found '" + f.text + "'",
             syntax);
    OutputRef ref;
    ref.function = f.lower();
    ref.loc = card.locOf(f);
    if (!isWordIn(f, complexParts ? kComplexOutputs : kRealOutputs)) {
        const bool acOnly = isWordIn(f, kComplexOutputs);
        fail(card, f, "unsupported output '" + ref.function + "(...)'" + (acOnly ? " outside an ac analysis" : ""),
             acOnly ? "magnitude, phase and dB parts exist only for ac; use v(node) or i(vsource)"
                    : suggestionHint(ref.function, complexParts ? kComplexOutputs : kRealOutputs));
    }
    const bool voltage = ref.function[0] == 'v';
    std::size_t k = i + 2;
    std::vector<const Token*> names;
    for (; k < t.size() && t[k].kind != TokenKind::RParen; ++k) {
        if (!t[k].isWord())
            fail(card, t[k], "expected a " + std::string(voltage ? "node" : "source") + " name", syntax);
        names.push_back(&t[k]);
    }
    if (k >= t.size()) failAtEnd(card, "missing ')'", syntax);
    if (names.empty() || names.size() > (voltage ? 2u : 1u))
        fail(card, f,
             voltage ? ref.function + "() takes one or two node names" : ref.function + "() takes one source name",
             syntax);
    if (voltage) {
        const std::vector<std::string> nodes = flatNodeNames();
        for (const Token* name : names) {
            const std::string node = nodeName(card, *name, scope);
            if (node != "0" && !std::binary_search(nodes.begin(), nodes.end(), node))
                fail(card, *name, "unknown node '" + node + "'", suggestionHint(node, nodes));
            ref.names.push_back(node);
        }
        if (ref.names[0] == "0")
            fail(card, *names[0], "the first node must not be ground", "v(0) is always 0; write v(node) or v(n1,n2)");
        if (ref.names.size() == 2 && ref.names[1] == "0") ref.names.pop_back();
    } else {
        const std::string element = names[0]->lower();
        const int it = findElement(element);
        auto hasCurrent = [](const FlatElement& e) {
            return std::string("vleh").find(e.letter) != std::string::npos ||
                   (e.letter == 'b' && e.behaviorKind == 'v');
        };
        if (it < 0 || !hasCurrent(out_.elements[static_cast<std::size_t>(it)])) {
            std::vector<std::string> candidates;
            for (const auto& e : out_.elements)
                if (hasCurrent(e)) candidates.push_back(e.name);
            fail(card, *names[0],
                 it < 0 ? "unknown element '" + element + "'" : "'" + element + "' has no branch current to measure",
                 candidates.empty() ? "only voltage sources, inductors and E/H/B voltage sources have a current"
                                    : suggestionHint(element, candidates));
        }
        ref.names.push_back(element);
    }
    ref.text = ref.function + "(" + ref.names[0] + (ref.names.size() > 1 ? "," + ref.names[1] : "") + ")";
    i = k + 1;
    return ref;
}

// A device state, <instance>.<state> (n1.mz, x1.n2.cr): the instance is checked here, the state's name
// when the circuit is built (devices declare their states in setup).
OutputRef Elaborator::stateRef(const Card& card, std::size_t& i, const ElabScope& scope) const {
    const Token& f = card.tokens[i];
    OutputRef ref;
    ref.function = "state";
    ref.loc = card.locOf(f);
    const std::string flat = scope.prefix + f.lower();
    const std::string instance = flat.substr(0, flat.rfind('.'));
    if (findElement(instance) < 0) {
        std::vector<std::string> candidates;
        for (const auto& e : out_.elements)
            if (e.letter == 'n') candidates.push_back(e.name);
        fail(card, f, "'" + flat + "' names no device state: there is no element '" + instance + "'",
             candidates.empty() ? "device states belong to N elements (n1.mz)" : suggestionHint(instance, candidates));
    }
    ref.names = {flat};
    ref.text = flat;
    ++i;
    return ref;
}

// ---- .print ----------------------------------------------------------------------------------------
void Elaborator::commandPrint(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    if (t.size() < 2) failAtEnd(card, "missing analysis type", kPrintSyntax);
    if (!isWordIn(t[1], {"tran", "dc", "ac", "op"}))
        fail(card, t[1], "expected the analysis type tran, dc, ac or op, found '" + t[1].text + "'", kPrintSyntax);
    PrintSpec print;
    print.analysis = t[1].lower();
    print.loc = card.loc();
    if (t.size() < 3) failAtEnd(card, "missing output items", kPrintSyntax);
    for (std::size_t i = 2; i < t.size();) {
        OutputRef ref = outputRef(card, i, scope, print.analysis == "ac", kPrintSyntax);
        outputsToSave_.push_back(ref);
        print.items.push_back(ref.text);
    }
    out_.prints.push_back(std::move(print));
}

// ---- .meas -----------------------------------------------------------------------------------------
MeasureSignal Elaborator::measureSignal(const Card& card, std::size_t& i, const ElabScope& scope,
                                        const std::string& analysis) {
    if (i >= card.tokens.size()) failAtEnd(card, "missing output, such as v(node) or i(vsource)", kMeasSyntax);
    OutputRef ref = outputRef(card, i, scope, analysis == "ac", kMeasSyntax);
    outputsToSave_.push_back(ref);
    MeasureSignal s;
    s.vector = ref.function == "state" ? ref.names[0] : ref.function.substr(0, 1) + "(" + ref.names[0] + ")";
    if (ref.names.size() > 1) s.reference = "v(" + ref.names[1] + ")";
    s.part = partOf(ref.function);
    s.text = ref.text;
    return s;
}

// key=value options from t[i] until `stop` (a keyword such as TARG) or the end of the card.
std::vector<MeasureOption> Elaborator::measureOptions(const Card& card, std::size_t& i,
                                                      const std::vector<std::string>& allowed, const std::string& stop,
                                                      const std::string& syntax) const {
    const auto& t = card.tokens;
    std::vector<MeasureOption> options;
    for (; i < t.size() && !(t[i].isWord() && t[i].lower() == stop);) {
        if (!t[i].isWord() || i + 1 >= t.size() || t[i + 1].kind != TokenKind::Equals)
            fail(card, t[i], "expected name=value, found '" + t[i].text + "'", syntax);
        const std::string key = t[i].lower();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            fail(card, t[i], "unexpected option '" + key + "'", suggestionHint(key, allowed));
        if (i + 2 >= t.size()) failAtEnd(card, "missing value for '" + key + "'", syntax);
        if (!t[i + 2].isValue()) fail(card, t[i + 2], "expected a value for '" + key + "'", syntax);
        options.push_back({key, &t[i], &t[i + 2]});
        i += 3;
    }
    return options;
}

void Elaborator::applyConditionOptions(const Card& card, const std::vector<MeasureOption>& options, MeasureCondition& c,
                                       const ElabScope& scope) const {
    const MeasureOption* edge = nullptr;
    for (const auto& o : options) {
        if (o.key == "rise" || o.key == "fall" || o.key == "cross") {
            if (edge)
                fail(card, *o.keyToken, "only one of RISE, FALL and CROSS may be given",
                     "'" + edge->key + "' was given before");
            edge = &o;
            c.edge = o.key == "rise"   ? MeasureCondition::Edge::Rise
                     : o.key == "fall" ? MeasureCondition::Edge::Fall
                                       : MeasureCondition::Edge::Cross;
            if (o.value->isWord("last")) {
                c.last = true;
                continue;
            }
            const double n = evalValue(card, *o.value, scope);
            if (n < 1 || n != std::floor(n) || n > 1e9)
                fail(card, *o.value, o.key + " must be a positive integer or LAST");
            c.occurrence = static_cast<int>(n);
            continue;
        }
        const double v = evalValue(card, *o.value, scope);
        if (o.key == "val")
            c.value = v;
        else if (o.key == "td")
            c.td = v;
        else if (o.key == "from")
            c.from = v;
        else if (o.key == "to")
            c.to = v;
        else if (o.key == "at")
            c.at = v;
    }
}

// TRIG/TARG clause at t[i] (past the keyword): `AT=x` or `signal VAL=x RISE|FALL|CROSS=n [TD=t] ...`.
MeasureCondition Elaborator::trigTargClause(const Card& card, std::size_t& i, const ElabScope& scope,
                                            const std::string& analysis, const Token& keyword,
                                            const std::string& stop) {
    MeasureCondition c;
    const auto& t = card.tokens;
    if (!(i < t.size() && t[i].isWord("at") && i + 1 < t.size() && t[i + 1].kind == TokenKind::Equals))
        c.signal = measureSignal(card, i, scope, analysis);
    const auto options =
        measureOptions(card, i, {"val", "td", "rise", "fall", "cross", "from", "to", "at"}, stop, kTrigSyntax);
    applyConditionOptions(card, options, c, scope);
    if (c.at) return c;
    auto given = [&](const char* key) {
        return std::any_of(options.begin(), options.end(), [&](const MeasureOption& o) { return o.key == key; });
    };
    if (!given("val")) fail(card, keyword, "missing VAL= for " + keyword.lower(), kTrigSyntax);
    if (!given("rise") && !given("fall") && !given("cross"))
        fail(card, keyword, keyword.lower() + " needs RISE=n, FALL=n or CROSS=n (or AT=x)", kTrigSyntax);
    return c;
}

// WHEN clause at t[i] (past the keyword): `signal=value|signal [TD= FROM= TO= RISE|FALL|CROSS=]`.
MeasureCondition Elaborator::whenClause(const Card& card, std::size_t& i, const ElabScope& scope,
                                        const std::string& analysis) {
    const auto& t = card.tokens;
    MeasureCondition c;
    c.signal = measureSignal(card, i, scope, analysis);
    if (i >= t.size()) failAtEnd(card, "missing '=value' after " + c.signal.text, kMeasSyntax);
    if (t[i].kind != TokenKind::Equals) fail(card, t[i], "expected '=' after " + c.signal.text, kMeasSyntax);
    if (++i >= t.size()) failAtEnd(card, "missing value after '='", kMeasSyntax);
    if (t[i].isWord() && i + 1 < t.size() && t[i + 1].kind == TokenKind::LParen) {
        c.against = measureSignal(card, i, scope, analysis);
    } else {
        c.value = evalValue(card, t[i], scope);
        ++i;
    }
    applyConditionOptions(card, measureOptions(card, i, {"td", "rise", "fall", "cross", "from", "to"}, "", kMeasSyntax),
                          c, scope);
    return c;
}

void Elaborator::commandMeasure(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    MeasureSpec m;
    m.loc = card.loc();
    m.lineText = card.firstLineText();
    if (t.size() < 2) failAtEnd(card, "missing analysis type", kMeasSyntax);
    if (!isWordIn(t[1], {"tran", "dc", "ac"}))
        fail(card, t[1], "expected the analysis type tran, dc or ac, found '" + t[1].text + "'", kMeasSyntax);
    m.analysis = t[1].lower();
    if (t.size() < 3) failAtEnd(card, "missing measurement name", kMeasSyntax);
    if (!t[2].isWord()) fail(card, t[2], "expected a measurement name", kMeasSyntax);
    m.name = t[2].lower();
    for (const auto& other : out_.measures)
        if (other.name == m.name && other.analysis == m.analysis)
            fail(card, t[2], "measurement '" + m.name + "' is already defined", "first defined at " + other.loc.str());
    if (t.size() < 4) failAtEnd(card, "missing measurement function", kMeasSyntax);
    const Token& function = t[3];
    const std::string fn = function.isWord() ? function.lower() : std::string();
    std::size_t i = 4;
    auto noMoreTokens = [&] {
        if (i < t.size()) fail(card, t[i], "unexpected '" + t[i].text + "'", kMeasSyntax);
    };

    if (fn == "trig" || fn == "delay") {
        m.kind = MeasureSpec::Kind::TrigTarg;
        m.trig = trigTargClause(card, i, scope, m.analysis, function, "targ");
        if (i >= t.size()) failAtEnd(card, "missing TARG clause", kMeasSyntax);
        const Token& targ = t[i++];
        m.targ = trigTargClause(card, i, scope, m.analysis, targ, "");
        // ngspice: a FROM given on only one of TRIG and TARG applies to both
        if (m.trig.from && !m.targ.from) m.targ.from = m.trig.from;
        if (m.targ.from && !m.trig.from) m.trig.from = m.targ.from;
        checkWindow(card, m.analysis, m.trig.td, m.trig.from, m.trig.to);
        checkWindow(card, m.analysis, m.targ.td, m.targ.from, m.targ.to);
    } else if (fn == "when") {
        m.kind = MeasureSpec::Kind::When;
        m.when = whenClause(card, i, scope, m.analysis);
        checkWindow(card, m.analysis, m.when.td, m.when.from, m.when.to);
    } else if (fn == "find" || fn == "deriv" || fn == "derivative") {
        const bool find = fn == "find";
        m.signal = measureSignal(card, i, scope, m.analysis);
        if (i >= t.size()) failAtEnd(card, "missing AT=x or WHEN ...", kMeasSyntax);
        if (t[i].isWord("when")) {
            m.kind = find ? MeasureSpec::Kind::FindWhen : MeasureSpec::Kind::DerivWhen;
            ++i;
            m.when = whenClause(card, i, scope, m.analysis);
            checkWindow(card, m.analysis, m.when.td, m.when.from, m.when.to);
        } else {
            m.kind = find ? MeasureSpec::Kind::FindAt : MeasureSpec::Kind::DerivAt;
            const auto options = measureOptions(card, i, {"at"}, "when", kMeasSyntax);
            if (options.empty()) fail(card, t[i], "expected AT=x or WHEN ...", kMeasSyntax);
            m.at = evalValue(card, *options.back().value, scope);
        }
    } else if (isWordIn(function, {"avg", "rms", "min", "max", "pp", "integ", "integral"})) {
        using K = MeasureSpec::Kind;
        m.kind = fn == "avg"   ? K::Avg
                 : fn == "rms" ? K::Rms
                 : fn == "min" ? K::Min
                 : fn == "max" ? K::Max
                 : fn == "pp"  ? K::Pp
                               : K::Integ;
        m.signal = measureSignal(card, i, scope, m.analysis);
        MeasureCondition window;
        applyConditionOptions(card, measureOptions(card, i, {"from", "to", "td"}, "", kMeasSyntax), window, scope);
        checkWindow(card, m.analysis, window.td, window.from, window.to);
        m.from = window.from;
        m.to = window.to;
        m.td = window.td;
    } else if (isWordIn(function, {"peakfreq", "linewidth"})) {
        if (m.analysis != "tran")
            fail(card, function, fn + " measures the spectrum of a transient waveform", "use .meas tran");
        m.kind = fn == "peakfreq" ? MeasureSpec::Kind::PeakFrequency : MeasureSpec::Kind::Linewidth;
        m.signal = measureSignal(card, i, scope, m.analysis);
        MeasureCondition window;
        applyConditionOptions(card, measureOptions(card, i, {"from", "to"}, "", kMeasSyntax), window, scope);
        checkWindow(card, m.analysis, window.td, window.from, window.to);
        m.from = window.from;
        m.to = window.to;
    } else if (fn == "param") {
        m.kind = MeasureSpec::Kind::Param;
        if (i >= t.size() || t[i].kind != TokenKind::Equals)
            i >= t.size() ? failAtEnd(card, "missing '=' after PARAM", kMeasSyntax)
                          : fail(card, t[i], "expected '=' after PARAM", kMeasSyntax);
        if (++i >= t.size()) failAtEnd(card, "missing expression after PARAM=", kMeasSyntax);
        if (!t[i].isValue()) fail(card, t[i], "expected an expression", kMeasSyntax);
        checkMeasureExpression(card, t[i], scope, m);
        m.expression = t[i++].text;
    } else {
        std::string hint = suggestionHint(fn, kMeasFunctions);
        if (hint.empty())
            hint = "known functions: TRIG ... TARG, WHEN, FIND, DERIV, AVG, RMS, MIN, MAX, PP, INTEG, PEAKFREQ, "
                   "LINEWIDTH, PARAM";
        fail(card, function, "unknown measurement function '" + function.text + "'", hint);
    }
    noMoreTokens();
    out_.measures.push_back(std::move(m));
}

// FROM/TO/TD must describe a non-empty window; TD is a time delay (tran only). A dc sweep may run
// downwards, so FROM > TO is allowed there (ngspice swaps them).
void Elaborator::checkWindow(const Card& card, const std::string& analysis, double td, std::optional<double> from,
                             std::optional<double> to) const {
    auto tokenOf = [&](const char* key) -> const Token& {
        for (std::size_t k = card.tokens.size(); k-- > 0;)
            if (card.tokens[k].isWord(key)) return card.tokens[k];
        return card.tokens.front();
    };
    if (td != 0 && analysis != "tran")
        fail(card, tokenOf("td"), "TD= is a time delay for .meas tran", "use FROM= to restrict a dc or ac sweep");
    if (from && to && *from > *to && analysis != "dc")
        fail(card, tokenOf("to"), "TO= must not be below FROM=", "the window is [FROM, TO]");
}

// PARAM='expr' may use earlier measurements of the same analysis, top-level parameters and built-in
// functions; user .func functions are not available after the simulation.
void Elaborator::checkMeasureExpression(const Card& card, const Token& token, const ElabScope& scope,
                                        const MeasureSpec& m) const {
    const std::size_t offset = token.begin + (token.kind == TokenKind::Expression ? 1 : 0);
    const Expression e = Expression::parse(token.text, originAt(card, offset));
    std::vector<std::string> names;
    for (const auto& other : out_.measures)
        if (other.analysis == m.analysis) names.push_back(other.name);
    for (const auto& [name, value] : scope.params.localValues()) names.push_back(name);
    std::function<void(const expr::Node&)> visit = [&](const expr::Node& node) {
        std::visit(
            [&](const auto& n) {
                using N = std::decay_t<decltype(n)>;
                if constexpr (std::is_same_v<N, expr::Identifier>) {
                    if (!expr::builtinConstant(n.name) && std::find(names.begin(), names.end(), n.name) == names.end())
                        throw e.errorAt(node.offset,
                                        "'" + n.name + "' is not an earlier ." + m.analysis +
                                            " measurement or a top-level parameter",
                                        suggestionHint(n.name, names));
                } else if constexpr (std::is_same_v<N, expr::Unary>) {
                    visit(*n.operand);
                } else if constexpr (std::is_same_v<N, expr::Binary>) {
                    visit(*n.lhs);
                    visit(*n.rhs);
                } else if constexpr (std::is_same_v<N, expr::Ternary>) {
                    visit(*n.condition);
                    visit(*n.ifTrue);
                    visit(*n.ifFalse);
                } else if constexpr (std::is_same_v<N, expr::Call>) {
                    if (!expr::isBuiltinFunction(n.name))
                        throw e.errorAt(node.offset, "unknown function '" + n.name + "' in PARAM",
                                        "only built-in functions are available in .meas PARAM");
                    for (const auto& arg : n.args) visit(*arg);
                }
            },
            node.data);
    };
    visit(e.root());
}

// ---- .step -----------------------------------------------------------------------------------------
void Elaborator::commandStep(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    auto word = [&](std::size_t k) { return k < t.size() && t[k].isWord() ? t[k].lower() : std::string(); };
    auto isScale = [](const std::string& w) { return w == "lin" || w == "dec" || w == "oct"; };
    std::size_t i = 1;
    std::string scale = isScale(word(i)) ? word(i++) : std::string();
    StepSpec step;
    if (word(i) == "temp") {
        step.temperature = true;
        step.param = "temp";
        step.loc = card.locOf(t[i++]);
    } else {
        if (word(i) == "param") ++i;
        if (i >= t.size()) failAtEnd(card, "missing parameter name", kStepSyntax);
        if (!t[i].isWord()) fail(card, t[i], "expected a parameter name", kStepSyntax);
        step.param = t[i].lower();
        step.loc = card.locOf(t[i]);
        if (!scope.params.hasLocal(step.param)) {
            std::vector<std::string> names;
            for (const auto& [name, value] : scope.params.localValues()) names.push_back(name);
            fail(card, t[i], "unknown parameter '" + step.param + "' in .step",
                 names.empty() ? "define it with a top-level .param " + step.param + "=value"
                               : suggestionHint(step.param, names));
        }
        ++i;
    }
    for (const auto& other : out_.steps)
        if (other.param == step.param) fail(card, t[i - 1], "'" + step.param + "' is already stepped");

    const Token& first = i < t.size() ? t[i] : t.back();
    if (scale.empty() && word(i) == "list") {
        if (++i >= t.size()) failAtEnd(card, "missing values after 'list'", kStepSyntax);
        for (; i < t.size(); ++i) step.values.push_back(evalValue(card, t[i], scope));
    } else {
        std::size_t countFirst = 0; // `name lin|dec|oct n start stop` (as .ac): n comes first
        if (scale.empty() && isScale(word(i))) {
            scale = word(i++);
            countFirst = 1;
        }
        if (scale.empty()) scale = "lin";
        if (i + 3 > t.size())
            failAtEnd(card,
                      ".step needs start, stop and " +
                          std::string(scale == "lin" && !countFirst ? "increment" : "points"),
                      kStepSyntax);
        if (i + 3 < t.size()) fail(card, t[i + 3], "too many arguments for .step", kStepSyntax);
        double v[3];
        for (int k = 0; k < 3; ++k) v[k] = evalValue(card, t[i + static_cast<std::size_t>(k)], scope);
        const double start = v[countFirst], stop = v[countFirst + 1], x = countFirst ? v[0] : v[2];
        const Token& xToken = t[countFirst ? i : i + 2];
        if (countFirst && scale == "lin") { // n points from start to stop
            if (x < 1 || x != std::floor(x) || x > kMaxSteps)
                fail(card, xToken, "the number of points must be a positive integer", kStepSyntax);
            for (int k = 0; k < static_cast<int>(x); ++k)
                step.values.push_back(x == 1 ? start : start + (stop - start) * k / (x - 1));
        } else {
            step.values = stepValues(card, xToken, scale, start, stop, x);
        }
    }
    if (step.values.empty()) fail(card, first, ".step gives no values", kStepSyntax);
    out_.steps.push_back(std::move(step));
}

// With an explicit `.save` list, the vectors that .meas and .print read are saved too (as ngspice does).
void Elaborator::saveOutputsOfMeasures() {
    for (const auto& ref : outputsToSave_) {
        if (ref.function != "state") continue;
        const std::string& name = ref.names[0];
        if (std::find(out_.stateOutputs.begin(), out_.stateOutputs.end(), name) != out_.stateOutputs.end()) continue;
        out_.stateOutputs.push_back(name);
        out_.saveLocs.emplace(name, ref.loc);
    }
    if (out_.saves.empty()) return;
    for (const auto& ref : outputsToSave_) {
        for (const auto& name : ref.names) {
            const std::string vector = ref.function == "state" ? name : ref.function.substr(0, 1) + "(" + name + ")";
            if (!savedItems_.insert(vector).second) continue;
            out_.saves.push_back(vector);
            out_.saveLocs.emplace(vector, ref.loc);
        }
    }
}

} // namespace spinspice::netlist::detail
