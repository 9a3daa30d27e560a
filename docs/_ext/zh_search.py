"""Chinese search that works in the browser on Sphinx 9.0.

Sphinx 9.0 names the JavaScript stemmer after ``language_name`` ("ChineseStemmer"), but
Chinese search ships the English stemmer, so the search page stops on a ReferenceError
(sphinx-doc/sphinx#14229, fixed upstream only for Python 3.12+).  Naming the language
after the stemmer it uses gives ``window.Stemmer = EnglishStemmer``, as the fix does.

The index is segmented into words by jieba at build time, but the browser takes a query
such as 反向传播 as one word, which jieba had indexed as 反向 + 传播: no page matched.
``SPLIT_QUERY`` segments the Chinese in a query into the longest words the index knows.

jieba's dictionary takes 1.5 s to load, in every zh build that writes a page (and Sphinx's
default loads it a second time, as a "user dictionary").  The build loads the *book's
dictionary* instead, once (0.1 s): jieba's, less the words with a character the book
never uses, which can never be cut out of the book's text; an extra word that cannot match
keeps jieba's total frequency, so the words are cut exactly as with the whole dictionary.
It is made again when the pages use a new character (and meanwhile, text with a character it
does not cover is cut with the whole dictionary).
"""

import json
import logging
from pathlib import Path

import jieba
from sphinx.search.zh import SearchChinese

jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG to stderr

# Replaces searchtools.js's default splitQuery (same splitting for everything but Chinese).
SPLIT_QUERY = r"""
var splitQuery = (query) => {
  const index = (typeof Search !== "undefined" && Search._index) || {};
  const known = (word) => {
    word = word.toLowerCase();
    return Object.hasOwn(index.terms || {}, word) || Object.hasOwn(index.titleterms || {}, word);
  };
  const segment = (han) => {  // longest known word first; characters in no known word are dropped
    if (known(han)) return [han];
    const words = [];
    for (let i = 0; i < han.length; ) {
      let j = han.length;
      while (j > i + 1 && !known(han.slice(i, j))) j--;
      if (known(han.slice(i, j))) words.push(han.slice(i, j));
      i = j;
    }
    return words.length ? words : [han];
  };
  return query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term)
    .flatMap((term) => term.match(/\p{Script=Han}+|\P{Script=Han}+/gu))
    .flatMap((part) => (/\p{Script=Han}/u.test(part) ? segment(part) : [part]));
};
"""


JIEBA_DICTIONARY = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME  # its text
NEVER_IN_TEXT = "\ue000"  # a private-use character: the word that keeps jieba's total
# Characters Sphinx may put into a page's text that its source does not have (smart quotes).
TYPOGRAPHY = set(map(chr, range(32, 127))) | set("\n\xa0‘’“”–—…")
_covered = {"chars": None, "file": None}  # what the loaded book dictionary covers


def write_book_dictionary(path: Path, chars: set[str]):
    """jieba's dictionary, less the words with a character outside ``chars``."""
    kept, total, total_kept = [], 0, 0
    for line in JIEBA_DICTIONARY.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        total += int(freq)
        if chars.issuperset(word):
            kept.append(line)
            total_kept += int(freq)
    kept.append(f"{NEVER_IN_TEXT} {total - total_kept}")
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps({"chars": "".join(sorted(chars))}))


def use_book_dictionary(app):
    """Load (made again if the pages use a new character) the book's dictionary."""
    if not app.config.language.startswith("zh"):
        return
    # Beside the doctrees, not among them: a failed build forgets its doctrees (build_site.py).
    path = Path(app.doctreedir).parent / "jieba-book.txt"
    # Where a page's text comes from: its source, the strings of the configuration, of the
    # extensions and of Furo's translation, and the outputs of the package the code uses.
    packages = getattr(app.config, "take_home_packages", {}).values()
    sources = [*Path(app.srcdir).rglob("*.md"), *Path(app.confdir).glob("conf.py"),
               *Path(__file__).parent.glob("*.py"),
               *(po for locale in app.config.locale_dirs for po in Path(app.srcdir, locale).rglob("*.po")),
               *(py for package in packages for py in Path(app.confdir, package).rglob("*.py"))]
    needed = TYPOGRAPHY.union(*(source.read_text(encoding="utf-8") for source in sources))
    try:
        covered = set(json.loads(path.with_suffix(".json").read_text())["chars"])
    except (OSError, ValueError, KeyError):
        covered = set()
    if not path.is_file() or not needed <= covered:
        path.parent.mkdir(parents=True, exist_ok=True)
        covered |= needed  # characters seen before stay covered
        write_book_dictionary(path, covered)
    jieba.set_dictionary(path)
    jieba.dt.tmp_dir = str(path.parent)  # jieba's cache of it, beside it
    _covered.update(chars=frozenset(covered), file=path)


def cut_with_the_whole_dictionary(text: str):
    """``text`` has a character the book's dictionary does not cover: from now on this build
    cuts with jieba's own, and the next build's book dictionary covers the character."""
    chars, path = _covered["chars"], _covered["file"]
    _covered.update(chars=None)
    with jieba.dt.lock:  # as jieba starts: its own dictionary, its own cache
        jieba.dt.dictionary, jieba.dt.tmp_dir, jieba.dt.initialized = jieba.DEFAULT_DICT, None, False
    meta = path.with_suffix(".json")  # a new dictionary next time, with these characters too
    meta.write_text(json.dumps({"chars": "".join(sorted(chars | set(text)))}))
    path.unlink()


class SearchChineseFixed(SearchChinese):
    language_name = "English"  # the name of the JS stemmer class, not of the language
    js_splitter_code = SPLIT_QUERY

    def split(self, input: str) -> list[str]:
        if _covered["chars"] is not None and not _covered["chars"].issuperset(input):
            cut_with_the_whole_dictionary(input)
        return super().split(input)


def no_user_dictionary(app, config):
    """Sphinx's default ``dict`` option loads jieba's dictionary again as a user dictionary."""
    if config.language.startswith("zh"):
        config.html_search_options = {**config.html_search_options, "dict": ""}


def setup(app):
    app.add_search_language(SearchChineseFixed)
    app.connect("config-inited", no_user_dictionary)
    app.connect("builder-inited", use_book_dictionary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
