"""The factory in torch, as the pages build it: the tests' one copy of it."""

import torch


def run(x: float, w: float, v: float, target: float, dtype=torch.float32) -> dict[str, torch.Tensor]:
    """One run of the factory and its loss, each tensor under the name the pages give it."""
    t = {"w": torch.tensor(w, dtype=dtype, requires_grad=True),
         "v": torch.tensor(v, dtype=dtype, requires_grad=True),
         "x": torch.tensor(x, dtype=dtype), "y_target": torch.tensor(target, dtype=dtype)}
    t["u"] = t["w"] * t["x"]
    t["y"] = t["v"] * t["u"]
    t["Loss"] = (t["y"] - t["y_target"]) ** 2
    return t


def learn(x: float, w: float, v: float, target: float, lr: float, tolerance: float,
          most: int = 1000) -> dict[str, float]:
    """Gradient descent as the epilogue runs it: until the order is met within ``tolerance``."""
    t = run(x, w, v, target)
    for step in range(most):
        t = run(x, t["w"].item(), t["v"].item(), target)
        if abs(t["y"].item() - target) < tolerance:
            break
        t["Loss"].backward()
        with torch.no_grad():
            t["w"] -= lr * t["w"].grad
            t["v"] -= lr * t["v"].grad
    return {"steps": step, "w_end": t["w"].item(), "v_end": t["v"].item(), "y_end": t["y"].item()}
