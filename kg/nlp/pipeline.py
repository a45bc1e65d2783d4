"""Build the GovKG spaCy pipeline from its config file.

``load_pipeline()`` gives a ``spacy.blank("zh")``-style Language whose tokenizer
uses the segmenter the config names (pkuseg by default, with the pretrained model
of the installed ``pkuseg`` package and a domain user dictionary), followed by the
``kg_sentences`` and ``kg_entities`` components.  Pipelines are cached per
(segmenter, config).  pkuseg's model runs through :mod:`kg.nlp.segmenter` (the same
words, about 4x faster, tables memory-mapped from a cache) unless the config's
``[kg] fast_segmenter`` is false, which loads spacy-pkuseg's own (seconds and ~850 MB).
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import io
from functools import lru_cache
from pathlib import Path
from typing import Optional

from kg.errors import ConfigError, MissingDependency

__all__ = ["load_pipeline", "DEFAULT_CONFIG", "SEGMENTERS", "pkuseg_model_dir"]

DEFAULT_CONFIG = Path(__file__).resolve().parent / "pipeline.cfg"
SEGMENTERS = ("pkuseg", "jieba", "char")
PKUSEG_INSTALL = "pip install numpy cython && pip install --no-build-isolation pkuseg==0.0.25"


def pkuseg_model_dir() -> Path:
    """The pretrained "mixed" model folder shipped in the pkuseg 0.0.25 source package."""
    if importlib.util.find_spec("spacy_pkuseg") is None:
        raise MissingDependency("spacy-pkuseg", "pip install spacy-pkuseg", "the pkuseg segmenter")
    spec = importlib.util.find_spec("pkuseg")
    if spec is None or not spec.origin:
        raise MissingDependency("pkuseg", PKUSEG_INSTALL, "the pretrained pkuseg model")
    model = Path(spec.origin).resolve().parent / "models" / "default"
    if not (model / "weights.npz").exists():
        raise MissingDependency("pkuseg model", PKUSEG_INSTALL, f"the model files in {model}")
    return model


def load_pipeline(segmenter: Optional[str] = None, config: Optional[Path] = None,
                  fast_segmenter: Optional[bool] = None):
    """The GovKG pipeline for ``segmenter`` (default: the config's) and ``config`` (default:
    shipped); ``fast_segmenter=False`` runs pkuseg through spacy-pkuseg itself (default: the
    config's ``[kg] fast_segmenter``, true)."""
    # Loading makes millions of objects that all stay alive (pkuseg's 2.6 M-entry feature
    # table, the gazetteer): the garbage collector's passes over them would find nothing
    # and cost a quarter of the load time (4.6 s -> 3.6 s without them).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(segmenter, str(Path(config).resolve()) if config else str(DEFAULT_CONFIG),
                     fast_segmenter)
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=4)
def _load(segmenter: Optional[str], config_path: str, fast_segmenter: Optional[bool] = None):
    import spacy
    from spacy.util import load_config, load_model_from_config

    import kg.nlp.components  # noqa: F401  (registers the kg_ factories)

    path = Path(config_path)
    if not path.exists():
        raise ConfigError(f"pipeline config {path} not found (fix: pass an existing .cfg file)")
    try:
        config = load_config(path)
    except Exception as err:  # spaCy raises several config error types
        raise ConfigError(f"pipeline config {path} is not a valid spaCy config: {err}") from err
    options = dict(config.pop("kg", {}) or {})
    tokenizer = config["nlp"]["tokenizer"]
    segmenter = segmenter or tokenizer.get("segmenter", "pkuseg")
    if segmenter not in SEGMENTERS:
        raise ConfigError(f"unknown segmenter {segmenter!r} (fix: use one of {', '.join(SEGMENTERS)})")
    tokenizer["segmenter"] = segmenter
    init_tok = config.setdefault("initialize", {}).setdefault("tokenizer", {})
    if segmenter == "pkuseg":
        init_tok["pkuseg_model"] = str(pkuseg_model_dir())
        init_tok.setdefault("pkuseg_user_dict", "default")
    else:
        init_tok.pop("pkuseg_model", None)
        init_tok.pop("pkuseg_user_dict", None)
        if segmenter == "jieba" and importlib.util.find_spec("jieba") is None:
            raise MissingDependency("jieba", "pip install jieba", "the jieba segmenter")
    entities = config["components"].get("kg_entities")
    if entities and entities.get("data_dir"):
        data_dir = Path(entities["data_dir"])
        entities["data_dir"] = str(data_dir if data_dir.is_absolute() else path.parent / data_dir)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    if fast_segmenter is None:
        fast_segmenter = bool(options.get("fast_segmenter", True))
    fast = segmenter == "pkuseg" and fast_segmenter
    if fast:  # GovKG's exact re-implementation (kg.nlp.segmenter) replaces spacy-pkuseg's
        from spacy.lang.zh import Segmenter

        nlp.tokenizer.segmenter = Segmenter.char  # so initialize() does not load pkuseg
    # spacy-pkuseg prints "features.msgpack does not exist, try loading features.pkl" for
    # pkuseg's own model format, which it then loads fine: not news for a user.
    with contextlib.redirect_stderr(io.StringIO()) if segmenter == "pkuseg" else contextlib.nullcontext():
        nlp.initialize()
    if fast:
        from kg.nlp.segmenter import FastPkuseg

        nlp.tokenizer.segmenter = Segmenter.pkuseg
        nlp.tokenizer.pkuseg_seg = FastPkuseg.load(Path(init_tok["pkuseg_model"]))
    if segmenter == "pkuseg" and options.get("user_dictionary", True) and "kg_entities" in nlp.pipe_names:
        nlp.tokenizer.pkuseg_update_user_dict(_user_words(nlp.get_pipe("kg_entities")))
    _ = spacy  # the import registers the zh language
    return nlp


def _user_words(ruler) -> list[str]:
    """Lexicon words plus the gazetteer's full division names (月浦镇, 宝山区)."""
    words = set(ruler.user_words())
    gazetteer = ruler.rules.gazetteer if ruler.rules is not None else None
    if gazetteer is not None:
        for level in ("province", "city", "county", "township"):
            words.update(n for n in gazetteer.names(level)
                         if len(n) >= 3 and n.endswith(("省", "市", "区", "县", "镇", "乡", "街道")))
    return sorted(words)
