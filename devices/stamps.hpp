// Stamps shared by many elements: a conductance between two nodes, and the branch of a
// voltage-defined element (V, L, E, H, B with V=). Offsets come from PatternBuilder handles.
#pragma once

#include "devices/device.hpp"
#include "devices/pattern.hpp"

#include <array>

namespace spinspice {

// Conductance g between p and n: current g (v(p) - v(n)) leaves p, enters n.
struct ConductanceStamp {
    std::array<int, 4> off{}; // pp, pn, np, nn
    void declare(PatternBuilder& pb, int p, int n) {
        off = {pb.entry(p, p), pb.entry(p, n), pb.entry(n, p), pb.entry(n, n)};
    }
    void bind(const PatternBuilder& pb) {
        for (int& o : off) o = pb.offset(o);
    }
    void add(double* values, double g) const {
        values[off[0]] += g;
        values[off[1]] -= g;
        values[off[2]] -= g;
        values[off[3]] += g;
    }
    // Residual and Jacobian of the conductance.
    void load(LoadBuffers& out, const double* x, int p, int n, double g) const {
        const double i = g * (x[p] - x[n]);
        addF(out, p, i);
        addF(out, n, -i);
        add(out.jf, g);
    }
};

// Branch current unknown br flowing from p through the element to n: KCL rows p (+i) and n (-i), and
// the branch row's v(p) - v(n) (the element adds the rest of its branch equation).
struct BranchStamp {
    std::array<int, 4> off{}; // (p,br) (n,br) (br,p) (br,n)
    void declare(PatternBuilder& pb, int p, int n, int br) {
        off = {pb.entry(p, br), pb.entry(n, br), pb.entry(br, p), pb.entry(br, n)};
    }
    void bind(const PatternBuilder& pb) {
        for (int& o : off) o = pb.offset(o);
    }
    void load(LoadBuffers& out, const double* x, int p, int n, int br) const {
        addF(out, p, x[br]);
        addF(out, n, -x[br]);
        addF(out, br, x[p]);
        addF(out, br, -x[n]);
        out.jf[off[0]] += 1.0;
        out.jf[off[1]] -= 1.0;
        out.jf[off[2]] += 1.0;
        out.jf[off[3]] -= 1.0;
    }
};

// A block of entries: every row of `rows` against every column of `cols` (a device's states and
// terminals against the unknowns they depend on). Entries in the ground row or column go to the sink.
// With a structure (true where a row depends on a column), the other entries are not declared either:
// they go to the sink, so the factorisation does not carry structural zeros (a 7 x 7 oscillator block
// has 28 entries, not 49). The device must then stamp nothing but zeros there.
template <std::size_t R, std::size_t C> struct BlockStamp {
    static_assert(R * C <= 256, "live entries are indexed by one byte");
    using Structure = std::array<std::array<bool, C>, R>;
    // The entries in the pattern, first and contiguous: add() reads these alone, so a device of a large
    // circuit costs two or three cache lines here instead of the whole offset table (a sdiode in a
    // 256-tone network: loading `off` was half of its evaluation).
    std::size_t liveCount = 0;
    std::array<unsigned char, R * C> liveEntry{}; // their positions r C + c in the row-major block
    std::array<int, R * C> liveOffset{};          // their offsets in the matrix
    std::array<std::array<int, C>, R> off{};      // every entry's offset (the sink outside the pattern)
    void declare(PatternBuilder& pb, const std::array<int, R>& rows, const std::array<int, C>& cols,
                 const Structure* structure = nullptr) {
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t c = 0; c < C; ++c)
                off[r][c] = !structure || (*structure)[r][c] ? pb.entry(rows[r], cols[c]) : PatternBuilder::kTrash;
    }
    void bind(const PatternBuilder& pb) {
        liveCount = 0;
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t c = 0; c < C; ++c) {
                off[r][c] = pb.offset(off[r][c]);
                if (off[r][c] == pb.nnz()) continue;
                liveOffset[liveCount] = off[r][c];
                liveEntry[liveCount++] = static_cast<unsigned char>(r * C + c);
            }
    }
    // Adds the values of `d` (row-major) that are in the pattern (not structural zeros or ground) to the
    // matrix `values`: adding the others to the trash slot one after another would chain every add on
    // the last (a sdiode: 35 of 56).
    void add(double* values, const std::array<std::array<double, C>, R>& d) const {
        for (std::size_t k = 0; k < liveCount; ++k) values[liveOffset[k]] += d[liveEntry[k] / C][liveEntry[k] % C];
    }
};

} // namespace spinspice
