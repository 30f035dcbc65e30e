"""Time one forward + backward pass (full BPTT) of a vanilla tanh RNN and of an LSTM, several ways.

Implementations of the vanilla RNN (``--cell rnn``), all computing h = RNN(x, h0) and the
gradients of sum(h * dh):

  fast       rnncourse.rnn.rnn_forward_fast / rnn_backward_fast
  teaching   rnncourse.rnn.rnn_forward / rnn_backward (loops over the step functions)
  per-ex     one example at a time, one step at a time, vectors only (min-char-rnn style)
  torch      torch.nn.RNN(nonlinearity="tanh", batch_first=True), forward + autograd backward
  torch-loop torch autograd over a Python loop of time steps

and of the LSTM (``--cell lstm``; gate blocks i, f, g, o, c0 = 0):

  fast       rnncourse.rnn.lstm_forward_fast / lstm_backward_fast
  teaching   rnncourse.rnn.lstm_forward / lstm_backward (loops over the step functions)
  torch-lstm torch.nn.LSTM(batch_first=True), forward + autograd backward
  gemms      the fast path's matrix products alone, same shapes and count, on preallocated
             arrays: what the fast path would take if its elementwise work were free

and a reference GEMM, (N*T, D+H) @ (D+H, G*H) in NumPy (G = 1 for the RNN, 4 for the LSTM),
measured in the same run.

FLOP count used for "GFLOP/s": 6*G*N*T*H*(D+H), the six matrix products of forward and backward:
forward x Wx and h Wh (2NTDGH + 2NTHGH), backward dx, dWx (2NTGHD each), dh_prev and dWh
(2NTGHH each). Elementwise work (tanh, sigmoid, their derivatives, additions) is not counted. The
reference GEMM does 2*N*T*(D+H)*G*H FLOPs; "% GEMM" is the fast path's GFLOP/s over the
reference GEMM's.

Thread counts are fixed before NumPy is imported (OMP/OPENBLAS/MKL_NUM_THREADS) and passed to
torch.set_num_threads, so the comparison is single-threaded by default. Repeats are interleaved
(one run of each implementation per round) and the median is reported.

Run:  .venv/bin/python benchmarks/bptt.py            (all sizes, both dtypes, both cells)
      .venv/bin/python benchmarks/bptt.py --cell lstm
      .venv/bin/python benchmarks/bptt.py --quick    (a smoke test in seconds)

Without torch installed the torch columns print "-" and everything else runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

DEFAULT_SIZES = "1x25x65x100,32x50x16x64,64x100x32x128,128x200x64x256"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Time forward + backward (BPTT) of a vanilla RNN: rnncourse's fast and teaching "
                    "paths, a per-example loop, and PyTorch when it is installed.")
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help="comma-separated NxTxDxH sizes (batch x time x input x hidden), "
                             f"default {DEFAULT_SIZES}")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed runs of every implementation per size, interleaved; the median "
                             "is reported (default 5)")
    parser.add_argument("--dtype", choices=["float32", "float64", "both"], default="both",
                        help="floating-point type of all arrays (default both)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP threads for NumPy and torch (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: the two smallest default sizes, 2 repeats, float32 only")
    parser.add_argument("--cell", choices=["rnn", "lstm", "both"], default="both",
                        help="which recurrent cell to time (default both)")
    parser.add_argument("--skip", default="",
                        help="comma-separated implementations to leave out, e.g. per-ex,teaching,gemms")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="time with the wall clock (default) or this process's CPU time "
                             "(time.process_time: less disturbed by other work on a busy machine)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats={args.repeats} must be >= 1, e.g. --repeats 5")
    if args.threads < 1:
        parser.error(f"--threads={args.threads} must be >= 1, e.g. --threads 1")
    try:
        sizes = [tuple(int(v) for v in s.lower().split("x")) for s in args.sizes.split(",") if s]
    except ValueError:
        sizes = []
    if not sizes or any(len(s) != 4 or min(s) < 1 for s in sizes):
        parser.error(f"--sizes={args.sizes!r}: give NxTxDxH with positive integers, "
                     "e.g. --sizes 32x50x16x64,64x100x32x128")
    args.size_list = sizes
    if args.quick:
        args.size_list = [tuple(int(v) for v in s.split("x")) for s in DEFAULT_SIZES.split(",")[:2]]
        args.repeats = 2
        args.dtype = "float32"
    args.dtypes = ["float32", "float64"] if args.dtype == "both" else [args.dtype]
    args.cells = ["rnn", "lstm"] if args.cell == "both" else [args.cell]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


ARGS = parse_args()
CLOCK = time.perf_counter if ARGS.clock == "wall" else time.process_time
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)  # before NumPy (and torch) load their BLAS

import numpy as np  # noqa: E402

from rnncourse.rnn import (  # noqa: E402
    lstm_backward,
    lstm_backward_fast,
    lstm_forward,
    lstm_forward_fast,
    rnn_backward,
    rnn_backward_fast,
    rnn_forward,
    rnn_forward_fast,
)

try:
    import torch  # noqa: E402

    torch.set_num_threads(ARGS.threads)
except ImportError:
    torch = None


# ----------------------------------------------------------------------------- implementations
def run_fast(p):
    h, cache = rnn_forward_fast(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    return (h,) + rnn_backward_fast(p["dh"], cache)


def run_teaching(p):
    h, cache = rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    return (h,) + rnn_backward(p["dh"], cache)


def run_per_example(p):
    """min-char-rnn style: vectors, one example and one time step at a time."""
    x, h0, Wx, Wh, b, dh = p["x"], p["h0"], p["Wx"], p["Wh"], p["b"], p["dh"]
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.empty((N, T, H), dtype=x.dtype)
    dx, dh0 = np.empty_like(x), np.empty_like(h0)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    for n in range(N):
        hs = [h0[n]]
        for t in range(T):
            hs.append(np.tanh(x[n, t] @ Wx + hs[-1] @ Wh + b))  # (D,)@(D,H) + (H,)@(H,H)
            h[n, t] = hs[-1]
        dnext = np.zeros(H, dtype=x.dtype)
        for t in reversed(range(T)):
            da = (dh[n, t] + dnext) * (1 - hs[t + 1] * hs[t + 1])
            dWx += np.outer(x[n, t], da)
            dWh += np.outer(hs[t], da)
            db += da
            dx[n, t] = Wx @ da
            dnext = Wh @ da
        dh0[n] = dnext
    return h, dx, dh0, dWx, dWh, db


def make_torch_module(p, cls, **kwargs):
    """A torch recurrent module (``torch.nn.RNN`` or ``torch.nn.LSTM``) with the NumPy run's
    weights (torch stores them transposed; its second bias is zero), and the torch inputs."""
    D, H = p["Wx"].shape[0], p["Wh"].shape[0]
    dtype = torch.float32 if p["x"].dtype == np.float32 else torch.float64
    module = cls(D, H, batch_first=True, **kwargs).to(dtype)  # LSTM gate order i, f, g, o, as ours
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.from_numpy(p["Wx"].T.copy()))
        module.weight_hh_l0.copy_(torch.from_numpy(p["Wh"].T.copy()))
        module.bias_ih_l0.copy_(torch.from_numpy(p["b"]))
        module.bias_hh_l0.zero_()
    t = {k: torch.from_numpy(v) for k, v in p.items()}
    t["x"].requires_grad_(True)
    t["h0"] = t["h0"][None].clone().requires_grad_(True)  # (1, N, H): layers first
    return module, t


def run_torch_module(module, t, state):
    """Forward + autograd backward of a module from ``make_torch_module``; ``state`` is what the
    module takes as its initial state (``h0``, or ``(h0, c0)`` for the LSTM)."""
    module.zero_grad(set_to_none=True)
    t["x"].grad = None
    t["h0"].grad = None
    out, _ = module(t["x"], state)
    out.backward(t["dh"])
    return (out.detach().numpy(), t["x"].grad.numpy(), t["h0"].grad[0].numpy(),
            module.weight_ih_l0.grad.numpy().T, module.weight_hh_l0.grad.numpy().T,
            module.bias_ih_l0.grad.numpy())


def make_torch_rnn(p):
    return make_torch_module(p, torch.nn.RNN, nonlinearity="tanh")


def run_torch_rnn(state):
    rnn, t = state
    return run_torch_module(rnn, t, t["h0"])


def make_torch_loop(p):
    t = {k: torch.from_numpy(v.copy()) for k, v in p.items()}
    for name in ("x", "h0", "Wx", "Wh", "b"):
        t[name].requires_grad_(True)
    return t


def run_torch_loop(t):
    for name in ("x", "h0", "Wx", "Wh", "b"):
        t[name].grad = None
    h, hs = t["h0"], []
    for step in range(t["x"].shape[1]):
        h = torch.tanh(t["x"][:, step] @ t["Wx"] + h @ t["Wh"] + t["b"])
        hs.append(h)
    out = torch.stack(hs, dim=1)
    out.backward(t["dh"])
    return (out.detach().numpy(),) + tuple(t[n].grad.numpy() for n in ("x", "h0", "Wx", "Wh", "b"))


def run_lstm_fast(p):
    h, cache = lstm_forward_fast(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    return (h,) + lstm_backward_fast(p["dh"], cache)


def run_lstm_teaching(p):
    h, cache = lstm_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    return (h,) + lstm_backward(p["dh"], cache)


def make_lstm_gemms(p):
    """Preallocated operands of the LSTM fast path's matrix products (see :func:`run_lstm_gemms`)."""
    from rnncourse.rnn.fast import time_blocks

    N, T, D = p["x"].shape
    H = p["h0"].shape[1]
    K, dt = D + 1 + H, p["x"].dtype
    rng = np.random.default_rng(3)
    blocks = time_blocks(T, N * 4 * H * dt.itemsize)
    steps = max(b - a for a, b in blocks)
    return {"WT": rng.standard_normal((4 * H, K)).astype(dt),
            "ZT": rng.standard_normal((K, T + 1, N)).astype(dt),
            "gates": np.empty((T, 4 * H, N), dtype=dt), "Wh": rng.standard_normal((H, 4 * H)).astype(dt),
            "Wx": rng.standard_normal((D, 4 * H)).astype(dt), "dnext": np.empty((H, N), dtype=dt),
            "DA": rng.standard_normal((4 * H, steps * N)).astype(dt),
            "dxT": np.empty((D, steps * N), dtype=dt), "blocks": blocks, "N": N}


def run_lstm_gemms(g):
    """The products of lstm_forward_fast + lstm_backward_fast and nothing else: per step
    (4H, D+1+H) @ (D+1+H, N) forward and (H, 4H) @ (4H, N) backward; per block of B steps
    (D+1+H, B*N) @ (B*N, 4H) for the weight gradients and (D, 4H) @ (4H, B*N) for dx."""
    ZT, N = g["ZT"], g["N"]
    for t in range(g["gates"].shape[0]):
        np.matmul(g["WT"], ZT[:, t], out=g["gates"][t])
    for t in range(g["gates"].shape[0]):
        np.matmul(g["Wh"], g["gates"][t], out=g["dnext"])
    for a, b in g["blocks"]:
        cols = g["DA"][:, :(b - a) * N]
        ZT[:, a:b].reshape(ZT.shape[0], -1) @ cols.T
        np.matmul(g["Wx"], cols, out=g["dxT"][:, :(b - a) * N])


def make_torch_lstm(p):
    return make_torch_module(p, torch.nn.LSTM)


def run_torch_lstm(state):
    lstm, t = state
    return run_torch_module(lstm, t, (t["h0"], torch.zeros_like(t["h0"])))  # c0 = 0


#: cell -> (gate blocks G, {column: (run, make state or None)}), columns in print order
CELLS = {
    "rnn": (1, {"fast": (run_fast, None), "teaching": (run_teaching, None),
                "per-ex": (run_per_example, None), "torch": (run_torch_rnn, make_torch_rnn),
                "torch-loop": (run_torch_loop, make_torch_loop)}),
    "lstm": (4, {"fast": (run_lstm_fast, None), "teaching": (run_lstm_teaching, None),
                 "torch": (run_torch_lstm, make_torch_lstm),
                 "gemms": (run_lstm_gemms, make_lstm_gemms)}),
}


# ----------------------------------------------------------------------------- measuring
def make_problem(N, T, D, H, dtype, blocks=1, seed=0):
    """Inputs and weights of one problem; ``blocks`` gate blocks of H columns (4 for the LSTM)."""
    rng = np.random.default_rng(seed)
    G = blocks * H
    return {
        "x": rng.standard_normal((N, T, D)).astype(dtype),
        "h0": (0.1 * rng.standard_normal((N, H))).astype(dtype),
        "Wx": (rng.standard_normal((D, G)) / np.sqrt(D)).astype(dtype),
        "Wh": (rng.standard_normal((H, G)) / np.sqrt(H)).astype(dtype),
        "b": (0.1 * rng.standard_normal(G)).astype(dtype),
        "dh": rng.standard_normal((N, T, H)).astype(dtype),
    }


def max_rel_diff(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def bench_size(cell, N, T, D, H, dtype, repeats, skip):
    blocks, runs = CELLS[cell]
    p = make_problem(N, T, D, H, dtype, blocks)
    gemm_a = np.random.default_rng(1).standard_normal((N * T, D + H)).astype(dtype)
    gemm_b = np.random.default_rng(2).standard_normal((D + H, blocks * H)).astype(dtype)
    impls = {"gemm": (lambda s: s[0] @ s[1], (gemm_a, gemm_b))}
    for name, (run, make) in runs.items():
        if make is None:
            impls[name] = (run, p)
        elif name == "gemms":
            impls[name] = (run, make(p))
        elif torch is not None:  # torch columns only when torch is importable
            impls[name] = (run, make(p))
    impls = {k: v for k, v in impls.items() if k not in skip}
    run_fast_path = runs["fast"][0]

    # warm-up, and a check that every implementation computes the same thing as the fast path
    reference = run_fast_path(p)
    worst = 0.0
    for name, (fn, state) in impls.items():
        out = fn(state)
        if name not in ("gemm", "gemms"):
            worst = max(worst, max(max_rel_diff(o, r) for o, r in zip(out, reference)))
    limit = 1e-3 if dtype == "float32" else 1e-9
    if worst > limit:
        sys.exit(f"{cell} implementations disagree at {(N, T, D, H)} {dtype}: max rel diff "
                 f"{worst:.2e}")

    times = {name: [] for name in impls}
    for _ in range(repeats):  # interleaved: one run of each per round
        for name, (fn, state) in impls.items():
            start = CLOCK()
            fn(state)
            times[name].append(CLOCK() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}, worst


def describe_machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    parts = [f"CPU: {cpu}", f"nproc: {os.cpu_count()}", f"threads used: {ARGS.threads}",
             f"python {platform.python_version()}", f"numpy {np.__version__}",
             f"torch {torch.__version__ if torch is not None else 'not installed'}"]
    return ", ".join(parts)


def main():
    print(describe_machine())
    print("times are medians of", ARGS.repeats, "interleaved runs of forward + full backward, in ms;")
    print("speedup = torch time / fast time (>= 1 means the fast path is faster); torch is")
    print("torch.nn.RNN for the rnn rows and torch.nn.LSTM for the lstm rows;")
    print("GFLOP/s counts 6*G*N*T*H*(D+H), G = 1 (rnn) or 4 (lstm); "
          "% GEMM = fast GFLOP/s / GFLOP/s of (N*T, D+H) @ (D+H, G*H)")
    print("gemms = the LSTM fast path's matrix products alone; gemms/torch = their share of "
          "torch's whole time (what is left is torch's budget for everything else)")
    print()
    columns = ["fast", "teaching", "per-ex", "torch", "torch-loop", "gemms"]
    header = (f"{'cell':>5} {'N x T x D x H':>18} {'dtype':>7} " + " ".join(f"{c:>10}" for c in columns)
              + f" {'speedup':>8} {'fast GF/s':>9} {'GEMM GF/s':>9} {'% GEMM':>7}"
              + (f" {'gemms/torch':>11}" if "lstm" in ARGS.cells else ""))
    print(header)
    print("-" * len(header))
    for cell in ARGS.cells:
        blocks = CELLS[cell][0]
        for dtype in ARGS.dtypes:
            for N, T, D, H in ARGS.size_list:
                med, _ = bench_size(cell, N, T, D, H, dtype, ARGS.repeats, ARGS.skip)
                cells = [f"{med[c] * 1e3:10.2f}" if c in med else f"{'-':>10}" for c in columns]
                speed = (f"{med['torch'] / med['fast']:7.2f}x"
                         if "torch" in med and "fast" in med else f"{'-':>8}")
                flops = 6 * blocks * N * T * H * (D + H)
                fast_gf = flops / med["fast"] / 1e9 if "fast" in med else float("nan")
                gemm_gf = (2 * N * T * (D + H) * blocks * H / med["gemm"] / 1e9 if "gemm" in med
                           else float("nan"))
                print(f"{cell:>5} {f'{N} x {T} x {D} x {H}':>18} {dtype:>7} " + " ".join(cells)
                      + f" {speed} {fast_gf:9.1f} {gemm_gf:9.1f} {fast_gf / gemm_gf:7.0%}"
                      + (f" {med['gemms'] / med['torch']:11.0%}" if "gemms" in med and "torch" in med
                         else ""), flush=True)


if __name__ == "__main__":
    main()
