"""Language tools for prose: the words of a markdown text, spelling through Hunspell, readability."""
