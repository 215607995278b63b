"""The one RPL engine, ``rpl_engine.js``: its text for the lookup page to inline, and a run of it in QuickJS for ``rpl``.

The evaluation of held units against a qualification's rules is written once, in
JavaScript, so that the page (a static file a browser opens) and ``handbooks rpl`` give
the same answer from the same code; Python runs it through QuickJS, a small embedded engine.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import quickjs

from pipeline.core.rule_kinds import description

ENGINE = "rpl_engine.js"  # beside this module, in the package
ENTRY = "rplEngine"  # the function the file declares: plain input in, plain answer out


def source() -> str:
    """The engine's JavaScript, as the page inlines it and QuickJS runs it."""
    return resources.files("pipeline.core").joinpath(ENGINE).read_text(encoding="utf-8")


def run(given: dict[str, Any]) -> dict[str, Any]:
    """The engine's answer for ``given`` (its input, less the rule kinds, which come from ``pipeline.core.rule_kinds``)."""
    context = quickjs.Context()
    context.eval(source())
    call = context.eval(f"(function (input) {{ return JSON.stringify({ENTRY}(JSON.parse(input))); }})")
    answer: dict[str, Any] = json.loads(call(json.dumps(dict(given, kinds=description()))))
    return answer
