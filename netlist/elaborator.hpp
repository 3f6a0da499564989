// Internal to the elaborator (elaborate*.cpp): scopes and the Elaborator class.
#pragma once

#include "core/expr.hpp"
#include "core/name_index.hpp"
#include "devices/registry.hpp"
#include "netlist/ast.hpp"
#include "netlist/flat_circuit.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace spinspice::netlist::detail {

// A parsed `.subckt name ports... [params:] p=v ...` header.
struct SubcktEntry {
    const SubcktDef* def = nullptr;
    std::string name;
    std::vector<const Token*> ports;
    struct Param {
        const Token* name;
        const Token* defaultValue;
    };
    std::vector<Param> params;
};

// The top level or one subcircuit instance: parameters, models and subcircuit definitions visible
// there, plus the instance's naming prefix and port connections.
struct ElabScope {
    explicit ElabScope(const ElabScope* lexicalParent)
        : parent(lexicalParent), params(lexicalParent ? &lexicalParent->params : nullptr) {}

    const ElabScope* parent; // where the instantiated definition was found (null at top level)
    ParamScope params;
    std::string prefix;                         // "" at top level, else "x1." / "x1.x2."
    std::map<std::string, std::string> portMap; // subcircuit port -> the caller's (flat) node
    std::map<std::string, std::string> models;  // model name as written (lower-case) -> flat name
    std::map<std::string, SubcktEntry> subckts; // definitions local to this scope

    ElabScope(const ElabScope&) = delete; // params points into the parent: never copy or move
    ElabScope& operator=(const ElabScope&) = delete;

    bool isTopLevel() const { return parent == nullptr; }
};

// key=value pairs and the remaining (positional) tokens of a card.
struct CardArgs {
    std::vector<const Token*> positional;
    struct Assignment {
        const Token* key;
        const Token* value;
    };
    std::vector<Assignment> assignments;
};

// An output reference on a .print/.meas card: v(n1[,n2]), i(source) or an ac part (vdb(node), ...).
struct OutputRef {
    std::string function;           // "v", "i", "vdb", ..., or "state" (a device state, n1.mz)
    std::vector<std::string> names; // flat node names (v(a,0) keeps one) or the element name
    std::string text;               // canonical "vdb(x1.out)", "v(a,b)"
    SourceLoc loc;                  // where it is written
};

// A `key=value` option of a .meas card.
struct MeasureOption {
    std::string key; // lower-case
    const Token* keyToken;
    const Token* value;
};

class Elaborator {
public:
    // overrides: top-level .param values replacing those written in the deck (.step, .dc param).
    // sample: the Monte-Carlo sample whose statistical functions are drawn (null: nominal values).
    Elaborator(const Deck& deck, const std::map<std::string, double>& overrides,
               const StatisticalSample* sample = nullptr)
        : deck_(deck), overrides_(overrides), sample_(sample) {}
    // Releases the top-level element cards as it goes (netlist::elaborateConsuming).
    Elaborator(Deck& deck, const std::map<std::string, double>& overrides, bool consume)
        : deck_(deck), consumable_(consume ? &deck : nullptr), overrides_(overrides), sample_(nullptr) {}
    FlatCircuit run();

private:
    // ---- structure, scopes, values (elaborate.cpp) ----
    void collectGlobals(const std::vector<Statement>& block);
    void loadPlugins(const std::vector<Statement>& block); // elaborate_compact.cpp
    void elaborateBlock(const std::vector<Statement>& block, ElabScope& scope);
    void defineSubckt(const SubcktDef& def, ElabScope& scope);
    void defineParams(const Card& card, ElabScope& scope);
    void defineFunction(const Card& card, ElabScope& scope);
    void defineModel(const Card& card, ElabScope& scope);
    void instantiate(const Card& card, ElabScope& scope);
    const SubcktEntry* findSubckt(const std::string& name, const ElabScope& scope, const ElabScope** foundIn) const;
    std::string resolveModel(const Card& card, const Token& name, const ElabScope& scope) const;

    double evalValue(const Card& card, const Token& token, const ElabScope& scope) const;
    double evalTokens(const Card& card, std::size_t first, std::size_t last, const ElabScope& scope) const;
    std::string nodeName(const Card& card, const Token& token, const ElabScope& scope) const;
    CardArgs splitArgs(const Card& card, std::size_t from, const std::string& syntax) const;
    void checkRange(const Card& card, const Token& token, const ParamSpec& spec, double value) const;

    // ---- element cards (elaborate_elements.cpp) ----
    void addElement(const Card& card, ElabScope& scope);
    void addTwoTerminal(const Card& card, const ElabScope& scope, FlatElement& e);
    void addCoupling(const Card& card, const ElabScope& scope, FlatElement& e);
    void addSource(const Card& card, const ElabScope& scope, FlatElement& e);
    void addControlled(const Card& card, const ElabScope& scope, FlatElement& e);
    void addModelDevice(const Card& card, const ElabScope& scope, FlatElement& e, std::size_t nodeCount);
    void addBehavioral(const Card& card, const ElabScope& scope, FlatElement& e);    // elaborate_behavioral.cpp
    void addSwitch(const Card& card, const ElabScope& scope, FlatElement& e);        // elaborate_behavioral.cpp
    void addCompactDevice(const Card& card, const ElabScope& scope, FlatElement& e); // elaborate_compact.cpp
    std::string flatNodeName(const std::string& name, const ElabScope& scope) const;
    void applyInstanceParams(const Card& card, const CardArgs& args, const ElabScope& scope, FlatElement& e,
                             bool& valueGiven) const;
    void commitElement(const Card& card, FlatElement element);
    void checkReferences() const;

    // ---- control cards (elaborate_commands.cpp) ----
    void runCommand(const Card& card, const ElabScope& scope);
    void commandDc(const Card& card, const ElabScope& scope);
    void commandAc(const Card& card, const ElabScope& scope);
    void commandTran(const Card& card, const ElabScope& scope);
    void commandOptions(const Card& card, const ElabScope& scope);
    void commandInitialConditions(const Card& card, const ElabScope& scope, std::map<std::string, double>& target);
    void commandSave(const Card& card, const ElabScope& scope);
    int takeMonte(Card& card, const ElabScope& scope) const;
    void runCommandCard(const Card& card, const ElabScope& scope);
    std::shared_ptr<const std::string> sharedLine(const Card& card, const Token& token);
    std::unordered_set<std::string> savedItems_; // out_.saves, for the duplicate test
    const Card* sharedLineCard_ = nullptr;
    std::map<int, std::shared_ptr<const std::string>> sharedLines_;
    AnalysisSpec& newAnalysis(const Card& card, AnalysisSpec::Kind kind, const char* typeName);

    // ---- output cards .print .meas .step (elaborate_measure.cpp) ----
    void commandPrint(const Card& card, const ElabScope& scope);
    void commandMeasure(const Card& card, const ElabScope& scope);
    void commandStep(const Card& card, const ElabScope& scope);
    void commandSpectrum(const Card& card, const ElabScope& scope); // elaborate_spectral.cpp
    void commandTones(const Card& card, const ElabScope& scope);
    void commandFour(const Card& card, const ElabScope& scope);
    std::vector<std::string> flatNodeNames() const; // sorted, without ground
    OutputRef outputRef(const Card& card, std::size_t& i, const ElabScope& scope, bool complexParts,
                        const std::string& syntax) const;
    OutputRef stateRef(const Card& card, std::size_t& i, const ElabScope& scope) const;
    MeasureSignal measureSignal(const Card& card, std::size_t& i, const ElabScope& scope, const std::string& analysis);
    std::vector<MeasureOption> measureOptions(const Card& card, std::size_t& i, const std::vector<std::string>& allowed,
                                              const std::string& stop, const std::string& syntax) const;
    void applyConditionOptions(const Card& card, const std::vector<MeasureOption>& options, MeasureCondition& c,
                               const ElabScope& scope) const;
    MeasureCondition trigTargClause(const Card& card, std::size_t& i, const ElabScope& scope,
                                    const std::string& analysis, const Token& keyword, const std::string& stop);
    MeasureCondition whenClause(const Card& card, std::size_t& i, const ElabScope& scope, const std::string& analysis);
    void checkWindow(const Card& card, const std::string& analysis, double td, std::optional<double> from,
                     std::optional<double> to) const;
    void checkMeasureExpression(const Card& card, const Token& token, const ElabScope& scope,
                                const MeasureSpec& m) const;
    void saveOutputsOfMeasures();

    // A reference from an F/H (controlling V source) or K (inductor) to another element.
    struct PendingReference {
        const Card* card;
        const Token* token;
        std::string target; // flat name
        char letter;        // 'v' or 'l'
    };

    const Deck& deck_;
    FlatCircuit out_;
    Deck* consumable_ = nullptr; // deck_, when its element cards may be released once elaborated
    NameIndex elementIndex_;     // flat name -> index in out_.elements
    // The index of the element named `name` in out_.elements, or -1.
    int findElement(std::string_view name) const {
        return elementIndex_.find(name, [this](int i) { return elementName(i); });
    }
    std::string_view elementName(int i) const { return out_.elements[static_cast<std::size_t>(i)].name; }
    std::map<std::string, SourceLoc> modelLocs_;
    std::map<std::string, SourceLoc> instanceLocs_; // flat X instance names
    std::set<std::string> globalNodes_;
    std::vector<const SubcktDef*> activeInstances_; // subcircuits being expanded (recursion check)
    std::vector<PendingReference> references_;
    std::map<std::string, int> analysisCounts_;
    bool saveAll_ = false;
    const std::map<std::string, double>& overrides_;
    const StatisticalSample* sample_;
    std::vector<OutputRef> outputsToSave_; // read by .meas/.print: saved even with an explicit .save
};

// Errors located at a token, or just after the last token of a card (for missing arguments).
[[noreturn]] void fail(const Card& card, const Token& token, std::string message, std::string hint = {});
[[noreturn]] void failAtEnd(const Card& card, std::string message, std::string hint = {});

// Where an expression starting at `offset` in the card text is, for expression error messages.
ExprOrigin originAt(const Card& card, std::size_t offset);

// The expected syntax of an element letter ("Rname n+ n- value [tc1=] ..."), from the device tables.
std::string elementSyntax(char letter);

} // namespace spinspice::netlist::detail
