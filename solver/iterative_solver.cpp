#include "solver/iterative_solver.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

namespace spinspice {
namespace {

constexpr double kStrong = 0.1;     // a coupling joins a line when |a_ij| >= kStrong sqrt(a_ii a_jj)
constexpr double kDominance = 10.0; // lineDominance(): in-line coupling >= kDominance x off-line
constexpr double kSymmetry = 1e-12; // relative |a_ij - a_ji| accepted as symmetric

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

} // namespace

bool IterativeSolver::analyze(const PatternBuilder& pattern, const std::vector<Kind>& kinds) {
    pattern_ = &pattern;
    n_ = pattern.size();
    sources_.clear();
    heldRows_.clear();
    heldOffDiagonal_.clear();
    knownColumns_.clear();
    linesBuilt_ = false;
    const auto n1 = static_cast<std::size_t>(n_) + 1;
    const auto& cp = pattern.colPtr();
    const auto& ri = pattern.rowIdx();
    // A branch row and column of a grounded source hold one off-diagonal entry each, at its node.
    std::vector<int> rowCount(n1, 0), rowColumn(n1, -1), rowOffset(n1, -1), colCount(n1, 0), colRow(n1, -1);
    for (int c = 0; c < n_; ++c) {
        const int u = c + 1;
        for (int k = cp[static_cast<std::size_t>(c)]; k < cp[static_cast<std::size_t>(c) + 1]; ++k) {
            const int r = ri[static_cast<std::size_t>(k)] + 1;
            if (r == u) continue;
            if (kinds[static_cast<std::size_t>(r)] == Kind::Current) {
                rowCount[static_cast<std::size_t>(r)]++;
                rowColumn[static_cast<std::size_t>(r)] = u;
                rowOffset[static_cast<std::size_t>(r)] = k;
            }
            if (kinds[static_cast<std::size_t>(u)] == Kind::Current) {
                colCount[static_cast<std::size_t>(u)]++;
                colRow[static_cast<std::size_t>(u)] = r;
            }
        }
    }
    std::vector<int> sourceOfNode(n1, -1);
    for (int u = 1; u <= n_; ++u) {
        const auto su = static_cast<std::size_t>(u);
        if (kinds[su] == Kind::Held) {
            if (pattern.diagonalOffset(u) < 0) return false;
            heldRows_.push_back(u);
            knownColumns_.push_back(u);
        }
        if (kinds[su] != Kind::Current) continue;
        const int node = rowColumn[su];
        // A floating source, one referenced by other elements (F, H) or two sources on one node: direct.
        if (rowCount[su] != 1 || colCount[su] != 1 || colRow[su] != node ||
            kinds[static_cast<std::size_t>(node)] != Kind::Node || sourceOfNode[static_cast<std::size_t>(node)] >= 0)
            return false;
        const int diagonal = pattern.diagonalOffset(u);
        sourceOfNode[static_cast<std::size_t>(node)] = static_cast<int>(sources_.size());
        sources_.push_back({u, node, rowOffset[su], diagonal, -1, {}});
        knownColumns_.push_back(node);
    }
    rowCount = {};
    rowColumn = {};
    rowOffset = {};
    colCount = {};
    colRow = {};
    // The free unknowns, in their order; the entries of held rows and of the sources' node rows.
    newOf_.assign(n1, -1);
    freeOld_.clear();
    for (int u = 1; u <= n_; ++u) {
        const auto su = static_cast<std::size_t>(u);
        if (kinds[su] == Kind::Held || kinds[su] == Kind::Current || sourceOfNode[su] >= 0) continue;
        newOf_[su] = static_cast<int>(freeOld_.size());
        freeOld_.push_back(u);
    }
    const auto nf = freeOld_.size();
    rowPtr_.assign(nf + 1, 0);
    for (int c = 0; c < n_; ++c) {
        const int u = c + 1;
        for (int k = cp[static_cast<std::size_t>(c)]; k < cp[static_cast<std::size_t>(c) + 1]; ++k) {
            const int r = ri[static_cast<std::size_t>(k)] + 1;
            const auto sr = static_cast<std::size_t>(r);
            if (kinds[sr] == Kind::Held && r != u) heldOffDiagonal_.push_back(k);
            if (const int s = sourceOfNode[sr]; s >= 0) {
                auto& source = sources_[static_cast<std::size_t>(s)];
                if (u == source.branch)
                    source.nodeBranchEntry = k;
                else
                    source.nodeRow.emplace_back(k, u);
            }
            const int p = newOf_[sr], q = newOf_[static_cast<std::size_t>(u)];
            if (p >= 0 && q >= 0) rowPtr_[static_cast<std::size_t>(p) + 1]++;
        }
    }
    for (std::size_t p = 0; p < nf; ++p) rowPtr_[p + 1] += rowPtr_[p];
    col_.assign(static_cast<std::size_t>(rowPtr_[nf]), 0);
    offset_.assign(col_.size(), 0);
    std::vector<int> fill(rowPtr_.begin(), rowPtr_.end() - 1);
    for (int c = 0; c < n_; ++c) { // columns in increasing order: each row's columns come out sorted
        const int q = newOf_[static_cast<std::size_t>(c) + 1];
        if (q < 0) continue;
        for (int k = cp[static_cast<std::size_t>(c)]; k < cp[static_cast<std::size_t>(c) + 1]; ++k) {
            const int p = newOf_[static_cast<std::size_t>(ri[static_cast<std::size_t>(k)]) + 1];
            if (p < 0) continue;
            const auto e = static_cast<std::size_t>(fill[static_cast<std::size_t>(p)]++);
            col_[e] = q;
            offset_[e] = k;
        }
    }
    // Structural symmetry of the free part.
    for (std::size_t p = 0; p < nf; ++p)
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e) {
            const auto q = static_cast<std::size_t>(col_[static_cast<std::size_t>(e)]);
            if (!std::binary_search(col_.begin() + rowPtr_[q], col_.begin() + rowPtr_[q + 1], static_cast<int>(p)))
                return false;
        }
    for (const auto& s : sources_)
        if (s.nodeBranchEntry < 0) return false;
    val_.assign(col_.size(), 0.0);
    known_.assign(n1, 0.0);
    return true;
}

// Each unknown's two strongest strong couplings, kept where the choice is mutual, walked into chains; a
// chain is cut where an unknown couples to an earlier, non-adjacent unknown of its chain, so that every
// line block is exactly tridiagonal.
IterativeSolver::Chains IterativeSolver::findChains(const std::vector<double>& values,
                                                    const std::vector<double>& diag) const {
    const auto nf = freeOld_.size();
    std::vector<std::array<int, 2>> best(nf, {-1, -1});
    for (std::size_t p = 0; p < nf; ++p) {
        double s0 = 0.0, s1 = 0.0;
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e) {
            const int q = col_[static_cast<std::size_t>(e)];
            if (q == static_cast<int>(p)) continue;
            const double s =
                std::fabs(values[static_cast<std::size_t>(e)]) / std::sqrt(diag[p] * diag[static_cast<std::size_t>(q)]);
            if (s < kStrong) continue;
            if (s > s0) {
                s1 = s0;
                best[p][1] = best[p][0];
                s0 = s;
                best[p][0] = q;
            } else if (s > s1) {
                s1 = s;
                best[p][1] = q;
            }
        }
    }
    auto chose = [&](int p, int q) {
        return best[static_cast<std::size_t>(p)][0] == q || best[static_cast<std::size_t>(p)][1] == q;
    };
    std::vector<std::array<int, 2>> link(nf, {-1, -1});
    for (std::size_t p = 0; p < nf; ++p)
        for (int k = 0, m = 0; k < 2; ++k) {
            const int q = best[p][static_cast<std::size_t>(k)];
            if (q >= 0 && chose(q, static_cast<int>(p))) link[p][static_cast<std::size_t>(m++)] = q;
        }
    best = {};
    Chains chains;
    std::vector<int>&order = chains.order, &start = chains.start, &lineOf = chains.lineOf;
    lineOf.assign(nf, -1);
    std::vector<int> position(nf, 0);
    order.reserve(nf);
    auto walk = [&](int from) {
        int previous = -1, current = from, at = 0;
        start.push_back(static_cast<int>(order.size()));
        while (current >= 0 && lineOf[static_cast<std::size_t>(current)] < 0) {
            const auto c = static_cast<std::size_t>(current);
            for (int e = rowPtr_[c]; e < rowPtr_[c + 1] && at > 0; ++e) {
                const auto q = static_cast<std::size_t>(col_[static_cast<std::size_t>(e)]);
                if (lineOf[q] == static_cast<int>(start.size()) - 1 && position[q] < at - 1) {
                    start.push_back(static_cast<int>(order.size())); // a chord: a new line
                    at = 0;
                    break;
                }
            }
            lineOf[c] = static_cast<int>(start.size()) - 1;
            position[c] = at++;
            order.push_back(current);
            const int next = link[c][0] != previous && link[c][0] >= 0 ? link[c][0] : link[c][1];
            previous = current;
            current = next; // -1 at a chain's end; a visited unknown closes a cycle
        }
    };
    for (std::size_t p = 0; p < nf; ++p) // chains from their ends, then what is left (cycles, cut anywhere)
        if (lineOf[p] < 0 && (link[p][0] < 0 || link[p][1] < 0)) walk(static_cast<int>(p));
    for (std::size_t p = 0; p < nf; ++p)
        if (lineOf[p] < 0) walk(static_cast<int>(p));
    start.push_back(static_cast<int>(nf));
    return chains;
}

// Greedy colouring of the chains: each takes the smallest colour no coloured neighbour chain has.
std::vector<int> IterativeSolver::colourLines(const Chains& chains) {
    const std::vector<int>&order = chains.order, &start = chains.start, &lineOf = chains.lineOf;
    const std::size_t lineCount = start.size() - 1;
    std::vector<int> colour(lineCount, -1), seen;
    colours_ = 0;
    for (std::size_t l = 0; l < lineCount; ++l) {
        for (int i = start[l]; i < start[l + 1]; ++i) {
            const auto p = static_cast<std::size_t>(order[static_cast<std::size_t>(i)]);
            for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e) {
                const auto m =
                    static_cast<std::size_t>(lineOf[static_cast<std::size_t>(col_[static_cast<std::size_t>(e)])]);
                if (m != l && colour[m] >= 0) seen[static_cast<std::size_t>(colour[m])] = static_cast<int>(l);
            }
        }
        int c = 0;
        while (c < colours_ && seen[static_cast<std::size_t>(c)] == static_cast<int>(l)) ++c;
        if (c == colours_) {
            ++colours_;
            seen.push_back(-1);
        }
        colour[l] = c;
    }
    return colour;
}

// Lines from the first matrix (findChains), how much they carry, a greedy colouring of the lines and the
// numbering colour by colour, line by line.
bool IterativeSolver::buildLines(const std::vector<double>& values) {
    const auto nf = freeOld_.size();
    std::vector<double> diag(nf, 0.0);
    for (std::size_t p = 0; p < nf; ++p)
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e)
            if (col_[static_cast<std::size_t>(e)] == static_cast<int>(p)) diag[p] = values[static_cast<std::size_t>(e)];
    for (double d : diag)
        if (!(d > 0.0)) return false;
    Chains chains = findChains(values, diag);
    const std::vector<int>&order = chains.order, &start = chains.start, &lineOf = chains.lineOf;
    const std::size_t lineCount = start.size() - 1;
    // How much the lines carry: in-line against off-line coupling, per unknown.
    std::size_t dominated = 0;
    for (std::size_t p = 0; p < nf; ++p) {
        double in = 0.0, out = 0.0;
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e) {
            const auto q = static_cast<std::size_t>(col_[static_cast<std::size_t>(e)]);
            if (q == p) continue;
            double& side = lineOf[q] == lineOf[p] ? in : out;
            side = std::max(side, std::fabs(values[static_cast<std::size_t>(e)]));
        }
        if (in > 0.0 && in >= kDominance * out) dominated++;
    }
    lineDominance_ = nf ? static_cast<double>(dominated) / static_cast<double>(nf) : 0.0;
    const std::vector<int> colour = colourLines(chains);
    std::vector<int> newOf(nf, 0);
    lineStart_.assign(1, 0);
    int next = 0;
    for (int c = 0; c < colours_; ++c)
        for (std::size_t l = 0; l < lineCount; ++l) {
            if (colour[l] != c) continue;
            for (int i = start[l]; i < start[l + 1]; ++i)
                newOf[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = next++;
            lineStart_.push_back(next);
        }
    permute(newOf);
    // Per row: the entries of earlier lines end, those of later lines begin; in between only the
    // row's own line, which must be its neighbours in the chain.
    lowerEnd_.assign(nf, 0);
    upperBegin_.assign(nf, 0);
    for (std::size_t l = 0; l + 1 < lineStart_.size(); ++l) {
        const int s = lineStart_[l], t = lineStart_[l + 1];
        for (int p = s; p < t; ++p) {
            const auto sp = static_cast<std::size_t>(p);
            const auto first = col_.begin() + rowPtr_[sp], last = col_.begin() + rowPtr_[sp + 1];
            lowerEnd_[sp] = static_cast<int>(std::lower_bound(first, last, s) - col_.begin());
            upperBegin_[sp] = static_cast<int>(std::lower_bound(first, last, t) - col_.begin());
            for (int e = lowerEnd_[sp]; e < upperBegin_[sp]; ++e)
                if (std::abs(col_[static_cast<std::size_t>(e)] - p) > 1) return false;
        }
    }
    lineL_.assign(nf, 0.0);
    lineInvPivot_.assign(nf, 0.0);
    for (auto* v : {&r_, &z_, &p_, &q_, &x_, &rhs_}) v->assign(nf, 0.0);
    linesBuilt_ = true;
    return true;
}

void IterativeSolver::permute(const std::vector<int>& newOf) {
    const auto nf = freeOld_.size();
    std::vector<int> oldOf(nf), rowPtr(nf + 1, 0);
    for (std::size_t p = 0; p < nf; ++p) oldOf[static_cast<std::size_t>(newOf[p])] = static_cast<int>(p);
    for (std::size_t P = 0; P < nf; ++P) {
        const auto p = static_cast<std::size_t>(oldOf[P]);
        rowPtr[P + 1] = rowPtr[P] + rowPtr_[p + 1] - rowPtr_[p];
    }
    std::vector<int> col(col_.size()), offset(col_.size());
    std::vector<std::pair<int, int>> row;
    for (std::size_t P = 0; P < nf; ++P) {
        const auto p = static_cast<std::size_t>(oldOf[P]);
        row.clear();
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e)
            row.emplace_back(newOf[static_cast<std::size_t>(col_[static_cast<std::size_t>(e)])],
                             offset_[static_cast<std::size_t>(e)]);
        std::sort(row.begin(), row.end());
        for (std::size_t i = 0; i < row.size(); ++i) {
            col[static_cast<std::size_t>(rowPtr[P]) + i] = row[i].first;
            offset[static_cast<std::size_t>(rowPtr[P]) + i] = row[i].second;
        }
    }
    rowPtr_ = std::move(rowPtr);
    col_ = std::move(col);
    offset_ = std::move(offset);
    std::vector<int> freeOld(nf);
    for (std::size_t P = 0; P < nf; ++P) {
        const int u = freeOld_[static_cast<std::size_t>(oldOf[P])];
        freeOld[P] = u;
        newOf_[static_cast<std::size_t>(u)] = static_cast<int>(P);
    }
    freeOld_ = std::move(freeOld);
}

bool IterativeSolver::prepare(const double* a) {
    a_ = a;
    auto refuse = [&] {
        stats.failures++;
        return false;
    };
    for (int k : heldOffDiagonal_)
        if (a[k] != 0.0) return refuse();
    for (int u : heldRows_)
        if (a[pattern_->diagonalOffset(u)] == 0.0) return refuse();
    for (const auto& s : sources_)
        if (a[s.rowEntry] == 0.0 || a[s.nodeBranchEntry] == 0.0 ||
            (s.branchDiagonal >= 0 && a[s.branchDiagonal] != 0.0))
            return refuse();
    for (std::size_t e = 0; e < val_.size(); ++e) val_[e] = a[offset_[e]];
    if (!linesBuilt_) { // lines from the first matrix, then its values in their numbering
        if (!buildLines(val_)) return refuse();
        for (std::size_t e = 0; e < val_.size(); ++e) val_[e] = a[offset_[e]];
    }
    const auto nf = freeOld_.size();
    for (std::size_t p = 0; p < nf; ++p)
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e) {
            const auto q = static_cast<std::size_t>(col_[static_cast<std::size_t>(e)]);
            if (q <= p) continue;
            const auto first = col_.begin() + rowPtr_[q], last = col_.begin() + rowPtr_[q + 1];
            const double v = val_[static_cast<std::size_t>(e)];
            const double w =
                val_[static_cast<std::size_t>(std::lower_bound(first, last, static_cast<int>(p)) - col_.begin())];
            if (!(std::fabs(v - w) <= kSymmetry * (std::fabs(v) + std::fabs(w)))) return refuse();
        }
    // Each line block's LDL^T (Thomas): pivot_p = d_p - e_{p-1}^2 / pivot_{p-1}, L_p = e_{p-1} / pivot_{p-1}.
    for (std::size_t l = 0; l + 1 < lineStart_.size(); ++l) {
        double previousPivot = 0.0, previousOff = 0.0;
        for (int p = lineStart_[l]; p < lineStart_[l + 1]; ++p) {
            const auto sp = static_cast<std::size_t>(p);
            const auto d = static_cast<std::size_t>(lowerEnd_[sp] + (p > lineStart_[l] ? 1 : 0));
            const double L = p > lineStart_[l] ? previousOff / previousPivot : 0.0;
            const double pivot = val_[d] - L * previousOff;
            if (!(pivot > 0.0) || !std::isfinite(pivot)) return refuse();
            lineL_[sp] = L;
            lineInvPivot_[sp] = 1.0 / pivot;
            previousPivot = pivot;
            previousOff = p + 1 < lineStart_[l + 1] ? val_[d + 1] : 0.0;
        }
    }
    stats.prepared++;
    return true;
}

void IterativeSolver::multiply(const double* x, double* y) const {
    const auto nf = freeOld_.size();
    for (std::size_t p = 0; p < nf; ++p) {
        double s = 0.0;
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e)
            s += val_[static_cast<std::size_t>(e)] * x[col_[static_cast<std::size_t>(e)]];
        y[p] = s;
    }
}

// z = M^-1 r with M = (D + L) D^-1 (D + U), D the line blocks: a forward sweep (D + L) y = r over the
// lines, then a backward one, z = y - D^-1 U z, each line's block solved by its LDL^T factors.
void IterativeSolver::precondition(const double* r, double* z) {
    auto lineSolve = [&](int s, int t, double* v) {
        for (int p = s + 1; p < t; ++p) v[p] -= lineL_[static_cast<std::size_t>(p)] * v[p - 1];
        for (int p = s; p < t; ++p) v[p] *= lineInvPivot_[static_cast<std::size_t>(p)];
        for (int p = t - 2; p >= s; --p) v[p] -= lineL_[static_cast<std::size_t>(p) + 1] * v[p + 1];
    };
    double* t = q_.data(); // scratch: precondition() is called between the uses of q_
    const std::size_t lineCount = lineStart_.size() - 1;
    for (std::size_t l = 0; l < lineCount; ++l) {
        const int s = lineStart_[l], e = lineStart_[l + 1];
        for (int p = s; p < e; ++p) {
            const auto sp = static_cast<std::size_t>(p);
            double v = r[p];
            for (int k = rowPtr_[sp]; k < lowerEnd_[sp]; ++k)
                v -= val_[static_cast<std::size_t>(k)] * z[col_[static_cast<std::size_t>(k)]];
            z[p] = v;
        }
        lineSolve(s, e, z);
    }
    for (std::size_t l = lineCount; l-- > 0;) {
        const int s = lineStart_[l], e = lineStart_[l + 1];
        bool any = false;
        for (int p = s; p < e; ++p) {
            const auto sp = static_cast<std::size_t>(p);
            double v = 0.0;
            for (int k = upperBegin_[sp]; k < rowPtr_[sp + 1]; ++k)
                v += val_[static_cast<std::size_t>(k)] * z[col_[static_cast<std::size_t>(k)]];
            t[p] = v;
            any = any || v != 0.0;
        }
        if (!any) continue;
        lineSolve(s, e, t);
        for (int p = s; p < e; ++p) z[p] -= t[p];
    }
}

// What rounding leaves of b - A x however good x is: a few ulps of |A| |x| (Higham, "Accuracy and
// Stability of Numerical Algorithms", 2nd ed., §7.1: the componentwise backward error). A stiff array
// (0.5 S wires, 1e-4 S cells) reaches it above tolerance * ||b||.
double IterativeSolver::roundingFloor(const double* x) const {
    constexpr double kUlps = 16.0;
    double sum = 0.0;
    for (std::size_t p = 0; p + 1 < rowPtr_.size(); ++p) {
        double s = 0.0;
        for (int e = rowPtr_[p]; e < rowPtr_[p + 1]; ++e)
            s += std::fabs(val_[static_cast<std::size_t>(e)] * x[col_[static_cast<std::size_t>(e)]]);
        sum += s * s;
    }
    return kUlps * std::numeric_limits<double>::epsilon() * std::sqrt(sum);
}

// Preconditioned conjugate gradients (Saad Alg. 9.1) from x = 0. Converged when the true residual
// ||rhs - A x|| (recomputed, not the recurrence's) is within tolerance of ||rhs|| or at the rounding
// floor; a recurrence that drifted from it restarts from the true residual.
bool IterativeSolver::pcg(const double* rhs, double* x) {
    const auto nf = freeOld_.size();
    std::fill(x, x + nf, 0.0);
    const double bnorm = std::sqrt(std::inner_product(rhs, rhs + nf, rhs, 0.0));
    if (bnorm == 0.0) return true;
    const double goal = tolerance * bnorm;
    std::copy(rhs, rhs + nf, r_.begin());
    const int limit = std::max(500, static_cast<int>(20.0 * std::sqrt(static_cast<double>(lines()))));
    bool restart = true;
    double rz = 0.0;
    for (int it = 0; it < limit; ++it) {
        if (restart) {
            precondition(r_.data(), z_.data());
            p_ = z_;
            rz = dot(r_, z_);
            restart = false;
        }
        multiply(p_.data(), q_.data());
        const double pq = dot(p_, q_);
        if (!(pq > 0.0) || !(rz > 0.0)) return false; // not positive definite (or a NaN)
        const double alpha = rz / pq;
        for (std::size_t i = 0; i < nf; ++i) {
            x[i] += alpha * p_[i];
            r_[i] -= alpha * q_[i];
        }
        stats.iterations++;
        if (std::sqrt(dot(r_, r_)) <= goal) {
            multiply(x, q_.data());
            for (std::size_t i = 0; i < nf; ++i) r_[i] = rhs[i] - q_[i];
            const double residual = std::sqrt(dot(r_, r_));
            if (residual <= goal || residual <= roundingFloor(x)) return true;
            restart = true;
            continue;
        }
        precondition(r_.data(), z_.data());
        const double rzNext = dot(r_, z_);
        const double beta = rzNext / rz;
        rz = rzNext;
        for (std::size_t i = 0; i < nf; ++i) p_[i] = z_[i] + beta * p_[i];
    }
    return false;
}

bool IterativeSolver::solve(double* b) {
    const double* a = a_;
    for (int u : heldRows_) known_[static_cast<std::size_t>(u)] = b[u] / a[pattern_->diagonalOffset(u)];
    for (const auto& s : sources_) known_[static_cast<std::size_t>(s.node)] = b[s.branch] / a[s.rowEntry];
    const auto nf = freeOld_.size();
    for (std::size_t p = 0; p < nf; ++p) rhs_[p] = b[freeOld_[p]];
    // The known unknowns' columns move to the right-hand side of the free rows.
    const auto& cp = pattern_->colPtr();
    const auto& ri = pattern_->rowIdx();
    for (int u : knownColumns_) {
        const double xu = known_[static_cast<std::size_t>(u)];
        if (xu == 0.0) continue;
        const auto c = static_cast<std::size_t>(u) - 1;
        for (int k = cp[c]; k < cp[c + 1]; ++k) {
            const int p = newOf_[static_cast<std::size_t>(ri[static_cast<std::size_t>(k)]) + 1];
            if (p >= 0) rhs_[static_cast<std::size_t>(p)] -= a[k] * xu;
        }
    }
    stats.solves++;
    if (!pcg(rhs_.data(), x_.data())) {
        stats.failures++;
        return false;
    }
    auto value = [&](int u) {
        const int p = newOf_[static_cast<std::size_t>(u)];
        return p >= 0 ? x_[static_cast<std::size_t>(p)] : known_[static_cast<std::size_t>(u)];
    };
    // Each source's current from its node's KCL row: a_{node,branch} i = b_node - sum of the others.
    std::vector<double> currents(sources_.size());
    for (std::size_t s = 0; s < sources_.size(); ++s) {
        const auto& source = sources_[s];
        double rest = b[source.node];
        for (const auto& [k, u] : source.nodeRow) rest -= a[k] * value(u);
        currents[s] = rest / a[source.nodeBranchEntry];
    }
    for (std::size_t p = 0; p < nf; ++p) b[freeOld_[p]] = x_[p];
    for (int u : heldRows_) b[u] = known_[static_cast<std::size_t>(u)];
    for (std::size_t s = 0; s < sources_.size(); ++s) {
        b[sources_[s].node] = known_[static_cast<std::size_t>(sources_[s].node)];
        b[sources_[s].branch] = currents[s];
    }
    return true;
}

} // namespace spinspice
