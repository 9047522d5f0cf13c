"""Templates reach the signed-in operator as `user` (request.user, from accounts.context_processors).

The context variable `operator` is gone: a template still asking for `operator.is_admin` would get
nothing and silently hide every admin button. No DynamoDB."""

import re
from pathlib import Path

from django.template import Context, Template

from accounts.models import ANONYMOUS, OperatorUser

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# `operator` on its own (not `row.operator`, `record.operator`...), as a variable or an object.
OLD_NAME = re.compile(r"{[{%][^}]*(?<![\w.])(operator|principal)(\.|\s*[%}|])")


def test_no_template_uses_the_old_operator_variable():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in OLD_NAME.finditer(path.read_text()):
            found.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}")
    assert found == []


def test_the_scan_would_catch_it():
    assert OLD_NAME.search("{% if operator.is_admin %}") and OLD_NAME.search("{{ operator.username }}")
    assert OLD_NAME.search("{% if operator %}") and not OLD_NAME.search("{{ row.operator|default:'—' }}")


def test_user_answers_what_templates_ask():
    template = Template(
        "{% if user.is_authenticated %}{{ user.username }}{% if user.is_admin %} admin{% endif %}{% endif %}"
    )
    assert template.render(Context({"user": OperatorUser("alice", "admin")})) == "alice admin"
    assert template.render(Context({"user": OperatorUser("sam", "staff")})) == "sam"
    assert template.render(Context({"user": ANONYMOUS})) == ""
