// The cost floor of the sMTJ latency benchmark (bench/smtj_latency.py): a plain Gillespie sampler of
// the same telegraph network, with no circuit around it.
//
// The network: an R x C array of sMTJs between word lines held at V_i and bit lines held at 0 V, so each
// cell is an independent two-state process with constant rates (devices/smtj.cpp, rates=0):
//   x = I/ic + h with I = V_i G(state), G(P) = 1/rp, G(AP) = 1/(rp (1 + tmr)),
//   nu(P -> AP) = exp(-delta (1 + x))/tau0,   nu(AP -> P) = exp(-delta (1 - x))/tau0.
// Next-reaction method (Gibson & Bruck 2000): every cell's next flip time in an indexed binary heap;
// a flip toggles the cell, draws its next dwell time ~ Exp(nu(new state)) and sifts it. Per flip: one
// exponential, one exp() for the rate, one O(log N) heap update: the least a sampler of N telegraph
// processes does.
//
// Build: g++ -O2 -std=c++20 -o telegraph_floor bench/telegraph_floor.cpp
// Usage: telegraph_floor ROWS COLS FLIPS [--runs R] [--vmin V] [--vmax V]
//   (the netlist's word-line voltages: V_i = vmin + (vmax - vmin) i/(ROWS - 1); rp=1k tmr=1 delta=3
//   tau0=1n ic=0.5m). Prints flips/s per run and their median.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

struct Cell {
    double voltage;
    int state; // +1 P, -1 AP
};

class IndexedHeap { // min-heap of (time, cell) with the position of each cell
public:
    explicit IndexedHeap(const std::vector<double>& times) : time_(times), heap_(times.size()), pos_(times.size()) {
        for (std::size_t k = 0; k < heap_.size(); ++k) heap_[k] = static_cast<int>(k), pos_[k] = k;
        for (std::size_t k = heap_.size() / 2; k-- > 0;) down(k);
    }
    int top() const { return heap_[0]; }
    double time(int cell) const { return time_[static_cast<std::size_t>(cell)]; }
    void update(int cell, double t) {
        time_[static_cast<std::size_t>(cell)] = t;
        const std::size_t k = pos_[static_cast<std::size_t>(cell)];
        up(k);
        down(pos_[static_cast<std::size_t>(cell)]);
    }

private:
    bool less(std::size_t a, std::size_t b) const {
        return time_[static_cast<std::size_t>(heap_[a])] < time_[static_cast<std::size_t>(heap_[b])];
    }
    void swap(std::size_t a, std::size_t b) {
        std::swap(heap_[a], heap_[b]);
        pos_[static_cast<std::size_t>(heap_[a])] = a;
        pos_[static_cast<std::size_t>(heap_[b])] = b;
    }
    void up(std::size_t k) {
        while (k > 0 && less(k, (k - 1) / 2)) swap(k, (k - 1) / 2), k = (k - 1) / 2;
    }
    void down(std::size_t k) {
        for (;;) {
            std::size_t m = k, l = 2 * k + 1, r = l + 1;
            if (l < heap_.size() && less(l, m)) m = l;
            if (r < heap_.size() && less(r, m)) m = r;
            if (m == k) return;
            swap(k, m);
            k = m;
        }
    }
    std::vector<double> time_;
    std::vector<int> heap_;
    std::vector<std::size_t> pos_;
};

constexpr double kRp = 1e3, kTmr = 1.0, kDelta = 3.0, kTau0 = 1e-9, kIc = 0.5e-3;

double rate(const Cell& c) {
    const double g = c.state > 0 ? 1.0 / kRp : 1.0 / (kRp * (1.0 + kTmr));
    const double x = c.voltage * g / kIc;
    return std::exp(-kDelta * (c.state > 0 ? 1.0 + x : 1.0 - x)) / kTau0;
}

double run(int rows, int cols, long flips, double vmin, double vmax, unsigned seed, double& simulated) {
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> exponential(1.0);
    std::vector<Cell> cells;
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j)
            cells.push_back({vmin + (vmax - vmin) * (rows > 1 ? static_cast<double>(i) / (rows - 1) : 0.0), 1});
    std::vector<double> next(cells.size());
    for (std::size_t k = 0; k < cells.size(); ++k) next[k] = exponential(rng) / rate(cells[k]);
    IndexedHeap heap(next);
    const auto t0 = std::chrono::steady_clock::now();
    double now = 0;
    for (long f = 0; f < flips; ++f) {
        const int k = heap.top();
        now = heap.time(k);
        Cell& c = cells[static_cast<std::size_t>(k)];
        c.state = -c.state;
        heap.update(k, now + exponential(rng) / rate(c));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    simulated = now;
    return static_cast<double>(flips) / seconds;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: telegraph_floor ROWS COLS FLIPS [--runs R] [--vmin V] [--vmax V]\n");
        return 2;
    }
    const int rows = std::atoi(argv[1]), cols = std::atoi(argv[2]);
    const long flips = std::atol(argv[3]);
    int runs = 5;
    double vmin = 0.1, vmax = 0.4;
    for (int k = 4; k + 1 < argc; k += 2) {
        const std::string a = argv[k];
        if (a == "--runs")
            runs = std::atoi(argv[k + 1]);
        else if (a == "--vmin")
            vmin = std::atof(argv[k + 1]);
        else if (a == "--vmax")
            vmax = std::atof(argv[k + 1]);
    }
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
        double simulated = 0;
        rates.push_back(run(rows, cols, flips, vmin, vmax, 1u + static_cast<unsigned>(r), simulated));
        std::printf("run %d: %ld flips in %.3e s simulated, %.4g flips/s\n", r, flips, simulated, rates.back());
    }
    std::sort(rates.begin(), rates.end());
    std::printf("median %.6g flips/s\n", rates[rates.size() / 2]);
}
