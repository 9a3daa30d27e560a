// Printing shows every exercise's solution: the folded ones are opened before printing and
// folded again after.  Chromium ≥ 131 needs no script (print.css's ::details-content); this
// is for the other browsers.
(() => {
  let opened = [];
  addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll("details:not([open])")];
    for (const details of opened) details.open = true;
  });
  addEventListener("afterprint", () => {
    for (const details of opened) details.open = false;
    opened = [];
  });
})();
