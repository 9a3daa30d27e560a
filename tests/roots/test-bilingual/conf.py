# book.bilingual reads MyST-NB's and sphinx-notfound-page's settings, as the book loads them.
extensions = ["myst_nb", "notfound.extension", "book.bilingual"]
html_baseurl = "https://example.org/book/"  # the site's root: each language under <root><folder>/
templates_path = ["_templates"]  # page.html: prints the language switch
