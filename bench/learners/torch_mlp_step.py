"""PyTorch anchor for the MLP step benchmark: ms per Adam training step (forward, backward, update)
at a given batch size for the same layer sizes our MLP uses, with 1 thread.

Usage: /usr/bin/python3 bench/learners/torch_mlp_step.py 64,128,128,10 256 [steps]
Prints {"sizes": [...], "batch": B, "ms_per_step": median, "ms_runs": [...]} as JSON.
"""
import json
import sys
import time

import torch


def main():
    sizes = [int(s) for s in sys.argv[1].split(",")]
    batch = int(sys.argv[2])
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(batch, sizes[0])
    y = torch.randint(0, sizes[-1], (batch,))

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(50):
        step()
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        runs.append((time.perf_counter() - t0) * 1000 / steps)
    runs.sort()
    print(json.dumps({"sizes": sizes, "batch": batch, "ms_per_step": runs[len(runs) // 2], "ms_runs": runs}))


if __name__ == "__main__":
    main()
