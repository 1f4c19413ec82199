"""Server-rendered pages (Jinja2) over the same services as the API; each page names its JSON twin."""

from allnav.web.pages import install

__all__ = ["install"]
