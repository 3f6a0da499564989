#include "analysis/run_netlist.hpp"

#include "netlist/netlist.hpp"

namespace spinspice {

NetlistRun simulateNetlistFile(const std::string& path, const ProgressCallback& progress) {
    NetlistRun run;
    run.netlist = loadNetlistFile(path);
    Simulator simulator(run.netlist);
    run.result = simulator.runAll(progress);
    return run;
}

} // namespace spinspice
