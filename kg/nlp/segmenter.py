"""pkuseg's segmentation, computed with numpy: the same model, the same words, ~4x faster.

spacy-pkuseg segments a piece of text by building, for every character, up to 69 feature
strings (``"c-1c.法.治"``, ``"ww.l.**noWord*法治"``, ...) and looking each one up in a
2.6 M-entry dict: on the sample reports that string work is 88 % of its time (0.41 s of
0.46 s), and loading the dict is most of the 4 s pipeline load.  This module compiles the
same model once into integer tables and computes every feature of a whole text in a few
vectorised passes:

* characters become symbol ids through one code-point table (pkuseg's keyword renaming
  and its ``**Num`` / ``**Letter`` normalisation included);
* the unigram character features are array lookups, the bigram and word-pair features
  lookups in open-addressing hash tables (:func:`open_table`, :func:`probe`);
* "is this slice a dictionary word" is a polynomial hash of the slice, looked up and then
  checked symbol by symbol, so it is exact;
* node scores are added feature by feature in pkuseg's own order, so every float is the
  same bit for bit, and pkuseg's own compiled Viterbi decodes them;
* pkuseg's post-processing (merging words its dictionary knows) finds its candidates
  through substring hashes and checks each with pkuseg's own word sets.

Pre-processing (the user dictionary) is pkuseg's own object.  ``tests/nlp/test_segmenter.py``
checks that the words are identical to spacy-pkuseg's on real reports, on random text and
with a user dictionary.

The compiled tables (133 MB, mostly the weights) are cached under ``$GOVKG_CACHE_DIR``
(default ``~/.cache/govkg``) and memory-mapped, so worker processes share them and the
pipeline loads in about 1.3 s.  If the cache cannot be written, the tables are compiled in
memory (about 10 s).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

__all__ = ["FastPkuseg", "PkusegTables", "compile_tables", "load_tables", "cache_root"]

#: Bump when the table layout or the compilation changes.
FORMAT = 2
#: Characters segmented in one vectorised pass (fragments are never split: a longer one
#: goes alone).
BATCH_CHARS = 16384

KEYWORDS = "-._,|/*:"  # pkuseg's FeatureExtractor.keywords, all renamed to "&"
NUM_TOKEN, LETTER_TOKEN, NOWORD_TOKEN = "**Num", "**Letter", "**noWord"
UNKNOWN, NUM, LETTER = 0, 1, 2  # symbol ids; characters of the model start at 3
NOWORD, EMPTY = 0, 1  # word ids; "" is the out-of-range slice, and it is in pkuseg's unigram set
UNIGRAM_TEMPLATES = ("c", "c-1", "c1", "c-2", "c2")
BIGRAM_TEMPLATES = ("c-1c", "cc1", "c-2c-1")
#: Odd 64-bit multipliers of the slice hash, one per position in the slice.
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                         0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                         0x94D049BB133111EB, 0xBF58476D1CE4E5B9], dtype=np.uint64)


@dataclass
class PkusegTables:
    """A pkuseg model as integer arrays (see the module docstring)."""

    word_min: int
    word_max: int
    n_tag: int
    empty_word: int  # word id of an out-of-range slice: EMPTY if "" is in the unigram set
    begins: np.ndarray  # bool per tag: the tag starts a word ("B" in its name)
    code_symbol: np.ndarray  # int32 per code point -> symbol id
    unigram: dict  # template -> int32 per symbol -> feature id or -1
    bigram_keys: dict  # template -> sorted int64 keys (a * n_symbols + b)
    bigram_ids: dict  # template -> int32 feature ids, aligned with the keys
    word_hash: dict  # length -> open table keys: slice hashes >> 1 of words of that many symbols
    word_slot: dict  # length -> open table values: the word's row in word_rows
    word_rows: dict  # length -> int32 (n, length) symbols of those words, aligned
    word_ids: dict  # length -> int32 word ids, aligned
    word_feature_left: np.ndarray  # int32 per word id: feature "w-1.<word>" or -1
    word_feature_right: np.ndarray  # int32 per word id: feature "w1.<word>" or -1
    pair_keys: dict  # "l" / "r" -> sorted int64 keys (pre * n_words + post)
    pair_ids: dict  # "l" / "r" -> int32 feature ids, aligned
    merge_keys: np.ndarray  # open table of the default post-processing words' substring hashes
    merge_values: np.ndarray
    node_weights: np.ndarray  # float64 (n_feature + 1, n_tag); the last row is zeros
    edge_scores: np.ndarray  # float64 (n_tag, n_tag), as pkuseg's getLogYY makes them

    @property
    def n_symbols(self) -> int:
        return int(self.unigram["c"].shape[0])

    @property
    def n_words(self) -> int:
        return int(self.word_feature_left.shape[0])

    # -- storage -------------------------------------------------------------------------
    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = {"begins": self.begins, "code_symbol": self.code_symbol,
                  "word_feature_left": self.word_feature_left,
                  "word_feature_right": self.word_feature_right,
                  "merge_keys": self.merge_keys, "merge_values": self.merge_values,
                  "node_weights": self.node_weights, "edge_scores": self.edge_scores}
        for name, table in (("unigram", self.unigram), ("bigram_keys", self.bigram_keys),
                            ("bigram_ids", self.bigram_ids), ("word_hash", self.word_hash),
                            ("word_slot", self.word_slot),
                            ("word_rows", self.word_rows), ("word_ids", self.word_ids),
                            ("pair_keys", self.pair_keys), ("pair_ids", self.pair_ids)):
            for key, array in table.items():
                arrays[f"{name}@{key}"] = array
        return arrays

    def save(self, folder: Path) -> None:
        """Write the tables as .npy files plus meta.json into ``folder`` (which must exist)."""
        for name, array in self._arrays().items():
            np.save(folder / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        meta = {"format": FORMAT, "word_min": self.word_min, "word_max": self.word_max,
                "n_tag": self.n_tag, "empty_word": self.empty_word}
        (folder / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")

    @classmethod
    def open(cls, folder: Path) -> "PkusegTables":
        """Memory-map tables written by :meth:`save`."""
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: table format {meta.get('format')}, expected {FORMAT}")
        flat: dict[str, np.ndarray] = {}
        tables: dict[str, dict] = {}
        for path in sorted(folder.glob("*.npy")):
            # a plain ndarray view of the map: memmap's Python-level indexing costs 25 µs a call
            array = np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
            name = path.stem
            if "@" in name:
                group, key = name.split("@", 1)
                tables.setdefault(group, {})[int(key) if key.isdigit() else key] = array
            else:
                flat[name] = array
        return cls(word_min=meta["word_min"], word_max=meta["word_max"], n_tag=meta["n_tag"],
                   empty_word=meta["empty_word"],
                   **flat, **{group: tables.get(group, {}) for group in
                              ("unigram", "bigram_keys", "bigram_ids", "word_hash", "word_slot", "word_rows",
                               "word_ids", "pair_keys", "pair_ids")})


#: Base of the substring hash of the post-processing step, and its inverse modulo 2**64.
_BASE = np.uint64(0x100000001B3)
_BASE_INVERSE = np.uint64(pow(0x100000001B3, -1, 2 ** 64))

# -- open-addressing hash tables in numpy --------------------------------------------------
_FIB = np.uint64(0x9E3779B97F4A7C15)


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    """Fibonacci hashing of non-negative int64 keys into 2**bits slots."""
    return ((keys.astype(np.uint64) * _FIB) >> np.uint64(64 - bits)).astype(np.int64)


def open_table(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A linear-probing table of distinct non-negative int64 ``keys``: (slot keys, slot values),
    with -1 in empty slots and at most half the slots used."""
    keys = np.asarray(keys, dtype=np.int64)
    bits = max(4, int(np.ceil(np.log2(max(keys.shape[0], 1) * 2))) + 0)
    size = 1 << bits
    table_keys = np.full(size, -1, dtype=np.int64)
    table_values = np.full(size, -1, dtype=np.int32)
    pending = np.arange(keys.shape[0])
    slot = _slots(keys, bits)
    while pending.size:  # each round places the first claimant of every free slot
        s = slot[pending]
        free = table_keys[s] == -1
        claimants, claimed = pending[free], s[free]
        taken, first = np.unique(claimed, return_index=True)
        winners = claimants[first]
        table_keys[taken] = keys[winners]
        table_values[taken] = values[winners]
        placed = np.zeros(keys.shape[0], dtype=bool)
        placed[winners] = True
        pending = pending[~placed[pending]]
        slot[pending] = (slot[pending] + 1) & (size - 1)
    return table_keys, table_values


def probe(table_keys: np.ndarray, table_values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The value of each non-negative int64 key in ``query`` (any shape), -1 where absent."""
    flat = np.ascontiguousarray(query, dtype=np.int64).reshape(-1)
    out = np.full(flat.shape[0], -1, dtype=np.int64)
    size = table_keys.shape[0]
    bits = size.bit_length() - 1
    index = np.arange(flat.shape[0])
    slot = _slots(flat, bits)
    keys = flat
    while index.size:
        found = table_keys[slot]
        hit = found == keys
        out[index[hit]] = table_values[slot[hit]]
        go_on = ~hit & (found != -1)
        index, keys, slot = index[go_on], keys[go_on], (slot[go_on] + 1) & (size - 1)
    return out.reshape(np.shape(query))


# -- substring hashes (post-processing) ---------------------------------------------------
_POWERS = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]  # _BASE ** k, its inverse


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """_BASE ** k and _BASE_INVERSE ** k for k < n + 1 (products wrap modulo 2**64, where
    the two undo each other)."""
    if _POWERS[0].shape[0] <= n:
        size = max(n + 1, 2 * _POWERS[0].shape[0])
        one = np.ones(1, dtype=np.uint64)
        _POWERS[0] = np.concatenate([one, np.cumprod(np.full(size - 1, _BASE, dtype=np.uint64))])
        _POWERS[1] = np.concatenate([one, np.cumprod(np.full(size - 1, _BASE_INVERSE, dtype=np.uint64))])
    return _POWERS[0], _POWERS[1]


def substring_hasher(codes: np.ndarray):
    """A function (a, b) -> non-negative hash of text[a:b] for arrays a, b, where ``codes``
    are the text's code points (prefix sums of code * _BASE ** position)."""
    n = codes.shape[0]
    powers, inverse = _powers(n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum((codes.astype(np.uint64) + np.uint64(1)) * powers[:n], out=prefix[1:])

    def hashes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ((prefix[b] - prefix[a]) * inverse[a]) >> np.uint64(1)

    return hashes


def merge_table(words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """An open table of the substring hashes of a post-processor's ``words``."""
    vocabulary = sorted(words)
    codes = np.frombuffer("".join(vocabulary).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, vocabulary), dtype=np.int64, count=len(vocabulary))
    ends = np.cumsum(lengths)
    keys = np.unique(substring_hasher(codes)(ends - lengths, ends)).astype(np.int64)
    return open_table(keys, np.zeros(keys.shape[0], dtype=np.int32))


def default_merge_words() -> set[str]:
    """The words of spacy-pkuseg's default post-processing dictionary (dicts/default.pkl)."""
    import spacy_pkuseg

    post = spacy_pkuseg.Postprocesser(None, [str(_default_dictionary())])
    return post.common_words | post.other_words


def _default_dictionary() -> Path:
    import spacy_pkuseg

    return Path(spacy_pkuseg.__file__).resolve().parent / "dicts" / "default.pkl"


# -- compilation -------------------------------------------------------------------------
def _slice_hashes(symbols: np.ndarray, length: int) -> np.ndarray:
    """uint64 hash of ``symbols[p:p + length]`` for every row p of a padded (n, ≥length) view
    or, for a 1-D array, every start p (the array must be padded by ``length``)."""
    if symbols.ndim == 2:
        columns = [symbols[:, k] for k in range(length)]
    else:
        n = symbols.shape[0] - length
        columns = [symbols[k:k + n] for k in range(length)]
    h = np.zeros(columns[0].shape[0], dtype=np.uint64)
    for k, column in enumerate(columns):  # array arithmetic wraps modulo 2**64 silently
        h += column.astype(np.uint64) * _MULTIPLIERS[k]
    return h


def compile_tables(feature_to_idx: dict, unigram: Iterable[str], weights: np.ndarray,
                   tag_to_idx: dict, *, num: Iterable[str], letter: Iterable[str],
                   merge_words: Iterable[str] = (), word_min: int = 2,
                   word_max: int = 6) -> PkusegTables:
    """Compile a pkuseg model (its FeatureExtractor's tables and Model weights) and the
    post-processing dictionary ``merge_words``."""
    num, letter = frozenset(num), frozenset(letter)
    not_nodes = frozenset(KEYWORDS) | num | letter  # characters that never appear as a node

    def parse(text: str) -> Optional[list[str]]:
        """The nodes whose concatenation is ``text``, or None if no node sequence gives it."""
        nodes, i = [], 0
        while i < len(text):
            if text.startswith(NUM_TOKEN, i):
                nodes.append(NUM_TOKEN)
                i += len(NUM_TOKEN)
            elif text.startswith(LETTER_TOKEN, i):
                nodes.append(LETTER_TOKEN)
                i += len(LETTER_TOKEN)
            elif text[i] in not_nodes:
                return None
            else:
                nodes.append(text[i])
                i += 1
        return nodes

    # Split every feature key once: template -> [(argument, feature id)].
    by_template: dict[str, list[tuple[str, int]]] = {}
    for key, fid in feature_to_idx.items():
        template, dot, rest = key.partition(".")
        if dot:
            by_template.setdefault(template, []).append((rest, int(fid)))

    # Words: pkuseg's unigram set, as node sequences of word_min..word_max nodes.
    word_nodes: dict[str, list[str]] = {}
    for word in sorted(set(unigram)):
        nodes = parse(word)
        if nodes is not None and word_min <= len(nodes) <= word_max:
            word_nodes[word] = nodes
    has_empty = "" in set(unigram)

    # Symbols: every node of a character feature or a word.
    chars: set[str] = set()
    for template in UNIGRAM_TEMPLATES:
        chars.update(rest for rest, _ in by_template.get(template, ()))
    for template in BIGRAM_TEMPLATES:
        for rest, _ in by_template.get(template, ()):
            chars.update(rest.split("."))
    for nodes in word_nodes.values():
        chars.update(nodes)
    chars = {c for c in chars if len(c) == 1 and c not in not_nodes}
    symbol = {NUM_TOKEN: NUM, LETTER_TOKEN: LETTER}
    for i, c in enumerate(sorted(chars)):
        symbol[c] = i + 3
    n_symbols = len(chars) + 3

    top = max([ord(c) for c in chars] + [ord(c) for c in not_nodes] + [0x7F])
    code_symbol = np.zeros(top + 1, dtype=np.int32)
    for c in chars:
        code_symbol[ord(c)] = symbol[c]
    for c in num:
        code_symbol[ord(c)] = NUM
    for c in letter:
        code_symbol[ord(c)] = LETTER
    for c in KEYWORDS:  # renamed before the number/letter test, as pkuseg does
        code_symbol[ord(c)] = symbol.get("&", UNKNOWN)

    unigram_tables = {}
    for template in UNIGRAM_TEMPLATES:
        table = np.full(n_symbols, -1, dtype=np.int32)
        for rest, fid in by_template.get(template, ()):
            if rest in symbol:
                table[symbol[rest]] = fid
        unigram_tables[template] = table

    bigram_keys, bigram_ids = {}, {}
    for template in BIGRAM_TEMPLATES:
        pairs = {}
        for rest, fid in by_template.get(template, ()):
            parts = rest.split(".")
            if len(parts) == 2 and parts[0] in symbol and parts[1] in symbol:
                pairs[symbol[parts[0]] * n_symbols + symbol[parts[1]]] = fid
        keys = np.array(sorted(pairs), dtype=np.int64)
        bigram_keys[template], bigram_ids[template] = open_table(
            keys, np.array([pairs[k] for k in keys.tolist()], dtype=np.int32))

    word_id = {NOWORD_TOKEN: NOWORD}
    if has_empty:
        word_id[""] = EMPTY
    for i, word in enumerate(word_nodes):  # sorted above
        word_id[word] = i + 2
    n_words = len(word_nodes) + 2

    word_hash, word_slot, word_rows, word_ids = {}, {}, {}, {}
    for length in range(word_min, word_max + 1):
        words = [w for w, nodes in word_nodes.items() if len(nodes) == length]
        rows = np.array([[symbol[n] for n in word_nodes[w]] for w in words],
                        dtype=np.int32).reshape(len(words), length)
        ids = np.array([word_id[w] for w in words], dtype=np.int32)
        hashes = _slice_hashes(rows, length) if len(words) else np.zeros(0, dtype=np.uint64)
        unique, first = np.unique(hashes >> np.uint64(1), return_index=True)
        if unique.shape[0] != hashes.shape[0]:
            raise ValueError(f"two {length}-symbol pkuseg words share a slice hash: change _MULTIPLIERS")
        word_hash[length], word_slot[length] = open_table(unique.astype(np.int64), first.astype(np.int32))
        word_rows[length], word_ids[length] = rows, ids

    left = np.full(n_words, -1, dtype=np.int32)
    right = np.full(n_words, -1, dtype=np.int32)
    for table, template in ((left, "w-1"), (right, "w1")):
        for rest, fid in by_template.get(template, ()):
            if rest in word_id and rest != NOWORD_TOKEN:
                table[word_id[rest]] = fid

    pair_keys, pair_ids = {}, {}
    pairs_by_side: dict[str, dict[int, int]] = {"l": {}, "r": {}}
    for rest, fid in by_template.get("ww", ()):
        side, dot, rest = rest.partition(".")
        if not dot or side not in pairs_by_side:
            continue
        # "pre*post": the "*" may also sit inside **noWord or **Num, so try every split.
        start = rest.find("*")
        while start != -1:
            pre, post = rest[:start], rest[start + 1:]
            if pre in word_id and post in word_id:
                pairs_by_side[side][word_id[pre] * n_words + word_id[post]] = fid
            start = rest.find("*", start + 1)
    for side, pairs in pairs_by_side.items():
        keys = np.array(sorted(pairs), dtype=np.int64)
        pair_keys[side], pair_ids[side] = open_table(
            keys, np.array([pairs[k] for k in keys.tolist()], dtype=np.int32))

    n_tag = len(tag_to_idx)
    n_feature = len(feature_to_idx)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape[0] != n_tag * (n_feature + n_tag):
        raise ValueError(f"pkuseg weights have {weights.shape[0]} values, expected "
                         f"{n_tag * (n_feature + n_tag)} for {n_feature} features and {n_tag} tags")
    node_weights = np.zeros((n_feature + 1, n_tag), dtype=np.float64)
    node_weights[:n_feature] = weights[:n_feature * n_tag].reshape(n_feature, n_tag)
    # getLogYY: edge_score = ones; edge_score[s_pre, s] += w[backoff + s * n_tag + s_pre]
    edge_scores = np.ones((n_tag, n_tag), dtype=np.float64)
    edge_scores += weights[n_feature * n_tag:].reshape(n_tag, n_tag).T
    begins = np.zeros(n_tag, dtype=bool)
    for tag, idx in tag_to_idx.items():
        begins[idx] = "B" in tag
    return PkusegTables(word_min=word_min, word_max=word_max, n_tag=n_tag,
                        empty_word=EMPTY if has_empty else NOWORD, begins=begins,
                        code_symbol=code_symbol, unigram=unigram_tables, bigram_keys=bigram_keys,
                        bigram_ids=bigram_ids, word_hash=word_hash, word_slot=word_slot, word_rows=word_rows,
                        word_ids=word_ids, word_feature_left=left, word_feature_right=right,
                        pair_keys=pair_keys, pair_ids=pair_ids, node_weights=node_weights,
                        **dict(zip(("merge_keys", "merge_values"), merge_table(merge_words))),
                        edge_scores=edge_scores)


def cache_root() -> Path:
    """Where compiled segmenter tables are kept: $GOVKG_CACHE_DIR, else ~/.cache/govkg."""
    configured = os.environ.get("GOVKG_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govkg"


def _model_key(model_dir: Path) -> str:
    import spacy_pkuseg

    parts = [f"format={FORMAT}", f"spacy_pkuseg={getattr(spacy_pkuseg, '__version__', '')}"]
    for path in [*sorted(model_dir.iterdir()), _default_dictionary()]:
        if path.is_file() and path.suffix in (".pkl", ".msgpack", ".json", ".npz", ".txt"):
            stat = path.stat()
            parts.append(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:20]


def _compile_model(model_dir: Path) -> PkusegTables:
    from spacy_pkuseg.config import config
    from spacy_pkuseg.feature_extractor import FeatureExtractor
    from spacy_pkuseg.model import Model
    import contextlib
    import io

    if not (config.numLetterNorm and config.wordFeature and config.order == 1):
        raise ValueError("spacy-pkuseg is configured with options GovKG's segmenter does not "
                         "implement (numLetterNorm, wordFeature, order)")
    with contextlib.redirect_stderr(io.StringIO()):  # "features.msgpack does not exist, …"
        features = FeatureExtractor.load(str(model_dir))
        model = Model.load(str(model_dir))
    return compile_tables(features.feature_to_idx, features.unigram, model.w, features.tag_to_idx,
                          num=FeatureExtractor.num, letter=FeatureExtractor.letter,
                          merge_words=default_merge_words(),
                          word_min=config.wordMin, word_max=config.wordMax)


def load_tables(model_dir: Path, cache: Optional[Path] = None) -> PkusegTables:
    """The compiled tables of the pkuseg model in ``model_dir``, from the cache if there."""
    model_dir = Path(model_dir)
    root = cache_root() if cache is None else Path(cache)
    folder = root / f"pkuseg-{_model_key(model_dir)}"
    if (folder / "meta.json").is_file():
        try:
            return PkusegTables.open(folder)
        except (OSError, ValueError):
            pass  # a damaged cache entry: compile again below
    tables = _compile_model(model_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".pkuseg-", dir=root))
        try:
            tables.save(staging)
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(staging, folder)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        return PkusegTables.open(folder)
    except OSError:
        return tables  # cache not writable: use the tables compiled in memory


# -- segmentation ------------------------------------------------------------------------
class FastPkuseg:
    """Drop-in for ``spacy_pkuseg.pkuseg`` as spaCy's ChineseTokenizer uses it (``cut`` and
    ``preprocesser``), with the features computed by :class:`PkusegTables`."""

    def __init__(self, tables: PkusegTables, preprocesser, postprocesser):
        self.tables = tables
        self.preprocesser = preprocesser
        self.postprocesser = postprocesser
        from spacy_pkuseg.inference import run_viterbi

        self._viterbi = run_viterbi
        self._merge_table: Optional[tuple[np.ndarray, np.ndarray]] = None

    @classmethod
    def load(cls, model_dir: Path, cache: Optional[Path] = None) -> "FastPkuseg":
        """Tables for ``model_dir``; the "default" user dictionary, as spaCy loads pkuseg."""
        import spacy_pkuseg

        tables = load_tables(model_dir, cache)
        segmenter = cls(tables, spacy_pkuseg.Preprocesser(None),
                        spacy_pkuseg.Postprocesser(None, [str(_default_dictionary())]))
        # the default dictionary's merge table was compiled with the tables
        segmenter._merge_table = (tables.merge_keys, tables.merge_values)
        return segmenter

    def cut(self, txt: str) -> list[str]:
        """The words of ``txt``, exactly as ``spacy_pkuseg.pkuseg.cut`` gives them."""
        txt = txt.strip()
        if not txt:
            return []
        pieces: list[tuple[str, bool]] = []
        solve = self.preprocesser.solve
        for chunk in txt.split():
            parts, is_word, _ = solve(chunk)
            pieces.extend(zip(parts, is_word))
        fragments = [part for part, is_word in pieces if not is_word]
        segmented = iter(self._segment_in_batches(fragments))
        words: list[str] = []
        for part, is_word in pieces:
            if is_word:
                words.append(part)
            else:
                words.extend(next(segmented))
        return words

    def _segment_in_batches(self, fragments: list[str]) -> list[list[str]]:
        """:meth:`segment` over batches of about :data:`BATCH_CHARS` characters: the work
        arrays take about 1 KB per character, so a book-length report stays small."""
        out: list[list[str]] = []
        batch: list[str] = []
        size = 0
        for fragment in fragments:
            if batch and size + len(fragment) > BATCH_CHARS:
                out.extend(self.segment(batch, merge=True))
                batch, size = [], 0
            batch.append(fragment)
            size += len(fragment)
        out.extend(self.segment(batch, merge=True))
        return out

    @staticmethod
    def _layout(fragments: list[str]) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The fragments joined: (text, its code points, fragment starts, ends, lengths)."""
        text = "".join(fragments)
        lengths = np.fromiter((len(f) for f in fragments), dtype=np.int64, count=len(fragments))
        ends = np.cumsum(lengths)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        return text, codes, ends - lengths, ends, lengths

    def node_scores(self, fragments: list[str]) -> list[np.ndarray]:
        """Each fragment's (characters × tags) node scores: pkuseg's getLogYY, bit for bit."""
        if not fragments:
            return []
        _, codes, starts, ends, lengths = self._layout(fragments)
        scores = self._scores(codes, starts, ends, lengths)
        return [scores[a:b] for a, b in zip(starts.tolist(), ends.tolist())]

    def _scores(self, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                lengths: np.ndarray) -> np.ndarray:
        t = self.tables
        n = codes.shape[0]
        table = t.code_symbol
        sym = np.where(codes < table.shape[0], table[np.minimum(codes, table.shape[0] - 1)], UNKNOWN)
        sym = sym.astype(np.int64)
        fs = np.repeat(starts, lengths)  # fragment start of each position
        fe = np.repeat(ends, lengths)  # fragment end
        pos = np.arange(n, dtype=np.int64)
        pad = t.word_max + 2
        padded = np.concatenate([np.zeros(pad, np.int64), sym, np.zeros(pad, np.int64)])

        def at(offset: int) -> np.ndarray:  # symbol at pos + offset (0 outside the text)
            return padded[pad + offset:pad + offset + n]

        missing = -1
        weights = t.node_weights
        zero_row = weights.shape[0] - 1
        scores = np.zeros((n, t.n_tag), dtype=np.float64)
        scores += weights[0]  # "$$", feature 0, at every position

        def add(ids: np.ndarray) -> None:
            """Add one feature slot's weights (pkuseg's order; -1: no such feature here)."""
            np.add(scores, weights[np.where(ids < 0, zero_row, ids)], out=scores)

        def unigram(template: str, offset: int, valid) -> np.ndarray:
            ids = t.unigram[template][at(offset)]
            return ids if valid is None else np.where(valid, ids, missing)

        def bigram(template: str, a: np.ndarray, b: np.ndarray, valid) -> np.ndarray:
            ids = probe(t.bigram_keys[template], t.bigram_ids[template], a * t.n_symbols + b)
            return np.where(valid, ids, missing)

        has_prev, has_next = pos - 1 >= fs, pos + 1 < fe
        has_prev2, has_next2 = pos - 2 >= fs, pos + 2 < fe
        add(unigram("c", 0, None))
        add(unigram("c-1", -1, has_prev))
        add(bigram("c-1c", at(-1), at(0), has_prev))
        add(unigram("c1", 1, has_next))
        add(bigram("cc1", at(0), at(1), has_next))
        add(unigram("c-2", -2, has_prev2))
        add(bigram("c-2c-1", at(-2), at(-1), has_prev2))
        add(unigram("c2", 2, has_next2))

        # word id of the slice of each length starting at each padded position
        span = np.concatenate([sym, np.zeros(t.word_max + 1, np.int64)])
        starts_word: dict[int, np.ndarray] = {}
        for length in range(t.word_min, t.word_max + 1):
            hashes = _slice_hashes(span[:n + length], length)
            ids = np.full(n, NOWORD, dtype=np.int64)
            rows = probe(t.word_hash[length], t.word_slot[length],
                         (hashes >> np.uint64(1)).astype(np.int64))
            cand = np.flatnonzero(rows >= 0)
            if cand.size:  # the hash matched: compare the symbols
                windows = np.lib.stride_tricks.sliding_window_view(span, length)[cand]
                same = (t.word_rows[length][rows[cand]] == windows).all(axis=1)
                ids[cand[same]] = t.word_ids[length][rows[cand[same]]]
            starts_word[length] = np.concatenate([np.full(pad, NOWORD, np.int64), ids,
                                                  np.full(pad, NOWORD, np.int64)])

        def word(start_offset: int, length: int) -> np.ndarray:
            """pkuseg's get_slice_str(nodes, pos + start_offset, length) as a word id."""
            start = pos + start_offset
            valid = (start >= fs) & (start + length <= fe)
            ids = starts_word[length][pad + start_offset:pad + start_offset + n]
            return np.where(valid, ids, t.empty_word)

        lengths_desc = range(t.word_max, t.word_min - 1, -1)
        pre_in = [word(1 - length, length) for length in lengths_desc]  # word ending here
        post_in = [word(0, length) for length in lengths_desc]  # word starting here
        pre_ex = [word(-length, length) for length in lengths_desc]  # word ending before
        post_ex = [word(1, length) for length in lengths_desc]  # word starting after
        for ids in pre_in:
            add(np.where(ids == NOWORD, missing, t.word_feature_left[ids]))
        for ids in post_in:
            add(np.where(ids == NOWORD, missing, t.word_feature_right[ids]))
        n_words = t.n_words
        for side, lefts, rights in (("l", pre_ex, post_in), ("r", pre_in, post_ex)):
            query = np.stack([a * n_words + b for a in lefts for b in rights])  # (25, n)
            # Most slices are no word or out of range (ids 0 and 1): look those 4 pairs up once.
            plain = np.stack([(a <= 1) & (b <= 1) for a in lefts for b in rights])
            pair = np.empty(query.shape, dtype=np.int64)
            corner = probe(t.pair_keys[side], t.pair_ids[side],
                           np.array([0, 1, n_words, n_words + 1], dtype=np.int64))
            small = query[plain]
            pair[plain] = corner[(small >= n_words) * 2 + small % n_words]
            pair[~plain] = probe(t.pair_keys[side], t.pair_ids[side], query[~plain])
            for ids in pair:
                add(ids)

        return scores

    def segment(self, fragments: list[str], merge: bool = False) -> list[list[str]]:
        """pkuseg's ``_cut`` of each fragment, then (``merge``) its post-processing."""
        if not fragments:
            return []
        t = self.tables
        text, codes, starts, ends, lengths = self._layout(fragments)
        n = int(ends[-1])
        scores = self._scores(codes, starts, ends, lengths)
        viterbi, edges = self._viterbi, t.edge_scores
        tags = np.empty(n, dtype=np.int64)
        for a, b in zip(starts.tolist(), ends.tolist()):
            tags[a:b] = viterbi(scores[a:b], edges)[1]
        begin = t.begins[tags]
        begin[starts] = True
        word_starts = np.flatnonzero(begin)
        word_ends = np.append(word_starts[1:], n)
        if merge and self.postprocesser.do_process:
            word_starts, word_ends = self._merge(text, codes, word_starts, word_ends,
                                                 np.searchsorted(ends, word_starts, side="right"))
        # fragment k holds the words that start in it
        bounds = np.searchsorted(word_starts, np.append(starts, n)).tolist()
        words = [text[a:b] for a, b in zip(word_starts.tolist(), word_ends.tolist())]
        return [words[bounds[k]:bounds[k + 1]] for k in range(len(fragments))]

    # -- pkuseg's Postprocesser.post_process, for all fragments at once --------------------
    def _merge_words(self) -> tuple[np.ndarray, np.ndarray]:
        """The open table of the post-processor's words (built on first use)."""
        if self._merge_table is None:
            post = self.postprocesser
            self._merge_table = merge_table(post.common_words | post.other_words)
        return self._merge_table

    def _merge(self, text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
               fragment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Merge words as ``Postprocesser.post_process(words, check_seperated=True)`` does.

        For each window size m from 7 to 2, post_process scans a fragment's words left to
        right and replaces a window of m words by their concatenation when that is a
        dictionary word (and, for the "other" dictionary, not all m words are dictionary
        words themselves), then goes on after the merged word.  That is a greedy choice of
        non-overlapping windows among the pass's words; the windows whose text hashes into
        the dictionary are the only candidates, and each is checked with the sets."""
        table_keys, table_values = self._merge_words()
        hashes = substring_hasher(codes)
        common, other = self.postprocesser.common_words, self.postprocesser.other_words
        for m in range(7, 1, -1):
            count = starts.shape[0]
            if count < m:
                continue
            first = np.arange(count - m + 1)
            last = first + m - 1
            inside = fragment[first] == fragment[last]
            first, last = first[inside], last[inside]
            found = probe(table_keys, table_values, hashes(starts[first], ends[last]).astype(np.int64))
            candidates = np.flatnonzero(found >= 0)
            if not candidates.size:
                continue
            keep = []
            free_from = 0
            for i in first[candidates].tolist():
                if i < free_from:
                    continue
                merged = text[starts[i]:ends[i + m - 1]]
                if merged in common:
                    merge = True
                elif merged in other:
                    merge = not all(text[a:b] in common or text[a:b] in other for a, b in
                                    zip(starts[i:i + m].tolist(), ends[i:i + m].tolist()))
                else:
                    merge = False
                if merge:
                    keep.append(i)
                    free_from = i + m
            if keep:
                drop = np.zeros(count, dtype=bool)
                for i in keep:
                    drop[i + 1:i + m] = True
                index = np.asarray(keep)
                ends = ends.copy()
                ends[index] = ends[index + m - 1]
                starts, ends, fragment = starts[~drop], ends[~drop], fragment[~drop]
        return starts, ends
