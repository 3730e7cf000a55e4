"""Properties that must hold for any input: reordering keeps every link, pasting never fails."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest_desk.links.edits import drop_target, moved
from digest_desk.links.validate import host_forms, link_issues, parse_pasted, validate_url


@given(st.integers(1, 30).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(-1, n + 1))))
def test_a_drop_anywhere_keeps_every_link_once(case):
    count, src, row = case
    links = [{"title": str(i)} for i in range(count)]
    dst = drop_target(src, row, count)
    assert 0 <= dst < count
    after = moved(links, src, dst)
    assert sorted(x["title"] for x in after) == sorted(x["title"] for x in links)
    assert after[dst] == links[src]
    # The others keep their relative order.
    rest = [x for x in links if x is not links[src]]
    assert [x for x in after if x is not links[src]] == rest


@given(st.text(max_size=400))
def test_pasting_any_text_gives_only_links_with_allowed_schemes(text):
    for link in parse_pasted(text, "source"):
        assert link["url"].lower().startswith(("http://", "https://", "mailto:"))
        assert link["title"]
        issue = validate_url(link["url"], "source")
        assert issue is None or issue.code != "bad-scheme"


@given(st.text(max_size=200), st.sampled_from(["read-more", "related", "source"]))
def test_validation_never_raises(url, kind):
    issue = validate_url(url, kind)
    assert issue is None or issue.message
    for candidate in (url, f"https://{url}", f"https://{url}/x"):
        host_forms(candidate)
        if not candidate.strip():
            continue  # an empty URL is a missing link, never a duplicate
        assert link_issues([{"title": "t", "url": candidate, "kind": kind}] * 2)[1][-1].code == "duplicate"
