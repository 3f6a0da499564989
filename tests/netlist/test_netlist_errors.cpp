// Netlist errors: every bad input is an InputError at the offending token, with a useful hint; garbled
// and truncated decks never crash.
#include "netlist/netlist.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace spinspice;

namespace {
InputError errorOf(const std::string& deck) {
    try {
        loadNetlistString(deck, "bad.cir");
    } catch (const InputError& e) {
        return e;
    }
    FAIL("expected an InputError for:\n" << deck);
    return InputError("unreachable");
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE("element card errors") {
    auto e = errorOf("t\nQ1 c b e qmod\n");
    CHECK(e.message() == "unknown element type 'Q' in 'Q1'");
    CHECK(e.loc().str() == "bad.cir:2:1");
    CHECK(e.hint() == "supported element letters: R C L K V I E F G H B S W D M N X");

    e = errorOf("t\nR1 a b 1\nC1 a b 1p\nr1 c d 2\n");
    CHECK(e.message() == "duplicate element name 'r1'");
    CHECK(e.loc().str() == "bad.cir:4:1");
    CHECK(e.hint() == "first defined at bad.cir:2:1");

    e = errorOf("t\nR1 a\n");
    CHECK(e.message() == "resistor 'r1' needs two nodes and a value");
    CHECK(e.loc().str() == "bad.cir:2:5");
    CHECK(contains(e.hint(), "expected: Rname n+ n- value"));

    e = errorOf("t\nR1 a b\n");
    CHECK(e.message() == "missing value of resistor 'r1'");
    CHECK(e.lineText() == "R1 a b");

    e = errorOf("t\nR1 a b 1k 2k\n");
    CHECK(e.message() == "unexpected '2k'");
    CHECK(e.loc().col == 11);

    e = errorOf("t\nR1 a b 1k tc3=1\n");
    CHECK(e.message() == "unknown parameter 'tc3' for resistor 'r1'");
    CHECK(e.loc().col == 11);
    CHECK(e.hint() == "did you mean: tc1, tc2?");

    e = errorOf("t\nC1 a b 1p m=0\n");
    CHECK(e.message() == "value 0 of 'm' is out of range");
    CHECK(e.hint() == "'m' must be > 0");
    CHECK(e.loc().col == 13);

    e = errorOf("t\nK1 L1 L2 1.5\nL1 a 0 1u\nL2 b 0 1u\n");
    CHECK(e.message() == "value 1.5 of 'k' is out of range");

    e = errorOf("t\nR1 {a} b 1\n");
    CHECK(e.message() == "expected a node name, found 'a'");
    CHECK(e.loc().col == 4);

    e = errorOf("t\nR1 a b 1k2\n");
    CHECK(e.message() == "unexpected '2' in expression");
    CHECK(e.loc().col == 10);

    e = errorOf("t\nR1 a b 1k =\n");
    CHECK(e.message() == "missing value after '='");
    e = errorOf("t\nR1 = a b 1k\n");
    CHECK(e.message() == "unexpected '='");

    e = errorOf("t\n(R1 a b 1k\n");
    CHECK(e.message() == "expected an element name or a control card");
}

TEST_CASE("source errors") {
    auto e = errorOf("t\nV1 a 0 PWL(0 0 1n)\n");
    CHECK(contains(e.message(), "odd number"));
    CHECK(e.loc().col == 16);

    e = errorOf("t\nV1 a 0 PULSE(0)\n");
    CHECK(e.message() == "PULSE needs at least 2 arguments, 1 given");
    CHECK(e.hint() == "expected: PULSE(v1 v2 [td tr tf pw per])");
    CHECK(e.loc().col == 8);

    e = errorOf("t\nV1 a 0 SIN(0 1 1k 0 0 0 9)\n");
    CHECK(e.message() == "SIN takes at most 6 arguments");
    CHECK(e.loc().col == 25);

    e = errorOf("t\nV1 a 0 PWL(0 0 1n\n");
    CHECK(e.message() == "missing ')'");

    e = errorOf("t\nV1 a 0 DC\n");
    CHECK(e.message() == "missing DC value");

    e = errorOf("t\nV1 a 0 1 2\n");
    CHECK(contains(e.message(), "DC value already given"));

    e = errorOf("t\nV1 a 0 PWL(0 0 2n 1 1n 2)\n");
    CHECK(e.message() == "PWL time points must not decrease");
    CHECK(e.loc().col == 21);

    e = errorOf("t\nV1 a 0 SFFM(0 1 1k)\n");
    CHECK(contains(e.message(), "not supported"));

    e = errorOf("t\nV1 a\n");
    CHECK(e.message() == "voltage source 'v1' needs two nodes");
}

TEST_CASE("controlled source errors") {
    auto e = errorOf("t\nE1 a 0 POLY(1) b 0 1 2\n");
    CHECK(e.message() == "the e-source poly form is not supported yet");
    CHECK(e.loc().col == 8);

    e = errorOf("t\nG1 a 0 value={v(b)*2}\n");
    CHECK(e.message() == "the g-source value form is not supported yet");

    e = errorOf("t\nV1 x 0 0\nF1 a 0 vx 2\n");
    CHECK(e.message() == "unknown voltage source 'vx'");
    CHECK(e.loc().str() == "bad.cir:3:8");
    CHECK(contains(e.hint(), "v1"));

    e = errorOf("t\nR1 a 0 1\nL1 a 0 1u\nK1 R1 L1 0.5\n");
    CHECK(e.message() == "'r1' is not an inductor");
    CHECK(e.loc().col == 4);

    e = errorOf("t\nE1 a 0 b\n");
    CHECK(contains(e.message(), "needs two nodes, two controlling nodes and a gain"));
}

TEST_CASE("model errors") {
    auto e = errorOf("t\n.model dmod d (is=1e-14)\nD1 a 0 dmdo\n");
    CHECK(e.message() == "unknown model 'dmdo'");
    CHECK(e.loc().col == 8);
    CHECK(e.hint() == "did you mean: dmod?");

    e = errorOf("t\n.model x qnp (is=1)\n");
    CHECK(e.message() == "unknown model type 'qnp'");
    CHECK(e.loc().col == 10);

    e = errorOf("t\n.model x d (iss=1)\n");
    CHECK(e.message() == "unknown parameter 'iss' for model type 'd'");
    CHECK(contains(e.hint(), "is"));

    e = errorOf("t\n.model x d (m=2)\n");
    CHECK(e.message() == "value 2 of 'm' is out of range");
    CHECK(e.hint() == "'m' must be >= 0 and <= 0.9");

    e = errorOf("t\n.model x d\n.model X d\n");
    CHECK(e.message() == "model 'x' is already defined");
    CHECK(e.hint() == "first defined at bad.cir:2:1");
    CHECK(e.loc().line == 3);

    e = errorOf("t\n.model x d (is)\n");
    CHECK(e.message() == "expected param=value");
}

TEST_CASE("parameter and expression errors") {
    auto e = errorOf("t\n.param r=1\nR1 a b {rr*2}\n");
    CHECK(e.message() == "unknown parameter 'rr'");
    CHECK(e.loc().str() == "bad.cir:3:9");
    CHECK(e.lineText() == "R1 a b {rr*2}");
    CHECK(contains(e.hint(), "r"));

    e = errorOf("t\nR1 a b\n+ {1/0}\n");
    CHECK(e.message() == "division by zero");
    CHECK(e.loc().str() == "bad.cir:3:5");
    CHECK(e.lineText() == "+ {1/0}");

    // an expression spanning a continuation line: the error is on the second physical line
    e = errorOf("t\nR1 a b {1 +\n+   2*foo}\n");
    CHECK(e.message() == "unknown parameter 'foo'");
    CHECK(e.loc().str() == "bad.cir:3:7");
    CHECK(e.lineText() == "+   2*foo}");

    e = errorOf("t\n.param a = 1 +\n+ 2 * bb\n");
    CHECK(e.message() == "unknown parameter 'bb'");
    CHECK(e.loc().str() == "bad.cir:3:7");

    e = errorOf("t\n.param a=1 b={a+}\n");
    CHECK(contains(e.message(), "expected operand"));
    CHECK(e.loc().col == 17);

    e = errorOf("t\n.param 1a=2\n");
    CHECK(e.message() == "invalid parameter name '1a'");

    e = errorOf("t\n.param a\n");
    CHECK(e.message() == "expected name=value");

    e = errorOf("t\n.param b={a} a=1\n"); // later parameters are not visible yet
    CHECK(e.message() == "unknown parameter 'a'");

    e = errorOf("t\n.func f(x) = {x+y}\nR1 a b {f(1)}\n");
    CHECK(e.message() == "unknown parameter 'y'");
    CHECK(e.loc().str() == "bad.cir:2:17"); // inside the function body

    e = errorOf("t\n.func f(x) {x}\nR1 a b {f(1,2)}\n");
    CHECK(e.message() == "function 'f' takes 1 argument, 2 given");

    e = errorOf("t\n.func f x {x}\n");
    CHECK(e.message() == "expected '('");

    e = errorOf("t\nR1 a b 1e999\n");
    CHECK(e.message() == "number '1e999' is out of range");
}

TEST_CASE("subcircuit errors") {
    const std::string amp = ".subckt amp in out params: gain=2\nR1 in out {gain}\n.ends\n";
    auto e = errorOf("t\n" + amp + "X1 a b apm\n");
    CHECK(e.message() == "unknown subcircuit 'apm'");
    CHECK(e.loc().str() == "bad.cir:5:8");
    CHECK(e.hint() == "known names are: amp");

    e = errorOf("t\n" + amp + "X1 a b c amp\n");
    CHECK(e.message() == "subcircuit 'amp' has 2 port(s), but 3 node(s) are given");
    CHECK(e.hint() == "expected: x1 in out amp");

    e = errorOf("t\n" + amp + "X1 a b amp gian=3\n");
    CHECK(e.message() == "unknown parameter 'gian' for subcircuit 'amp'");
    CHECK(e.hint() == "did you mean: gain?");
    CHECK(e.loc().col == 12);

    e = errorOf("t\n" + amp + "X1 a b amp\nX1 c d amp\n");
    CHECK(e.message() == "duplicate instance name 'x1'");

    e = errorOf("t\n.subckt a p\nXa p b\n.ends\n.subckt b p\nXb p a\n.ends\nX1 n a\n");
    CHECK(e.message() == "recursive instantiation of subcircuit 'a'");
    CHECK(e.hint() == "instantiation chain: a -> b -> a");
    CHECK(e.loc().str() == "bad.cir:6:6");

    e = errorOf("t\n.subckt s p\nR1 p 0 {w}\n.ends\nX1 n s\n");
    CHECK(e.message() == "unknown parameter 'w'");
    CHECK(e.loc().line == 3);

    e = errorOf("t\n.subckt s p\n.tran 1n 10n\n.ends\nX1 n s\n");
    CHECK(e.message() == "'.tran' is not allowed inside a subcircuit definition");

    e = errorOf("t\n.subckt s p\n.ends\n.subckt S q\n.ends\n");
    CHECK(e.message() == "subcircuit 's' is already defined");

    e = errorOf("t\nX1 a b\n");
    CHECK(e.message() == "unknown subcircuit 'b'");
    CHECK(e.hint() == "no subcircuits are defined (.subckt name ... .ends)");

    // a subcircuit defined inside another is not visible at the top level
    e = errorOf("t\n.subckt outer p\n.subckt inner q\n.ends\n.ends\nX1 n inner\n");
    CHECK(e.message() == "unknown subcircuit 'inner'");
}

TEST_CASE("control card errors") {
    const std::string base = "t\nV1 a 0 1\nR1 a 0 1k\n";
    auto e = errorOf(base + ".dc vin 0 1 0.1\n");
    CHECK(e.message() == "unknown source 'vin' in .dc");
    CHECK(e.loc().str() == "bad.cir:4:5");
    CHECK(contains(e.hint(), "v1"));

    e = errorOf(base + ".dc r1 0 1 0.1\n");
    CHECK(e.message() == "'r1' is not a voltage or current source");

    e = errorOf(base + ".dc v1 0 1 0\n");
    CHECK(e.message() == ".dc step must not be zero");
    CHECK(e.loc().col == 12);

    e = errorOf(base + ".dc v1 0 1 -0.1\n");
    CHECK(contains(e.message(), "wrong sign"));

    e = errorOf(base + ".dc v1 0 1\n");
    CHECK(e.message() == ".dc needs a source name, start, stop and step");

    e = errorOf(base + ".dc v1 0 1 0.1 v1 0 1\n");
    CHECK(e.message() == "incomplete second sweep in .dc");

    e = errorOf(base + ".tran 1n 0\n");
    CHECK(e.message() == "tstop must be > 0");
    CHECK(e.loc().col == 10);

    e = errorOf(base + ".tran 1n\n");
    CHECK(e.message() == ".tran needs at least tstep and tstop");

    e = errorOf(base + ".tran 1n 10n 20n\n");
    CHECK(e.message() == "tstart must be >= 0 and < tstop");

    e = errorOf(base + ".tran 1n 10n 0 1n 5\n");
    CHECK(e.message() == "too many arguments for .tran");

    e = errorOf(base + ".ac dec 0 1 1k\n");
    CHECK(e.message() == "the number of points must be a positive integer");

    e = errorOf(base + ".ac dec 10 0 1k\n");
    CHECK(e.message() == "fstart must be > 0 for a dec sweep");

    e = errorOf(base + ".ac log 10 1 1k\n");
    CHECK(e.message() == "unknown .ac scale 'log'");

    e = errorOf(base + ".ac dec 10 1\n");
    CHECK(contains(e.message(), ".ac needs"));

    e = errorOf(base + ".op now\n");
    CHECK(e.message() == "unexpected 'now'");

    e = errorOf(base + ".ic v(a)\n");
    CHECK(e.message() == "missing '='");

    e = errorOf(base + ".ic a=1\n");
    CHECK(e.message() == "expected v(node)=value");

    e = errorOf(base + ".save p(a)\n");
    CHECK(e.message() == "unsupported output 'p(...)'");

    e = errorOf(base + ".tarn 1n 10n\n");
    CHECK(e.message() == "unknown control card '.tarn'");
    CHECK(contains(e.hint(), ".tran"));

    e = errorOf(base + ".print tran v(aa)\n");
    CHECK(e.message() == "unknown node 'aa'");
    CHECK(e.loc().str() == "bad.cir:4:15");

    e = errorOf(base + ".options reltol=\n");
    CHECK(e.message() == "missing value for option 'reltol'");
}

TEST_CASE("error reports quote the line and point at the column") {
    auto e = errorOf("t\nR1 a b 1k tc3=1\n");
    CHECK(e.report() == "bad.cir:2:11: error: unknown parameter 'tc3' for resistor 'r1'\n"
                        "    R1 a b 1k tc3=1\n"
                        "              ^\n"
                        "  did you mean: tc1, tc2?\n");
}

namespace {
// Loads `deck`; only success or InputError are acceptable outcomes.
void expectNoCrash(const std::string& deck) {
    try {
        loadNetlistString(deck, "fuzz.cir");
    } catch (const InputError&) {
    } catch (const std::exception& ex) {
        FAIL("unexpected exception " << ex.what() << " for deck:\n" << deck);
    } catch (...) {
        FAIL("unexpected non-standard exception for deck:\n" << deck);
    }
}

const char* const kFuzzSeedDeck = "fuzz seed deck\n"
                                  ".param a=1k b={2*a} c='a+b'\n"
                                  ".func f(x,y) = {x*y+1}\n"
                                  ".global vdd\n"
                                  ".subckt cell in out params: r=1k\n"
                                  ".model dm d (is=1e-14 n=1.1)\n"
                                  "R1 in mid {r}\n"
                                  "D1 mid out dm 2 off\n"
                                  "C1 out gnd 1p ic=0\n"
                                  ".ends cell\n"
                                  "V1 in 0 DC 1 AC 1 PULSE(0 1 1n 1n 1n 5n 10n)\n"
                                  "Vs in s 0\n"
                                  "X1 s out cell r={f(a,2)}\n"
                                  "E1 e 0 out 0 2\n"
                                  "F1 f 0 vs 3\n"
                                  "L1 f 0 1u\n"
                                  "L2 e 0 1u\n"
                                  "K1 L1 L2 0.5\n"
                                  "I1 out 0 PWL(0 0 1n 1m)\n"
                                  ".ic v(out)=0\n"
                                  ".options reltol=1e-4 method=gear\n"
                                  ".save v(out) i(v1)\n"
                                  ".dc V1 0 1 0.1\n"
                                  ".ac dec 10 1 1meg\n"
                                  ".tran 1n 100n uic\n"
                                  ".op\n"
                                  ".end\n";
} // namespace

TEST_CASE("the fuzz seed deck itself is valid") {
    const FlatCircuit c = loadNetlistString(kFuzzSeedDeck);
    CHECK(c.elements.size() == 11);
    CHECK(c.analyses.size() == 4);
    CHECK(c.models.count("x1.dm") == 1);
}

TEST_CASE("fuzz: truncated decks never crash") {
    const std::string deck = kFuzzSeedDeck;
    for (std::size_t n = 0; n <= deck.size(); ++n) expectNoCrash(deck.substr(0, n));
}

TEST_CASE("fuzz: garbled decks never crash") {
    const std::string deck = kFuzzSeedDeck;
    const std::string alphabet = "(){}'\"=,;$/*+-.^!?:<>&|\\ \t\n0123456789eEkKmMuUxXrRvV_@#\x01\xff";
    std::mt19937 rng(12345);
    for (int round = 0; round < 1500; ++round) {
        std::string garbled = deck;
        const int edits = 1 + static_cast<int>(rng() % 6);
        for (int k = 0; k < edits; ++k) {
            const std::size_t pos = rng() % garbled.size();
            switch (rng() % 3) {
            case 0: garbled[pos] = alphabet[rng() % alphabet.size()]; break;
            case 1: garbled = garbled.substr(0, pos) + alphabet[rng() % alphabet.size()] + garbled.substr(pos); break;
            default: garbled.erase(pos, 1 + rng() % 8); break;
            }
            if (garbled.empty()) garbled.push_back('x');
        }
        expectNoCrash(garbled);
    }
}

TEST_CASE("fuzz: token soup never crashes") {
    const std::vector<std::string> vocabulary = {
        "R1",  "C1",      "L1",    "K1",       "V1",      "I1",    "E1",       "F1",   "G1",    "H1",  "D1",    "X1",
        "Q1",  ".subckt", ".ends", ".model",   ".param",  ".func", ".include", ".lib", ".endl", ".dc", ".ac",   ".tran",
        ".op", ".ic",     ".save", ".options", ".global", ".temp", "a",        "b",    "0",     "gnd", "1k",    "{",
        "}",   "{a*2}",   "'b+1'", "(",        ")",       "=",     ",",        "+",    "dc",    "ac",  "pulse", "sin",
        "pwl", "exp",     "poly",  "params:",  "d",       "dm",    "cell",     "v(a)", "1/0",   "-1",  "1e999", "\n",
        "\n",  "\n",      "\n+",   "\n*",      ";",       "$",     "//",       "\"",   "uic",   "dec", "lin"};
    std::mt19937 rng(777);
    for (int round = 0; round < 1500; ++round) {
        std::string deck = "soup\n";
        const int count = static_cast<int>(rng() % 40);
        for (int k = 0; k < count; ++k) deck += vocabulary[rng() % vocabulary.size()] + (rng() % 2 ? " " : "");
        expectNoCrash(deck);
    }
}
