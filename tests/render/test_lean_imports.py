"""Manim imported without scipy.spatial, networkx and bs4; code that needs them still gets them.

Each check runs in a fresh interpreter: this one may have imported the real packages already.
"""

import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.media import assert_ball_at, gif_frames

REAL = "import sys; real = [m for m in ('scipy.spatial._qhull', 'networkx.classes', 'bs4.element') if m in sys.modules]"


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_manim_imports_without_the_deferred_packages():
    out = run(
        "from optiroll.render.pipeline import import_manim; import_manim(); import manim; "
        f"{REAL}; print(real, manim.Circle().radius)"
    )
    assert out == "[] 1.0"


def test_code_using_a_deferred_package_gets_the_real_one():
    out = run(
        "from optiroll.render.pipeline import import_manim; import_manim()\n"
        "import numpy as np, manim\n"
        "from manim.utils.space_ops import rotation_matrix\n"
        "from manim.mobject.text.code_mobject import BeautifulSoup, Tag\n"
        "turn = rotation_matrix(np.pi / 2, [0, 0, 1]).round(6).tolist()\n"
        f"{REAL}; rotated = real\n"
        "from scipy.spatial import ConvexHull\n"
        "hull = ConvexHull([[0, 0], [1, 0], [0, 1], [0.2, 0.2]])\n"
        "graph = manim.Graph([1, 2, 3], [(1, 2), (2, 3)], layout='circular')\n"
        "tag = BeautifulSoup('<b>x</b>', 'html.parser').b\n"
        f"{REAL}\n"
        "print(turn[0], rotated, len(hull.vertices), len(graph.vertices), isinstance(tag, Tag), real)"
    )
    assert out == (
        "[0.0, -1.0, 0.0] [] 3 3 True ['scipy.spatial._qhull', 'networkx.classes', 'bs4.element']"
    )


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.floats(-1.0, 1.0), min_size=3, max_size=3),
    st.sampled_from([1e-6, 1e-4, 1e-3, 0.01, 1.0, np.pi, 10.0, 1e3]),
)
def test_manims_rotations_are_scipys_to_the_bit(direction, size):
    from scipy.spatial.transform import Rotation

    from optiroll.render.lean_imports import RotvecRotation

    rotvec = np.array(direction) * size
    ours = RotvecRotation.from_rotvec(rotvec).as_matrix()
    assert np.array_equal(ours, Rotation.from_rotvec(rotvec).as_matrix())


def test_a_render_needs_none_of_them_and_draws_the_figure(tmp_path):
    out = tmp_path / "lean.gif"
    loaded = run(
        "from optiroll.cli import main\n"
        "try:\n"
        f"    main(['render', '-n', '3', '--quality', 'preview', '-O', {str(out)!r}])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        f"{REAL}; print(real, 'scipy._lib' in sys.modules)"
    ).splitlines()[-1]
    assert loaded == "[] False"  # not even scipy itself: its texts were turned without it
    sidecar = json.loads(out.with_name("lean.gif.json").read_text())
    last = gif_frames(out)[-1]
    for panel in sidecar["panels"]:
        run_ = sidecar["trajectories"][panel["runs"][0]]
        assert_ball_at(last, run_["points"][-1], panel, run_["color"])


def test_an_encoder_process_imports_none_of_the_math_and_no_package_metadata():
    out = run(
        "import sys; import optiroll.render.background; "
        "print(sorted(m for m in sys.modules if m.startswith(('optiroll.optim', 'importlib.metadata'))))"
    )
    assert out == "[]"


def test_numpy_starts_no_thread_pool_unless_the_user_asks_for_one():
    threads = "import os, optiroll, numpy; print(len(os.listdir('/proc/self/task')), os.environ['OPENBLAS_NUM_THREADS'])"
    assert run(threads) == "1 1"
    asked = subprocess.run(
        [sys.executable, "-c", threads],
        env={**os.environ, "OPENBLAS_NUM_THREADS": "2"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert asked.stdout.split()[1] == "2"
