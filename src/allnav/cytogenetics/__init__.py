"""ISCN karyotype engine: grammar-based parser, canonical formatter and ALL features (contract §2).

>>> from allnav.cytogenetics import parse_karyotype
>>> parse_karyotype("45,XY,-7[20]").features()["ploidy_class"]
'hypodiploid_44_45'

How it fits together::

    text ──normalise.py──► normalised text + offset map + notes ("normalised")
         ──scanner.py───► immutable objects (model.py)    fast path: a strict subset of the grammar
           └─ None ─► grammar.py (iscn.lark, Lark LALR) ─► transform.py ─► the same objects
                        (the reference: decides validity, gives code/position/expected on errors)
         ──features.py / recurrent.py──► the contract dict      formatting.py ──► canonical ISCN text

Error codes (``KaryotypeSyntaxError.code``): K001 unexpected character or token, K002 the karyotype ends
too early, K003 no such chromosome, K004 empty or longer than 10,000 characters, K005 breakpoint groups
do not match the chromosomes, K006 an impossible number. Positions are 0-based offsets in the original
input, and every ``text`` in the features is the input as written under its ``span``. Clinical conventions (ploidy bands, complex karyotype, KMT2A, iAMP21) are rule records in
``rules.yaml``; the complex-karyotype convention is also returned as ``complex_convention``.
"""

from allnav.cytogenetics.grammar import parse_rule, rule_names
from allnav.cytogenetics.karyotype import Karyotype, features_of, parse_karyotype
from allnav.cytogenetics.recurrent import RECURRENT_KEYS

__all__ = ["RECURRENT_KEYS", "Karyotype", "features_of", "parse_karyotype", "parse_rule", "rule_names"]
