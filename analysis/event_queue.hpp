// The transient's time axis: one pending event and one step bound per device (its slot), written by the
// devices through their DeviceClock. The earliest event is the next breakpoint; nothing is polled.
#pragma once

#include "devices/device.hpp"

#include <cstdint>
#include <queue>
#include <vector>

namespace spinspice {

class EventQueue : public StepScheduler {
public:
    explicit EventQueue(std::size_t slots);

    // StepScheduler: a slot's event replaces its pending one (+inf clears it); its step bound likewise.
    void schedule(int slot, double time) override;
    void limitStep(int slot, double maxStep) override;

    double nextTime() const;                     // the earliest pending event (+inf if none)
    double maxStep() const { return minBound_; } // the smallest step bound (+inf if none)
    int maxStepSlot() const { return minSlot_; } // the slot that sets it (-1 if none)
    // The slots whose events are due at `time` (event time <= time), earliest first (ties by slot);
    // their events are removed. With `times`, their event times too.
    void popDue(double time, std::vector<int>& slots, std::vector<double>* times = nullptr);
    std::size_t pending() const { return live_; }

private:
    struct Entry {
        double time;
        int slot;
        std::uint64_t version;
        bool operator>(const Entry& o) const { return time != o.time ? time > o.time : slot > o.slot; }
    };
    void dropStale() const;
    void compact();

    mutable std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
    std::vector<std::uint64_t> version_;
    std::vector<double> pendingTime_; // +inf: no event
    std::size_t live_ = 0;
    std::vector<double> bound_;
    double minBound_;
    int minSlot_ = -1;
};

} // namespace spinspice
