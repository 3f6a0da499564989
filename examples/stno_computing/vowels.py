#!/usr/bin/env python3
"""Vowel recognition by synchronisation of four coupled STNOs (Romera et al., Nature 563, 230 (2018)).

Each vowel token is a pair of formants (F1, F2), mapped linearly onto the frequencies fA, fB of two RF
currents injected into the network of stno_network.py (four vortex-like oscillators on a common RF bus).
The network's answer is its synchronisation configuration, read from the transient: per oscillator locked
to A, locked to B (mean frequencies equal over the 2 us window) or free. Each vowel class owns a target
configuration. A token is classified exactly when its configuration is a class's target, and nearest as the
class whose target differs in the fewest oscillators (ties: no answer). Reported too: a pattern table
(every configuration seen in training names the majority class of its tokens).

The design, in software on the training tokens (the paper fixes the encoding and each vowel's
configuration before learning): the two linear maps (which part of the band each formant's range covers;
the two parts apart) and the targets, those of the best ideal networks -- each oscillator locking to the
nearer source within its Adler half-width -- found by four random and local searches over the maps and
four free frequencies. Each search's design gets one epoch of the rule through the circuit; the one the
rule takes furthest is trained on.

Learning (as in the paper): the DC currents, hence the free-running frequencies, are tuned by a rule that
moves each oscillator toward the target class's configuration: for a token whose configuration is not its
class's target, an oscillator that should lock to A (B) and does not moves its free frequency a fixed step
toward fA (fB), one locked to a source it should not follow a step away from it; only oscillators within
twice their Adler half-width of the source move (a local rule: far tokens do not drag an oscillator), the
step being eta times that reach. The frequency changes become currents through the circuit's own
calibrated f(I) (a transient per current). Tokens run two at a time in parallel (one simulate_many call),
the rule applied after each pair; after every epoch the training set runs at the new frequencies and the
frequencies of the epoch with the most exact configurations are kept (training data only). The start
(--start): even (default), the oscillators spread evenly over the band (the paper's protocol); design,
the design's frequencies.

Data: the Hillenbrand et al. 1995 formant table (used by path, never committed); women, vowels ae ah aw eh
er ih iy, speakers split in half (train/test) with --seed. Baselines on the same split: a diagonal Gaussian
classifier on (log F1, log F2), and the reference text's 72.5 % check (leave-one-speaker-out, 12 vowels).
--synthetic draws a small formant set from per-class Gaussians instead (for tests).

Writes OUTDIR/vowels.png (synchronisation map with the tokens, learning curve) and vowels_results.json.

usage: examples/stno_computing/vowels.py [--data PATH] [--start even|design] [--epochs 8] [--outdir DIR]
"""
import argparse
import itertools
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stno_network as sn  # noqa: E402

import numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

VOWELS = ["ae", "ah", "aw", "eh", "er", "ih", "iy"]
DEFAULT_DATA = os.path.join(sn.oc.ROOT, "..", "shared", "data", "vowels", "hillenbrand1995.tsv")
# Women's mean (F1, F2) in Hz per vowel (Hillenbrand 1995): the synthetic set's class centres.
SYNTHETIC_CENTRES = {"ae": (676, 2335), "ah": (921, 1494), "aw": (804, 1164), "eh": (727, 2063),
                     "er": (524, 1588), "ih": (484, 2369), "iy": (437, 2761)}


def load_hillenbrand(path, group="w", vowels=VOWELS):
    """(speaker ids, vowel labels, F1, F2) of one group (w: women) from the Praat-exported table."""
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: header.index(name) for name in ("Type", "Speaker", "Vowel", "F1", "F2")}
        for line in f:
            v = line.rstrip("\n").split("\t")
            if v[col["Type"]] != group or (vowels and v[col["Vowel"]] not in vowels):
                continue
            f1, f2 = float(v[col["F1"]]), float(v[col["F2"]])
            if f1 > 0 and f2 > 0:
                rows.append((int(v[col["Speaker"]]), v[col["Vowel"]], f1, f2))
    if not rows:
        sys.exit(f"{path}: no {group} rows")
    s, v, f1, f2 = zip(*rows)
    return np.array(s), np.array(v), np.array(f1), np.array(f2)


def synthetic(speakers, rng, spread=0.06):
    """Tokens drawn around the class centres: a speaker factor (vocal-tract length) times 6 % token noise."""
    s, v, f1, f2 = [], [], [], []
    for sp in range(speakers):
        scale = np.exp(rng.normal(0, 0.05))
        for vowel, (c1, c2) in SYNTHETIC_CENTRES.items():
            s.append(sp)
            v.append(vowel)
            f1.append(c1 * scale * np.exp(rng.normal(0, spread)))
            f2.append(c2 * scale * np.exp(rng.normal(0, spread)))
    return np.array(s), np.array(v), np.array(f1), np.array(f2)


def gaussian_classifier(train_x, train_y, test_x, classes):
    """Diagonal Gaussian (naive Bayes with equal priors): the software baseline."""
    scores = []
    for c in classes:
        x = train_x[train_y == c]
        mu, var = x.mean(axis=0), x.var(axis=0) + 1e-12
        scores.append(-0.5 * np.sum((test_x - mu) ** 2 / var + np.log(var), axis=1))
    return np.array(classes)[np.argmax(scores, axis=0)]


def loso_reference(path):
    """The reference text's check: women, 12 vowels, log F1/F2, leave-one-speaker-out diagonal Gaussian."""
    s, v, f1, f2 = load_hillenbrand(path, vowels=None)
    x = np.log(np.column_stack([f1, f2]))
    classes = sorted(set(v))
    right = sum(int(np.sum(gaussian_classifier(x[s != sp], v[s != sp], x[s == sp], classes) == v[s == sp]))
                for sp in sorted(set(s)))
    return right / len(v), len(v)


FREE, TO_A, TO_B = 0, 1, 2


def configurations(freqs, fa, fb):
    """The synchronisation configuration of each run: per oscillator FREE, TO_A or TO_B (locked to the
    source whose frequency it shares over the window)."""
    freqs = np.atleast_2d(freqs)
    lock_a = sn.locked(freqs, np.asarray(fa)[:, None])
    lock_b = sn.locked(freqs, np.asarray(fb)[:, None]) & ~lock_a
    return np.where(lock_a, TO_A, np.where(lock_b, TO_B, FREE))


class Readout:
    """Each class owns a target configuration; a run is classified by its configuration: exactly (the
    class whose target it is, else none) and nearest (fewest oscillators in another state; ties: none)."""

    def __init__(self, targets):
        self.targets = np.array(targets)  # (classes, oscillators)

    @classmethod
    def from_training(cls, configs, labels, n_classes):
        """Each class takes its training tokens' most common configuration not taken by a class with more
        tokens showing theirs (so the targets differ)."""
        counts = []
        for c in range(n_classes):
            keys, n = np.unique(configs[labels == c], axis=0, return_counts=True)
            counts.append(sorted(zip(n, map(tuple, keys)), reverse=True))
        targets, used = [None] * n_classes, set()
        for c in sorted(range(n_classes), key=lambda c: -counts[c][0][0]):  # the most consistent classes first
            for _, key in counts[c]:
                if key not in used:
                    targets[c] = key
                    used.add(key)
                    break
            else:  # every configuration seen is taken: an unused one (corrected by learning)
                targets[c] = next(k for k in itertools.product((FREE, TO_A, TO_B), repeat=sn.N_OSC) if k not in used)
                used.add(targets[c])
        return cls(targets)

    def classify(self, configs):
        """(exact, nearest) class per configuration, -1 for none."""
        distance = np.sum(configs[:, None, :] != self.targets[None, :, :], axis=2)  # runs x classes
        exact = np.where(distance.min(axis=1) == 0, distance.argmin(axis=1), -1)
        best = distance.min(axis=1, keepdims=True)
        unique = np.sum(distance == best, axis=1) == 1
        return exact, np.where(unique, distance.argmin(axis=1), -1)

    def learning_step(self, configs, labels, fa, fb, free, eta, reach):
        """The rule: for every token whose configuration is not its class's target, each oscillator k in the
        wrong state within reach[k] (Hz) of the source concerned moves its free frequency by eta * reach[k]
        toward the source it should follow, or away from the one it follows but should not. Fixed steps
        and a bounded reach: tokens far from an oscillator (outliers, other clusters) do not drag it.
        Returns the summed change (Hz): the online rule, applied per mini-batch."""
        step = np.zeros(len(free))
        for config, label, a, b in zip(configs, labels, fa, fb):
            target = self.targets[label]
            for k in np.flatnonzero(config != target):
                if target[k] != FREE:  # toward the source it should follow
                    source, sign = (a if target[k] == TO_A else b), 1.0
                else:  # locked but should be free: away from the source it follows
                    source, sign = (a if config[k] == TO_A else b), -1.0
                if abs(source - free[k]) < reach[k]:
                    step[k] += sign * eta * reach[k] * np.sign(source - free[k])
        return step


def ideal_configurations(free, fa, fb, half_width):
    """The configurations of the ideal network: an oscillator locks to the nearer source within the locking
    half-width of its free frequency (Adler, no mutual coupling); half_width(free) gives each its own."""
    width = half_width(free)
    da = np.abs(free[None, :] - np.asarray(fa)[:, None])
    db = np.abs(free[None, :] - np.asarray(fb)[:, None])
    return np.where((da < width) & (da <= db), TO_A, np.where((db < width) & (db < da), TO_B, FREE))


def design(u, v, labels, n_classes, half_width, rng, restarts=4, trials=800, refine=800, spacing=0.8):
    """The encoding and the targets, chosen in software on the training tokens (the paper fixes each vowel's
    configuration before learning): the linear maps fA = oa + sa*u, fB = ob + sb*v of the normalised formants
    u, v onto two separate parts of the band (as fractions of it: a tone of A and one of B seldom pull the
    same oscillator from either side, which the ideal network does not model), and the four free
    frequencies, whose ideal network -- each oscillator locking to the nearer source within its half-width,
    half_width(free) -- with each class's most common configuration as its target classifies the most
    training tokens exactly. Neighbouring frequencies stay at least `spacing` times the wider of their
    half-widths apart, so that the rule can tell the oscillators apart. `restarts` searches, each `trials`
    random designs and then `refine` local moves of a few parameters at a time. Returns each search's
    design: the map (sa, oa, sb, ob), the frequencies (band fractions, ascending), the readout and its
    training accuracy."""
    def score(mapping, free):
        sa, oa, sb, ob = mapping
        configs = ideal_configurations(free, oa + sa * u, ob + sb * v, half_width)
        readout = Readout.from_training(configs, labels, n_classes)
        return float(np.mean(readout.classify(configs)[0] == labels)), readout

    def map_fits(mapping):  # each formant onto at least a fifth of the band, the two parts apart
        sa, oa, sb, ob = mapping
        return (0.2 <= sa and 0.0 <= oa and oa + sa <= 1.0 and 0.2 <= sb and 0.0 <= ob and ob + sb <= 1.0
                and (oa + sa <= ob or ob + sb <= oa))

    def random_map():
        sa, sb = rng.uniform(0.2, 0.8, 2)
        while sa + sb > 1.0:
            sa, sb = rng.uniform(0.2, 0.8, 2)
        low = rng.uniform(0, 1 - sa - sb)  # where the lower part starts; the upper one after a random gap
        high = low + rng.uniform(0, 1 - sa - sb - low)
        if rng.random() < 0.5:  # F1 onto the lower part
            return np.array([sa, low, sb, high + sa])
        return np.array([sa, high + sb, sb, low])

    def frequencies_fit(free):
        width = half_width(free)
        return (free[0] >= 0.0 and free[-1] <= 1.0
                and np.all(np.diff(free) >= spacing * np.maximum(width[:-1], width[1:])))

    def random_frequencies(tries=1000):
        for _ in range(tries):
            free = np.sort(rng.uniform(0, 1, sn.N_OSC))
            if frequencies_fit(free):
                return free
        sys.exit(f"no {sn.N_OSC} free frequencies fit the band {spacing} half-widths apart: the locking is too "
                 "wide for the band (lower --irf)")

    candidates = []
    for _ in range(restarts):
        start = (-1.0, None, None)
        for _ in range(trials):
            mapping, free = random_map(), random_frequencies()
            accuracy = score(mapping, free)[0]
            if accuracy > start[0]:
                start = (accuracy, mapping, free)
        accuracy, mapping, free = start
        for _ in range(refine):
            trial_map = mapping + rng.normal(0, 0.02, 4) * (rng.random(4) < 0.4)
            trial_free = np.sort(free + rng.normal(0, 0.02, sn.N_OSC) * (rng.random(sn.N_OSC) < 0.4))
            if map_fits(trial_map) and frequencies_fit(trial_free):
                trial = score(trial_map, trial_free)[0]
                if trial >= accuracy:
                    accuracy, mapping, free = trial, trial_map, trial_free
        candidates.append((mapping, free) + score(mapping, free)[::-1])
    return candidates


def even_start(n=sn.N_OSC):
    """The paper's untrained network: free frequencies spread evenly over the band (band fractions)."""
    return (np.arange(n) + 0.5) / n


def pattern_table(configs, labels):
    """Configuration -> the most common class among the tokens showing it."""
    votes = {}
    for config, label in zip(map(tuple, configs), labels):
        votes.setdefault(config, np.zeros(labels.max() + 1, int))[label] += 1
    return {config: int(np.argmax(v)) for config, v in votes.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA, help="Hillenbrand 1995 table (tab-separated)")
    ap.add_argument("--synthetic", type=int, default=0, metavar="SPEAKERS",
                    help="draw SPEAKERS synthetic speakers instead of reading --data")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=2, help="tokens per mini-batch (per parallel run)")
    ap.add_argument("--eta", type=float, default=0.02, help="learning rate of the frequency rule")
    ap.add_argument("--irf", type=float, default=3.5e-3, help="amplitude of each input current (A)")
    ap.add_argument("--grid", type=int, default=24, help="synchronisation map resolution (0: no map)")
    ap.add_argument("--start", choices=["even", "design"], default="even",
                    help="even: learning from oscillators spread evenly over the band (the paper's protocol); "
                         "design: from the frequencies of the software design")
    ap.add_argument("--thermal", action="store_true", help="thermal noise in the oscillators")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int)
    ap.add_argument("--outdir", default=os.path.join(sn.oc.ROOT, "out", "stno_computing"))
    ap.add_argument("--check", type=float, metavar="ACC",
                    help="exit 1 unless the circuit's test accuracy (nearest) reaches ACC, exact beats 2x chance and "
                         "(from the even start) one epoch of the rule adds 10 points of training accuracy "
                         "(exact) on average over the designs")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    t_start = time.perf_counter()

    if args.synthetic:
        speakers, labels, f1, f2 = synthetic(args.synthetic, rng)
        source = f"synthetic ({args.synthetic} speakers)"
    else:
        if not os.path.exists(args.data):
            sys.exit(f"{args.data} not found: pass --data (Praat: Create formant table (Hillenbrand et al. 1995)) "
                     "or --synthetic N")
        speakers, labels, f1, f2 = load_hillenbrand(args.data)
        source = os.path.basename(args.data)
    ids = np.array(sorted(set(speakers)))
    rng.shuffle(ids)
    train = np.isin(speakers, ids[: len(ids) // 2])
    test = ~train
    classes = [v for v in VOWELS if v in set(labels)]
    y = np.array([classes.index(v) for v in labels])

    # Software baselines on the same split.
    logx = np.log(np.column_stack([f1, f2]))
    baseline = float(np.mean(gaussian_classifier(logx[train], labels[train], logx[test], classes) == labels[test]))
    reference = None if args.synthetic else loso_reference(args.data)

    net = sn.Network(irf=args.irf, thermal=args.thermal, seed=args.seed, jobs=args.jobs)
    tuning = net.calibrate()
    lo, hi = tuning.band
    # Each formant's training range (2nd-98th percentile) normalised to [0, 1]; the design chooses its
    # linear map onto the oscillators' band, the targets, and (for --start design) the frequencies.
    def normalised(values, ref):
        a, b = np.percentile(ref, [2, 98])
        return (values - a) / (b - a)
    u, v = normalised(f1, f1[train]), normalised(f2, f2[train])
    train_idx = np.flatnonzero(train)
    # Adler's half-width of each oscillator at its free frequency f (through its bias current): wider at
    # low currents (small p0), where the oscillators sit high in the band (ftune < 0).
    def half_width(free):
        return np.array([sn.locking_half_width(tuning.current(f), args.irf, f) for f in np.atleast_1d(free)])

    def half_width_fraction(free):
        return half_width(lo + (hi - lo) * np.asarray(free)) / (hi - lo)
    mid_width = float(half_width(0.5 * (lo + hi))[0])
    candidates = design(u[train_idx], v[train_idx], y[train_idx], len(classes), half_width_fraction, rng)

    def encode(mapping):
        """(fA, fB) of every token under a design's linear maps."""
        return lo + (hi - lo) * (mapping[1] + mapping[0] * u), lo + (hi - lo) * (mapping[3] + mapping[2] * v)

    def run(idx, free, fa, fb):
        """Configurations of the tokens idx at the free frequencies `free`."""
        freqs = net.run([tuning.current(f) for f in free], list(zip(fa[idx], fb[idx])))
        return configurations(freqs, fa[idx], fb[idx])

    def accuracy(readout, free, fa, fb):
        """Exact and nearest accuracy of the circuit on the training tokens."""
        exact, nearest = readout.classify(run(train_idx, free, fa, fb))
        return float(np.mean(exact == y[train_idx])), float(np.mean(nearest == y[train_idx]))

    def epoch(readout, free, fa, fb):
        """One pass of the rule over the training tokens (mini-batches run in parallel): the new frequencies."""
        order = rng.permutation(train_idx)
        for start in range(0, len(order), args.batch):
            batch = order[start:start + args.batch]
            configs = run(batch, free, fa, fb)
            step = readout.learning_step(configs, y[batch], fa[batch], fb[batch], free, args.eta, 2 * half_width(free))
            free = np.clip(free + step, lo, hi)
        return free

    def record(history, free, score):
        history.append({"epoch": len(history), "train_exact": score[0], "train_nearest": score[1],
                        "free_mhz": (free / 1e6).round(3).tolist()})
        print(f"  epoch {history[-1]['epoch']}: train {100 * score[0]:.1f} % exact, {100 * score[1]:.1f} % nearest; "
              "free frequencies " + " ".join(f"{f / 1e6:.2f}" for f in free) + " MHz", flush=True)

    # Each design (one per search) through the circuit: its start and one epoch of the rule. The circuit's
    # locking is not the ideal network's (the oscillators pull each other through the bus, a tone near the
    # edge of a range locks slowly, two tones on either side of an oscillator can hold it free), so the
    # design the rule takes furthest on the training tokens is kept and trained on.
    print(f"band {lo / 1e6:.1f}-{hi / 1e6:.1f} MHz, Adler half-width at mid-band {mid_width / 1e6:.2f} MHz")
    trials = []
    for n, (mapping, designed, readout, ideal_train) in enumerate(candidates):
        fa, fb = encode(mapping)
        free = lo + (hi - lo) * (designed if args.start == "design" else even_start())
        history = []
        print(f"design {n + 1}: the ideal network {100 * ideal_train:.1f} % (train, exact); fA = F1 onto "
              f"{mapping[1]:.2f}-{mapping[1] + mapping[0]:.2f}, fB = F2 onto {mapping[3]:.2f}-"
              f"{mapping[3] + mapping[2]:.2f} of the band; targets (per oscillator: . free, A, B) "
              + ", ".join(f"{c} {''.join('.AB'[s] for s in t)}" for c, t in zip(classes, readout.targets)))
        score = accuracy(readout, free, fa, fb)
        record(history, free, score)
        kept = (score[0], free.copy())  # the best frequencies so far (training data only)
        if args.epochs:
            free = epoch(readout, free, fa, fb)
            score = accuracy(readout, free, fa, fb)
            record(history, free, score)
            if score[0] > kept[0]:
                kept = (score[0], free.copy())
        trials.append((score[0], n, free, history, kept))
    _, chosen, free, history, kept = max(trials, key=lambda t: (t[0], -t[1]))  # ties: the earlier search
    mapping, designed, readout, design_accuracy = candidates[chosen]
    fa, fb = encode(mapping)
    test_idx = np.flatnonzero(test)
    design_test = float(np.mean(readout.classify(ideal_configurations(lo + (hi - lo) * designed, fa[test_idx],
                                                                      fb[test_idx], half_width))[0] == y[test_idx]))
    print(f"training design {chosen + 1} (ideal network: test {100 * design_test:.1f} % exact)", flush=True)
    for _ in range(1, args.epochs):
        free = epoch(readout, free, fa, fb)
        score = accuracy(readout, free, fa, fb)
        record(history, free, score)
        if score[0] > kept[0]:  # by exact configurations: what the rule aims at (training data only)
            kept = (score[0], free.copy())
    free = kept[1]

    results, final = {}, {}
    for name, mask in (("train", train), ("test", test)):
        idx = np.flatnonzero(mask)
        final[name] = run(idx, free, fa, fb)
        exact, nearest = readout.classify(final[name])
        results[name] = {"tokens": int(len(idx)), "exact": float(np.mean(exact == y[idx])),
                         "nearest": float(np.mean(nearest == y[idx]))}
    # A richer readout of the same trained network: every configuration seen in training names the
    # majority class of its tokens (unseen ones: no answer).
    table = pattern_table(final["train"], y[train])
    for name, mask in (("train", train), ("test", test)):
        guess = np.array([table.get(tuple(c), -1) for c in final[name]])
        results[name]["pattern_table"] = float(np.mean(guess == y[mask]))
    currents = [tuning.current(f) for f in free]
    sim_seconds, transients = net.seconds, net.transients

    if args.grid:
        axis = np.linspace(lo, hi, args.grid)
        points = np.array(list(itertools.product(axis, axis)))
        freqs = net.run(currents, [tuple(p) for p in points])
        _, grid = readout.classify(configurations(freqs, points[:, 0], points[:, 1]))
        grid = grid.reshape(args.grid, args.grid).T  # rows: fB, columns: fA
        plot(args, axis, grid, fa, fb, y, train, classes, free, history, results, baseline)

    summary = {
        "data": source, "start": args.start, "eta": args.eta, "classes": classes,
        "map_band_fractions": {"fa_from_f1": [float(mapping[1]), float(mapping[1] + mapping[0])],
                               "fb_from_f2": [float(mapping[3]), float(mapping[3] + mapping[2])]},
        "design_ideal_exact": {"train": design_accuracy, "test": design_test}, "design_chosen": chosen + 1,
        "designs_train_exact_by_epoch": [[h["train_exact"] for h in t[3][:2]] for t in trials],
        "targets": readout.targets.tolist(), "split": {"train_speakers": int(len(ids) // 2)},
        "band_hz": [lo, hi], "free_frequencies_hz": free.tolist(), "currents_a": currents,
        "history": history, "circuit": results, "gaussian_baseline_test": baseline,
        "loso_12_vowels_reference": reference, "irf": args.irf, "thermal": args.thermal,
        "transients": transients, "simulation_seconds": sim_seconds,
        "seconds_per_transient": sim_seconds / max(transients, 1), "wall_seconds": time.perf_counter() - t_start}
    with open(os.path.join(args.outdir, "vowels_results.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"circuit: train {100 * results['train']['exact']:.1f} % exact / {100 * results['train']['nearest']:.1f} % "
          f"nearest, test {100 * results['test']['exact']:.1f} % / {100 * results['test']['nearest']:.1f} % "
          f"({results['test']['tokens']} tokens); with a pattern table: train "
          f"{100 * results['train']['pattern_table']:.1f} %, test {100 * results['test']['pattern_table']:.1f} %; "
          f"Gaussian baseline (log F1, F2) test {100 * baseline:.1f} %")
    if reference:
        print(f"reference check: leave-one-speaker-out Gaussian, women, 12 vowels: {100 * reference[0]:.1f} % "
              f"({reference[1]} tokens; the reference text: 72.5 % of 574)")
    print(f"{transients} transients of {1e6 * (sn.SETTLE + sn.WINDOW):.0f} us in {sim_seconds:.1f} s "
          f"({1e3 * sim_seconds / max(transients, 1):.0f} ms each); total {time.perf_counter() - t_start:.0f} s")
    if args.check is not None:
        chance = 1.0 / len(classes)
        if not (results["test"]["nearest"] >= args.check and results["test"]["exact"] > 2 * chance):
            sys.exit(f"CHECK FAILED: test accuracy {results['test']} below {args.check} (chance {chance:.2f})")
        gains = [t[3][1]["train_exact"] - t[3][0]["train_exact"] for t in trials if len(t[3]) > 1]
        if args.start == "even" and gains and np.mean(gains) < 0.1:
            sys.exit(f"CHECK FAILED: one epoch of the rule raised the designs' training accuracy (exact) by "
                     f"{100 * np.mean(gains):.1f} points on average from the even start (at least 10 expected)")


def plot(args, axis, grid, fa, fb, y, train, classes, free, history, results, baseline):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.2), gridspec_kw={"width_ratios": [1.25, 1]})
    cmap = plt.get_cmap("tab10")
    colours = np.array([cmap(c) for c in range(len(classes))])
    image = np.ones(grid.shape + (4,))
    image[grid >= 0] = colours[grid[grid >= 0]] * [1, 1, 1, 0.45] + [0, 0, 0, 0]
    step = (axis[1] - axis[0]) / 2
    ext = [(axis[0] - step) / 1e6, (axis[-1] + step) / 1e6, (axis[0] - step) / 1e6, (axis[-1] + step) / 1e6]
    ax.imshow(image, origin="lower", extent=ext, interpolation="nearest")
    for c, name in enumerate(classes):
        for mask, marker in ((train, "o"), (~train, "x")):
            sel = mask & (y == c)
            ax.scatter(fa[sel] / 1e6, fb[sel] / 1e6, s=14, marker=marker, color=colours[c],
                       label=name if marker == "o" else None, linewidths=1)
    for f in free:
        ax.axvline(f / 1e6, color="grey", lw=0.6, ls=":")
        ax.axhline(f / 1e6, color="grey", lw=0.6, ls=":")
    ax.set_xlabel("fA (MHz)  <- F1")
    ax.set_ylabel("fB (MHz)  <- F2")
    ax.set_title("synchronisation map (colour: the class of the configuration; o train, x test)", fontsize=9)
    ax.legend(fontsize=7, loc="upper right", ncol=2)
    epochs = [h["epoch"] for h in history]
    ax2.plot(epochs, [100 * h["train_exact"] for h in history], "o-", label="train, exact configuration")
    ax2.plot(epochs, [100 * h["train_nearest"] for h in history], "s-", label="train, nearest configuration")
    last = epochs[-1] if epochs else 0
    ax2.axhline(100 * results["test"]["exact"], color="C2", ls="--", label="test after training, exact")
    ax2.axhline(100 * results["test"]["nearest"], color="C3", ls="--", label="test after training, nearest")
    ax2.axhline(100 * baseline, color="k", ls=":", label="Gaussian classifier (software), test")
    ax2.axhline(88, color="C4", ls="-.", lw=0.8, label="Romera et al. 2018: 88 % (test, hardware)")
    ax2.set_xlim(-0.5, last + 0.5)
    ax2.set_ylim(0, 100)
    ax2.set_xlabel("epoch (0: the start; accuracy at the epoch's final frequencies)")
    ax2.set_ylabel("accuracy (%)")
    ax2.legend(fontsize=7, loc="lower right")
    fig.suptitle("Vowel recognition with four coupled stno (spinspice circuit)")
    fig.tight_layout()
    png = os.path.join(args.outdir, "vowels.png")
    fig.savefig(png, dpi=110)
    print(f"wrote {png}")


if __name__ == "__main__":
    main()
