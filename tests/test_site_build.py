"""`make html` builds a complete, self-consistent site in both languages: every station shows
the numbers its code computed, each page links to its translation, and each language has its
own interface strings and search."""

import json
import re

import pytest
from project import FOLDERS, HREFLANG, SEED, STATIONS, article_text, book_pages
from project import built_page as page

from burger_factory import gradients, produce

LANGS = FOLDERS
MADE = produce(SEED["x"], SEED["w"], SEED["v"])
GRAD = gradients(**SEED)
# The extra stop's factory: knob w also drives machine C, which makes w * z veggie burgers
# from z = 1 box of vegetables; the order counts both kinds.
VEG = SEED["w"] * 1.0
FORK_DLOSS_DY = 2 * (MADE.y + VEG - SEED["target"])
FORK = {"y": MADE.y + VEG, "loss": (MADE.y + VEG - SEED["target"]) ** 2,
        "dloss_dy": FORK_DLOSS_DY, "path_a": FORK_DLOSS_DY * SEED["v"] * SEED["x"],
        "path_c": FORK_DLOSS_DY * 1.0, "dw": FORK_DLOSS_DY * (SEED["v"] * SEED["x"] + 1.0),
        "dv": FORK_DLOSS_DY * MADE.u}


def test_root_page_offers_both_languages(site):
    root = (site / "index.html").read_text(encoding="utf-8")
    for lang in LANGS:
        assert f'href="{lang}/index.html"' in root
        assert (site / lang / "index.html").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_declares_its_language(site, lang):
    for name in ("index", *STATIONS):
        assert re.search(f'<html[^>]* lang="{HREFLANG[lang]}"', page(site, lang, name)), name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ("index", *STATIONS, "search"))
def test_language_switch_lands_on_the_same_page(site, lang, name):
    [other] = [folder for folder in LANGS if folder != lang]
    links = re.findall(r'<p class="book-lang-switch"><a href="([^"]+)"', page(site, lang, name))
    assert links == [f"../{other}/{name}.html"]
    assert (site / lang / links[0]).resolve() == (site / other / f"{name}.html").resolve()


# What each station must show, in its text or its output, for the seed's numbers.
SHOWN = {
    "1-factory": [MADE.u, MADE.y],
    "2-chain-rule": [MADE.u, SEED["v"] * SEED["x"]],
    "3-error-and-backprop": [SEED["target"], MADE.y, (MADE.y - SEED["target"]) ** 2],
    "4-pytorch-backward": [GRAD.dloss_dv, GRAD.dloss_dw, (MADE.y - SEED["target"]) ** 2],
    "5-backward-by-hand": [GRAD.dloss_dy, GRAD.dy_dv, GRAD.dloss_dv, GRAD.dy_du, GRAD.du_dw,
                           GRAD.dloss_dw],
    "5b-when-paths-fork": [VEG, *FORK.values(), GRAD.dloss_dw],
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("station", STATIONS)
def test_station_shows_its_numbers(site, lang, station):
    text = article_text(page(site, lang, station))
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    for value in SHOWN[station]:
        assert value in numbers, f"{lang}/{station} does not show {value}"


@pytest.mark.parametrize("lang", LANGS)
def test_station_4_prints_torch_gradients_beside_the_chain_rule(site, lang):
    out = article_text(page(site, lang, "4-pytorch-backward"), keep_code=True)
    for grad in (GRAD.dloss_dv, GRAD.dloss_dw):
        assert re.search(rf"{grad}\D+{grad}", out), f"{grad} twice on one output line"


def test_both_languages_glue_the_same_keys(site):
    keys = {}
    for lang in LANGS:
        folder = site.parent / "lang" / lang / "jupyter_execute"
        keys[lang] = {p.name: set(json.loads(p.read_text())) for p in folder.glob("*.glue.json")}
    assert keys["zh"] == keys["en"]
    assert {f"{s}.glue.json" for s in STATIONS} <= set(keys["zh"])


def test_no_formula_is_left_unrendered(site):
    for lang in LANGS:
        for name in STATIONS:
            html = page(site, lang, name)
            assert "katex-error" not in html and r"\glue" not in article_text(html), name
            assert 'class="katex"' in html, f"{lang}/{name} has no rendered formula"


def test_interface_strings_are_in_the_page_language(site):
    zh, en = page(site, "zh", "4-pytorch-backward"), page(site, "en", "4-pytorch-backward")
    for english in (">Next<", ">Previous<", "On this page", "Made with", "Copyright"):
        assert english not in zh, english
    for chinese in ("下一站", "上一站", "本页内容", "本站使用"):
        assert chinese in zh, chinese
    assert not re.search(r"[\u4e00-\u9fff]", en.replace(
        '<a href="../zh/4-pytorch-backward.html" hreflang="zh-CN" lang="zh-CN">中文</a>', "")), \
        "the en page has Chinese outside the language switch"


@pytest.mark.parametrize("lang, words", [
    ("zh", ["链式法则", "反向传播", "误差", "梯度"]),
    ("en", ["chain", "backpropag", "gradient"]),
])
def test_search_index_knows_the_key_terms(site, lang, words):
    """Each word is an index term or, in Chinese, splits into index terms (jieba may index
    反向传播 as 反向 + 传播; the search page splits the query the same way)."""
    index = (site / lang / "searchindex.js").read_text(encoding="utf-8")
    terms = set(json.loads(index[index.index("(") + 1:index.rindex(")")])["terms"])

    def findable(word):
        return any(t.startswith(word) for t in terms) or (
            lang == "zh" and any(word[:i] in terms and findable(word[i:]) for i in range(1, len(word))))

    for word in words:
        assert findable(word), word


def test_chinese_search_script_defines_its_stemmer(site):
    js = (site / "zh" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "window.Stemmer = EnglishStemmer" in js and "ChineseStemmer" not in js


def test_nothing_is_loaded_from_outside_the_site(site):
    # <link rel="canonical"> and <link rel="alternate" hreflang> name the published URLs of a
    # page and its translations: browsers load nothing from them.
    names_a_page = re.compile(r'<link\b[^>]*\brel="(?:canonical|alternate)"')
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag, url in re.findall(r'<(script|link|img)[^>]+(?:src|href)="([^"]+)"',
                                   names_a_page.sub("<a", html)):
            assert not re.match(r"(https?:)?//", url), f"{path}: {tag} loads {url}"


def test_chinese_sentences_have_no_stray_spaces(site):
    """No space between two Chinese characters in a paragraph's text: not from a line break
    in the source, nor next to bold text or a link (tags set aside)."""
    cjk = "[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d]"
    for name in book_pages("zh"):
        paragraphs = re.findall(r"<p>(.*?)</p>", page(site, "zh", name), flags=re.S)
        texts = [re.sub(r"<[^>]+>", "", p) for p in paragraphs]
        gaps = [m.group(0) for text in texts for m in re.finditer(f".{{0,6}}{cjk}\\s+{cjk}.{{0,6}}", text)]
        assert not gaps, f"zh/{name}: spaces between Chinese characters: {gaps}"
