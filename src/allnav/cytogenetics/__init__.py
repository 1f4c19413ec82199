"""ISCN karyotype engine: grammar-based parser, canonical formatter and ALL features (contract §2).

>>> from allnav.cytogenetics import parse_karyotype
>>> parse_karyotype("45,XY,-7[20]").features()["ploidy_class"]
'hypodiploid_44_45'
"""

from allnav.cytogenetics.grammar import parse_rule, rule_names
from allnav.cytogenetics.karyotype import Karyotype, features_of, parse_karyotype
from allnav.cytogenetics.recurrent import RECURRENT_KEYS

__all__ = ["RECURRENT_KEYS", "Karyotype", "features_of", "parse_karyotype", "parse_rule", "rule_names"]
