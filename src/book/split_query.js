// Sphinx's splitQuery (searchtools.js), for Chinese search (src/book/patches.py, 4.):
// the same splitting for everything but Chinese, which is cut into the longest words
// the search index knows.
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
