#!/usr/bin/env python3
"""Reservoir computing with one STNO (Torrejon et al., Nature 547, 428 (2017)), as a circuit.

One vortex-like `stno` biased by a DC current; the input is a current modulation added to it, time-multiplexed
with a random mask: input point k (a scalar u_k, or a feature vector f_k) becomes N_v values m_j . u_k, each
held for theta, and the oscillator's amplitude sqrt(p) = |c| at the end of each theta is virtual neuron j of
point k. The amplitude relaxes at 2 gammag (zeta - 1) (device-physics 4.4, oracle 2): with theta a few times
shorter than that, each neuron mixes the present input with the recent past (the fading memory). A linear
readout (ridge regression) is trained offline on the neurons.

Tasks:
  sine   the sine/square waveform classification of the paper: a random sequence of sine and square periods,
         8 points each; the class of every point. A memoryless classifier cannot tell the sine's +-1 points
         from the square's: its best accuracy is printed as the bound the reservoir must beat.
  digits spoken digits synthesised with espeak-ng (several voices, speeds, pitches, added noise), a mel
         filter-bank front end in numpy (25 ms frames), the same readout on the reservoir's neurons and on
         the front end alone (Abreu Araujo et al. 2020: the front end alone scores too; the oscillator's
         contribution is the difference). Per frame a linear readout, summed over the utterance's frames.

The simulations run as transients of one netlist per chunk of the input (a PWL current source, the output
sampled on the theta grid with `.options interp`; the PWL corners are breakpoints, so the samples are
computed points), chunks in parallel processes. Writes OUTDIR/reservoir_<task>.png and _results.json.

usage: examples/stno_computing/reservoir.py sine|digits [--neurons N] [--theta S] [--check]
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "oscillators"))
import osc_common as oc  # noqa: E402

import numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

# Vortex-like oscillator (nearly isochronous, current-tuned); gammag sets the amplitude relaxation
# 2 gammag (zeta - 1) = 2e7 1/s at the bias (zeta = 3): 50 ns, 10 theta of 5 ns.
# e0 (thermal noise only): the vortex's oscillation energy at full orbit, about 1e-17 J (stno_network.py).
MODEL = dict(f0=400e6, nshift=5e6, q=1.0, gammag=5e6, ith=1.5e-3, ftune=-1e10, r0=100.0, dr=5.0, ppp=6, e0=1e-17)
BIAS, SWING = 4.5e-3, 2.0e-3  # A: DC bias and the input's full-scale modulation
RISE = 0.5e-9                 # s: the PWL's transition between held values


def netlist(values, theta, thermal=False, seed=1):
    """The oscillator driven by BIAS + SWING * values[n] over [n theta, (n+1) theta)."""
    corners = [f"0 {BIAS + SWING * values[0]:.6g}"]
    for n in range(1, len(values)):
        corners.append(f"{n * theta:.9g} {BIAS + SWING * values[n - 1]:.6g} "
                       f"{n * theta + RISE:.9g} {BIAS + SWING * values[n]:.6g}")
    params = " ".join(f"{k}={v:g}" for k, v in MODEL.items()) + (" thermal=1" if thermal else "")
    return (f"stno reservoir\n.model vortex stno ({params})\n"
            f"i1 0 a pwl({' '.join(corners)})\nn1 a 0 vortex dcrelax=1\n"
            f".options interp{f' seed={seed}' if thermal else ''}\n"
            f".tran {theta:g} {len(values) * theta:.9g}\n.save n1.cr n1.ci\n.end\n")


def simulate(values, theta, workdir, spinspice, jobs, thermal=False, seed=1, chunks=None):
    """The amplitude |c| at the end of each theta (one per value): chunks of the sequence in parallel
    processes, each chunk starting from the stationary state at its first value (chunks are cut at
    sample boundaries, so a chunk's start forgets the previous chunk: keep chunks long against the memory)."""
    chunks = chunks or max(1, jobs)
    bounds = np.linspace(0, len(values), chunks + 1).astype(int)
    cli = oc.spinspice_path(spinspice)

    def one(k):
        part = values[bounds[k]:bounds[k + 1]]
        cir, out = os.path.join(workdir, f"chunk{k}.cir"), os.path.join(workdir, f"chunk{k}.csv")
        with open(cir, "w") as f:
            f.write(netlist(part, theta, thermal, seed + k))
        r = subprocess.run([cli, "-q", "--no-progress", "--csv", out, cir], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"spinspice failed on {cir}: {r.stderr.strip()}")
        with open(out) as f:
            header = f.readline().strip().split(",")
        data = np.loadtxt(out, delimiter=",", skiprows=1)
        amplitude = np.hypot(data[:, header.index("n1.cr")], data[:, header.index("n1.ci")])
        return amplitude[1:len(part) + 1]  # t = theta, 2 theta, ...: the end of each held value

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        parts = list(pool.map(one, range(chunks)))
    return np.concatenate(parts), time.perf_counter() - t0


def ridge(features, targets, reg=1e-6):
    """Least squares with a bias column and Tikhonov regularisation (relative to the mean feature power)."""
    x = np.column_stack([features, np.ones(len(features))])
    scale = reg * np.mean(x * x) * len(x)
    return np.linalg.solve(x.T @ x + scale * np.eye(x.shape[1]), x.T @ targets)


def apply(weights, features):
    return np.column_stack([features, np.ones(len(features))]) @ weights


def static_amplitude(drive):
    """The oscillator without memory: its stationary amplitude sqrt(p0) at each held current, p0 = (zeta - 1)/
    (zeta + q) (device-physics 4.1). The readout on it separates the mask's non-linear expansion from the
    amplitude dynamics."""
    zeta = (BIAS + SWING * np.asarray(drive)) / MODEL["ith"]
    return np.sqrt(np.clip(zeta - 1, 0, None) / (zeta + MODEL["q"]))


def binary_readout(features, labels, half, reg=1e-8):
    """Ridge regression onto +-1 trained on the first half, thresholded where it is most accurate there."""
    w = ridge(features[:half], 2 * labels[:half] - 1, reg)
    y = apply(w, features)
    thresholds = np.linspace(-1, 1, 201)
    accuracy = [np.mean((y[:half] > t) == labels[:half]) for t in thresholds]
    return y > thresholds[int(np.argmax(accuracy))]


# ---- sine / square --------------------------------------------------------------------------------------
def sine_task(args, rng, workdir):
    periods = args.periods
    kinds = rng.integers(0, 2, periods)  # 0 sine, 1 square
    phase = np.arange(8) / 8
    sine, square = np.sin(2 * np.pi * phase), np.where(phase < 0.5, 1.0, -1.0)
    u = np.concatenate([square if k else sine for k in kinds])
    labels = np.repeat(kinds, 8).astype(float)
    mask = rng.choice([-1.0, 1.0], args.neurons) * rng.uniform(0.5, 1.0, args.neurons)
    drive = (u[:, None] * mask[None, :]).ravel()  # point k, neuron j at index k N_v + j
    amplitude, seconds = simulate(drive, args.theta, workdir, args.spinspice, args.jobs, args.thermal, args.seed)
    states = amplitude.reshape(len(u), args.neurons)
    states = (states - states.mean(axis=0)) / (states.std(axis=0) + 1e-12)
    half = len(u) // 2
    pred = binary_readout(states, labels, half)
    test_acc = float(np.mean(pred[half:] == labels[half:]))
    train_acc = float(np.mean(pred[:half] == labels[:half]))
    # Front end alone (the masked input of the present point, same readout) and the best memoryless
    # classifier: per distinct input value, the majority class (on the test half, an upper bound).
    front_pred = binary_readout(u[:, None] * mask[None, :], labels, half)
    front = float(np.mean(front_pred[half:] == labels[half:]))
    static = static_amplitude(drive).reshape(len(u), args.neurons)
    static_acc = float(np.mean(binary_readout(static, labels, half)[half:] == labels[half:]))
    keys = np.round(u[half:], 6)
    bound = sum(max(np.sum(labels[half:][keys == v] == 1), np.sum(labels[half:][keys == v] == 0))
                for v in set(keys)) / len(keys)
    result = {"task": "sine", "periods": periods, "points": len(u), "neurons": args.neurons, "theta": args.theta,
              "train_accuracy": train_acc, "test_accuracy": test_acc, "front_end_accuracy": front,
              "static_oscillator_accuracy": static_acc,
              "memoryless_bound": float(bound), "simulated_seconds": len(drive) * args.theta,
              "wall_seconds": seconds}
    print(f"sine/square: {len(u)} points x {args.neurons} neurons, theta {args.theta * 1e9:g} ns "
          f"({len(drive) * args.theta * 1e6:.0f} us simulated in {seconds:.1f} s)")
    print(f"  reservoir readout: train {100 * train_acc:.1f} %, test {100 * test_acc:.1f} %; front end alone "
          f"{100 * front:.1f} %; static oscillator (no memory) {100 * static_acc:.1f} %; best memoryless "
          f"classifier {100 * bound:.1f} %")
    if args.plot:
        fig, axes = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
        span = slice(half, half + 8 * 12)
        k = np.arange(len(u))[span]
        axes[0].step(k, u[span], where="post", label="input u")
        axes[0].step(k, labels[span], where="post", label="class (1: square)", alpha=0.7)
        axes[0].legend(fontsize=8, loc="upper right")
        axes[1].plot(np.arange(half * args.neurons, (half + 96) * args.neurons) / args.neurons,
                     amplitude[half * args.neurons:(half + 96) * args.neurons], lw=0.7, label="|c| (virtual neurons)")
        axes[1].set_ylabel("oscillator amplitude |c|")
        axes[1].set_xlabel("input point")
        answer = axes[1].twinx()
        answer.step(k, pred[span].astype(float), where="post", color="C3", label="readout (1: square)")
        answer.set_ylim(-0.1, 1.6)
        answer.legend(fontsize=8, loc="upper right")
        fig.suptitle(f"one-stno reservoir, sine/square: test {100 * test_acc:.1f} % (memoryless bound "
                     f"{100 * bound:.1f} %, front end alone {100 * front:.1f} %)")
        fig.tight_layout()
        fig.savefig(os.path.join(args.outdir, "reservoir_sine.png"), dpi=110)
    ok = test_acc >= 0.93 and test_acc > bound + 0.04 and front <= bound and static_acc <= bound
    return result, ok


# ---- spoken digits --------------------------------------------------------------------------------------
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
VOICES = ["en-us+m1", "en-us+m3", "en-us+f1", "en-us+f3", "en+m2"]


def synthesise(rng, workdir, variants):
    """(waveform, rate, digit, voice) for every digit x voice x variant: speed 120-200 wpm, pitch 25-75."""
    espeak = shutil.which("espeak-ng")
    if not espeak:
        sys.exit("espeak-ng not found (Debian: apt-get install espeak-ng)")
    clips = []
    for d, word in enumerate(DIGITS):
        for voice in VOICES:
            for v in range(variants):
                path = os.path.join(workdir, f"{word}_{voice.replace('+', '_')}_{v}.wav")
                speed, pitch = int(rng.integers(120, 201)), int(rng.integers(25, 76))
                subprocess.run([espeak, "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, word], check=True)
                with wave.open(path) as w:
                    rate = w.getframerate()
                    x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float) / 32768
                clips.append((x, rate, d, voice))
    return clips


def mel_front_end(x, rate, rng, channels, snr_db):
    """Log mel filter-bank energies (25 ms Hann frames, 12.5 ms hop, 100 Hz - 7 kHz) of the clip with white
    noise at snr_db, trimmed to the voiced part (frames within 40 dB of the loudest)."""
    x = x + rng.normal(0, np.sqrt(np.mean(x * x) / 10 ** (snr_db / 10)), len(x))
    x = np.append(x[0], x[1:] - 0.97 * x[:-1])  # pre-emphasis
    n, hop = int(0.025 * rate), int(0.0125 * rate)
    nfft = 1 << (n - 1).bit_length()
    frames = np.array([x[s:s + n] * np.hanning(n) for s in range(0, len(x) - n, hop)])
    power = np.abs(np.fft.rfft(frames, nfft)) ** 2
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    edges = 700 * (10 ** (np.linspace(mel(100), mel(7000), channels + 2) / 2595) - 1)
    bins = np.fft.rfftfreq(nfft, 1 / rate)
    bank = np.zeros((channels, len(bins)))
    for c in range(channels):
        lo, mid, hi = edges[c:c + 3]
        bank[c] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    energy = np.log(power @ bank.T + 1e-10)
    loud = energy.max(axis=1)
    return energy[loud > loud.max() - np.log(1e4)]


def digits_task(args, rng, workdir):
    t0 = time.perf_counter()
    clips = synthesise(rng, workdir, args.variants)
    feats = [mel_front_end(x, rate, rng, args.channels, args.snr) for x, rate, _, _ in clips]
    labels = np.array([d for _, _, d, _ in clips])
    # Normalise each channel over the whole set, to [-1, 1] at +-2.5 standard deviations.
    allf = np.concatenate(feats)
    mu, sd = allf.mean(axis=0), allf.std(axis=0) + 1e-12
    feats = [np.clip((f - mu) / (2.5 * sd), -1, 1) for f in feats]
    front_seconds = time.perf_counter() - t0
    mask = rng.choice([-1.0, 1.0], (args.neurons, args.channels)) / np.sqrt(args.channels) * 1.6
    drive = np.concatenate([np.clip(f @ mask.T, -1, 1).ravel() for f in feats])
    amplitude, seconds = simulate(drive, args.theta, workdir, args.spinspice, args.jobs, args.thermal, args.seed,
                                  chunks=4 * args.jobs)
    counts = [len(f) for f in feats]
    states = np.split(amplitude.reshape(-1, args.neurons), np.cumsum(counts)[:-1])
    # Same speakers in train and test (as the paper): per digit and voice, half of the variants train.
    train = np.zeros(len(clips), bool)
    for d in range(len(DIGITS)):
        for voice in VOICES:
            idx = [i for i, c in enumerate(clips) if c[2] == d and c[3] == voice]
            train[rng.permutation(idx)[: len(idx) // 2]] = True

    def evaluate(per_clip):
        x = np.concatenate([per_clip[i] for i in np.flatnonzero(train)])
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-12
        onehot = np.concatenate([np.tile(np.eye(10)[labels[i]], (counts[i], 1)) for i in np.flatnonzero(train)])
        w = ridge((x - mean) / std, onehot, args.reg)
        pred = np.array([np.argmax(apply(w, (per_clip[i] - mean) / std).sum(axis=0)) for i in range(len(clips))])
        return float(np.mean(pred[train] == labels[train])), float(np.mean(pred[~train] == labels[~train])), pred

    res_train, res_test, pred = evaluate(states)
    front_train, front_test, _ = evaluate(feats)
    static = np.split(static_amplitude(drive).reshape(-1, args.neurons), np.cumsum(counts)[:-1])
    static_train, static_test, _ = evaluate(static)
    frames = sum(counts)
    result = {"task": "digits", "clips": len(clips), "voices": VOICES, "variants": args.variants, "snr_db": args.snr,
              "channels": args.channels, "neurons": args.neurons, "theta": args.theta, "frames": frames,
              "reservoir": {"train": res_train, "test": res_test},
              "front_end": {"train": front_train, "test": front_test},
              "static_oscillator": {"train": static_train, "test": static_test},
              "simulated_seconds": len(drive) * args.theta, "wall_seconds_circuit": seconds,
              "wall_seconds_front_end": front_seconds}
    print(f"spoken digits: {len(clips)} clips ({len(VOICES)} voices x {args.variants} variants x 10), {frames} "
          f"frames x {args.neurons} neurons, theta {args.theta * 1e9:g} ns: {len(drive) * args.theta * 1e3:.2f} ms "
          f"simulated in {seconds:.1f} s")
    print(f"  reservoir: train {100 * res_train:.1f} %, test {100 * res_test:.1f} %; front end alone: train "
          f"{100 * front_train:.1f} %, test {100 * front_test:.1f} %; static oscillator (mask and the amplitude's "
          f"stationary non-linearity, no memory): train {100 * static_train:.1f} %, test {100 * static_test:.1f} %")
    if args.plot:
        confusion = np.zeros((10, 10))
        for i in np.flatnonzero(~train):
            confusion[labels[i], pred[i]] += 1
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
        i0 = int(np.flatnonzero(~train)[0])
        ax.imshow(states[i0].T, aspect="auto", origin="lower", cmap="viridis")
        ax.set_xlabel("frame")
        ax.set_ylabel("virtual neuron")
        ax.set_title(f"oscillator amplitude, '{DIGITS[labels[i0]]}' ({clips[i0][3]})", fontsize=9)
        ax2.imshow(confusion, cmap="Blues")
        ax2.set_xlabel("predicted")
        ax2.set_ylabel("spoken")
        ax2.set_title(f"test: reservoir {100 * res_test:.1f} %, front end alone {100 * front_test:.1f} %, "
                      f"static {100 * static_test:.1f} %", fontsize=9)
        fig.tight_layout()
        fig.savefig(os.path.join(args.outdir, "reservoir_digits.png"), dpi=110)
    return result, res_test > front_test and res_test > static_test


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=["sine", "digits"])
    ap.add_argument("--neurons", type=int, help="virtual neurons per input point (sine 48, digits 40)")
    ap.add_argument("--theta", type=float, help="time per virtual neuron (s)")
    ap.add_argument("--periods", type=int, default=100, help="sine: periods in the sequence")
    ap.add_argument("--variants", type=int, default=10, help="digits: utterances per digit and voice")
    ap.add_argument("--channels", type=int, default=24, help="digits: mel channels")
    ap.add_argument("--snr", type=float, default=20.0, help="digits: added white noise (dB)")
    ap.add_argument("--reg", type=float, default=1e-4, help="digits: ridge regularisation")
    ap.add_argument("--thermal", action="store_true",
                    help="thermal noise in the oscillator (digits: robust from --theta 50e-9, see the README)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--spinspice")
    ap.add_argument("--outdir", default=os.path.join(oc.ROOT, "out", "stno_computing"))
    ap.add_argument("--no-plot", dest="plot", action="store_false")
    ap.add_argument("--check", action="store_true",
                    help="sine: exit 1 unless test >= 95 %% and 5 points above the memoryless bound; digits: unless "
                         "the reservoir beats the front end alone")
    args = ap.parse_args()
    args.neurons = args.neurons or (48 if args.task == "sine" else 40)
    args.theta = args.theta or 5e-9
    os.makedirs(args.outdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as workdir:
        result, ok = (sine_task if args.task == "sine" else digits_task)(args, rng, workdir)
    result["model"] = MODEL
    result["bias"], result["swing"] = BIAS, SWING
    with open(os.path.join(args.outdir, f"reservoir_{args.task}_results.json"), "w") as f:
        json.dump(result, f, indent=1)
    if args.check and not ok:
        sys.exit(f"CHECK FAILED: {json.dumps(result)}")


if __name__ == "__main__":
    main()
