"""Literals as the graph builder keeps them: cheap to make, exact to write.

rdflib's :class:`~rdflib.Literal` parses every value it is given (an integer
literal costs ~7 µs, a language-tagged string ~3.5 µs); a report graph has
thousands of literals and the build writes them straight to N-Quads, so the
builder makes :class:`Lit` objects (a ``str`` holding the lexical form, plus
language or datatype) and only turns them into rdflib Literals when someone
asks for an rdflib Graph (:func:`kg.graph.build.report_graph`).

>>> Lit("月浦镇", language="zh") == Lit("月浦镇"), Lit("7", datatype=XSD.integer).to_rdflib()
(False, rdflib.term.Literal('7', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')))
"""

from __future__ import annotations

from typing import Optional

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["Lit"]

_XSD_STRING = str(XSD.string)


class Lit(str):
    """A literal: its lexical form (the ``str`` itself), ``language`` or ``datatype``.

    Two Lits are equal when form, language and datatype are; a Lit never equals a plain
    ``str``, a URIRef or an rdflib Literal (so the builder's triple set behaves like
    rdflib's: ``"done"@en`` and ``"done"`` are two literals).
    """

    def __new__(cls, lexical: str, language: Optional[str] = None,
                datatype: Optional[URIRef] = None) -> "Lit":
        self = str.__new__(cls, lexical)
        self.language = language.lower() if language and not language.islower() else language
        self.datatype = None if datatype is None or str.__eq__(datatype, _XSD_STRING) else datatype
        return self

    def __eq__(self, other: object) -> bool:
        return (type(other) is Lit and str.__eq__(self, other) and self.language == other.language
                and (self.datatype is other.datatype or self.datatype == other.datatype))

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__  # equal Lits have equal text; "a"@zh and "a" merely collide

    def __repr__(self) -> str:
        extra = f", language={self.language!r}" if self.language else (
            f", datatype={self.datatype!r}" if self.datatype else "")
        return f"Lit({str(self)!r}{extra})"

    def __reduce__(self):
        return (Lit, (str(self), self.language, self.datatype))

    def to_rdflib(self) -> Literal:
        """The same literal as an rdflib Literal."""
        return Literal(str(self), lang=self.language, datatype=self.datatype)
