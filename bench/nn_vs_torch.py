"""Time one training step of the same MLP in course_utils.nn and in PyTorch, in the same run.

The model: the 8×8 digits (64 inputs) → Dense 128 → ReLU → Dense 10, softmax cross-entropy,
L2 weight decay 1e-4 on the weights only, plain SGD, batch 64, in float32 and in float64.
Both libraries start from the same weights and see the same pre-built mini-batches, so they
must end with the same weights (the largest difference is printed as a check); each step
includes reading the loss back as a Python float, as a loop that records a loss history does.

Threads: both libraries are limited to the same number of threads (``--threads``, default 1):
PyTorch with ``torch.set_num_threads`` (intra-op) and ``torch.set_num_interop_threads``, NumPy's
BLAS (OpenBLAS) with ``threadpoolctl.threadpool_limits``. At batch 64 the matrices are too small
for threads to pay, and on a shared machine extra threads only add contention.

Usage:  python bench/nn_vs_torch.py [--steps 400] [--repeats 5] [--threads 1]
Prints microseconds per step for each library and the ratio ours / PyTorch (≤ 1 means ours is
at least as fast). The median of the repeats is reported.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from course_utils import nn
from course_utils.datasets import load_digits_split

SIZES = [64, 128, 10]
WEIGHT_DECAY = 1e-4
LEARNING_RATE = 0.1


def batches(dtype: type, batch_size: int, steps: int, seed: int = 0) -> list:
    """``steps`` mini-batches (x, y) drawn by seeded shuffling of the digits training set."""
    x, _, y, _ = load_digits_split(dtype=dtype)
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < steps:
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch_size + 1, batch_size):
            index = order[start : start + batch_size]
            out.append((np.ascontiguousarray(x[index]), y[index]))
    return out[:steps]


def torch_copy(network: nn.Network, dtype: torch.dtype) -> torch.nn.Sequential:
    """The same MLP in PyTorch, with the weights of ``network`` (Linear stores Wᵀ)."""
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(), torch.nn.Linear(SIZES[1], SIZES[2])
    ).to(dtype)
    with torch.no_grad():
        for linear, dense in zip(
            (model[0], model[2]), (network.layers[0], network.layers[2]), strict=True
        ):
            linear.weight.copy_(torch.from_numpy(dense.params["W"].T))
            linear.bias.copy_(torch.from_numpy(dense.params["b"]))
    return model


def time_ours(dtype: type, data: list, warmup: int) -> tuple[float, list[np.ndarray]]:
    network = nn.mlp(SIZES, weight_decay=WEIGHT_DECAY, seed=0, dtype=dtype)
    for x, y in data[:warmup]:
        network.train_step(x, y, LEARNING_RATE)
    start = time.perf_counter()
    for x, y in data[warmup:]:
        network.train_step(x, y, LEARNING_RATE)
    seconds = (time.perf_counter() - start) / (len(data) - warmup)
    return seconds, [param for _, param, _ in network.parameters()]


def time_torch(dtype: type, data: list, warmup: int) -> tuple[float, list[np.ndarray]]:
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    model = torch_copy(nn.mlp(SIZES, weight_decay=WEIGHT_DECAY, seed=0, dtype=dtype), torch_dtype)
    optimizer = torch.optim.SGD(
        [
            {"params": [model[0].weight, model[2].weight], "weight_decay": WEIGHT_DECAY},
            {"params": [model[0].bias, model[2].bias], "weight_decay": 0.0},
        ],
        lr=LEARNING_RATE,
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    tensors = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in data]

    def step(x: torch.Tensor, y: torch.Tensor) -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for x, y in tensors[:warmup]:
        step(x, y)
    start = time.perf_counter()
    for x, y in tensors[warmup:]:
        step(x, y)
    seconds = (time.perf_counter() - start) / (len(tensors) - warmup)
    weights = [model[0].weight.T, model[0].bias, model[2].weight.T, model[2].bias]
    return seconds, [w.detach().numpy() for w in weights]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=400, help="timed steps per repeat")
    parser.add_argument("--warmup", type=int, default=50, help="untimed steps first")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="threads for both libraries")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    print(
        f"MLP {'-'.join(map(str, SIZES))}, batch {args.batch_size}, {args.steps} steps,"
        f" median of {args.repeats}; {args.threads} thread(s) each; torch {torch.__version__},"
        f" numpy {np.__version__}"
    )
    print(f"{'dtype':8} {'ours µs/step':>13} {'torch µs/step':>14} {'ours/torch':>11}  check")
    with threadpool_limits(limits=args.threads):
        for dtype in (np.float32, np.float64):
            data = batches(dtype, args.batch_size, args.warmup + args.steps)
            ours, theirs = [], []
            for _ in range(args.repeats):  # interleaved, so both see the same machine load
                t, our_params = time_ours(dtype, data, args.warmup)
                ours.append(t)
                t, torch_params = time_torch(dtype, data, args.warmup)
                theirs.append(t)
            gap = max(
                float(np.max(np.abs(p - q))) for p, q in zip(our_params, torch_params, strict=True)
            )
            a, b = statistics.median(ours) * 1e6, statistics.median(theirs) * 1e6
            print(
                f"{np.dtype(dtype).name:8} {a:13.1f} {b:14.1f} {a / b:11.2f}"
                f"  max |θ_ours − θ_torch| at the end = {gap:.1e}"
            )


if __name__ == "__main__":
    main()
