"""The web phone in a real browser: Debian's Chromium, headless, driven by Playwright against a served gateway."""
from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from core.adapters.sqlalchemy.migrate import upgrade
from core.services.demo import DEMO_EMPLOYER, DEMO_INSURED, seed_demo
from gateway.runtime import Runtime

CHROMIUM: Final = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS: Final = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS: Final = 15_000


@pytest.fixture(scope="module")
def served_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The gateway as ``scripts/run.sh`` serves it (embedded SQLite, in-process sessions, demo data) on loopback."""
    path = tmp_path_factory.mktemp("simulator") / "gateway.db"
    # With a callback key, every hop and SMS of the page passes only if the page adds ?key= (else 403).
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "AT_CALLBACK_KEY": "dev-callback-key",
                      "HUBTEL_CALLBACK_KEY": "dev-hubtel-key", "FREEFLOW_USERID": "moov", "FREEFLOW_PASSWORD": "dev-ff",
                      "FREEFLOW_PARAM_NAMES": "input=ussdString"})
    rt: Runtime = app.extensions["cnss"]
    upgrade(rt.engine)
    seed_demo(uow_factory=rt.uow_factory, clock=rt.clock, rulebook=rt.rulebook, hasher=rt.pin_hasher)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="simulator-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    rt.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (never a downloaded browser); missing, the test fails: scripts/test.sh installs it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh (ensure_chromium) or apt-get install -y chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, served_gateway: str) -> Iterator[Page]:
    """A small phone-sized tab on the simulator."""
    context = browser.new_context(viewport={"width": 420, "height": 900})
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    tab.goto(f"{served_gateway}/simulator")
    yield tab
    context.close()


def _press(page: Page, keys: str = "", button: str = "#send") -> None:
    """Type ``keys`` on the keypad, press ``button``, and wait until the page has shown everything of the hop."""
    for key in keys:
        page.click(f'.key[data-key="{key}"]')
    page.click(button)
    expect(page.locator("#simulator")).to_have_attribute("data-busy", "false", timeout=WAIT_MS)


def test_the_demo_employer_dials_and_reads_the_contributor_balance(page: Page, tmp_path: Path) -> None:
    page.click("#identity-employer")
    expect(page.locator("#phone-number")).to_have_value(DEMO_EMPLOYER.phone)
    expect(page.locator("#pin-hint")).to_contain_text(DEMO_EMPLOYER.pin)
    expect(page.locator("#answer")).to_have_value("*909#")
    _press(page)  # Appeler
    expect(page.locator("#screen-id")).to_have_text("auth.pin", timeout=WAIT_MS)
    expect(page.locator("#screen")).to_contain_text(DEMO_EMPLOYER.name)
    expect(page.locator("#session-state")).to_have_attribute("data-kind", "CON")
    _press(page, DEMO_EMPLOYER.pin)
    expect(page.locator("#screen-id")).to_have_text("employer.home", timeout=WAIT_MS)
    expect(page.locator("#screen")).to_contain_text("2 Compte cotisant")
    _press(page, "2")
    expect(page.locator("#screen-id")).to_have_text("account.summary", timeout=WAIT_MS)
    screen = page.locator("#screen").inner_text()
    assert screen.startswith("Solde: ") and "FCFA" in screen and "Majorations" in screen, screen
    expect(page.locator("#screen-encoding")).to_have_text("GSM-7")
    length = int(page.locator("#screen-length").get_attribute("data-length") or "999")
    assert 0 < length <= 160 and page.locator("#screen-length").inner_text() == f"{length}/160"
    shot = tmp_path / "simulator.png"
    page.screenshot(path=str(shot), full_page=True)
    assert _distinct_pixels(shot.read_bytes()) > 50, "the screenshot is blank"

    _press(page, "2")  # Relevé par SMS: the session ends and the statement is texted
    expect(page.locator("#session-state")).to_have_attribute("data-kind", "END", timeout=WAIT_MS)
    expect(page.locator("#send")).to_contain_text("Rappeler")
    expect(page.locator("#answer")).to_have_value("*909#")
    expect(page.locator("#call-sms li")).not_to_have_count(0, timeout=WAIT_MS)
    _press(page)  # dial again: a new session starts at the PIN
    expect(page.locator("#screen-id")).to_have_text("auth.pin", timeout=WAIT_MS)
    page.click("#hang-up")
    expect(page.locator("#send")).to_contain_text("Appeler")


def test_the_sms_tab_sends_a_keyword_and_shows_the_reply_in_the_outbox(page: Page) -> None:
    page.click("#identity-insured")
    page.click("#tab-sms")
    expect(page.locator("#panel-sms")).to_be_visible()
    page.fill("#sms-text", "SOLDE")
    _press(page, button="#sms-send")
    expect(page.locator("#sms-status")).to_have_text("HTTP 200 OK", timeout=WAIT_MS)
    expect(page.locator("#sms-reply")).to_contain_text(f"{DEMO_INSURED.name} {DEMO_INSURED.number}",
                                                       timeout=WAIT_MS)
    expect(page.locator("#sms-reply")).to_contain_text("mois d'assurance")
    first = page.locator("#outbox tbody tr").first
    expect(first).to_contain_text("keyword_reply")
    expect(first).to_contain_text("queued")
    expect(first).to_contain_text(DEMO_INSURED.name)


@pytest.mark.parametrize("provider", ["hubtel", "freeflow"])
def test_the_same_walk_over_another_provider(page: Page, provider: str) -> None:
    """Chosen in the page, the provider's own wire format and secret reach its callback (else 400 or 403)."""
    page.click("#identity-employer")
    page.select_option("#provider", provider)
    page.fill("#answer", "*909*2#")  # chained: the account once the PIN is given
    _press(page)
    expect(page.locator("#session-state")).to_have_attribute("data-kind", "CON", timeout=WAIT_MS)
    expect(page.locator("#screen")).to_contain_text("Entrez votre code PIN")
    expect(page.locator("#screen-id")).to_have_text("-")  # no AT hop label: the provider's own answer was read
    _press(page, DEMO_EMPLOYER.pin)
    expect(page.locator("#screen")).to_contain_text("Solde: ", timeout=WAIT_MS)
    _press(page, "0")
    expect(page.locator("#screen")).to_contain_text("2 Compte cotisant", timeout=WAIT_MS)
    _press(page, "2")
    _press(page, "2")  # Relevé par SMS: the session ends, the statement is texted
    expect(page.locator("#session-state")).to_have_attribute("data-kind", "END", timeout=WAIT_MS)
    expect(page.locator("#call-sms li")).not_to_have_count(0, timeout=WAIT_MS)


def _distinct_pixels(png: bytes) -> int:
    """How many distinct RGB(A) pixel values an 8-bit PNG holds (a small decoder: no imaging library needed)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, header = 8, b"", b""
    while offset < len(png):
        (size,), kind = struct.unpack(">I", png[offset:offset + 4]), png[offset + 4:offset + 8]
        data = png[offset + 8:offset + 8 + size]
        header, idat = (data, idat) if kind == b"IHDR" else (header, idat + data if kind == b"IDAT" else idat)
        offset += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), f"unexpected PNG format depth={depth} colour={colour}"
    step = 3 if colour == 2 else 4
    stride, raw = width * step, zlib.decompress(idat)
    previous, seen = bytearray(stride), set[bytes]()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        _unfilter(kind, line, previous, step)
        seen.update(bytes(line[x:x + step]) for x in range(0, stride, step * 7))  # every 7th pixel is enough
        previous = line
    return len(seen)


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> None:
    """Undo one scanline's PNG filter in place (0 none, 1 sub, 2 up, 3 average, 4 Paeth)."""
    for i in range(len(line)) if kind else ():
        left = line[i - step] if i >= step else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + previous[i]) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        else:
            line[i] = (line[i] + _paeth(left, previous[i], previous[i - step] if i >= step else 0)) & 0xFF


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
    return (left, up, corner)[distances.index(min(distances))]
