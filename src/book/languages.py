"""The book's languages: the one list that the build, the pages, the site's root and the
tests read.  A language's pages live in ``docs/<folder>/`` and are published under
``<site>/<folder>/``.

Run as a script, it prints ``folder:code`` for each language, for the Makefile.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    folder: str  # docs/<folder>/ and <site>/<folder>/
    code: str  # Sphinx's language setting: sphinx-build -D language=<code>
    hreflang: str  # the page's <html lang>, and hreflang links to it
    name: str  # its name in its own language: the language switch
    title: str  # the book's title
    copyright: str
    not_found: str  # "page not found", on the site's root 404 page
    # The PDF book (python -m book.pdf): its contents page's heading, and its title page's
    # line saying where ({site}) and, when the sources tell, when ({date}) it was built.
    contents: str
    built_from: str
    built_from_on: str


LANGUAGES = (
    Language("zh", "zh_CN", "zh-CN", "中文", "汉堡工厂：链式法则与反向传播",
             "2026，汉堡工厂的作者们", "页面不存在",
             "目录", "由网站 {site} 生成", "由网站 {site} 生成，构建于 {date}"),
    Language("en", "en", "en", "English", "The Burger Factory: the chain rule and backpropagation",
             "2026, the Burger Factory authors", "Page not found",
             "Contents", "Built from the website {site}", "Built from the website {site} on {date}"),
)


def by_code(code: str) -> Language:
    """The language Sphinx calls ``code``; an error that lists the book's if it has none."""
    for language in LANGUAGES:
        if language.code == code:
            return language
    raise ValueError(f"language {code!r} is not one of the book's: "
                     f"{', '.join(language.code for language in LANGUAGES)} (src/book/languages.py)")


if __name__ == "__main__":
    print(" ".join(f"{language.folder}:{language.code}" for language in LANGUAGES))
