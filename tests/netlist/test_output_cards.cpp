// Output cards: .print, .plot, .meas/.measure and .step parsed into FlatCircuit, .dc over a parameter or
// the temperature, parameter overrides, and their errors (located at the offending token).
#include "netlist/netlist.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;

namespace {
const std::string kBase = "t\n.param rval=1k gain={2*rval}\nV1 in 0 1\nR1 in out {rval}\nC1 out 0 1n\n";

InputError errorOf(const std::string& cards) {
    try {
        loadNetlistString(kBase + cards, "bad.cir");
    } catch (const InputError& e) {
        return e;
    }
    FAIL("expected an InputError for:\n" << cards);
    return InputError("unreachable");
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE(".print items are validated and stored in canonical form; .plot is ignored") {
    const FlatCircuit c = loadNetlistString(kBase + ".print tran V(Out) v(in,out) i(V1)\n.print ac vdb(out) vp(out)\n"
                                                    ".print dc v(out,0)\n.plot tran v(out)\n.tran 1n 10n\n",
                                            "p.cir");
    REQUIRE(c.prints.size() == 3);
    CHECK(c.prints[0].analysis == "tran");
    CHECK(c.prints[0].items == std::vector<std::string>{"v(out)", "v(in,out)", "i(v1)"});
    CHECK(c.prints[0].loc.str() == "p.cir:6:1");
    CHECK(c.prints[1].items == std::vector<std::string>{"vdb(out)", "vp(out)"});
    CHECK(c.prints[2].items == std::vector<std::string>{"v(out)"});
}

TEST_CASE(".meas cards: kinds, conditions, windows") {
    const FlatCircuit c = loadNetlistString(
        kBase + ".meas tran tdelay TRIG v(in) VAL=0.5 RISE=1 TARG v(out) VAL={rval/2k} FALL=LAST TD=1u\n"
                ".measure tran avgout AVG v(out) FROM=1u TO=2u\n"
                ".meas tran f1 FIND i(v1) WHEN v(out)=v(in) CROSS=2\n"
                ".meas tran f2 FIND v(out) AT=3u\n"
                ".meas dc w1 WHEN v(out)=0.3 FROM=2 TO=1\n"
                ".meas ac g FIND vdb(out) AT=1k\n"
                ".meas tran p PARAM='tdelay*gain'\n"
                ".meas tran t0 TRIG AT=0 TARG v(out) VAL=0.1 RISE=1\n",
        "m.cir");
    REQUIRE(c.measures.size() == 8);
    const MeasureSpec& d = c.measures[0];
    CHECK(d.kind == MeasureSpec::Kind::TrigTarg);
    CHECK(d.analysis == "tran");
    CHECK(d.name == "tdelay");
    CHECK(d.trig.signal.vector == "v(in)");
    CHECK(d.trig.value == 0.5);
    CHECK(d.trig.edge == MeasureCondition::Edge::Rise);
    CHECK(d.trig.occurrence == 1);
    CHECK(d.targ.value == doctest::Approx(0.5).scale(0));
    CHECK(d.targ.edge == MeasureCondition::Edge::Fall);
    CHECK(d.targ.last);
    CHECK(d.targ.td == 1e-6);
    CHECK(d.loc.str() == "m.cir:6:1");

    CHECK(c.measures[1].kind == MeasureSpec::Kind::Avg);
    CHECK(*c.measures[1].from == 1e-6);
    CHECK(*c.measures[1].to == 2e-6);
    const MeasureSpec& f1 = c.measures[2];
    CHECK(f1.kind == MeasureSpec::Kind::FindWhen);
    CHECK(f1.signal.vector == "i(v1)");
    REQUIRE(f1.when.against.has_value());
    CHECK(f1.when.against->vector == "v(in)");
    CHECK(f1.when.occurrence == 2);
    CHECK(c.measures[3].kind == MeasureSpec::Kind::FindAt);
    CHECK(c.measures[3].at == 3e-6);
    CHECK(c.measures[4].analysis == "dc"); // FROM > TO is allowed for a (downward) dc sweep
    CHECK(c.measures[5].signal.part == MeasureSignal::Part::Decibel);
    CHECK(c.measures[5].signal.text == "vdb(out)");
    CHECK(c.measures[6].kind == MeasureSpec::Kind::Param);
    CHECK(c.measures[6].expression == "tdelay*gain");
    CHECK(*c.measures[7].trig.at == 0.0);
    CHECK(c.params.at("gain") == 2000);
}

TEST_CASE("with an explicit .save, the vectors .meas and .print read are saved too") {
    const FlatCircuit c = loadNetlistString(
        kBase + ".save v(in)\n.meas tran m MAX v(out)\n.print tran i(v1)\n.meas tran d FIND v(in,out) AT=1n\n",
        "s.cir");
    CHECK(c.saves == std::vector<std::string>{"v(in)", "v(out)", "i(v1)"});
    CHECK(loadNetlistString(kBase + ".meas tran m MAX v(out)\n", "s.cir").saves.empty()); // all saved anyway
}

TEST_CASE(".meas errors point at the offending token") {
    auto e = errorOf(".meas tran t1 TRIG v(in) VAL=0.5 TARG v(out) VAL=0.5 RISE=1\n");
    CHECK(e.message() == "trig needs RISE=n, FALL=n or CROSS=n (or AT=x)");
    CHECK(e.loc().str() == "bad.cir:6:15");

    e = errorOf(".meas tran t1 AVERAGE v(out)\n");
    CHECK(e.message() == "unknown measurement function 'AVERAGE'");
    CHECK(contains(e.hint(), "AVG"));

    e = errorOf(".meas tran t1 MAX v(outt)\n");
    CHECK(e.message() == "unknown node 'outt'");
    CHECK(e.loc().str() == "bad.cir:6:21");
    CHECK(e.hint() == "did you mean: out?");

    e = errorOf(".meas tran t1 MAX i(r1)\n");
    CHECK(e.message() == "'r1' has no branch current to measure");

    e = errorOf(".meas tran t1 WHEN v(out) 0.5\n");
    CHECK(e.message() == "expected '=' after v(out)");
    CHECK(e.loc().col == 27);

    e = errorOf(".meas tran t1 WHEN v(out)=0.5 RIZE=2\n");
    CHECK(e.message() == "unexpected option 'rize'");
    CHECK(contains(e.hint(), "rise"));

    e = errorOf(".meas tran t1 WHEN v(out)=0.5 RISE=0\n");
    CHECK(e.message() == "rise must be a positive integer or LAST");

    e = errorOf(".meas tran t1 WHEN v(out)=0.5 RISE=1 FALL=1\n");
    CHECK(e.message() == "only one of RISE, FALL and CROSS may be given");

    e = errorOf(".meas op t1 FIND v(out) AT=1\n");
    CHECK(e.message() == "expected the analysis type tran, dc or ac, found 'op'");
    CHECK(e.loc().col == 7);

    e = errorOf(".meas tran t1 MAX vdb(out)\n");
    CHECK(e.message() == "unsupported output 'vdb(...)' outside an ac analysis");

    e = errorOf(".meas dc t1 AVG v(out) TD=1\n");
    CHECK(e.message() == "TD= is a time delay for .meas tran");

    e = errorOf(".meas tran t1 AVG v(out) FROM=2u TO=1u\n");
    CHECK(e.message() == "TO= must not be below FROM=");

    e = errorOf(".meas tran t1 MAX v(out)\n.meas tran T1 MIN v(out)\n");
    CHECK(e.message() == "measurement 't1' is already defined");
    CHECK(e.hint() == "first defined at bad.cir:6:1");

    e = errorOf(".meas tran t1 PARAM='t2*2'\n");
    CHECK(e.message() == "'t2' is not an earlier .tran measurement or a top-level parameter");
    CHECK(e.loc().str() == "bad.cir:6:22");

    e = errorOf(".meas tran t1 FIND v(out)\n");
    CHECK(e.message() == "missing AT=x or WHEN ...");

    e = errorOf(".meas tran t1 MAX v(out) extra\n");
    CHECK(e.message() == "expected name=value, found 'extra'");
}

TEST_CASE(".print errors") {
    auto e = errorOf(".print v(out)\n");
    CHECK(e.message() == "expected the analysis type tran, dc, ac or op, found 'v'");
    e = errorOf(".print tran vdb(out)\n");
    CHECK(e.message() == "unsupported output 'vdb(...)' outside an ac analysis");
    e = errorOf(".print tran out\n");
    CHECK(contains(e.message(), "expected an output such as v(node)"));
    e = errorOf(".print tran i(v2)\n");
    CHECK(e.message() == "unknown element 'v2'");
    CHECK(e.hint() == "did you mean: v1?");
}

TEST_CASE(".step forms: list, lin increment, lin points, dec, oct, temp") {
    auto steps = [](const std::string& card) { return loadNetlistString(kBase + card, "s.cir").steps; };
    auto s = steps(".step param rval list 1k 2k 5k\n");
    REQUIRE(s.size() == 1);
    CHECK(s[0].param == "rval");
    CHECK_FALSE(s[0].temperature);
    CHECK(s[0].values == std::vector<double>{1e3, 2e3, 5e3});
    CHECK(s[0].loc.str() == "s.cir:6:13");
    CHECK(steps(".step rval 1k 2k 500\n")[0].values == std::vector<double>{1000, 1500, 2000});
    CHECK(steps(".step lin param rval 3k 1k -1k\n")[0].values == std::vector<double>{3000, 2000, 1000});
    CHECK(steps(".step param rval lin 3 1k 2k\n")[0].values == std::vector<double>{1000, 1500, 2000});
    const auto dec = steps(".step dec param rval 1 100 2\n")[0].values;
    REQUIRE(dec.size() == 5);
    CHECK(dec[1] == doctest::Approx(std::sqrt(10.0)).scale(0));
    CHECK(dec[4] == doctest::Approx(100).scale(0));
    CHECK(steps(".step param rval dec 1 1 10\n")[0].values.size() == 2);
    CHECK(steps(".step oct rval 1 8 1\n")[0].values.size() == 4);
    s = steps(".step temp list -40 27 125\n.step param rval list 1 2\n");
    REQUIRE(s.size() == 2);
    CHECK(s[0].temperature);
    CHECK(s[0].param == "temp");
    CHECK(s[0].values == std::vector<double>{-40, 27, 125});
}

TEST_CASE(".step errors") {
    auto e = errorOf(".step param rvla list 1 2\n");
    CHECK(e.message() == "unknown parameter 'rvla' in .step");
    CHECK(e.loc().str() == "bad.cir:6:13");
    CHECK(e.hint() == "did you mean: rval?");
    e = errorOf(".step param rval 1k 2k 0\n");
    CHECK(e.message() == "the .step increment must not be zero");
    e = errorOf(".step param rval 1k 2k -1\n");
    CHECK(contains(e.message(), "wrong sign"));
    e = errorOf(".step param rval list\n");
    CHECK(e.message() == "missing values after 'list'");
    e = errorOf(".step param rval 1k 2k\n");
    CHECK(e.message() == ".step needs start, stop and increment");
    e = errorOf(".step dec param rval 0 10 2\n");
    CHECK(e.message() == "start and stop of a dec .step must be > 0");
    e = errorOf(".step param rval list 1 2\n.step rval list 3\n");
    CHECK(e.message() == "'rval' is already stepped");
    e = errorOf(".subckt s a\n.step param rval list 1\n.ends\nX1 out s\n");
    CHECK(contains(e.message(), "not allowed inside a subcircuit"));
}

TEST_CASE(".dc over a parameter or the temperature") {
    const FlatCircuit c = loadNetlistString(kBase + ".dc param rval 1k 2k 500\n.dc temp -40 85 25 v1 0 1 1\n", "d.cir");
    REQUIRE(c.analyses.size() == 2);
    CHECK(c.analyses[0].sweeps[0].kind == AnalysisSpec::Sweep::Kind::Param);
    CHECK(c.analyses[0].sweeps[0].source == "rval");
    CHECK(c.analyses[1].sweeps[0].kind == AnalysisSpec::Sweep::Kind::Temp);
    CHECK(c.analyses[1].sweeps[1].kind == AnalysisSpec::Sweep::Kind::Source);
    CHECK(c.analyses[1].sweeps[1].source == "v1");

    auto e = errorOf(".dc param rvl 1 2 1\n");
    CHECK(e.message() == "unknown parameter 'rvl' in .dc");
    CHECK(e.hint() == "did you mean: rval?");
    e = errorOf(".dc rval 1 2 1\n");
    CHECK(e.message() == "unknown source 'rval' in .dc");
    CHECK(e.hint() == "to sweep the parameter, write .dc param rval start stop step");
    e = errorOf(".dc param rval 1 2\n");
    CHECK(e.message() == ".dc needs a source name, start, stop and step");
}

TEST_CASE("parameter overrides replace top-level .param values; unknown names are errors") {
    const FlatCircuit c = loadNetlistString(kBase, "o.cir", {{"rval", 5e3}});
    CHECK(c.params.at("rval") == 5e3);
    CHECK(c.params.at("gain") == 1e4); // defined after rval: sees the override
    for (const auto& e : c.elements)
        if (e.name == "r1") CHECK(e.params.at("r") == 5e3);
    try {
        loadNetlistString(kBase, "o.cir", {{"rvall", 1}});
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.message() == "parameter override 'rvall': the netlist has no top-level .param rvall");
        CHECK(e.hint() == "did you mean: rval?");
    }
}

TEST_CASE("fuzz: truncated and garbled output cards never crash") {
    const std::string deck = kBase +
                             ".meas tran d TRIG v(in) VAL=0.5 RISE=1 TARG v(out) VAL='rval/2k' FALL=LAST\n"
                             ".meas tran f FIND v(in,out) WHEN v(out)=v(in) CROSS=2 TD=1n\n"
                             ".meas ac g FIND vdb(out) AT=1k\n.meas tran p PARAM='d*2'\n"
                             ".meas dc a AVG i(v1) FROM=1 TO=0\n.print ac vp(out) v(in,out)\n"
                             ".step dec param rval 1 10 2\n.step temp list 0 27\n.dc param rval 1 2 1 temp 0 1 1\n";
    auto load = [](const std::string& text) {
        try {
            loadNetlistString(text, "fuzz.cir");
        } catch (const InputError&) {
        }
    };
    for (std::size_t n = 0; n <= deck.size(); ++n) load(deck.substr(0, n));
    unsigned state = 12345;
    auto next = [&state] { return state = state * 1103515245u + 12345u; };
    const std::string alphabet = "()=,'{} \nvViI0123456789.eE-+*/LASTlast";
    for (int round = 0; round < 2000; ++round) {
        std::string garbled = deck;
        for (int k = 0; k < 3; ++k) {
            const std::size_t pos = next() % garbled.size();
            if (next() % 2)
                garbled[pos] = alphabet[next() % alphabet.size()];
            else
                garbled.erase(pos, 1 + next() % 4);
            if (garbled.empty()) garbled = "x";
        }
        load(garbled);
    }
}
