"""`optiroll build` with a lecture: its snippet is a talk the reader plays, with the poster, the
WebM and MP4, the captions (in the lecture's language, on by default) and the chapters as tracks
whose files are there, and a link to its slides; a second build renders nothing, and a lost track
file renders that video again."""

import functools
import http.server
import textwrap
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from optiroll.cli import cli
from tests.browser import ARGS, CHROMIUM, needs_chromium
from tests.webvtt import parse_vtt

LECTURE = """\
title = "Lecture"
base_url = "/assets/ch6"

[figures.lesson]
scene = "lecture"
optimizers = ["sgd"]
steps = 1
quality = "preview"
seconds_per_step = 0.3
lang = "ko"
format = ["mp4", "slides"]
alt = "SGD 강의"
caption = "확률적 경사 하강법"
"""


class Tags(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def build(figures: Path, out: Path):
    return CliRunner().invoke(cli, ["build", str(figures), "--out", str(out), "--jobs", "2"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("manim")
    root = tmp_path_factory.mktemp("lecture")
    figures = root / "figures.toml"
    figures.write_text(textwrap.dedent(LECTURE), encoding="utf-8")
    out = root / "out"
    result = build(figures, out)
    assert result.exit_code == 0, result.output
    return figures, out


def test_a_lecture_snippet_is_a_talk_with_its_captions_and_chapters(built):
    _, out = built
    tags = Tags((out / "lesson.md").read_text(encoding="utf-8"))
    assert [name for name, _ in tags.tags] == [
        "figure",
        "video",
        "source",
        "source",
        "track",
        "track",
        "p",
        "a",
        "figcaption",
    ]
    (video,) = tags.all("video")
    # The reader plays it: no autoplay, no loop, no mute; only its length is fetched at first.
    assert {"controls", "preload", "poster"} <= set(video)
    assert not {"autoplay", "loop", "muted"} & set(video)
    assert video["preload"] == "metadata" and video["aria-label"] == "SGD 강의"
    assert video["poster"] == "/assets/ch6/lesson.png" and (out / "lesson.png").is_file()
    assert [s["src"] for s in tags.all("source")] == [
        "/assets/ch6/lesson.webm",
        "/assets/ch6/lesson.mp4",
    ]
    captions, chapters = tags.all("track")
    assert captions == {
        "kind": "captions",
        "srclang": "ko",
        "label": "한국어",
        "src": "/assets/ch6/lesson.webm.ko.vtt",
        "default": None,
    }
    assert chapters["kind"] == "chapters" and chapters["srclang"] == "ko"
    assert chapters["src"] == "/assets/ch6/lesson.webm.chapters.vtt" and "default" not in chapters
    for track in (captions, chapters):
        cues = parse_vtt((out / Path(track["src"]).name).read_text(encoding="utf-8"))
        assert cues
    # The slides, a folder beside the video, open at their page.
    (link,) = tags.all("a")
    assert link["href"] == "/assets/ch6/lesson.slides/index.html"
    assert (out / "lesson.slides" / "index.html").is_file()
    titles = [c.text for c in parse_vtt((out / "lesson.webm.chapters.vtt").read_text())]
    assert titles == [
        "매개변수 갱신: 최적화 기법",
        "손실 함수",
        "확률적 경사 하강법 (SGD)",
        "한눈에 비교",
    ]


def test_a_second_build_renders_nothing_and_a_lost_track_file_renders_its_video_again(built):
    figures, out = built
    result = build(figures, out)
    assert result.exit_code == 0, result.output
    assert "0 rendered, 4 up to date" in result.output, result.output
    (out / "lesson.webm.ko.vtt").unlink()
    result = build(figures, out)
    assert result.exit_code == 0, result.output
    assert "1 rendered, 3 up to date" in result.output, result.output
    assert (out / "lesson.webm.ko.vtt").is_file()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@needs_chromium
def test_a_browser_reads_the_snippets_captions_and_chapters(built, tmp_path):
    """The snippet in a page served over HTTP (a file:// page may not load tracks): Chromium
    parses both tracks, with the cues the files hold."""
    playwright = pytest.importorskip("playwright.sync_api")
    _, out = built
    snippet = (out / "lesson.md").read_text(encoding="utf-8").replace("/assets/ch6/", "")
    (out / "page.html").write_text(f'<!doctype html><meta charset="utf-8">{snippet}')
    handler = functools.partial(Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/page.html")
            tracks = "[...document.querySelector('video').textTracks]"
            page.evaluate(f"{tracks}.forEach(t => {{ t.mode = 'hidden'; }})")  # load them all
            page.wait_for_function(f"{tracks}.every(t => t.cues && t.cues.length)")
            seen = page.evaluate(
                f"{tracks}.map(t => [t.kind, t.language, [...t.cues].map(c => [c.startTime, c.text])])"
            )
            browser.close()
    finally:
        server.shutdown()
        (out / "page.html").unlink()
    files = {"captions": "lesson.webm.ko.vtt", "chapters": "lesson.webm.chapters.vtt"}
    assert [kind for kind, _, _ in seen] == ["captions", "chapters"]
    for kind, lang, cues in seen:
        written = parse_vtt((out / files[kind]).read_text(encoding="utf-8"))
        assert lang == "ko"
        assert cues == [[c.start_ms / 1000, c.text] for c in written]
