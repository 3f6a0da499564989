// Top-level control cards: .op .dc .ac .tran .options .ic .nodeset .temp .save/.probe .title (and the
// dispatch of .print .plot .meas .step, see elaborate_measure.cpp).
#include "netlist/elaborator.hpp"

#include <cmath>

namespace spinspice::netlist::detail {
namespace {

const char* const kDcSyntax =
    "expected: .dc src|param name|temp start stop step [src2|param name2|temp start2 stop2 step2]";
const char* const kAcSyntax = "expected: .ac dec|oct|lin points fstart fstop";
const char* const kTranSyntax = "expected: .tran tstep tstop [tstart [tmax]] [uic]";
const char* const kSaveSyntax = "expected: .save v(node) v(n1,n2) i(vsource) node ... | all";

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

} // namespace

AnalysisSpec& Elaborator::newAnalysis(const Card& card, AnalysisSpec::Kind kind, const char* typeName) {
    AnalysisSpec spec;
    spec.kind = kind;
    spec.name = typeName + std::to_string(++analysisCounts_[typeName]);
    spec.loc = card.loc();
    out_.analyses.push_back(std::move(spec));
    return out_.analyses.back();
}

// `... [sweep] monte=N` closing an analysis card (HSPICE): N Monte-Carlo samples of that analysis. The
// card without those tokens goes to the analysis' own parser.
int Elaborator::takeMonte(Card& card, const ElabScope& scope) const {
    auto& t = card.tokens;
    if (t.size() < 4 || !t[t.size() - 3].isWord("monte") || t[t.size() - 2].kind != TokenKind::Equals) return 0;
    const Token& count = t.back();
    const double n = evalValue(card, count, scope);
    if (!(n >= 1 && n <= 1e7) || n != std::floor(n))
        fail(card, count, "monte needs a whole number of samples in [1, 1e7]", "expected: ... sweep monte=1000");
    t.resize(t.size() - 3);
    if (t.size() > 1 && t.back().isWord("sweep")) t.pop_back();
    return static_cast<int>(n);
}

void Elaborator::runCommand(const Card& written, const ElabScope& scope) {
    const std::string keyword = written.keyword();
    const bool analysis =
        keyword == ".op" || keyword == ".dc" || keyword == ".ac" || keyword == ".tran" || keyword == ".tones";
    Card trimmed;
    int monte = 0;
    if (analysis) {
        trimmed = written;
        monte = takeMonte(trimmed, scope);
    }
    const Card& card = monte ? trimmed : written;
    const std::size_t analysesBefore = out_.analyses.size();
    runCommandCard(card, scope);
    if (monte && out_.analyses.size() > analysesBefore) out_.analyses.back().monte = monte;
}

void Elaborator::runCommandCard(const Card& card, const ElabScope& scope) {
    const std::string keyword = card.keyword();
    if (keyword == ".op") {
        if (card.tokens.size() > 1)
            fail(card, card.tokens[1], "unexpected '" + card.tokens[1].text + "'", "expected: .op");
        newAnalysis(card, AnalysisSpec::Kind::Op, "op");
    } else if (keyword == ".dc") {
        commandDc(card, scope);
    } else if (keyword == ".ac") {
        commandAc(card, scope);
    } else if (keyword == ".tran") {
        commandTran(card, scope);
    } else if (keyword == ".tones") {
        commandTones(card, scope);
    } else if (keyword == ".options" || keyword == ".option" || keyword == ".opt") {
        commandOptions(card, scope);
    } else if (keyword == ".ic") {
        commandInitialConditions(card, scope, out_.ic);
    } else if (keyword == ".nodeset") {
        commandInitialConditions(card, scope, out_.nodeset);
    } else if (keyword == ".temp") {
        if (card.tokens.size() < 2) failAtEnd(card, "missing temperature", "expected: .temp degrees");
        for (std::size_t i = 1; i < card.tokens.size(); ++i) {
            const double t = evalValue(card, card.tokens[i], scope);
            if (!out_.temp && i == 1) out_.temp = t;
        }
    } else if (keyword == ".save" || keyword == ".probe") {
        commandSave(card, scope);
    } else if (keyword == ".title") {
        out_.title = trimmed(card.text.substr(card.tokens[0].end));
    } else if (keyword == ".print") {
        commandPrint(card, scope);
    } else if (keyword == ".meas" || keyword == ".measure") {
        commandMeasure(card, scope);
    } else if (keyword == ".step") {
        commandStep(card, scope);
    } else if (keyword == ".spectrum") {
        commandSpectrum(card, scope);
    } else if (keyword == ".four" || keyword == ".fourier") {
        commandFour(card, scope);
    } // .plot: accepted and ignored (as ngspice in batch mode)
}

// .dc src|param name|temp start stop step [second sweep]: sources are swept by the simulator,
// parameters and the temperature by re-elaborating the deck per point (analysis/run_netlist.cpp).
void Elaborator::commandDc(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    std::vector<AnalysisSpec::Sweep> sweeps;
    for (std::size_t i = 1; i < t.size();) {
        if (sweeps.size() == 2) fail(card, t[i], "too many arguments for .dc", kDcSyntax);
        AnalysisSpec::Sweep sweep;
        if (t[i].isWord("temp")) {
            sweep.kind = AnalysisSpec::Sweep::Kind::Temp;
        } else if (t[i].isWord("param")) {
            sweep.kind = AnalysisSpec::Sweep::Kind::Param;
            ++i;
        }
        if (i + 3 >= t.size()) {
            if (sweeps.empty()) failAtEnd(card, ".dc needs a source name, start, stop and step", kDcSyntax);
            failAtEnd(card, "incomplete second sweep in .dc", kDcSyntax);
        }
        const Token& name = t[i];
        if (!name.isWord()) fail(card, name, "expected a source name", kDcSyntax);
        sweep.source = name.lower();
        if (sweep.kind == AnalysisSpec::Sweep::Kind::Param) {
            if (!scope.params.hasLocal(sweep.source)) {
                std::vector<std::string> names;
                for (const auto& [param, value] : scope.params.localValues()) names.push_back(param);
                fail(card, name, "unknown parameter '" + sweep.source + "' in .dc",
                     names.empty() ? "define it with a top-level .param" : suggestionHint(sweep.source, names));
            }
        } else if (sweep.kind == AnalysisSpec::Sweep::Kind::Source) {
            const int it = findElement(sweep.source);
            const char letter = it < 0 ? 0 : out_.elements[static_cast<std::size_t>(it)].letter;
            if (letter != 'v' && letter != 'i') {
                std::vector<std::string> sources;
                for (const auto& e : out_.elements)
                    if (e.letter == 'v' || e.letter == 'i') sources.push_back(e.name);
                std::string hint = suggestionHint(sweep.source, sources);
                if (sources.empty()) hint = "the circuit has no independent sources";
                if (scope.params.hasLocal(sweep.source))
                    hint = "to sweep the parameter, write .dc param " + sweep.source + " start stop step";
                fail(card, name,
                     it < 0 ? "unknown source '" + sweep.source + "' in .dc"
                            : "'" + sweep.source + "' is not a voltage or current source",
                     hint);
            }
        }
        sweep.start = evalValue(card, t[i + 1], scope);
        sweep.stop = evalValue(card, t[i + 2], scope);
        sweep.step = evalValue(card, t[i + 3], scope);
        if (sweep.step == 0.0) fail(card, t[i + 3], ".dc step must not be zero", kDcSyntax);
        if ((sweep.stop - sweep.start) / sweep.step < 0.0)
            fail(card, t[i + 3], ".dc step has the wrong sign to go from start to stop",
                 "use a negative step to sweep downwards");
        sweeps.push_back(sweep);
        i += 4;
    }
    if (sweeps.empty()) failAtEnd(card, ".dc needs a source name, start, stop and step", kDcSyntax);
    AnalysisSpec& analysis = newAnalysis(card, AnalysisSpec::Kind::Dc, "dc");
    analysis.sweeps = std::move(sweeps);
}

void Elaborator::commandAc(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    if (t.size() < 5) failAtEnd(card, ".ac needs a scale, the number of points, fstart and fstop", kAcSyntax);
    if (t.size() > 5) fail(card, t[5], "too many arguments for .ac", kAcSyntax);
    AnalysisSpec::AcScale scale;
    const std::string scaleName = t[1].isWord() ? t[1].lower() : std::string();
    if (scaleName == "dec")
        scale = AnalysisSpec::AcScale::Dec;
    else if (scaleName == "oct")
        scale = AnalysisSpec::AcScale::Oct;
    else if (scaleName == "lin")
        scale = AnalysisSpec::AcScale::Lin;
    else
        fail(card, t[1], "unknown .ac scale '" + t[1].text + "'", "expected one of: dec, oct, lin");
    const double points = evalValue(card, t[2], scope);
    if (points < 1 || points != std::floor(points) || points > 1e9)
        fail(card, t[2], "the number of points must be a positive integer", kAcSyntax);
    const double fstart = evalValue(card, t[3], scope);
    const double fstop = evalValue(card, t[4], scope);
    if (scale != AnalysisSpec::AcScale::Lin && fstart <= 0)
        fail(card, t[3], "fstart must be > 0 for a " + scaleName + " sweep", kAcSyntax);
    if (fstart < 0) fail(card, t[3], "fstart must not be negative", kAcSyntax);
    if (fstop < fstart) fail(card, t[4], "fstop must be >= fstart", kAcSyntax);
    AnalysisSpec& spec = newAnalysis(card, AnalysisSpec::Kind::Ac, "ac");
    spec.acScale = scale;
    spec.points = static_cast<int>(points);
    spec.fstart = fstart;
    spec.fstop = fstop;
}

void Elaborator::commandTran(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    std::vector<const Token*> values;
    bool uic = false;
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (t[i].isWord("uic")) {
            if (i + 1 < t.size()) fail(card, t[i + 1], "unexpected '" + t[i + 1].text + "' after uic", kTranSyntax);
            uic = true;
        } else if (values.size() == 4) {
            fail(card, t[i], "too many arguments for .tran", kTranSyntax);
        } else {
            values.push_back(&t[i]);
        }
    }
    if (values.size() < 2) failAtEnd(card, ".tran needs at least tstep and tstop", kTranSyntax);
    double v[4] = {0, 0, 0, 0};
    for (std::size_t i = 0; i < values.size(); ++i) v[i] = evalValue(card, *values[i], scope);
    if (v[0] <= 0) fail(card, *values[0], "tstep must be > 0", kTranSyntax);
    if (v[1] <= 0) fail(card, *values[1], "tstop must be > 0", kTranSyntax);
    if (values.size() > 2 && (v[2] < 0 || v[2] >= v[1]))
        fail(card, *values[2], "tstart must be >= 0 and < tstop", kTranSyntax);
    if (values.size() > 3 && v[3] < 0) fail(card, *values[3], "tmax must not be negative", kTranSyntax);
    AnalysisSpec& spec = newAnalysis(card, AnalysisSpec::Kind::Tran, "tran");
    spec.tstep = v[0];
    spec.tstop = v[1];
    spec.tstart = v[2];
    spec.tmax = v[3];
    spec.uic = uic;
}

// key=value (numeric -> options, other words -> textOptions) and bare flags (-> options[k] = 1).
void Elaborator::commandOptions(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (!t[i].isWord()) fail(card, t[i], "expected an option name", "expected: .options name=value flag ...");
        const std::string key = t[i].lower();
        out_.optionOrigins[key] = {card.locOf(t[i]), card.lineTextOf(t[i])};
        if (i + 1 >= t.size() || t[i + 1].kind != TokenKind::Equals) {
            out_.options[key] = 1.0;
            continue;
        }
        if (i + 2 >= t.size()) failAtEnd(card, "missing value for option '" + key + "'");
        const Token& value = t[i + 2];
        out_.optionOrigins[key] = {card.locOf(value), card.lineTextOf(value)};
        if (value.kind == TokenKind::Expression) {
            out_.options[key] = evalValue(card, value, scope);
        } else if (value.isWord()) {
            const bool numeric = parseSpiceNumber(value.text) || scope.params.lookupValue(value.lower()) ||
                                 value.text.find_first_of("{}()+*/^") != std::string::npos;
            if (numeric)
                out_.options[key] = evalValue(card, value, scope);
            else
                out_.textOptions[key] = value.lower();
        } else if (value.kind == TokenKind::String) {
            out_.textOptions[key] = value.text;
        } else {
            fail(card, value, "expected a value for option '" + key + "'");
        }
        i += 2;
    }
}

// The physical line of a token, one shared copy per line of the card (the last card's lines are kept).
std::shared_ptr<const std::string> Elaborator::sharedLine(const Card& card, const Token& token) {
    if (sharedLineCard_ != &card) {
        sharedLineCard_ = &card;
        sharedLines_.clear();
    }
    auto& line = sharedLines_[card.lineAt(token.begin).line];
    if (!line) line = std::make_shared<const std::string>(card.lineTextOf(token));
    return line;
}

// .ic / .nodeset v(node)=value ...
void Elaborator::commandInitialConditions(const Card& card, const ElabScope& scope,
                                          std::map<std::string, double>& target) {
    const std::string syntax = "expected: " + card.keyword() + " v(node)=value ...";
    const auto& t = card.tokens;
    if (t.size() < 2) failAtEnd(card, "missing node voltages", syntax);
    for (std::size_t i = 1; i < t.size(); i += 6) {
        if (!t[i].isWord("v")) fail(card, t[i], "expected v(node)=value", syntax);
        auto require = [&](std::size_t k, TokenKind kind, const char* what) {
            if (k >= t.size()) failAtEnd(card, std::string("missing ") + what, syntax);
            if (t[k].kind != kind) fail(card, t[k], std::string("expected ") + what, syntax);
        };
        require(i + 1, TokenKind::LParen, "'('");
        require(i + 2, TokenKind::Word, "a node name");
        require(i + 3, TokenKind::RParen, "')'");
        require(i + 4, TokenKind::Equals, "'='");
        if (i + 5 >= t.size()) failAtEnd(card, "missing value", syntax);
        const std::string node = nodeName(card, t[i + 2], scope);
        target[node] = evalValue(card, t[i + 5], scope);
        out_.saveLocs.emplace(node, card.locOf(t[i]));
        out_.saveLines.emplace(node, sharedLine(card, t[i]));
    }
}

// .save / .probe: v(node), v(n1,n2), i(vsource), bare node names, all.
void Elaborator::commandSave(const Card& card, const ElabScope& scope) {
    const auto& t = card.tokens;
    auto add = [&](const std::string& item, const Token& at) {
        if (!out_.saveLocs.count(item)) {
            out_.saveLocs[item] = card.locOf(at);
            out_.saveLines[item] = sharedLine(card, at);
        }
        if (savedItems_.insert(item).second) out_.saves.push_back(item);
    };
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (!t[i].isWord()) fail(card, t[i], "unexpected '" + t[i].text + "'", kSaveSyntax);
        const std::string word = t[i].lower();
        if (i + 1 < t.size() && t[i + 1].kind == TokenKind::LParen) {
            if (word != "v" && word != "i") fail(card, t[i], "unsupported output '" + word + "(...)'", kSaveSyntax);
            std::vector<std::string> names;
            std::size_t k = i + 2;
            for (; k < t.size() && t[k].kind != TokenKind::RParen; ++k) {
                if (!t[k].isWord()) fail(card, t[k], "expected a name", kSaveSyntax);
                names.push_back(word == "v" ? nodeName(card, t[k], scope) : t[k].lower());
            }
            if (k >= t.size()) failAtEnd(card, "missing ')'", kSaveSyntax);
            const std::size_t maxNames = word == "v" ? 2 : 1;
            if (names.empty() || names.size() > maxNames)
                fail(card, t[i], word == "v" ? "v() takes one or two node names" : "i() takes one source name",
                     kSaveSyntax);
            add(word + "(" + names[0] + (names.size() > 1 ? "," + names[1] : "") + ")", t[i]);
            i = k;
        } else if (word == "all") {
            saveAll_ = true;
        } else {
            add("v(" + nodeName(card, t[i], scope) + ")", t[i]);
        }
    }
}

// `.tones [maxiter=n] [tol=v]`: the multi-tone steady state (analysis/tones.cpp).
void Elaborator::commandTones(const Card& card, const ElabScope& scope) {
    static const char* const kSyntax = "expected: .tones [maxiter=n] [tol=volts]";
    AnalysisSpec& spec = newAnalysis(card, AnalysisSpec::Kind::Tones, "tones");
    std::size_t i = 1;
    for (const auto& o : measureOptions(card, i, {"maxiter", "tol"}, "", kSyntax)) {
        const double v = evalValue(card, *o.value, scope);
        if (o.key == "maxiter") {
            if (!(v >= 1 && v <= 1e6) || v != std::floor(v))
                fail(card, *o.value, "maxiter must be an integer from 1 to 1000000", kSyntax);
            spec.toneIterations = static_cast<int>(v);
        } else {
            if (!(v > 0)) fail(card, *o.value, "tol must be > 0", kSyntax);
            spec.toneTolerance = v;
        }
    }
    if (i < card.tokens.size()) fail(card, card.tokens[i], "unexpected '" + card.tokens[i].text + "'", kSyntax);
}

} // namespace spinspice::netlist::detail
