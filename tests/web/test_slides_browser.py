"""The lecture's slides in a real browser: a small lecture rendered once, its page opened from
file:// in headless Chromium, keys pressed as a teacher (or a clicker) would, and the video read back
through the page: which clip is loaded, where it holds, whether it played there."""

import json

import pytest
from click.testing import CliRunner

from optiroll.cli import cli
from optiroll.plan.narration import fmt
from tests.browser import needs_chromium
from tests.webvtt import parse_vtt

pytest.importorskip("manim")
pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)
pytestmark = needs_chromium
STEPS = 4  # three narrated steps, then a faster one

STATE = """() => {
  const v = document.querySelector("video.active");
  const d = document.getElementById("stage").dataset;
  const played = [];
  for (let i = 0; i < v.played.length; i++) played.push([v.played.start(i), v.played.end(i)]);
  return {
    slide: Number(d.slide), stop: Number(d.stop), playing: d.playing === "true",
    clip: decodeURIComponent(v.src.split("/").pop()), time: v.currentTime, paused: v.paused,
    played,
  };
}"""
HELD = """([slide, stop]) => {
  const v = document.querySelector("video.active");
  const d = document.getElementById("stage").dataset;
  return d.playing === "false" && Number(d.slide) === slide && Number(d.stop) === stop &&
    v.dataset.slide === String(slide) && v.paused && !v.seeking;
}"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """A one-optimizer lecture as slides (preview quality, short steps), and its side-car."""
    folder = tmp_path_factory.mktemp("slides") / "deck"
    folder.mkdir()  # slides written here before, which the new ones replace whole
    (folder / "index.html.json").write_text(json.dumps({"tool": "optiroll", "slides": []}))
    (folder / "01-old.mp4").write_bytes(b"an older lecture's clip")
    result = CliRunner().invoke(
        cli,
        ["render", "lecture", "-o", "sgd", "--steps", str(STEPS), "-q", "preview"]
        + ["--seconds-per-step", "1", "-f", "slides", "-O", str(folder)],
    )
    assert result.exit_code == 0, result.output
    assert not (folder / "01-old.mp4").exists()
    assert [p.name for p in folder.parent.iterdir()] == ["deck"]
    return folder, json.loads((folder / "index.html.json").read_text(encoding="utf-8"))


class Slides:
    """The page in a fresh 1280x720 context; its errors and every URL it asks for are kept."""

    def __init__(self, browser, deck, where: str = ""):
        folder, self.record = deck
        self.fps = self.record["output"]["fps"]
        self.context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.watch(self.page)
        self.page.goto((folder / "index.html").as_uri() + where)

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def state(self) -> dict:
        return self.page.evaluate(STATE)

    def held_at(self, slide: int, stop: int) -> dict:
        """Wait (real time: clips play at their speed) until the page holds at the stop."""
        self.page.wait_for_function(HELD, arg=[slide, stop], timeout=30_000)
        return self.state()

    def stop_time(self, slide: int, stop: int) -> float:
        """Where the stop's frame starts, from the side-car (not from the page's data)."""
        return self.record["slides"][slide]["stops"][stop]["frame"] / self.fps

    def stops(self, slide: int) -> list[dict]:
        return self.record["slides"][slide]["stops"]


@pytest.fixture()
def slides(browser, deck):
    opened = []

    def opener(where: str = "") -> Slides:
        opened.append(Slides(browser, deck, where))
        return opened[-1]

    yield opener
    for page in opened:
        page.context.close()
        assert page.errors == [], "the page logged errors"
        assert all(url.startswith(("file:", "blob:")) for url in page.requests), page.requests


def assert_holds_at(show: Slides, state: dict, slide: int, stop: int) -> None:
    frame = 1 / show.fps
    assert state["clip"] == show.record["slides"][slide]["clip"]
    assert state["paused"]
    # On the stop's frame: at or after its start, before the next frame's.
    assert show.stop_time(slide, stop) - 1e-3 <= state["time"] < show.stop_time(slide, stop) + frame


def test_it_opens_on_the_title_held_and_the_clips_are_the_sections(slides, deck):
    folder, record = deck
    assert [s["name"] for s in record["slides"]] == ["title", "surface", "sgd", "comparison"]
    # The side-car names exactly the files the folder holds.
    named = {name for s in record["slides"] for name in (s["clip"], s["captions"])}
    assert named | {"index.html", "index.html.json"} == {p.name for p in folder.iterdir()}
    assert record["output"]["format"] == "slides" and "captions" not in record
    show = slides()
    assert_holds_at(show, show.held_at(0, 0), 0, 0)


def test_every_key_a_clicker_sends_plays_to_the_next_stop_and_holds(slides):
    show = slides()
    show.held_at(0, 0)
    keys = ["ArrowRight", "PageDown", " ", "ArrowDown", "Enter"]
    frame = 1 / show.fps
    order = [(s, i) for s in range(len(show.record["slides"])) for i in range(len(show.stops(s)))]
    for n, (slide, stop) in enumerate(order[1:]):
        before = order[n]
        show.page.keyboard.press(keys[n % len(keys)])
        state = show.held_at(slide, stop)
        assert_holds_at(show, state, slide, stop)
        # It got there by playing, not by jumping: from where the last stop resumes (a new
        # section: its start) to this stop, less a frame or two at either end.
        start = 0.0
        if before[0] == slide:
            start = show.stops(slide)[before[1]]["resume"] / show.fps
        end = show.stop_time(slide, stop)
        if end - start > 2 * frame:
            assert any(a <= start + frame and b >= end - 2 * frame for a, b in state["played"]), (
                slide,
                stop,
                state["played"],
            )
        show.page.wait_for_timeout(150)
        assert show.state()["time"] == state["time"]  # and it holds
    show.page.keyboard.press("ArrowRight")  # past the last stop: nothing moves
    show.page.wait_for_timeout(300)
    assert_holds_at(show, show.state(), *order[-1])


def test_back_goes_to_the_previous_stop_across_sections(slides):
    show = slides("#3.1")  # the optimizer's card, as the address names it
    assert_holds_at(show, show.held_at(2, 0), 2, 0)
    last = len(show.stops(1)) - 1
    show.page.keyboard.press("PageUp")
    assert_holds_at(show, show.held_at(1, last), 1, last)
    show.page.keyboard.press("ArrowLeft")
    assert_holds_at(show, show.held_at(1, last - 1), 1, last - 1)
    show.page.keyboard.press("PageDown")
    show.held_at(1, last)
    show.page.keyboard.press("PageDown")  # forward across the section again
    assert_holds_at(show, show.held_at(2, 0), 2, 0)
    end = len(show.stops(2)) - 1
    show.page.keyboard.press("Shift+ArrowRight")  # play on through the steps to the slide's end
    state = show.held_at(2, end)
    assert_holds_at(show, state, 2, end)
    start = show.stops(2)[0]["resume"] / show.fps
    assert any(
        a <= start + 1 / show.fps and b >= show.stop_time(2, end) - 0.2 for a, b in state["played"]
    )
    show.page.keyboard.press("Shift+ArrowRight")  # at the end: the next slide
    assert_holds_at(show, show.held_at(3, 0), 3, 0)
    show.page.keyboard.press("Shift+ArrowLeft")  # at a slide's start: the previous slide's
    assert_holds_at(show, show.held_at(2, 0), 2, 0)
    show.page.keyboard.press("Home")
    assert_holds_at(show, show.held_at(0, 0), 0, 0)


def test_next_while_playing_is_there_at_once_and_back_returns(slides):
    show = slides("#3.1")
    show.held_at(2, 0)
    show.page.keyboard.press("ArrowRight")  # the rule moves to the board: 1.2 s
    show.page.wait_for_timeout(100)
    assert show.state()["playing"]
    show.page.keyboard.press("ArrowRight")
    assert_holds_at(show, show.held_at(2, 1), 2, 1)
    show.page.keyboard.press("ArrowRight")
    show.page.wait_for_timeout(100)
    show.page.keyboard.press("ArrowLeft")  # changed its mind: back where that play started
    assert_holds_at(show, show.held_at(2, 1), 2, 1)


def test_c_shows_the_clips_captions(slides, deck):
    folder, record = deck
    show = slides("#3.2")  # the first step's statement
    state = show.held_at(2, 1)
    tracks = "document.querySelector('video.active').textTracks"
    assert show.page.evaluate(f"{tracks}.length") == 1
    assert show.page.evaluate(f"{tracks}[0].mode") != "showing"
    show.page.keyboard.press("c")
    show.page.wait_for_function(f"{tracks}[0].mode === 'showing' && {tracks}[0].activeCues.length")
    shown = show.page.evaluate(f"{tracks}[0].activeCues[0].text")
    cues = parse_vtt((folder / record["slides"][2]["captions"]).read_text(encoding="utf-8"))
    now = [c for c in cues if c.start_ms <= state["time"] * 1000 < c.end_ms]
    assert [shown] == [c.text for c in now]
    assert "step 1 / 4" in shown
    show.page.keyboard.press("PageUp")  # the captions stay on in the next clip shown
    show.held_at(2, 0)
    assert show.page.evaluate(f"{tracks}[0].mode") == "showing"


def test_the_presenter_view_has_each_stops_notes_and_drives_the_slides(slides, deck):
    _, record = deck
    run = record["trajectories"][0]
    show = slides("#3.3")  # the first step's move: the ball at point 1
    show.held_at(2, 2)
    with show.page.expect_popup() as opened:
        show.page.keyboard.press("p")
    presenter = opened.value
    show.watch(presenter)
    presenter.wait_for_function("document.getElementById('presenter').dataset.stop === '2'")
    notes = presenter.inner_text("#p-notes")
    x, y = run["points"][1]
    assert f"({fmt(x)}, {fmt(y)})" in notes
    assert f"{fmt(run['losses'][0])} → {fmt(run['losses'][1])}" in notes
    assert "SGD" in presenter.inner_text("#p-heading")
    # Its picture: the stop's frame of the clip the audience sees.
    presenter.wait_for_function("!document.getElementById('p-picture').seeking")
    picture = presenter.evaluate(
        "(() => { const v = document.getElementById('p-picture');"
        " return [decodeURIComponent(v.src.split('/').pop()), v.currentTime]; })()"
    )
    assert picture[0] == record["slides"][2]["clip"]
    assert show.stop_time(2, 2) <= picture[1] < show.stop_time(2, 2) + 1 / show.fps
    # A clicker aimed at the presenter's window moves the slides; its notes follow.
    presenter.keyboard.press("PageDown")
    assert_holds_at(show, show.held_at(2, 3), 2, 3)
    presenter.wait_for_function("document.getElementById('presenter').dataset.stop === '3'")
    assert "step 2 / 4" in presenter.inner_text("#p-notes")


def test_keys_pressed_faster_than_the_clips_play_end_held_on_a_stop(slides):
    """A key pressed while a clip plays finishes that play at once (it holds at the stop the play
    was going to), so a burst of presses moves one stop for every one or two of them."""
    show = slides()
    show.held_at(0, 0)
    order = [(s, i) for s in range(len(show.record["slides"])) for i in range(len(show.stops(s)))]
    idle = """() => {
      const v = document.querySelector("video.active");
      const d = document.getElementById("stage").dataset;
      return d.playing === "false" && v.dataset.slide === d.slide && v.paused && !v.seeking;
    }"""
    for _ in range(12):
        show.page.keyboard.press("PageDown")
    show.page.wait_for_function(idle, timeout=30_000)
    state = show.state()
    reached = order.index((state["slide"], state["stop"]))
    assert 6 <= reached <= 12
    assert_holds_at(show, state, state["slide"], state["stop"])
    for _ in range(4):
        show.page.keyboard.press("PageUp")  # going back never plays: four presses, four stops
    assert_holds_at(show, show.held_at(*order[reached - 4]), *order[reached - 4])


def test_f_fills_the_screen_question_mark_lists_the_keys_and_b_blacks_out(slides):
    show = slides()
    show.held_at(0, 0)
    page = show.page
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === document.documentElement")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    assert "PageDown" in page.inner_text("#help") and "presenter" in page.inner_text("#help")
    page.keyboard.press("Escape")
    assert not page.is_visible("#help")
    page.keyboard.press("b")
    assert page.is_visible("#blank")
    page.keyboard.press(".")  # a clicker's black-screen key
    assert not page.is_visible("#blank")
    assert_holds_at(show, show.state(), 0, 0)  # none of them moved the slides
