"""Store, import, search and command line tests on real SQLite files."""
