"""allnav.immunophenotype."""
