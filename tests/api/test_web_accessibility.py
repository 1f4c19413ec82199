"""Accessibility checks without a browser: colour contrast from the CSS custom properties (WCAG 2.x
relative luminance), a label for every form control, text alternatives for every chart, visible focus."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources

import pytest
from apifixtures import PASSWORD, TestClient, World

from allnav.web import charts

CSS = resources.files("allnav.web").joinpath("static/app.css").read_text(encoding="utf-8")


def custom_properties(css: str) -> dict[str, str]:
    """The ``--name: #rrggbb`` declarations of the ``:root`` rule."""
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root, "app.css has no :root rule"
    return dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\s*;", root.group(1)))


def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rgb`` / ``#rrggbb``."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio (1..21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_known_values() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#fff", "#fff") == pytest.approx(1.0)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)  # the classic 4.5:1 grey
    assert contrast("#777777", "#fff") < 4.5


# (text colour, background) pairs as app.css uses them
TEXT_PAIRS = [
    ("fg", "bg"),
    ("fg", "card"),
    ("fg", "now-bg"),
    ("muted", "bg"),
    ("muted", "card"),
    ("muted", "now-bg"),
    ("accent", "bg"),
    ("accent", "card"),
    ("bad", "bg"),
    ("bad", "card"),
    ("on-accent", "accent"),  # header, buttons
    ("on-accent", "warn"),  # the "now" tag
]
# non-text indicators (focus ring, phase rail, input borders): WCAG 1.4.11 asks 3:1
UI_PAIRS = [("focus", "bg"), ("focus", "card"), ("on-accent", "accent"), ("line", "bg"), ("line", "card")]


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_contrast_at_least_4_5(fg: str, bg: str) -> None:
    props = custom_properties(CSS)
    assert contrast(props[fg], props[bg]) >= 4.5, (fg, bg, props[fg], props[bg])


@pytest.mark.parametrize(("fg", "bg"), UI_PAIRS)
def test_ui_contrast_at_least_3(fg: str, bg: str) -> None:
    props = custom_properties(CSS)
    assert contrast(props[fg], props[bg]) >= 3.0, (fg, bg)


def test_every_css_colour_is_a_checked_custom_property() -> None:
    props = custom_properties(CSS)
    used = set(re.findall(r"var\(--([\w-]+)\)", CSS))
    assert used <= set(props)
    paired = {name for pair in TEXT_PAIRS + UI_PAIRS for name in pair}
    assert set(props) <= paired, set(props) - paired  # no colour escapes the contrast checks
    body = CSS[CSS.index("}") :]  # after :root, only borders may name a literal colour
    literal = [line for line in body.splitlines() if re.search(r"#[0-9a-fA-F]{3,6}\b", line)]
    assert all("border" in line and "color" not in line.replace("border", "") for line in literal), literal


@pytest.mark.parametrize("colour", charts.COLOURS)
def test_chart_series_colours_readable_on_white(colour: str) -> None:
    assert contrast(colour, "#ffffff") >= 4.5  # legends are text in the series colour


def test_focus_is_visible() -> None:
    rule = re.search(r"(:focus-visible[^{]*)\{([^}]*)\}", CSS)
    assert rule
    assert "outline: 3px solid" in rule.group(2)
    for selector in ("a:focus", "button:focus", "input:focus", "select:focus", "summary:focus"):
        assert selector in rule.group(1)
    assert "outline: none" not in CSS.replace("main:focus { outline: none; }", "")  # only the skip target


class Controls(HTMLParser):
    """Collects form controls, labels and SVG charts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.svgs: list[dict[str, str | None]] = []
        self.svg_children: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in {"input", "select", "textarea"} and a.get("type") != "hidden":
            self.controls.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        elif tag == "svg":
            self.svgs.append(a)
        elif tag in {"title", "desc"} and self.svgs:
            self.svg_children.append(f"{tag}#{a.get('id')}")


def _login(client: TestClient, email: str) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": email, "password": PASSWORD, "csrf": token})


def _check_page(text: str) -> Controls:
    found = Controls()
    found.feed(text)
    for control in found.controls:
        assert control.get("id") in found.labels or control.get("aria-label"), control
    ids = [c.get("id") for c in found.controls]
    assert len(ids) == len(set(ids)), "duplicate control ids"
    assert 'class="skip" href="#main"' in text
    return found


@pytest.mark.parametrize(
    ("email", "path"),
    [("doc.a@test", "/patients/p-a1"), ("pat.a1@test", "/patients/p-a1"), ("doc.a@test", "/patients")],
)
def test_every_control_labelled_and_charts_described(
    client: TestClient, world: World, email: str, path: str
) -> None:
    _login(client, email)
    page = client.get(path)
    assert page.status_code == 200
    found = _check_page(page.text)
    assert found.controls
    for svg in found.svgs:
        key = str(svg.get("aria-labelledby", "")).split()[0].removesuffix("-title")
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{key}-title {key}-desc"
        assert f"title#{key}-title" in found.svg_children
        assert f"desc#{key}-desc" in found.svg_children
        assert f'<table id="{key}-data">' in page.text  # the data table


def test_login_form_labelled(client: TestClient) -> None:
    _check_page(client.get("/login").text)


def test_chart_text_alternative_lists_every_value() -> None:
    series = {"MRD": [(29.0, 0.0015), (90.0, 0.0002), (270.0, 0.0)]}
    svg = charts.line_chart("mrd", "MRD", series, log=True, thresholds=[(1e-4, "MRD threshold 0.0001")])
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)  # type: ignore[union-attr]
    assert "3 values from day 29 to day 270" in desc
    assert "highest 0.0015" in desc
    assert "MRD threshold 0.0001" in desc
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', svg)
    assert rows == [("29", "0.0015"), ("90", "0.0002"), ("270", "0 (undetectable)")]
    empty = charts.line_chart("x", "Nothing", {"a": []})
    assert "no values recorded yet" in empty
    assert "<svg" not in empty
