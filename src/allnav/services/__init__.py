"""Service functions: the one core that the CLI, the API and the web pages all call.

Modules: ``clinical`` (the assessment engine behind a small interface), ``patients`` (versioned records,
assessments), ``views`` (JSON shapes), ``registry`` (de-identified rows), ``backup`` (backup/restore),
``security`` (tokens, login rate limiting), ``demo`` (demo data).
"""
