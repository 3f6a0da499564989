// SPICE raw files (ascii and binary) laid out exactly as ngspice 39's `write` command writes them
// (src/frontend/rawfile.c, raw_write), so that ngspice's `load`, PySpice, spicelib and other raw
// readers open them. One plot per analysis, one after the other, as ngspice's
// `write file.raw op1.all dc1.all ...` does. Per plot:
//
//   Title: <deck title>[ (step p=v ...)]     <- .step values go here: readers match Plotname exactly
//   Date: Tue Nov  5 21:37:43  2026          <- asctime() with the year's space doubled (datestring())
//   Plotname: Transient Analysis | DC transfer characteristic | AC Analysis | Operating Point
//   Flags: real | complex
//   No. Variables: N
//   No. Points: P
//   Variables:
//   \t0\ttime\ttime                           <- "\t<index>\t<name>\t<type>[ grid=3]"
//   \t1\tv(out)\tvoltage
//   Binary:                                   <- then P x N little-endian doubles (complex: re, im),
//   Values:                                   <- or " <point>\t%.15e\n" then "\t%.15e\n" per variable
//                                                (complex: "%.15e,%.15e"), and an empty line per point
#pragma once

#include "analysis/results.hpp"

#include <ctime>
#include <ostream>
#include <string>

namespace spinspice {

// A plot variable as ngspice names and types it.
struct RawVariable {
    std::string name; // "time", "frequency", "v(v-sweep)", "v(out)", "i(v1)"
    std::string type; // "time", "frequency", "voltage", "current", "notype" (+ " grid=3" for log AC)
};

// The raw-file variable for signal k of an analysis.
RawVariable rawVariable(const Waveforms& analysis, std::size_t k);

// "Plotname:" for an analysis type ("tran" -> "Transient Analysis", ...).
std::string rawPlotName(const std::string& analysisType);

// ngspice's datestring(): asctime() of the local time with a second space before the year.
std::string rawDateString(std::time_t when);

void writeRaw(const SimulationResult& result, std::ostream& out, bool binary);
void writeRawFile(const SimulationResult& result, const std::string& path, bool binary); // throws std::runtime_error

} // namespace spinspice
