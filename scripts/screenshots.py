"""Screenshots of the platform, so that anyone can look at the design without clicking through:
home, a card, the feedback after an answer and the done page on a phone (390 x 844), and the
presenter view of a group run on a projector (1280 x 720).

    .venv/bin/python scripts/screenshots.py [--out build/screenshots] [--only home card]

It starts the platform on 127.0.0.1 from a scratch SQLite database with the shipped modules and
the demo organisation (``lms demo``), drives Debian's Chromium with Playwright (as tests/browser
do; ``scripts/ensure-chromium`` installs it) and prints the path of each PNG it saves.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("LMS_CHROMIUM") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1280, "height": 720}, "is_mobile": False, "has_touch": False}
PASSWORD = "skjermbilde-123"
MODULE = "trygg-innlogging"
LEARNER = "Ingrid Haugen"
"""A staff member of the demo (``lms.demo.SAMPLE_STAFF``)."""
FACILITATOR = "Camilla Rønning"
"""The demo's facilitator in home nursing (``lms.demo.LEADERS``)."""


@dataclass(frozen=True)
class Scene:
    """What the screenshots show, made through the services before the browser starts."""

    url: str
    learner: str
    facilitator: str
    question: str
    """The card page of the module's first single-choice question (not answered yet)."""
    failed_done: str
    """The done page of an attempt completed with every question answered wrong."""
    presenter: str


def _config(folder: Path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'screenshots.sqlite3'}",
        "INSTANCE_PATH": folder,
        "SECRET_KEY": "screenshots-secret-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SCHEDULER_ENABLED": False,
        "SMTP_HOST": None,
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def serving(folder: Path) -> Iterator[Scene]:
    """The platform on 127.0.0.1 with the demo organisation and the scene's attempts and run."""
    from werkzeug.serving import make_server

    from lms import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    holder: dict[str, Callable] = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app({**_config(folder), "BASE_URL": url})
    with app.app_context():
        scene = _make_scene(url)
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield scene
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _make_scene(url: str) -> Scene:
    import sqlalchemy as sa
    from argon2 import PasswordHasher

    from lms import demo
    from lms.accounts import services as accounts
    from lms.content import services as content
    from lms.extensions import db
    from lms.groups import services as groups
    from lms.learning import services as learning
    from lms.organisation.models import Person, RoleAssignment, Unit

    db.create_all()
    content.sync()
    hasher, accounts._hasher = (
        accounts._hasher,
        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )
    try:  # the lightest hashing: a scratch database's passwords need no cost
        demo.build_demo(PASSWORD)
    finally:
        accounts._hasher = hasher
    person = {p.name: p for p in db.session.scalars(sa.select(Person))}
    learner, facilitator = person[LEARNER], person[FACILITATOR]
    version = content.current_version(MODULE)
    module = content.load_version(version)
    question = next(card for card in module.cards if card.type == "single_choice")
    for attempt in db.session.scalars(sa.select(learning.Attempt).filter_by(person_id=learner.id)):
        db.session.delete(attempt)
    db.session.flush()

    failed = learning.start_or_resume(learner, version)
    for card in module.scored_cards:
        learning.submit_answer(failed, card, _wrong_answer(card))
    learning.complete(failed, module)
    attempt = learning.start_or_resume(learner, version)
    learning.move_to(attempt, module, question.index)

    unit = db.session.scalar(
        sa.select(RoleAssignment.unit_id).filter_by(person_id=facilitator.id).limit(1)
    )
    run = groups.start_run(facilitator, version, db.session.get(Unit, unit))
    db.session.commit()
    return Scene(
        url=url,
        learner=learner.email,
        facilitator=facilitator.email,
        question=f"/attempts/{attempt.id}/cards/{question.index}",
        failed_done=f"/attempts/{failed.id}/done",
        presenter=f"/groups/runs/{run.id}",
    )


def _wrong_answer(card):
    """A response the card grades wrong: a wrong option, the other truth value, a reversed order."""
    data = card.data
    if "options" in data:
        return [next(o["id"] for o in data["options"] if not o.get("correct"))]
    if "answer" in data:
        return not data["answer"]
    if "items" in data:
        return [item["id"] for item in reversed(data["items"])]
    return None


SHOTS = ("home", "card", "feedback", "done", "presenter")


def take(scene: Scene, out: Path, only: tuple[str, ...]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(page, name: str) -> None:
        if name in only:
            _load_images(page)
            path = out / f"{name}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
            print(path, flush=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        phone = browser.new_context(**PHONE, locale="nb-NO", base_url=scene.url).new_page()
        _sign_in(phone, scene.learner)
        phone.goto("/")
        shot(phone, "home")
        if {"card", "feedback"} & set(only):
            phone.goto(scene.question)
            shot(phone, "card")
            phone.locator("input[type=radio]").first.check()
            phone.get_by_role("button", name="Svar", exact=True).click()
            phone.wait_for_load_state("networkidle")
            shot(phone, "feedback")
        if "done" in only:
            phone.goto(scene.failed_done)
            shot(phone, "done")
        if "presenter" in only:
            screen = browser.new_context(**PROJECTOR, locale="nb-NO", base_url=scene.url).new_page()
            _sign_in(screen, scene.facilitator)
            screen.goto(scene.presenter)
            shot(screen, "presenter")
        browser.close()
    return saved


LOAD_IMAGES = """async () => {
    const images = Array.from(document.images);
    for (const image of images) image.loading = "eager";
    await Promise.all(images.map((image) => image.decode().catch(() => null)));
    return images.filter((image) => !image.complete || !image.naturalWidth).map((image) => image.src);
}"""
"""Loads every image of the page now, lazy ones too (the module covers on home load only when
scrolled near, and a full-page screenshot does not scroll), and names those that failed."""


def _load_images(page) -> None:
    """Before a full-page screenshot: every image loaded and decoded, or the script stops."""
    broken = page.evaluate(LOAD_IMAGES)
    if broken:
        raise SystemExit(f"{page.url}: images that did not load: {', '.join(broken)}")


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-post", exact=True).fill(email)
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument("--only", nargs="+", choices=SHOTS, default=list(SHOTS))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lms-screenshots-") as tmp, serving(Path(tmp)) as scene:
        return take(scene, args.out.resolve(), tuple(args.only))


if __name__ == "__main__":
    main()
