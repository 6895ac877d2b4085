"""``{% cache %}`` (``lms.core.fragments``): a part is rendered once per key and then reused, also
where something outside the key changed, which is why only what the key determines goes inside."""

from __future__ import annotations

from jinja2 import Environment

from lms.core.fragments import FragmentCache


def render(environment: Environment, **values) -> str:
    template = environment.from_string('{% cache "part", key %}{{ key }}:{{ other }}{% endcache %}')
    return template.render(**values)


def test_a_part_is_kept_per_key():
    environment = Environment(extensions=[FragmentCache], autoescape=True)

    assert render(environment, key="nb", other="first") == "nb:first"
    assert render(environment, key="nb", other="second") == "nb:first"
    assert render(environment, key="en", other="second") == "en:second"


def test_a_kept_part_stays_escaped():
    environment = Environment(extensions=[FragmentCache], autoescape=True)

    assert render(environment, key="<b>", other="&") == "&lt;b&gt;:&amp;"
    assert render(environment, key="<b>", other="x") == "&lt;b&gt;:&amp;"
