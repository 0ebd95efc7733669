"""One ranking over the candidates of every source (pure)."""

from __future__ import annotations

from app.search.fusion import fuse


def test_a_passage_found_by_several_sources_passes_one_found_by_one():
    fused = fuse({"exact": [1, 2], "semantic": [3, 2], "words": [2, 4]})
    assert fused[0].segment_id == 2 and fused[0].found_by == "exact"


def test_a_close_meaning_can_pass_a_weak_literal_match():
    literal = list(range(100, 140))  # forty literal matches; the last is weak
    fused = fuse({"exact": literal, "semantic": [7, 139], "words": [7]})
    order = [item.segment_id for item in fused]
    assert order.index(7) < order.index(139) < order.index(138)
    assert {item.found_by for item in fused if item.segment_id == 7} == {"words"}


def test_neighbours_of_strong_candidates_rise():
    without = [item.segment_id for item in fuse({"semantic": [50, 80, 10], "words": [30]})]
    assert without.index(80) < without.index(10)
    with_neighbour = fuse({"semantic": [50, 80, 10], "words": [11]})
    order = [item.segment_id for item in with_neighbour]
    assert order.index(10) < order.index(80)  # 10 sits next to 11, which words found too


def test_a_paragraph_between_two_candidates_joins_as_context():
    fused = {item.segment_id: item for item in fuse({"words": [20, 22]})}
    assert fused[21].found_by == "context"
    assert fused[21].score > fused[19].score  # it gains from both sides, 19 from one


def test_neighbours_in_another_talk_gain_nothing():
    def talk_of(segment_id: int) -> int | None:
        return 0 if segment_id < 10 else 1  # talk 0 ends at segment 9

    apart = {item.segment_id: item for item in fuse({"words": [9, 11]}, talk_of=talk_of)}
    together = {item.segment_id: item for item in fuse({"words": [9, 11]})}
    assert apart[9].score < together[9].score  # 9 gains nothing from 11 of the next talk
    assert apart[10].score < together[10].score  # 10, in talk 1, gains from 11 but not from 9


def test_context_never_passes_a_found_candidate_it_sits_beside_alone():
    fused = [item.segment_id for item in fuse({"semantic": [5]})]
    assert fused[0] == 5


def test_the_coverage_ordering_lifts_a_candidate_without_naming_how_it_was_found():
    plain = [item.segment_id for item in fuse({"words": [1, 50, 100]})]
    covered = fuse({"words": [1, 50, 100], "covered": [100]})
    assert [item.segment_id for item in covered].index(100) < plain.index(100)
    assert {item.found_by for item in covered if item.segment_id == 100} == {"words"}


def test_context_is_kept_only_among_the_first_places_asked_for():
    everything = fuse({"words": [10, 12, 14]}, talk_of=lambda segment_id: 0)
    first = fuse({"words": [10, 12, 14]}, talk_of=lambda segment_id: 0, context_within=4)
    assert len([item for item in everything if item.found_by == "context"]) > 10  # 11, 13 and the reach around
    assert [(item.segment_id, item.found_by) for item in first] == [
        (12, "words"),
        (10, "words"),
        (14, "words"),
        (11, "context"),
    ]
