#include "devices/params.hpp"

#include <sstream>

namespace spinspice {

std::string formatParamNumber(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    std::ostringstream out;
    out << v;
    return out.str();
}

std::string formatParamRange(const ParamSpec& s) {
    if (s.kind == ParamKind::Flag) return "0 or 1";
    if (std::isinf(s.min) && std::isinf(s.max)) return s.kind == ParamKind::Integer ? "integer" : "";
    auto number = [&](double v) {
        if (s.kind == ParamKind::Integer && std::isfinite(v) && std::fabs(v) < 1e16) {
            std::ostringstream out;
            out.precision(17);
            out << v;
            return out.str();
        }
        return formatParamNumber(v);
    };
    return std::string(s.minExclusive || std::isinf(s.min) ? "(" : "[") + number(s.min) + ", " + number(s.max) +
           (std::isinf(s.max) ? ")" : "]") + (s.kind == ParamKind::Integer ? " integer" : "");
}

std::optional<ParamProblem> paramProblem(const ParamSpec& spec, double value) {
    auto describeRange = [&] {
        std::string range;
        if (!std::isinf(spec.min)) range += std::string(spec.minExclusive ? "> " : ">= ") + formatParamNumber(spec.min);
        if (!std::isinf(spec.max)) range += (range.empty() ? "<= " : " and <= ") + formatParamNumber(spec.max);
        return range;
    };
    auto what = [&] { return "value " + formatParamNumber(value) + " of '" + spec.name + "'"; };
    if (std::isnan(value)) return ParamProblem{what() + " is not a number", "'" + spec.name + "' needs a finite value"};
    const bool below = spec.minExclusive ? !(value > spec.min) : !(value >= spec.min);
    if (below || !(value <= spec.max))
        return ParamProblem{what() + " is out of range", "'" + spec.name + "' must be " + describeRange()};
    if (spec.kind == ParamKind::Flag && value != 0 && value != 1)
        return ParamProblem{what() + " is not 0 or 1", "'" + spec.name + "' is a switch: 0 or 1"};
    if (spec.kind == ParamKind::Integer && value != std::floor(value))
        return ParamProblem{what() + " is not a whole number",
                            "'" + spec.name + "' must be an integer " + describeRange()};
    return std::nullopt;
}

double resolveParam(const ParamSpec& spec, const GivenParams& given, bool* wasGiven) {
    const std::map<std::string, double>* sources[2] = {spec.onInstance(given.compactModel) ? given.instance : nullptr,
                                                       spec.onModel() ? given.model : nullptr};
    const SourceLoc* locs[2] = {&given.instanceLoc, &given.modelLoc};
    for (int k = 0; k < 2; ++k) {
        if (!sources[k]) continue;
        auto it = sources[k]->find(spec.name);
        if (it == sources[k]->end()) continue;
        if (auto problem = paramProblem(spec, it->second))
            throw InputError(given.owner + ": " + problem->message, *locs[k], {}, problem->hint);
        if (wasGiven) *wasGiven = true;
        return it->second;
    }
    if (wasGiven) *wasGiven = false;
    return spec.defaultValue;
}

const ParamSpec* findParam(const std::vector<ParamSpec>& specs, std::string_view name) {
    const std::string lname = toLower(name);
    for (const auto& s : specs)
        if (lname == s.name) return &s;
    return nullptr;
}

} // namespace spinspice
