"""``python -m arraygrad.demo``: the chain-rule printout, training, progress line and plot."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from arraygrad import demo

DEVICES = [
    pytest.param("cpu", id="numpy"),
    pytest.param(
        "array_api_strict",
        id="array_api_strict",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("array_api_strict") is None,
            reason="array_api_strict is not installed",
        ),
    ),
]


@pytest.mark.parametrize("device", DEVICES)
def test_demo_trains_and_prints_the_chain_rule(device, capsys):
    history = demo.main(["--steps", "30", "--no-plot", "--device", device])
    out = capsys.readouterr().out
    assert len(history) == 30
    assert all(isinstance(v, float) for v in history)
    assert history[-1] < history[0] / 100  # the loss falls (3e7 to 7e4 in 30 steps)
    # The chain-rule example: out = mean((2x)**3) = 200, d out/dx = 6 x**2.
    assert "d out/dx = 6 x**2" in out
    assert "Tensor(200., dtype=float64" in out
    assert "x.grad = Tensor([[ 6., 24.],\n        [54., 96.]], dtype=float64" in out
    # The progress line, rewritten with \r, ends at the last step with its loss.
    assert f"\r[{'#' * 30}] step 30/30  loss {history[-1]:.4e}" in out
    assert "loss curve" not in out
    assert "matplotlib" not in out


def test_demo_is_reproducible_from_its_seed(capsys):
    a = demo.main(["--steps", "3", "--no-plot", "--seed", "1"])
    b = demo.main(["--steps", "3", "--no-plot", "--seed", "1"])
    c = demo.main(["--steps", "3", "--no-plot", "--seed", "2"])
    capsys.readouterr()
    assert a == b
    assert a != c


def test_demo_without_matplotlib_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # find_spec/import now fail
    path = tmp_path / "loss.png"
    demo.main(["--steps", "2", "--plot", str(path)])
    out = capsys.readouterr().out
    assert "matplotlib is not installed" in out
    assert not path.exists()


def test_demo_saves_the_loss_curve(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "loss.png"
    demo.main(["--steps", "5", "--plot", str(path)])
    out = capsys.readouterr().out
    assert f"loss curve saved to {path}" in out
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_rejects_zero_steps(capsys):
    with pytest.raises(SystemExit):
        demo.main(["--steps", "0"])
    assert "--steps must be at least 1" in capsys.readouterr().err
