// Elaboration: element values, sources, parameters, subcircuit flattening, models, analyses, options.
#include "netlist/elaborate.hpp"
#include "netlist/netlist.hpp"
#include "netlist/parser.hpp"

#include <doctest/doctest.h>

using namespace spinspice;

namespace {
// The value a card's positional value set (R, C, L, K, E/F/G/H store it under their value parameter).
double value(const FlatElement& e) {
    for (const char* name : {"r", "c", "l", "k", "gain"})
        if (auto it = e.params.find(name); it != e.params.end()) return it->second;
    return 0.0;
}
const FlatElement& element(const FlatCircuit& c, const std::string& name) {
    for (const auto& e : c.elements)
        if (e.name == name) return e;
    FAIL("no element " << name);
    return c.elements.front();
}

std::vector<std::string> elementNames(const FlatCircuit& c) {
    std::vector<std::string> names;
    for (const auto& e : c.elements) names.push_back(e.name);
    return names;
}

using Nodes = std::vector<std::string>;
const std::string dataDir = std::string(SPINSPICE_TEST_DATA) + "/netlist/data/";
} // namespace

TEST_CASE("passive elements: values, nodes, instance parameters") {
    const FlatCircuit c = loadNetlistString("passives\n"
                                            "R1 IN Out 10kOhm tc1=0.001 m=2\n"
                                            "R2 out GND r=4.7k\n"
                                            "C1 out 0 1uF ic=0.5\n"
                                            "L1 out x 2.2mH IC=1m\n"
                                            "L2 x 0 1u\n"
                                            "K1 L1 L2 0.99\n",
                                            "p.cir");
    CHECK(c.title == "passives");
    CHECK(elementNames(c) == std::vector<std::string>{"r1", "r2", "c1", "l1", "l2", "k1"});
    const auto& r1 = element(c, "r1");
    CHECK(r1.letter == 'r');
    CHECK(r1.nodes == Nodes{"in", "out"});
    CHECK(value(r1) == doctest::Approx(1e4).scale(0));
    CHECK(r1.params.at("tc1") == doctest::Approx(1e-3).scale(0));
    CHECK(r1.params.at("m") == 2);
    CHECK(r1.params.size() == 3); // r (the positional value), tc1, m: nothing else
    CHECK(r1.loc.str() == "p.cir:2:1");
    CHECK(r1.lineText == "R1 IN Out 10kOhm tc1=0.001 m=2");
    CHECK(element(c, "r2").nodes == Nodes{"out", "0"});
    CHECK(value(element(c, "r2")) == doctest::Approx(4700).scale(0));
    CHECK(value(element(c, "c1")) == doctest::Approx(1e-6).scale(0));
    CHECK(element(c, "c1").params.at("ic") == 0.5);
    CHECK(value(element(c, "l1")) == doctest::Approx(2.2e-3).scale(0));
    CHECK(element(c, "l1").params.at("ic") == doctest::Approx(1e-3).scale(0));
    const auto& k1 = element(c, "k1");
    CHECK(value(k1) == doctest::Approx(0.99).scale(0));
    CHECK(k1.refs == Nodes{"l1", "l2"});
    CHECK(k1.nodes.empty());
}

TEST_CASE("independent sources: DC, AC and transient functions in any order") {
    const FlatCircuit c = loadNetlistString("sources\n"
                                            "V1 a 0 5\n"
                                            "V2 b 0 DC 2.5 AC 1 90\n"
                                            "V3 c 0 AC\n"
                                            "V4 d 0 PULSE(0 1.8 1n 100p 100p 5n 10n)\n"
                                            "V5 e 0 SIN 0 1 1k DC 0.5\n"
                                            "V6 f 0 PWL(0 0, 1n 1, 2n 1)\n"
                                            "I1 g 0 EXP(0 1m 1n 2n) AC 2\n"
                                            "I2 h 0\n"
                                            "V7 i 0 ac 0.5 dc {1+1} sin(0, 1, 1meg)\n");
    const auto& v1 = element(c, "v1").source;
    CHECK(v1.dc == 5);
    CHECK(v1.dcGiven);
    CHECK(v1.acMag == 0);
    CHECK(v1.tran.kind == Waveform::Kind::None);
    const auto& v2 = element(c, "v2").source;
    CHECK(v2.dc == 2.5);
    CHECK(v2.acMag == 1);
    CHECK(v2.acPhaseDeg == 90);
    const auto& v3 = element(c, "v3").source;
    CHECK(v3.acMag == 1); // AC without magnitude means 1
    CHECK_FALSE(v3.dcGiven);
    const auto& v4 = element(c, "v4").source;
    CHECK(v4.tran.kind == Waveform::Kind::Pulse);
    REQUIRE(v4.tran.args.size() == 7);
    CHECK(v4.tran.args[1] == doctest::Approx(1.8).scale(0));
    CHECK(v4.tran.args[3] == doctest::Approx(100e-12).scale(0));
    CHECK(v4.tran.args[6] == doctest::Approx(10e-9).scale(0));
    CHECK_FALSE(v4.dcGiven);
    const auto& v5 = element(c, "v5").source;
    CHECK(v5.tran.kind == Waveform::Kind::Sin);
    CHECK(v5.tran.args == std::vector<double>{0, 1, 1000});
    CHECK(v5.dc == 0.5);
    CHECK(v5.dcGiven);
    const auto& v6 = element(c, "v6").source;
    CHECK(v6.tran.kind == Waveform::Kind::Pwl);
    CHECK(v6.tran.args.size() == 6);
    CHECK(v6.tran.args[2] == doctest::Approx(1e-9).scale(0));
    const auto& i1 = element(c, "i1");
    CHECK(i1.letter == 'i');
    CHECK(i1.source.tran.kind == Waveform::Kind::Exp);
    CHECK(i1.source.tran.args.size() == 4); // missing arguments are not filled in
    CHECK(i1.source.acMag == 2);
    CHECK_FALSE(element(c, "i2").source.dcGiven);
    const auto& v7 = element(c, "v7").source;
    CHECK(v7.acMag == 0.5);
    CHECK(v7.dc == 2);
    CHECK(v7.tran.args == std::vector<double>{0, 1, 1e6});
}

TEST_CASE("controlled sources and diodes") {
    const FlatCircuit c = loadNetlistString("controlled\n"
                                            "Vsense a 0 0\n"
                                            "E1 out 0 in+ in- 10\n"
                                            "G1 out 0 in+ 0 1m\n"
                                            "F1 out 0 Vsense 2\n"
                                            "H1 out 0 vsense gain=3k\n"
                                            "D1 a k DMOD 2 off ic=0.7\n"
                                            "D2 k 0 dmod area=3 m=2\n"
                                            ".model DMOD D (IS=1e-14 N=1.05 rs=10)\n");
    const auto& e1 = element(c, "e1");
    CHECK(e1.nodes == Nodes{"out", "0", "in+", "in-"});
    CHECK(value(e1) == 10);
    CHECK(value(element(c, "g1")) == doctest::Approx(1e-3).scale(0));
    CHECK(element(c, "f1").refs == Nodes{"vsense"});
    CHECK(element(c, "f1").nodes == Nodes{"out", "0"});
    CHECK(value(element(c, "h1")) == 3000);
    const auto& d1 = element(c, "d1");
    CHECK(d1.model == "dmod");
    CHECK(d1.nodes == Nodes{"a", "k"});
    CHECK(d1.params.at("area") == 2);
    CHECK(d1.params.at("off") == 1);
    CHECK(d1.params.at("ic") == doctest::Approx(0.7).scale(0));
    CHECK(element(c, "d2").params.at("area") == 3);
    CHECK(element(c, "d2").params.at("m") == 2);
    CHECK(element(c, "d2").params.count("off") == 0);
    REQUIRE(c.models.count("dmod"));
    const ModelCard& m = c.models.at("dmod");
    CHECK(m.type == "d");
    CHECK(m.name == "dmod");
    CHECK(m.params.at("is") == doctest::Approx(1e-14).scale(0));
    CHECK(m.params.at("n") == doctest::Approx(1.05).scale(0));
    CHECK(m.params.at("rs") == 10);
    CHECK(m.params.size() == 3);
    CHECK(m.loc.line == 9);
}

TEST_CASE("parameters and functions: braces, quotes, bare expressions, order") {
    const FlatCircuit c = loadNetlistString("params\n"
                                            ".param a=1k b={2*a} c='a+b'\n"
                                            ".param d = 2 * (c - 1k) e=sqrt(16)\n"
                                            ".func double(x) = {2*x}\n"
                                            ".func hyp(x,y) {sqrt(x*x+y*y)}\n"
                                            "R1 1 0 {a}\n"
                                            "R2 1 0 b\n"
                                            "R3 1 0 'c'\n"
                                            "R4 1 0 {d + e}\n"
                                            "R5 1 0 {double(a)}\n"
                                            "R6 1 0 {hyp(3,4)}\n"
                                            "R7 1 0 {a > 500 ? 1 : 2}\n");
    CHECK(value(element(c, "r1")) == 1000);
    CHECK(value(element(c, "r2")) == 2000);
    CHECK(value(element(c, "r3")) == 3000);
    CHECK(value(element(c, "r4")) == 4004);
    CHECK(value(element(c, "r5")) == 2000);
    CHECK(value(element(c, "r6")) == 5);
    CHECK(value(element(c, "r7")) == 1);
}

TEST_CASE("subcircuits flatten with hierarchical names and scoped parameters") {
    const FlatCircuit c = loadNetlistString("hierarchy\n"
                                            ".param rglobal=100\n"
                                            ".global vdd\n"
                                            ".subckt divider top bot params: r=1k ratio=2\n"
                                            ".param rlow={r/ratio}\n"
                                            "R1 top mid {r}\n"
                                            "R2 mid bot {rlow}\n"
                                            "R3 mid vdd {rglobal}\n"
                                            "C1 mid gnd 1p\n"
                                            ".ends divider\n"
                                            ".subckt pair a b w=10\n"
                                            "X1 a m divider r={w*10}\n"
                                            "X2 m b divider ratio=4\n"
                                            ".ends\n"
                                            "Xtop in out PAIR w=3\n"
                                            "X9 out 0 divider params: r=5k\n"
                                            "Vdd vdd 0 1\n");
    CHECK(elementNames(c) == std::vector<std::string>{"xtop.x1.r1", "xtop.x1.r2", "xtop.x1.r3", "xtop.x1.c1",
                                                      "xtop.x2.r1", "xtop.x2.r2", "xtop.x2.r3", "xtop.x2.c1", "x9.r1",
                                                      "x9.r2", "x9.r3", "x9.c1", "vdd"});
    const auto& a = element(c, "xtop.x1.r1");
    CHECK(a.nodes == Nodes{"in", "xtop.x1.mid"});
    CHECK(value(a) == 30);                        // r = w*10 evaluated in the caller (w=3)
    CHECK(value(element(c, "xtop.x1.r2")) == 15); // rlow = r/ratio
    CHECK(element(c, "xtop.x1.r2").nodes == Nodes{"xtop.x1.mid", "xtop.m"});
    CHECK(element(c, "xtop.x1.r3").nodes == Nodes{"xtop.x1.mid", "vdd"}); // .global node
    CHECK(value(element(c, "xtop.x1.r3")) == 100);                        // global parameter
    CHECK(element(c, "xtop.x1.c1").nodes == Nodes{"xtop.x1.mid", "0"});   // gnd -> 0
    CHECK(value(element(c, "xtop.x2.r1")) == 1000);                       // default r
    CHECK(value(element(c, "xtop.x2.r2")) == 250);                        // 1k / 4
    CHECK(element(c, "xtop.x2.r2").nodes == Nodes{"xtop.x2.mid", "out"});
    CHECK(value(element(c, "x9.r1")) == 5000);
    CHECK(value(element(c, "x9.r2")) == 2500);
    CHECK(element(c, "x9.r2").nodes == Nodes{"x9.mid", "0"});
    CHECK(element(c, "xtop.x1.r1").loc.line == 6); // the card inside the definition
}

TEST_CASE("nested definitions, local models, references resolved in the instance") {
    const FlatCircuit c = loadNetlistString("local definitions\n"
                                            ".model dmod d (is=1e-14)\n"
                                            ".subckt cell in out\n"
                                            ".model dmod d (is=2e-14)\n"
                                            ".model dother d (n=2)\n"
                                            ".subckt leaf p q\n"
                                            "D1 p q dmod\n"
                                            "D2 p q dother\n"
                                            ".ends leaf\n"
                                            "Vsense in m 0\n"
                                            "F1 m out vsense 2\n"
                                            "L1 m 0 1u\n"
                                            "L2 out 0 1u\n"
                                            "K1 l1 l2 0.5\n"
                                            "X1 m out leaf\n"
                                            ".ends cell\n"
                                            "X1 a b cell\n"
                                            "X2 b 0 cell\n"
                                            "D9 a 0 dmod\n");
    CHECK(c.models.size() == 5); // dmod, x1.dmod, x1.dother, x2.dmod, x2.dother
    CHECK(c.models.at("x1.dmod").params.at("is") == doctest::Approx(2e-14).scale(0));
    CHECK(c.models.at("x2.dother").params.at("n") == 2);
    CHECK(element(c, "x1.x1.d1").model == "x1.dmod"); // innermost definition wins
    CHECK(element(c, "x1.x1.d2").model == "x1.dother");
    CHECK(element(c, "x2.x1.d1").model == "x2.dmod");
    CHECK(element(c, "d9").model == "dmod");
    CHECK(element(c, "x1.x1.d1").nodes == Nodes{"x1.m", "b"});
    CHECK(element(c, "x2.f1").refs == Nodes{"x2.vsense"});
    CHECK(element(c, "x2.k1").refs == Nodes{"x2.l1", "x2.l2"});
}

TEST_CASE("analyses: names, arguments, sweep order") {
    const FlatCircuit c = loadNetlistString("analyses\n"
                                            ".param fmax=1meg\n"
                                            "V1 a 0 1\n"
                                            "I1 a 0 1m\n"
                                            "R1 a 0 1k\n"
                                            ".op\n"
                                            ".dc V1 0 5 0.1 i1 0 1m 0.5m\n"
                                            ".ac dec 10 1 {fmax}\n"
                                            ".tran 1n 100n\n"
                                            ".tran 1n 100n 10n 0.5n UIC\n"
                                            ".OP\n"
                                            ".dc v1 5 0 -1\n"
                                            ".ac lin 5 0 100\n");
    REQUIRE(c.analyses.size() == 8);
    std::vector<std::string> names;
    for (const auto& a : c.analyses) names.push_back(a.name);
    CHECK(names == std::vector<std::string>{"op1", "dc1", "ac1", "tran1", "tran2", "op2", "dc2", "ac2"});
    const auto& dc = c.analyses[1];
    CHECK(dc.kind == AnalysisSpec::Kind::Dc);
    REQUIRE(dc.sweeps.size() == 2);
    CHECK(dc.sweeps[0].source == "v1"); // first-named source varies fastest
    CHECK(dc.sweeps[0].stop == 5);
    CHECK(dc.sweeps[0].step == doctest::Approx(0.1).scale(0));
    CHECK(dc.sweeps[1].source == "i1");
    CHECK(dc.sweeps[1].step == doctest::Approx(0.5e-3).scale(0));
    CHECK(dc.loc.line == 7);
    const auto& ac = c.analyses[2];
    CHECK(ac.acScale == AnalysisSpec::AcScale::Dec);
    CHECK(ac.points == 10);
    CHECK(ac.fstart == 1);
    CHECK(ac.fstop == 1e6);
    const auto& tran = c.analyses[3];
    CHECK(tran.tstep == doctest::Approx(1e-9).scale(0));
    CHECK(tran.tstop == doctest::Approx(100e-9).scale(0));
    CHECK(tran.tstart == 0);
    CHECK(tran.tmax == 0);
    CHECK_FALSE(tran.uic);
    const auto& tran2 = c.analyses[4];
    CHECK(tran2.tstart == doctest::Approx(10e-9).scale(0));
    CHECK(tran2.tmax == doctest::Approx(0.5e-9).scale(0));
    CHECK(tran2.uic);
    CHECK(c.analyses[6].sweeps[0].step == -1);
    CHECK(c.analyses[7].acScale == AnalysisSpec::AcScale::Lin);
}

TEST_CASE("options, initial conditions, temperature, saves") {
    const FlatCircuit c = loadNetlistString("control cards\n"
                                            ".param tol=1e-4\n"
                                            "R1 out 0 1\n"
                                            ".options RELTOL=1e-4 abstol={1p*2} method=Gear noacct vntol=tol\n"
                                            ".opt gmin=1e-12\n"
                                            ".ic V(Out)=1 v(gnd)=0\n"
                                            ".nodeset v(out)=0.5\n"
                                            ".temp 50 75\n"
                                            ".temp 100\n"
                                            ".save v(out) i(V1) mid v(a,b) OUT\n"
                                            ".probe v(out)\n");
    CHECK(c.options.at("reltol") == doctest::Approx(1e-4).scale(0));
    CHECK(c.options.at("abstol") == doctest::Approx(2e-12).scale(0));
    CHECK(c.options.at("noacct") == 1);
    CHECK(c.options.at("vntol") == doctest::Approx(1e-4).scale(0));
    CHECK(c.options.at("gmin") == doctest::Approx(1e-12).scale(0));
    CHECK(c.textOptions.at("method") == "gear");
    CHECK(c.options.count("method") == 0);
    CHECK(c.ic.at("out") == 1);
    CHECK(c.ic.at("0") == 0);
    CHECK(c.nodeset.at("out") == 0.5);
    REQUIRE(c.temp);
    CHECK(*c.temp == 50);
    CHECK(c.saves == std::vector<std::string>{"v(out)", "i(v1)", "v(mid)", "v(a,b)"});
    CHECK(c.saveLocs.at("i(v1)").str() == "<string>:10:14");
    CHECK(c.saveLocs.at("out").line == 6); // .ic item
}

TEST_CASE(".save all means no restriction; .title overrides") {
    const FlatCircuit c = loadNetlistString("t\nR1 a 0 1\n.save v(a) all\n.title The real title\n");
    CHECK(c.saves.empty());
    CHECK(c.title == "The real title");
}

TEST_CASE("netlist file with includes and a library section") {
    const FlatCircuit c = loadNetlistFile(dataDir + "top_include.cir");
    CHECK(c.title == "include and lib test");
    CHECK(elementNames(c) == std::vector<std::string>{"r2", "v1", "r1", "d1"});
    CHECK(element(c, "v1").source.dc == 5);
    CHECK(value(element(c, "r1")) == 2000);
    CHECK(element(c, "d1").model == "dfast");
    CHECK(c.models.size() == 1);
    CHECK(c.models.at("dfast").params.at("is") == doctest::Approx(1e-12).scale(0));
    CHECK(c.models.at("dfast").loc.file == dataDir + "sub/models.lib");
    REQUIRE(c.analyses.size() == 1);
    CHECK(c.analyses[0].name == "op1");
}

TEST_CASE("continuation lines and comments inside element cards") {
    const FlatCircuit c = loadNetlistString("t\n"
                                            "V1 in 0\n"
                                            "+ PULSE(0 1\n"
                                            "* interleaved comment\n"
                                            "+ 1n 1n 1n 10n 20n) ; trailing\n"
                                            "R1 in 0\n"
                                            "+ {1k +\n"
                                            "+ 1k}\n");
    CHECK(element(c, "v1").source.tran.args.size() == 7);
    CHECK(element(c, "v1").source.tran.args[6] == doctest::Approx(20e-9).scale(0));
    CHECK(value(element(c, "r1")) == 2000);
}

TEST_CASE("an empty deck is fine") {
    const FlatCircuit c = loadNetlistString("");
    CHECK(c.title.empty());
    CHECK(c.elements.empty());
    const FlatCircuit d = loadNetlistString("only a title");
    CHECK(d.title == "only a title");
    CHECK(d.elements.empty());
}

TEST_CASE("elaborateConsuming: the same flat circuit, the element cards released except referenced ones") {
    const std::string text = "consume\n.param rv=2k\n.subckt div a b\nr1 a m {rv}\nr2 m b 1k\n.ends\n"
                             "v1 in 0 dc 1\nx1 in out div\nl1 in n1 1u\nl2 out 0 1u\nk1 l1 l2 0.5\n"
                             "vs n1 0 0\nf1 out 0 vs 2\nc1 out 0 1p\n.tran 1n 10n\n.end\n";
    const FlatCircuit expected = netlist::elaborate(netlist::parseDeckString(text, "c.cir"));
    netlist::Deck deck = netlist::parseDeckString(text, "c.cir");
    const FlatCircuit flat = netlist::elaborateConsuming(deck);
    CHECK(elementNames(flat) == elementNames(expected));
    for (const auto& e : expected.elements) {
        CAPTURE(e.name);
        const FlatElement& got = element(flat, e.name);
        CHECK(got.nodes == e.nodes);
        CHECK(got.params == e.params);
        CHECK(got.refs == e.refs);
        CHECK(got.loc.str() == e.loc.str());
        CHECK(got.lineText == e.lineText);
    }
    CHECK(flat.analyses.size() == 1);
    // Left in the deck: the definitions, commands, the X card and the cards F and K refer from.
    std::vector<std::string> kept;
    for (const auto& statement : deck.statements)
        if (const netlist::Card* card = statement.card(); card && !card->tokens.empty())
            kept.push_back(card->keyword());
        else if (statement.subckt())
            kept.push_back(".subckt");
    CHECK(kept == std::vector<std::string>{".param", ".subckt", "x1", "k1", "f1", ".tran"});
}
