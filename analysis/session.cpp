#include "analysis/session.hpp"

#include "devices/registry.hpp"
#include "netlist/elaborate.hpp"
#include "netlist/parser.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace spinspice {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<std::string> elementNames(const FlatCircuit& flat) {
    std::vector<std::string> names;
    for (const auto& e : flat.elements) names.push_back(e.name);
    return names;
}

// One instance-parameter edit of the element at `it` (end(): no such element). V and I sources take
// "dc" (their DC value); other elements the names of their type's parameter table, in its range.
void applyInstanceParam(FlatCircuit& flat, std::vector<FlatElement>::iterator it, const std::string& element,
                        const std::string& param, double value) {
    if (it == flat.elements.end())
        throw InputError("no element '" + element + "' to set " + param + " on", {}, {},
                         suggestionHint(element, elementNames(flat)));
    if ((it->letter == 'v' || it->letter == 'i') && param == "dc") {
        it->source.dc = value;
        it->source.dcGiven = true;
        return;
    }
    const DeviceType* type = nullptr;
    if (auto model = flat.models.find(it->model); model != flat.models.end())
        type = findDeviceTypeForModel(model->second.type);
    else
        type = findElementType(it->letter);
    const ParamSpec* spec = type ? type->findInstanceParam(param) : nullptr;
    if (!spec)
        throw InputError("unknown parameter '" + param + "' for '" + element + "'", it->loc, it->lineText,
                         type ? suggestionHint(param, type->instanceParamNames()) : std::string());
    if (auto problem = paramProblem(*spec, value))
        throw InputError(element + ": " + problem->message, it->loc, it->lineText, problem->hint);
    it->params[param] = value;
}

void applyInstanceParam(FlatCircuit& flat, const std::string& element, const std::string& param, double value) {
    auto it = std::find_if(flat.elements.begin(), flat.elements.end(),
                           [&](const FlatElement& e) { return e.name == element; });
    applyInstanceParam(flat, it, element, param, value);
}

// Every edit, the elements found through one index (a learning loop sets thousands).
void applyInstanceParams(FlatCircuit& flat, const std::map<std::pair<std::string, std::string>, double>& edits) {
    if (edits.empty()) return;
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t k = 0; k < flat.elements.size(); ++k) index.emplace(flat.elements[k].name, k);
    for (const auto& [key, value] : edits) {
        auto found = index.find(key.first);
        auto it = found == index.end() ? flat.elements.end() : flat.elements.begin() + static_cast<long>(found->second);
        applyInstanceParam(flat, it, key.first, key.second, value);
    }
}

} // namespace

Session::Session(std::shared_ptr<const netlist::Deck> deck, OptionOverrides options)
    : deck_(std::move(deck)), options_(std::move(options)) {
    for (const auto& [name, value] : netlist().params) paramNames_.push_back(name); // a bad deck fails here
}

Session Session::fromFile(const std::string& path, const OptionOverrides& options) {
    return Session(std::make_shared<const netlist::Deck>(netlist::parseDeckFile(path)), options);
}

Session Session::fromString(const std::string& text, const std::string& fileName, const OptionOverrides& options) {
    return Session(std::make_shared<const netlist::Deck>(netlist::parseDeckString(text, fileName)), options);
}

Session Session::clone() const {
    Session copy(deck_, options_);
    copy.symbolic_ = symbolic_;
    copy.jobs_ = jobs_;
    copy.params_ = params_;
    copy.instanceParams_ = instanceParams_;
    copy.states_ = states_;
    copy.invalidate();
    return copy;
}

void Session::setParam(const std::string& name, double value) {
    const std::string key = lower(name);
    if (std::find(paramNames_.begin(), paramNames_.end(), key) == paramNames_.end())
        throw InputError("the deck has no top-level .param '" + key + "'", {}, {}, suggestionHint(key, paramNames_));
    params_[key] = value;
    flat_.reset(); // re-elaborated when asked for: parameters reach expressions anywhere
}

void Session::setInstanceParam(const std::string& element, const std::string& param, double value) {
    const std::string e = lower(element), p = lower(param);
    netlist();                               // the cached elaboration, kept up to date: checks the edit now
    applyInstanceParam(*flat_, e, p, value); // throws (and changes nothing) on an unknown element or parameter
    instanceParams_[{e, p}] = value;
}

void Session::setState(const std::string& state, double value) {
    const std::string key = lower(state);
    if (stateSet_.empty() || stateSetFor_ != stateNames_.size()) { // (re)built with the names
        const std::vector<std::string> names = stateNames();
        stateSet_ = std::unordered_set<std::string>(names.begin(), names.end());
        stateSetFor_ = stateNames_.size();
    }
    if (!stateSet_.count(key)) {
        const std::vector<std::string> names = stateNames();
        throw InputError("'" + key + "' is not a device state", {}, {},
                         names.empty() ? "the circuit has no device states" : suggestionHint(key, names));
    }
    states_[key] = value;
}

void Session::setOption(const std::string& name, double value) {
    options_[lower(name)] = value;
    invalidate();
}

std::size_t Session::carryStates() {
    for (const auto& [name, value] : lastStates_) states_[name] = value;
    return lastStates_.size();
}

void Session::clearEdits() {
    params_.clear();
    instanceParams_.clear();
    states_.clear();
    invalidate();
}

FlatCircuit Session::edited(const std::map<std::string, double>& stepValues) const {
    std::map<std::string, double> overrides = params_;
    for (const auto& [k, v] : stepValues) overrides[k] = v;
    FlatCircuit flat = netlist::elaborate(*deck_, overrides);
    for (const auto& [key, value] : options_) {
        flat.options[key] = value;
        flat.optionOrigins.erase(key);
    }
    applyInstanceParams(flat, instanceParams_);
    return flat;
}

const FlatCircuit& Session::netlist() {
    if (!flat_) flat_ = std::make_unique<FlatCircuit>(edited({}));
    return *flat_;
}

std::vector<std::string> Session::stateNames() {
    if (stateNames_.empty()) {
        FlatCircuit flat = netlist();
        flat.analyses.clear();
        Simulator simulator(std::move(flat));
        stateNames_ = simulator.circuit().stateNames();
        if (stateNames_.empty()) stateNames_.push_back({}); // none: remember that
    }
    if (stateNames_.size() == 1 && stateNames_.front().empty()) return {};
    return stateNames_;
}

NetlistRun Session::run(const RunObserver& observer) {
    return runWith(nullptr, observer);
}

NetlistRun Session::run(const std::string& analysisCard, const RunObserver& observer) {
    const FlatCircuit card =
        netlist::elaborate(netlist::parseDeckString("analysis\n" + analysisCard + "\n", "<analysis>"));
    if (card.analyses.size() != 1)
        throw InputError("expected one analysis card (.op, .dc, .ac, .tran, .tones), got '" + analysisCard + "'");
    return runWith(&card.analyses, observer);
}

NetlistRun Session::runWith(const std::vector<AnalysisSpec>* analyses, const RunObserver& observer) {
    DeckEdits edits;
    edits.params = params_;
    edits.analyses = analyses;
    edits.symbolic = symbolic_;
    edits.editFlat = [this](FlatCircuit& flat) { applyInstanceParams(flat, instanceParams_); };
    edits.jobs = jobs_;
    bool namesKnown = !stateNames_.empty();
    std::mutex namesMutex; // .step points may run on several threads
    edits.editSimulator = [this, &namesKnown, &namesMutex](Simulator& simulator) {
        {
            std::lock_guard<std::mutex> lock(namesMutex);
            if (!namesKnown) { // the state names of the run's first circuit, for lastStates
                stateNames_ = simulator.circuit().stateNames();
                if (stateNames_.empty()) stateNames_.push_back({});
                namesKnown = true;
            }
        }
        simulator.keepFinalStates();
        for (const auto& [name, value] : states_) {
            const int u = simulator.circuit().findState(name);
            if (u < 0) throw InputError("'" + name + "' is not a device state");
            simulator.circuit().setInitial(u, value);
        }
    };
    // The final states of the run's last circuit (in run order), read from its solution: every state,
    // whatever .save, decimation or streaming kept in the output (.ac and .tones store no solution).
    std::size_t lastOrder = 0;
    bool any = false;
    std::map<std::string, double> finalStates;
    edits.afterRun = [&](std::size_t order, Simulator& simulator) {
        const auto& values = simulator.finalStates();
        if (values.empty()) return;
        const std::vector<std::string> names = simulator.circuit().stateNames();
        std::map<std::string, double> states;
        for (std::size_t k = 0; k < values.size(); ++k) states[names[k]] = values[k];
        std::lock_guard<std::mutex> lock(namesMutex);
        if (!any || order >= lastOrder) {
            lastOrder = order;
            any = true;
            finalStates = std::move(states);
        }
    };
    NetlistRun run = simulateDeck(*deck_, observer, options_, edits);
    warnings_ = run.result.warnings;
    lastStates_ = std::move(finalStates);
    return run;
}

} // namespace spinspice
