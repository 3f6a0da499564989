// Netlist files -> Deck: lines, comments and continuations -> cards; .include / .lib splicing;
// .subckt ... .ends nesting.
#include "netlist/parser.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace spinspice::netlist {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxIncludeDepth = 50;
constexpr int kMaxSubcktNesting = 50;

struct SourceText {
    std::string name; // as shown in messages (the path as written/resolved)
    std::string dir;  // directory for relative .include paths ("" = current directory)
    std::vector<std::string> lines;
};

// One file's cards: the main sequence and its `.lib name` ... `.endl` sections (used only on request).
struct FileCards {
    std::vector<Card> cards;
    std::map<std::string, std::vector<Card>> sections;
};

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r') {
            lines.push_back(std::move(current));
            current.clear();
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            current += c;
        }
    }
    if (!current.empty()) lines.push_back(std::move(current));
    return lines;
}

std::size_t firstNonBlank(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

std::string firstWordLower(const std::string& s, std::size_t from) {
    std::size_t end = from;
    while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
    return toLower(s.substr(from, end - from));
}

std::string trim(const std::string& s) {
    const std::size_t b = firstNonBlank(s);
    std::size_t e = s.size();
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

InputError errorAt(const Card& card, const Token& token, std::string message, std::string hint = {}) {
    return InputError(std::move(message), card.locOf(token), card.lineTextOf(token), std::move(hint));
}

// Physical lines -> cards (comments removed, continuations joined, .control blocks skipped, stops at
// .end), then the `.lib name` ... `.endl` sections split off.
FileCards readCards(const SourceText& source, std::size_t firstLine) {
    std::vector<Card> cards;
    cards.reserve(source.lines.size() - std::min(firstLine, source.lines.size())); // at most one per line
    bool inControlBlock = false;
    const auto fileName = std::make_shared<const std::string>(source.name);
    for (std::size_t index = firstLine; index < source.lines.size(); ++index) {
        const std::string& raw = source.lines[index];
        const int lineNo = static_cast<int>(index) + 1;
        const std::size_t start = firstNonBlank(raw);
        if (start >= raw.size()) continue;
        if (inControlBlock) {
            if (firstWordLower(raw, start) == ".endc") inControlBlock = false;
            continue;
        }
        if (raw[start] == '*') continue; // full-line comment
        const std::string content = stripEndOfLineComment(raw);
        const std::size_t contentStart = firstNonBlank(content);
        if (contentStart >= content.size()) continue;

        if (content[contentStart] == '+') {
            if (cards.empty())
                throw InputError("continuation line without a card to continue", {source.name, lineNo, int(start) + 1},
                                 raw, "a line starting with '+' continues the previous card");
            Card& card = cards.back();
            card.text += ' ';
            card.lines.push_back({lineNo, static_cast<int>(contentStart) + 2, card.text.size(), raw});
            card.text += content.substr(contentStart + 1);
            continue;
        }
        const std::string keyword = firstWordLower(content, contentStart);
        if (keyword == ".control") {
            inControlBlock = true;
            continue;
        }
        if (keyword == ".end") break;
        Card card;
        card.file = fileName;
        card.text = content.substr(contentStart);
        card.lines.push_back({lineNo, static_cast<int>(contentStart) + 1, 0, raw});
        cards.push_back(std::move(card));
    }

    FileCards result;
    result.cards.reserve(cards.size());
    std::vector<Card>* target = &result.cards;
    const Card* openSection = nullptr;
    std::string openSectionName;
    for (Card& card : cards) {
        tokenizeCard(card);
        if (card.tokens.empty()) continue;
        const std::string keyword = card.keyword();
        if (keyword == ".lib" && card.tokens.size() == 2) { // `.lib name` starts a section
            if (openSection)
                throw errorAt(card, card.tokens[0], "nested .lib section",
                              "close section '" + openSectionName + "' with .endl first");
            openSectionName = card.tokens[1].lower();
            target = &result.sections[openSectionName];
            openSection = &card;
            continue;
        }
        if (keyword == ".endl") {
            if (!openSection)
                throw errorAt(card, card.tokens[0], ".endl without a matching .lib section",
                              "expected: .lib name ... .endl");
            target = &result.cards;
            openSection = nullptr;
            continue;
        }
        target->push_back(std::move(card));
    }
    if (openSection)
        throw errorAt(*openSection, openSection->tokens[0], "missing .endl for .lib section '" + openSectionName + "'",
                      "expected: .endl after the section's cards");
    return result;
}

// Splices .include files and .lib sections into one card sequence.
class IncludeExpander {
public:
    // The top-level file counts as being expanded (a file including the main deck is a cycle).
    void markTopLevel(const std::string& path) {
        if (!path.empty()) stack_.push_back(canonical(path));
    }

    // Cards of a file read once (the cache's: copied) or of the top-level file (its own: moved).
    void expand(const std::vector<Card>& cards, const std::string& dir, std::vector<Card>& out) {
        for (const Card& card : cards)
            if (!expandDirective(card, dir, out)) out.push_back(card);
    }
    void expand(std::vector<Card>&& cards, const std::string& dir, std::vector<Card>& out) {
        out.reserve(out.size() + cards.size());
        for (Card& card : cards)
            if (!expandDirective(card, dir, out)) out.push_back(std::move(card));
    }

private:
    // .include and .lib file section: their cards into `out`. False for any other card.
    bool expandDirective(const Card& card, const std::string& dir, std::vector<Card>& out) {
        const std::string keyword = card.keyword();
        if (keyword == ".include" || keyword == ".inc") {
            expandInclude(card, dir, out);
            return true;
        }
        if (keyword == ".lib") {
            expandLibrary(card, dir, out);
            return true;
        }
        return false;
    }

    void expandInclude(const Card& card, const std::string& dir, std::vector<Card>& out) {
        const Token& path = pathToken(card, ".include file");
        if (card.tokens.size() > 2)
            throw errorAt(card, card.tokens[2], "unexpected '" + card.tokens[2].text + "' after the file name",
                          "expected: .include file");
        const std::string resolved = resolve(dir, path.text);
        const FileCards& file = load(resolved, card, path);
        Guard guard(*this, canonical(resolved), card, path);
        expand(file.cards, directoryOf(resolved), out);
    }

    void expandLibrary(const Card& card, const std::string& dir, std::vector<Card>& out) {
        const Token& path = pathToken(card, ".lib file section");
        if (card.tokens.size() < 3)
            throw errorAt(card, path, "missing section name after the library file", "expected: .lib file section");
        if (card.tokens.size() > 3)
            throw errorAt(card, card.tokens[3], "unexpected '" + card.tokens[3].text + "' after the section name",
                          "expected: .lib file section");
        const Token& sectionToken = card.tokens[2];
        const std::string resolved = resolve(dir, path.text);
        const FileCards& file = load(resolved, card, path);
        const std::string section = sectionToken.lower();
        auto it = file.sections.find(section);
        if (it == file.sections.end()) {
            std::vector<std::string> names;
            for (const auto& [name, sectionCards] : file.sections) names.push_back(name);
            std::string hint = suggestionHint(section, names);
            if (names.empty()) hint = "the file has no .lib sections";
            throw errorAt(card, sectionToken, "no .lib section '" + section + "' in '" + resolved + "'", hint);
        }
        Guard guard(*this, canonical(resolved) + "#" + section, card, path);
        expand(it->second, directoryOf(resolved), out);
    }

    const Token& pathToken(const Card& card, const std::string& syntax) {
        if (card.tokens.size() < 2) throw errorAt(card, card.tokens[0], "missing file name", "expected: " + syntax);
        const Token& t = card.tokens[1];
        if (t.kind != TokenKind::Word && t.kind != TokenKind::String && t.kind != TokenKind::Expression)
            throw errorAt(card, t, "expected a file name", "expected: " + syntax);
        return t;
    }

    // Marks a file (or file#section) as being expanded, to detect include cycles.
    struct Guard {
        Guard(IncludeExpander& owner, std::string key, const Card& card, const Token& token) : owner_(owner) {
            for (const auto& open : owner.stack_)
                if (open == key)
                    throw errorAt(card, token, "recursive inclusion of '" + token.text + "'",
                                  "the file includes itself, directly or indirectly");
            if (owner.stack_.size() >= kMaxIncludeDepth)
                throw errorAt(card, token, "includes nested too deeply", "more than 50 nested .include/.lib levels");
            owner.stack_.push_back(std::move(key));
        }
        ~Guard() { owner_.stack_.pop_back(); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        IncludeExpander& owner_;
    };

    const FileCards& load(const std::string& path, const Card& card, const Token& token) {
        const std::string key = canonical(path);
        if (auto it = cache_.find(key); it != cache_.end()) return it->second;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw errorAt(card, token, "cannot open '" + token.text + "'",
                          fs::exists(path, ec) ? "'" + path + "' is not a regular file"
                                               : "no such file: '" + path + "'");
        std::ifstream in(path, std::ios::binary);
        if (!in) throw errorAt(card, token, "cannot open '" + token.text + "'", "cannot read '" + path + "'");
        std::stringstream buffer;
        buffer << in.rdbuf();
        SourceText source{path, directoryOf(path), splitLines(buffer.str())};
        // Included files have no title line.
        return cache_.emplace(key, readCards(source, 0)).first->second;
    }

    static std::string resolve(const std::string& dir, const std::string& name) {
        const fs::path p(name);
        if (p.is_absolute() || dir.empty()) return p.string();
        return (fs::path(dir) / p).string();
    }
    static std::string directoryOf(const std::string& path) { return fs::path(path).parent_path().string(); }
    static std::string canonical(const std::string& path) {
        std::error_code ec;
        auto c = fs::weakly_canonical(path, ec);
        return ec ? path : c.string();
    }

    std::map<std::string, FileCards> cache_;
    std::vector<std::string> stack_;
};

// Nests .subckt ... .ends blocks. `openName` is the enclosing subcircuit ("" at top level).
std::vector<Statement> buildBlock(std::vector<Card>& cards, std::size_t& i, const Card* openHeader,
                                  const std::string& openName, int depth) {
    std::vector<Statement> statements;
    if (depth == 0) statements.reserve(cards.size() - i);
    while (i < cards.size()) {
        Card& card = cards[i];
        const std::string keyword = card.keyword();
        if (keyword == ".subckt") {
            if (card.tokens.size() < 2 || !card.tokens[1].isWord())
                throw errorAt(card, card.tokens.size() < 2 ? card.tokens[0] : card.tokens[1], "missing subcircuit name",
                              "expected: .subckt name node1 node2 ... [params: p=v ...]");
            if (depth >= kMaxSubcktNesting)
                throw errorAt(card, card.tokens[0], "subcircuit definitions nested too deeply");
            SubcktDef def;
            def.header = std::move(card);
            ++i;
            const std::string name = def.header.tokens[1].lower();
            def.body = buildBlock(cards, i, &def.header, name, depth + 1);
            statements.push_back(Statement{std::move(def)});
            continue;
        }
        if (keyword == ".ends") {
            if (!openHeader)
                throw errorAt(card, card.tokens[0], ".ends without a matching .subckt",
                              "expected: .subckt name ... before it");
            if (card.tokens.size() >= 2 && card.tokens[1].lower() != openName)
                throw errorAt(card, card.tokens[1],
                              ".ends '" + card.tokens[1].lower() + "' does not match .subckt '" + openName + "'",
                              "expected: .ends " + openName);
            if (card.tokens.size() > 2)
                throw errorAt(card, card.tokens[2], "unexpected '" + card.tokens[2].text + "' after .ends name");
            ++i;
            return statements;
        }
        statements.push_back(Statement{std::move(card)});
        ++i;
    }
    if (openHeader)
        throw errorAt(*openHeader, openHeader->tokens[0], "missing .ends for subcircuit '" + openName + "'",
                      "expected: .ends " + openName + " after the subcircuit's cards");
    return statements;
}

Deck parseSource(const SourceText& source, const std::string& topLevelPath) {
    Deck deck;
    if (!source.lines.empty()) {
        deck.title = trim(source.lines.front());
        deck.titleLoc = SourceLoc{source.name, 1, 1};
    }
    FileCards top = readCards(source, 1);
    std::vector<Card> cards;
    IncludeExpander expander;
    expander.markTopLevel(topLevelPath);
    expander.expand(std::move(top.cards), source.dir, cards);
    top = FileCards{}; // its moved-from cards, before the statements take the expanded ones
    std::size_t i = 0;
    deck.statements = buildBlock(cards, i, nullptr, "", 0);
    return deck;
}

} // namespace

Deck parseDeckFile(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw InputError("cannot open netlist file '" + path + "'", SourceLoc{path, 0, 0}, {},
                         fs::exists(path, ec) ? "it is not a regular file" : "no such file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open netlist file '" + path + "'", SourceLoc{path, 0, 0}, {}, "cannot read it");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseSource(SourceText{path, fs::path(path).parent_path().string(), splitLines(buffer.str())}, path);
}

Deck parseDeckString(const std::string& text, const std::string& fileName) {
    return parseSource(SourceText{fileName, "", splitLines(text)}, "");
}

} // namespace spinspice::netlist
