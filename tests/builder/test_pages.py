"""The snippets in a real browser: index.md as a static page, served over HTTP, loaded in Chromium."""

import functools
import html
import json
import queue
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import av
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from PIL import Image

from optiroll.cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (scripts/setup --tests installs it; Debian: apt-get install "
    "chromium)",
)

FIGURES = """\
title = "Pages"

[defaults]
quality = "preview"
steps = 2
seconds_per_step = 0.1

[figures.animated]
scene = "single"
optimizers = ["sgd"]
quality = "blog"  # 854 px wide: wider than a theme's 740 px column
alt = "a GIF"

[figures.square]
scene = "single"
optimizers = ["adam"]
aspect = "1:1"
alt = "a square GIF"

[figures.still]
scene = "single"
optimizers = ["adam"]
format = "png"
alt = "a PNG"

[figures.video]
scene = "race"
format = "mp4"  # the build adds the WebM and the poster
quality = "blog"
alt = "a video"
caption = "WebM and MP4, with a poster"
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


# A Jekyll theme's rules (minima's): a 740 px column with 15 px gutters, and images and videos no
# wider than it, their height left as the theme leaves it. The second sheet is a hostile one.
JEKYLL_CSS = """
body { margin: 0; font: 16px/1.5 sans-serif; }
.wrapper { max-width: calc(800px - (30px * 2)); margin: 0 auto; padding: 0 15px; }
img, video { max-width: 100%; vertical-align: middle; }
"""
HOSTILE_CSS = (
    JEKYLL_CSS + "img, video { width: 100%; height: 300px; } [hidden] { display: none !important; }"
)

# Measures every <img> and <video> once each has its own size (or failed), then hands what it
# found to the frame page around it.
MEASURE = """
<script>
window.addEventListener("load", async () => {
  const all = [...document.querySelectorAll("img, video")];
  const ready = el => el.tagName === "IMG" ? el.complete : el.readyState >= 1;
  await Promise.all(all.map(el => ready(el) || new Promise(done => {
    ["load", "loadedmetadata", "error"].forEach(e => el.addEventListener(e, done, {once: true}));
    setTimeout(done, 20000);
  })));
  const seen = all.map(el => {
    const box = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), src: el.currentSrc, width: box.width,
            height: box.height, display: getComputedStyle(el).display,
            ready: el.tagName === "IMG" ? el.naturalWidth > 0 : el.readyState >= 1,
            natural: el.tagName === "IMG" ? [el.naturalWidth, el.naturalHeight] : null,
            attr: [el.getAttribute("width"), el.getAttribute("height")],
            viewport: innerWidth, column: document.querySelector(".wrapper").clientWidth - 30};
  });
  parent.postMessage(JSON.stringify(seen), "*");
});
</script>
"""
# Headless Chromium makes no window narrower than 500 px: the page is measured in an iframe as
# wide as the viewport asked for, and the frame page writes the measurements into an attribute
# for --dump-dom.
FRAME = """<!doctype html><html><body style="margin: 0">
<iframe src="{page}" style="border: 0; width: {width}px; height: 6000px"></iframe>
<script>
addEventListener("message", e => document.body.setAttribute("data-measured", e.data));
</script></body></html>
"""


def index_html(out: Path) -> str:
    """index.md as HTML (raw HTML blocks pass through, as Jekyll's kramdown passes them)."""
    return MarkdownIt("commonmark").render((out / "index.md").read_text(encoding="utf-8"))


def write_page(out: Path, name: str, css: str, script: str) -> Path:
    page = out / name
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<style>{css}</style></head><body><div class="wrapper">{index_html(out)}</div>'
        f"{script}</body></html>",
        encoding="utf-8",
    )
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("manim")
    root = tmp_path_factory.mktemp("pages")
    figures = root / "figures.toml"
    figures.write_text(FIGURES, encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(cli, ["build", str(figures), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


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
def server(built):
    handler = functools.partial(PageServer, directory=str(built))
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


def test_every_image_and_video_of_the_index_loads_and_plays_in_chromium(built, server, tmp_path):
    page = write_page(built, "play.html", JEKYLL_CSS, CHECK)
    found = load_in_chromium(server, page.name, tmp_path / "profile")

    names = [Path(i["src"]).name for i in found["images"]]
    # Each GIF, the PNG, and the video's still for readers who ask for reduced motion.
    assert names == ["animated.gif", "square.gif", "still.png", "video.png"]
    for image in found["images"] + found["posters"]:
        assert image["width"] > 0, image
    for image in found["images"]:
        assert str(image["width"]) == image["attr"]  # the snippet's width is the file's
    assert [Path(p["src"]).name for p in found["posters"]] == ["video.png"]
    assert [Path(s["src"]).name for s in found["sources"]] == ["video.webm", "video.mp4"]
    for media in found["videos"] + found["sources"]:
        assert media["readyState"] >= 2 and media["error"] is None, media
    assert Path(found["videos"][0]["src"]).name == "video.webm"  # Chromium takes the first
    assert found["videos"][0]["paused"] is False  # autoplay, muted: it plays


def measure_in_chromium(page: Path, width: int, reduced_motion: bool, profile: Path) -> list[dict]:
    """The page in a viewport `width` px wide (tall enough that nothing is lazy), as measured by
    its own script, read back from the DOM Chromium prints."""
    frame = page.with_name(f"frame-{page.name}")
    frame.write_text(FRAME.format(page=page.name, width=width), encoding="utf-8")
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--window-size=1300,6100",
            "--virtual-time-budget=20000",
            *(["--force-prefers-reduced-motion"] if reduced_motion else []),
            "--dump-dom",
            frame.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    measured = re.search(r'data-measured="([^"]*)"', done.stdout)
    assert measured, f"the page measured nothing: {done.stderr[-2000:]}"
    return json.loads(html.unescape(measured.group(1)))


def file_aspect(path: Path) -> float:
    """Width over height of an image or video, read from the file itself."""
    if path.suffix in (".gif", ".png"):
        with Image.open(path) as image:
            return image.width / image.height
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return stream.width / stream.height


@pytest.mark.parametrize("css", [JEKYLL_CSS, HOSTILE_CSS], ids=["jekyll", "hostile"])
@pytest.mark.parametrize("reduced_motion", [False, True], ids=["motion", "reduced-motion"])
@pytest.mark.parametrize("width", [360, 1280])
def test_every_figure_keeps_its_shape_and_reduced_motion_gets_the_still(
    built, tmp_path, css, reduced_motion, width
):
    name = f"measure-{width}-{'reduced' if reduced_motion else 'motion'}-{len(css)}.html"
    page = write_page(built, name, css, MEASURE)
    seen = measure_in_chromium(page, width, reduced_motion, tmp_path / "profile")
    shown = [m for m in seen if m["display"] != "none" and m["width"] > 0]
    # One visible picture per figure: the animation, or the poster for reduced motion.
    expected = ["animated.gif", "square.gif", "still.png", "video.webm"]
    if reduced_motion:
        expected = ["animated.png", "square.png", "still.png", "video.png"]
    assert [(m["tag"], Path(m["src"]).name) for m in shown] == [
        ("video" if name.endswith(".webm") else "img", name) for name in expected
    ], seen
    for m in shown:
        assert m["viewport"] == width, m
        assert m["ready"], m  # measured with the file's own size known
        assert m["width"] <= m["column"] + 0.5, m
        rendered = m["width"] / m["height"]
        assert rendered == pytest.approx(file_aspect(built / Path(m["src"]).name), rel=0.01), m
    # A GIF's poster is the GIF's size: it fills the GIF's box at the file's own pixels.
    for m in shown:
        if Path(m["src"]).name in ("animated.png", "square.png"):
            assert [str(n) for n in m["natural"]] == m["attr"], m
    # Hidden: the video's still, or for reduced motion the video itself.
    assert [m["tag"] for m in seen if m not in shown] == ["video" if reduced_motion else "img"]
