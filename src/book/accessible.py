"""The theme's markup, mended for readers with a keyboard or a screen reader, in their language.

Furo 2025.12.19 names its controls in English whatever the page's language (its aria-labels
are not in gettext), titles its icons in English (a screen reader reads "Expand" inside the
next-page link), leaves its two drawers unnamed, its phone menu out of keyboard reach (a
<label> for a hidden checkbox), and the top-of-page icons outside every landmark.  Its
template (docs/_templates/page.html) passes Furo's rendered page through ``mend``: a few
named replacements, each in the page's language (docs/locale/).  What needs the browser is
keyboard.js: the menu and contents labels become buttons (``data-name`` is their name),
boxes that scroll sideways take focus, and Escape closes a drawer.
If Furo's markup changes, a replacement finds nothing: tests/browser/test_accessible.py
then fails (axe, the accessible names, the tab order).
"""

import re

from sphinx.locale import _

ICON_TITLE = re.compile(r"(<symbol id=\"svg-[\w-]+\" viewBox=\"[^\"]*\">)\s*<title>[^<]*</title>")


def mend(html: str) -> str:
    """Furo's rendered page (its body block), mended."""
    html = ICON_TITLE.sub(r"\1", html)  # the icons are drawn beside a name of their own
    for old, new in [
        ('aria-label="Toggle site navigation sidebar"', f'aria-label="{_("Toggle site navigation sidebar")}"'),
        ('aria-label="Toggle table of contents sidebar"', f'aria-label="{_("Toggle table of contents sidebar")}"'),
        ('aria-label="Toggle Light / Dark / Auto color theme"', f'aria-label="{_("Toggle Light / Dark / Auto color theme")}"'),
        ('<label class="nav-overlay-icon" for="__navigation">',
         f'<label class="nav-overlay-icon" for="__navigation" data-name="{_("Menu")}">'),
        ('<label class="toc-overlay-icon toc-header-icon" for="__toc">',
         f'<label class="toc-overlay-icon toc-header-icon" for="__toc" data-name="{_("Contents")}">'),
        ('<label class="toc-overlay-icon toc-content-icon" for="__toc">',
         f'<label class="toc-overlay-icon toc-content-icon" for="__toc" data-name="{_("Contents")}">'),
        ('<aside class="sidebar-drawer">', f'<aside class="sidebar-drawer" aria-label="{_("Navigation")}">'),
        ('<aside class="toc-drawer">', f'<aside class="toc-drawer" aria-label="{_("On this page")}">'),
        ('<div class="content-icon-container">',
         f'<div class="content-icon-container" role="navigation" aria-label="{_("Page tools")}">'),
        ('<svg class="furo-related-icon">', '<svg class="furo-related-icon" aria-hidden="true">'),
        ('<a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a>\'s',
         f'<a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a>{_("’s")}'),
    ]:
        html = html.replace(old, new)
    return html


def add_mend(app, pagename, templatename, context, doctree):
    context["book_mend"] = mend


def setup(app):
    app.connect("html-page-context", add_mend)
    app.add_js_file("keyboard.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
