// Netlist text -> Deck (netlist/ast.hpp). Handles the title line, comments, '+' continuation lines,
// .include, .lib file section / .lib section ... .endl, .control ... .endc (skipped), .end, and nests
// .subckt ... .ends blocks. Card contents are tokenized with a Boost.Spirit X3 grammar; nothing is
// evaluated here (see netlist/elaborate.hpp).
#pragma once

#include "netlist/ast.hpp"

#include <string>

namespace spinspice::netlist {

// Parses the top-level netlist file `path` (and everything it includes). Throws InputError.
Deck parseDeckFile(const std::string& path);

// Parses netlist text; relative .include paths are resolved against the current directory.
Deck parseDeckString(const std::string& text, const std::string& fileName = "<string>");

// Splits card.text into card.tokens (X3 grammar). Throws InputError for unterminated {..}, '..', "..".
void tokenizeCard(Card& card);

// Removes an end-of-line comment: ';' anywhere, '$' at line start or after whitespace, '//' at line
// start or after whitespace. Returns the remaining text.
std::string stripEndOfLineComment(const std::string& line);

} // namespace spinspice::netlist
