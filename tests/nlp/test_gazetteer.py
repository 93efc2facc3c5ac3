"""kg.nlp.gazetteer: the trie regular expression, bucketed or not, finds the same words."""
import random
import re

from kg.nlp.gazetteer import DISTRICT_FORMS, DISTRICT_RE, trie_regex


def spans(pattern: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text)]


def test_buckets_match_what_one_alternation_matches():
    rng = random.Random(3)
    alphabet = "东南西北中新市区县山河"
    for _ in range(50):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 40))}
        text = "".join(rng.choice(alphabet + "的和。") for _ in range(300))
        whole = trie_regex(words, bucket=10_000)
        for bucket in (1, 2, 3):
            assert spans(trie_regex(words, bucket=bucket), text) == spans(whole, text)


def test_the_longest_form_where_several_start():
    text = "青岛市南区与黄岛区、上海市和七台河市"
    found = [m.group() for m in DISTRICT_RE.finditer(text)]
    assert found == [m.group() for m in re.finditer(trie_regex(DISTRICT_FORMS, bucket=10_000), text)]
    assert "七台河市" in found and "黄岛区" in found
