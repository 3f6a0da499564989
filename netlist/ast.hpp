// The netlist syntax tree produced by the parser (netlist/parser.hpp) and consumed by the elaborator
// (netlist/elaborate.hpp). It is purely syntactic: cards are split into tokens, includes and library
// sections are spliced in, .subckt ... .ends blocks are nested, but nothing is evaluated. Every card and
// every token knows its file, physical line and column (continuation lines keep their own positions).
#pragma once

#include "core/diagnostics.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace spinspice::netlist {

enum class TokenKind {
    Word,       // a name, node, number or keyword, as written (case preserved)
    Expression, // {expr} or 'expr': text holds what is between the delimiters
    String,     // "text": text holds what is between the quotes
    Equals,     // a lone '=' (comparison operators such as == or <= stay inside words)
    LParen,
    RParen,
};

struct Token {
    // [begin, end): character range in Card::text, delimiters included; its source position is
    // Card::locOf(token) (a card holds a million tokens in a large netlist: no position of their own).
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    TokenKind kind = TokenKind::Word;
    std::string text;

    std::string lower() const { return toLower(text); }
    bool isWord() const { return kind == TokenKind::Word; }
    bool isWord(std::string_view lowerText) const { return kind == TokenKind::Word && lower() == lowerText; }
    // A token that can hold a value: a word (number, parameter name, unbraced expression) or {expr}.
    bool isValue() const { return kind == TokenKind::Word || kind == TokenKind::Expression; }
};

// One physical source line that contributed to a card.
struct PhysicalLine {
    int line = 0;              // 1-based line number in the card's file
    int firstCol = 1;          // column of the first character that went into Card::text
    std::size_t textBegin = 0; // where that character is in Card::text
    std::string text;          // the whole physical line, for error messages
};

// A logical card: one line plus its '+' continuation lines, comments removed.
struct Card {
    // The file's name, shared by its cards (a copy per card: 50 MB for a 786 k-line netlist with a long path).
    std::shared_ptr<const std::string> file;
    const std::string& fileName() const {
        static const std::string none;
        return file ? *file : none;
    }
    std::string text;                // logical text; continuation fragments joined by one space
    std::vector<PhysicalLine> lines; // at least one
    std::vector<Token> tokens;       // never empty for a card that reaches the deck

    SourceLoc loc() const { return locAt(tokens.empty() ? 0 : tokens.front().begin); }
    std::string keyword() const { return tokens.empty() ? std::string() : tokens.front().lower(); }
    const std::string& firstLineText() const { return lines.front().text; }

    // The physical line holding a character offset of `text` (binary search: lines are in text order).
    const PhysicalLine& lineAt(std::size_t offset) const {
        const auto it = std::upper_bound(lines.begin(), lines.end(), offset,
                                         [](std::size_t o, const PhysicalLine& l) { return o < l.textBegin; });
        return it == lines.begin() ? lines.front() : *(it - 1);
    }
    // The source position of a character offset in `text`.
    SourceLoc locAt(std::size_t offset) const {
        const PhysicalLine& l = lineAt(offset);
        return SourceLoc{fileName(), l.line, l.firstCol + static_cast<int>(offset - l.textBegin)};
    }
    // A token's first character (the delimiter of an Expression/String).
    SourceLoc locOf(const Token& token) const { return locAt(token.begin); }
    // The source position and physical line text of a character offset in `text`.
    std::pair<SourceLoc, std::string> locate(std::size_t offset) const { return {locAt(offset), lineAt(offset).text}; }
    const std::string& lineTextOf(const Token& token) const { return lineAt(token.begin).text; }
};

struct Statement;

// A `.subckt name ports... [params:] p=v ...` header, its body and the matching `.ends`.
struct SubcktDef {
    Card header;
    std::vector<Statement> body; // may contain nested SubcktDefs (local to this subcircuit)
};

struct Statement {
    std::variant<Card, SubcktDef> node;

    const Card* card() const { return std::get_if<Card>(&node); }
    const SubcktDef* subckt() const { return std::get_if<SubcktDef>(&node); }
};

struct Deck {
    std::string title; // the first line of the top-level file, verbatim (trimmed)
    SourceLoc titleLoc;
    std::vector<Statement> statements;
};

} // namespace spinspice::netlist
