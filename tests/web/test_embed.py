"""A figure with format "html": its snippet shows the page in place of the GIF or poster, where
scripts run, and keeps the picture for feeds and readers without JavaScript."""

import json
import textwrap

from optiroll.builder.figures_file import load_figures
from optiroll.builder.snippets import FALLBACK_CLASS, PAGE_CLASS, snippet
from optiroll.optim.experiment import build_experiment
from optiroll.web.page import write_page


def fake_render(path, width, height):
    path.write_bytes(b"picture")
    output = {"file": path.name, "width": width, "height": height}
    path.with_name(path.name + ".json").write_text(json.dumps({"output": output}))


def test_a_page_figure_renders_a_poster_and_embeds_the_page_over_its_fallback(tmp_path):
    figures = tmp_path / "post.toml"
    figures.write_text(
        textwrap.dedent(
            """\
            [figures.book]
            format = ["html", "gif"]
            alt = "The book's four"
            [figures.alone]
            format = "html"
            alt = "Alone"
            """
        )
    )
    book, alone = load_figures(figures).figures
    assert book.outputs == ("html", "gif", "png") and alone.outputs == ("html", "png")
    settings, experiment = alone.resolve("html")
    assert settings.lr_grid == (0.5, 0.7, 1.0, 1.4, 2.0)
    write_page(settings, build_experiment(steps=3), tmp_path / "alone.html")
    for name in ("book.gif", "book.png", "alone.png"):
        fake_render(tmp_path / name, 854, 480)

    text = snippet(book, tmp_path, "/assets")
    fallback = text[text.index(FALLBACK_CLASS) : text.index(PAGE_CLASS)]
    assert '<img src="/assets/book.gif"' in fallback  # the GIF, its poster for reduced motion
    assert 'srcset="/assets/book.png"' in fallback
    assert '<iframe src="/assets/book.html" title="The book&#x27;s four"' in text
    assert (
        f'<div class="{PAGE_CLASS}" style="position: relative; width: 100%; max-width: 854px;'
        in text
    )
    assert "hidden>" in text.split(PAGE_CLASS)[1].split("\n")[0]
    assert "<script>" in text and "e.data.optiroll === 'height'" in text

    text = snippet(alone, tmp_path)
    fallback = text[text.index(FALLBACK_CLASS) : text.index(PAGE_CLASS)]
    assert '<img src="alone.png"' in fallback and '<iframe src="alone.html"' in text
