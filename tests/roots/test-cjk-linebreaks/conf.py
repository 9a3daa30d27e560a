extensions = ["myst_parser", "book.cjk_linebreaks"]
language = "zh_CN"
html_search_options = {"dict": ""}  # as the book: jieba's dictionary is not loaded twice per build
