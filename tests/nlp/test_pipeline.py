"""The spaCy pipeline: config, segmenters, components, alignment of rule hits to tokens."""

from __future__ import annotations

import pytest

from kg.errors import ConfigError
from kg.nlp import load_pipeline
from kg.nlp.extensions import SPAN_KEY


def test_char_pipeline_is_cached_and_has_kg_components():
    nlp = load_pipeline("char")
    assert nlp is load_pipeline("char")
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["kg_sentences", "kg_entities"]
    assert all(not problems for problems in nlp.analyze_pipes()["problems"].values())


def test_unknown_segmenter_says_what_to_use():
    with pytest.raises(ConfigError, match="unknown segmenter 'hanlp'.*pkuseg, jieba, char"):
        load_pipeline("hanlp")


def test_missing_config_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_pipeline(config=tmp_path / "nope.cfg")


def test_hits_survive_character_segmentation():
    nlp = load_pipeline("char")
    doc = nlp("镇司法所携手月浦法庭。聘请林继凯律师。")
    spans = {(s.text, s.label_) for s in doc.spans[SPAN_KEY]}
    assert ("镇司法所", "ORG") in spans and ("林继凯", "PERSON") in spans
    assert [s.text for s in doc.sents] == ["镇司法所携手月浦法庭。", "聘请林继凯律师。"]


def test_pkuseg_user_dictionary_keeps_domain_words(pkuseg_nlp):
    words = [t.text for t in pkuseg_nlp.make_doc("镇司法所特携手月浦镇开展一村一法律顾问活动")]
    for word in ("司法所", "月浦镇", "一村一法律顾问"):
        assert word in words


def test_pkuseg_expand_alignment_keeps_entities(pkuseg_nlp):
    doc = pkuseg_nlp("坡头司法所到坡头爱周中学开展普法讲座。")
    hits = {(h["type"], doc.text[h["start"]:h["end"]]) for h in doc._.kg_hits}
    assert ("ORG", "坡头爱周中学") in hits
    for span in doc.spans[SPAN_KEY]:
        assert span.text  # every hit became a token-aligned span


def test_tokens_are_split_at_entity_edges(pkuseg_nlp):
    # pkuseg glues 特携手 together in this sentence; every hit must still be an exact span
    doc = pkuseg_nlp("镇司法所特携手月浦法庭开展活动,聘请林继凯律师。")
    for hit in doc._.kg_hits:
        span = doc.char_span(hit["start"], hit["end"])
        assert span is not None and span.text == doc.text[hit["start"]:hit["end"]]
    assert doc.text == "镇司法所特携手月浦法庭开展活动,聘请林继凯律师。"


def test_split_at_offsets_makes_exact_token_boundaries():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from kg.nlp.components import split_at_offsets

    doc = Doc(Vocab(), words=["镇", "司法所特", "携手月浦", "法庭"], spaces=[False] * 4)
    split_at_offsets(doc, {4, 7, 11})  # after 司法所, before 月浦, end of 法庭
    assert [t.text for t in doc] == ["镇", "司法所", "特", "携手", "月浦", "法庭"]
    assert doc.char_span(7, 11).text == "月浦法庭"


@pytest.mark.parametrize("missing, package", [("pkuseg", "pkuseg"), ("spacy_pkuseg", "spacy-pkuseg")])
def test_missing_segmenter_says_how_to_install(monkeypatch, missing, package):
    import importlib.util

    from kg.errors import MissingDependency
    from kg.nlp.pipeline import pkuseg_model_dir

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a))
    with pytest.raises(MissingDependency, match=rf"{package} not installed.*pip install"):
        pkuseg_model_dir()


def test_empty_and_tiny_texts():
    nlp = load_pipeline("char")
    assert list(nlp("").sents) == []
    assert nlp("。")._.kg_hits == []


def test_array_helpers_agree_with_spacy():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from kg.nlp.components import SentenceSplitter, doc_text

    words = ["镇", "司法所", "。", "\n", "活动", "！", "ok", "?", "末"]
    doc = Doc(Vocab(), words=words, spaces=[False, False, False, False, True, False, True, False, False])
    assert doc_text(doc) == doc.text
    SentenceSplitter()(doc)
    assert [s.text for s in doc.sents] == ["镇司法所。", "\n", "活动 ！", "ok ?", "末"]
