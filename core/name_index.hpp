// Names to indices (devices, unknowns) without a second copy of the names: open addressing with linear
// probing over (32-bit hash, index) slots, at most half full. A probe compares against the name its
// owner keeps (nameOf(index)). Against std::unordered_map<std::string, int> (a heap node per entry with
// a copy of the name, a cache miss per step of a bucket's chain): 8 bytes per slot, and one miss per
// lookup; the name tables were 40 % of the time building a 10^6-MTJ crossbar.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace spinspice {

class NameIndex {
public:
    // The index filed under `name`, or -1.
    template <class NameOf> int find(std::string_view name, const NameOf& nameOf) const {
        if (slots_.empty()) return -1;
        const std::uint32_t h = hash(name);
        for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
            const Slot& s = slots_[i];
            if (s.index < 0) return -1;
            if (s.hash == h && nameOf(s.index) == name) return s.index;
        }
    }

    // Files `index` under `name` unless the name is filed already; returns the index filed under it
    // (`index`, or the earlier one). nameOf is only asked for indices filed before.
    template <class NameOf> int insert(std::string_view name, int index, const NameOf& nameOf) {
        if (2 * (count_ + 1) > slots_.size()) rehash(std::max<std::size_t>(16, 2 * slots_.size()));
        const std::uint32_t h = hash(name);
        for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
            Slot& s = slots_[i];
            if (s.index < 0) {
                s = {h, index};
                ++count_;
                return index;
            }
            if (s.hash == h && nameOf(s.index) == name) return s.index;
        }
    }

    // Room for `names` entries without growing.
    void reserve(std::size_t names) {
        std::size_t capacity = 16;
        while (capacity < 2 * names) capacity *= 2;
        if (capacity > slots_.size()) rehash(capacity);
    }
    std::size_t size() const { return count_; }

private:
    struct Slot {
        std::uint32_t hash = 0;
        int index = -1; // -1: empty
    };
    static std::uint32_t hash(std::string_view name) {
        const auto h = static_cast<std::uint64_t>(std::hash<std::string_view>{}(name));
        return static_cast<std::uint32_t>(h ^ (h >> 32));
    }
    std::size_t mask() const { return slots_.size() - 1; }
    void rehash(std::size_t capacity) { // capacity: a power of two
        std::vector<Slot> old(capacity);
        old.swap(slots_);
        for (const Slot& s : old) {
            if (s.index < 0) continue;
            std::size_t i = s.hash & mask();
            while (slots_[i].index >= 0) i = (i + 1) & mask();
            slots_[i] = s;
        }
    }
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
};

} // namespace spinspice
