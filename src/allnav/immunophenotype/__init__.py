"""allnav.immunophenotype: lineage (WHO 2016 + WHO-HAEM5/ICC 2022), MPAL, ETP, maturation stages."""

from allnav.immunophenotype.assess import ImmunophenotypeAssessment, assess_immunophenotype

__all__ = ["ImmunophenotypeAssessment", "assess_immunophenotype"]
