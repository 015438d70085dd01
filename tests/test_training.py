"""End to end, against real torch 2.13: PyTorch's beginner training loop runs unchanged.

The same code trains a small MLP (20-32-16-3, ReLU, Dropout, CrossEntropyLoss) on the same
synthetic data through DataLoader(shuffle=True) under torch and under torchless, from
manual_seed(0): the initial weights must be bit-identical, the shuffle order identical
(every epoch), the Dropout masks identical (both draw from the global stream between the
loader's seed draws), and the loss curve equal to float32 rounding — with an allowance that
grows along the run, since rounding differences in the matrix products compound.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchless

EPOCHS = 20          # 15 batches each: 300 optimiser steps
BATCH = 16


def make_data():
    rng = np.random.RandomState(0)
    X = rng.randn(240, 20).astype(np.float32)
    teacher = rng.randn(20, 3).astype(np.float32)
    y = (X @ teacher + 0.5 * rng.randn(240, 3)).argmax(1).astype(np.int64)
    return X, y


def train(T, optimiser):
    """The learner's script, written once for either library."""
    nn = T.nn
    X, y = make_data()
    T.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 3))
    initial = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    idx = T.arange(240)
    train_ds = T.utils.data.TensorDataset(T.from_numpy(X[:200]), T.from_numpy(y[:200]),
                                          idx[:200])
    val_x, val_y = T.from_numpy(X[200:]), T.from_numpy(y[200:])
    loader = T.utils.data.DataLoader(train_ds, batch_size=BATCH, shuffle=True)
    loss_fn = nn.CrossEntropyLoss()
    if optimiser == "sgd":
        opt = T.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    elif optimiser == "adam":
        opt = T.optim.Adam(model.parameters(), lr=3e-3)
    else:
        opt = T.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05, amsgrad=True)
    losses, orders, val_losses = [], [], []
    for _ in range(EPOCHS):
        model.train()
        order = []
        for xb, yb, ib in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            order.extend(ib.tolist())
        orders.append(order)
        model.eval()
        with T.no_grad():
            val_losses.append(loss_fn(model(val_x), val_y).item())
    final = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    return dict(initial=initial, losses=np.array(losses), orders=orders,
                val=np.array(val_losses), final=final, after=T.rand(3).tolist())


@pytest.fixture(scope="module", params=["sgd", "adam", "adamw_amsgrad"])
def runs(request):
    # one torch thread: on a busy 2-core machine torch's thread pool makes these tiny steps
    # 10-50x slower; the thread count does not change these small products' results
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return train(torch, request.param), train(torchless, request.param)
    finally:
        torch.set_num_threads(threads)


def test_initial_weights_bit_exact(runs):
    ref, got = runs
    assert list(ref["initial"]) == list(got["initial"])
    for k in ref["initial"]:
        a, b = ref["initial"][k], got["initial"][k]
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32)), k


def test_shuffle_order_and_stream_exact(runs):
    ref, got = runs
    assert ref["orders"] == got["orders"]
    for order in got["orders"]:
        assert sorted(order) == list(range(200))
    # shuffles and Dropout masks drew exactly the same numbers from the global generator
    assert ref["after"] == got["after"]


def test_loss_curve(runs):
    ref, got = runs
    n = len(ref["losses"])
    assert len(got["losses"]) == n == EPOCHS * -(-200 // BATCH)
    # float32 rounding of the products: ~1e-6 relative at the start, compounding over steps
    allowance = 2e-6 * (1 + np.arange(n) / 10)
    err = np.abs(got["losses"] - ref["losses"]) / np.maximum(np.abs(ref["losses"]), 1e-3)
    assert np.all(err <= allowance), (err.max(), int(err.argmax()))
    assert ref["losses"][-30:].mean() < 0.6 * ref["losses"][:15].mean()     # it did learn
    np.testing.assert_allclose(got["val"], ref["val"], rtol=2e-5)


def test_final_parameters(runs):
    ref, got = runs
    assert list(ref["final"]) == list(got["final"])
    for k in ref["final"]:
        np.testing.assert_allclose(got["final"][k], ref["final"][k], rtol=1e-4, atol=1e-5,
                                   err_msg=k)
