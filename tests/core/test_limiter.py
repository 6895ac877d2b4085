"""The limiter skips its check ahead of the view only when that check has nothing to apply
(``lms.extensions.Limiter``): a view's own limit and limits set for every view still hold."""

from __future__ import annotations

from flask import Flask

from lms.extensions import Limiter


def limited_app(**limits) -> Flask:
    app = Flask("limits")
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limiter = Limiter(key_func=lambda: "one client", **limits)
    limiter.init_app(app)

    @app.route("/free")
    def free():
        return "ok"

    @app.route("/limited")
    @limiter.limit("2/minute")
    def limited():
        return "ok"

    return app


def statuses(app: Flask, path: str, times: int) -> list[int]:
    client = app.test_client()
    return [client.get(path).status_code for _ in range(times)]


def test_a_views_own_limit_holds():
    assert statuses(limited_app(), "/limited", 3) == [200, 200, 429]
    assert statuses(limited_app(), "/free", 3) == [200, 200, 200]


def test_limits_for_every_view_are_checked_ahead_as_before():
    assert statuses(limited_app(default_limits=["1/minute"]), "/free", 2) == [200, 429]
    assert statuses(limited_app(application_limits=["1/minute"]), "/free", 2) == [200, 429]
