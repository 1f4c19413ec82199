"""Browser tests (Playwright driving the distribution's Chromium) against a live server on the real core.

Screenshots are kept in ``$ALLNAV_TEST_ARTIFACTS`` (default: the test's temporary directory).
Skipped, with the reason, when no Chromium binary is installed (.ci/run installs Debian's ``chromium``).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from allnav.api import create_app
from allnav.services.clinical import DefaultCore
from allnav.services.demo import DEMO_PASSWORD, seed_demo
from allnav.settings import Settings
from allnav.store.engine import make_engine
from allnav.store.migrate import upgrade

CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")


def _chromium() -> str | None:
    found = os.environ.get("ALLNAV_CHROMIUM") or next((p for p in CANDIDATES if Path(p).exists()), None)
    return found or shutil.which("chromium")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("live")
    settings = Settings(env="development", data_dir=data)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    app = create_app(settings, core=DefaultCore(), engine=engine)
    seed_demo(app.state.allnav.sessions, app.state.allnav.core)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "browser tests skipped: no Chromium binary (apt-get install chromium, or set ALLNAV_CHROMIUM)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ALLNAV_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _login(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _open_patient(page: Any, base: str, name: str) -> None:
    _login(page, base, "clinician@demo.allnav")
    assert page.url.endswith("/patients")
    page.get_by_role("link", name=name).click()
    page.wait_for_load_state()


def test_clinician_adds_marrow_result(live_server: str, browser: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    _open_patient(page, live_server, "Alex Demo-Ph")
    card = page.locator("#diagnosis-card")
    assert "B-ALL" in card.inner_text()
    assert page.locator("svg.chart").count() >= 2
    assert page.locator("svg.chart desc").count() == page.locator("svg.chart").count()
    assert "CR" in page.locator("#response-card").inner_text()
    now = page.locator("#phases-card [aria-current=step]")
    assert "maintenance" in now.inner_text()
    page.screenshot(path=str(artifacts / "clinician-patient-page.png"), full_page=True)
    page.evaluate("window.__notReloaded = true")  # survives only if htmx swapped the body in place
    page.get_by_label("Day (from diagnosis)").fill("400")
    page.get_by_label("Marrow blasts (%)").fill("40")
    page.get_by_role("button", name="Save result").click()
    expect(page.locator("#response-card")).to_contain_text("relapse")
    expect(page.locator("#save-status")).to_contain_text("Saved the result")
    assert page.evaluate("window.__notReloaded === true")
    assert "relapse" in page.locator("#alerts").inner_text()
    assert "day 400: relapse" in page.locator("#phases-card").inner_text()
    assert "40" in (page.locator("#blasts-data tbody tr").last.text_content() or "")  # the chart's data table
    assert page.get_by_label("Marrow blasts (%)").input_value() == ""  # a fresh form after a save
    page.screenshot(path=str(artifacts / "clinician-after-marrow.png"), full_page=True)
    page.get_by_label("Day (from diagnosis)").fill("401")
    page.get_by_label("Marrow blasts (%)").fill("150")
    page.get_by_role("button", name="Save result").click()
    error = page.locator("#marrow_blasts_pct-error")
    expect(error).to_contain_text("accepted 0-100 %")
    assert "150" in error.inner_text()
    assert page.get_by_label("Marrow blasts (%)").get_attribute("aria-invalid") == "true"
    expect(page.get_by_label("Marrow blasts (%)")).to_be_focused()  # focus moves to the field at fault
    assert page.evaluate("window.__notReloaded === true")
    page.screenshot(path=str(artifacts / "clinician-inline-error.png"), full_page=True)
    page.close()


def test_forms_work_without_javascript(live_server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _open_patient(page, live_server, "Robin Demo-Relapse")
    page.get_by_label("Drug", exact=True).fill("vincristine")
    page.get_by_label("Dose", exact=True).fill("1.4")
    page.get_by_label("Unit (mg/m2, mg, g/m2, U/m2, mg/kg)").fill("bananas")
    page.get_by_role("button", name="Save medication").click()
    page.wait_for_load_state()
    assert "unknown unit" in page.locator("#unit-error").inner_text()
    assert page.get_by_label("Drug", exact=True).input_value() == "vincristine"  # what was typed is kept
    page.get_by_label("Unit (mg/m2, mg, g/m2, U/m2, mg/kg)").fill("mg")
    page.get_by_role("button", name="Save medication").click()
    page.wait_for_load_state()
    assert page.url.endswith("/patients/demo-relapse")
    assert "vincristine 1.4 mg" in page.content()
    context.close()


FOCUS_STYLE = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').slice(0, 30),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


def test_keyboard_only(live_server: str, browser: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    _open_patient(page, live_server, "Jo Demo-Older")
    page.locator("body").focus()
    seen: list[str] = []
    for _ in range(300):  # tab through the page until the findings form's first field
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["outline"] != "none", focus  # focus is always visible
        assert focus["width"] >= 2, focus
        seen.append(focus["tag"])
        if focus["id"] == "day":
            break
    else:
        pytest.fail(f"the findings form was not reachable by keyboard: {seen[-10:]}")
    assert "SUMMARY" in seen  # the reasons behind each conclusion open from the keyboard
    page.keyboard.type("60")
    page.keyboard.press("Tab")  # phase
    page.keyboard.press("Tab")  # marrow blasts
    assert page.evaluate("document.activeElement.id") == "marrow_blasts_pct"
    page.keyboard.type("2")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator("#save-status")).to_contain_text("Saved the result")
    expect(page.locator("#timeline-card tbody")).to_contain_text("marrow blasts_pct 2")
    assert page.evaluate("document.activeElement.id") in {"marrow_blasts_pct", "save-finding", ""}
    page.screenshot(path=str(artifacts / "keyboard-after-save.png"), full_page=True)
    page.close()


@pytest.mark.parametrize(
    ("email", "path"),
    [("clinician@demo.allnav", "/patients/demo-etp"), ("demo-ph@demo.allnav", "/patients/demo-ph")],
)
def test_phone_width_has_no_sideways_scroll(
    live_server: str, browser: Any, artifacts: Path, email: str, path: str
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _login(page, live_server, email)
    page.goto(f"{live_server}{path}")
    page.locator("details.chart-data").first.evaluate("d => d.open = true")  # an open data table fits too
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / f"phone-{email.split('@')[0]}.png"), full_page=True)
    page.close()


def test_patient_sees_only_own_record(live_server: str, browser: Any, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _login(page, live_server, "demo-ph@demo.allnav")
    assert page.url.endswith("/patients/demo-ph")
    assert "Report right away" in page.content()
    page.screenshot(path=str(artifacts / "patient-portal-phone.png"), full_page=True)
    response = page.goto(f"{live_server}/patients/demo-etp")
    assert response is not None
    assert response.status == 403
    assert "Sam Demo-Etp" not in page.content()
    page.close()
