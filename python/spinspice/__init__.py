"""spinspice: a SPICE-like circuit simulator with compact spintronic device models, for Python.

    import spinspice
    r = spinspice.simulate("rc.cir")                  # a path, or netlist text (several lines)
    v = r["tran1"]["v(out)"]                           # numpy arrays; complex for .ac
    r["tran1"].measurements["tdelay"]                  # .meas results

    c = spinspice.Circuit(text)                        # parsed and elaborated once
    c.set_param(vprog=0.4)                             # .param values
    c.set_instance("n1", q0=50e-9)                     # instance parameters
    c.set_state("n1.q", 80e-9)                         # device states (initial values)
    r = c.run(".tran 1n 20n")                          # any analysis card, or the deck's own
    c.carry_states()                                   # final states -> next run's initial ones
    c.state("n1.q")                                    # a state's value at the end of the last run

Errors in the netlist raise InputError (a ValueError) with .file, .line, .column and .hint; a failed
analysis raises SimulationError with the partial .result; Ctrl-C stops a run and raises Interrupted (a
KeyboardInterrupt) with what was computed in .result.
"""

from collections.abc import Mapping, Sequence
import os

import numpy as np

from . import _core
from ._core import InputError

__all__ = ["simulate", "simulate_many", "Circuit", "Result", "Analysis", "Steps", "InputError",
           "SimulationError", "Interrupted", "version"]
__version__ = version = _core.version


class SimulationError(RuntimeError):
    """An analysis failed (no convergence, singular matrix, time step too small); .result keeps the data."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped the run; .result keeps what was computed (simulate_many: a list with None for the
    runs that did not finish)."""

    def __init__(self, result):
        super().__init__("interrupted")
        self.result = result


class Analysis(Mapping):
    """One analysis' results: signal name -> numpy array (the sweep variable under its own name:
    "time", "frequency", the swept source). Also .measurements, .stats, .step, .spectra, .fourier."""

    def __init__(self, data):
        self._data = data
        self.name = data["name"]
        self.type = data["type"]
        self.sweep = data["sweep"]
        self.signals = data["signals"]
        self.measurements = data["measurements"]
        self.measurement_errors = data["measurement_errors"]
        self.step = data["step"]
        self.stats = data["stats"]
        self.error = data["error"]
        self.warnings = data["warnings"]
        self.spectra = data["spectra"]
        self.fourier = data["fourier"]

    def __getitem__(self, signal):
        try:
            return self.signals[signal.lower()]
        except KeyError:
            raise KeyError(f"{self.name} has no signal {signal!r}; it has {', '.join(self.signals)}") from None

    def __iter__(self):
        return iter(self.signals)

    def __len__(self):
        return len(self.signals)

    def __repr__(self):
        points = len(next(iter(self.signals.values()))) if self.signals else 0
        step = f", step {self.step}" if self.step else ""
        return f"<Analysis {self.name}: {len(self.signals)} signals x {points} points{step}>"


class Steps(Sequence):
    """The runs of one analysis under .step (or simulate_many): a sequence of Analysis, with the step
    values and the measurements as arrays over the steps."""

    def __init__(self, analyses):
        self._analyses = analyses
        self.name = analyses[0].name

    def __getitem__(self, k):
        return self._analyses[k]

    def __len__(self):
        return len(self._analyses)

    def values(self, param):
        """The values of a .step parameter, one per step."""
        return np.array([a.step[param.lower()] for a in self._analyses])

    def measurement(self, name):
        """A .meas result over the steps (nan where it could not be evaluated)."""
        return np.array([a.measurements.get(name.lower(), np.nan) for a in self._analyses])

    def stack(self, signal):
        """A signal over the steps as a 2-D array (steps x points); the steps must have equal lengths."""
        return np.stack([a[signal] for a in self._analyses])

    def __repr__(self):
        return f"<Steps {self.name}: {len(self)} runs>"


class Result(Mapping):
    """All analyses of a run: result["tran1"] is an Analysis (a Steps under .step); result.analyses
    lists them in run order. Also .title, .warnings, .measurements (of every analysis, by name) and
    .stats (summed)."""

    def __init__(self, data):
        self.title = data["title"]
        self.warnings = data["warnings"]
        self.interrupted = data["interrupted"]
        self.analyses = [Analysis(a) for a in data["analyses"]]
        # Monte-Carlo runs (monte=N): per analysis and .meas, count, failed, mean, stddev, min, max,
        # quantiles {0.05: ...}, histogram edges and counts over the samples.
        self.statistics = data["statistics"]
        self._by_name = {}
        for a in self.analyses:
            self._by_name.setdefault(a.name, []).append(a)

    def __getitem__(self, name):
        runs = self._by_name.get(name.lower())
        if runs is None:
            raise KeyError(f"no analysis {name!r}; the run has {', '.join(self._by_name) or 'none'}")
        return runs[0] if len(runs) == 1 and not runs[0].step else Steps(runs)

    def __iter__(self):
        return iter(self._by_name)

    def __len__(self):
        return len(self._by_name)

    @property
    def measurements(self):
        out = {}
        for a in self.analyses:
            out.update(a.measurements)
        return out

    @property
    def stats(self):
        total = {}
        for a in self.analyses:
            for k, v in a.stats.items():
                total[k] = total.get(k, 0) + v
        return total

    @property
    def errors(self):
        return [f"{a.name}: {a.error}" for a in self.analyses if a.error]

    def __repr__(self):
        return f"<Result {self.title!r}: {', '.join(self._by_name)}>"


def _source(source):
    """(text or path, is_text): netlist text has several lines; anything else is a path."""
    if isinstance(source, os.PathLike):
        return os.fspath(source), False
    return source, "\n" in source


def _options(seed, options):
    out = {k.lower(): float(v) for k, v in (options or {}).items()}
    if seed is not None:
        out["seed"] = float(seed)
    return out


def _finish(data, check):
    result = Result(data)
    if data["interrupted"]:
        raise Interrupted(result)
    if check and result.errors:
        raise SimulationError("; ".join(result.errors), result)
    return result


def simulate(source, *, seed=None, params=None, options=None, progress=None, decimate=1, stream=None, jobs=None,
             check=True):
    """Runs every analysis of a netlist (a path, or the text itself) and returns a Result.

    seed: the random streams' seed (as the CLI's --seed); params: top-level .param values to override;
    options: .options values (numbers); progress: called as progress(analysis, fraction) during long
    analyses (an exception raised in it stops the run and propagates); decimate: keep every k-th transient point (and the last),
    so that long runs fit in memory; stream: a CSV path that receives every transient point as it is
    computed (the CLI's --stream; the result keeps only what .meas/.print/.spectrum/.four read); jobs: threads for the .step points (default: the cores; the results
    do not depend on it); check: raise SimulationError when an analysis fails."""
    data = _core.simulate(*_source(source), _options(seed, options),
                          {k.lower(): float(v) for k, v in (params or {}).items()}, progress, int(decimate),
                          int(jobs or os.cpu_count() or 1), os.fspath(stream) if stream else "")
    return _finish(data, check)


def simulate_many(source, sets, *, jobs=None, options=None, check=True):
    """Runs one netlist for every dict of .param values in `sets` (a "seed" key sets the seed) on
    `jobs` threads (default: the cores), parsing it once. Returns one Result per set, in order."""
    jobs = jobs or os.cpu_count() or 1
    sets = [{k.lower(): float(v) for k, v in s.items()} for s in sets]
    data = _core.simulate_many(*_source(source), _options(None, options), sets, int(jobs))
    results = [None if d is None else Result(d) for d in data["results"]]
    if data["interrupted"]:
        raise Interrupted(results)  # .result: the finished runs, None for the others
    if check:
        for r in results:
            if r.errors:
                raise SimulationError("; ".join(r.errors), r)
    return results


class Circuit:
    """A netlist parsed and elaborated once, run many times with changed parameters and states."""

    def __init__(self, source, *, seed=None, options=None, jobs=None):
        self._session = _core.Session(*_source(source), _options(seed, options))
        self._session.set_jobs(int(jobs or os.cpu_count() or 1))  # threads for .step points

    @property
    def params(self):
        """Top-level .param values (with the changes made here)."""
        return dict(self._session.params())

    def set_param(self, **values):
        for name, value in values.items():
            self._session.set_param(name, float(value))
        return self

    def set_instance(self, element, **values):
        """Instance parameters of one element: set_instance("n1", q0=5e-8), set_instance("v1", dc=0.3)."""
        for name, value in values.items():
            self._session.set_instance_param(element, name, float(value))
        return self

    def set_option(self, **values):
        for name, value in values.items():
            self._session.set_option(name, float(value))
        return self

    def set_state(self, name, value):
        """A device state's value in DC analyses and at the start of a transient ("n1.q", "m1.mz")."""
        self._session.set_state(name, float(value))
        return self

    def set_states(self, values):
        """Several states at once: {name: value}."""
        for name, value in values.items():
            self._session.set_state(name, float(value))
        return self

    @property
    def state_names(self):
        return list(self._session.state_names())

    @property
    def states(self):
        """Every state's final value after the last run."""
        return dict(self._session.last_states())

    def state(self, name):
        try:
            return self._session.last_states()[name.lower()]
        except KeyError:
            raise KeyError(f"no state {name!r} after the last run (states: "
                           f"{', '.join(self._session.state_names())})") from None

    def carry_states(self):
        """The last run's final states become the next run's initial ones; returns how many."""
        return self._session.carry_states()

    def reset(self):
        """Forgets every change: the deck as written."""
        self._session.clear_edits()
        return self

    def run(self, analysis=None, *, progress=None, decimate=1, stream=None, check=True):
        """Runs the deck's analyses, or one analysis card (".op", ".tran 1n 20n", ".ac dec 10 1 1g");
        progress, decimate and stream as for simulate()."""
        return _finish(self._session.run(analysis, progress, int(decimate), os.fspath(stream) if stream else ""),
                       check)


from .plot import plot_waveforms, plot_spectrum, plot_sweep, plot_histogram  # noqa: E402

__all__ += ["plot_waveforms", "plot_spectrum", "plot_sweep", "plot_histogram"]
