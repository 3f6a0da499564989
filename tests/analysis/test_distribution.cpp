// Runs split over processes (TaskDistribution; MPI in the CLI, tests/cli/mpi_ranks.py): the byte
// encoding of results is exact in every field, and a run split over 3 in-process "ranks" gives rank 0
// the single-process result, sample for sample and bit for bit, with the Monte-Carlo summary; errors of
// a task travel with their location.
#include "analysis/result_codec.hpp"
#include "analysis/run_netlist.hpp"
#include "core/diagnostics.hpp"
#include "netlist/parser.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace spinspice;

namespace {

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!sameBits(a[i], b[i])) return false;
    return true;
}

void checkSame(const Waveforms& a, const Waveforms& b) {
    CHECK(a.name == b.name);
    CHECK(a.type == b.type);
    CHECK(a.sweep == b.sweep);
    CHECK(a.complex == b.complex);
    CHECK(a.names == b.names);
    REQUIRE(a.re.size() == b.re.size());
    for (std::size_t k = 0; k < a.re.size(); ++k) CHECK(sameBits(a.re[k], b.re[k]));
    REQUIRE(a.im.size() == b.im.size());
    for (std::size_t k = 0; k < a.im.size(); ++k) CHECK(sameBits(a.im[k], b.im[k]));
    CHECK(a.error == b.error);
    CHECK(a.step == b.step);
    REQUIRE(a.measurements.size() == b.measurements.size());
    for (std::size_t k = 0; k < a.measurements.size(); ++k) {
        CHECK(a.measurements[k].name == b.measurements[k].name);
        CHECK(sameBits(a.measurements[k].value, b.measurements[k].value));
        CHECK(a.measurements[k].error == b.measurements[k].error);
    }
    CHECK(a.stats.accepted == b.stats.accepted);
    CHECK(a.stats.iterations == b.stats.iterations);
    CHECK(a.warnings == b.warnings);
    CHECK(a.interrupted == b.interrupted);
}

// R "ranks" in one process: ranks 1 .. R-1 run first and leave their payloads, rank 0 collects them.
class LocalRanks final : public TaskDistribution {
public:
    LocalRanks(int rank, int size, std::vector<std::string>* mailbox) : rank_(rank), size_(size), mailbox_(mailbox) {}
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    std::vector<std::string> gather(const std::string& mine) override {
        if (rank_ != 0) {
            mailbox_->push_back(mine);
            return {};
        }
        return *mailbox_;
    }

private:
    int rank_, size_;
    std::vector<std::string>* mailbox_;
};

NetlistRun runSplit(const std::string& deck, int ranks, int jobs) {
    std::vector<std::string> mailbox;
    for (int r = 1; r < ranks; ++r) {
        LocalRanks other(r, ranks, &mailbox);
        DeckEdits edits;
        edits.jobs = jobs;
        edits.distribution = &other;
        const NetlistRun run = simulateDeck(netlist::parseDeckString(deck, "split.cir"), {}, {}, edits);
        CHECK(run.secondary);
        CHECK(run.result.analyses.empty());
    }
    LocalRanks first(0, ranks, &mailbox);
    DeckEdits edits;
    edits.jobs = jobs;
    edits.distribution = &first;
    return simulateDeck(netlist::parseDeckString(deck, "split.cir"), {}, {}, edits);
}

} // namespace

TEST_CASE("result codec: a decoded Waveforms equals the encoded one in every field") {
    Waveforms w;
    w.name = "tran1";
    w.type = "tran";
    w.sweep = "time";
    w.complex = true;
    w.names = {"time", "v(a)", ""};
    w.re = {{0.0, 1e-9, 2e-9}, {-0.0, std::numeric_limits<double>::quiet_NaN(), 1e300}, {}};
    w.im = {{}, {0.5, -std::numeric_limits<double>::infinity(), 5e-324}, {}};
    w.stats.accepted = 3;
    w.stats.iterations = 1L << 40;
    w.stats.timeTotal = 0.25;
    w.error = "timestep too small";
    w.step = {{"r", 1e3}, {"monte", 7}};
    w.measurements = {{"m1", 2.5, ""}, {"m2", 0, "TRIG condition never met"}};
    SpectrumResult s;
    s.signal = "v(a)";
    s.frequency = {1, 2};
    s.psd = {3, 4};
    s.peakFrequency = 2;
    s.linewidth = 1e6;
    s.stop = 1e-6;
    w.spectra = {s};
    FourierResult f;
    f.signal = "v(a)";
    f.fundamental = 1e9;
    f.thd = 0.1;
    f.gridSize = 200;
    f.degree = 1;
    f.harmonics = {{0, 0, 1, 0, 0, 0}, {1, 1e9, 0.5, -90, 1, 0}};
    w.fourier = {f};
    w.warnings = {"w1", "w2"};
    w.interrupted = true;

    ByteWriter out;
    encodeWaveforms(out, w);
    ByteReader in(out.bytes());
    const Waveforms back = decodeWaveforms(in);
    CHECK(in.done());
    checkSame(w, back);
    CHECK(sameBits(back.stats.timeTotal, 0.25));
    REQUIRE(back.spectra.size() == 1);
    CHECK(back.spectra[0].frequency == s.frequency);
    CHECK(back.spectra[0].psd == s.psd);
    CHECK(back.spectra[0].linewidth == s.linewidth);
    CHECK(back.spectra[0].stop == s.stop);
    REQUIRE(back.fourier.size() == 1);
    CHECK(back.fourier[0].gridSize == 200);
    CHECK(back.fourier[0].thd == 0.1);
    REQUIRE(back.fourier[0].harmonics.size() == 2);
    CHECK(back.fourier[0].harmonics[1].phase == -90);

    // Truncated data is an error, not a crash or a huge allocation.
    for (std::size_t cut : {std::size_t{0}, std::size_t{5}, out.bytes().size() / 2, out.bytes().size() - 1}) {
        ByteReader partial(std::string_view(out.bytes()).substr(0, cut));
        CHECK_THROWS_AS(decodeWaveforms(partial), std::runtime_error);
    }
}

TEST_CASE("result codec: a task's error keeps its kind, location, line and hint") {
    ByteWriter out;
    encodeError(out,
                std::make_exception_ptr(InputError("bad value", SourceLoc{"a.cir", 3, 7}, "r1 a 0 -1", "positive")));
    encodeError(out, std::make_exception_ptr(SimulationError("no convergence", SourceLoc{"a.cir", 9, 1})));
    encodeError(out, nullptr);
    ByteReader in(out.bytes());
    try {
        std::rethrow_exception(decodeError(in));
    } catch (const InputError& e) {
        CHECK(e.message() == "bad value");
        CHECK(e.loc().str() == "a.cir:3:7");
        CHECK(e.lineText() == "r1 a 0 -1");
        CHECK(e.hint() == "positive");
    }
    try {
        std::rethrow_exception(decodeError(in));
    } catch (const InputError&) {
        FAIL("a simulation error came back as bad input");
    } catch (const SimulationError& e) {
        CHECK(std::string(e.what()) == "no convergence");
        CHECK(e.loc().line == 9);
    }
    CHECK(decodeError(in) == nullptr);
    CHECK(in.done());
}

TEST_CASE("distributed run: 3 ranks give rank 0 the single-process result, sample for sample") {
    // Monte Carlo (7 samples of a .dc, with a .meas summary) under a 2-point .step, plus a nominal .op:
    // 2 x (1 + 7) tasks over 3 ranks, 2 threads each.
    const std::string deck = "split\n.param rv=agauss(1k, 100, 1)\n.param scale=1\nv1 in 0 1\nr1 in out {rv}\n"
                             "r2 out 0 {1k*scale}\nc1 out 0 1n\n.step param scale list 1 2\n.op\n"
                             ".dc v1 0 1 0.5 sweep monte=7\n.meas dc vo find v(out) at=1\n.options seed=5\n.end\n";
    const NetlistRun serial = simulateNetlistString(deck, "split.cir", {}, {}, 1);
    const NetlistRun split = runSplit(deck, 3, 2);
    CHECK_FALSE(split.secondary);
    REQUIRE(serial.result.analyses.size() == 2 * (1 + 7));
    REQUIRE(split.result.analyses.size() == serial.result.analyses.size());
    for (std::size_t k = 0; k < serial.result.analyses.size(); ++k) {
        CAPTURE(k);
        checkSame(split.result.analyses[k], serial.result.analyses[k]);
    }
    // The samples differ from each other (the split did not hand out one sample many times).
    CHECK(serial.result.analyses[1].measurements[0].value != serial.result.analyses[2].measurements[0].value);
    REQUIRE(split.result.statistics.size() == serial.result.statistics.size());
    REQUIRE_FALSE(serial.result.statistics.empty());
    for (std::size_t k = 0; k < serial.result.statistics.size(); ++k) {
        CHECK(sameBits(split.result.statistics[k].mean, serial.result.statistics[k].mean));
        CHECK(sameBits(split.result.statistics[k].stddev, serial.result.statistics[k].stddev));
        CHECK(split.result.statistics[k].counts == serial.result.statistics[k].counts);
    }
    // More ranks than tasks: the extra ranks run only task 0, and rank 0 still has everything.
    const NetlistRun many = runSplit(deck, 20, 1);
    REQUIRE(many.result.analyses.size() == serial.result.analyses.size());
    for (std::size_t k = 0; k < serial.result.analyses.size(); ++k)
        CHECK(sameBits(many.result.analyses[k].re.back(), serial.result.analyses[k].re.back()));
}

TEST_CASE("distributed run: a payload with another rank's task is refused") {
    const std::string deck = "t\n.param rv=agauss(1k, 100, 1)\nv1 in 0 1\nr1 in 0 {rv}\n.op sweep monte=4\n.end\n";
    std::vector<std::string> mailbox;
    LocalRanks rank1(1, 2, &mailbox);
    DeckEdits edits;
    edits.distribution = &rank1;
    simulateDeck(netlist::parseDeckString(deck, "t.cir"), {}, {}, edits);
    REQUIRE(mailbox.size() == 1);
    LocalRanks rank0(0, 3, &mailbox); // rank 0 of 3 reads rank 1-of-2's tasks as rank 1's: 3 % 3 != 1
    edits.distribution = &rank0;
    CHECK_THROWS_AS(simulateDeck(netlist::parseDeckString(deck, "t.cir"), {}, {}, edits), std::runtime_error);
}
