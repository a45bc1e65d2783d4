"""FirstOccurrences: one pass over the text, same answer as one str.find per name."""

import random

from kg.ingest.metadata import FirstOccurrences, _mentioned_divisions


def _by_find(names, text):
    return {name: text.find(name) for name in set(names) if name and text.find(name) >= 0}


def test_agrees_with_str_find_on_random_texts():
    rng = random.Random(7)
    alphabet = "江门市新会区广东省县镇乡ab"
    for _ in range(300):
        names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(0, 12))]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert FirstOccurrences(names).find(text) == _by_find(names, text)


def test_overlapping_and_nested_names():
    names = ["江门", "江门市", "门市", "市新会区", "新会区"]
    text = "江门市新会区，江门"
    assert FirstOccurrences(names).find(text) == _by_find(names, text)
    assert FirstOccurrences([]).find(text) == {}
    assert FirstOccurrences(names).find("") == {}


class _Gazetteer:
    def __init__(self, names):
        self._names = names

    def names(self, level):
        return self._names[level]


def test_mentioned_divisions_in_order_of_first_occurrence_then_name():
    gaz = _Gazetteer({"province": ["广东省", "广东"], "city": ["江门市", "江门"], "county": ["新会区", "蓬江区"]})
    text = "蓬江区与新会区，广东省江门市"
    found = []
    for level in ("province", "city", "county"):
        for name in gaz.names(level):
            if text.find(name) >= 0:
                found.append((text.find(name), name))
    expected = list(dict.fromkeys(name for _, name in sorted(found)))
    assert _mentioned_divisions(text, gaz) == expected == ["蓬江区", "新会区", "广东", "广东省", "江门", "江门市"]
