// Search results quote each page around the words found, from the page's own text. KaTeX
// writes every formula twice: MathML, which screen readers read, and the HTML drawn on screen
// (aria-hidden), whose text runs in drawing order (a fraction's denominator first); Sphinx's
// quote took both. Here it takes each formula once, and leaves out the language switch.
const sphinxHtmlToText = Search.htmlToText;
Search.htmlToText = (htmlString, anchor) => {
  const page = new DOMParser().parseFromString(htmlString, "text/html");
  page.querySelectorAll(".katex-html, .book-lang-switch").forEach((element) => element.remove());
  return sphinxHtmlToText(page.documentElement.outerHTML, anchor);
};
