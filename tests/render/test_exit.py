"""The program ends without tearing the interpreter down (`cli.entry`), losing nothing."""

import json

from tests.media import gif_frames
from tests.processes import cli_env, run_cli


def test_a_render_ends_with_its_output_whole_and_nothing_left_behind(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "fig.gif"
    done = run_cli(
        "render",
        "-o",
        "sgd",
        "-n",
        "2",
        "-q",
        "preview",
        "-O",
        str(out),
        env=cli_env(TMPDIR=str(temp)),
    )
    assert done.returncode == 0, done.stderr
    # stdout is a pipe, so block-buffered: both lines arrive only if it was flushed before exit
    wrote, sidecar = done.stdout.splitlines()
    assert wrote.startswith(f"wrote {out} (") and f" {len(gif_frames(out))} frames" in wrote
    assert sidecar == f"data and parameters: {out}.json"
    assert json.loads(out.with_name("fig.gif.json").read_text())["output"]["file"] == "fig.gif"
    assert list(temp.iterdir()) == []  # Manim's temporary folder went (atexit ran)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.gif", "fig.gif.json", "tmp"]


def test_an_error_still_exits_with_its_code_and_one_line():
    done = run_cli("render", "--steps", "abc")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and done.stderr.startswith("optiroll: error: ")
