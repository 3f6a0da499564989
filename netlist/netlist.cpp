#include "netlist/netlist.hpp"

#include "netlist/elaborate.hpp"
#include "netlist/parser.hpp"

namespace spinspice {

FlatCircuit loadNetlistFile(const std::string& path) {
    return netlist::elaborate(netlist::parseDeckFile(path));
}

FlatCircuit loadNetlistString(const std::string& text, const std::string& fileName) {
    return netlist::elaborate(netlist::parseDeckString(text, fileName));
}

} // namespace spinspice
