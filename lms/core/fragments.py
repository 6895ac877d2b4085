"""``{% cache %}``: a part of a template rendered once per process for each key, then reused.

    {% cache "site-menu", current_locale(), request.script_root, menu_roles %}
    ...
    {% endcache %}

The block's output is kept under the tuple of the tag's values (the first one names the part).
Only what the key fully determines may go inside: the texts of one language, addresses from
``url_for`` (fixed for an app and its script root), a module's content (fixed for its content
hash), choices from the key's own values. Never a CSRF token, the request's path, a flashed
message or anything read from the database that can change: a part that depends on it stays
outside the block. A kept part is the same in every process and never goes stale, so there is
nothing to share between gunicorn workers or to expire; changing a template needs a restart
(as it does anyway without ``TEMPLATES_AUTO_RELOAD``).

It is for the parts every page or a hot page renders alike: the site menu, the footer's links and
language choice, the module page's description, whose ``_()``, ``url_for`` and filters cost more
than the request's own work.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from lms.core.kept import kept

KEPT_FRAGMENTS = 4096
"""Past this many parts kept, a process forgets them all and renders them again."""


class FragmentCache(Extension):
    """The ``{% cache key, ... %} ... {% endcache %}`` tag (see the module's docstring)."""

    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragment_cache={})

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        key = nodes.Tuple(values, "load")
        call = self.call_method("_render_once", [key])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render_once(self, key: tuple, caller: Callable[[], str]) -> str:
        return kept(self.environment.fragment_cache, key, caller, KEPT_FRAGMENTS)
