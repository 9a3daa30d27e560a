"""SVG made fit to sit inside a page: Graphviz's or matplotlib's output, rewritten."""

import hashlib
import html
import re


class InlineSVG:
    """An SVG figure that Jupyter (and MyST-NB) puts into the page as it is, so its text
    is real text and its colours follow the page's theme."""

    def __init__(self, svg: str):
        self.svg = svg

    def __str__(self) -> str:
        return self.svg

    def __repr__(self) -> str:  # no memory address in a notebook's text/plain output
        title = re.search(r"<title>(.*?)</title>", self.svg)
        return f"InlineSVG({html.unescape(title.group(1)) if title else ''!r})"

    def _repr_html_(self) -> str:  # what the book's pages show: MyST-NB prefers HTML
        return f'<div class="bf-figure">{self.svg}</div>'

    def _repr_svg_(self) -> str:  # what Jupyter shows as an image (a downloaded notebook)
        return self.svg


def clean(svg: str, title: str) -> str:
    """An SVG document made fit to sit inside a page, reproducibly.

    Drops the XML prolog, comments, Graphviz's per-element titles (a box's name stays, as
    ``data-node``) and the metadata block; says the usual font, size, anchor and line width
    once; gives every id a prefix unique to this figure (two figures on one page do not
    clash), and drops those nothing refers to; draws black as the text colour of the page
    (light or dark); makes it an image whose accessible name is ``title``.

    >>> print(clean('<?xml version="1.0"?><!-- x --><svg width="10pt"><g id="a">'
    ...             '<title>n1</title><path fill="black" clip-path="url(#a)"/></g>'
    ...             '<g id="node1" class="node"><title>q0</title></g></svg>',
    ...             "A & B"))  # doctest: +ELLIPSIS
    <svg role="img" aria-label="A &amp; B" fill="currentColor" width="10pt"><title>A &amp; B</title><g id="bf...-a"><path clip-path="url(#bf...-a)"/></g><g class="node" data-node="q0"></g></svg>
    """
    svg = svg[svg.index("<svg"):]
    # A box's Graphviz name stays, as data-node: a page's script finds the box's numbers by it.
    svg = re.sub(r'(<g id="[^"]*" class="node")>\s*<title>([^<]*)</title>', r'\1 data-node="\2">', svg)
    svg = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>|<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r"\n\s*\n", "\n", svg).strip()
    # Graphviz writes "-" as &#45;: characters, not digits to be read as numbers.
    svg = re.sub(r"&#(\d+);", lambda m: html.escape(chr(int(m.group(1)))), svg)
    # A subscript: as small as Graphviz measured it, and lowered by moving it, which every
    # browser does (Firefox ignores baseline-shift).
    svg = re.sub(r"<text [^>]*baseline-shift=\"sub\"[^>]*>", subscript, svg)
    svg = re.sub(r"<g\b[^>]*>(?:(?!<g\b).)*?</g>", lambda m: fit_pieces(m.group(0)), svg, flags=re.S)
    svg = re.sub(r'<path ([^>]*)d="M([^"]+)"([^>]*)/>', rounded_box, svg)
    prefix = "bf" + hashlib.sha256((title + svg).encode()).hexdigest()[:6] + "-"
    for name in re.findall(r'\sid="([^"]+)"', svg):
        svg = re.sub(rf'(\sid="|#){re.escape(name)}([")])', rf"\g<1>{prefix}{name}\g<2>", svg)
    used = set(re.findall(rf"#({prefix}[^\")\s]+)", svg))  # an id nothing refers to goes
    svg = re.sub(r'\sid="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    svg = re.sub(r'"(?:black|#000000)"', '"currentColor"', svg)
    svg = re.sub(r"(fill|stroke): ?#000000", r"\1: currentColor", svg)
    svg = svg.replace(' xml:space="preserve"', "")
    if not re.search(r"<g\b[^>]*\sfill=", svg):  # the root's fill, which no group changes
        svg = svg.replace(' fill="currentColor"', "")
    said = ""  # what most pieces of text, or most shapes, say alike, said once by the root
    for tags, attribute in (("text", "font-family"), ("text", "font-size"), ("text", "text-anchor"),
                            ("path|polygon|ellipse|rect", "stroke-width")):
        svg, common = hoist(svg, tags, attribute)
        said += common
    label = html.escape(title)
    head = f'<svg role="img" aria-label="{label}" fill="currentColor"{said}'
    return re.sub(r"<svg\b([^>]*)>", lambda m: f"{head}{m.group(1)}><title>{label}</title>",
                  svg, count=1)


def hoist(svg: str, tags: str, attribute: str) -> tuple[str, str]:
    """The SVG without the value of ``attribute`` that most elements ``tags`` share, and that
    value (`` name="value"``), for the root to say once: inherited, it means the same.

    >>> hoist('<text x="1" font-size="12">a</text><text font-size="12">b</text>'
    ...       '<text font-size="9">c</text>', "text", "font-size")
    ('<text x="1">a</text><text>b</text><text font-size="9">c</text>', ' font-size="12"')
    """
    found = re.findall(rf'<(?:{tags})\b[^>]*?( {attribute}="[^"]*")', svg)
    if not found:
        return svg, ""
    common = max(sorted(set(found)), key=found.count)
    return re.sub(rf"<(?:{tags})\b[^>]*>", lambda m: m.group(0).replace(common, "", 1), svg), common


def rounded_box(match: re.Match) -> str:
    """A path of Graphviz's rounded box (eight curves round a rectangle) as the rectangle it is,
    with its corners' radius (a fifth of the bytes); any other path as it is.

    >>> print(rounded_box(re.match(r'<path ([^>]*)d="M([^"]+)"([^>]*)/>', '<path fill="red" d="M'
    ...     '222,-41C222,-41 124,-41 124,-41 118,-41 112,-35 112,-29 112,-29 112,-12 112,-12 112,-6 118,0 '
    ...     '124,0 124,0 222,0 222,0 228,0 234,-6 234,-12 234,-12 234,-29 234,-29 234,-35 228,-41 222,-41"/>')))
    <rect fill="red" x="112" y="-41" width="122" height="41" rx="12"/>
    """
    if not re.fullmatch(r"-?[\d.]+,-?[\d.]+C(-?[\d.]+,-?[\d.]+ ?){24}", match.group(2)):
        return match.group(0)
    points = [tuple(map(float, p.split(","))) for p in re.split(r"[C ]", match.group(2).strip())]
    if points[0] != points[-1]:
        return match.group(0)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    box = {"x": min(xs), "y": min(ys), "width": max(xs) - min(xs), "height": max(ys) - min(ys),
           "rx": points[2][0] - min(xs)}
    if not all(x in (min(xs), max(xs)) or y in (min(ys), max(ys)) for x, y in points):
        return match.group(0)
    return f"<rect {match.group(1)}" + " ".join(f'{k}="{round(v, 2):g}"' for k, v in box.items()) + f"{match.group(3)}/>"


def subscript(match: re.Match) -> str:
    """A Graphviz SVG <text> tag with baseline-shift="sub", as plain smaller, lower text."""
    tag = match.group(0).replace(' baseline-shift="sub"', "")
    size = float(re.search(r'font-size="([\d.]+)"', tag).group(1))
    tag = re.sub(r'font-size="[\d.]+"', f'font-size="{size * 0.85:.2f}"', tag)
    return re.sub(r' y="(-?[\d.]+)"', lambda m: f' y="{float(m.group(1)) + size * 0.2:.2f}"', tag)


def fit_pieces(group: str) -> str:
    """Each piece of a line of text (a <text> followed by the next on its line, as around a
    subscript) set to end where the next begins.  Graphviz placed the pieces by its own
    estimate of the font's widths; a reader's font may be wider, and a piece would run into
    the next (``textLength``: its letters are spaced, and if need be narrowed, to fit).

    >>> print(fit_pieces('<g><text x="10" y="-5" font-size="12.00">y</text>'
    ...                  '<text x="17" y="-2.6" font-size="10.20">target</text>'
    ...                  '<text x="42" y="-5" font-size="12.00">) = 4</text></g>'))
    <g><text x="10" y="-5" font-size="12.00" textLength="7" lengthAdjust="spacingAndGlyphs">y</text><text x="17" y="-2.6" font-size="10.20" textLength="25" lengthAdjust="spacingAndGlyphs">target</text><text x="42" y="-5" font-size="12.00">) = 4</text></g>
    """
    tags = list(re.finditer(r"<text\b[^>]*>", group))

    def at(tag: re.Match, name: str) -> float:
        return float(re.search(rf'\s{name}="(-?[\d.]+)"', tag.group(0)).group(1))

    out, done = [], 0
    for this, after in zip(tags, tags[1:]):
        room = at(after, "x") - at(this, "x")
        if room > 0 and abs(at(after, "y") - at(this, "y")) < at(this, "font-size") / 2:
            out += [group[done:this.end() - 1], f' textLength="{room:g}" lengthAdjust="spacingAndGlyphs">']
            done = this.end()
    return "".join(out) + group[done:]
