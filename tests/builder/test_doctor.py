"""`optiroll doctor`: the real machine, and each missing piece simulated through its probe."""

from dataclasses import replace

import pytest
from click.testing import CliRunner

from optiroll.builder import doctor
from optiroll.builder.doctor import MIN_FREE_BYTES, Finding, Probes, diagnose, healthy
from optiroll.cli import cli

# A machine with everything: every probe answers yes, without looking at this one.
PRESENT = Probes(
    python=(3, 11, 7),
    version=lambda name: "1.0",
    requires=lambda: [
        "numpy>=1.24",
        'manim<0.23,>=0.22; extra == "render"',
        'ruff; extra == "test"',
    ],
    import_module=lambda name: type(
        "Module",
        (),
        {
            "cairo_version_string": staticmethod(lambda: "1.16.0"),
            "pango_version": staticmethod(lambda: "1.50.12"),
            "__version__": "0.22.0",
        },
    ),
    which=lambda tool: f"/usr/bin/{tool}",
    encoder=lambda name: True,
    fonts=lambda: frozenset({"DejaVu Sans", "NanumGothic"}),
    free_bytes=lambda path: 10 * MIN_FREE_BYTES,
    writable=lambda path: None,
)


def by_item(findings: list[Finding]) -> dict[str, Finding]:
    return {f.item: f for f in findings}


def test_everything_present_is_healthy_and_every_line_says_ok():
    findings = diagnose(PRESENT)
    assert healthy(findings)
    assert all(f.line().startswith("OK ") for f in findings)
    items = set(by_item(findings))
    assert {"python", "numpy", "manim", "av", "cairo", "pango", "manim import"} <= items
    assert {"GIF encoding", "MP4/H.264 encoding", "WebM/VP9 encoding"} <= items
    assert {"LaTeX (equations)", "Hangul font (--lang ko)", "gifsicle", "disk"} <= items
    assert "ruff" not in items  # the test extra is not needed to render


@pytest.mark.parametrize(
    "change, item, fix",
    [
        (
            {"version": lambda name: None if name == "manim" else "1.0"},
            "manim",
            "pip install 'optiroll[render]'",
        ),
        ({"encoder": lambda name: name != "libx264"}, "MP4/H.264 encoding", "av"),
        ({"fonts": lambda: frozenset({"DejaVu Sans"})}, "Hangul font (--lang ko)", "fonts-nanum"),
        ({"free_bytes": lambda path: MIN_FREE_BYTES - 1}, "disk", "free some space"),
        ({"python": (3, 9, 18)}, "python", ""),
    ],
)
def test_a_missing_required_piece_fails_the_check_and_says_how_to_install_it(change, item, fix):
    findings = diagnose(replace(PRESENT, **change))
    assert not healthy(findings)
    missing = [f for f in findings if not f.ok]
    assert [f.item for f in missing] == [item]
    assert missing[0].line().startswith("MISSING  " + item)
    assert fix in missing[0].line()


@pytest.mark.parametrize(("python", "needs_tomli"), [((3, 10, 14), True), ((3, 11, 7), False)])
def test_a_requirement_for_other_pythons_only_is_not_checked(python, needs_tomli):
    probes = replace(
        PRESENT,
        python=python,
        requires=lambda: ["numpy>=1.24", "tomli>=2; python_version < '3.11'"],
        version=lambda name: None if name == "tomli" else "1.0",
    )
    findings = by_item(diagnose(probes))
    assert ("tomli" in findings) == needs_tomli
    if needs_tomli:
        assert not findings["tomli"].ok


def test_a_library_that_will_not_import_is_reported_with_its_error():
    def import_module(name):
        if name == "manimpango":
            raise ImportError("libpango-1.0.so.0: cannot open shared object file")
        return PRESENT.import_module(name)

    findings = by_item(diagnose(replace(PRESENT, import_module=import_module)))
    assert not findings["pango"].ok and findings["cairo"].ok
    assert "libpango-1.0.so.0" in findings["pango"].line()
    assert "apt-get install libcairo2-dev libpango1.0-dev" in findings["pango"].line()


def test_missing_optional_pieces_only_warn():
    findings = diagnose(replace(PRESENT, which=lambda tool: None if tool != "latex" else "/x"))
    assert healthy(findings)
    lines = {f.item: f.line() for f in findings}
    assert lines["gifsicle"].startswith("WARN     gifsicle: not on PATH")
    assert lines["gifsicle"].endswith("install: sudo apt-get install gifsicle")
    assert lines["LaTeX (equations)"] == (
        "WARN     LaTeX (equations): dvisvgm not on PATH; install: sudo apt-get install dvisvgm"
    )


def test_a_check_that_breaks_is_a_finding_not_a_crash():
    def broken(path):
        raise PermissionError("no access")

    findings = by_item(diagnose(replace(PRESENT, free_bytes=broken)))
    assert not findings["disk"].ok and "PermissionError: no access" in findings["disk"].detail


def test_the_command_prints_a_line_per_item_and_exits_non_zero_when_something_is_missing(
    monkeypatch,
):
    missing = replace(PRESENT, encoder=lambda name: False)
    monkeypatch.setattr(doctor, "diagnose", lambda: diagnose(missing))
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == len(diagnose(missing))
    assert "MISSING  WebM/VP9 encoding: PyAV encoder libvpx-vp9 not available" in result.output


def test_this_machine_after_scripts_setup_has_everything_required():
    pytest.importorskip("manim")
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "OK       Hangul font (--lang ko): Nanum" in result.output


def test_a_cache_folder_that_cannot_be_made_or_written_is_a_warning():
    findings = diagnose(replace(PRESENT, writable=lambda path: "Read-only file system"))
    cache = by_item(findings)["cache folder"]
    assert not cache.ok and not cache.required and healthy(findings)
    assert cache.line().startswith("WARN ") and "Read-only file system" in cache.line()
    assert "renders work, more slowly" in cache.line()


def test_the_cache_probe_makes_the_folder_and_a_file_in_it(tmp_path):
    folder = tmp_path / "a" / "b"
    assert doctor._writable(folder) is None and folder.is_dir()
    assert list(folder.iterdir()) == []  # its probe file is gone again
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would go")
    assert doctor._writable(blocked / "optiroll") == "Not a directory"
