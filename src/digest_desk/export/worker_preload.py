"""Imported once by the export's fork server, before any worker exists.

Everything a render worker needs that does not depend on the store is made ready here, so
each worker forks with it instead of importing and compiling it again: the rendering modules,
the markdown parser and the compiled page templates.
"""

from __future__ import annotations

from digest_desk.export import articles  # noqa: F401  (the worker entry points)
from digest_desk.render import mdparse
from digest_desk.render.embed_html import environment

mdparse.parse_body("Ready.")
for _name in ("standard/page.html", "amp/page.html"):
    environment().get_template(_name)
