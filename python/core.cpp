// spinspice._core: the simulator library for Python (pybind11). Thin: the Python package
// (python/spinspice/__init__.py) wraps these into Result, Analysis and Circuit. Runs release the GIL;
// progress callbacks and Ctrl-C are served from the engine's progress hook with the GIL taken back.
#include "analysis/session.hpp"
#include "analysis/waveform_stream.hpp"
#include "core/diagnostics.hpp"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace py = pybind11;
using namespace spinspice;

namespace {

// Keeps every `every`-th row of each streamed transient (and its last row): long runs in bounded memory.
class DecimatingStream : public WaveformStream {
public:
    struct Table {
        std::string analysis;
        std::vector<std::string> names;
        std::vector<std::vector<double>> columns;
        std::vector<double> lastRow;
        long rows = 0;
        bool lastKept = false;
    };
    explicit DecimatingStream(long every) : every_(std::max(1L, every)) {}
    void begin(const std::string& analysis, const std::vector<std::string>& names) override {
        tables.push_back({analysis, names, std::vector<std::vector<double>>(names.size()), {}, 0, false});
    }
    void row(const std::vector<double>& values) override {
        Table& t = tables.back();
        t.lastKept = t.rows++ % every_ == 0;
        if (t.lastKept)
            for (std::size_t k = 0; k < values.size() && k < t.columns.size(); ++k) t.columns[k].push_back(values[k]);
        else
            t.lastRow = values;
    }
    void end() override {
        Table& t = tables.back();
        if (!t.lastKept && !t.lastRow.empty())
            for (std::size_t k = 0; k < t.lastRow.size() && k < t.columns.size(); ++k)
                t.columns[k].push_back(t.lastRow[k]);
    }
    std::vector<Table> tables;

private:
    long every_;
};

py::array_t<double> realArray(const std::vector<double>& v) {
    return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::array_t<std::complex<double>> complexArray(const std::vector<double>& re, const std::vector<double>& im) {
    py::array_t<std::complex<double>> a(static_cast<py::ssize_t>(re.size()));
    auto out = a.mutable_unchecked<1>();
    for (std::size_t k = 0; k < re.size(); ++k) out(static_cast<py::ssize_t>(k)) = {re[k], k < im.size() ? im[k] : 0.0};
    return a;
}

py::dict stepDict(const std::vector<std::pair<std::string, double>>& step) {
    py::dict d;
    for (const auto& [name, value] : step) d[py::str(name)] = value;
    return d;
}

py::dict statsDict(const AnalysisStats& s) {
    py::dict d;
    d["accepted"] = s.accepted;
    d["rejected"] = s.rejected;
    d["iterations"] = s.iterations;
    d["factorizations"] = s.factorizations;
    d["refactorizations"] = s.refactorizations;
    d["linear_iterations"] = s.linearIterations;
    d["solves"] = s.solves;
    d["time_eval"] = s.timeEval;
    d["time_factor"] = s.timeFactor;
    d["time_solve"] = s.timeSolve;
    d["time_total"] = s.timeTotal;
    return d;
}

py::dict analysisDict(const Waveforms& w, const DecimatingStream::Table* decimated) {
    py::dict d;
    d["name"] = w.name;
    d["type"] = w.type;
    d["sweep"] = w.sweep;
    d["complex"] = w.complex;
    py::dict signals;
    if (decimated) {
        for (std::size_t k = 0; k < decimated->names.size(); ++k)
            signals[py::str(decimated->names[k])] = realArray(decimated->columns[k]);
    } else {
        for (std::size_t k = 0; k < w.names.size(); ++k) {
            const bool isSweep = !w.sweep.empty() && k == 0;
            if (w.complex && !isSweep)
                signals[py::str(w.names[k])] = complexArray(w.re[k], w.im[k]);
            else
                signals[py::str(w.names[k])] = realArray(w.re[k]);
        }
    }
    d["signals"] = signals;
    py::dict measurements, measurementErrors;
    for (const auto& m : w.measurements) {
        if (m.error.empty())
            measurements[py::str(m.name)] = m.value;
        else
            measurementErrors[py::str(m.name)] = m.error;
    }
    d["measurements"] = measurements;
    d["measurement_errors"] = measurementErrors;
    d["step"] = stepDict(w.step);
    d["stats"] = statsDict(w.stats);
    d["error"] = w.error;
    d["interrupted"] = w.interrupted;
    d["warnings"] = w.warnings;
    py::list spectra;
    for (const auto& s : w.spectra) {
        py::dict sd;
        sd["signal"] = s.signal;
        sd["frequency"] = realArray(s.frequency);
        sd["psd"] = realArray(s.psd);
        sd["peak_frequency"] = s.peakFrequency;
        sd["peak_psd"] = s.peakPsd;
        sd["linewidth"] = s.linewidth;
        sd["error"] = s.error;
        spectra.append(sd);
    }
    d["spectra"] = spectra;
    py::list fourier;
    for (const auto& f : w.fourier) {
        py::dict fd;
        fd["signal"] = f.signal;
        fd["fundamental"] = f.fundamental;
        fd["dc"] = f.dc;
        fd["thd"] = f.thd;
        std::vector<double> mag, phase;
        for (const auto& h : f.harmonics) {
            mag.push_back(h.magnitude);
            phase.push_back(h.phase);
        }
        fd["magnitude"] = realArray(mag);
        fd["phase"] = realArray(phase);
        fd["error"] = f.error;
        fourier.append(fd);
    }
    d["fourier"] = fourier;
    return d;
}

py::dict resultDict(const NetlistRun& run, const DecimatingStream* stream, bool interrupted) {
    py::dict d;
    d["title"] = run.result.title;
    d["warnings"] = run.result.warnings;
    d["interrupted"] = interrupted;
    py::list analyses;
    std::size_t table = 0;
    for (const auto& w : run.result.analyses) {
        const DecimatingStream::Table* decimated = nullptr;
        if (stream && w.type == "tran" && table < stream->tables.size()) decimated = &stream->tables[table++];
        analyses.append(analysisDict(w, decimated));
    }
    d["analyses"] = analyses;
    py::list statistics;
    for (const auto& s : run.result.statistics) {
        py::dict sd;
        sd["analysis"] = s.analysis;
        sd["name"] = s.name;
        sd["step"] = stepDict(s.step);
        sd["count"] = s.count;
        sd["failed"] = s.failed;
        sd["mean"] = s.mean;
        sd["stddev"] = s.stddev;
        sd["min"] = s.min;
        sd["max"] = s.max;
        py::dict quantiles;
        for (std::size_t q = 0; q < s.quantiles.size(); ++q)
            quantiles[py::float_(MeasureStatistics::kQuantiles[q])] = s.quantiles[q];
        sd["quantiles"] = quantiles;
        sd["edges"] = realArray(s.edges);
        sd["counts"] = s.counts;
        statistics.append(sd);
    }
    d["statistics"] = statistics;
    return d;
}

// A run with the GIL released. The engine's progress hook (every 256 time steps, every .dc point) takes
// the GIL back to call the user's callback and to look for Ctrl-C; either stops the run through the
// observer's flag, keeping what was computed.
// Where a run's transient points go: every `decimate`-th into the result, or all to CSV files (`stream`,
// the CLI's --stream: the result then holds only what .meas/.print/.spectrum/.four read).
struct Output {
    long decimate = 1;
    std::string stream;
};

// What stopped a run from Python: Ctrl-C (KeyboardInterrupt), or an exception raised by the progress
// callback or by another signal handler (re-raised as it is).
struct Watch {
    bool interrupted = false;
    std::optional<py::error_already_set> error;
};

// Runs `work` on its own thread while this thread (Python's main thread: only it runs signal handlers)
// releases the GIL and looks for signals every 50 ms, setting `stop` (the engine's stop flag) on one.
// Called with the GIL held.
void runWatched(const std::function<void()>& work, std::atomic<bool>& stop, Watch& watch) {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::exception_ptr failure;
    py::gil_scoped_release release;
    std::thread worker([&] {
        try {
            work();
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
        finished.notify_one();
    });
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
        }
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) {
            py::error_already_set e; // takes the pending exception
            if (e.matches(PyExc_KeyboardInterrupt))
                watch.interrupted = true;
            else if (!watch.error)
                watch.error.emplace(std::move(e));
            stop = true;
        }
    }
    worker.join();
    if (failure) {
        py::gil_scoped_acquire gil; // the caller's exception translation needs it
        std::rethrow_exception(failure);
    }
}

template <class Body> py::dict runReleased(Body body, const py::object& progress, const Output& output) {
    if (output.decimate > 1 && !output.stream.empty())
        throw InputError("decimate and stream are exclusive: decimate keeps points in memory, stream writes all "
                         "of them to CSV");
    std::atomic<bool> stop{false};
    Watch watch;
    RunObserver observer;
    observer.stop = &stop;
    if (!progress.is_none())
        observer.progress = [&](const std::string& analysis, double fraction) {
            py::gil_scoped_acquire gil;
            if (watch.error) return;
            try {
                progress(analysis, fraction);
            } catch (py::error_already_set& e) { // stops the run; re-raised after it
                watch.error.emplace(std::move(e));
                stop = true;
            }
        };
    std::unique_ptr<DecimatingStream> stream;
    std::optional<CsvWaveformStream> csv;
    if (output.decimate > 1) {
        stream = std::make_unique<DecimatingStream>(output.decimate);
        observer.stream = stream.get();
    } else if (!output.stream.empty()) {
        csv.emplace(output.stream);
        observer.stream = &*csv;
    }
    NetlistRun run;
    runWatched([&] { run = body(observer); }, stop, watch);
    if (watch.error) throw std::move(*watch.error);
    return resultDict(run, stream.get(), watch.interrupted);
}

Session makeSession(const std::string& source, bool isText, const std::map<std::string, double>& options) {
    return isText ? Session::fromString(source, "<string>", options) : Session::fromFile(source, options);
}

// A Session used by one caller at a time (see the Session class binding).
class GuardedSession {
public:
    explicit GuardedSession(Session session) : session_(std::move(session)) {}
    class Use {
    public:
        explicit Use(GuardedSession& g) : g_(g) {
            if (g_.busy_.exchange(true))
                throw std::runtime_error("this Circuit is running in another thread; use one Circuit per thread "
                                         "(or simulate_many)");
        }
        ~Use() { g_.busy_ = false; }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;
        Session& session() { return g_.session_; }

    private:
        GuardedSession& g_;
    };

private:
    Session session_;
    std::atomic<bool> busy_{false};
};

} // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "spinspice simulator core (use the spinspice package)";
    m.attr("version") = SPINSPICE_VERSION;

    // Input errors become spinspice.InputError (a ValueError) with file, line, column, hint and the
    // CLI's report as the message.
    static py::exception<InputError> inputError(m, "InputError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const InputError& e) {
            const auto type = py::reinterpret_borrow<py::object>(inputError);
            py::object error = type(py::str(e.report()));
            error.attr("message") = e.message();
            error.attr("file") = e.loc().file;
            error.attr("line") = e.loc().line;
            error.attr("column") = e.loc().col;
            error.attr("hint") = e.hint();
            error.attr("source_line") = e.lineText();
            PyErr_SetObject(inputError.ptr(), error.ptr());
        }
    });

    m.def(
        "simulate",
        [](const std::string& source, bool isText, const std::map<std::string, double>& options,
           const std::map<std::string, double>& params, const py::object& progress, long decimate, int jobs,
           const std::string& stream) {
            Session session = makeSession(source, isText, options);
            session.setJobs(jobs);
            for (const auto& [name, value] : params) session.setParam(name, value);
            return runReleased([&](const RunObserver& o) { return session.run(o); }, progress,
                               Output{decimate, stream});
        },
        py::arg("source"), py::arg("is_text"), py::arg("options"), py::arg("params"), py::arg("progress"),
        py::arg("decimate") = 1, py::arg("jobs") = 1, py::arg("stream") = std::string());

    // Several parameter sets of one deck on threads: parsed once, each set elaborated and run on its own
    // thread (no state is shared between runs), results in the order of the sets.
    m.def(
        "simulate_many",
        [](const std::string& source, bool isText, const std::map<std::string, double>& options,
           const std::vector<std::map<std::string, double>>& sets, int jobs) {
            const Session prototype = makeSession(source, isText, options);
            std::vector<NetlistRun> runs(sets.size());
            std::vector<char> ran(sets.size(), 0);
            std::vector<std::exception_ptr> errors(sets.size());
            std::atomic<bool> stop{false};
            RunObserver observer;
            observer.stop = &stop;
            Watch watch;
            runWatched(
                [&] {
                    std::atomic<std::size_t> next{0};
                    auto worker = [&] {
                        for (std::size_t k = next++; k < sets.size() && !stop; k = next++) try {
                                Session s = prototype.clone();
                                for (const auto& [name, value] : sets[k]) {
                                    if (name == "seed")
                                        s.setOption("seed", value);
                                    else
                                        s.setParam(name, value);
                                }
                                runs[k] = s.run(observer);
                                ran[k] = !stop;
                            } catch (...) {
                                errors[k] = std::current_exception();
                            }
                    };
                    const int n = std::max(1, std::min<int>(jobs, static_cast<int>(sets.size())));
                    std::vector<std::thread> threads;
                    for (int t = 1; t < n; ++t) threads.emplace_back(worker);
                    worker();
                    for (auto& t : threads) t.join();
                },
                stop, watch);
            if (watch.error) throw std::move(*watch.error);
            py::list out;
            for (std::size_t k = 0; k < sets.size(); ++k) {
                if (errors[k]) std::rethrow_exception(errors[k]);
                if (ran[k])
                    out.append(resultDict(runs[k], nullptr, false));
                else
                    out.append(py::none()); // not run (or cut short) before Ctrl-C
            }
            py::dict d;
            d["results"] = out;
            d["interrupted"] = watch.interrupted;
            return d;
        },
        py::arg("source"), py::arg("is_text"), py::arg("options"), py::arg("sets"), py::arg("jobs"));

    // One Python Circuit: its session may run (GIL released) while another Python thread calls it; every
    // method takes the session exclusively and refuses a concurrent call rather than race.
    using S = GuardedSession;
    py::class_<S>(m, "Session")
        .def(py::init([](const std::string& source, bool isText, const std::map<std::string, double>& options) {
                 return std::make_unique<S>(makeSession(source, isText, options));
             }),
             py::arg("source"), py::arg("is_text"), py::arg("options"))
        .def("set_param", [](S& g, const std::string& n, double v) { S::Use(g).session().setParam(n, v); })
        .def("set_instance_param", [](S& g, const std::string& e, const std::string& p,
                                      double v) { S::Use(g).session().setInstanceParam(e, p, v); })
        .def("set_state", [](S& g, const std::string& n, double v) { S::Use(g).session().setState(n, v); })
        .def("set_option", [](S& g, const std::string& n, double v) { S::Use(g).session().setOption(n, v); })
        .def("set_jobs", [](S& g, int jobs) { S::Use(g).session().setJobs(jobs); })
        .def("carry_states", [](S& g) { return S::Use(g).session().carryStates(); })
        .def("clear_edits", [](S& g) { S::Use(g).session().clearEdits(); })
        .def("params", [](S& g) { return S::Use(g).session().params(); })
        .def("state_names", [](S& g) { return S::Use(g).session().stateNames(); })
        .def("last_states", [](S& g) { return S::Use(g).session().lastStates(); })
        .def(
            "run",
            [](S& g, const std::optional<std::string>& card, const py::object& progress, long decimate,
               const std::string& stream) {
                S::Use use(g);
                Session& s = use.session();
                return runReleased([&](const RunObserver& o) { return card ? s.run(*card, o) : s.run(o); }, progress,
                                   Output{decimate, stream});
            },
            py::arg("card") = std::nullopt, py::arg("progress") = py::none(), py::arg("decimate") = 1,
            py::arg("stream") = std::string());
}
