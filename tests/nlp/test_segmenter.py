"""kg.nlp.segmenter gives spacy-pkuseg's words exactly, from the same model."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.nlp.pipeline import pkuseg_model_dir
from kg.nlp.segmenter import FastPkuseg, PkusegTables, load_tables, open_table, probe
from kg.settings import sample_paths

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO / ".." / "shared")).resolve()
CORPUS = SHARED / "corpus" / "reports"


@pytest.fixture(scope="module")
def stock():
    """spacy-pkuseg itself with the same model and the default user dictionary."""
    import spacy_pkuseg

    return spacy_pkuseg.pkuseg(str(pkuseg_model_dir()), user_dict="default")


@pytest.fixture(scope="module")
def fast(stock):
    segmenter = FastPkuseg.load(pkuseg_model_dir())
    segmenter.preprocesser = stock.preprocesser  # one user dictionary for both
    return segmenter


def _texts() -> list[tuple[str, str]]:
    paths = list(sample_paths())
    if CORPUS.is_dir():
        paths += sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")
    return [(p.name, p.read_text("utf-8", errors="replace")) for p in paths]


@pytest.mark.parametrize("name,text", _texts(), ids=[name for name, _ in _texts()])
def test_same_words_as_spacy_pkuseg_on_reports(stock, fast, name, text):
    assert fast.cut(text) == stock.cut(text)


def test_same_words_with_a_user_dictionary(stock, fast):
    words = ["一村一法律顾问", "谁执法谁普法", "月浦镇", "法治政府建设", "新时代"]
    for word in words:
        stock.preprocesser.insert(word, "")  # fast shares this preprocesser
    text = "".join(text for _, text in _texts()[:2])
    assert fast.cut(text) == stock.cut(text)
    assert "一村一法律顾问" in fast.cut("全面推行一村一法律顾问制度，落实谁执法谁普法责任制。")


# Characters that exercise every rule of pkuseg's normalisation and features: renamed
# keywords (-._,|/*:), numbers and letters (half and full width), Chinese, punctuation,
# spaces, and characters the model has never seen.
ALPHABET = ("法治政府建设镇村街道社区人民调解委员会宣传开展年月日万余次份件个项新时代习近平思想"
            "一二三四五六七八九十百千零0123456789.%％１２３ABCabcＡＢＣａｂｃ"
            "-._,|/*:&，。、；：“”《》（）()！？ \t\n　𠀋ꙮ")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, min_size=0, max_size=120))
def test_same_words_as_spacy_pkuseg_on_random_text(stock, fast, text):
    assert fast.cut(text) == stock.cut(text)


def test_same_words_on_shuffled_report_sentences(stock, fast):
    """Sentences of the samples, shuffled and glued: new contexts for every feature."""
    sentences = [s for _, text in _texts()[:5] for s in text.replace("\n", "。").split("。") if s]
    rng = random.Random(7)
    for _ in range(20):
        text = "。".join(rng.sample(sentences, 8))
        assert fast.cut(text) == stock.cut(text)


def test_segment_matches_pkuseg_cut_without_post_processing(stock, fast):
    fragments = ["法治政府建设年度报告", "全镇开展普法宣传活动12场次", "ABC法律顾问"]
    assert fast.segment(fragments) == [stock._cut(f) for f in fragments]
    assert fast.segment([]) == []
    assert fast.cut("   ") == []


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.dictionaries(st.integers(0, 2 ** 40), st.integers(0, 2 ** 30), max_size=300),
       st.lists(st.integers(0, 2 ** 40), max_size=100))
def test_open_table_finds_exactly_the_keys(mapping, queries):
    keys = np.array(sorted(mapping), dtype=np.int64)
    table = open_table(keys, np.array([mapping[k] for k in sorted(mapping)], dtype=np.int32))
    probes = np.array(list(mapping) + queries, dtype=np.int64)
    assert probe(*table, probes).tolist() == [mapping.get(k, -1) for k in probes.tolist()]


def test_tables_are_cached_and_memory_mapped(tmp_path):
    first = load_tables(pkuseg_model_dir(), cache=tmp_path)
    folders = list(tmp_path.iterdir())
    assert len(folders) == 1 and (folders[0] / "meta.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pkuseg-")]  # no staging left
    again = load_tables(pkuseg_model_dir(), cache=tmp_path)
    assert isinstance(np.load(folders[0] / "node_weights.npy", mmap_mode="r"), np.memmap)
    assert np.array_equal(first.node_weights, again.node_weights)
    assert again.n_words == first.n_words and again.n_symbols == first.n_symbols


def test_a_damaged_cache_is_compiled_again(tmp_path):
    load_tables(pkuseg_model_dir(), cache=tmp_path)
    folder = next(tmp_path.iterdir())
    (folder / "meta.json").write_text('{"format": -1}', encoding="utf-8")
    tables = load_tables(pkuseg_model_dir(), cache=tmp_path)
    assert PkusegTables.open(folder).n_tag == tables.n_tag == 5


def test_an_unwritable_cache_compiles_in_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    tables = load_tables(pkuseg_model_dir(), cache=blocker / "cache")
    assert tables.n_tag == 5 and not isinstance(tables.node_weights, np.memmap)


def test_pipeline_uses_it_and_can_use_spacy_pkuseg(pkuseg_nlp):
    from kg.nlp import load_pipeline

    assert isinstance(pkuseg_nlp.tokenizer.pkuseg_seg, FastPkuseg)
    stock_nlp = load_pipeline(fast_segmenter=False)
    assert not isinstance(stock_nlp.tokenizer.pkuseg_seg, FastPkuseg)
    for _, text in _texts()[:3]:
        assert [t.text for t in pkuseg_nlp.make_doc(text)] == [t.text for t in stock_nlp.make_doc(text)]


def _fragments(stock, text: str) -> list[str]:
    """The pieces pkuseg's model segments: split at whitespace and user-dictionary words."""
    fragments = []
    for chunk in text.strip().split():
        parts, is_word, _ = stock.preprocesser.solve(chunk)
        fragments += [part for part, word in zip(parts, is_word) if not word]
    return fragments


def _stock_scores(stock, fragment: str) -> np.ndarray:
    from spacy_pkuseg.inference import getLogYY

    features = stock.feature_extractor
    nodes = list(features.normalize_text(fragment))
    ids = [features.get_node_features_idx(i, nodes) for i in range(len(nodes))]
    model = stock.model
    return getLogYY(ids, model.n_tag, model.n_feature * model.n_tag, model.w, 1.0)[0]


def test_node_scores_are_pkusegs_bit_for_bit(stock, fast):
    """Stronger than equal words (Viterbi forgives small errors): every feature weight is
    found and added in pkuseg's order, so every float is the same."""
    texts = [text for _, text in _texts()[:8]]
    fragments = [f for text in texts for f in _fragments(stock, text)]
    ours = fast.node_scores(fragments)
    assert len(ours) == len(fragments) > 100
    for fragment, scores in zip(fragments, ours):
        assert np.array_equal(scores, _stock_scores(stock, fragment)), fragment
    assert fast.node_scores([]) == []


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET.replace(" ", "").replace("\t", "").replace("\n", "").replace("　", ""),
               min_size=1, max_size=60))
def test_node_scores_on_random_fragments(stock, fast, fragment):
    assert np.array_equal(fast.node_scores([fragment])[0], _stock_scores(stock, fragment))


def test_long_texts_are_segmented_in_batches_with_the_same_words(stock, fast, monkeypatch):
    import kg.nlp.segmenter as segmenter

    text = "\n".join(text for _, text in _texts()[:5])
    whole = fast.cut(text)
    calls = []
    segment = FastPkuseg.segment

    def counting(self, fragments, merge=False):
        calls.append(sum(map(len, fragments)))
        return segment(self, fragments, merge)

    monkeypatch.setattr(segmenter, "BATCH_CHARS", 500)
    monkeypatch.setattr(FastPkuseg, "segment", counting)
    assert fast.cut(text) == whole == stock.cut(text)
    assert len(calls) > 10 and max(calls) <= 500 + max(map(len, _fragments(stock, text)))
