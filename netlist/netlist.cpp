#include "netlist/netlist.hpp"

#include "netlist/elaborate.hpp"
#include "netlist/parser.hpp"

namespace spinspice {

FlatCircuit loadNetlistFile(const std::string& path, const ParamOverrides& overrides) {
    return netlist::elaborate(netlist::parseDeckFile(path), overrides);
}

FlatCircuit loadNetlistString(const std::string& text, const std::string& fileName, const ParamOverrides& overrides) {
    return netlist::elaborate(netlist::parseDeckString(text, fileName), overrides);
}

} // namespace spinspice
