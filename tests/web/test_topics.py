"""Keywords, related talks, the overview and /explore, through the test client."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

FORUM = "BV1iT421k7Bv-p36"  # the GLM forum, whose recogniser writes 智朴/智普 for 智谱


def test_a_talk_lists_its_keywords_as_links_that_find_them_in_the_talk(client):
    page = client.get(f"/talks/{FORUM}").text
    assert 'class="keywords"' in page and ">智谱</a>" in page
    keywords = client.get(f"/api/talks/{FORUM}").json()["keywords"]
    zhipu = next(k for k in keywords if k["term"] == "智谱")
    assert zhipu["count"] >= 10 and len(zhipu["forms"]) >= 2  # the misheard spellings count for it
    query = " OR ".join(zhipu["forms"])
    hits_page = client.get(f"/talks/{FORUM}", params={"q": query}).text
    assert "<mark>" in hits_page


def test_keywords_are_not_fillers_or_names(client):
    for talk in client.get("/api/talks").json():
        terms = [k["term"] for k in client.get(f"/api/talks/{talk['id']}").json()["keywords"]]
        assert not {"然后", "就是", "这个", "我们", "谢谢", "the", "and"} & set(terms), terms
        assert not {s["name"] for s in talk["speakers"]} & set(terms)


def test_related_talks_say_what_they_share(client):
    related = client.get(f"/api/talks/{FORUM}/related").json()
    assert related and all(r["shared"] and r["talk"]["id"] != FORUM for r in related)
    page = client.get(f"/talks/{FORUM}").text
    assert "Related talks" in page and f'href="/talks/{related[0]["talk"]["id"]}"' in page
    assert client.get("/api/talks/nope/related").status_code == 404


def test_the_hit_map_of_a_forum_marks_where_its_sub_talks_begin(client):
    page = client.get(f"/talks/{FORUM}", params={"q": "智能体"}).text
    assert "tick on" in page and " starts" in page and "Hits per sub-talk" in page


def test_the_overview_gives_each_forum_its_terms(client):
    overview = client.get("/api/overview").json()
    forums = {f["forum"] for f in overview}
    assert len(forums) >= 5 and all(len(f["keywords"]) >= 5 for f in overview)
    assert "/explore?q=" in client.get("/").text and "What the conference was about" in client.get("/explore").text


def test_explore_charts_two_terms_side_by_side_with_links_to_the_filtered_search(client):
    chart = client.get("/api/explore", params={"q": "开源, 闭源", "by": "forum"}).json()
    assert [s["query"] for s in chart["series"]] == ["开源", "闭源"]
    top = chart["rows"][0]
    assert len(top["bars"]) == 2 and top["bars"][0]["literal"] > 0
    link = parse_qs(urlparse(top["bars"][0]["url"]).query)
    assert link == {"q": ["开源"], "forum": [top["key"]]}
    search = client.get("/api/search", params={"q": "开源", "forum": top["key"]}).json()
    assert search["total"] == top["bars"][0]["literal"]  # the bar counts what the search finds
    page = client.get("/explore", params={"q": "开源, 闭源"}).text
    assert "<svg" in page and "<table" in page and 'class="bar series-1"' in page


def test_explore_counts_a_known_alias_beside_the_literal_mentions(client):
    """无人驾驶 is another name for 自动驾驶: charted as a known form, not as a mishearing."""
    chart = client.get("/api/explore", params={"q": "自动驾驶"}).json()
    assert chart["series"][0]["variants"] > 0 and "无人驾驶" in chart["series"][0]["heard"]
    assert "self-driving" not in chart["series"][0]["heard"]  # an alias no transcript says is not listed
    page = client.get("/explore", params={"q": "自动驾驶"}).text
    assert "as a known or heard form (" in page and "heard as" not in page


def test_explore_by_speaker_counts_attributed_segments(client):
    rows = client.get("/api/explore", params={"q": "开源", "by": "speaker"}).json()["rows"]
    assert rows and all(r["characters"] > 0 for r in rows)
    total = client.get("/api/search", params={"q": "开源", "speaker": rows[0]["key"]}).json()["total"]
    assert total == rows[0]["bars"][0]["literal"]


def test_bad_explore_queries_give_an_empty_chart_and_a_sentence(client):
    for query in ["-的", ",,,", "xyzzyqq", "a" * 500, '"unbalanced', "OR OR"]:
        response = client.get("/explore", params={"q": query})
        assert response.status_code == 200
        assert client.get("/api/explore", params={"q": query}).status_code == 200
    assert "has no term to look for" in client.get("/explore", params={"q": "-的"}).text
    assert "Nothing in the transcripts matches" in client.get("/explore", params={"q": "xyzzyqq"}).text
    many = client.get("/api/explore", params={"q": "a,b,c,d,e,f,g"}).json()
    assert len(many["series"]) == 5 and many["notes"]
    assert client.get("/api/explore", params={"q": "开源", "by": "nonsense"}).status_code == 422


def test_a_speaker_page_says_what_they_talk_about(client):
    assert client.get("/api/speakers/王海峰").json()["attributed_segments"] >= 50  # his keynote, P4
    page = client.get("/speakers/王海峰").text
    assert "Talks about" in page and 'class="keywords"' in page


def test_a_forum_s_keywords_name_what_most_of_its_sub_talks_were_about(client):
    page = client.get(f"/talks/{FORUM}").text
    firsts = [terms.split(" · ")[0] for terms in re.findall(r'<span class="chapter-terms">([^<]+)</span>', page)]
    assert len(firsts) >= 8  # the contents list each sub-talk's own terms
    keywords = {k["term"] for k in client.get(f"/api/talks/{FORUM}").json()["keywords"]}
    assert sum(first in keywords for first in firsts) >= 2 * len(firsts) // 3
