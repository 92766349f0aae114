"""Values and their kinds (contract §1): one registry of value kinds, each owning how its
values are read (normalised), judged (validated), mended, respelt from their copies in the
document, and explained to a reviewer (meaning, format hint).

``KINDS`` maps a kind's name (a document type's ``type``, ``normalizer`` or ``validator``) to
the kind; ``kind_named`` looks one up. The modules: ``kinds`` (what a kind is), ``registry``
(the kinds by name), ``normalize`` and ``validate`` (the plain reading and judging functions),
``names`` and ``addresses`` (the kinds that check against name lists and the gazetteer),
``places`` (the gazetteer checks), ``phrases`` (fixed phrases of free text), ``syllables``
(Vietnamese spelling rules).
"""

from pipeline.values.kinds import Copies, Copy, ValueContext, ValueKind
from pipeline.values.normalize import Value
from pipeline.values.registry import KINDS, kind_named, normalize_value

__all__ = ["KINDS", "Copies", "Copy", "Value", "ValueContext", "ValueKind", "kind_named",
           "normalize_value"]
