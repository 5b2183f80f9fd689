"""The snippets in a real browser: index.md as a static page, served over HTTP, loaded in Chromium."""

import functools
import json
import queue
import shutil
import subprocess
import textwrap
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from optiroll.cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (scripts/setup --tests installs it; Debian: apt-get install "
    "chromium)",
)

FIGURES = """\
[defaults]
quality = "preview"
steps = 2
seconds_per_step = 0.1

[figures.animated]
scene = "single"
optimizers = ["sgd"]
alt = "a GIF"

[figures.still]
scene = "single"
optimizers = ["adam"]
format = "png"
alt = "a PNG"

[figures.video]
scene = "race"
format = ["mp4", "webm"]
alt = "a video"
caption = "MP4 and WebM, with a poster"
"""

# Waits for every image, every <video> as the page has it, each <source> on its own (a browser
# plays only the first it can) and each poster, then posts what it found back to the server.
CHECK = """
<script>
function settled(el, ready, events) {
  return new Promise(done => {
    if (ready(el)) return done();
    events.forEach(e => el.addEventListener(e, () => done(), {once: true}));
    setTimeout(done, 30000);
  });
}
function video(src) {
  const v = document.createElement("video");
  v.muted = true; v.preload = "auto"; v.src = src;
  return v;
}
function picture(src) { const i = new Image(); i.src = src; return i; }
window.addEventListener("load", async () => {
  const imgs = [...document.images];
  const videos = [...document.querySelectorAll("video")];
  const sources = [...document.querySelectorAll("video source")].map(s => video(s.src));
  const posters = videos.map(v => picture(v.poster));
  const loaded = i => i.complete && i.naturalWidth > 0;
  const playable = v => v.readyState >= 2;
  await Promise.all([
    ...[...imgs, ...posters].map(i => settled(i, loaded, ["load", "error"])),
    ...[...videos, ...sources].map(v => settled(v, playable, ["loadeddata", "error"])),
  ]);
  const image = i => ({src: i.src, width: i.naturalWidth, attr: i.getAttribute("width")});
  const media = v => ({src: v.currentSrc || v.src, readyState: v.readyState,
                      error: v.error && v.error.code, paused: v.paused});
  await fetch("/result", {method: "POST", body: JSON.stringify({
    images: imgs.map(image), posters: posters.map(image),
    videos: videos.map(media), sources: sources.map(media)})});
});
</script>
"""


def page_from_index(out: Path) -> Path:
    """index.md as HTML (raw HTML blocks pass through, as Jekyll's kramdown passes them)."""
    body = MarkdownIt("commonmark").render((out / "index.md").read_text(encoding="utf-8"))
    page = out / "index.html"
    page.write_text(
        f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}{CHECK}</body></html>',
        encoding="utf-8",
    )
    return page


class PageServer(SimpleHTTPRequestHandler):
    """Serves the output folder; a POST to /result is the page's report."""

    def do_POST(self):  # noqa: N802 - the base class's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.reports.put(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


@pytest.fixture()
def server(tmp_path):
    (tmp_path / "out").mkdir()
    handler = functools.partial(PageServer, directory=str(tmp_path / "out"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.reports = queue.Queue()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def load_in_chromium(httpd, page: str, profile: Path) -> dict:
    """Open the page in headless Chromium and wait (real time) for the page's own report."""
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # root in containers and CI; the page is our own
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--autoplay-policy=no-user-gesture-required",
            "--window-size=1280,4000",  # every lazy image inside the viewport
            f"http://127.0.0.1:{httpd.server_address[1]}/{page}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        return httpd.reports.get(timeout=120)
    except queue.Empty:
        browser.kill()
        pytest.fail(f"the page never reported: {browser.communicate()[1][-2000:]}")
    finally:
        browser.terminate()
        browser.communicate(timeout=30)


def test_every_image_and_video_of_the_index_loads_and_plays_in_chromium(tmp_path, server):
    pytest.importorskip("manim")
    figures = tmp_path / "figures.toml"
    figures.write_text(textwrap.dedent(FIGURES))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(figures), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = page_from_index(out)
    found = load_in_chromium(server, page.name, tmp_path / "profile")

    assert [Path(i["src"]).name for i in found["images"]] == ["animated.gif", "still.png"]
    for image in found["images"] + found["posters"]:
        assert image["width"] > 0, image
    for image in found["images"]:
        assert str(image["width"]) == image["attr"]  # the snippet's width is the file's
    assert [Path(p["src"]).name for p in found["posters"]] == ["video.png"]
    assert [Path(s["src"]).name for s in found["sources"]] == ["video.mp4", "video.webm"]
    for media in found["videos"] + found["sources"]:
        assert media["readyState"] >= 2 and media["error"] is None, media
    assert found["videos"][0]["paused"] is False  # autoplay, muted: it plays
