"""The Python module (python/core.cpp, python/spinspice): results equal the CLI's JSON on the regression
decks; dtypes and shapes; a Circuit re-run with changed parameters and states equals a fresh parse;
errors as exceptions; Ctrl-C keeps what was computed; threads and seeds; decimation.

Run by ctest (python_module) as: SPINSPICE_CLI=build/spinspice PYTHONPATH=build/python python3 -m pytest"""

import glob
import json
import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

import spinspice

HERE = os.path.dirname(os.path.abspath(__file__))
REGRESSION = sorted(glob.glob(os.path.join(HERE, "..", "regression", "*.cir")))
CLI = os.environ.get("SPINSPICE_CLI", os.path.join(HERE, "..", "..", "build", "spinspice"))

RC = """rc low-pass
.param rv=1k
v1 in 0 pulse(0 1 0 1n 1n 1 2) ac 1
r1 in out {rv}
c1 out 0 1n
.tran 10n 5u
.ac dec 5 1k 1meg
.meas tran t50 when v(out)=0.5
.end
"""

# A domain-wall memristor (fitted depinning law) written through a series resistor.
DW = """dw write
.param vw=0.5
.model w dwmtj (mode=2 len=200n rp=1k tmr=1 mu=2e-13 jdep=0.8e12 wtr=50n ttr=1n)
v1 a 0 dc {vw}
rs a b 200
n1 b 0 w q0={q0}
.tran 0.1n 5n
.end
"""

# Thermal noise: a stochastic superparamagnetic MTJ whose trajectory depends on the seed only.
NOISY = """p-bit telegraph
.model s smtj (delta=1 tau0=1n)
v1 a 0 1m
n1 a 0 s
.tran 10p 20n
.end
"""


def cli_json(path, tmp_path):
    out = tmp_path / "out.json"
    subprocess.run([CLI, path, "-o", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


@pytest.mark.parametrize("deck", REGRESSION, ids=[os.path.basename(p) for p in REGRESSION])
def test_regression_decks_equal_the_cli_json(deck, tmp_path):
    expected = cli_json(deck, tmp_path)
    result = spinspice.simulate(deck, check=False)
    assert len(result.analyses) == len(expected["analyses"])
    for got, want in zip(result.analyses, expected["analyses"]):
        assert got.name == want["name"] and got.type == want["type"]
        assert set(got) == set(want["signals"])
        for name, values in want["signals"].items():
            if isinstance(values, dict):  # complex: {"re": [...], "im": [...]}
                np.testing.assert_array_equal(got[name], np.array(values["re"]) + 1j * np.array(values["im"]))
            else:
                np.testing.assert_array_equal(got[name], np.array(values, dtype=float))
        want_meas = want.get("measurements", {})
        assert got.measurements == {k: v for k, v in want_meas.items() if not isinstance(v, dict)}
        assert got.measurement_errors == {k: v["error"] for k, v in want_meas.items() if isinstance(v, dict)}


def test_dtypes_shapes_and_measurements():
    r = spinspice.simulate(RC)
    tran, ac = r["tran1"], r["ac1"]
    assert tran["time"].dtype == np.float64 and tran["v(out)"].shape == tran["time"].shape
    assert ac["frequency"].dtype == np.float64 and ac["v(out)"].dtype == np.complex128
    assert ac["v(out)"].shape == (16,)
    # RC low-pass: |H| = 1/sqrt(1 + (w RC)^2), and the step crosses 0.5 at RC ln 2 (+ half the edge).
    w = 2 * np.pi * ac["frequency"]
    np.testing.assert_allclose(np.abs(ac["v(out)"]), 1 / np.sqrt(1 + (w * 1e-6) ** 2), rtol=1e-9)
    assert r.measurements["t50"] == pytest.approx(1e-6 * np.log(2) + 0.5e-9, rel=2e-3)
    assert tran.stats["accepted"] == len(tran["time"]) - 1
    with pytest.raises(KeyError, match="v\\(out\\)"):
        tran["v(nope)"]


def test_params_override_without_editing_the_text():
    r = spinspice.simulate(RC, params={"rv": 2e3})
    assert r.measurements["t50"] == pytest.approx(2e-6 * np.log(2) + 0.5e-9, rel=2e-3)


def test_step_results_are_indexable():
    r = spinspice.simulate(RC.replace(".ac dec 5 1k 1meg", ".step param rv list 1k 2k 4k"))
    steps = r["tran1"]
    assert len(steps) == 3
    np.testing.assert_array_equal(steps.values("rv"), [1e3, 2e3, 4e3])
    np.testing.assert_allclose(steps.measurement("t50"), np.array([1, 2, 4]) * 1e-6 * np.log(2) + 0.5e-9, rtol=3e-3)
    assert steps[2]["v(out)"][-1] < steps[0]["v(out)"][-1]


def test_circuit_rerun_with_changes_equals_a_fresh_parse():
    c = spinspice.Circuit(DW.replace("{q0}", "50n"))
    first = c.run()["tran1"]["n1.q"][-1]
    c.set_param(vw=0.8)
    changed = c.run()["tran1"]
    fresh = spinspice.simulate(DW.replace("{q0}", "50n"), params={"vw": 0.8})["tran1"]
    np.testing.assert_array_equal(changed["n1.q"], fresh["n1.q"])
    assert changed["n1.q"][-1] - 50e-9 > 1.5 * (first - 50e-9)
    c.set_instance("n1", q0=20e-9).set_instance("rs", r=400)
    fresh = spinspice.simulate(DW.replace("{q0}", "20n").replace("rs a b 200", "rs a b 400"), params={"vw": 0.8})
    np.testing.assert_array_equal(c.run()["tran1"]["n1.q"], fresh["tran1"]["n1.q"])
    assert c.params == {"vw": 0.8}
    # States: two 5 ns pulses carried one into the next equal one 10 ns pulse.
    c.reset()
    once = c.run()["tran1"]["n1.q"][-1]
    assert c.carry_states() >= 1 and c.state("n1.q") == once
    twice = c.run()["tran1"]["n1.q"][-1]
    ten = spinspice.simulate(DW.replace("{q0}", "50n").replace(".tran 0.1n 5n", ".tran 0.1n 10n"))
    assert twice - 50e-9 == pytest.approx(ten["tran1"]["n1.q"][-1] - 50e-9, rel=1e-3)
    # set_state, then a read with another analysis card.
    c.set_state("n1.q", 150e-9)
    read = c.run(".op")["op1"]["i(v1)"][0]
    fresh = spinspice.simulate(DW.replace("{q0}", "150n").replace(".tran 0.1n 5n", ".op"))["op1"]["i(v1)"][0]
    assert read == pytest.approx(fresh, rel=1e-12)  # "150n" parses to 1.5000000000000002e-07
    assert "n1.q" in c.state_names


def test_errors_are_exceptions_with_locations():
    with pytest.raises(spinspice.InputError) as e:
        spinspice.simulate("t\nr1 a 0 1k\nq1 a b c\n.op\n")
    assert (e.value.file, e.value.line, e.value.column) == ("<string>", 3, 1)
    assert "element letters" in e.value.hint and isinstance(e.value, ValueError)
    with pytest.raises(spinspice.InputError, match="vw"):
        spinspice.Circuit(DW.replace("{q0}", "50n")).set_param(vx=1)
    with pytest.raises(spinspice.InputError, match="n1.q"):
        spinspice.Circuit(DW.replace("{q0}", "50n")).set_state("n1.x", 1)
    with pytest.raises(spinspice.InputError, match="q0"):
        spinspice.Circuit(DW.replace("{q0}", "50n")).set_instance("n1", q00=1)
    with pytest.raises(spinspice.InputError):
        spinspice.simulate("/nonexistent/deck.cir")
    # A failed analysis keeps its data: a current source into a capacitor-only node has no DC path,
    # found before the run; a transient that cannot converge: a step too small.
    with pytest.raises(spinspice.SimulationError) as e:
        spinspice.simulate("t\nv1 a 0 pwl(0 0 1n 1)\nd1 a 0 dmod\n.model dmod d (is=1e-14)\n"
                           ".options itl4=1 reltol=1e-12 abstol=1e-30 vntol=1e-30\n.tran 1p 2n\n")
    assert e.value.result.analyses[0].error


# A transient of about a million points (a 1 MHz sine for 20 ms): about a second.
LONG = RC.replace("pulse(0 1 0 1n 1n 1 2)", "sin(0 1 1meg)").replace(".tran 10n 5u", ".tran 1u 20m").replace(
    ".ac dec 5 1k 1meg\n", "")


def test_ctrl_c_stops_the_run_and_keeps_what_was_computed():
    long_run = LONG
    sent = []

    def press_ctrl_c(analysis, fraction):  # from the engine's thread, once the run is under way
        if not sent and fraction > 1e-4:
            sent.append(fraction)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(spinspice.Interrupted) as e:
        spinspice.simulate(long_run, progress=press_ctrl_c, check=False)
    tran = e.value.result["tran1"]
    assert 10 < len(tran["time"]) and tran["time"][-1] < 20e-3
    assert isinstance(e.value, KeyboardInterrupt)


def test_ctrl_c_stops_simulate_many():
    long_run = LONG
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(spinspice.Interrupted) as e:
            spinspice.simulate_many(long_run, [{"rv": 1e3 * (k + 1)} for k in range(8)], jobs=2)
    finally:
        timer.cancel()
    assert len(e.value.result) == 8 and any(r is None for r in e.value.result)


def test_one_circuit_is_not_run_from_two_threads_at_once():
    c = spinspice.Circuit(LONG)
    errors = []
    started, tried = threading.Event(), threading.Event()

    def other():
        started.wait()
        try:
            c.set_param(rv=2e3)
        except RuntimeError as err:
            errors.append(str(err))
        finally:
            tried.set()

    def progress(analysis, fraction):  # holds the run until the other thread has tried
        if not started.is_set():
            started.set()
            tried.wait(10)

    t = threading.Thread(target=other)
    t.start()
    c.run(".tran 1u 2m", progress=progress)
    t.join()
    assert errors and "another thread" in errors[0]


def test_progress_callback_and_its_exception():
    seen = []
    spinspice.simulate(RC.replace(".tran 10n 5u", ".tran 1n 20u"), progress=lambda a, f: seen.append((a, f)))
    assert seen and all(a == "tran1" for a, _ in seen)
    assert all(0 <= f <= 1 for _, f in seen) and seen == sorted(seen)

    def stop(analysis, fraction):
        raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        spinspice.simulate(RC.replace(".tran 10n 5u", ".tran 1n 20u"), progress=stop)


def test_decimation_keeps_every_kth_point_and_the_last():
    full = spinspice.simulate(RC)["tran1"]
    dec = spinspice.simulate(RC, decimate=10)["tran1"]
    n = len(full["time"])
    expected = np.append(full["time"][::10], full["time"][-1]) if (n - 1) % 10 else full["time"][::10]
    np.testing.assert_array_equal(dec["time"], expected)
    np.testing.assert_array_equal(dec["v(out)"], np.interp(dec["time"], full["time"], full["v(out)"]))


def test_seeds_and_threads():
    a = spinspice.simulate(NOISY, seed=3)["tran1"]["n1.state"]
    b = spinspice.simulate(NOISY, seed=3)["tran1"]["n1.state"]
    c = spinspice.simulate(NOISY, seed=4)["tran1"]["n1.state"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    sets = [{"seed": s} for s in range(6)]
    parallel = spinspice.simulate_many(NOISY, sets, jobs=2)
    serial = [spinspice.simulate(NOISY, seed=s) for s in range(6)]
    for p, s in zip(parallel, serial):
        np.testing.assert_array_equal(p["tran1"]["n1.state"], s["tran1"]["n1.state"])
    runs = spinspice.simulate_many(RC, [{"rv": 1e3}, {"rv": 3e3}], jobs=2)
    assert runs[1].measurements["t50"] == pytest.approx(3 * runs[0].measurements["t50"], rel=3e-3)


def test_plot_helpers_draw(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    r = spinspice.simulate(RC)
    ax = spinspice.plot_waveforms(r["tran1"], ["v(out)"])
    assert len(ax.lines) == 1
    f, p = spinspice.plot.spectrum(np.linspace(0, 1e-6, 4001), np.sin(2 * np.pi * 50e6 * np.linspace(0, 1e-6, 4001)))
    assert abs(f[np.argmax(p)] - 50e6) < 2 * (f[1] - f[0])
    ax = spinspice.plot_histogram([(0, 1), (0, 1), (1, 1)], exact={(0, 1): 0.5, (1, 1): 0.5})
    assert len(ax.patches) == 4
    ax.figure.savefig(tmp_path / "h.png")


def run_tutorial(name, tmp_path):
    path = os.path.join(HERE, "..", "..", "examples", "python", name)
    r = subprocess.run([sys.executable, path], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_tutorial_pbit_network_samples_its_boltzmann_distribution(tmp_path):
    out = run_tutorial("pbit_boltzmann.py", tmp_path)
    rows = [line.rsplit(None, 2) for line in out.splitlines()[1:]]
    assert len(rows) == 8
    # 20 000 samples 1 ns apart, correlated over a few update times (tau = 1 ns): within 0.03 of each
    # probability (about 4 standard errors of a 0.25 state with ~3 ns correlation).
    for _, sampled, exact in rows:
        assert abs(float(sampled) - float(exact)) < 0.03
    assert (tmp_path / "pbit_boltzmann.png").stat().st_size > 1000


def test_tutorial_write_error_rate_falls_with_the_current(tmp_path):
    out = run_tutorial("write_error_rate.py", tmp_path)
    wer = [float(line.split("WER = ")[1].split()[0]) for line in out.splitlines()]
    assert len(wer) == 3 and wer[0] > wer[1] > wer[2]
    assert wer[0] > 0.4 and wer[2] < 0.25  # 1.3 Ic0 mostly fails, 1.75 Ic0 mostly switches


def test_stream_writes_every_point_to_csv(tmp_path):
    full = spinspice.simulate(RC)["tran1"]
    path = tmp_path / "rc.csv"
    r = spinspice.simulate(RC, stream=path)
    data = np.genfromtxt(path, delimiter=",", names=True)
    np.testing.assert_allclose(data["time"], full["time"], rtol=1e-15)
    assert r.measurements["t50"] == full.measurements["t50"]  # .meas still sees every point
    with pytest.raises(spinspice.InputError, match="exclusive"):
        spinspice.simulate(RC, stream=path, decimate=2)


def test_monte_carlo_samples_and_statistics():
    deck = ("mc divider\n.param rtop=agauss(1k, 100, 1)\nv1 in 0 1\nr1 in out {rtop}\nr2 out 0 {gauss(1k, 0.05, 1)}\n"
            ".dc v1 1 1 1 sweep monte=400\n.meas dc vout find v(out) at=1\n")
    r = spinspice.simulate(deck, seed=3)
    samples = r["dc1"]
    assert len(samples) == 400
    np.testing.assert_array_equal(samples.values("monte"), np.arange(400))
    v = samples.measurement("vout")
    (stats,) = r.statistics
    assert stats["count"] == 400 and stats["mean"] == pytest.approx(v.mean(), rel=1e-12)
    assert stats["stddev"] == pytest.approx(v.std(ddof=1), rel=1e-10)
    assert stats["quantiles"][0.5] == pytest.approx(np.quantile(v, 0.5), rel=1e-12)
    # Against the closed form sampled in numpy: mean 0.5 and sigma 0.0282 (within 4 standard errors).
    assert abs(v.mean() - 0.5) < 4 * 0.0282 / np.sqrt(400)
    np.testing.assert_array_equal(spinspice.simulate(deck, seed=3, jobs=1)["dc1"].measurement("vout"), v)


def test_hopfield_recall_circuit_equals_a_fresh_netlist_per_recall():
    # issue 13's learning-loop API: one parsed recall circuit, walls and start pattern set per recall.
    sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
    import hopfield as hf
    rng = np.random.default_rng(5)
    patterns = np.array([hf.glyph3(hf.GLYPHS3[c]) for c in hf.GLYPHS3])
    bar = hf.Crossbar(9, rng=rng, mu_spread=0.3)
    reader = hf.RecallCircuit(bar)
    for k in range(3):
        bar.q = rng.uniform(0, hf.DW["len"], size=bar.q.shape)  # other walls, as after programming
        start = patterns[k] * np.where(rng.random(9) < 0.2, -1, 1)
        level, volts, moved = reader.recall(bar, start)
        level_ref, volts_ref, moved_ref = hf.recall(bar, start)
        np.testing.assert_array_equal(level, level_ref)
        np.testing.assert_allclose(volts, volts_ref, rtol=1e-9, atol=1e-12)
        assert moved == pytest.approx(moved_ref, rel=1e-6, abs=1e-15)
