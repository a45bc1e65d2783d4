"""Relations between mentions: collaboratesWith, subOrganizationOf, holdsRole, locatedIn, partOf.

Each sentence becomes a template in which every organisation is the token
``⟦O<i>⟧``, every person ``⟦P<i>⟧`` and every division or village ``⟦D<i>⟧``
(``i`` = index into ``Extraction.entities``); the patterns of
ontology/lexicons/relation_patterns.tsv are matched against it.  Patterns are
data, one per kind of sentence (X携手Y, 与X共同…, 聘请…担任…).  An organisation
whose name contains a division (宝山区法律援助中心) is locatedIn it.  A holdsRole
relation whose object is its subject names no organisation (聘请林继凯律师担任…法治副校长):
the graph places that role at the reporting government.

>>> from kg.records import Document, Extraction, Mention
>>> text = "镇司法所特携手月浦法庭开展活动。"
>>> doc = Document("t", "t", "0" * 64, "txt", None, text, text, list(range(len(text) + 1)))
>>> x = Extraction(doc, entities=[Mention("ORG", "镇司法所", 0, 4, "司法所"), Mention("ORG", "月浦法庭", 7, 11, "月浦法庭")])
>>> [(r.subject, r.predicate, r.object, text[r.start:r.end]) for r in extract_relations(x)]
[(0, 'collaboratesWith', 1, '镇司法所特携手月浦法庭')]
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from kg import settings
from kg.errors import ConfigError
from kg.records import Extraction, Relation, Sentence

__all__ = ["extract_relations", "load_patterns", "RelationPattern", "sentence_template"]

PATTERN_FILE = "lexicons/relation_patterns.tsv"
ROLE_FILE = "lexicons/role_titles.tsv"
PREDICATES = ("collaboratesWith", "subOrganizationOf", "holdsRole", "locatedIn", "partOf")
_TOKEN_OF_TYPE = {"ORG": "O", "PERSON": "P", "DIVISION": "D", "VILLAGE": "D"}
_TOKEN = re.compile(r"⟦([OPD])(\d+)⟧")
_SENTENCE_END = re.compile(r"[。！!？?；;\n]")


def _ontology_dir() -> Path:
    return settings.ontology_dir(PATTERN_FILE)


@dataclass(frozen=True)
class RelationPattern:
    predicate: str
    subject: str  # "s" (captured) or "ACTOR"
    source: str
    regex: re.Pattern


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _expand(pattern: str, roles: list[str]) -> str:
    role_alt = "|".join(re.escape(r) for r in sorted(roles, key=lambda r: (-len(r), r)))
    table = {
        "GAP": r"[^。；;！!？?⟦⟧]{0,15}?",
        "ADV": r"(?:特|还|也|又|积极|主动|共同|先后|多次|定期|再次|首次)?",
    }
    def repl(m: re.Match) -> str:
        kind, _, group = m.group(1).partition(":")
        if kind in table:
            return table[kind]
        if kind == "ROLE":
            return f"(?P<{group}>{role_alt})"
        letter = {"ORG": "O", "ORGS": "O", "PERSON": "P", "DIV": "D"}.get(kind)
        if letter is None:
            raise ConfigError(f"unknown placeholder {{{m.group(1)}}} in relation pattern {pattern!r}")
        token = rf"⟦{letter}\d+⟧"
        body = rf"{token}(?:[、和及与]{token})*" if kind == "ORGS" else token
        return f"(?P<{group}>{body})" if group else body
    return re.sub(r"\{([A-Z]+(?::[a-z]+)?)\}", repl, pattern)


@functools.lru_cache(maxsize=4)
def load_patterns(path: Optional[str] = None, roles_path: Optional[str] = None) -> tuple[RelationPattern, ...]:
    """The relation patterns, compiled, in file order."""
    root = _ontology_dir()
    pattern_path = Path(path) if path else root / PATTERN_FILE
    roles = [row[0].strip() for row in _rows(Path(roles_path) if roles_path else root / ROLE_FILE)]
    patterns = []
    for row in _rows(pattern_path):
        if len(row) != 3 or row[0] not in PREDICATES or row[1] not in ("s", "ACTOR"):
            raise ConfigError(f"{pattern_path}: bad pattern row {row!r}: expected "
                              f"'predicate<TAB>s|ACTOR<TAB>regex' with a predicate in {PREDICATES}")
        try:
            regex = re.compile(_expand(row[2], roles))
        except re.error as err:
            raise ConfigError(f"{pattern_path}: pattern {row[2]!r} does not compile: {err}") from err
        patterns.append(RelationPattern(row[0], row[1], row[2], regex))
    return tuple(patterns)


def sentence_template(extraction: Extraction, start: int, end: int) -> tuple[str, list[int], list[int]]:
    """The sentence ``text[start:end]`` with entities replaced by tokens, plus, for each
    template character, the text offset where it starts and ends."""
    inside = sorted(((m.start, -m.end, i) for i, m in enumerate(extraction.entities)
                     if m.type in _TOKEN_OF_TYPE and start <= m.start and m.end <= end))
    return _template(extraction, inside, start, end)


def _template(extraction: Extraction, inside: list[tuple[int, int, int]], start: int,
              end: int) -> tuple[str, list[int], list[int]]:
    """:func:`sentence_template` given the sentence's token entities as sorted (start, -end, index)."""
    text = extraction.document.text
    out, starts, ends = [], [], []
    pos = start
    for m_start, neg_end, i in inside:
        if m_start < pos:
            continue  # nested in a longer mention
        out.append(text[pos:m_start])
        starts.extend(range(pos, m_start))
        ends.extend(range(pos + 1, m_start + 1))
        token = f"⟦{_TOKEN_OF_TYPE[extraction.entities[i].type]}{i}⟧"
        out.append(token)
        starts.extend([m_start] * len(token))
        ends.extend([-neg_end] * len(token))
        pos = -neg_end
    out.append(text[pos:end])
    starts.extend(range(pos, end))
    ends.extend(range(pos + 1, end + 1))
    return "".join(out), starts, ends


class _EntitiesByStart:
    """Entities sorted by (start, -end, index), to list those inside a range without a full scan."""

    def __init__(self, extraction: Extraction, types) -> None:
        self.keys = sorted((m.start, -m.end, i) for i, m in enumerate(extraction.entities) if m.type in types)
        self.starts = [k[0] for k in self.keys]

    def inside(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(start, -end, index) of the entities with start <= m.start and m.end <= end, sorted."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.starts, end)
        return [k for k in self.keys[lo:hi] if -k[1] <= end]


def _sentences(extraction: Extraction) -> list[Sentence]:
    if extraction.sentences:
        return list(extraction.sentences)
    text, found, pos = extraction.document.text, [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > pos:
            found.append(Sentence(pos, m.end()))
        pos = m.end()
    if pos < len(text):
        found.append(Sentence(pos, len(text)))
    return found


_CLAUSE_OPENING = re.compile(r"\s*((?:⟦O\d+⟧[、和与及]?)+)")


def _clause_subjects(template: str, pos: int) -> list[int]:
    """Organisations that open the clause holding ``pos`` (its actors), else []."""
    start = max(template.rfind(c, 0, pos) for c in "。；;！!？?，,:：\n") + 1
    m = _CLAUSE_OPENING.match(template, start)
    if not m or m.end() > pos:
        return []
    return _indexes(m.group(1))


def _indexes(group_text: Optional[str]) -> list[int]:
    return [int(n) for _, n in _TOKEN.findall(group_text or "")]


def extract_relations(extraction: Extraction) -> list[Relation]:
    """Relations found by the patterns and by names that contain a division."""
    found: list[Relation] = []
    seen: set[tuple[str, str, str, str]] = set()
    entities = extraction.entities

    def ident(i: int) -> str:
        return f"{entities[i].type}:{entities[i].id or entities[i].text}"

    def add(s: int, predicate: str, o: int, start: int, end: int, qualifier: str = "") -> None:
        # One relation per (subject, predicate, object) entity, at its first evidence.
        key = (ident(s), predicate, ident(o), qualifier)
        if (s == o or key[0] == key[2]) and predicate != "holdsRole" or key in seen:
            return
        if predicate == "collaboratesWith" and (key[2], predicate, key[0], qualifier) in seen:
            return
        seen.add(key)
        found.append(Relation(s, predicate, o, start, end, qualifier))

    tokens = _EntitiesByStart(extraction, _TOKEN_OF_TYPE)
    text = extraction.document.text
    for sentence in _sentences(extraction):
        inside = tokens.inside(sentence.start, sentence.end)
        if not inside and "⟦" not in text[sentence.start:sentence.end]:
            continue  # the template would be the sentence itself, with no token
        template, starts, ends = _template(extraction, inside, sentence.start, sentence.end)
        if "⟦" not in template:
            continue
        for pattern in load_patterns():
            for m in pattern.regex.finditer(template):
                if m.end() <= m.start():
                    continue
                span = (starts[m.start()], ends[m.end() - 1])
                # No {…:o}: a role whose organisation the sentence does not name (object = subject).
                objects = _indexes(m.group("o")) if "o" in pattern.regex.groupindex else None
                if pattern.subject == "ACTOR":
                    subjects = _clause_subjects(template, m.start())
                    if not subjects:
                        continue
                    span = (extraction.entities[subjects[0]].start, span[1])
                else:
                    subjects = _indexes(m.group("s"))
                qualifier = (m.groupdict().get("q") or "")
                for s in subjects:
                    for o in (objects if objects is not None else [s]):
                        add(s, pattern.predicate, o, span[0], span[1], qualifier)
    # An organisation whose name contains divisions is located in the last one named
    # (江门市新会区睦洲镇人民政府 -> 睦洲镇; 宝山区法律援助中心 -> 宝山区).
    places = _EntitiesByStart(extraction, ("DIVISION", "VILLAGE"))
    for i, org in enumerate(extraction.entities):
        if org.type != "ORG":
            continue
        nested = [(-neg_end, start, j) for start, neg_end, j in places.inside(org.start, org.end)
                  if (start, -neg_end) != (org.start, org.end)]
        if nested:
            add(i, "locatedIn", max(nested)[2], org.start, org.end)
    found.sort(key=lambda r: (r.start, r.end, PREDICATES.index(r.predicate), r.subject, r.object))
    return found
