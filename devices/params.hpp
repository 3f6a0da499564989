// Parameters, declared once. Every device type has one table: each row names a parameter, its
// default, unit, allowed range, description and where it may be written (instance line, `.model`
// card, or both), and binds it to a member of the device's parameter struct. The elaborator validates
// netlists against the table, the circuit builder binds the values (defaults <- model card <- instance
// line, each range-checked by paramProblem(), the one check), `--describe` and docs/devices.md print it.
//
//   struct MemristorParams { double ron, roff, x0; };
//   const ParamTable<MemristorParams> table{
//       param("ron", &MemristorParams::ron, 100, "ohm", "on resistance").positive(),
//       param("x0", &MemristorParams::x0, 0.1, "", "initial state w/D").range(0, 1).instance(),
//   };
#pragma once

#include "core/diagnostics.hpp"

#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spinspice {

// Where a parameter may be written. For compact-model (`N`) types every Model parameter may also be
// given on the instance (device-to-device variability); for the SPICE letters Model means the card only.
enum class ParamWhere : std::uint8_t { Instance, Model, Both };
// Real: any value in range; Integer: a whole number in range; Flag: 0 or 1.
enum class ParamKind : std::uint8_t { Real, Integer, Flag };

struct ParamSpec {
    std::string name; // lower-case
    double defaultValue = 0;
    std::string unit; // "" for dimensionless
    std::string description;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false; // value must be > min (not >=)
    ParamWhere scope = ParamWhere::Model;
    ParamKind kind = ParamKind::Real;

    bool onInstance(bool compactModel) const { return scope != ParamWhere::Model || compactModel; }
    bool onModel() const { return scope != ParamWhere::Instance; }
};

// The one range and kind check: what is wrong with `value` for `spec` (message, hint), or nothing.
struct ParamProblem {
    std::string message, hint;
};
std::optional<ParamProblem> paramProblem(const ParamSpec& spec, double value);

// A value that may be left out (the device then derives it): `area` instead of `d`, `ic` or `i0`.
struct OptionalValue {
    double value = 0;
    bool given = false;
    double valueOr(double fallback) const { return given ? value : fallback; }
};

// The values an instance was given: on its line, on its `.model` card. Names are lower-case.
struct GivenParams {
    const std::map<std::string, double>* instance = nullptr;
    const std::map<std::string, double>* model = nullptr;
    SourceLoc instanceLoc, modelLoc;
    std::string owner; // "r1", "model pma"
    bool compactModel = false;
};

// Resolve one parameter: instance value (where allowed), else model value, else the default; then
// range-checked (InputError at the instance or the model card).
double resolveParam(const ParamSpec& spec, const GivenParams& given, bool* wasGiven = nullptr);

// One row of a table: the spec and the member it is bound to, with fluent modifiers for range and scope.
template <class P> struct ParamRow {
    ParamSpec spec;
    std::function<void(P&, double value, bool given)> set; // writes the bound member

    ParamRow& range(double lo, double hi) {
        spec.min = lo;
        spec.max = hi;
        return *this;
    }
    ParamRow& positive() {
        spec.min = 0;
        spec.minExclusive = true;
        return *this;
    }
    ParamRow& nonNegative() {
        spec.min = 0;
        return *this;
    }
    ParamRow& atLeast(double lo) {
        spec.min = lo;
        return *this;
    }
    ParamRow& instance() { // the instance line only
        spec.scope = ParamWhere::Instance;
        return *this;
    }
    ParamRow& both() { // the instance line or the model card (SPICE letters; N types have it anyway)
        spec.scope = ParamWhere::Both;
        return *this;
    }
};

template <class P>
ParamRow<P> param(std::string name, double P::*member, double def, std::string unit, std::string description) {
    return {ParamSpec{std::move(name), def, std::move(unit), std::move(description)},
            [member](P& p, double v, bool) { p.*member = v; }};
}
template <class P>
ParamRow<P> param(std::string name, OptionalValue P::*member, double def, std::string unit, std::string description) {
    return {ParamSpec{std::move(name), def, std::move(unit), std::move(description)},
            [member](P& p, double v, bool given) {
                p.*member = OptionalValue{v, given};
            }};
}
// Whole numbers (modes, levels); `lo`..`hi` is the allowed range.
template <class P>
ParamRow<P> integerParam(std::string name, int P::*member, int def, int lo, int hi, std::string description) {
    ParamSpec s{std::move(name), static_cast<double>(def), "", std::move(description)};
    s.min = lo;
    s.max = hi;
    s.kind = ParamKind::Integer;
    return {s, [member](P& p, double v, bool) { p.*member = static_cast<int>(v); }};
}
// 0 or 1.
template <class P> ParamRow<P> flagParam(std::string name, bool P::*member, bool def, std::string description) {
    ParamSpec s{std::move(name), def ? 1.0 : 0.0, "", std::move(description)};
    s.min = 0;
    s.max = 1;
    s.kind = ParamKind::Flag;
    return {s, [member](P& p, double v, bool) { p.*member = v != 0; }};
}

template <class P> class ParamTable {
public:
    ParamTable() = default;
    ParamTable(std::initializer_list<ParamRow<P>> rows) : ParamTable(std::vector<ParamRow<P>>(rows)) {}
    explicit ParamTable(std::vector<ParamRow<P>> rows) : rows_(std::move(rows)) {
        for (const auto& r : rows_) specs_.push_back(r.spec);
    }
    const std::vector<ParamSpec>& specs() const { return specs_; }

    // Defaults <- model card <- instance line, each range-checked.
    P bind(const GivenParams& given, P values = P{}) const {
        for (const auto& row : rows_) {
            bool wasGiven = false;
            const double v = resolveParam(row.spec, given, &wasGiven);
            row.set(values, v, wasGiven);
        }
        return values;
    }

private:
    std::vector<ParamRow<P>> rows_;
    std::vector<ParamSpec> specs_;
};

// Rows of several groups in one list (shared rows, then a device's own).
template <class P, class... Groups> std::vector<ParamRow<P>> joinRows(std::vector<ParamRow<P>> first, Groups... more) {
    (first.insert(first.end(), more.begin(), more.end()), ...);
    return first;
}

// Look-up by name (case-insensitive) in a list of specs; nullptr if absent.
const ParamSpec* findParam(const std::vector<ParamSpec>& specs, std::string_view name);

// "1e+308", "inf": numbers in messages and tables.
std::string formatParamNumber(double v);
// The allowed values for tables: "(0, inf)", "[1, 2] integer", "0 or 1", "" when unbounded.
std::string formatParamRange(const ParamSpec& spec);

} // namespace spinspice
