// The card tokenizer: a Boost.Spirit X3 grammar splitting a logical card into words, {expr}/'expr'
// expressions, "strings", '=', '(' and ')'. Blanks and commas separate tokens.
#include "netlist/parser.hpp"

#include "core/ascii_classes.hpp"

#include <boost/spirit/home/x3.hpp>

#include <cctype>
#include <cstdint>

namespace spinspice::netlist {
namespace {
namespace x3 = boost::spirit::x3;
using Iterator = const char*;
using Range = boost::iterator_range<Iterator>;

const auto& asciiSpace = ascii::space;

// raw[] with a concrete iterator_range attribute, usable from semantic actions.
const auto asRange = [](auto subject) { return x3::rule<class RangeRule, Range>{"token"} = x3::raw[subject]; };

// Comparison operators are part of words so that `a<=b` or `x==1` never look like assignments.
const auto comparisonOp = x3::lit("==") | x3::lit("!=") | x3::lit("<=") | x3::lit(">=");
const auto wordStop = asciiSpace | x3::char_("(){}'\",=");
const auto word = asRange(x3::lexeme[+(comparisonOp | (x3::char_ - wordStop))]);
const auto braceExpr = asRange(x3::lexeme['{' >> *(x3::char_ - '}') >> '}']);
const auto quotedExpr = asRange(x3::lexeme['\'' >> *(x3::char_ - '\'') >> '\'']);
const auto quotedString = asRange(x3::lexeme['"' >> *(x3::char_ - '"') >> '"']);
const auto separator = asciiSpace | x3::lit(',');

} // namespace

void tokenizeCard(Card& card) {
    if (card.text.size() > UINT32_MAX) // token offsets are 32-bit
        throw InputError("a card of more than 4 GB", card.locAt(0), card.lines.front().text.substr(0, 80),
                         "split it over several cards");
    const Iterator begin = card.text.data();
    const Iterator end = begin + card.text.size();
    std::vector<Token> tokens;

    // Each action records one token; `stripDelimiters` removes the surrounding {} '' "".
    auto recorder = [&](TokenKind kind, bool stripDelimiters) {
        return [&tokens, begin, kind, stripDelimiters](auto& ctx) {
            const Range& r = x3::_attr(ctx);
            Token t;
            t.kind = kind;
            t.begin = static_cast<std::uint32_t>(r.begin() - begin);
            t.end = static_cast<std::uint32_t>(r.end() - begin);
            t.text = stripDelimiters ? std::string(r.begin() + 1, r.end() - 1) : std::string(r.begin(), r.end());
            tokens.push_back(std::move(t));
        };
    };
    const auto token =
        braceExpr[recorder(TokenKind::Expression, true)] | quotedExpr[recorder(TokenKind::Expression, true)] |
        quotedString[recorder(TokenKind::String, true)] | asRange(x3::lit('('))[recorder(TokenKind::LParen, false)] |
        asRange(x3::lit(')'))[recorder(TokenKind::RParen, false)] |
        asRange(x3::lit('='))[recorder(TokenKind::Equals, false)] | word[recorder(TokenKind::Word, false)];

    Iterator it = begin;
    x3::phrase_parse(it, end, *token, separator);
    while (it != end && (std::isspace(static_cast<unsigned char>(*it)) || *it == ',')) ++it;
    if (it != end) {
        const auto [loc, lineText] = card.locate(static_cast<std::size_t>(it - begin));
        switch (*it) {
        case '{': throw InputError("unterminated '{' expression", loc, lineText, "expected: a closing '}'");
        case '\'': throw InputError("unterminated quoted expression", loc, lineText, "expected: a closing '");
        case '"': throw InputError("unterminated string", loc, lineText, "expected: a closing \"");
        case '}': throw InputError("unexpected '}'", loc, lineText, "expected: '{' before it");
        default: throw InputError(std::string("unexpected character '") + *it + "'", loc, lineText);
        }
    }
    card.tokens = std::move(tokens);
}

std::string stripEndOfLineComment(const std::string& line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        const bool afterBlank = i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1]));
        if (c == ';') return line.substr(0, i);
        if (c == '$' && afterBlank) return line.substr(0, i);
        if (c == '/' && i + 1 < line.size() && line[i + 1] == '/' && afterBlank) return line.substr(0, i);
    }
    return line;
}

} // namespace spinspice::netlist
