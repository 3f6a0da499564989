// Text output after a run: the `.print` tables and the `.meas` results (what the CLI puts on stdout).
//
// A `.print tran v(out) i(v1)` card prints, for every tran analysis of the run (one per `.step` value),
// a column table in the layout of ngspice's batch-mode .print: the title, the plot name, a rule, the
// header "Index   time            v(out) ...", a rule, then one row per point (values "%.6e"). Unlike
// ngspice all items stay in one table (ngspice splits it into 80-column pages).
//
// Items: any signal name of the analysis ("v(out)", "i(v1)"), v(a,b) = v(a) - v(b), and the AC forms
// vm vp vdb vr vi / im ip idb ir ii (magnitude, phase in degrees, 20 log10 |x|, real, imaginary part).
// A plain v(out) in an AC table prints "re, im" in a double-width column, as ngspice does. (ngspice
// prints vp in radians unless `set units=degrees`; spinspice always uses degrees.)
#pragma once

#include "analysis/results.hpp"
#include "netlist/flat_circuit.hpp"

#include <ostream>
#include <vector>

namespace spinspice {

// Items that name no signal of an analysis are reported on `errors` ("error: <loc>: .print tran: no
// signal 'v(foo)' in tran1 ...") and left out of the table; a `.print` for an analysis type the run
// does not have gets a warning there.
void printTables(const SimulationResult& result, const std::vector<PrintSpec>& prints, std::ostream& out,
                 std::ostream& errors);
// Same, with the error lines in `out` where the table would be.
void printTables(const SimulationResult& result, const std::vector<PrintSpec>& prints, std::ostream& out);

// Every analysis' `.meas` results, one "name = value" line each ("name: failed (reason)" when it could
// not be evaluated). Under `.step` the lines of each step follow a "step p=v ...:" line, indented.
void printMeasurements(const SimulationResult& result, std::ostream& out);

// Every transient's `.four` tables in ngspice's layout ("Fourier analysis for v(out):", "No. Harmonics:
// 10, THD: ... %, Gridsize: 200, Interpolation Degree: 1", then Harmonic Frequency Magnitude Phase
// Norm. Mag Norm. Phase rows) and one summary line per `.spectrum` signal (peak, linewidth, resolution).
void printSpectral(const SimulationResult& result, std::ostream& out);

} // namespace spinspice
