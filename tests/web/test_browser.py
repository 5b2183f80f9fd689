"""The interactive page in a real browser: headless Chromium driven by Playwright, no network.

Every number read back from the page is compared with the trajectory `optim/` computes, printed to
the page's precision (4 significant digits, `web.data.display`).
"""

import pytest

from optiroll.optim.experiment import build_experiment
from optiroll.plan.request import RenderRequest
from optiroll.web.data import display, scaled
from optiroll.web.page import write_page
from tests.browser import needs_chromium

pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)
pytestmark = needs_chromium


def shown(text: str) -> str:
    """The page's text with its true minus signs as ASCII, as Python prints numbers."""
    return text.replace("−", "-")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The book's figure as a page, and the experiment it shows."""
    experiment = build_experiment()
    path = tmp_path_factory.mktemp("web") / "book.html"
    write_page(RenderRequest(format="html").resolve(), experiment, path)
    return path, experiment


class Page:
    """A page opened in a fresh context, with every console error and page error collected."""

    def __init__(self, browser, url: str, **context):
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else 0
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        self.page.wait_for_function("document.getElementById('counter').textContent !== ''")

    def step(self) -> int:
        return int(self.page.input_value("#step"))

    def playing(self) -> bool:
        return self.page.get_attribute("#play", "aria-pressed") == "true"

    def row(self, run: int) -> dict[str, str]:
        cells = self.page.locator(f"#readout tbody tr[data-run='{run}'] td[data-q]")
        return {c.get_attribute("data-q"): shown(c.inner_text()) for c in cells.all()}

    def detail(self) -> dict[str, str]:
        spans = self.page.locator("#detail span[data-q]")
        return {s.get_attribute("data-q"): shown(s.inner_text()) for s in spans.all()}

    def close(self) -> list[str]:
        self.context.close()
        return self.errors


@pytest.fixture()
def open_page(browser):
    pages = []

    def opener(url: str, **context) -> Page:
        pages.append(Page(browser, url, **context))
        return pages[-1]

    yield opener
    for page in pages:
        assert page.close() == [], "the page logged errors"


def expected_row(trajectory, step: int) -> dict[str, str]:
    x, y = trajectory.points[step]
    return {"x": display(x), "y": display(y), "loss": display(trajectory.losses[step])}


def test_it_loads_plays_and_pauses(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri())
    assert page.page.locator(".panel").count() == len(experiment.optimizers)
    assert page.page.locator("circle.ball").count() == len(experiment.optimizers)
    assert page.playing()  # a reader who did not ask for less motion sees it roll
    page.page.wait_for_function("Number(document.getElementById('step').value) >= 2")
    page.page.click("#play")
    assert not page.playing()
    stopped = page.step()
    page.page.wait_for_timeout(400)  # two steps' time at the default speed
    assert page.step() == stopped
    assert page.page.evaluate("location.hash") == f"#step={stopped}&lr=1"


def test_the_slider_shows_each_runs_position_and_loss_at_that_step(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri() + "#step=0")
    slider = page.page.locator("#step")
    slider.focus()
    for _ in range(7):
        slider.press("ArrowRight")
    assert page.step() == 7
    assert shown(page.page.inner_text("#counter")).split() == ["step", "7", "/", "30"]
    for i, trajectory in enumerate(experiment.run()):
        assert page.row(i) == expected_row(trajectory, 7)


def test_arrow_keys_step_and_the_fragment_follows(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri() + "#step=10")
    page.page.locator("body").press("ArrowRight")
    page.page.locator("body").press("ArrowRight")
    page.page.locator("body").press("ArrowLeft")
    assert page.step() == 11
    assert page.page.evaluate("location.hash") == "#step=11&lr=1"
    page.page.locator("body").press("End")
    assert page.step() == experiment.steps
    page.page.click("#prev")
    assert page.step() == experiment.steps - 1


def test_hovering_a_dot_shows_its_step_gradient_and_state(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri() + "#step=30")
    adagrad = 2
    trajectory = experiment.run()[adagrad]
    dot = page.page.locator(f"circle[data-run='{adagrad}'][data-step='5']").bounding_box()
    page.page.mouse.move(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
    assert page.page.get_attribute("#detail", "data-step") == "5"
    assert page.page.get_attribute("#detail", "data-run") == str(adagrad)
    x, y = trajectory.points[5]
    gx, gy = trajectory.gradients[5]
    hx, hy = trajectory.quantities["h"][5]
    assert page.detail() == {
        "position": f"({display(x)}, {display(y)})",
        "loss": display(trajectory.losses[5]),
        "gradient": f"({display(gx)}, {display(gy)})",
        "h": f"({display(hx)}, {display(hy)})",
        "step_size": "({}, {})".format(*map(display, trajectory.quantities["step_size"][5])),
    }
    assert "AdaGrad" in page.page.inner_text("#detail strong")


def test_the_learning_rate_switches_to_runs_optim_computed(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri() + "#step=6")
    lr = page.page.locator("#lr")
    lr.focus()
    lr.press("End")  # the largest factor: 2
    assert page.page.inner_text("#lr-value") == "×2"
    doubled = scaled(experiment, 2.0).run()
    for i, trajectory in enumerate(doubled):
        assert page.row(i) == expected_row(trajectory, min(6, len(trajectory.points) - 1))
    assert "η=1.9" in page.page.inner_text(".panel figcaption >> nth=0")
    assert doubled[0].diverged_at is not None  # SGD at twice 0.95 leaves the plot...
    assert page.page.locator(".diverged >> nth=0").get_attribute("visibility") == "visible"
    assert page.page.evaluate("location.hash") == "#step=6&lr=2"


def test_the_fragment_is_restored_on_load(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri() + "#step=7&lr=0.5")
    assert page.step() == 7 and not page.playing()
    assert page.page.inner_text("#lr-value") == "×0.5"
    for i, trajectory in enumerate(scaled(experiment, 0.5).run()):
        assert page.row(i) == expected_row(trajectory, 7)


def test_a_reader_who_asks_for_less_motion_gets_a_still_of_every_path(book, open_page):
    path, experiment = book
    page = open_page(path.as_uri(), reduced_motion="reduce")
    assert not page.playing()
    assert page.step() == experiment.steps
    page.page.wait_for_timeout(300)
    assert page.step() == experiment.steps


def test_a_phone_wide_column_needs_no_horizontal_scrolling(book, open_page):
    path, _ = book
    page = open_page(path.as_uri(), viewport={"width": 360, "height": 740}, has_touch=True)
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 360
    # A tap on a ball shows its numbers, as a hover does.
    if page.playing():
        page.page.click("#play")
    page.page.locator("circle.ball >> nth=1").scroll_into_view_if_needed()
    ball = page.page.locator("circle.ball >> nth=1").bounding_box()
    page.page.touchscreen.tap(ball["x"] + ball["width"] / 2, ball["y"] + ball["height"] / 2)
    assert page.page.get_attribute("#detail", "data-run") == "1"


@pytest.mark.parametrize(("scene", "runs"), [("race", ["sgd", "adam"]), ("single", ["adam"])])
def test_race_and_single_draw_every_run_on_one_map(tmp_path, open_page, scene, runs):
    experiment = build_experiment(optimizer_specs=runs, steps=8)
    path = tmp_path / f"{scene}.html"
    write_page(
        RenderRequest(scene=scene, format="html", lang="ko", theme="dark").resolve(),
        experiment,
        path,
    )
    page = open_page(path.as_uri() + "#step=8")
    assert page.page.locator(".panel").count() == 1
    assert page.page.locator("circle.ball").count() == len(runs)
    assert page.page.get_attribute("html", "lang") == "ko"
    for i, trajectory in enumerate(experiment.run()):
        assert page.row(i) == expected_row(trajectory, 8)
