"""Chinese search that works in the browser on Sphinx 9.0.

Sphinx 9.0 names the JavaScript stemmer after ``language_name`` ("ChineseStemmer"), but
Chinese search ships the English stemmer, so the search page stops on a ReferenceError
(sphinx-doc/sphinx#14229, fixed upstream only for Python 3.12+).  Naming the language
after the stemmer it uses gives ``window.Stemmer = EnglishStemmer``, as the fix does.

The index is segmented into words by jieba at build time, but the browser takes a query
such as 反向传播 as one word, which jieba had indexed as 反向 + 传播: no page matched.
``SPLIT_QUERY`` segments the Chinese in a query into the longest words the index knows.
"""

import logging
import threading

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


class SearchChineseFixed(SearchChinese):
    language_name = "English"  # the name of the JS stemmer class, not of the language
    js_splitter_code = SPLIT_QUERY


def load_dictionary_early(app, env, docnames):
    """jieba loads its dictionary (about 1 s) when the first page is indexed; a build that
    writes pages loads it meanwhile, while the pages' kernels run."""
    if docnames and app.config.language.startswith("zh"):
        threading.Thread(target=jieba.initialize, daemon=True).start()


def setup(app):
    app.add_search_language(SearchChineseFixed)
    app.connect("env-before-read-docs", load_dictionary_early)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
