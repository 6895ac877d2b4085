"""When the shared rate-limit storage (redis) is down, sign-in still answers, and its limits still
hold, counted in each process's memory until the storage is back. Run in a process of its own: the
limiter is one object per process, and this app points it at a storage nobody listens on."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from lms import create_app
    from lms.accounts.services import set_password
    from lms.extensions import db
    from lms.organisation.models import UnitKind
    from lms.organisation.services import create_person, create_unit

    folder = sys.argv[1]
    app = create_app({
        "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "k", "BASE_URL": "http://localhost",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/lms.db", "INSTANCE_PATH": folder,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0", "SCHEDULER_ENABLED": False,
        "SMTP_HOST": None, "LOG_LEVEL": "ERROR",
    })
    with app.app_context():
        db.create_all()
        unit = create_unit("Testvik kommune", UnitKind.MUNICIPALITY)
        person = create_person("Nina Nord", email="nina@testvik.no")
        set_password(person, "riktig-passord-123")
        db.session.commit()

    def sign_in(address, password):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        form = {"email": "nina@testvik.no", "password": password}
        return client.post("/login", data=form).status_code

    guesses = [sign_in("203.0.113.66", "feil-passord-000") for _ in range(6)]
    print(json.dumps({"guesses": guesses, "owner": sign_in("198.51.100.7", "riktig-passord-123")}))
    """
)


def test_sign_in_answers_and_limits_with_the_limit_storage_down(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["guesses"] == [401] * 5 + [429]
    assert figures["owner"] == 302
