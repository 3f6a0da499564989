#include "analysis/event_queue.hpp"

#include <cmath>
#include <limits>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

EventQueue::EventQueue(std::size_t slots)
    : version_(slots, 0), pendingTime_(slots, kInf), bound_(slots, kInf), minBound_(kInf) {}

void EventQueue::schedule(int slot, double time) {
    const auto s = static_cast<std::size_t>(slot);
    ++version_[s];
    const bool had = std::isfinite(pendingTime_[s]);
    const bool has = std::isfinite(time);
    pendingTime_[s] = has ? time : kInf;
    live_ = live_ + (has ? 1 : 0) - (had ? 1 : 0);
    if (has) heap_.push({time, slot, version_[s]});
    // Replaced events stay in the heap as stale entries until they surface; rebuild when they dominate.
    if (heap_.size() > 64 && heap_.size() > 4 * live_) compact();
}

void EventQueue::limitStep(int slot, double maxStep) {
    const auto s = static_cast<std::size_t>(slot);
    bound_[s] = maxStep;
    if (maxStep <= minBound_) {
        minBound_ = maxStep;
        minSlot_ = slot;
    } else if (slot == minSlot_) { // the smallest bound grew: find the new smallest
        minBound_ = kInf;
        minSlot_ = -1;
        for (std::size_t k = 0; k < bound_.size(); ++k)
            if (bound_[k] < minBound_) {
                minBound_ = bound_[k];
                minSlot_ = static_cast<int>(k);
            }
    }
}

void EventQueue::dropStale() const {
    while (!heap_.empty()) {
        const Entry& top = heap_.top();
        if (top.version == version_[static_cast<std::size_t>(top.slot)]) return;
        heap_.pop();
    }
}

double EventQueue::nextTime() const {
    dropStale();
    return heap_.empty() ? kInf : heap_.top().time;
}

void EventQueue::popDue(double time, std::vector<int>& slots, std::vector<double>* times) {
    slots.clear();
    if (times) times->clear();
    for (dropStale(); !heap_.empty() && heap_.top().time <= time; dropStale()) {
        const int slot = heap_.top().slot;
        if (times) times->push_back(heap_.top().time);
        heap_.pop();
        ++version_[static_cast<std::size_t>(slot)];
        pendingTime_[static_cast<std::size_t>(slot)] = kInf;
        --live_;
        slots.push_back(slot);
    }
}

void EventQueue::compact() {
    std::vector<Entry> live;
    live.reserve(live_);
    for (std::size_t s = 0; s < pendingTime_.size(); ++s)
        if (std::isfinite(pendingTime_[s])) live.push_back({pendingTime_[s], static_cast<int>(s), version_[s]});
    heap_ = decltype(heap_)(std::greater<Entry>(), std::move(live));
}

} // namespace spinspice
