"""linkcheck.links.check_link: a page's own anchors (every citation and back-link) are
checked without parsing a URL, and a link with a scheme is checked once per build
whatever page it is on; both give what the general path gives. A broken link's
"did you mean" never names the page the link is on."""

from __future__ import annotations

from linkcheck import links
from linkcheck.links import Link, Site, check_link


def site(ids=frozenset()):
    pages = {"/a/": "a.html"}
    return Site(pages=pages, ids=lambda key: ids if key == "a.html" else None)


def general(link: Link, page_url: str, site_: Site, own_ids) -> str | None:
    """The same check through urljoin/urlsplit (a tab, which urlsplit drops, makes
    check_link take that path), with the message as for the link without the tab."""
    tabbed = link.value[:1] + "\t" + link.value[1:]
    problem = check_link(Link(link.tag, link.attribute, tabbed), page_url, site_, own_ids)
    return problem and problem.message.replace(repr(tabbed), repr(link.value))


def test_an_anchor_of_the_page_itself_resolves():
    assert check_link(Link("a", "href", "#ref-a"), "/a/", site(), {"ref-a"}) is None


def test_an_anchor_the_page_file_has_resolves_when_the_fragment_lacks_it():
    assert check_link(Link("a", "href", "#top"), "/a/", site(frozenset({"top"})), {"ref-a"}) is None


def test_a_missing_anchor_names_the_nearest_one_and_its_needles():
    problem = check_link(Link("a", "href", "#ref-b"), "/a/", site(), {"ref-bb", "x"})
    assert problem.message == "link '#ref-b': no anchor #ref-b on this page; did you mean '#ref-bb'?"
    assert problem.needles == ("#ref-b", "#ref-b")


def test_percent_escapes_and_an_empty_fragment_as_urlsplit_reads_them():
    assert check_link(Link("a", "href", "#caf%C3%A9"), "/a/", site(), {"café"}) is None
    assert check_link(Link("a", "href", "#"), "/a/", site(), set()) is None


def test_a_tab_inside_an_anchor_is_dropped_as_urlsplit_drops_it():
    assert check_link(Link("a", "href", "#ref\t-a"), "/a/", site(), {"ref-a"}) is None


def test_own_anchors_give_what_the_general_path_gives():
    for value, own in (("#ref-a", {"ref-a"}), ("#nope", {"ref-a"}), ("#a#b", {"a#b"}),
                       ("#x?y", {"x?y"}), ("#%20", {" "}), ("#", set())):
        link = Link("a", "href", value)
        fast = check_link(link, "/a/", site(), own)
        assert (fast and fast.message) == general(link, "/a/", site(), own), value


def test_a_link_with_a_scheme_is_checked_once_for_every_page():
    links._external_link.cache_clear()
    good, bad = Link("a", "href", "https://doi.org/10.1/x"), Link("a", "href", "htp://example.org")
    assert check_link(good, "/a/", site(), set()) is None
    assert check_link(good, "/b/", site(), set()) is None
    first = check_link(bad, "/a/", site(), set())
    assert first.message == "link 'htp://example.org': misspelt scheme; write https://"
    assert check_link(bad, "/other/", site(), set()) is first
    info = links._external_link.cache_info()
    assert (info.misses, info.hits) == (2, 2)


def test_a_colon_without_a_scheme_still_resolves_on_the_site():
    assert check_link(Link("a", "href", "/a/#x:y"), "/b/", site(frozenset({"x:y"})), set()) is None
    problem = check_link(Link("a", "href", "/nowhere:1"), "/b/", site(), set())
    assert problem.message.startswith("link '/nowhere:1': no page at /nowhere:1")


def sourced_site():
    pages = {"/what-is-ptsd/": "what-is-ptsd/index.html",
             "/what-is-ptsd/index.html": "what-is-ptsd/index.html",
             "/ptsd-treatments/": "ptsd-treatments/index.html"}
    sources = {"articles/what-is-ptsd.md": "/what-is-ptsd/",
               "articles/ptsd-treatments.md": "/ptsd-treatments/"}
    return Site(pages=pages, ids=lambda key: frozenset(), sources=sources)


def test_a_missing_filename_link_never_suggests_the_page_it_is_on():
    link = Link("a", "href", "{filename}what-is-ptsdd.md")
    on_itself = check_link(link, "/what-is-ptsd/", sourced_site(), set(), "articles")
    assert on_itself.message == ("link '{filename}what-is-ptsdd.md': no file 'what-is-ptsdd.md' in the "
                                 "content folder; did you mean '{filename}/articles/ptsd-treatments.md'?")
    elsewhere = check_link(link, "/ptsd-treatments/", sourced_site(), set(), "articles")
    assert elsewhere.message.endswith("did you mean '{filename}/articles/what-is-ptsd.md'?")


def test_a_missing_page_link_never_suggests_the_page_it_is_on():
    link = Link("a", "href", "/what-is-ptsdd/")
    on_itself = check_link(link, "/what-is-ptsd/", sourced_site(), set())
    assert on_itself.message == "link '/what-is-ptsdd/': no page at /what-is-ptsdd/"  # nothing else is close
    elsewhere = check_link(link, "/ptsd-treatments/", sourced_site(), set())
    assert elsewhere.message.endswith("did you mean '/what-is-ptsd/'?")
