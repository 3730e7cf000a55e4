"""Related links: URL rules, list edits, internal-link resolution, suggestions and a link checker."""
