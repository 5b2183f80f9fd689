"""`optiroll build`: a tiny figures file really rendered, rebuilt from the cache, broken in each way."""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import av
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from PIL import Image
from processes import cli_env, default_signals, start_cli, wait_for, wait_until_group_is_gone

from media import gif_delays
from optiroll.builder import runner
from optiroll.builder.cache import BuildCache
from optiroll.builder.figures_file import FIGURE_KEYS, FiguresFileError, load_figures
from optiroll.builder.locate import SourceLines
from optiroll.builder.pipeline import default_out_dir, plan
from optiroll.builder.snippets import index, snippet
from optiroll.builder.starter import STARTER
from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment
from optiroll.plan.request import REQUEST_KINDS, RenderRequest

# Preview size, 2 updates at 0.1 s each: 2 moving frames at 10 fps plus the 1 s hold.
TINY = """\
title = "Tiny"

[defaults]
quality = "preview"
steps = 2
seconds_per_step = 0.1

[figures.zig]
scene = "single"
optimizers = ["sgd"]
lang = "ko"
alt = "SGD <지그재그> & co"
caption = "SGD에 의한 최적화 갱신 경로"

[figures.race]
scene = "race"
optimizers = [{ name = "momentum", lr = 0.1 }, "adam:lr=0.3"]
format = "mp4"
alt = "two balls"
"""
# The GIF gets a PNG poster (the still for reduced motion, at its size); the MP4 a WebM and a
# poster.
MEDIA = ("zig.gif", "zig.png", "race.mp4", "race.webm", "race.png")


def build(figures: Path, *args: str):
    return CliRunner().invoke(cli, ["build", str(figures), *args])


def write(tmp_path: Path, text: str, name: str = "figures.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("manim")
    root = tmp_path_factory.mktemp("build")
    figures = write(root, TINY)
    out = root / "out"
    result = build(figures, "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    return figures, out, result


class Tags(HTMLParser):
    """Every start tag with its attributes, the text inside <figcaption> and <style>, and the
    text of each heading."""

    TEXTS = ("figcaption", "style", "h1", "h2")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, str]] = []
        self._inside: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.TEXTS:
            self._inside = tag
            self.texts.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside:
            tag, text = self.texts[-1]
            self.texts[-1] = (tag, text + data)

    @property
    def caption(self) -> str:
        return "".join(text for tag, text in self.texts if tag == "figcaption")

    @property
    def style(self) -> str:
        return "".join(text for tag, text in self.texts if tag == "style")

    @property
    def headings(self) -> list[str]:
        return [text for tag, text in self.texts if tag in ("h1", "h2")]

    def first(self, tag: str) -> dict:
        return next(attrs for name, attrs in self.tags if name == tag)


def test_a_build_renders_every_file_with_its_sidecar_and_the_poster(built):
    _, out, result = built
    assert "5 rendered, 0 up to date, 0 failed" in result.output
    with Image.open(out / "zig.gif") as gif:
        assert (gif.width, gif.height) == (426, 240)
    # A 0.5 s still of the start, 1 update at 0.2 s (2 frames), a 2.5 s hold, at 10 fps: the
    # still and the hold one image each, in centiseconds.
    assert gif_delays(out / "zig.gif") == [50, 10, 10, 250]
    # A video's poster is a still at its size, 640x360 at preview; a GIF's at the GIF's.
    for poster, size in (("race.png", (640, 360)), ("zig.png", (426, 240))):
        with Image.open(out / poster) as still:
            assert still.size == size
    with av.open(str(out / "race.webm")) as webm:
        stream = webm.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("vp9", 640, 360)
    for name in MEDIA:
        sidecar = json.loads((out / (name + ".json")).read_text())
        assert sidecar["output"]["file"] == name
    zig = json.loads((out / "zig.gif.json").read_text())
    # "sgd" named without values takes the book preset's tuned lr, as `optiroll render -o sgd` does.
    assert zig["experiment"]["optimizers"][0]["hyperparameters"]["lr"] == 0.95
    assert zig["settings"]["lang"] == "ko" and zig["experiment"]["steps"] == 2


def test_a_second_build_of_an_unchanged_file_renders_nothing(built):
    figures, out, _ = built
    before = mtimes(out)
    result = build(figures, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "0 rendered, 5 up to date, 0 failed" in result.output
    assert mtimes(out) == before  # media, side-cars, snippets and index untouched


def test_a_cached_build_does_not_import_manim(built):
    figures, out, _ = built
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom optiroll.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['build', {str(figures)!r}, '--out', {str(out)!r}])\n"
        "assert r.exit_code == 0, r.output\nassert '5 up to date' in r.output, r.output\n"
        "print(sorted(m for m in ('manim', 'av', 'PIL', 'cairo') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_changed_or_deleted_file_is_rendered_again_and_only_that_one(built, tmp_path):
    _, built_out, _ = built
    out = tmp_path / "out"
    shutil.copytree(built_out, out)  # keeps modification times, which the cache compares
    changed = write(
        tmp_path, TINY.replace('caption = "SGD', 'seconds_per_step = 0.2\ncaption = "SGD')
    )
    (out / "race.png").unlink()
    before = mtimes(out)
    result = build(changed, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 rendered, 2 up to date" in result.output  # zig's GIF and poster, race's poster
    after = mtimes(out)
    assert after["zig.gif"] != before["zig.gif"] and after["race.mp4"] == before["race.mp4"]
    assert "race.png" in after
    # The still, 2 updates at 0.2 s (4 frames), the hold; 10 fps.
    assert gif_delays(out / "zig.gif") == [50] + [10] * 4 + [250]
    # --force renders all, even what is up to date.
    result = build(changed, "--out", str(out), "--force")
    assert "5 rendered, 0 up to date" in result.output, result.output


@pytest.mark.parametrize(
    "damage",
    [
        b"garbage, not JSON",
        b"[1, 2, 3]",  # JSON of another type
        b'{"tool": "optiroll", "output": {"file": "zig.gif"}}',  # keys missing
        b'{"tool": "optiroll", "output": {"file": "zig.gif", "width": "wide", "height": 1}}',
    ],
)
def test_a_damaged_sidecar_is_rendered_again_not_a_crash(built, tmp_path, damage):
    figures, built_out, _ = built
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    sidecar = out / "zig.gif.json"
    stat = sidecar.stat()
    sidecar.write_bytes(damage)
    os.utime(sidecar, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even when the time says fresh
    result = build(figures, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "1 rendered, 4 up to date" in result.output
    assert json.loads(sidecar.read_text())["output"]["file"] == "zig.gif"
    assert (out / "zig.md").read_text() == (built_out / "zig.md").read_text()


def test_media_that_does_not_read_back_is_rendered_again(built, tmp_path):
    figures, built_out, _ = built
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    media = out / "race.webm"
    stat = media.stat()
    media.write_bytes(b"\0" * stat.st_size)  # same size and time, not a WebM any more
    os.utime(media, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = build(figures, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "1 rendered, 4 up to date" in result.output
    assert media.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"


@pytest.mark.parametrize("manifest", [b"not json", b"[]", b'{"zig.gif": "a string"}'])
def test_a_damaged_manifest_only_forgets(built, tmp_path, manifest):
    figures, built_out, _ = built
    out = tmp_path / "out"
    shutil.copytree(built_out, out)
    (out / ".optiroll-build.json").write_bytes(manifest)
    result = build(figures, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "5 rendered, 0 up to date" in result.output


def test_what_draws_the_picture_is_in_the_cache_key(monkeypatch):
    from optiroll.builder import cache

    figure_file = load_figures_text(TINY)
    settings, experiment = figure_file.figures[0].resolve("gif")
    here = cache.render_key(settings, experiment)
    environment = cache.environment()
    assert set(environment["packages"]) == {"manim", "av", "manimpango", "pycairo"}
    for change in (
        {"packages": {**environment["packages"], "manim": "0.99.0"}},
        {"packages": {**environment["packages"], "av": "99.0.0"}},
        {"tex": not environment["tex"]},
        {"fonts": [*environment["fonts"], "A Font Installed Since"]},
    ):
        monkeypatch.setattr(cache, "environment", lambda change=change: {**environment, **change})
        assert cache.render_key(settings, experiment) != here, change


def load_figures_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return load_figures(write(Path(folder), text))


def keeps_its_shape(attrs: dict, width: int, height: int) -> None:
    """The file's size, and an inline style that scales it without stretching under any theme."""
    assert (attrs["width"], attrs["height"]) == (str(width), str(height))
    style = dict(rule.split(":", 1) for rule in attrs["style"].rstrip(";").split(";"))
    style = {key.strip(): value.strip() for key, value in style.items()}
    assert style == {
        "max-width": "100%",
        "height": "auto",
        "aspect-ratio": f"{width} / {height}",
    }


def test_an_image_snippet_has_escaped_alt_the_size_and_the_caption(built):
    _, out, _ = built
    snippet = (out / "zig.md").read_text()
    tags = Tags(snippet)
    assert tags.first("figure") == {"lang": "ko"}
    img = tags.first("img")
    assert img["src"] == "zig.gif" and img["alt"] == "SGD <지그재그> & co"
    keeps_its_shape(img, 426, 240)
    assert "&lt;지그재그&gt; &amp; co" in snippet  # escaped in the HTML, whole in the attribute
    assert tags.caption == "SGD에 의한 최적화 갱신 경로"
    # A reader who asks for reduced motion gets the poster, the GIF's last frame, instead.
    assert [name for name, _ in tags.tags] == ["figure", "picture", "source", "img", "figcaption"]
    assert tags.first("source") == {
        "media": "(prefers-reduced-motion: reduce)",
        "srcset": "zig.png",
    }


def test_a_video_snippet_loops_muted_inline_with_its_poster(built):
    _, out, _ = built
    text = (out / "race.md").read_text()
    tags = Tags(text)
    video = tags.first("video")
    assert {"autoplay", "loop", "muted", "playsinline"} <= set(video)
    assert video["poster"] == "race.png" and (out / video["poster"]).is_file()
    keeps_its_shape(video, 640, 360)
    assert video["aria-label"] == "two balls"
    # Asked for an MP4, it offers the WebM first (smaller; a browser without VP9 skips it).
    sources = [attrs for name, attrs in tags.tags if name == "source"]
    assert sources == [
        {"src": "race.webm", "type": "video/webm; codecs=vp9"},
        {"src": "race.mp4", "type": "video/mp4"},
    ]
    # The still for reduced motion: hidden unless the scoped style shows it and hides the video.
    still = tags.first("img")
    assert still["src"] == "race.png" and still["alt"] == "two balls" and "hidden" in still
    keeps_its_shape(still, 640, 360)
    assert set(video["class"].split()) & set(still["class"].split()) == set()
    assert tags.style.startswith("@media (prefers-reduced-motion: reduce)")
    assert f"video.{video['class']} {{ display: none !important; }}" in tags.style
    assert f"img.{still['class']} {{ display: block !important; }}" in tags.style
    assert not tags.caption  # no caption given, no <figcaption>


def test_new_words_rewrite_the_snippets_without_rendering(built, tmp_path):
    figures, out, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)  # keeps modification times, which the cache compares
    text = TINY.replace('title = "Tiny"', 'title = "Tiny"\nbase_url = "/assets/ch6/"')
    reworded = write(tmp_path, text.replace("SGD에 의한", "새 캡션: SGD에 의한"))
    result = build(reworded, "--out", str(copy))
    assert "0 rendered, 5 up to date" in result.output, result.output
    tags = Tags((copy / "zig.md").read_text())
    assert tags.caption == "새 캡션: SGD에 의한 최적화 갱신 경로"
    assert tags.first("img")["src"] == "/assets/ch6/zig.gif"
    assert tags.first("source")["srcset"] == "/assets/ch6/zig.png"
    video = Tags((copy / "race.md").read_text())
    assert video.first("video")["poster"] == "/assets/ch6/race.png"
    assert video.first("source")["src"] == "/assets/ch6/race.webm"
    assert video.first("img")["src"] == "/assets/ch6/race.png"


# Every kind of character that means something to HTML, Liquid (Jekyll runs it first), kramdown
# or CommonMark, and a blank line, which would end a Markdown HTML block.
TRICKY = 'Ch. 6: *SGD* & "Adam" it\'s <b>{{ lr }}</b> {% raw %} ~~x~~ #1 $$m$$ [a](b) `c` _d_ | \\'


def test_every_string_from_the_figures_file_is_escaped_and_round_trips(tmp_path):
    """Attributes and text come back whole from an HTML parser, index.md's headings from a
    Markdown one, and nothing reaches Liquid."""
    toml_string = TRICKY.replace("\\", "\\\\").replace('"', '\\"')
    figures_file = load_figures(
        write(
            tmp_path,
            f"""\
            title = "{toml_string}"
            base_url = "{{{{ site.baseurl }}}}/assets/"
            [figures.gif]
            alt = "{toml_string}"
            caption = \"\"\"{toml_string}\n\n{toml_string}\"\"\"
            [figures.video]
            format = "webm"
            alt = "{toml_string}"
            """,
        )
    )
    for name, fmt in (("gif", "gif"), ("video", "webm")):
        (tmp_path / f"{name}.{fmt}.json").write_text('{"output": {"width": 854, "height": 480}}')
    gif, video = figures_file.figures
    snippets = {f.name: snippet(f, tmp_path, figures_file.base_url) for f in (gif, video)}
    for text in snippets.values():
        tags = Tags(text)
        for name, attrs in tags.tags:
            if name in ("img", "video"):
                assert attrs.get("alt", attrs.get("aria-label")) == TRICKY, attrs
        # base_url is a URL, its Liquid left to Jekyll; the text's braces never reach Liquid.
        assert tags.first("img")["src"].startswith("{{ site.baseurl }}/assets/")
        assert text.count("{{") == text.count("{{ site.baseurl }}") and "{%" not in text
    assert Tags(snippets["gif"]).caption == f"{TRICKY} {TRICKY}"  # on one line
    page = index(figures_file, snippets)
    assert "{{" not in page.replace("{{ site.baseurl }}", "") and "{%" not in page
    html = MarkdownIt("commonmark").render(page)
    assert Tags(html).headings == [TRICKY, "gif", "video"]
    assert Tags(html).caption == f"{TRICKY} {TRICKY}"  # the raw HTML block passes whole


def test_index_lists_every_figure_in_file_order(built):
    _, out, _ = built
    index = (out / "index.md").read_text()
    assert index.startswith("# Tiny\n")
    assert index.index("## zig") < index.index("## race")
    assert (out / "zig.md").read_text() in index and (out / "race.md").read_text() in index


def test_a_failing_figure_does_not_stop_the_others(tmp_path):
    pytest.importorskip("manim")
    figures = write(
        tmp_path,
        """\
        [defaults]
        quality = "preview"
        steps = 2
        seconds_per_step = 0.1
        [figures.good]
        scene = "single"
        optimizers = ["adam"]
        alt = "fine"
        [figures.broken]
        scene = "single"
        optimizers = ["sgd"]
        alt = "cannot be written"
        """,
    )
    out = tmp_path / "out"
    (out / "broken.gif").mkdir(parents=True)  # a directory where the GIF should go
    result = build(figures, "--out", str(out))
    assert result.exit_code == 1
    # good's GIF and PNG; broken's PNG is taken from its GIF's render, and fails with it.
    assert "2 rendered, 0 up to date, 2 failed" in result.output
    assert "optiroll: error: figure 'broken' (broken.gif):" in result.output
    assert "optiroll: error: figure 'broken' (broken.png):" in result.output
    assert (out / "good.gif").is_file() and (out / "good.md").is_file()
    index = (out / "index.md").read_text()
    assert "## good" in index and "## broken" not in index
    assert not (out / "broken.md").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".broken")]  # no temporary left


def test_ctrl_c_stops_the_build_and_its_workers_and_leaves_no_file_behind(tmp_path):
    pytest.importorskip("manim")
    figures = write(tmp_path, LONG_FIGURES)
    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "optiroll", "build", str(figures), "--out", str(out), "-j", "2"],
        start_new_session=True,  # its own process group, as a shell gives a foreground job
        preexec_fn=default_signals,  # even if we ignore them
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    # A render has begun once its hidden temporary file exists.
    while not any(p.suffix == ".gif" for p in out.glob(".*")):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()[0]
        time.sleep(0.05)
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    output, _ = build.communicate(timeout=60)
    assert build.returncode == 130, output
    assert output.endswith("optiroll: interrupted\n")
    # The quick posters may have finished, each whole with its side-car; nothing else is left.
    left = {p.name for p in out.iterdir()} - {".optiroll-build.json"}
    finished = {name for name in left if name.endswith(".png")}
    assert left == finished | {f"{name}.json" for name in finished}, output


LONG_FIGURES = """\
    [defaults]
    quality = "preview"
    steps = 300
    scene = "single"
    [figures.one]
    optimizers = ["sgd"]
    alt = "long"
    [figures.two]
    optimizers = ["adam"]
    alt = "long too"
    [figures.three]
    optimizers = ["momentum"]
    alt = "never started"
    """


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGKILL, -9)]
)
# On two cores, one worker encodes in an encoder process and two encode themselves
# (`runner.encodes_here`): both ways end with the build.
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.skipif(
    len(getattr(os, "sched_getaffinity", lambda _: ())(0)) < 2, reason="runs the build on 2 cores"
)
def test_a_build_stopped_any_way_takes_its_workers_with_it(tmp_path, signum, code, jobs):
    pytest.importorskip("manim")
    two_cores = set(sorted(os.sched_getaffinity(0))[:2])
    assert runner.encodes_here(int(jobs), len(two_cores)) is (jobs == "2")
    figures, out = write(tmp_path, LONG_FIGURES), tmp_path / "out"
    build = start_cli("build", str(figures), "--out", str(out), "-j", jobs, cores=two_cores)
    wait_for(lambda: any(p.suffix == ".gif" for p in out.glob(".*")), build)
    os.kill(build.pid, signum)  # the main process alone: its workers get no signal from us
    output, _ = build.communicate(timeout=60)
    assert build.returncode == code, output
    assert wait_until_group_is_gone(build.pid) == []  # workers, encoders, resource tracker
    assert "Traceback" not in output and "leaked" not in output, output
    if signum != signal.SIGKILL:
        words = {signal.SIGTERM: "terminated (SIGTERM)", signal.SIGHUP: "hung up (SIGHUP)"}
        assert output.endswith(f"optiroll: {words[signum]}\n"), output
    left = sorted(p.name for p in out.iterdir())
    time.sleep(3)
    assert sorted(p.name for p in out.iterdir()) == left  # nothing finishes later
    assert not [name for name in left if re.search(r"\.optiroll-\d+-", name)]  # temporaries
    assert not [name for name in left if name.endswith(".gif")]
    finished = {name for name in left if name.endswith(".png")}
    assert set(left) - {".optiroll-build.json"} == finished | {f"{n}.json" for n in finished}


def test_a_worker_stopped_twice_ends_once(monkeypatch):
    """The pool terminates every worker once one has ended, and a worker whose build was killed
    hears it twice (the parent-death signal, then its own watch): the second must not cut short
    what the first began."""
    ended = []
    monkeypatch.setattr(runner, "_exit", ended.append)
    monkeypatch.setattr(runner, "_worker_stopping", False)
    runner._stop(signal.SIGTERM, None)
    runner._stop(signal.SIGHUP, None)
    runner._stop(signal.SIGTERM, None)
    assert ended == [143]


@pytest.mark.parametrize("encode_here", [False, True], ids=["encoder-process", "encode-here"])
def test_a_stop_that_a_job_swallowed_still_ends_it(tmp_path, monkeypatch, encode_here):
    """A job stops on signals as a command does: a stop whose exception was lost (a library's
    `except BaseException`) ends the render at its next frame, and the worker with it, leaving
    nothing, wherever it encodes."""
    pytest.importorskip("manim")
    from optiroll.render import pipeline

    ended = []
    monkeypatch.setattr(runner, "_exit", lambda code: ended.append(code) or sys.exit(code))
    monkeypatch.setattr(runner, "_worker_import_error", None)
    monkeypatch.setattr(runner, "_worker_queue", queue.SimpleQueue())  # progress, unread
    real_import = pipeline.import_manim

    def swallowing_import():
        try:
            signal.raise_signal(signal.SIGTERM)
        except BaseException:  # noqa: BLE001 — what the library does
            pass
        real_import()

    monkeypatch.setattr(pipeline, "import_manim", swallowing_import)
    job = runner.Job(
        "zig",
        "zig.gif",
        RenderRequest(scene="single", quality="preview"),
        {"optimizer_specs": ["sgd"], "steps": 2},
        "key",
        10,
    )
    previous = signal.signal(signal.SIGTERM, runner._stop)  # as the worker's start sets it
    try:
        with pytest.raises(SystemExit):
            runner._render_job(job, tmp_path, encode_here)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert ended == [143]
    assert list(tmp_path.iterdir()) == []


WATCHED = """
import os, sys, time
from optiroll.builder import runner
sys.platform = "elsewhere"  # no parent-death signal: the watch alone must notice
runner._end_with(os.getppid())
print("ready", flush=True)
time.sleep(60)
"""
MIDDLE = """
import subprocess, sys
worker = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
assert worker.stdout.readline() == "ready\\n"
print(worker.pid, flush=True)
worker.wait()
"""


def test_a_worker_whose_build_vanished_stops_even_without_a_parent_death_signal():
    middle = subprocess.Popen(
        [sys.executable, "-c", MIDDLE, WATCHED], env=cli_env(), stdout=subprocess.PIPE, text=True
    )
    worker = int(middle.stdout.readline())
    middle.kill()  # the build, killed outright
    middle.wait()
    deadline = time.monotonic() + 10
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(worker)


def running(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie waiting for its reaper does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


BROKEN = """\
titel = "typo"
[defaults]
theme = "lite"
[figures.a]
optimizers = ["sgdd"]
stepz = 3
alt = "a"
[figures.b]
steps = "30"
alt = "b"
[figures.c]
optimizers = [{ name = "adam", lrr = 0.3 }]
alt = "c"
[figures.d]
format = ["gif", "mp3"]
alt = "d"
[figures.e]
scene = "single"
alt = "e"
[figures.f]
start = [1e9, 0]
[figures.index]
alt = "i"
[figures.g]
scene = "singel"
alt = "g"
"""


def test_a_broken_file_is_rejected_before_anything_renders_one_line_per_problem(tmp_path):
    figures = write(tmp_path, BROKEN)
    out = tmp_path / "out"
    result = build(figures, "--out", str(out))
    assert result.exit_code == 2
    assert not out.exists()
    lines = result.output.strip().splitlines()
    name = str(figures)
    expected = [
        f"{name}:1: unknown key 'titel'; did you mean 'title'?",
        f"{name}:3: [defaults]: theme: unknown theme 'lite'",
        f"{name}:6: figure 'a': unknown key 'stepz'; did you mean 'steps'?",
        f"{name}:5: figure 'a': optimizers: entry 1: unknown optimizer 'sgdd'; did you mean 'sgd'?",
        f"{name}:9: figure 'b': steps must be an integer, got a string",
        f"{name}:12: figure 'c': optimizers: entry 1: adam: unknown hyper-parameter 'lrr'; "
        "did you mean 'lr'?",
        f"{name}:15: figure 'd': format: unknown format 'mp3'",
        f"{name}:18: figure 'e': scene: the single scene shows one optimizer, got 4",
        f"{name}:20: figure 'f': alt is missing",
        f"{name}:21: figure 'f': start: start (1e+09, 0) is too far",
        f"{name}:22: figure 'index': a name is a file name",
        f"{name}:25: figure 'g': scene: unknown scene 'singel'",
    ]
    assert len(lines) == len(expected), result.output
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith("optiroll: error: " + start), (line, start)


def test_invalid_toml_names_the_file_and_line(tmp_path):
    figures = write(tmp_path, '[figures.a]\nalt = "x"\nsteps = = 3\n')
    result = build(figures)
    assert result.exit_code == 2
    assert result.output.startswith(f"optiroll: error: {figures}: not valid TOML:")
    assert "line 3" in result.output


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no figures: add a [figures.NAME] table"),
        ("[figures]\na = 3\n", "figure 'a': must be a table of options, got an integer"),
        ('[figures.a]\nalt = "x"\nformat = []\n', "figure 'a': format: name at least one format"),
        ('[figures.a]\nalt = "x"\nstart = [1]\n', "start must be two numbers [x, y], got a list"),
        ('[figures.a]\nalt = "x"\nstretch = "yes"\n', "stretch must be true or false"),
        ('[figures.".a"]\nalt = "x"\n', "figure '.a': a name is a file name"),
        ('[figures.a]\nalt = "x"\noptimizers = []\n', "optimizers must be a non-empty list"),
    ],
)
def test_each_kind_of_mistake_gets_its_message(tmp_path, text, message):
    figures = write(tmp_path, text)
    with pytest.raises(FiguresFileError) as err:
        load_figures(figures)
    assert message in str(err.value)


def test_a_missing_file_is_one_line(tmp_path):
    result = build(tmp_path / "nope.toml")
    assert result.exit_code == 2
    assert (
        result.output
        == f"optiroll: error: figures file '{tmp_path / 'nope.toml'}' does not exist\n"
    )


def test_figures_resolve_like_the_cli_with_tables_defaults_and_every_kind_of_value(tmp_path):
    figures = load_figures(
        write(
            tmp_path,
            """\
            [defaults]
            theme = "dark"
            format = ["webm", "mp4"]
            [figures.a]
            optimizers = [{ name = "Adam", lr = 0.3, rules = "pytorch", bias_correction = false }]
            surface = "book"
            start = [-5, 1]
            steps = 12
            stretch = true
            alt = "a"
            [figures.small]
            format = "gif"
            max_size = "300KB"
            alt = "a GIF that fits"
            """,
        )
    )
    figure, small = figures.figures
    assert small.resolve("gif")[0].max_bytes == 300_000
    assert figure.formats == ("webm", "mp4") and figure.outputs == ("webm", "mp4", "png")
    settings, experiment = figure.resolve("webm")
    assert (settings.theme, settings.format, settings.equal_scale) == ("dark", "webm", False)
    assert (experiment.start, experiment.steps) == ((-5.0, 1.0), 12)
    (adam,) = experiment.optimizers
    assert adam.name == "adam" and adam.lr == 0.3
    assert adam.hyperparameters()["rules"] == "pytorch"
    assert adam.hyperparameters()["bias_correction"] is False


def test_a_scene_brings_its_own_defaults_and_one_optimizer_scenes_are_checked(tmp_path):
    figures = load_figures(
        write(
            tmp_path,
            """\
            [figures.talk]
            scene = "lecture"
            optimizers = ["momentum"]
            alt = "a lecture"
            [figures.plot]
            loss_curve = true
            window = [-8, 8, -4, 4]
            alt = "the book's four with their losses"
            """,
        )
    )
    talk, plot = figures.figures
    # `optiroll render lecture` makes a lecture-quality MP4; so does a figure that says nothing.
    assert talk.formats == ("mp4",) and talk.outputs == ("mp4", "webm", "png")
    settings, _ = talk.resolve("mp4")
    assert (settings.quality, settings.height) == ("lecture", 1080)
    settings, experiment = plot.resolve("gif")
    assert settings.loss_curve is True
    assert experiment.to_dict() == build_experiment(window=(-8.0, 8.0, -4.0, 4.0)).to_dict()
    with pytest.raises(FiguresFileError, match="the explain scene shows one optimizer, got 4"):
        load_figures(write(tmp_path, '[figures.e]\nscene = "explain"\nalt = "x"\n'))
    # A one-optimizer scene as the default is for the figures, each naming its optimizer.
    text = '[defaults]\nscene = "single"\n[figures.s]\noptimizers = ["sgd"]\nalt = "x"\n'
    assert load_figures(write(tmp_path, text)).figures[0].request.scene == "single"


# A value of each field other than its default, as TOML, and a value of the wrong kind.
SAID = {
    "scene": ('"race"', "3"),
    "format": ('"gif"', "3"),
    "quality": ('"preview"', "true"),
    "fps": ("12.5", '"12.5"'),
    "seconds_per_step": ("0.3", '"0.3"'),
    "theme": ('"dark"', "1"),
    "lang": ('"ko"', "1"),
    "aspect": ('"1:1"', "1.0"),
    "max_size": ('"300KB"', "300"),
    "stretch": ("true", '"yes"'),
    "loss_curve": ("true", "1"),
    "hold": ("4", '"4"'),
    "axes": ("false", '"no"'),
    "lr_grid": ('"0.5,2"', "2"),
}
KIND_WORDS = {str: "a string", float: "a number", bool: "true or false"}


def test_the_figures_file_takes_its_render_keys_from_the_request(tmp_path):
    assert FIGURE_KEYS[: len(REQUEST_KINDS)] == tuple(REQUEST_KINDS)
    assert set(SAID) == set(REQUEST_KINDS)
    for key, kind in REQUEST_KINDS.items():
        wrong = f'[figures.a]\nalt = "x"\n{key} = {SAID[key][1]}\n'
        words = "a format or a list of formats" if key == "format" else KIND_WORDS[kind]
        with pytest.raises(FiguresFileError, match=f"{key} must be {words}"):
            load_figures(write(tmp_path, wrong))
    said = "\n".join(f"{key} = {value}" for key, (value, _) in SAID.items())
    text = f'[figures.a]\nalt = "x"\noptimizers = ["sgd", "adam"]\n{said}\n'
    (figure,) = load_figures(write(tmp_path, text)).figures
    assert figure.formats == ("gif",)
    assert figure.request == RenderRequest(
        scene="race",
        quality="preview",
        fps=12.5,
        seconds_per_step=0.3,
        theme="dark",
        lang="ko",
        aspect="1:1",
        max_size="300KB",
        stretch=True,
        loss_curve=True,
        hold=4,
        axes=False,
        lr_grid="0.5,2",
    )


class Rendered(Exception):
    """Stops `optiroll render` at the render, with the settings it was given."""


@pytest.mark.parametrize(
    ("args", "toml"),
    [
        (["lecture", "-o", "sgd"], 'scene = "lecture"\noptimizers = ["sgd"]'),
        (
            ["explain", "-o", "adam", "-f", "mp4"],
            'scene = "explain"\noptimizers = ["adam"]\nformat = "mp4"',
        ),
        (
            ["race", "-q", "preview", "--fps", "12.5", "--seconds-per-step", "0.3", "--lang", "ko"]
            + ["--theme", "dark", "--aspect", "1:1", "--max-size", "300KB", "--loss-curve"],
            'scene = "race"\nquality = "preview"\nfps = 12.5\nseconds_per_step = 0.3\n'
            'lang = "ko"\ntheme = "dark"\naspect = "1:1"\nmax_size = "300KB"\nloss_curve = true',
        ),
        (["--stretch", "-O", "plot.webm"], 'stretch = true\nformat = "webm"'),
    ],
)
def test_render_and_a_figure_resolve_the_same_options_alike(tmp_path, monkeypatch, args, toml):
    def render(settings, experiment, output, progress=None, **options):
        raise Rendered(settings, experiment.to_dict(), output.suffix[1:])

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("optiroll.render.pipeline.render", render)
    result = CliRunner().invoke(cli, ["render", *args])
    assert isinstance(result.exception, Rendered), result.output
    settings, experiment, fmt = result.exception.args
    (figure,) = load_figures(write(tmp_path, f'[figures.f]\nalt = "x"\n{toml}\n')).figures
    assert figure.formats == (fmt,)
    figure_settings, figure_experiment = figure.resolve(fmt)
    assert figure_settings == settings
    assert figure_experiment.to_dict() == experiment


def test_the_default_output_folder_is_named_after_the_file():
    assert default_out_dir(Path("posts/chapter6.toml")) == Path("media/chapter6")


def test_init_figures_writes_a_starter_that_build_accepts_and_never_overwrites(tmp_path):
    target = tmp_path / "post.toml"
    result = CliRunner().invoke(cli, ["init-figures", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == STARTER
    figures = load_figures(target)
    assert [f.name for f in figures.figures] == ["sgd-zigzag", "comparison"]
    for figure in figures.figures:
        for fmt in figure.outputs:
            figure.resolve(fmt)  # every file the build would render resolves
    target.write_text("# mine\n")
    again = CliRunner().invoke(cli, ["init-figures", str(target)])
    assert again.exit_code == 2 and "exists" in again.output
    assert target.read_text() == "# mine\n"
    forced = CliRunner().invoke(cli, ["init-figures", str(target), "--force"])
    assert forced.exit_code == 0 and target.read_text(encoding="utf-8") == STARTER


def test_the_chapter6_example_is_valid_and_korean(tmp_path):
    example = Path(__file__).parents[2] / "examples" / "chapter6.toml"
    figures = load_figures(example)
    names = [f.name for f in figures.figures]
    assert names == ["sgd", "momentum", "adagrad", "rmsprop", "adam", "comparison"]
    for figure in figures.figures:
        settings, experiment = figure.resolve("gif")
        assert (settings.lang, settings.theme, settings.format, settings.quality) == (
            "ko",
            "light",
            "gif",
            "blog",
        )
        assert figure.alt and figure.caption
    assert "지그재그" in figures.figures[0].caption


def test_source_lines_find_tables_and_keys():
    lines = SourceLines(
        'top = 1\n[figures."a.b"]\n  steps = 3 # c\n[figures]\nc = { alt = "x" }\n"q" = 2\n'
    )
    assert lines.key((), "top") == 1
    assert lines.table(("figures", "a.b")) == 2
    assert lines.key(("figures", "a.b"), "steps") == 3
    assert lines.table(("figures", "c")) == 5
    assert lines.key(("figures",), "q") == 6
    assert lines.key(("figures", "a.b"), "missing") is None


def test_jobs_must_be_positive(tmp_path):
    result = build(write(tmp_path, "[figures.a]\nalt='x'\n"), "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.output


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path):
    figures = write(tmp_path, TINY)
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    result = build(figures, "--out", str(blocked / "out"))
    assert result.exit_code == 2
    assert (
        result.output.strip().splitlines()[-1].startswith("optiroll: error: cannot make the folder")
    )


# Any text a figures file can hold, with the characters that end or open an HTML attribute.
FIGURE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("\"'&<>={}/ \t\n`"),
        st.characters(exclude_categories=("Cs", "Cc")),
    ),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip())


@settings(max_examples=40, deadline=None)
@given(
    alt=FIGURE_TEXT,
    caption=FIGURE_TEXT,
    formats=st.sampled_from([["gif"], ["webm", "mp4"], ["png"], ["gif", "html"], ["webm", "html"]]),
)
def test_alt_caption_and_title_round_trip_through_an_html_parser(
    tmp_path_factory, alt, caption, formats
):
    """Each attribute that carries the alt text (alt, aria-label, the page's iframe title) and the
    caption come back whole, quotes and apostrophes included, and nothing else gains a tag or an
    attribute from them."""
    tmp_path = tmp_path_factory.mktemp("snippet")
    figures_file = load_figures(
        write(
            tmp_path,
            f"""\
            [figures.fig]
            format = {json.dumps(formats)}
            alt = {json.dumps(alt, ensure_ascii=False)}
            caption = {json.dumps(caption, ensure_ascii=False)}
            """,
        )
    )
    (figure,) = figures_file.figures
    for fmt in figure.outputs:
        (tmp_path / f"fig.{fmt}.json").write_text('{"output": {"width": 854, "height": 480}}')
    tags = Tags(snippet(figure, tmp_path))
    one_line = " ".join(alt.split())
    carried = [
        (name, key, value)
        for name, attrs in tags.tags
        for key, value in attrs.items()
        if key in ("alt", "aria-label", "title")
    ]
    assert carried and all(value == one_line for _, _, value in carried), carried
    if "html" in formats:
        assert ("iframe", "title", one_line) in carried
    assert tags.caption == " ".join(caption.split())
    plain = Tags(snippet(replace(figure, alt="alt", caption="caption"), tmp_path))
    assert [(name, sorted(attrs)) for name, attrs in tags.tags] == [
        (name, sorted(attrs)) for name, attrs in plain.tags
    ]


def test_jobs_go_out_most_work_first_and_posters_last():
    def job(name: str, fmt: str, frames: int, runs: int = 1) -> runner.Job:
        request = RenderRequest(format=fmt)
        return runner.Job(name, f"{name}.{fmt}", request, {}, "key", frames, runs=runs)

    jobs = [
        job("sgd", "png", 180),
        job("sgd", "gif", 180),
        job("cmp", "png", 300),
        job("cmp", "gif", 300),
        job("race", "mp4", 250),
        job("four", "gif", 200, runs=4),  # fewer frames, but four runs in each
    ]
    order = [j.file_name for j in runner.hand_out_order(jobs)]
    assert order == ["four.gif", "cmp.gif", "race.mp4", "sgd.gif", "cmp.png", "sgd.png"]


def test_a_job_knows_how_many_runs_it_draws(tmp_path):
    text = """
        [figures.one]
        alt = "x"
        optimizers = ["sgd"]
        [figures.four]
        alt = "x"
        scene = "compare"
        """
    jobs, _ = plan(load_figures(write(tmp_path, text)), tmp_path, BuildCache(tmp_path))
    assert {job.file_name: job.runs for job in jobs} == {"one.gif": 1, "four.gif": 4}


@pytest.mark.parametrize(
    ("workers", "cores", "here"),
    [
        (2, 2, True),  # every core draws: an encoder process would take one from a worker
        (1, 2, False),  # --jobs 1 (or one file) on two cores: the second core encodes
        (4, 2, True),
    ],
)
def test_workers_encode_themselves_only_when_no_core_is_left_over(workers, cores, here):
    assert runner.encodes_here(workers, cores) is here
