// Netlist parser: title, comments, continuation lines, tokens with locations, includes, libraries,
// control blocks, subcircuit nesting.
#include "netlist/parser.hpp"

#include <doctest/doctest.h>

using namespace spinspice;
using namespace spinspice::netlist;

namespace {
std::vector<const Card*> topCards(const Deck& deck) {
    std::vector<const Card*> cards;
    for (const auto& s : deck.statements)
        if (const Card* c = s.card()) cards.push_back(c);
    return cards;
}

std::vector<std::string> tokenTexts(const Card& card) {
    std::vector<std::string> out;
    for (const auto& t : card.tokens) out.push_back(t.text);
    return out;
}

InputError parseError(const std::string& text) {
    try {
        parseDeckString(text, "deck.cir");
    } catch (const InputError& e) {
        return e;
    }
    FAIL("expected an InputError");
    return InputError("unreachable");
}

const std::string dataDir = std::string(SPINSPICE_TEST_DATA) + "/netlist/data/";
} // namespace

TEST_CASE("title line, comments and blank lines") {
    const Deck deck = parseDeckString("R1 this is the title, not a resistor\n"
                                      "* a comment line\n"
                                      "   * an indented comment\n"
                                      "\n"
                                      "R1 a b 1k ; trailing comment\n"
                                      "R2 a b 2k $ dollar comment\n"
                                      "R3 a$b c 3k // slash comment\n"
                                      "R4 a b 4k//not a comment\n"
                                      "\t \n",
                                      "deck.cir");
    CHECK(deck.title == "R1 this is the title, not a resistor");
    const auto cards = topCards(deck);
    REQUIRE(cards.size() == 4);
    CHECK(tokenTexts(*cards[0]) == std::vector<std::string>{"R1", "a", "b", "1k"});
    CHECK(tokenTexts(*cards[1]) == std::vector<std::string>{"R2", "a", "b", "2k"});
    CHECK(tokenTexts(*cards[2]) == std::vector<std::string>{"R3", "a$b", "c", "3k"});
    CHECK(tokenTexts(*cards[3]) == std::vector<std::string>{"R4", "a", "b", "4k//not", "a", "comment"});
    CHECK(cards[0]->loc().str() == "deck.cir:5:1");
    CHECK(cards[0]->firstLineText() == "R1 a b 1k ; trailing comment");
}

TEST_CASE("tokens: words, expressions, strings, assignments, parentheses, commas") {
    const Deck deck = parseDeckString("title\n"
                                      "V1 in 0 PULSE(0, 1 2n) r={a+b} c='x*2' .inc \"My File.cir\" x<=y a==b\n",
                                      "deck.cir");
    const Card& card = *topCards(deck).at(0);
    const auto& t = card.tokens;
    REQUIRE(t.size() == 19); // commas are separators
    CHECK(t[3].kind == TokenKind::Word);
    CHECK(t[3].text == "PULSE");
    CHECK(t[4].kind == TokenKind::LParen);
    CHECK(t[5].text == "0");
    CHECK(t[6].text == "1");
    CHECK(t[7].text == "2n");
    CHECK(t[8].kind == TokenKind::RParen);
    CHECK(t[9].text == "r");
    CHECK(t[10].kind == TokenKind::Equals);
    CHECK(t[11].kind == TokenKind::Expression);
    CHECK(t[11].text == "a+b");
    CHECK(card.locOf(t[11]).col == 26); // the '{'
    CHECK(t[14].kind == TokenKind::Expression);
    CHECK(t[14].text == "x*2");
    CHECK(t.back().text == "a==b");
    CHECK(t[t.size() - 2].text == "x<=y");
    CHECK(t[t.size() - 3].kind == TokenKind::String);
    CHECK(t[t.size() - 3].text == "My File.cir");
}

TEST_CASE("continuation lines keep their own physical positions") {
    const Deck deck = parseDeckString("title\n"
                                      "R1 a\n"
                                      "* comment between card and continuation\n"
                                      "+ b\n"
                                      "   +   {1k +\n"
                                      "+ 2k}\n"
                                      "C1 x y 1p\n",
                                      "deck.cir");
    const auto cards = topCards(deck);
    REQUIRE(cards.size() == 2);
    const Card& r = *cards[0];
    REQUIRE(r.tokens.size() == 4);
    CHECK(r.locOf(r.tokens[1]).str() == "deck.cir:2:4");
    CHECK(r.tokens[2].text == "b");
    CHECK(r.locOf(r.tokens[2]).str() == "deck.cir:4:3");
    CHECK(r.lineTextOf(r.tokens[2]) == "+ b");
    CHECK(r.tokens[3].kind == TokenKind::Expression);
    CHECK(r.locOf(r.tokens[3]).str() == "deck.cir:5:8");
    CHECK(r.tokens[3].text == "1k +  2k");
    // an offset inside the expression on the second physical line
    const auto [loc, line] = r.locate(r.tokens[3].end - 2);
    CHECK(loc.str() == "deck.cir:6:4");
    CHECK(line == "+ 2k}");
    CHECK(cards[1]->loc().str() == "deck.cir:7:1");
}

TEST_CASE(".end stops the deck and .control blocks are skipped") {
    const Deck deck = parseDeckString("title\n"
                                      "R1 a b 1\n"
                                      ".control\n"
                                      "run\n"
                                      "let x = 'unterminated {\n"
                                      ".endc\n"
                                      "R2 a b 2\n"
                                      ".END\n"
                                      "R3 a b 3 this is never read {\n",
                                      "deck.cir");
    const auto cards = topCards(deck);
    REQUIRE(cards.size() == 2);
    CHECK(cards[0]->keyword() == "r1");
    CHECK(cards[1]->keyword() == "r2");
}

TEST_CASE("subcircuit definitions nest") {
    const Deck deck = parseDeckString("title\n"
                                      ".subckt outer a b\n"
                                      "R1 a m 1\n"
                                      ".subckt inner p q\n"
                                      "R1 p q 1\n"
                                      ".ends inner\n"
                                      "X1 m b inner\n"
                                      ".ends\n"
                                      "X1 1 0 outer\n",
                                      "deck.cir");
    REQUIRE(deck.statements.size() == 2);
    const SubcktDef* outer = deck.statements[0].subckt();
    REQUIRE(outer);
    CHECK(outer->header.tokens[1].text == "outer");
    REQUIRE(outer->body.size() == 3);
    CHECK(outer->body[0].card()->keyword() == "r1");
    const SubcktDef* inner = outer->body[1].subckt();
    REQUIRE(inner);
    CHECK(inner->header.loc().str() == "deck.cir:4:1");
    CHECK(inner->body.size() == 1);
    CHECK(outer->body[2].card()->keyword() == "x1");
    CHECK(deck.statements[1].card()->keyword() == "x1");
}

TEST_CASE("subcircuit structure errors") {
    auto e = parseError("t\n.subckt amp a b\nR1 a b 1\n");
    CHECK(e.message() == "missing .ends for subcircuit 'amp'");
    CHECK(e.loc().str() == "deck.cir:2:1");

    e = parseError("t\nR1 a b 1\n.ends\n");
    CHECK(e.message() == ".ends without a matching .subckt");
    CHECK(e.loc().str() == "deck.cir:3:1");

    e = parseError("t\n.subckt amp a b\n.ends amq\n");
    CHECK(e.message().find("does not match") != std::string::npos);
    CHECK(e.loc().str() == "deck.cir:3:7");

    e = parseError("t\n.subckt\n.ends\n");
    CHECK(e.message() == "missing subcircuit name");
}

TEST_CASE("tokenizer and line errors") {
    auto e = parseError("t\nR1 a b {1k\n");
    CHECK(e.message() == "unterminated '{' expression");
    CHECK(e.loc().str() == "deck.cir:2:8");
    CHECK(e.lineText() == "R1 a b {1k");

    e = parseError("t\nR1 a b 'x\n");
    CHECK(e.message() == "unterminated quoted expression");
    e = parseError("t\n.include \"abc\n");
    CHECK(e.message() == "unterminated string");
    e = parseError("t\nR1 a b 1k}\n");
    CHECK(e.message() == "unexpected '}'");
    CHECK(e.loc().col == 10);

    e = parseError("title\n+ continues nothing\n");
    CHECK(e.message() == "continuation line without a card to continue");
    CHECK(e.loc().str() == "deck.cir:2:1");
}

TEST_CASE("include and lib files, relative to the including file") {
    const Deck deck = parseDeckFile(dataDir + "top_include.cir");
    CHECK(deck.title == "include and lib test");
    const auto cards = topCards(deck);
    std::vector<std::string> keywords;
    for (const Card* c : cards) keywords.push_back(c->keyword());
    CHECK(keywords == std::vector<std::string>{".param", ".param", ".model", "r2", "v1", "r1", "d1", ".op"});
    // the included card remembers its own file and line
    CHECK(cards[1]->fileName() == dataDir + "sub/nested.inc");
    CHECK(cards[1]->loc().line == 1);
    CHECK(cards[2]->tokens[1].text == "dfast");
    CHECK(cards[2]->loc().line == 6);
    CHECK(cards[3]->fileName() == dataDir + "sub/fastextra.inc");
}

TEST_CASE("include errors") {
    try {
        parseDeckFile(dataDir + "missing_include.cir");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.message() == "cannot open 'does_not_exist.inc'");
        CHECK(e.loc().str() == dataDir + "missing_include.cir:3:10");
        CHECK(e.hint().find(dataDir + "does_not_exist.inc") != std::string::npos);
    }
    try {
        parseDeckFile(dataDir + "missing_section.cir");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.message().find("no .lib section 'typical'") != std::string::npos);
        CHECK(e.loc().str() == dataDir + "missing_section.cir:2:21");
        CHECK(e.hint() == "known names are: fast, slow");
    }
    try {
        parseDeckFile(dataDir + "recursive_a.cir");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.message() == "recursive inclusion of 'recursive_a.cir'");
        CHECK(e.loc().file == dataDir + "recursive_b.inc");
        CHECK(e.loc().line == 2);
    }
    try {
        parseDeckFile(dataDir + "no_such_deck.cir");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.message() == "cannot open netlist file '" + dataDir + "no_such_deck.cir'");
    }
    auto e = parseError("t\n.include\n");
    CHECK(e.message() == "missing file name");
    e = parseError("t\n.lib\n");
    CHECK(e.message() == "missing file name");
    CHECK(e.hint() == "expected: .lib file section");
    e = parseError("t\n.endl\n");
    CHECK(e.message() == ".endl without a matching .lib section");
    e = parseError("t\n.lib sec\nR1 a b 1\n");
    CHECK(e.message() == "missing .endl for .lib section 'sec'");
}

TEST_CASE("end-of-line comment stripping rules") {
    CHECK(stripEndOfLineComment("R1 a b 1k ; c") == "R1 a b 1k ");
    CHECK(stripEndOfLineComment("R1 a b 1k;c") == "R1 a b 1k");
    CHECK(stripEndOfLineComment("$ all") == "");
    CHECK(stripEndOfLineComment("R1 a$b c") == "R1 a$b c");
    CHECK(stripEndOfLineComment("R1 a b\t$ c") == "R1 a b\t");
    CHECK(stripEndOfLineComment("// all") == "");
    CHECK(stripEndOfLineComment("R1 http://x") == "R1 http://x");
    CHECK(stripEndOfLineComment("R1 x //c") == "R1 x ");
}
