"""The page's engine (docs/_static/factory-engine.js, and factory-replay.js's descent) computes what torch computes: its own
unit tests pass under Node's test runner, and for every case burger_factory.explore has
torch compute (the panel's cases, and the epilogue's descents for several learning rates),
the engine's numbers are torch's within 1e-9, written as the book writes them."""

import json
import math
import subprocess

import pytest
from project import ROOT, truths

from burger_factory import explore

NODE = ROOT / ".venv" / "bin" / "node"
ENGINE = ROOT / "docs" / "_static" / "factory-engine.js"
REPLAY = ROOT / "docs" / "_static" / "factory-replay.js"  # the descent


def node(script: str, data) -> object:
    """Run ``script`` in Node with the engine as ``engine`` and ``data`` as ``data``: what it
    prints, read as JSON."""
    program = (f"const engine = require({json.dumps(str(ENGINE))});\nrequire({json.dumps(str(REPLAY))});\n"
               f"const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n{script}")
    done = subprocess.run([str(NODE), "-e", program], input=json.dumps(data), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def close(shown: float, truth: float) -> bool:
    return shown == truth or math.isclose(shown, truth, rel_tol=1e-9)


def test_the_engine_passes_its_own_unit_tests():
    tests = sorted(str(p) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    assert tests
    done = subprocess.run([str(NODE), "--test", *tests], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_case_the_engine_computes_is_torchs_within_1e_9_and_written_as_the_book_writes():
    cases = explore.cases(more=100)
    shown = node("console.log(JSON.stringify(data.cases.map(c => { const n = engine.numbers(c.knobs, data.order);"
                 " return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, [v, engine.format(v)]])); })));",
                 {"cases": cases, "order": explore.order()})
    assert len(shown) == len(cases) > 100
    for case, numbers in zip(cases, shown):
        truth = truths(case)
        assert set(numbers) == set(truth), (case["knobs"], set(numbers) ^ set(truth))
        for key, want in truth.items():
            value, text = numbers[key]
            assert close(value, want), (case["knobs"], key, value, want)
            assert text == format(want + 0.0, ".10g"), (case["knobs"], key, text)


@pytest.mark.parametrize("start", [explore.SEED, {"w": 1.0, "v": 1.0, "x": 2.0, "target": 10.0},
                                   {"w": -2.0, "v": 0.5, "x": 1.5, "target": 4.0}],
                         ids=lambda s: ",".join(f"{k}={v:g}" for k, v in s.items()))
def test_the_engines_gradient_descent_is_torchs_step_by_step(start):
    runs = explore.descents(**start, lr=0.002, tolerance=0.01)
    assert {r["outcome"] for r in runs} >= {"filled", "diverged"}
    shown = node("console.log(JSON.stringify(data.runs.map(r => engine.descent(r.knobs, r.knobs.lr, 0.01, data.most, data.limit))));",
                 {"runs": runs, "most": explore.MOST, "limit": explore.LIMIT})
    for run, mine in zip(runs, shown):
        assert (mine["outcome"], mine["steps"]) == (run["outcome"], run["steps"]), run["knobs"]
        for step, (a, b) in enumerate(zip(mine["history"], run["history"])):
            assert all(close(x, y) for x, y in zip(a, b)), (run["knobs"], step, a, b)
