// Reproducible randomness: a counter-based generator (Philox4x32-10; Salmon, Moraes, Dror, Shaw,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11). A random value is a pure function of
// (seed, stream, index, lane): the stream is the device instance (its flat name hashed), the index
// counts the device's noise steps or events, the lane selects one of several values drawn for the
// same index. Nothing depends on how often or in which order devices are evaluated, on Newton
// iteration counts, on rejected steps or on threads.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace spinspice::rng {

using Block = std::array<std::uint32_t, 4>;

// The Philox4x32 bijection with 10 rounds (Random123's philox4x32_10).
inline Block philox4x32(Block ctr, std::array<std::uint32_t, 2> key) {
    constexpr std::uint64_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
    constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = kM0 * ctr[0], p1 = kM1 * ctr[2];
        const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
        const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
        ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
        key[0] += kW0;
        key[1] += kW1;
    }
    return ctr;
}

// FNV-1a, 64 bit: a stable hash of an instance name (independent of netlist order).
inline std::uint64_t hashName(std::string_view name) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

// splitmix64 finaliser: mixes seed and stream into the 64-bit Philox key.
inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The random numbers of one stream (one device instance under one seed).
class Stream {
public:
    Stream() = default;
    Stream(std::uint64_t seed, std::string_view instance) : Stream(seed, hashName(instance)) {}
    Stream(std::uint64_t seed, std::uint64_t streamId) {
        const std::uint64_t k = mix64(seed ^ mix64(streamId + 0x9E3779B97F4A7C15ull));
        key_ = {static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)};
    }

    // 128 random bits for (index, lane).
    Block bits(std::uint64_t index, std::uint32_t lane = 0) const {
        return philox4x32({static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), lane, 0u}, key_);
    }
    // Uniform in the open interval (0, 1), 53 bits.
    double uniform(std::uint64_t index, std::uint32_t lane = 0) const {
        const Block b = bits(index, lane);
        return toOpenUnit(b[0], b[1]);
    }
    // Two independent standard normals for (index, lane) (Box-Muller on the block's two uniforms).
    std::array<double, 2> normals(std::uint64_t index, std::uint32_t lane = 0) const {
        const Block b = bits(index, lane);
        const double u1 = toOpenUnit(b[0], b[1]), u2 = toOpenUnit(b[2], b[3]);
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double phase = 2.0 * std::numbers::pi * u2;
        return {r * std::cos(phase), r * std::sin(phase)};
    }
    // An exponential variate with mean 1.
    double exponential(std::uint64_t index, std::uint32_t lane = 0) const { return -std::log(uniform(index, lane)); }

private:
    static double toOpenUnit(std::uint32_t a, std::uint32_t b) {
        const std::uint64_t u = (static_cast<std::uint64_t>(a) << 21) ^ (static_cast<std::uint64_t>(b) >> 11);
        return (static_cast<double>(u & ((1ull << 53) - 1)) + 0.5) * 0x1.0p-53;
    }
    std::array<std::uint32_t, 2> key_{0, 0};
};

// N independent white-noise components on a fixed time grid t_k = k interval: unit-variance Gaussian
// samples (stream index k; component 2j + l from lane j) joined linearly. A fixed, continuous function
// of time, so the forcing is the same whatever steps a transient takes, rejects or subdivides. Its
// spectral density is interval (times the variance) at frequencies well below 1/interval: scale the
// samples by sqrt(D/interval) for a white noise of intensity D (<xi(t) xi(t')> = D delta(t - t')).
template <std::size_t N> class NoiseGrid {
public:
    NoiseGrid() = default;
    NoiseGrid(const Stream& stream, double interval) : stream_(stream), interval_(interval) {}
    double interval() const { return interval_; }
    std::array<double, N> at(double t) const {
        const double s = std::max(t, 0.0) / interval_;
        const double k = std::floor(s);
        const auto index = static_cast<std::uint64_t>(k);
        if (index != cachedIndex_) {
            cachedLeft_ = sample(index);
            cachedRight_ = sample(index + 1);
            cachedIndex_ = index;
        }
        const double w = s - k;
        std::array<double, N> out;
        for (std::size_t c = 0; c < N; ++c) out[c] = (1.0 - w) * cachedLeft_[c] + w * cachedRight_[c];
        return out;
    }

private:
    std::array<double, N> sample(std::uint64_t k) const {
        std::array<double, N> out;
        for (std::size_t c = 0; c < N; c += 2) {
            const auto pair = stream_.normals(k, static_cast<std::uint32_t>(c / 2));
            out[c] = pair[0];
            if (c + 1 < N) out[c + 1] = pair[1];
        }
        return out;
    }
    Stream stream_;
    double interval_ = 1.0;
    mutable std::uint64_t cachedIndex_ = ~0ull;
    mutable std::array<double, N> cachedLeft_{}, cachedRight_{};
};

} // namespace spinspice::rng
