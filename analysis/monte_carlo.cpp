#include "analysis/monte_carlo.hpp"

#include "core/random.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace spinspice {

double sampleDeviceSeed(const StatisticalSample& sample) {
    const std::uint64_t mixed = rng::mix64(sample.seed ^ rng::mix64(sample.index + 0x6d6f6e7465ull)); // "monte"
    return static_cast<double>(mixed >> 11);                                                          // 53 bits
}

namespace {

// The q-quantile of sorted values, linear between order statistics (Hyndman-Fan type 7, numpy's default).
double quantile(const std::vector<double>& sorted, double q) {
    const double h = (static_cast<double>(sorted.size()) - 1.0) * q;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

MeasureStatistics summarise(std::vector<double> values, int failed) {
    MeasureStatistics s;
    s.count = static_cast<int>(values.size());
    s.failed = failed;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (double v : values) sum += v;
    s.mean = sum / static_cast<double>(values.size());
    double square = 0;
    for (double v : values) square += (v - s.mean) * (v - s.mean);
    s.stddev = values.size() > 1 ? std::sqrt(square / static_cast<double>(values.size() - 1)) : 0.0;
    s.min = values.front();
    s.max = values.back();
    for (double q : MeasureStatistics::kQuantiles) s.quantiles.push_back(quantile(values, q));
    // 20 equal bins over [min, max] (one bin when all values agree).
    const int bins = s.max > s.min ? 20 : 1;
    for (int b = 0; b <= bins; ++b) s.edges.push_back(s.min + (s.max - s.min) * b / bins);
    s.counts.assign(static_cast<std::size_t>(bins), 0);
    for (double v : values) {
        const int b = s.max > s.min ? static_cast<int>((v - s.min) / (s.max - s.min) * bins) : 0;
        s.counts[static_cast<std::size_t>(std::clamp(b, 0, bins - 1))]++;
    }
    return s;
}

} // namespace

std::vector<MeasureStatistics> measurementStatistics(const std::vector<Waveforms>& analyses) {
    // (analysis, step values without the sample, .meas name) -> values, failures; in first-seen order.
    using Key = std::tuple<std::string, std::vector<std::pair<std::string, double>>, std::string>;
    std::vector<Key> order;
    std::map<Key, std::pair<std::vector<double>, int>> groups;
    for (const auto& w : analyses) {
        auto sample = std::find_if(w.step.begin(), w.step.end(), [](const auto& p) { return p.first == "monte"; });
        if (sample == w.step.end()) continue;
        std::vector<std::pair<std::string, double>> step;
        for (const auto& p : w.step)
            if (p.first != "monte") step.push_back(p);
        for (const auto& m : w.measurements) {
            Key key{w.name, step, m.name};
            auto [it, inserted] = groups.try_emplace(key);
            if (inserted) order.push_back(key);
            if (m.error.empty() && std::isfinite(m.value))
                it->second.first.push_back(m.value);
            else
                it->second.second++;
        }
    }
    std::vector<MeasureStatistics> out;
    for (const auto& key : order) {
        auto& [values, failed] = groups[key];
        MeasureStatistics s = summarise(std::move(values), failed);
        std::tie(s.analysis, s.step, s.name) = key;
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace spinspice
