// Latency in a transient (FastSPICE-style): a linear circuit without charges is x(t) = -A^{-1} f0(t),
// with A its constant Jacobian and f0(t) its residual at x = 0. From one time point to the next only the
// rows of f0 that a source or an event (a p-bit update) changed move, and x moves by -A^{-1} Δf0 over
// those rows' columns (BlockColumns: each column is computed over the blocks its row reaches and kept).
// A p-bit update then costs the p-bit and its neighbours, not a solve of the whole network.
#pragma once

#include "solver/block_columns.hpp"
#include "solver/newton.hpp"

#include <memory>
#include <vector>

namespace spinspice {

class LatencyStepper {
public:
    // The stepper for this circuit, or nullptr when it does not qualify: not linear, with charges, with
    // devices that locate events or project states, or a changing device that does not name the rows it
    // changes (Device::rhsVariation). `jacobian`: the circuit's df/dx (CSC values) at a transient point;
    // `at`: that point (its time; x is not read), where the current residual rows are taken.
    static std::unique_ptr<LatencyStepper> create(const Circuit& circuit, const std::vector<double>& jacobian,
                                                  const EvalContext& at);
    ~LatencyStepper();

    // The device at this index (in circuit.devices()) had its event or accept hook: its rows may have changed.
    void deviceActed(int deviceIndex) {
        const int t = trackedOfDevice_[static_cast<std::size_t>(deviceIndex)];
        if (t >= 0 && !tracked_[static_cast<std::size_t>(t)].dirty) {
            tracked_[static_cast<std::size_t>(t)].dirty = true;
            dirty_.push_back(t);
        }
    }
    // x (the solution at the previous point) -> the solution at ctx.time. false, with x unchanged,
    // when the rows that changed reach too much of the circuit for an update to pay: the caller then
    // solves this point, and the rest of the run, in full.
    bool advance(const EvalContext& ctx, std::vector<double>& x);

private:
    struct Tracked {
        Device* device;
        int firstRow, rowCount; // into rows_, f0_
        bool continuous;        // changes with time (a source), else only when it acted
        bool dirty = false;
    };
    struct Change {
        int k; // into rows_
        double now;
    };
    LatencyStepper() = default;
    void load(const Tracked& t, const EvalContext& ctx);
    void collect(const Tracked& t, const EvalContext& ctx);

    std::unique_ptr<BlockColumns> columns_;
    std::size_t budget_ = 0; // most x entries one point may update
    std::vector<Tracked> tracked_;
    std::vector<int> trackedOfDevice_; // device index -> tracked index, -1
    std::vector<int> continuous_, dirty_;
    std::vector<int> rows_;
    std::vector<double> f0_;                    // each tracked row's residual at x = 0 at the last point
    std::vector<const SparseColumn*> columnOf_; // each tracked row's column, once first needed
    std::vector<Change> pending_;
    // Scratch buffers for one device's load at x = 0.
    std::vector<double> zero_, f_, q_, fscale_, jf_, jq_;
};

} // namespace spinspice
