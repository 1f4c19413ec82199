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


def test_clinician_adds_marrow_result(live_server: str, browser: Any, artifacts: Path) -> None:
    page = browser.new_page()
    _login(page, live_server, "clinician@demo.allnav")
    assert page.url.endswith("/patients")
    page.get_by_role("link", name="Alex Demo-Ph").click()
    card = page.locator("#diagnosis-card")
    assert "B-ALL" in card.inner_text()
    assert page.locator("svg.chart").count() >= 2
    assert "CR" in page.locator("#response-card").inner_text()
    page.screenshot(path=str(artifacts / "clinician-patient-page.png"), full_page=True)
    page.get_by_label("Day (from diagnosis)").fill("400")
    page.get_by_label("Marrow blasts (%)").fill("40")
    page.get_by_role("button", name="Save result").click()
    page.wait_for_load_state()
    assert "relapse" in page.locator("#response-card").inner_text()
    page.screenshot(path=str(artifacts / "clinician-after-marrow.png"), full_page=True)
    page.get_by_label("Day (from diagnosis)").fill("401")
    page.get_by_label("Marrow blasts (%)").fill("many")
    page.get_by_role("button", name="Save result").click()
    assert "not a number" in page.locator("#timeline-errors").inner_text()
    page.screenshot(path=str(artifacts / "clinician-inline-error.png"), full_page=True)
    page.close()


def test_patient_sees_only_own_record_on_a_phone(live_server: str, browser: Any, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    _login(page, live_server, "demo-ph@demo.allnav")
    assert page.url.endswith("/patients/demo-ph")
    assert "Report right away" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376  # no sideways scrolling on a phone
    page.screenshot(path=str(artifacts / "patient-portal-phone.png"), full_page=True)
    response = page.goto(f"{live_server}/patients/demo-etp")
    assert response is not None
    assert response.status == 403
    assert "Sam Demo-Etp" not in page.content()
    page.close()
