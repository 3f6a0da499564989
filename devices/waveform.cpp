#include "devices/waveform.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
std::string format(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}
} // namespace

SourceWaveform::SourceWaveform(const SourceSpec& spec, const std::string& owner, const SourceLoc& loc,
                               const std::string& lineText)
    : kind_(spec.tran.kind), given_(spec.tran.args), owner_(owner), loc_(loc), lineText_(lineText) {
    auto need = [&](std::size_t minArgs, std::size_t maxArgs, const char* syntax) {
        if (given_.size() < minArgs || given_.size() > maxArgs)
            throw InputError(owner + ": wrong number of arguments (" + std::to_string(given_.size()) + ")", loc, {},
                             std::string("expected: ") + syntax);
    };
    switch (kind_) {
    case Waveform::Kind::Pulse: need(2, 7, "PULSE(v1 v2 [td [tr [tf [pw [per]]]]])"); break;
    case Waveform::Kind::Sin: need(2, 6, "SIN(vo va [freq [td [theta [phase]]]])"); break;
    case Waveform::Kind::Exp: need(2, 6, "EXP(v1 v2 [td1 [tau1 [td2 [tau2]]]])"); break;
    case Waveform::Kind::Pwl:
        if (given_.size() < 2 || given_.size() % 2 != 0)
            throw InputError(owner + ": PWL needs time/value pairs", loc, {}, "expected: PWL(t1 v1 t2 v2 ...)");
        for (std::size_t k = 0; k + 1 < given_.size(); k += 2) {
            if (k > 0 && given_[k] < given_[k - 2])
                throw InputError(owner + ": PWL times must not decrease", loc, {},
                                 "time " + std::to_string(given_[k]) + " follows " + std::to_string(given_[k - 2]));
            pwlT_.push_back(given_[k]);
            pwlV_.push_back(given_[k + 1]);
        }
        break;
    case Waveform::Kind::None: break;
    }
    prepare(1.0, 1.0);
}

void SourceWaveform::prepare(double tstep, double tstop) {
    auto arg = [&](std::size_t i, double def, bool zeroMeansDefault = false) {
        if (i >= given_.size()) return def;
        return (zeroMeansDefault && given_[i] == 0.0) ? def : given_[i];
    };
    p_.fill(0.0);
    switch (kind_) {
    case Waveform::Kind::Pulse: { // v1 v2 td tr tf pw per (ngspice defaults)
        p_ = {arg(0, 0),           arg(1, 0),     arg(2, 0),          arg(3, tstep, true),
              arg(4, tstep, true), arg(5, tstop), arg(6, tstop, true)};
        const double shape = p_[3] + p_[4] + p_[5];
        if (given_.size() > 6 && p_[6] > 0 && p_[6] < shape)
            throw InputError(owner_ + ": PULSE period " + format(p_[6]) +
                                 " s is shorter than tr + pw + tf = " + format(shape) + " s",
                             loc_, lineText_, "the period must hold the whole pulse (or be 0: a single pulse)");
        break;
    }
    case Waveform::Kind::Sin: // vo va freq td theta phase
        p_ = {arg(0, 0), arg(1, 0), arg(2, 1.0 / tstop, true), arg(3, 0), arg(4, 0), arg(5, 0), 0};
        break;
    case Waveform::Kind::Exp: { // v1 v2 td1 tau1 td2 tau2
        const double td1 = arg(2, 0);
        p_ = {arg(0, 0), arg(1, 0), td1, arg(3, tstep, true), arg(4, td1 + tstep, true), arg(5, tstep, true), 0};
        break;
    }
    default: break;
    }
}

bool SourceWaveform::tone(Tone& out) const {
    if (kind_ != Waveform::Kind::Sin || given_.size() < 3 || given_[2] <= 0 || given_[1] == 0) return false;
    const double td = given_.size() > 3 ? given_[3] : 0.0;
    const double phase = (given_.size() > 5 ? given_[5] : 0.0) * std::numbers::pi / 180.0;
    out.offset = given_[0];
    out.frequency = given_[2];
    out.phasor = std::polar(given_[1], phase - 2.0 * std::numbers::pi * out.frequency * td - 0.5 * std::numbers::pi);
    return true;
}

double SourceWaveform::value(double t) const {
    switch (kind_) {
    case Waveform::Kind::Pulse: {
        const auto [v1, v2, td, tr, tf, pw, per] = p_;
        double tt = t - td;
        if (per > 0 && tt > per) tt -= per * std::floor(tt / per);
        if (tt <= 0 || tt >= tr + pw + tf) return v1;
        if (tt >= tr && tt <= tr + pw) return v2;
        if (tt < tr) return v1 + (v2 - v1) * tt / tr;
        return v2 + (v1 - v2) * (tt - tr - pw) / tf;
    }
    case Waveform::Kind::Sin: {
        const double vo = p_[0], va = p_[1], freq = p_[2], td = p_[3], theta = p_[4];
        const double phase = p_[5] * std::numbers::pi / 180.0;
        const double tt = t - td;
        if (tt <= 0) return vo + va * std::sin(phase);
        return vo + va * std::sin(2.0 * std::numbers::pi * freq * tt + phase) * std::exp(-tt * theta);
    }
    case Waveform::Kind::Exp: {
        const double v1 = p_[0], v2 = p_[1], td1 = p_[2], tau1 = p_[3], td2 = p_[4], tau2 = p_[5];
        double v = v1;
        if (t > td1) v += (v2 - v1) * (1.0 - std::exp(-(t - td1) / tau1));
        if (t > td2) v += (v1 - v2) * (1.0 - std::exp(-(t - td2) / tau2));
        return v;
    }
    case Waveform::Kind::Pwl: {
        if (t <= pwlT_.front()) return pwlV_.front();
        if (t >= pwlT_.back()) return pwlV_.back();
        const auto it = std::upper_bound(pwlT_.begin(), pwlT_.end(), t);
        const std::size_t k = static_cast<std::size_t>(it - pwlT_.begin());
        const double t0 = pwlT_[k - 1], t1 = pwlT_[k];
        if (t1 <= t0) return pwlV_[k];
        return pwlV_[k - 1] + (pwlV_[k] - pwlV_[k - 1]) * (t - t0) / (t1 - t0);
    }
    case Waveform::Kind::None: break;
    }
    return 0.0;
}

double SourceWaveform::nextBreakpoint(double t) const {
    const double eps = 1e-13 * std::max(std::fabs(t), 1e-30);
    auto after = [&](double c) { return c > t + eps ? c : kInf; };
    switch (kind_) {
    case Waveform::Kind::Pulse: {
        const auto [v1, v2, td, tr, tf, pw, per] = p_;
        (void)v1;
        (void)v2;
        const double corners[4] = {0.0, tr, tr + pw, tr + pw + tf};
        double best = kInf;
        const double k0 = (per > 0 && t > td) ? std::floor((t - td) / per) : 0.0;
        for (int k = 0; k < 2; ++k) // this period and the next (an integer count: k0 may be huge)
            for (double c : corners) best = std::min(best, after(td + (k0 + k) * per + c));
        if (per <= 0)
            for (double c : corners) best = std::min(best, after(td + c));
        return best;
    }
    case Waveform::Kind::Sin: return after(p_[3]);
    case Waveform::Kind::Exp: return std::min(after(p_[2]), after(p_[4]));
    case Waveform::Kind::Pwl: {
        const auto it = std::upper_bound(pwlT_.begin(), pwlT_.end(), t + eps);
        return it == pwlT_.end() ? kInf : *it;
    }
    case Waveform::Kind::None: break;
    }
    return kInf;
}

} // namespace spinspice
