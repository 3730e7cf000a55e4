"""Imported once by the export's fork server, before any worker exists.

Everything a render worker needs that does not depend on the store is made ready here, so
each worker forks with it instead of importing, compiling or working it out again: the
rendering modules (each worker imported the page builder after the fork: 12 ms), the markdown
parser, the compiled page templates, the page cache's code key, and SQLAlchemy's first-use
work (its SQLite dialect, the mappers and the compiled forms of the ORM reads a worker makes),
which cost a worker 30-60 ms of its start otherwise. The export pipeline itself is not
imported (the package loads it when asked for): the workers never use it.
"""

from __future__ import annotations

from digest_desk import page_inputs  # noqa: F401  (each worker's renderer reads its inputs with it)
from digest_desk.export import articles  # noqa: F401  (the worker entry points)
from digest_desk.export.page_cache import code_key
from digest_desk.render import mdparse, pages  # noqa: F401  (imported by the first render otherwise)
from digest_desk.render.embed_html import environment
from digest_desk.store.published import warm_up_reads

mdparse.parse_body("Ready.")
for _name in ("standard/page.html", "amp/page.html"):
    environment().get_template(_name)
code_key()
warm_up_reads()
