// The parameter tables of the built-in SPICE elements. Device implementations read their parameters
// through these tables (paramValue), the elaborator validates netlists against them.
#include "devices/param_table.hpp"

#include "core/diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <sstream>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

std::deque<DeviceTypeInfo> makeBuiltinTypes() {
    std::deque<DeviceTypeInfo> t;
    t.push_back({"r",
                 "Resistor: Rname n+ n- value [tc1=] [tc2=] [m=]",
                 {},
                 {{"r", 1e3, "ohm", "resistance (0 becomes 1 mohm as in ngspice; negative values are allowed)"},
                  {"tc1", 0, "1/K", "first-order temperature coefficient"},
                  {"tc2", 0, "1/K^2", "second-order temperature coefficient"},
                  {"m", 1, "", "parallel multiplier", 0, kInf, true},
                  {"temp", 27, "degC", "instance temperature (default: circuit temperature)"},
                  {"tnom", 27, "degC", "temperature at which r is given"}},
                 {}});
    t.push_back({"c",
                 "Capacitor: Cname n+ n- value [ic=v0] [m=]",
                 {},
                 {{"c", 0, "F", "capacitance", 0, kInf},
                  {"ic", 0, "V", "initial voltage (used with .tran ... uic)"},
                  {"m", 1, "", "parallel multiplier", 0, kInf, true}},
                 {}});
    t.push_back({"l",
                 "Inductor: Lname n+ n- value [ic=i0] [m=]",
                 {},
                 {{"l", 0, "H", "inductance", 0, kInf, true},
                  {"ic", 0, "A", "initial current (used with .tran ... uic)"},
                  {"m", 1, "", "parallel multiplier", 0, kInf, true}},
                 {}});
    t.push_back({"k",
                 "Mutual inductance: Kname Lname1 Lname2 k",
                 {},
                 {{"k", 0, "", "coupling coefficient, M = k*sqrt(L1*L2)", -1, 1}},
                 {}});
    t.push_back({"v", "Voltage source: Vname n+ n- [[DC] v] [AC mag [phase]] [PULSE|SIN|PWL|EXP(...)]", {}, {}, {}});
    t.push_back({"i",
                 "Current source (current flows from n+ through the source to n-): "
                 "Iname n+ n- [[DC] i] [AC mag [phase]] [PULSE|SIN|PWL|EXP(...)]",
                 {},
                 {},
                 {}});
    t.push_back({"e",
                 "Voltage-controlled voltage source: Ename n+ n- nc+ nc- gain",
                 {},
                 {{"gain", 1, "V/V", "voltage gain"}},
                 {}});
    t.push_back({"g",
                 "Voltage-controlled current source: Gname n+ n- nc+ nc- gm",
                 {},
                 {{"gain", 1, "A/V", "transconductance"}, {"m", 1, "", "parallel multiplier"}},
                 {}});
    t.push_back({"f",
                 "Current-controlled current source: Fname n+ n- Vcontrol gain",
                 {},
                 {{"gain", 1, "A/A", "current gain"}, {"m", 1, "", "parallel multiplier"}},
                 {}});
    t.push_back({"h",
                 "Current-controlled voltage source: Hname n+ n- Vcontrol r",
                 {},
                 {{"gain", 1, "V/A", "transresistance"}},
                 {}});
    t.push_back({"d",
                 "Junction diode (SPICE level 1): Dname anode cathode model [area] [off] [ic=vd] [m=]",
                 {"d"},
                 {{"area", 1, "", "area factor (scales IS, CJO, IBV; divides RS)", 0, kInf, true},
                  {"m", 1, "", "parallel multiplier", 0, kInf, true},
                  {"off", 0, "", "start the operating point with the junction off", 0, 1},
                  {"ic", 0, "V", "initial junction voltage (used with uic)"},
                  {"temp", 27, "degC", "instance temperature (default: circuit temperature)"}},
                 {{"is", 1e-14, "A", "saturation current", 0, kInf, true},
                  {"n", 1, "", "emission coefficient", 0, kInf, true},
                  {"rs", 0, "ohm", "ohmic series resistance", 0, kInf},
                  {"cjo", 0, "F", "zero-bias junction capacitance", 0, kInf},
                  {"cj0", 0, "F", "alias of cjo", 0, kInf},
                  {"vj", 1, "V", "junction potential", 0, kInf, true},
                  {"m", 0.5, "", "grading coefficient", 0, 0.9},
                  {"tt", 0, "s", "transit time (diffusion charge tt*id)", 0, kInf},
                  {"bv", kInf, "V", "reverse breakdown voltage (magnitude)", 0, kInf, true},
                  {"ibv", 1e-3, "A", "current at breakdown voltage", 0, kInf, true},
                  {"fc", 0.5, "", "forward-bias depletion capacitance coefficient", 0, 0.95},
                  {"eg", 1.11, "eV", "activation energy", 0, kInf, true},
                  {"xti", 3, "", "saturation-current temperature exponent"},
                  {"tnom", 27, "degC", "temperature at which the parameters were measured"},
                  {"level", 1, "", "model level (only 1)", 1, 1}}});
    t.push_back({"m",
                 "MOSFET level 1 (Shichman-Hodges): Mname drain gate source bulk model [l=] [w=] [ad=] [as=] "
                 "[pd=] [ps=] [nrd=] [nrs=] [m=] [off]",
                 {"nmos", "pmos"},
                 {{"l", 100e-6, "m", "channel length", 0, kInf, true},
                  {"w", 100e-6, "m", "channel width", 0, kInf, true},
                  {"ad", 0, "m^2", "drain diffusion area", 0, kInf},
                  {"as", 0, "m^2", "source diffusion area", 0, kInf},
                  {"pd", 0, "m", "drain perimeter", 0, kInf},
                  {"ps", 0, "m", "source perimeter", 0, kInf},
                  {"nrd", 1, "", "drain squares (with rsh)", 0, kInf},
                  {"nrs", 1, "", "source squares (with rsh)", 0, kInf},
                  {"m", 1, "", "parallel multiplier", 0, kInf, true},
                  {"off", 0, "", "start the operating point with the device off", 0, 1},
                  {"temp", 27, "degC", "instance temperature (default: circuit temperature)"}},
                 {{"level", 1, "", "model level (only 1)", 1, 1},
                  {"vto", 0, "V", "zero-bias threshold voltage (negative for enhancement PMOS)"},
                  {"kp", 2e-5, "A/V^2", "transconductance parameter (default uo*cox when tox is given)", 0, kInf},
                  {"gamma", 0, "V^0.5", "body-effect coefficient", 0, kInf},
                  {"phi", 0.6, "V", "surface potential", 0, kInf, true},
                  {"lambda", 0, "1/V", "channel-length modulation", 0, kInf},
                  {"rd", 0, "ohm", "drain series resistance", 0, kInf},
                  {"rs", 0, "ohm", "source series resistance", 0, kInf},
                  {"cbd", 0, "F", "zero-bias bulk-drain capacitance", 0, kInf},
                  {"cbs", 0, "F", "zero-bias bulk-source capacitance", 0, kInf},
                  {"is", 1e-14, "A", "bulk junction saturation current", 0, kInf, true},
                  {"pb", 0.8, "V", "bulk junction potential", 0, kInf, true},
                  {"cgso", 0, "F/m", "gate-source overlap capacitance per width", 0, kInf},
                  {"cgdo", 0, "F/m", "gate-drain overlap capacitance per width", 0, kInf},
                  {"cgbo", 0, "F/m", "gate-bulk overlap capacitance per length", 0, kInf},
                  {"rsh", 0, "ohm/sq", "drain/source diffusion sheet resistance", 0, kInf},
                  {"cj", 0, "F/m^2", "bulk junction bottom capacitance per area", 0, kInf},
                  {"mj", 0.5, "", "bottom grading coefficient", 0, 0.99},
                  {"cjsw", 0, "F/m", "sidewall capacitance per perimeter", 0, kInf},
                  {"mjsw", 0.5, "", "sidewall grading coefficient", 0, 0.99},
                  {"js", 0, "A/m^2", "bulk junction saturation current density", 0, kInf},
                  {"tox", 0, "m", "oxide thickness (0: no Meyer gate capacitance, as ngspice)", 0, kInf},
                  {"ld", 0, "m", "lateral diffusion", 0, kInf},
                  {"uo", 600, "cm^2/Vs", "surface mobility", 0, kInf, true},
                  {"fc", 0.5, "", "forward-bias depletion capacitance coefficient", 0, 0.95},
                  {"tnom", 27, "degC", "parameter measurement temperature"}}});
    t.push_back({"b",
                 "Behavioural source: Bname n+ n- V={expr} | I={expr}; expr over v(node), v(a,b), i(vsrc), "
                 "time, temper and parameters",
                 {},
                 {},
                 {}});
    t.push_back({"s",
                 "Voltage-controlled switch: Sname n+ n- nc+ nc- model [on|off]",
                 {"sw"},
                 {{"on", 0, "", "initial state on (operating point)", 0, 1}},
                 {{"vt", 0, "V", "threshold voltage"},
                  {"vh", 0, "V", "hysteresis voltage (on above vt+vh, off below vt-vh)"},
                  {"ron", 1, "ohm", "on resistance", 0, kInf, true},
                  {"roff", 1e12, "ohm", "off resistance (default 1/gmin)", 0, kInf, true}}});
    t.push_back({"w",
                 "Current-controlled switch: Wname n+ n- Vcontrol model [on|off]",
                 {"csw"},
                 {{"on", 0, "", "initial state on (operating point)", 0, 1}},
                 {{"it", 0, "A", "threshold current"},
                  {"ih", 0, "A", "hysteresis current (on above it+ih, off below it-ih)"},
                  {"ron", 1, "ohm", "on resistance", 0, kInf, true},
                  {"roff", 1e12, "ohm", "off resistance (default 1/gmin)", 0, kInf, true}}});
    return t;
}

// A deque: registering a type never moves the others (callers keep DeviceTypeInfo pointers).
std::deque<DeviceTypeInfo>& registry() {
    static std::deque<DeviceTypeInfo> types = makeBuiltinTypes();
    return types;
}

const ParamSpec* findIn(const std::vector<ParamSpec>& specs, std::string_view name) {
    const std::string lname = toLower(name);
    for (const auto& s : specs)
        if (lname == s.name) return &s;
    return nullptr;
}
} // namespace

const ParamSpec* DeviceTypeInfo::findInstanceParam(std::string_view n) const {
    return findIn(instanceParams, n);
}
const ParamSpec* DeviceTypeInfo::findModelParam(std::string_view n) const {
    return findIn(modelParams, n);
}

const DeviceTypeInfo* registerDeviceTypeInfo(DeviceTypeInfo info) {
    registry().push_back(std::move(info));
    return &registry().back();
}

const DeviceTypeInfo* findDeviceType(std::string_view name) {
    const std::string lname = toLower(name);
    for (const auto& t : registry())
        if (t.name == lname) return &t;
    return nullptr;
}

const DeviceTypeInfo* findDeviceTypeForModel(std::string_view modelType) {
    const std::string lname = toLower(modelType);
    for (const auto& t : registry())
        if (std::find(t.modelTypes.begin(), t.modelTypes.end(), lname) != t.modelTypes.end()) return &t;
    return nullptr;
}

std::vector<std::string> knownModelTypes() {
    std::vector<std::string> out;
    for (const auto& t : registry()) out.insert(out.end(), t.modelTypes.begin(), t.modelTypes.end());
    return out;
}

std::vector<std::string> knownDeviceTypes() {
    std::vector<std::string> out;
    for (const auto& t : registry()) out.push_back(t.name);
    return out;
}

double paramValue(const ParamSpec& spec, const std::map<std::string, double>& instance,
                  const std::map<std::string, double>* model) {
    if (auto it = instance.find(spec.name); it != instance.end()) return it->second;
    if (model)
        if (auto it = model->find(spec.name); it != model->end()) return it->second;
    return spec.defaultValue;
}

std::string describeDeviceType(const DeviceTypeInfo& info) {
    std::ostringstream out;
    auto fmt = [](double v) {
        if (std::isinf(v)) return std::string(v > 0 ? "inf" : "-inf");
        std::ostringstream s;
        s << v;
        return s.str();
    };
    auto table = [&](const char* title, const std::vector<ParamSpec>& specs) {
        if (specs.empty()) return;
        out << "\n" << title << "\n\n| name | default | unit | range | description |\n|---|---|---|---|---|\n";
        for (const auto& s : specs) {
            std::string range;
            if (!std::isinf(s.min) || !std::isinf(s.max))
                range = (s.minExclusive ? "(" : "[") + fmt(s.min) + ", " + fmt(s.max) + "]";
            out << "| " << s.name << " | " << fmt(s.defaultValue) << " | " << s.unit << " | " << range << " | "
                << s.description << " |\n";
        }
    };
    out << "### `" << info.name << "`: " << info.description << "\n";
    if (!info.modelTypes.empty()) {
        out << "\n`.model` types:";
        for (const auto& m : info.modelTypes) out << " `" << m << "`";
        out << "\n";
    }
    table("Instance parameters:", info.instanceParams);
    table("Model parameters:", info.modelParams);
    return out.str();
}

} // namespace spinspice
