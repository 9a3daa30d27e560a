"""Chinese search that works in the browser on Sphinx 9.0.

Sphinx 9.0 names the JavaScript stemmer after ``language_name`` ("ChineseStemmer"), but
Chinese search ships the English stemmer, so the search page stops on a ReferenceError
(sphinx-doc/sphinx#14229, fixed upstream only for Python 3.12+).  Naming the language
after the stemmer it uses gives ``window.Stemmer = EnglishStemmer``, as the fix does.
"""

import logging

import jieba
from sphinx.search.zh import SearchChinese

jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG to stderr


class SearchChineseFixed(SearchChinese):
    language_name = "English"  # the name of the JS stemmer class, not of the language


def setup(app):
    app.add_search_language(SearchChineseFixed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
