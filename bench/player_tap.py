"""Tap to next card on a slow line: the player on the phone (cards from the module's bundle) against
the server path (each card fetched, as when the bundle is not there), in one run, interleaved.

A phone-sized headless Chromium with Chromium's network emulation (400 ms latency, 1.5 Mbit/s down)
takes the test module ``alle-korttyper``: for every card that leads to another, the time from the tap
on its button ("Neste", "Lagre og gå videre") to the next card's progress text on screen and one
frame painted, measured in the page (performance.now). Questions are answered and their feedback
awaited first, untimed. Nothing here asserts a time; it prints figures.

    .venv/bin/python bench/player_tap.py [--rounds 3] [--latency 400]

Each round takes the module twice, with a fresh person each time: bundle, then server path (the
bundle's address refused, so the player falls back to posting the form and swapping the page).
Prints the median and spread over the rounds of each way's median tap time, and their ratio.

No service worker (Chromium's emulation does not slow its requests), so each way's requests all
cross the slow line.

Setup: SQLite in a temporary folder, the module installed and published, gunicorn (1 worker,
4 threads) on 127.0.0.1, Chromium at LMS_CHROMIUM or /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config, free_port, wait_for  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper"
PASSWORD = "bench-passord-123"
CHROMIUM = os.environ.get("LMS_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic"]
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "nb-NO", "is_mobile": True}
CARDS = 10
SCORED = {2, 3, 4, 5}

TIMED_TAP = """async expected => {
    const button = document.querySelector(".player form:not([hidden]) button[type=submit]");
    const began = performance.now();
    button.click();
    await new Promise(resolve => {
        const check = () => {
            const label = document.querySelector(".player-progress-text");
            if (label && label.textContent.trim() === expected) resolve();
            else requestAnimationFrame(check);
        };
        check();
    });
    await new Promise(resolve => requestAnimationFrame(() => resolve()));
    return performance.now() - began;
}"""


def served():
    """The WSGI app gunicorn serves."""
    from lms import create_app

    return create_app(bench_config(Path(os.environ["LMS_BENCH_DIR"])))


def prepare(folder: Path, people: int) -> list[str]:
    """The module and ``people`` staff members; returns their e-mail addresses."""
    from lms import create_app
    from lms.accounts.services import set_password
    from lms.content import services as content
    from lms.extensions import db
    from lms.organisation.models import Role, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    app = create_app(bench_config(folder))
    emails = [f"benk{n}@example.no" for n in range(people)]
    with app.app_context():
        db.create_all()
        unit = create_unit("Benkvik sykehjem", UnitKind.UNIT)
        for n, email in enumerate(emails):
            person = create_person(f"Benk {n}", email=email)
            set_password(person, PASSWORD)
            grant_role(person, unit, Role.STAFF)
        content.install(FIXTURE, "bench", publish=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return emails


def answer(page, index: int) -> None:
    """Fill in card ``index`` of ``alle-korttyper`` (without pressing its button)."""
    choose = {2: ["Logger ut eller låser skjermen"], 3: ["blå-kaffe-trapp-fjord"], 4: ["Usant"]}
    for label in choose.get(index, []):
        page.get_by_label(label).check()
    if index == 5:
        for place, label in enumerate(
            ["Oppdage hendelsen", "Sikre pasienten", "Melde i avvikssystemet"], start=1
        ):
            page.get_by_label(label).select_option(str(place))
    elif index == 6:
        page.get_by_label("Dine tanker").fill("På vaktrommet.")
    elif index == 7:
        page.get_by_label("Hver vakt").check()
    elif index == 8:
        page.get_by_label("4", exact=True).check()


def take_module(browser, base_url: str, email: str, latency: int, bundle: bool) -> list[float]:
    """Take the module as ``email``; the tap-to-next-card times in milliseconds."""
    # Chromium's emulation slows the page's own requests, not a service worker's: without one, every
    # request of both ways crosses the slow line.
    context = browser.new_context(**PHONE, base_url=base_url, service_workers="block")
    context.set_default_timeout(30_000)
    page = context.new_page()
    if not bundle:
        page.route("**/bundle/**", lambda route: route.abort())
    page.goto("/login")
    page.get_by_label("E-post", exact=True).fill(email)
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/learn/alle-korttyper")
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector(".player-progress-text")
    if bundle:
        page.wait_for_function(
            "performance.getEntriesByType('resource').some(e => e.name.includes('/bundle/'))"
        )
        page.wait_for_timeout(200)  # the bundle parsed
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency,
            "downloadThroughput": 1_500_000 / 8,
            "uploadThroughput": 750_000 / 8,
        },
    )
    times = []
    for index in range(CARDS - 1):
        answer(page, index)
        if index in SCORED:
            page.locator(".player form:not([hidden]) button[type=submit]").click()
            page.wait_for_selector(".feedback")
        times.append(page.evaluate(TIMED_TAP, f"Kort {index + 2} av {CARDS}"))
    context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=int, default=400, help="milliseconds, Chromium emulation")
    args = parse_arguments(parser, smoke={"rounds": 1})
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        folder = Path(tmp)
        emails = iter(prepare(folder, 2 * args.rounds))
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--workers", "1",
                "--threads", "4",
                "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning",
                "--chdir", str(ROOT),
                "bench.player_tap:served()",
            ],
            env={**os.environ, "LMS_BENCH_DIR": str(folder)},
        )  # fmt: skip
        try:
            wait_for(port, server)
            base_url = f"http://127.0.0.1:{port}"
            bundled, fetched = [], []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                for _ in range(args.rounds):
                    for use_bundle, medians in ((True, bundled), (False, fetched)):
                        taps = take_module(browser, base_url, next(emails), args.latency, use_bundle)
                        medians.append(statistics.median(taps))
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    print(
        f"Chromium 390x844, {args.latency} ms latency, 1.5 Mbit/s down; gunicorn 1 worker, "
        f"4 threads; {CARDS - 1} taps to a next card per module, median per module"
    )
    print(f"bundle on the phone: {spread(bundled, 'ms', 1)}")
    print(f"server path:         {spread(fetched, 'ms', 1)}")
    ratios = [b / f for b, f in zip(bundled, fetched, strict=True)]
    print(f"ratio bundle / server path: {spread(ratios, digits=3)}")
    print(load_average())


if __name__ == "__main__":
    main()
