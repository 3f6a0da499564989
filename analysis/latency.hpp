// Latency in a transient (FastSPICE-style): a linear circuit without charges is x(t) = -A^{-1} f0(t),
// with A its Jacobian and f0(t) its residual at x = 0. From one time point to the next only the rows of
// f0 that a source or an event (a p-bit update) changed move, and x moves by -A^{-1} Δf0 over those
// rows' columns (BlockColumns: each column is computed over the blocks its row reaches and kept). A
// p-bit update then costs the p-bit and its neighbours, not a solve of the whole network.
// Devices linear between events may also change entries of A at an event (an sMTJ's conductance at a
// flip, Device::jacobianVariation): A x_old + f0 = 0 before, so x_new = x_old - A_new^{-1} r with the
// sparse residual r = ΔA x_old + Δf0, solved over the blocks r reaches after refactoring only the
// diagonal blocks ΔA touched.
#pragma once

#include "solver/block_columns.hpp"
#include "solver/newton.hpp"

#include <memory>
#include <unordered_map>
#include <vector>

namespace spinspice {

class LatencyStepper {
public:
    // The stepper for this circuit, or nullptr when it does not qualify: not linear (between events),
    // with charges or devices that project states, or a changing device that does not name the rows it
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
    // x (the solution at the previous point) -> the solution at ctx.time, written in place; then
    // commit() when the point is taken, or rollback() to restore x and A. false, with x unchanged, when
    // the rows that changed reach too much of the circuit for an update to pay: the caller then solves
    // this point, and the rest of the run, in full.
    bool advance(const EvalContext& ctx, std::vector<double>& x);
    // After advance(): the earliest event inside the step from previousTime to ctx.time
    // (Device::eventTime, ctx.x the advanced solution) among the event-locating devices that moved
    // (movedDevices); the others saw nothing change. +inf: none.
    double eventInside(const EvalContext& ctx, double previousTime);
    // After advance(): the devices that locate events or accept lazily (Device::acceptsLazily) and
    // moved: an unknown at one of their terminals was written, their rows or entries changed, or
    // recheck() named them at the last point. Indices into circuit.devices().
    const std::vector<int>& movedDevices() const { return movedDevices_; }
    // This device acted through event() at the point just taken: it counts as moved at the next one.
    void recheck(int deviceIndex) {
        const int w = watchedOfDevice_[static_cast<std::size_t>(deviceIndex)];
        if (w >= 0) recheck_.push_back(w);
    }
    void commit();
    void rollback(std::vector<double>& x);

private:
    struct Tracked {
        Device* device;
        int firstRow, rowCount;     // into rows_, f0_
        int firstEntry, entryCount; // into entries_: the Jacobian entries it changes at events
        int watched;                // into watched_, -1
        bool continuous;            // changes with time (a source), else only when it acted
        bool dirty = false;
    };
    struct Entry {
        int offset, row, column; // CSC offset; 1-based row and column
        double value;            // this device's part of the entry at the last point
        int owner;               // into tracked_
    };
    struct Change {
        int k; // into rows_ (pending_) or entries_ (entryChanges_)
        double now;
    };
    LatencyStepper() = default;
    bool addTracked(Device* d, int deviceIndex, const PatternBuilder& pattern);
    void indexWatched(const Circuit& circuit, const std::unordered_map<const Device*, int>& indexOf);
    void load(const Tracked& t, const EvalContext& ctx);
    void collect(const Tracked& t, const EvalContext& ctx);
    bool applyColumns(std::vector<double>& x);
    bool solveResidual(std::vector<double>& x);
    void write(std::vector<double>& x, int i, double change);
    void forgetColumns();

    std::unique_ptr<BlockColumns> columns_;
    std::size_t budget_ = 0; // most x entries one point may update
    std::vector<Tracked> tracked_;
    std::vector<int> trackedOfDevice_; // device index -> tracked index, -1
    std::vector<int> continuous_, dirty_;
    std::vector<int> rows_, rowOwner_;          // the tracked rows, and which tracked device each is
    std::vector<double> f0_;                    // each tracked row's residual at x = 0 at the last point
    std::vector<const SparseColumn*> columnOf_; // each tracked row's column, once first needed
    std::vector<int> columnsHeld_;              // the rows_ indices whose columnOf_ is set
    std::vector<Entry> entries_;
    std::vector<int> firstOfOffset_; // each entry: the first entry at its offset (BlockColumns' kept index)
    std::vector<int> nextAtOffset_;  // the next entry at the same offset, -1
    std::vector<double> keptBase_;   // at each first entry: the other devices' part of the offset's value
    std::vector<double> changedTo_;  // scratch: an entry's new value at this point, NaN if unchanged
    std::vector<double> keptDelta_;  // scratch: the change of a first entry's offset at this point
    std::vector<int> sinceRebuild_;  // at each first entry: changes since its value was summed anew
    std::vector<int> rebuildAfter_;  // ... and after how many it is
    static constexpr int kKeptRebuild = 4;
    std::vector<unsigned> keptStamp_;
    unsigned keptStampNow_ = 0;
    std::vector<Change> pending_, entryChanges_;
    // The devices that locate events or accept lazily, and which of them touch each unknown (CSR over
    // unknowns); those that moved at the last advance().
    struct Watched {
        Device* device;
        int deviceIndex;
        bool locating;
    };
    std::vector<Watched> watched_;
    std::vector<int> watchedOfDevice_; // device index -> watched index, -1
    std::vector<int> watcherStart_, watchers_;
    std::vector<unsigned> watchedStamp_;
    unsigned stamp_ = 0;
    std::vector<int> moved_, movedDevices_, recheck_;
    void findMoved();
    void markMoved(int w);
    // Undo of the last advance(): x entries written (index, old value), A entries set (offset, old value).
    bool logWrites_ = false;
    std::vector<std::pair<int, double>> undoX_, undoA_;
    // Scratch: one device's load at x = 0; a sparse residual and its solve.
    std::vector<double> zero_, f_, q_, fscale_, jf_, jq_;
    std::vector<std::pair<int, double>> residual_, newEntries_;
    SparseColumn solution_;
};

} // namespace spinspice
